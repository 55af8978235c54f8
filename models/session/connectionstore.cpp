#include "models/session/connectionstore.h"

#include "models/modelslogging.h"
#include "models/session/secretstore.h"

#include <QSettings>
#include <QTimer>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

constexpr QLatin1StringView Group{"connections"};

QString kindKey(Connection::Kind kind)
{
    switch (kind) {
    case Connection::Kind::Auto:
        return u"auto"_s;
    case Connection::Kind::Registry:
        return u"registry"_s;
    case Connection::Kind::Harbor:
        return u"harbor"_s;
    }
    return u"auto"_s;
}

Connection::Kind kindFromKey(const QString &key)
{
    if (key == u"registry")
        return Connection::Kind::Registry;
    if (key == u"harbor")
        return Connection::Kind::Harbor;
    return Connection::Kind::Auto;
}

QString authKey(Connection::AuthMode mode)
{
    switch (mode) {
    case Connection::AuthMode::Anonymous:
        return u"anonymous"_s;
    case Connection::AuthMode::Password:
        return u"password"_s;
    case Connection::AuthMode::Token:
        return u"token"_s;
    case Connection::AuthMode::DockerLogin:
        return u"docker-login"_s;
    }
    return u"docker-login"_s;
}

Connection::AuthMode authFromKey(const QString &key)
{
    if (key == u"anonymous")
        return Connection::AuthMode::Anonymous;
    if (key == u"password")
        return Connection::AuthMode::Password;
    if (key == u"token")
        return Connection::AuthMode::Token;
    return Connection::AuthMode::DockerLogin;
}

bool usesSecret(Connection::AuthMode mode)
{
    return mode == Connection::AuthMode::Password || mode == Connection::AuthMode::Token;
}

} // namespace

ConnectionStore::ConnectionStore(SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_secrets(secrets)
{
    load();
}

Connection ConnectionStore::connection(const QString &id) const
{
    for (const Connection &c : m_connections) {
        if (c.id == id)
            return c;
    }
    return {};
}

Connection ConnectionStore::connectionForHost(const QString &host) const
{
    const QString wanted = host.trimmed().toLower();
    for (const Connection &c : m_connections) {
        if (c.host() == wanted)
            return c;
    }
    return {};
}

QString ConnectionStore::save(Connection connection, const QString &secret)
{
    const bool added = connection.id.isEmpty() || !this->connection(connection.id).isValid();
    if (connection.id.isEmpty())
        connection.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (added) {
        m_connections.append(connection);
    } else {
        const auto it = std::find_if(m_connections.begin(), m_connections.end(),
                                     [&](const Connection &c) { return c.id == connection.id; });
        *it = connection;
    }
    store();
    if (m_secrets) {
        if (!usesSecret(connection.authMode)) {
            // A secret nothing uses any more is not kept anywhere.
            m_secrets->remove(connection.id, nullptr, {});
        } else if (!secret.isEmpty()) {
            const QString id = connection.id;
            m_secrets->write(id, secret, this, [id](Result<void> result) {
                if (!result.ok())
                    qCWarning(lcModels).noquote() << "could not store the secret of connection"
                                                  << id << ":" << result.error().message;
            });
        }
    }
    if (added)
        Q_EMIT connectionAdded(connection.id);
    else
        Q_EMIT connectionChanged(connection.id);
    return connection.id;
}

void ConnectionStore::remove(const QString &id)
{
    const auto removed = m_connections.removeIf([&](const Connection &c) { return c.id == id; });
    if (removed == 0)
        return;
    store();
    if (m_secrets)
        m_secrets->remove(id, nullptr, {});
    Q_EMIT connectionRemoved(id);
}

void ConnectionStore::readSecret(const QString &id, QObject *context,
                                 std::function<void(Result<QString>)> done)
{
    if (!m_secrets) {
        QTimer::singleShot(0, context, [done] { done(QString()); });
        return;
    }
    m_secrets->read(id, context, std::move(done));
}

void ConnectionStore::load()
{
    QSettings settings;
    settings.beginGroup(Group);
    QList<std::pair<int, Connection>> loaded;
    const QStringList ids = settings.childGroups();
    for (const QString &id : ids) {
        settings.beginGroup(id);
        Connection c;
        c.id = id;
        c.name = settings.value(u"name"_s).toString();
        c.address = settings.value(u"address"_s).toString();
        c.kind = kindFromKey(settings.value(u"kind"_s).toString());
        c.authMode = authFromKey(settings.value(u"auth"_s).toString());
        c.username = settings.value(u"username"_s).toString();
        c.plainHttp = settings.value(u"plainHttp"_s, false).toBool();
        c.insecureSkipTlsVerify = settings.value(u"insecureSkipTlsVerify"_s, false).toBool();
        c.caCertificateFile = settings.value(u"caCertificateFile"_s).toString();
        const int position = settings.value(u"position"_s, int(loaded.size())).toInt();
        settings.endGroup();
        if (c.isValid())
            loaded.append({position, c});
    }
    std::stable_sort(loaded.begin(), loaded.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    m_connections.clear();
    for (const auto &entry : std::as_const(loaded))
        m_connections.append(entry.second);
}

void ConnectionStore::store()
{
    QSettings settings;
    // Rewritten as a whole: removed connections leave no keys behind.
    settings.remove(Group);
    settings.beginGroup(Group);
    int position = 0;
    for (const Connection &c : std::as_const(m_connections)) {
        settings.beginGroup(c.id);
        settings.setValue(u"position"_s, position++);
        settings.setValue(u"name"_s, c.name);
        settings.setValue(u"address"_s, c.address);
        settings.setValue(u"kind"_s, kindKey(c.kind));
        settings.setValue(u"auth"_s, authKey(c.authMode));
        settings.setValue(u"username"_s, c.username);
        settings.setValue(u"plainHttp"_s, c.plainHttp);
        settings.setValue(u"insecureSkipTlsVerify"_s, c.insecureSkipTlsVerify);
        settings.setValue(u"caCertificateFile"_s, c.caCertificateFile);
        settings.endGroup();
    }
    settings.endGroup();
    settings.sync();
    if (settings.status() != QSettings::NoError)
        qCWarning(lcModels) << "could not write the connections to" << settings.fileName();
}

} // namespace Berth

// Own moc unit (see the end of secretstore.cpp for why).
#include "moc_connectionstore.cpp"
