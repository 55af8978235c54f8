// The window when its registry cannot be reached, against the real registry, offscreen.
// Run 1 opens repositories, so the disk cache fills (and forgets what the registry no longer
// has after complete listings only). The registry stops. Run 2 (a new window and session
// manager on the same cache file, as a restart of Berth) shows the tree and the tag table from
// the cache, marked offline with their age, with every action that changes the registry
// disabled and saying why; screenshots of it. The registry starts again on the same port and
// storage: the window comes back online by itself, the selection kept. And a registry that
// answers 401 is an error, never "offline".

#include "guitestutil.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include "models/metadata/metadatacache.h"
#include "models/repositories/repositorytreemodel.h"
#include "models/session/connectionstore.h"
#include "models/session/registrysession.h"
#include "models/session/secretstore.h"
#include "models/session/sessionmanager.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "ui/detailspane.h"
#include "ui/errorbanner.h"
#include "ui/mainwindow.h"
#include "ui/repositorybrowser.h"
#include "ui/tagactions.h"
#include "ui/tagtableview.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTest>
#include <QTreeView>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

//! What berth-desktop wires together (app/desktop.cpp): the session manager on a cache, the
//! repository browser in the window, a picked repository opened and shown, and a session
//! replaced when its registry answers again.
struct App
{
    App(ConnectionStore *store, MetadataCache *cache)
        : sessions(store, cache)
        , window(std::make_unique<MainWindow>())
    {
        // Quick failures and quick reconnects: the test waits for outcomes, not for back-off.
        sessions.scheduler()->setMaxRetries(1);
        sessions.scheduler()->setRetryDelays(10, 50);
        sessions.setReconnectDelays(100, 400);
        window->setIntervals(0);
        browser = new RepositoryBrowser(store, &sessions);
        window->setNavigator(browser);
        MainWindow *w = window.get();
        QObject::connect(
                browser, &RepositoryBrowser::repositoryActivated, w,
                [this](const QString &id, const QString &repository) { open(id, repository); });
        QObject::connect(&sessions, &SessionManager::sessionOpened, w, [this](const QString &id) {
            RegistrySession *session = sessions.session(id);
            if (id == window->connectionId() && window->session() && window->session() != session)
                window->showRepository(id, session, window->repository());
        });
    }

    //! What `berth REPOSITORY` does (Desktop::openReference): the tree selects it, the window
    //! opens it.
    void openLocation(const QString &id, const QString &repository)
    {
        browser->selectRepository(id, repository);
        open(id, repository);
    }

    void open(const QString &id, const QString &repository)
    {
        if (window->connectionId() == id && window->repository() == repository
            && sessions.session(id)) {
            return; // already shown (selectRepository() echoes what was opened)
        }
        window->showOpening(id, repository);
        sessions.open(id, window.get(),
                      [this, id, repository](const Result<RegistrySession *> &result) {
                          if (result)
                              window->showRepository(id, result.value(), repository);
                          else
                              window->showOpenFailed(id, repository, result.error());
                      });
    }

    SessionManager sessions; // outlives the window and the browser that use it
    std::unique_ptr<MainWindow> window;
    RepositoryBrowser *browser = nullptr;
};

QStringList treeLabels(const QAbstractItemModel *model, const QModelIndex &parent = {})
{
    QStringList out;
    for (int row = 0; row < model->rowCount(parent); ++row)
        out.append(model->index(row, 0, parent).data().toString());
    return out;
}

} // namespace

class TestOfflineWindow : public QObject
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
    void firstRunFillsTheCache();
    void unreachableRegistryShowsTheLastKnownState();
    void comesBackOnlineByItself();
    void unauthorizedIsNotOffline();
    void cleanupTestCase();

private:
    bool rowsDone(TagTableModel *model, TagTableModel::LoadState state) const;
    QString stateText(const App &app) const;
    void saveScreenshot(const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<MetadataCache> m_cache;
    std::unique_ptr<App> m_app;
    QString m_id;
    QHash<QString, QString> m_digests; //!< team/app tag -> digest as pushed
    QString m_screenshotDir;
};

void TestOfflineWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    isolateSettings(m_dir);
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    // Fusion: the same look on every machine, so screenshots compare.
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    m_screenshotDir
            = qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
    QVERIFY(QDir().mkpath(m_screenshotDir));

    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    ImageSeeder seeder(m_registry->host());
    quint64 seed = 20;
    for (const auto &[repository, tags] :
         {std::pair{u"team/app"_s, QStringList{u"1.0"_s, u"latest"_s}},
          std::pair{u"team/app"_s, QStringList{u"1.1"_s}},
          std::pair{u"team/web"_s, QStringList{u"2.0"_s}},
          std::pair{u"busybox"_s, QStringList{u"1.36"_s}}}) {
        ImageSpec spec;
        spec.seed = ++seed;
        spec.layers = 2;
        spec.layerBytes = 16 * 1024;
        const auto pushed = seeder.seedImage(repository, spec, tags);
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        if (repository == u"team/app")
            for (const QString &tag : tags)
                m_digests.insert(tag, pushed->digest);
    }

    m_secrets = std::make_unique<SecretStore>(SecretStore::Backend::Memory);
    m_store = std::make_unique<ConnectionStore>(m_secrets.get());
    Connection c;
    c.name = u"Local registry"_s;
    c.address = u"http://"_s + m_registry->host();
    c.authMode = Connection::AuthMode::Anonymous;
    m_id = m_store->save(c);
}

bool TestOfflineWindow::rowsDone(TagTableModel *model, TagTableModel::LoadState state) const
{
    return model->rowCount() > 0 && model->rowsInState(state) == model->rowCount();
}

QString TestOfflineWindow::stateText(const App &app) const
{
    return u"status: %1 | offline: %2 | tree: %3"_s.arg(
            app.window->statusText(), app.window->offlineText(), app.browser->statusText());
}

void TestOfflineWindow::saveScreenshot(const QString &name)
{
    QVERIFY(m_app->window->grab().save(m_screenshotDir + u'/' + name));
}

void TestOfflineWindow::firstRunFillsTheCache()
{
    // Given an empty cache, except for a tag and a repository the registry does not have (a
    // tag deleted elsewhere, a repository deleted elsewhere)
    m_cache = std::make_unique<MetadataCache>(m_dir.filePath(u"metadata.sqlite"_s));
    QVERIFY(m_cache->open());
    m_cache->setWriteDelay(0);
    const QString host = m_registry->host();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_cache->storeTag(host, u"team/app"_s, u"ghost"_s, m_digests.value(u"1.0"_s), now);
    m_cache->storeTag(host, u"gone/repo"_s, u"1.0"_s, m_digests.value(u"1.0"_s), now);

    // When Berth opens team/web and team/app (metadata of every row loaded)
    m_app = std::make_unique<App>(m_store.get(), m_cache.get());
    m_app->window->resize(1280, 800);
    m_app->window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_app->window.get()));
    TagTableModel *model = m_app->window->tagModel();
    for (const QString &repository : {u"team/web"_s, u"team/app"_s}) {
        m_app->browser->selectRepository(m_id, repository);
        QTRY_VERIFY_WITH_TIMEOUT(model->repository() == repository && model->isAtEnd()
                                         && rowsDone(model, TagTableModel::LoadState::Loaded),
                                 20000);
    }
    QCOMPARE(model->rowCount(), 3);
    QVERIFY(m_app->window->offlineText().isEmpty());

    // Then the complete listing made the cache forget the tag the registry does not have
    QTRY_VERIFY_WITH_TIMEOUT(!m_cache->tag(host, u"team/app"_s, u"ghost"_s), 5000);
    QVERIFY(m_cache->tag(host, u"team/app"_s, u"1.1"_s));
    // And the complete catalog the repository it does not have
    RepositoryTreeModel *tree = m_app->browser->treeModel();
    QTRY_VERIFY_WITH_TIMEOUT(tree->rowCount() > 0 && !tree->isLoading(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_cache->knownRepositories(host).contains(u"gone/repo"_s), 5000);

    // When a listing fails because the registry refuses it (404: no such repository)
    QSignalSpy failed(model, &TagTableModel::fetchFailed);
    m_app->browser->selectRepository(m_id, u"team/missing"_s);
    QVERIFY(failed.wait(15000));
    QCOMPARE(failed.constFirst().constFirst().value<Error>().code, ErrorCode::NotFound);
    // Then it is an error, not offline
    QVERIFY(!m_app->window->session()->isOffline());
    QVERIFY2(m_app->window->offlineText().isEmpty(), qPrintable(stateText(*m_app)));
    QVERIFY(m_app->window->errorBanner()->isVisible());

    // Given team/app shown again, and a tag the cache knows that the registry no longer has
    m_app->browser->selectRepository(m_id, u"team/app"_s);
    QTRY_VERIFY_WITH_TIMEOUT(model->repository() == u"team/app"_s && model->isAtEnd()
                                     && rowsDone(model, TagTableModel::LoadState::Loaded),
                             20000);
    m_cache->storeTag(host, u"team/app"_s, u"stale"_s, m_digests.value(u"1.0"_s), now);
    QVERIFY(m_app->window->tagView()->selectTag(u"latest"_s));
    // When the registry goes away while the window is open and the table is refreshed (F5)
    m_registry->stop();
    m_app->window->tagActions()->refreshAction()->trigger();
    // Then the session goes offline and the table shows the cache's last known state
    QTRY_VERIFY2_WITH_TIMEOUT(model->isOffline() && m_app->window->session()->isOffline(),
                              qPrintable(stateText(*m_app)), 20000);
    QCOMPARE(model->rowCount(), 4);
    QVERIFY(m_app->window->offlineBanner()->isVisible());
    QVERIFY(!m_app->window->tagActions()->deleteTagAction()->isEnabled());
    // And the failed listing forgot nothing
    QVERIFY(m_cache->tag(host, u"team/app"_s, u"stale"_s));
    // When the registry is back (same port and storage), then the same session comes back by
    // itself: listed again, the selection kept, and the complete listing forgets the stale tag
    QString error;
    QVERIFY2(m_registry->restart(&error), qPrintable(error));
    QTRY_VERIFY2_WITH_TIMEOUT(!m_app->window->session()->isOffline() && !model->isOffline()
                                      && model->isAtEnd()
                                      && rowsDone(model, TagTableModel::LoadState::Loaded),
                              qPrintable(stateText(*m_app)), 20000);
    QCOMPARE(model->rowCount(), 3);
    QVERIFY(m_app->window->offlineText().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_app->window->tagView()->selectedTags(), QStringList{u"latest"_s},
                              5000);
    QTRY_VERIFY_WITH_TIMEOUT(!m_cache->tag(host, u"team/app"_s, u"stale"_s), 5000);
    m_app.reset();
    m_cache.reset(); // flushes
}

void TestOfflineWindow::unreachableRegistryShowsTheLastKnownState()
{
    // Given the registry is down (nothing listens on its port)
    m_registry->stop();

    // When Berth starts again on the same cache file and opens the last location
    m_cache = std::make_unique<MetadataCache>(m_dir.filePath(u"metadata.sqlite"_s));
    QVERIFY(m_cache->open());
    m_app = std::make_unique<App>(m_store.get(), m_cache.get());
    MainWindow *window = m_app->window.get();
    window->resize(1280, 800);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    m_app->openLocation(m_id, u"team/app"_s);

    // Then the table shows team/app's cached tags with their metadata, marked offline
    TagTableModel *model = window->tagModel();
    QTRY_VERIFY2_WITH_TIMEOUT(model->isOffline() && model->rowCount() == 3,
                              qPrintable(stateText(*m_app)), 20000);
    QVERIFY(window->session() && window->session()->isCacheOnly());
    for (const QString &tag : {u"1.0"_s, u"1.1"_s, u"latest"_s}) {
        const int row = model->rowOfTag(tag);
        QVERIFY2(row >= 0, qPrintable(tag));
        const QModelIndex index = model->index(row, 0);
        QCOMPARE(index.data(TagTableModel::LoadStateRole).value<TagTableModel::LoadState>(),
                 TagTableModel::LoadState::Cached);
        QCOMPARE(index.data(TagTableModel::DigestRole).toString(), m_digests.value(tag));
        QVERIFY(index.data(TagTableModel::SizeRole).toLongLong() > 0);
    }
    // And the strip says offline, how old the state is, why, and when Berth tries again
    ErrorBanner *strip = window->offlineBanner();
    QVERIFY(strip->isVisible());
    const QString text = window->offlineText();
    // (run 1 verified the tags within the last minutes)
    static const QRegularExpression age(u"^Offline — last seen (just now|\\d+ minutes? ago)\\. "_s);
    QVERIFY2(age.match(text).hasMatch() && text.contains(m_registry->host())
                     && text.contains(u"(Connection refused)"_s) && text.contains(u"Retrying"_s),
             qPrintable(text));
    QVERIFY(strip->isRetryable());
    QVERIFY(window->statusText().startsWith(u"Offline"_s));

    // And the tree shows the repositories the cache knows, marked offline
    RepositoryTreeModel *tree = m_app->browser->treeModel();
    QVERIFY(tree->isOffline() && tree->showsLastKnownState());
    const QAbstractItemModel *shownTree = m_app->browser->treeView()->model();
    QCOMPARE(treeLabels(shownTree), (QStringList{u"team (2)"_s}));
    const QModelIndex app = tree->indexForRepository(u"team/app"_s);
    QVERIFY(app.isValid());
    QVERIFY(app.data(RepositoryTreeModel::OfflineRole).toBool());
    QVERIFY(!tree->indexForRepository(u"busybox"_s).isValid());   // never opened: not cached
    QVERIFY(!tree->indexForRepository(u"gone/repo"_s).isValid()); // forgotten
    QVERIFY2(m_app->browser->statusText().startsWith(u"Offline — last seen "_s),
             qPrintable(m_app->browser->statusText()));
    QCOMPARE(m_app->browser->currentRepository(), u"team/app"_s);

    // When a tag is selected
    QVERIFY(window->tagView()->selectTag(u"1.1"_s));
    // Then the details come from the cache
    QTRY_COMPARE_WITH_TIMEOUT(window->detailsPane()->state(), DetailsPane::State::Loaded, 5000);
    QCOMPARE(window->detailsPane()->metadata()->digest, m_digests.value(u"1.1"_s));
    // And what would change the registry is disabled, saying why
    TagActions *actions = window->tagActions();
    QVERIFY(actions->copyPullAction()->isEnabled());
    for (QAction *action :
         {actions->deleteTagAction(), actions->deleteImageAction(), actions->retagAction()}) {
        QVERIFY2(!action->isEnabled(), qPrintable(action->objectName()));
        QVERIFY2(action->toolTip().contains(u"cannot be reached"_s), qPrintable(action->toolTip()));
    }
    QVERIFY(!window->cleanupAction()->isEnabled());
    QVERIFY(window->cleanupAction()->toolTip().contains(u"cannot be reached"_s));
    QVERIFY(!window->undoCleanupAction()->isEnabled());
    QVERIFY(!window->openCleanupDialog());
    QVERIFY(window->errorBanner()->message().contains(u"cannot be reached"_s));
    window->errorBanner()->dismiss();

    // Screenshots, light and dark, with a countdown a person would see
    m_app->sessions.setReconnectDelays(30000, 60000);
    QTest::qWait(1100); // a tick of the countdown
    saveScreenshot(u"offline-window-light.png"_s);
    const QPalette light = QApplication::palette();
    QApplication::setPalette(darkPalette());
    QTest::qWait(50);
    saveScreenshot(u"offline-window-dark.png"_s);
    QApplication::setPalette(light);
    m_app->sessions.setReconnectDelays(100, 400);
}

void TestOfflineWindow::comesBackOnlineByItself()
{
    QVERIFY(m_app);
    MainWindow *window = m_app->window.get();
    TagTableModel *model = window->tagModel();
    RegistrySession *cacheOnly = window->session();
    QVERIFY(cacheOnly && cacheOnly->isCacheOnly());

    // When the registry is back, same port and storage, and nobody clicks anything
    const int port = m_registry->port();
    QString error;
    QVERIFY2(m_registry->restart(&error), qPrintable(error));
    QCOMPARE(m_registry->port(), port);

    // Then the window and the tree go live by themselves, the selection kept
    QTRY_VERIFY2_WITH_TIMEOUT(window->session() && !window->session()->isCacheOnly()
                                      && window->offlineText().isEmpty() && !model->isOffline()
                                      && model->isAtEnd()
                                      && rowsDone(model, TagTableModel::LoadState::Loaded),
                              qPrintable(stateText(*m_app)), 30000);
    QVERIFY(!window->offlineBanner()->isVisible());
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(window->tagView()->selectedTags(), QStringList{u"1.1"_s});
    RepositoryTreeModel *tree = m_app->browser->treeModel();
    QTRY_VERIFY_WITH_TIMEOUT(!tree->isOffline() && !tree->isLoading()
                                     && tree->indexForRepository(u"busybox"_s).isValid(),
                             20000);
    QVERIFY(!tree->showsLastKnownState());
    QCOMPARE(m_app->browser->currentRepository(), u"team/app"_s);
    QVERIFY(m_app->browser->statusText().isEmpty());
    // And changing the registry is allowed again
    QVERIFY(window->tagActions()->deleteTagAction()->isEnabled());
    QVERIFY(window->cleanupAction()->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(window->detailsPane()->state(), DetailsPane::State::Loaded, 10000);
}

void TestOfflineWindow::unauthorizedIsNotOffline()
{
    // Given a registry with a password, a wrong one saved, and a cache that knows it
    RegistryOptions options;
    options.auth = RegistryAuth::Basic;
    RegistryProcess secured(options);
    QString error;
    QVERIFY2(secured.start(&error), qPrintable(error));
    ImageSeeder seeder(secured.host(), Credentials{options.username, options.password, {}});
    QVERIFY(seeder.seedImage(u"private/app"_s, ImageSpec(), {u"1.0"_s}).ok());
    m_cache->storeTag(secured.host(), u"private/app"_s, u"1.0"_s, m_digests.value(u"1.0"_s),
                      QDateTime::currentDateTimeUtc());
    Connection c;
    c.name = u"Secured"_s;
    c.address = u"http://"_s + secured.host();
    c.authMode = Connection::AuthMode::Password;
    c.username = options.username;
    const QString id = m_store->save(c, u"not-the-password"_s);

    // When it is opened
    m_app = std::make_unique<App>(m_store.get(), m_cache.get());
    m_app->window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_app->window.get()));
    m_app->openLocation(id, u"private/app"_s);

    // Then it is an error that says so, not the cache's state marked offline
    QTRY_VERIFY_WITH_TIMEOUT(m_app->browser->statusText().contains(u"Wrong user name or "
                                                                   "password"_s),
                             20000);
    QVERIFY(!m_app->sessions.session(id));
    QVERIFY(!m_app->browser->treeModel()->isOffline());
    QCOMPARE(m_app->browser->treeModel()->rowCount(), 0);
    QVERIFY(m_app->window->offlineText().isEmpty());
    QCOMPARE(m_app->window->tagModel()->rowCount(), 0);
    QVERIFY(!m_app->window->tagModel()->isOffline());
    QVERIFY(m_app->window->errorBanner()->isVisible());
    QVERIFY2(m_app->window->errorBanner()->message().contains(u"Wrong user name"_s),
             qPrintable(m_app->window->errorBanner()->message()));
}

void TestOfflineWindow::cleanupTestCase()
{
    m_app.reset();
    m_cache.reset();
}

QTEST_MAIN(TestOfflineWindow)
#include "tst_offlinewindow.moc"
