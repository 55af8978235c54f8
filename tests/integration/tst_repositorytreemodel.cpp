// The lazy repository tree against the real registry: namespace folders from the first path
// component, deep paths, a catalog of several pages, folders paging their own prefix, counts
// once complete, a registry that refuses _catalog (typed paths instead), and error rows with
// retry. QAbstractItemModelTester watches every model that is not counting requests.

#include "imageseeder.h"
#include "registryprocess.h"
#include "scriptedhttpserver.h"

#include "models/repositories/repositorytreemodel.h"
#include "models/session/registrysession.h"
#include "net/oci/ocibackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

using Kind = RepositoryTreeModel::NodeKind;

//! A client stack for one registry with every catalog request recorded. The session is made
//! directly (no detection or connect requests: only catalog requests are of interest here).
struct Stack
{
    explicit Stack(const QString &host, const Credentials &credentials = {})
        : scheduler(&nam)
        , session(std::make_unique<RegistrySession>(
                  BackendInfo(), new OciBackend(endpointFor(host, credentials), &scheduler),
                  nullptr))
    {
        QObject::connect(&scheduler, &RequestScheduler::attemptStarted, &scheduler,
                         [this](const QByteArray &method, const QUrl &url) {
                             if (url.path() == u"/v2/_catalog")
                                 catalogRequests.append(QString::fromLatin1(method) + u' '
                                                        + url.query());
                         });
    }
    static RegistryEndpoint endpointFor(const QString &host, const Credentials &credentials)
    {
        RegistryEndpoint endpoint;
        endpoint.host = host;
        endpoint.scheme = RegistryEndpoint::Scheme::Http;
        endpoint.credentialSource = credentials.isEmpty()
                                            ? RegistryEndpoint::CredentialSource::None
                                            : RegistryEndpoint::CredentialSource::Explicit;
        endpoint.credentials = credentials;
        return endpoint;
    }

    NetworkAccessManager nam;
    RequestScheduler scheduler;
    std::unique_ptr<RegistrySession> session;
    QStringList catalogRequests;
};

Kind kindOf(const QModelIndex &index)
{
    return index.data(RepositoryTreeModel::NodeKindRole).value<Kind>();
}

QStringList labels(const QAbstractItemModel &model, const QModelIndex &parent = {})
{
    QStringList out;
    for (int row = 0; row < model.rowCount(parent); ++row)
        out.append(model.index(row, 0, parent).data().toString());
    return out;
}

//! Pages parent until nothing more can be fetched (and nothing loads).
bool fetchAll(RepositoryTreeModel &model, const QModelIndex &parent = {})
{
    for (int guard = 0; guard < 100; ++guard) {
        if (!QTest::qWaitFor([&] { return !model.isLoading(); }, 20000))
            return false;
        if (!model.canFetchMore(parent))
            return true;
        model.fetchMore(parent);
    }
    return false;
}

} // namespace

class TestRepositoryTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void groupsByFirstComponent();
    void pagesTheCatalogAndFoldersTheirPrefix();
    void tokenRegistryRefusingCatalogOffersTypedPaths();
    void refusedCatalog_data();
    void refusedCatalog();
    void failedPageShowsErrorAndRetries();
    void followsTheSession();

private:
    std::unique_ptr<RepositoryTreeModel> newModel(Stack &stack, bool tester);

    std::unique_ptr<RegistryProcess> m_registry;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
};

std::unique_ptr<RepositoryTreeModel> TestRepositoryTreeModel::newModel(Stack &stack, bool tester)
{
    auto model = std::make_unique<RepositoryTreeModel>();
    // Several pages out of 18 names, so paging and folder boundaries across pages are exercised.
    model->setPageSize(5);
    if (tester) {
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
                model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest));
    }
    model->setSession(stack.session.get());
    return model;
}

void TestRepositoryTreeModel::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));

    // One small image pushed into every repository (blobs mounted after the first): cheap, and
    // the catalog lists exactly these 18 names.
    ImageSeeder seeder(m_registry->host());
    QStringList repositories{u"team-a/api"_s,      u"alpine"_s,     u"busybox"_s,
                             u"team-a/sub/deep"_s, u"team-a/web"_s, u"zeta/one"_s};
    for (int i = 1; i <= 12; ++i)
        repositories.append(u"team-b/x%1"_s.arg(i, 2, 10, QLatin1Char('0')));
    for (const QString &repository : std::as_const(repositories)) {
        const auto image = seeder.seedImage(repository, ImageSpec(), {u"1.0"_s});
        QVERIFY2(image.ok(), qPrintable(image.error().toString()));
    }
}

void TestRepositoryTreeModel::groupsByFirstComponent()
{
    // Given the registry's 18 repositories
    Stack stack(m_registry->host());
    auto model = newModel(stack, true);

    // When the whole catalog is listed
    QVERIFY(fetchAll(*model));

    // Then top-level names stand alone and the rest sit in folders named by their first
    // component, with counts now that every folder is complete
    QCOMPARE(labels(*model), (QStringList{u"alpine"_s, u"busybox"_s, u"team-a (3)"_s,
                                          u"team-b (12)"_s, u"zeta (1)"_s}));
    const QModelIndex busybox = model->index(1, 0);
    QCOMPARE(kindOf(busybox), Kind::Repository);
    QCOMPARE(busybox.data(RepositoryTreeModel::RepositoryRole).toString(), u"busybox"_s);

    const QModelIndex teamA = model->indexForFolder(u"team-a"_s);
    QCOMPARE(teamA.row(), 2);
    QCOMPARE(kindOf(teamA), Kind::Folder);
    QCOMPARE(teamA.data(RepositoryTreeModel::CountRole).toInt(), 3);
    QVERIFY(teamA.data(RepositoryTreeModel::RepositoryRole).isNull());
    QCOMPARE(teamA.data(RepositoryTreeModel::PathRole).toString(), u"team-a"_s);
    // Deeper paths stay under the first component and show the rest of their path
    QCOMPARE(labels(*model, teamA), (QStringList{u"api"_s, u"sub/deep"_s, u"web"_s}));
    const QModelIndex deep = model->index(1, 0, teamA);
    QCOMPARE(deep.data(RepositoryTreeModel::RepositoryRole).toString(), u"team-a/sub/deep"_s);
    QCOMPARE(model->indexForRepository(u"team-a/sub/deep"_s), deep);
    QCOMPARE(deep.parent(), teamA);

    const QModelIndex teamB = model->indexForFolder(u"team-b"_s);
    QCOMPARE(model->rowCount(teamB), 12);
    QCOMPARE(model->index(11, 0, teamB).data(RepositoryTreeModel::RepositoryRole).toString(),
             u"team-b/x12"_s);
    QVERIFY(!model->canFetchMore({}));
    QVERIFY(!model->canFetchMore(teamB));
    QVERIFY(!model->isCatalogUnavailable());
}

void TestRepositoryTreeModel::pagesTheCatalogAndFoldersTheirPrefix()
{
    // Given a model no view has asked anything yet (no tester: it fetches by itself)
    Stack stack(m_registry->host());
    auto model = newModel(stack, false);
    QSignalSpy pages(model.get(), &RepositoryTreeModel::pageFetched);
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(stack.catalogRequests.isEmpty());
    QVERIFY(model->canFetchMore({}));

    // When the view asks for the first page
    QSignalSpy inserted(model.get(), &QAbstractItemModel::rowsInserted);
    model->fetchMore({});
    QVERIFY(model->isLoading());
    QVERIFY(!model->canFetchMore({})); // one page at a time
    QCOMPARE(model->rowCount(), 0);    // fetchMore() only starts the request
    QVERIFY(pages.wait(20000));

    // Then a Loading row showed first (and is gone now)
    QVERIFY(inserted.count() >= 2);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 0);
    QVERIFY(!model->isLoading());
    for (int row = 0; row < model->rowCount(); ++row)
        QVERIFY(kindOf(model->index(row, 0)) != Kind::Loading);

    // And one catalog request brought 5 names: team-a is not known to be complete yet
    QCOMPARE(stack.catalogRequests.size(), 1);
    QCOMPARE(labels(*model), (QStringList{u"alpine"_s, u"busybox"_s, u"team-a"_s}));
    const QModelIndex teamA = model->indexForFolder(u"team-a"_s);
    QCOMPARE(teamA.data(RepositoryTreeModel::CountRole).toInt(), -1);
    QCOMPARE(model->rowCount(teamA), 3);

    // When the next page passes team-a
    model->fetchMore({});
    QVERIFY(pages.wait(20000));
    QCOMPARE(stack.catalogRequests.size(), 2);
    QCOMPARE(labels(*model),
             (QStringList{u"alpine"_s, u"busybox"_s, u"team-a (3)"_s, u"team-b"_s}));
    const QModelIndex teamB = model->indexForFolder(u"team-b"_s);
    QCOMPARE(model->rowCount(teamB), 5);

    // When team-b is expanded: it pages its own prefix to the end, without the root
    QVERIFY(model->canFetchMore(teamB));
    const qsizetype before = stack.catalogRequests.size();
    QVERIFY(fetchAll(*model, teamB));
    QCOMPARE(model->rowCount(teamB), 12);
    QCOMPARE(teamB.data().toString(), u"team-b (12)"_s);
    QVERIFY(stack.catalogRequests.size() - before <= 4); // 12 names from x01 on, 5 a page
    for (const QString &request : stack.catalogRequests.mid(before))
        QVERIFY2(request.contains(u"last=team-"_s), qPrintable(request));
    QVERIFY(!model->indexForRepository(u"zeta/one"_s).isValid());
    QVERIFY(model->canFetchMore({}));

    // When the root pages on to the end, nothing is listed twice
    QVERIFY(fetchAll(*model));
    QCOMPARE(model->rowCount(teamB), 12);
    QCOMPARE(labels(*model).constLast(), u"zeta (1)"_s);
}

void TestRepositoryTreeModel::tokenRegistryRefusingCatalogOffersTypedPaths()
{
    // Given a token registry and an anonymous client: its token carries no catalog scope
    RegistryProcess::Options options;
    options.auth = RegistryAuth::Token;
    RegistryProcess secured(options);
    QString error;
    QVERIFY2(secured.start(&error), qPrintable(error));
    Stack stack(secured.host());
    auto model = newModel(stack, true);
    QSignalSpy unavailable(model.get(), &RepositoryTreeModel::catalogUnavailable);

    // When the catalog is asked for
    model->fetchMore({});
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), 20000);

    // Then one row says the catalog is unavailable and nothing more is fetched
    QCOMPARE(unavailable.count(), 1);
    QCOMPARE(unavailable.at(0).at(0).value<Error>().code, ErrorCode::Unauthorized);
    QVERIFY(model->isCatalogUnavailable());
    QCOMPARE(model->rowCount(), 1);
    const QModelIndex row = model->index(0, 0);
    QCOMPARE(kindOf(row), Kind::CatalogUnavailable);
    QVERIFY(!row.data(RepositoryTreeModel::ErrorRole).toString().isEmpty());
    QVERIFY(!model->canFetchMore({}));

    // When a person types paths, they appear where the catalog would have put them
    const QModelIndex api = model->addRepository(u"team-a/api"_s);
    const QModelIndex busybox = model->addRepository(u" busybox "_s);
    QVERIFY(api.isValid());
    QCOMPARE(api.data(RepositoryTreeModel::RepositoryRole).toString(), u"team-a/api"_s);
    QCOMPARE(api.data().toString(), u"api"_s);
    QCOMPARE(api.parent(), model->indexForFolder(u"team-a"_s));
    QCOMPARE(busybox.parent(), QModelIndex());
    QCOMPARE(model->addRepository(u"team-a/api"_s), api);
    QVERIFY(!model->addRepository(u"team-a/"_s).isValid());
    QCOMPARE(labels(*model), (QStringList{u"busybox"_s, u"team-a"_s,
                                          u"This registry does not list its repositories"_s}));
    QVERIFY(!model->canFetchMore(model->indexForFolder(u"team-a"_s)));
}

void TestRepositoryTreeModel::refusedCatalog_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("code");
    QTest::newRow("403 denied") << 403 << "DENIED"_ba;
    QTest::newRow("404 not found") << 404 << "NOT_FOUND"_ba;
    QTest::newRow("405 unsupported") << 405 << "UNSUPPORTED"_ba;
}

void TestRepositoryTreeModel::refusedCatalog()
{
    QFETCH(int, status);
    QFETCH(QByteArray, code);
    ScriptedHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([status, code](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/")
            return ScriptedHttpServer::Reply::json(200, "{}");
        return ScriptedHttpServer::Reply::registryError(status, code, "catalog is off");
    });
    Stack stack(u"127.0.0.1:%1"_s.arg(server.port()));
    auto model = newModel(stack, true);
    QSignalSpy unavailable(model.get(), &RepositoryTreeModel::catalogUnavailable);
    model->fetchMore({});
    QVERIFY(unavailable.wait(20000));
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(kindOf(model->index(0, 0)), Kind::CatalogUnavailable);
}

void TestRepositoryTreeModel::failedPageShowsErrorAndRetries()
{
    // Given a server whose catalog fails once (400: not retried by the scheduler)
    ScriptedHttpServer server;
    QVERIFY(server.listen());
    bool broken = true;
    server.setHandler([&broken](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/")
            return ScriptedHttpServer::Reply::json(200, "{}");
        if (broken)
            return ScriptedHttpServer::Reply::registryError(400, "BROKEN", "storage hiccup");
        return ScriptedHttpServer::Reply::json(200, R"({"repositories":["a/b","c","a/d"]})");
    });
    Stack stack(u"127.0.0.1:%1"_s.arg(server.port()));
    auto model = newModel(stack, true);
    QSignalSpy failed(model.get(), &RepositoryTreeModel::fetchFailed);

    // When the first page fails
    model->fetchMore({});
    QVERIFY(failed.wait(20000));

    // Then an error row explains it and the root waits for a retry
    QCOMPARE(model->rowCount(), 1);
    const QModelIndex errorRow = model->index(0, 0);
    QCOMPARE(kindOf(errorRow), Kind::Error);
    QVERIFY2(errorRow.data(RepositoryTreeModel::ErrorRole).toString().contains(u"storage hiccup"_s),
             qPrintable(errorRow.data(RepositoryTreeModel::ErrorRole).toString()));
    QVERIFY(!model->canFetchMore({}));
    QVERIFY(!model->isCatalogUnavailable());

    // When retried after the server recovered, the rows come (sorted into place)
    broken = false;
    model->retry(errorRow);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading(), 20000);
    QCOMPARE(labels(*model), (QStringList{u"a (2)"_s, u"c"_s}));
    QCOMPARE(labels(*model, model->indexForFolder(u"a"_s)), (QStringList{u"b"_s, u"d"_s}));
}

void TestRepositoryTreeModel::followsTheSession()
{
    Stack stack(m_registry->host());
    auto model = newModel(stack, true);
    QVERIFY(fetchAll(*model));
    QVERIFY(model->rowCount() > 0);
    QSignalSpy reset(model.get(), &QAbstractItemModel::modelReset);

    // When the session closes (a connection edited or removed)
    stack.session.reset();

    // Then the model empties itself and asks nothing more
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(!model->session());
    QVERIFY(!model->canFetchMore({}));
}

QTEST_GUILESS_MAIN(TestRepositoryTreeModel)
#include "tst_repositorytreemodel.moc"
