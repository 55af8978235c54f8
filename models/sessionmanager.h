#pragma once

#include "connection.h"
#include "error.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

namespace Berth {

class ConnectionStore;
class MetadataCache;
class MetadataService;
class NetworkAccessManager;
class RegistryBackend;
class RequestScheduler;

//! One open registry: its backend (OCI or Harbor, detected for Kind::Auto) and the metadata
//! service the tag table and details pane share. Owned by the SessionManager.
class RegistrySession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistrySession)
public:
    RegistrySession(const Connection &connection, RegistryBackend *backend,
                    MetadataService *service, QObject *parent = nullptr);

    Connection connection() const { return m_connection; }
    RegistryBackend *backend() const { return m_backend; }
    MetadataService *metadataService() const { return m_service; }

private:
    Connection m_connection;
    RegistryBackend *m_backend;
    MetadataService *m_service;
};

//! Opens connections on demand and keeps one RegistrySession per connection, all sharing one
//! NetworkAccessManager, one RequestScheduler and one MetadataCache.
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
    //! Forgets the session (after the connection was edited or removed).
    void close(const QString &connectionId);

    RequestScheduler *scheduler() const { return m_scheduler; }
    MetadataCache *cache() const { return m_cache; }

Q_SIGNALS:
    void sessionOpened(const QString &connectionId);
    void sessionClosed(const QString &connectionId);

private:
    ConnectionStore *m_connections;
    MetadataCache *m_cache;
    NetworkAccessManager *m_nam;
    RequestScheduler *m_scheduler;
    QHash<QString, QPointer<RegistrySession>> m_sessions;
};

} // namespace Berth
