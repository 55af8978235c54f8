#pragma once

#include "models/session/connection.h"
#include "net/core/backendinfo.h"
#include "net/core/error.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

namespace Berth {

class ConnectionStore;
class MetadataCache;
class NetworkAccessManager;
class RegistryBackend;
class RegistrySession;
class RequestScheduler;

//! What "Test connection" found: the kind of server (or why none was found) and whether the
//! credentials were accepted.
struct ConnectionCheck
{
    Error reachError;                   //!< set when no registry could be found at the address
    std::optional<BackendInfo> backend; //!< kind, product and version when detected
    bool authenticated = false;         //!< connectToRegistry() succeeded
    Error authError;                    //!< why it did not (wrong password, TLS, ...)
    bool ok() const { return backend.has_value() && authenticated; }
};

//! Opens connections on demand (openSession(): detect, connect) and keeps one RegistrySession
//! per connection, all sharing one NetworkAccessManager, one RequestScheduler and one
//! MetadataCache.
//!
//! A registry that cannot be reached when it is opened (isUnreachable(): refused, timed out, a
//! proxy's 502/503/504) still opens, with a cache that is: as a cache-only session, offline,
//! showing the disk cache's last known state. Its reconnector asks the registry again with
//! back-off; once it answers, the connection is opened for real and the new session replaces
//! the cache-only one (sessionOpened() again, for the same id). A registry that answers and
//! refuses (401, 403, 404) is an error, as without a cache.
class SessionManager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionManager)
public:
    SessionManager(ConnectionStore *connections, MetadataCache *cache, QObject *parent = nullptr);

    //! The session of a connection, opening it (secret lookup, kind detection, connect check)
    //! when needed. done on context with the session or a clear error ("wrong password ...").
    void open(const QString &connectionId, QObject *context,
              std::function<void(Result<RegistrySession *>)> done);
    //! open(), for callers that need only the session's backend (watching).
    void openBackend(const QString &connectionId, QObject *context,
                     std::function<void(Result<RegistryBackend *>)> done);
    //! The open session of a connection, or null.
    RegistrySession *session(const QString &connectionId) const;
    //! Forgets the session (after the connection was edited or removed; done by itself on the
    //! ConnectionStore's connectionChanged / connectionRemoved). An open() in progress for it
    //! ends with a Cancelled error.
    void close(const QString &connectionId);
    //! True while open() for the connection is in progress.
    bool isOpening(const QString &connectionId) const { return m_opening.contains(connectionId); }

    //! "Test connection": detects the kind (as configured, or probed for Kind::Auto) and checks
    //! the credentials through a temporary backend that is thrown away afterwards. secret:
    //! nullopt = the stored secret of connection.id. done once on context.
    void check(const Connection &connection, const std::optional<QString> &secret, QObject *context,
               std::function<void(ConnectionCheck)> done);

    RequestScheduler *scheduler() const { return m_scheduler; }
    MetadataCache *cache() const { return m_cache; }

    //! The back-off of every session's attempts to reach an offline registry (tests shorten it;
    //! Reconnector's defaults otherwise).
    void setReconnectDelays(int firstMs, int maxMs);

Q_SIGNALS:
    //! A session was opened for connectionId, or replaced the cache-only one it had.
    void sessionOpened(const QString &connectionId);
    void sessionClosed(const QString &connectionId);
    //! A cache-only session's registry answered, but opening it failed for another reason
    //! (wrong password, ...): the session is closed, error says why.
    void reopenFailed(const QString &connectionId, const Berth::Error &error);

private:
    struct Attempt;
    void startOpening(const QString &connectionId);
    void openWithSecret(const QString &connectionId, const Connection &connection,
                        const QString &secret);
    void finishOpening(const QString &connectionId, Result<RegistrySession *> result);
    //! Opening found the registry unreachable: a cache-only session, or the error without a
    //! cache, or (while a cache-only session waits to be replaced) back to waiting.
    void openFailed(const QString &connectionId, const Connection &connection,
                    const QString &secret, const Error &error);
    void adopt(const QString &connectionId, RegistrySession *session);
    //! A cache-only session's registry answers: opens the connection again to replace it.
    void reopen(const QString &connectionId);
    void runCheck(const Connection &connection, const QString &secret, QObject *context,
                  std::function<void(ConnectionCheck)> done);
    Error explain(const Connection &connection, const Error &error) const;

    ConnectionStore *m_connections;
    MetadataCache *m_cache;
    NetworkAccessManager *m_nam;
    RequestScheduler *m_scheduler;
    QHash<QString, QPointer<RegistrySession>> m_sessions;
    QHash<QString, std::shared_ptr<Attempt>> m_opening;
    int m_reconnectFirstMs = -1; //!< -1: Reconnector's defaults
    int m_reconnectMaxMs = -1;
};

} // namespace Berth
