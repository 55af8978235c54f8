#include "app/desktop.h"

#include "app/settings.h"

#include "models/metadata/metadatacache.h"
#include "models/metadata/metadataservice.h"
#include "net/core/imagereference.h"
#include "net/transport/requestscheduler.h"
#include "ui/mainwindow.h"

#include "models/session/connectionstore.h"
#include "models/session/registrysession.h"
#include "models/session/secretstore.h"
#include "models/session/sessionmanager.h"
#include "models/watch/watchservice.h"
#include "net/backend/registrybackend.h"
#include "ui/repositorybrowser.h"
#include "ui/watchalerts.h"

#include <QApplication>

#include <functional>

using namespace Qt::StringLiterals;

namespace Berth {

Desktop::Desktop(QObject *parent)
    : QObject(parent)
    , m_cache(std::make_unique<MetadataCache>())
{
    QString cacheError;
    if (!m_cache->open(&cacheError))
        qWarning("berth: metadata cache unavailable, continuing without: %s",
                 qPrintable(cacheError));
    if (const std::optional<qint64> cap = Settings::metadataCacheMaxBytes())
        m_cache->setMaxBytes(*cap);
    m_secrets = std::make_unique<SecretStore>();
    m_connections = std::make_unique<ConnectionStore>(m_secrets.get());
    m_sessions = std::make_unique<SessionManager>(m_connections.get(), m_cache.get());
    m_watch = std::make_unique<WatchService>(
            std::bind_front(&SessionManager::openBackend, m_sessions.get()));
    m_window = std::make_unique<MainWindow>();
    m_window->setMetadataCache(m_cache.get());
    connect(m_window.get(), &MainWindow::cacheMaxBytesChanged, this,
            [](qint64 bytes) { Settings::setMetadataCacheMaxBytes(bytes); });
    m_window->setPreferences(loadPreferences());
    applyPreferences(m_window->preferences());
    connect(m_window.get(), &MainWindow::preferencesChanged, this,
            [this](const Preferences &preferences) {
                savePreferences(preferences);
                applyPreferences(preferences);
            });
    auto *browser = new RepositoryBrowser(m_connections.get(), m_sessions.get());
    m_browser = browser;
    m_window->setNavigator(browser);
    setUpWatching();
    connect(browser, &RepositoryBrowser::repositoryActivated, this, &Desktop::openLocation);
    connect(browser, &RepositoryBrowser::cleanupRequested, m_window.get(),
            [this](const QString &connectionId, const QString &repository) {
                m_window->openCleanupDialogFor(connectionId, repository);
            });
    // Compare finds a typed reference's registry among every open session, not only the one
    // the window shows.
    connect(m_sessions.get(), &SessionManager::sessionOpened, m_window.get(),
            [this](const QString &connectionId) {
                RegistrySession *session = m_sessions->session(connectionId);
                m_window->addSession(session);
                // A registry that could not be reached answers again: its real session takes
                // the cache-only one's place in the window (which keeps the selection).
                if (connectionId == m_window->connectionId() && m_window->session()
                    && m_window->session() != session && !m_window->repository().isEmpty()) {
                    m_window->showRepository(connectionId, session, m_window->repository());
                }
            });
    connect(m_sessions.get(), &SessionManager::reopenFailed, m_window.get(),
            [this](const QString &connectionId, const Error &error) {
                if (connectionId == m_window->connectionId())
                    m_window->showOpenFailed(connectionId, m_window->repository(), error);
            });
    connect(m_window.get(), &MainWindow::openRequested, this, &Desktop::openLocation);
    connect(m_window.get(), &MainWindow::locationChanged, this, &Desktop::rememberLocation);
    m_window->restoreLayout();
}

Desktop::~Desktop() = default;

Preferences Desktop::loadPreferences()
{
    Preferences preferences;
    preferences.connectionsPerRegistry = Settings::connectionsPerRegistry();
    preferences.watchIntervalMinutes = Settings::watchIntervalMinutes();
    return preferences;
}

void Desktop::savePreferences(const Preferences &preferences)
{
    Settings::setConnectionsPerRegistry(preferences.connectionsPerRegistry);
    Settings::setWatchIntervalMinutes(preferences.watchIntervalMinutes);
}

void Desktop::applyPreferences(const Preferences &preferences)
{
    // Requests already queued keep their place; the new cap applies as they start.
    m_sessions->scheduler()->setMaxConcurrentPerHost(preferences.connectionsPerRegistry);
    // Due times further away than the new interval come forward; the rest keep theirs.
    m_watch->setIntervalMinutes(preferences.watchIntervalMinutes);
}

void Desktop::setUpWatching()
{
    m_browser->setWatchService(m_watch.get());
    m_alerts = new WatchAlerts(m_watch.get(), QDBusConnection::sessionBus(), this);
    connect(m_alerts, &WatchAlerts::openRequested, this, &Desktop::openFromNotification);
    // A removed connection's repositories cannot be checked any more: they stop being watched
    // rather than failing (and backing off) forever.
    connect(m_connections.get(), &ConnectionStore::connectionRemoved, this,
            [this](const QString &connectionId) {
                const QStringList watched = m_watch->watchedRepositories(connectionId);
                for (const QString &repository : watched)
                    m_watch->setWatched(connectionId, repository, false);
            });
}

void Desktop::openFromNotification(const QString &connectionId, const QString &repository)
{
    if (!m_connections->connection(connectionId).isValid())
        return; // removed since
    m_window->showNormal();
    m_window->raise();
    m_window->activateWindow();
    if (m_browser)
        m_browser->selectRepository(connectionId, repository);
    openLocation(connectionId, repository);
}

bool Desktop::start(const QStringList &arguments, QString *error)
{
    m_window->show();
    m_watch->start();
    const QStringList positional = arguments.mid(1);
    if (!positional.isEmpty()) {
        const auto reference = ImageReference::parse(positional.constFirst());
        if (!reference) {
            *error = reference.error().message;
            return false;
        }
        openReference(reference->registry(), reference->repository());
        return true;
    }
    const Settings::Location last = Settings::lastLocation();
    if (last.isValid()) {
        if (!last.connectionId.isEmpty() && m_connections->connection(last.connectionId).isValid())
            openLocation(last.connectionId, last.repository);
        else if (!last.host.isEmpty())
            openReference(last.host, last.repository);
    }
    return true;
}

void Desktop::openReference(const QString &host, const QString &repository)
{
    Connection connection = m_connections->connectionForHost(host);
    if (!connection.isValid()) {
        // A registry seen for the first time: remember it, with the credentials `docker login`
        // keeps for it (none is fine for an open registry).
        connection.name = host;
        connection.address = host;
        connection.kind = Connection::Kind::Auto;
        connection.authMode = Connection::AuthMode::DockerLogin;
        connection.plainHttp = ImageReference::isLoopbackHost(host);
        connection.id = m_connections->save(connection);
    }
    if (m_browser)
        m_browser->selectRepository(connection.id, repository);
    openLocation(connection.id, repository);
}

void Desktop::openLocation(const QString &connectionId, const QString &repository)
{
    if (repository.isEmpty())
        return;
    // Opened: what its badge counted is seen now.
    m_watch->markSeen(connectionId, repository);
    if (m_window->connectionId() == connectionId && m_window->repository() == repository
        && m_sessions->session(connectionId)) {
        return; // already shown (selectRepository() echoes what we opened)
    }
    const quint64 generation = ++m_openGeneration;
    m_window->showOpening(connectionId, repository);
    m_sessions->open(
            connectionId, this,
            [this, generation, connectionId, repository](Result<RegistrySession *> result) {
                if (generation != m_openGeneration)
                    return; // a later pick won
                if (!result) {
                    m_window->showOpenFailed(connectionId, repository, result.error());
                    return;
                }
                m_window->showRepository(connectionId, result.value(), repository);
            });
}

void Desktop::rememberLocation(const QString &connectionId, const QString &repository)
{
    if (repository.isEmpty())
        return;
    Settings::Location location;
    location.connectionId = connectionId;
    location.repository = repository;
    location.host = m_connections->connection(connectionId).host();
    Settings::setLastLocation(location);
}

} // namespace Berth
