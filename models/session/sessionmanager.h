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

Q_SIGNALS:
    void sessionOpened(const QString &connectionId);
    void sessionClosed(const QString &connectionId);

private:
    struct Attempt;
    void startOpening(const QString &connectionId);
    void openWithSecret(const QString &connectionId, const Connection &connection,
                        const QString &secret);
    void finishOpening(const QString &connectionId, Result<RegistrySession *> result);
    void runCheck(const Connection &connection, const QString &secret, QObject *context,
                  std::function<void(ConnectionCheck)> done);
    Error explain(const Connection &connection, const Error &error) const;

    ConnectionStore *m_connections;
    MetadataCache *m_cache;
    NetworkAccessManager *m_nam;
    RequestScheduler *m_scheduler;
    QHash<QString, QPointer<RegistrySession>> m_sessions;
    QHash<QString, std::shared_ptr<Attempt>> m_opening;
};

} // namespace Berth
