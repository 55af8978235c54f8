#pragma once

#include "models/session/connection.h"
#include "net/core/error.h"

#include <QList>
#include <QObject>

#include <functional>

namespace Berth {

class SecretStore;

//! The saved connections (QSettings group "connections", secrets excluded) plus their secrets
//! through a SecretStore. Emits changes so views follow.
class ConnectionStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionStore)
public:
    explicit ConnectionStore(SecretStore *secrets, QObject *parent = nullptr);

    QList<Connection> connections() const { return m_connections; }
    Connection connection(const QString &id) const;
    //! Finds a saved connection for a registry host ("127.0.0.1:5000"); invalid if none.
    Connection connectionForHost(const QString &host) const;

    //! Adds or updates (by id; a new id is made when empty). The secret, when given, goes to the
    //! SecretStore, never to QSettings. Returns the id.
    QString save(Connection connection, const QString &secret = {});
    void remove(const QString &id);

    //! The secret of a connection, asynchronously (the keychain may prompt). done on context.
    void readSecret(const QString &id, QObject *context, std::function<void(Result<QString>)> done);

    SecretStore *secretStore() const { return m_secrets; }

Q_SIGNALS:
    void connectionAdded(const QString &id);
    void connectionChanged(const QString &id);
    void connectionRemoved(const QString &id);

private:
    void load();
    void store();

    SecretStore *m_secrets;
    QList<Connection> m_connections;
};

} // namespace Berth
