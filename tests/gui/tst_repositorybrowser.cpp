// The left pane against the real registry, offscreen: the saved connection opens by itself,
// the tree shows namespace folders, the filter narrows it, selecting a repository (also one
// typed by hand) tells the window, a failed open shows an inline error with Retry. Saves
// screenshots (light and dark) of the pane and the connection dialog into the build tree.

#include "guitestutil.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include "models/repositories/repositorytreemodel.h"
#include "models/session/connectionstore.h"
#include "models/session/registrysession.h"
#include "models/session/secretstore.h"
#include "models/session/sessionmanager.h"
#include "net/transport/requestscheduler.h"
#include "ui/connectiondialog.h"
#include "ui/repositorybrowser.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
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

QStringList labels(const QAbstractItemModel *model, const QModelIndex &parent = {})
{
    QStringList out;
    for (int row = 0; row < model->rowCount(parent); ++row)
        out.append(model->index(row, 0, parent).data().toString());
    return out;
}

} // namespace

class TestRepositoryBrowser : public QObject
{
    Q_OBJECT

public:
    static void initMain()
    {
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/berth-test-no-bus");
        QStandardPaths::setTestModeEnabled(true);
    }

private Q_SLOTS:
    void initTestCase();
    void opensTheSavedConnection();
    void filterNarrowsTheTree();
    void selectingARepositoryTellsTheWindow();
    void typedRepository();
    void failedOpenShowsInlineErrorAndRetries();
    void screenshots();

private:
    void savePng(QWidget *widget, const QString &name);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<SessionManager> m_sessions;
    std::unique_ptr<RepositoryBrowser> m_browser;
    QString m_id;
};

void TestRepositoryBrowser::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(u"BerthTest"_s);
    QCoreApplication::setApplicationName(u"tst_repositorybrowser"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    // Fusion: the same look on every machine, so screenshots compare.
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));

    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    ImageSeeder seeder(m_registry->host());
    for (const QString &repository :
         {u"busybox"_s, u"team-a/api"_s, u"team-a/web"_s, u"team-a/tools/lint"_s, u"team-b/db"_s}) {
        const auto image = seeder.seedImage(repository, ImageSpec(), {u"1.0"_s});
        QVERIFY2(image.ok(), qPrintable(image.error().toString()));
    }

    m_secrets = std::make_unique<SecretStore>(SecretStore::Backend::Memory);
    m_store = std::make_unique<ConnectionStore>(m_secrets.get());
    m_sessions = std::make_unique<SessionManager>(m_store.get(), nullptr);
    m_sessions->scheduler()->setRetryDelays(5, 20);
    Connection c;
    c.name = u"Local demo"_s;
    c.address = u"http://"_s + m_registry->host();
    c.authMode = Connection::AuthMode::Anonymous;
    m_id = m_store->save(c);
}

void TestRepositoryBrowser::opensTheSavedConnection()
{
    // Given one saved connection
    m_browser = std::make_unique<RepositoryBrowser>(m_store.get(), m_sessions.get());
    m_browser->resize(320, 560);
    m_browser->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_browser.get()));

    // Then it is chosen and listed without anyone asking
    QCOMPARE(m_browser->currentConnectionId(), m_id);
    RepositoryTreeModel *model = m_browser->treeModel();
    QTRY_VERIFY_WITH_TIMEOUT(model->session() && model->rowCount() > 0 && !model->isLoading(),
                             20000);
    const QAbstractItemModel *shown = m_browser->treeView()->model();
    QCOMPARE(labels(shown), (QStringList{u"busybox"_s, u"team-a (3)"_s, u"team-b (1)"_s}));
}

void TestRepositoryBrowser::filterNarrowsTheTree()
{
    QVERIFY(m_browser);
    const QAbstractItemModel *shown = m_browser->treeView()->model();
    auto *filter = m_browser->findChild<QLineEdit *>(u"filter"_s);
    QTest::keyClicks(filter, u"WEB"_s);
    QCOMPARE(labels(shown), QStringList{u"team-a (3)"_s});
    QCOMPARE(labels(shown, shown->index(0, 0)), QStringList{u"web"_s});
    QVERIFY(m_browser->treeView()->isExpanded(shown->index(0, 0)));

    filter->clear();
    QTest::keyClicks(filter, u"team-a"_s); // a matching folder keeps all its children
    QCOMPARE(labels(shown, shown->index(0, 0)), (QStringList{u"api"_s, u"tools/lint"_s, u"web"_s}));
    filter->clear();
    QCOMPARE(shown->rowCount(), 3);
}

void TestRepositoryBrowser::selectingARepositoryTellsTheWindow()
{
    QVERIFY(m_browser);
    QSignalSpy activated(m_browser.get(), &RepositoryBrowser::repositoryActivated);
    QTreeView *view = m_browser->treeView();
    view->setFocus();

    // Keyboard: Down to busybox (first row) selects it
    view->setCurrentIndex(view->model()->index(0, 0));
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), m_id);
    QCOMPARE(activated.at(0).at(1).toString(), u"busybox"_s);
    QCOMPARE(m_browser->currentRepository(), u"busybox"_s);

    // Programmatic: the window restoring the last location
    m_browser->selectRepository(m_id, u"team-a/web"_s);
    QCOMPARE(activated.count(), 2);
    QCOMPARE(activated.at(1).at(1).toString(), u"team-a/web"_s);
    QCOMPARE(m_browser->currentRepository(), u"team-a/web"_s);
    QVERIFY(view->isExpanded(view->currentIndex().parent()));

    // Enter on the current one tells again (explicit)
    QTest::keyClick(view, Qt::Key_Return);
    QCOMPARE(activated.count(), 3);
}

void TestRepositoryBrowser::typedRepository()
{
    QVERIFY(m_browser);
    QSignalSpy activated(m_browser.get(), &RepositoryBrowser::repositoryActivated);
    m_browser->openRepositoryAction()->trigger();
    auto *edit = m_browser->findChild<QLineEdit *>(u"openRepository"_s);
    QVERIFY(edit->isVisible());
    // A pasted reference with host and tag names the same repository.
    QTest::keyClicks(edit, m_registry->host() + u"/team-c/new:2.0"_s);
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(1).toString(), u"team-c/new"_s);
    QVERIFY(m_browser->treeModel()->indexForRepository(u"team-c/new"_s).isValid());
}

void TestRepositoryBrowser::failedOpenShowsInlineErrorAndRetries()
{
    QVERIFY(m_browser);
    // Given a connection to a registry that is down
    RegistryProcess later;
    QString error;
    QVERIFY2(later.start(&error), qPrintable(error));
    later.stop();
    Connection c;
    c.name = u"Down"_s;
    c.address = u"http://"_s + later.host();
    c.authMode = Connection::AuthMode::Anonymous;
    const QString id = m_store->save(c); // added: the browser switches to it

    // Then the pane says why, inline, with Retry
    QCOMPARE(m_browser->currentConnectionId(), id);
    auto *status = m_browser->findChild<QLabel *>(u"status"_s);
    QPushButton *retry = nullptr;
    for (QPushButton *button : m_browser->findChildren<QPushButton *>()) {
        if (button->text() == u"Retry"_s)
            retry = button;
    }
    QVERIFY(retry);
    // Retry shows with the error only (not while connecting).
    QTRY_VERIFY_WITH_TIMEOUT(retry->isVisible(), 20000);
    QVERIFY(status->isVisible());
    QVERIFY2(status->text().contains(u"refused"_s), qPrintable(status->text()));
    savePng(m_browser.get(), u"repositorybrowser-error"_s);

    // When it is back and Retry is pressed, the tree fills
    QVERIFY2(later.restart(&error), qPrintable(error));
    QTest::mouseClick(retry, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!status->isVisible() && m_browser->treeModel()->session(), 20000);

    m_store->remove(id);
    QCOMPARE(m_browser->currentConnectionId(), m_id);
}

void TestRepositoryBrowser::savePng(QWidget *widget, const QString &name)
{
    const QString dir
            = qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
    QDir().mkpath(dir);
    const QString path = dir + u'/' + name + u".png"_s;
    QVERIFY2(widget->grab().save(path), qPrintable(path));
}

void TestRepositoryBrowser::screenshots()
{
    QVERIFY(m_browser);
    QTreeView *view = m_browser->treeView();
    QTRY_VERIFY_WITH_TIMEOUT(
            !m_browser->treeModel()->isLoading() && m_browser->treeModel()->rowCount() > 0, 20000);
    m_browser->selectRepository(m_id, u"team-a/api"_s);
    view->expand(view->model()->index(2, 0));
    QTRY_VERIFY(!m_browser->treeModel()->isLoading());

    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    dialog.setConnection(m_store->connection(m_id));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    // Changed while shown: the dialog must grow for the rows that appear.
    dialog.findChild<QComboBox *>(u"auth"_s)->setCurrentIndex(1);
    QTest::keyClicks(dialog.findChild<QLineEdit *>(u"username"_s), u"robot$ci+pull"_s);
    dialog.findChild<QCheckBox *>(u"skipTls"_s)->setChecked(true);
    QSignalSpy tested(&dialog, &ConnectionDialog::testFinished);
    dialog.testConnection();
    QVERIFY(tested.wait(20000));

    const QPalette light = QApplication::style()->standardPalette();
    for (const auto &[suffix, palette] :
         {std::pair{u"light"_s, light}, std::pair{u"dark"_s, darkPalette()}}) {
        QApplication::setPalette(palette);
        QCoreApplication::processEvents();
        savePng(m_browser.get(), u"repositorybrowser-"_s + suffix);
        savePng(&dialog, u"connectiondialog-"_s + suffix);
    }
    QApplication::setPalette(light);
}

QTEST_MAIN(TestRepositoryBrowser)
#include "tst_repositorybrowser.moc"
