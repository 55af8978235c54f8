#include "models/session/sessionmanager.h"

#include "models/metadata/metadatacache.h"
#include "models/modelslogging.h"
#include "models/session/connectionstore.h"
#include "models/session/reachability.h"
#include "models/session/reconnector.h"
#include "models/session/registrysession.h"
#include "models/session/sessionopener.h"
#include "net/backend/registrybackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace Berth {

//! One open() in progress: everyone who asked meanwhile waits for the same answer. The context
//! object carries every callback of the attempt, so close() drops them all by deleting it.
struct SessionManager::Attempt
{
    struct Waiter
    {
        QPointer<QObject> context;
        std::function<void(Result<RegistrySession *>)> done;
    };
    std::unique_ptr<QObject> context = std::make_unique<QObject>();
    QList<Waiter> waiters;
};

namespace {

std::optional<BackendKind> configuredKind(Connection::Kind kind)
{
    switch (kind) {
    case Connection::Kind::Auto:
        return std::nullopt;
    case Connection::Kind::Registry:
        return BackendKind::Registry;
    case Connection::Kind::Harbor:
        return BackendKind::Harbor;
    }
    return std::nullopt;
}

} // namespace

SessionManager::SessionManager(ConnectionStore *connections, MetadataCache *cache, QObject *parent)
    : QObject(parent)
    , m_connections(connections)
    , m_cache(cache)
    , m_nam(new NetworkAccessManager(this))
    , m_scheduler(new RequestScheduler(m_nam, this))
{
    if (m_connections) {
        // An edited connection may point elsewhere or carry other credentials: reopen on demand.
        connect(m_connections, &ConnectionStore::connectionChanged, this, &SessionManager::close);
        connect(m_connections, &ConnectionStore::connectionRemoved, this, &SessionManager::close);
    }
}

void SessionManager::openBackend(const QString &connectionId, QObject *context,
                                 std::function<void(Result<RegistryBackend *>)> done)
{
    open(connectionId, context, [done = std::move(done)](Result<RegistrySession *> session) {
        if (!session)
            done(Result<RegistryBackend *>(session.error()));
        else
            done(session.value()->backend());
    });
}

void SessionManager::open(const QString &connectionId, QObject *context,
                          std::function<void(Result<RegistrySession *>)> done)
{
    if (RegistrySession *open = session(connectionId)) {
        // From the event loop, as when opening, so callers see one behaviour.
        QPointer<RegistrySession> guard(open);
        QTimer::singleShot(0, context, [guard, done, connectionId] {
            if (guard)
                done(guard.data());
            else
                done(Error(ErrorCode::Cancelled, u"the connection was closed"_s));
        });
        return;
    }
    auto &attempt = m_opening[connectionId];
    const bool start = !attempt;
    if (start)
        attempt = std::make_shared<Attempt>();
    attempt->waiters.append({QPointer<QObject>(context), std::move(done)});
    if (start)
        startOpening(connectionId);
}

RegistrySession *SessionManager::session(const QString &connectionId) const
{
    return m_sessions.value(connectionId).data();
}

void SessionManager::close(const QString &connectionId)
{
    if (m_opening.contains(connectionId)) {
        finishOpening(connectionId,
                      Error(ErrorCode::Cancelled, tr("Opening the connection was cancelled.")));
    }
    const QPointer<RegistrySession> session = m_sessions.take(connectionId);
    if (session) {
        // Later: a caller up the stack may still be using it.
        session->deleteLater();
        Q_EMIT sessionClosed(connectionId);
    }
}

void SessionManager::startOpening(const QString &connectionId)
{
    const std::shared_ptr<Attempt> attempt = m_opening.value(connectionId);
    QObject *context = attempt->context.get();
    // Callbacks of an attempt that ended (closed, or finished while others were queued) find
    // another attempt, or none, under the id: they stop there.
    const auto current = [this, connectionId, weak = std::weak_ptr<Attempt>(attempt)] {
        const std::shared_ptr<Attempt> now = m_opening.value(connectionId);
        return now && now == weak.lock();
    };
    const Connection connection
            = m_connections ? m_connections->connection(connectionId) : Connection();
    if (!connection.isValid()) {
        QTimer::singleShot(0, context, [this, connectionId, current] {
            if (current()) {
                finishOpening(connectionId,
                              Error(ErrorCode::InvalidInput,
                                    tr("There is no saved connection %1.").arg(connectionId)));
            }
        });
        return;
    }
    m_connections->readSecret(connectionId, context,
                              [this, connectionId, connection, current](Result<QString> secret) {
                                  if (!current())
                                      return;
                                  if (!secret.ok())
                                      finishOpening(connectionId, secret.error());
                                  else
                                      openWithSecret(connectionId, connection, secret.value());
                              });
}

void SessionManager::openWithSecret(const QString &connectionId, const Connection &connection,
                                    const QString &secret)
{
    const std::shared_ptr<Attempt> attempt = m_opening.value(connectionId);
    SessionOptions options;
    options.kind = configuredKind(connection.kind);
    options.cache = m_cache;
    // The opener is a child of the attempt's context: a cancelled attempt takes it (and the
    // backend it made) along.
    SessionOpener *opener = openSession(connection.endpoint(secret), options, m_scheduler, this,
                                        attempt->context.get());
    opener->onFinished(attempt->context.get(), [this, connectionId, connection, secret,
                                                weak = std::weak_ptr<Attempt>(attempt)](
                                                       const Result<RegistrySession *> &opened) {
        const std::shared_ptr<Attempt> now = m_opening.value(connectionId);
        if (!now || now != weak.lock()) {
            if (opened.ok())
                opened.value()->deleteLater(); // opened for an attempt that ended meanwhile
            return;
        }
        if (!opened.ok()) {
            openFailed(connectionId, connection, secret, opened.error());
            return;
        }
        adopt(connectionId, opened.value());
        finishOpening(connectionId, opened.value());
        Q_EMIT sessionOpened(connectionId);
    });
}

void SessionManager::openFailed(const QString &connectionId, const Connection &connection,
                                const QString &secret, const Error &error)
{
    const QPointer<RegistrySession> standing = m_sessions.value(connectionId);
    if (standing && standing->isCacheOnly()) {
        // Reopening the cache-only session's registry, which answered its probe.
        if (isUnreachable(error)) {
            standing->reportError(error); // gone again: back to waiting
            finishOpening(connectionId, standing.data());
            return;
        }
        const Error explained = explain(connection, error);
        finishOpening(connectionId, explained);
        close(connectionId); // its cache would hide a real error behind "offline"
        Q_EMIT reopenFailed(connectionId, explained);
        return;
    }
    if (!m_cache || !isUnreachable(error)) {
        finishOpening(connectionId, explain(connection, error));
        return;
    }
    // Unreachable, and there is a cache to show from: a session without the registry, kind as
    // configured (a plain registry when detection never ran: only its host matters for the
    // cache, and the probe's GET /v2/ works on both kinds).
    BackendInfo info;
    info.kind = configuredKind(connection.kind).value_or(BackendKind::Registry);
    info.product = backendKindName(info.kind);
    RegistryBackend *backend
            = createBackend(connection.endpoint(secret), info.kind, m_scheduler, nullptr);
    auto *session = new RegistrySession(info, backend, m_cache, this,
                                        RegistrySession::Origin::CacheOnly, error);
    qCInfo(lcModels).noquote() << connection.host()
                               << "cannot be reached; showing the cache:" << error.toString();
    adopt(connectionId, session);
    finishOpening(connectionId, session);
    Q_EMIT sessionOpened(connectionId);
}

void SessionManager::adopt(const QString &connectionId, RegistrySession *session)
{
    const QPointer<RegistrySession> previous = m_sessions.value(connectionId);
    m_sessions.insert(connectionId, session);
    if (previous && previous != session) {
        // Later: views switch to the new session when they hear sessionOpened().
        previous->deleteLater();
    }
    if (m_reconnectFirstMs >= 0)
        session->reconnector()->setDelays(m_reconnectFirstMs, m_reconnectMaxMs);
    if (session->isCacheOnly()) {
        connect(session, &RegistrySession::reachableAgain, this,
                [this, connectionId] { reopen(connectionId); });
    }
}

void SessionManager::reopen(const QString &connectionId)
{
    if (m_opening.contains(connectionId))
        return;
    m_opening.insert(connectionId, std::make_shared<Attempt>());
    startOpening(connectionId);
}

void SessionManager::setReconnectDelays(int firstMs, int maxMs)
{
    m_reconnectFirstMs = firstMs;
    m_reconnectMaxMs = maxMs;
    for (const QPointer<RegistrySession> &session : std::as_const(m_sessions)) {
        if (session)
            session->reconnector()->setDelays(firstMs, maxMs);
    }
}

void SessionManager::finishOpening(const QString &connectionId, Result<RegistrySession *> result)
{
    const std::shared_ptr<Attempt> attempt = m_opening.take(connectionId);
    if (!attempt)
        return;
    for (const Attempt::Waiter &waiter : std::as_const(attempt->waiters)) {
        if (waiter.context && waiter.done)
            waiter.done(result);
    }
    // The attempt's context is deleted with the last reference; its pending callbacks with it.
    // Deferred: this may run inside one of them.
    QObject *context = attempt->context.release();
    context->deleteLater();
}

Error SessionManager::explain(const Connection &connection, const Error &error) const
{
    Error out = error;
    const QString host = connection.host();
    switch (error.code) {
    case ErrorCode::Unauthorized:
        if (connection.authMode == Connection::AuthMode::Anonymous) {
            out.message = tr("%1 needs credentials: edit the connection to add a user name and "
                             "password or token.")
                                  .arg(host);
        } else if (connection.authMode == Connection::AuthMode::DockerLogin) {
            out.message = tr("%1 refused the docker login credentials (run `docker login %1`, "
                             "or enter a user name and password).")
                                  .arg(host);
        } else {
            out.message = tr("Wrong user name or password for %1.").arg(host);
        }
        break;
    case ErrorCode::Forbidden:
        out.message = tr("%1 refused access for this account (%2).").arg(host, error.message);
        break;
    case ErrorCode::Tls:
        out.message = tr("The TLS connection to %1 failed: %2. Add the registry's CA "
                         "certificate to the connection if it uses its own.")
                              .arg(host, error.message);
        break;
    default:
        break;
    }
    return out;
}

void SessionManager::check(const Connection &connection, const std::optional<QString> &secret,
                           QObject *context, std::function<void(ConnectionCheck)> done)
{
    if (secret || !m_connections || connection.id.isEmpty()) {
        // Checked from the event loop like the rest of the outcomes.
        const QString value = secret.value_or(QString());
        QTimer::singleShot(0, context, [this, connection, value, context, done] {
            runCheck(connection, value, context, done);
        });
        return;
    }
    QPointer<QObject> guard(context);
    m_connections->readSecret(
            connection.id, context, [this, connection, guard, done](Result<QString> stored) {
                if (guard)
                    runCheck(connection, stored.ok() ? stored.value() : QString(), guard, done);
            });
}

void SessionManager::runCheck(const Connection &connection, const QString &secret, QObject *context,
                              std::function<void(ConnectionCheck)> done)
{
    // Everything the check makes hangs off this object and goes when it ends (or context does).
    auto *holder = new QObject(context);
    SessionOptions options;
    // Probed even when the kind was chosen by hand: the person learns what the server is.
    options.kind = configuredKind(connection.kind);
    options.alwaysDetect = true;
    SessionOpener *opener
            = openSession(connection.endpoint(secret), options, m_scheduler, holder, holder);
    opener->onFinished(holder, [this, holder, opener, connection,
                                done](const Result<RegistrySession *> &opened) {
        ConnectionCheck check;
        check.backend = opener->detected();
        check.authenticated = opened.ok();
        if (!opened.ok()) {
            const Error error = explain(connection, opened.error());
            if (opener->step() == SessionOpener::Step::Detect)
                check.reachError = error;
            else
                check.authError = error;
        }
        holder->deleteLater(); // the session made for the check goes with it
        done(check);
    });
}

} // namespace Berth

// Own moc unit (see the end of secretstore.cpp for why).
#include "moc_sessionmanager.cpp"
