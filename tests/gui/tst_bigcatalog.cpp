// Opening `berth HOST/org-07/app-123` on a registry with 10,000 repositories: the tree selects
// that repository and it is on screen once the catalog has been listed, while the catalog's
// pages arrive around it (a scripted registry that pages _catalog the way Distribution does:
// a path-only Link to the next page).

#include "scriptedhttpserver.h"

#include "models/repositories/repositorytreemodel.h"
#include "models/session/connectionstore.h"
#include "models/session/registrysession.h"
#include "models/session/secretstore.h"
#include "models/session/sessionmanager.h"
#include "ui/repositorybrowser.h"

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int Organisations = 20;
constexpr int AppsPerOrganisation = 500; // 10,000 repositories
constexpr int PageSize = 100;

QStringList catalog()
{
    QStringList names;
    for (int org = 0; org < Organisations; ++org) {
        for (int app = 0; app < AppsPerOrganisation; ++app)
            names.append(u"org-%1/app-%2"_s.arg(org, 2, 10, QLatin1Char('0')).arg(app));
    }
    names.sort(); // Distribution lists the catalog in lexical order
    return names;
}

} // namespace

class TestBigCatalog : public QObject
{
    Q_OBJECT

public:
    TestBigCatalog() { QStandardPaths::setTestModeEnabled(true); }

private Q_SLOTS:
    void initTestCase();
    void openedRepositoryIsSelectedAndOnScreen_data();
    void openedRepositoryIsSelectedAndOnScreen();

private:
    QTemporaryDir m_settingsDir;
    ScriptedHttpServer m_server;
    QStringList m_catalog;
    int m_pageDelayMs = 0;
};

void TestBigCatalog::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(u"BerthTest"_s);
    QCoreApplication::setApplicationName(u"tst_bigcatalog"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));

    m_catalog = catalog();
    QVERIFY(m_server.listen());
    m_server.setHandler([this](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/")
            return ScriptedHttpServer::Reply::json(200, "{}");
        if (request.path() != u"/v2/_catalog")
            return ScriptedHttpServer::Reply::registryError(404, "NOT_FOUND", "no");
        const QString last = request.query().queryItemValue(u"last"_s);
        const int n = std::min(request.query().queryItemValue(u"n"_s).toInt(), PageSize);
        const int size = n > 0 ? n : PageSize;
        const auto from = std::upper_bound(m_catalog.cbegin(), m_catalog.cend(), last);
        const qsizetype start = last.isEmpty() ? 0 : from - m_catalog.cbegin();
        const QStringList page = m_catalog.mid(start, size);
        QByteArray body = R"({"repositories":[)";
        for (qsizetype i = 0; i < page.size(); ++i)
            body += (i ? ",\"" : "\"") + page.at(i).toUtf8() + '"';
        body += "]}";
        auto reply = ScriptedHttpServer::Reply::json(200, body);
        reply.delayMs = m_pageDelayMs;
        if (start + size < m_catalog.size()) {
            reply.header("Link", "</v2/_catalog?last=" + page.constLast().toUtf8()
                                         + "&n=" + QByteArray::number(size) + R"(>; rel="next")");
        }
        return reply;
    });
}

void TestBigCatalog::openedRepositoryIsSelectedAndOnScreen_data()
{
    QTest::addColumn<QString>("repository");
    QTest::addColumn<int>("pageDelayMs");
    QTest::newRow("middle") << u"org-07/app-123"_s << 0;
    QTest::newRow("middle, slow pages") << u"org-07/app-123"_s << 20;
    QTest::newRow("last page") << u"org-19/app-99"_s << 0;
}

void TestBigCatalog::openedRepositoryIsSelectedAndOnScreen()
{
    QFETCH(QString, repository);
    QFETCH(int, pageDelayMs);
    m_pageDelayMs = pageDelayMs;

    // Given a connection to the registry and the repository tree at the window's size
    SecretStore secrets(SecretStore::Backend::Memory);
    ConnectionStore store(&secrets);
    SessionManager sessions(&store, nullptr);
    Connection connection;
    connection.name = u"Big"_s;
    connection.address = u"http://"_s + m_server.baseUrl().authority();
    connection.authMode = Connection::AuthMode::Anonymous;
    const QString id = store.save(connection);
    RepositoryBrowser browser(&store, &sessions);
    browser.resize(320, 700);
    browser.show();
    QVERIFY(QTest::qWaitForWindowExposed(&browser));
    QSignalSpy activated(&browser, &RepositoryBrowser::repositoryActivated);

    // When the command line asks for one repository while the catalog is still listed
    browser.selectRepository(id, repository);

    // Then, once every page has arrived, that repository is the current one, it is on screen
    // and the window was told about it once
    RepositoryTreeModel *model = browser.treeModel();
    QTRY_VERIFY_WITH_TIMEOUT(
            model->session() && !model->isLoading() && !model->canFetchMore(QModelIndex()), 60000);
    QTreeView *view = browser.treeView();
    QTRY_COMPARE(browser.currentRepository(), repository);
    const QModelIndex current = view->currentIndex();
    QVERIFY(current.isValid());
    QVERIFY(view->selectionModel()->isSelected(current));
    QTRY_VERIFY2(view->viewport()->rect().contains(view->visualRect(current)),
                 "the selected repository is not scrolled into view");
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(1).toString(), repository);
}

QTEST_MAIN(TestBigCatalog)
#include "tst_bigcatalog.moc"
