#pragma once

#include "net/auth/wwwauthenticate.h"
#include "net/core/credentials.h"
#include "net/core/error.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkReply;

namespace Berth {

class NetworkAccessManager;

//! Adds Authorization to requests and answers 401 challenges for one registry.
class Authenticator : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    //! The Authorization header value for a request to url needing scope; empty = send none.
    //! Never called for a host other than the registry's own (redirect targets get nothing).
    virtual QByteArray authorization(const QUrl &url, const QString &scope) const = 0;
    //! Called on a 401 with the parsed challenges. Obtains what is needed (a token for the
    //! scope) and calls done on context; done(Error) with Unauthorized means "give up".
    virtual void handleChallenge(const QList<AuthChallenge> &challenges, const QString &scope,
                                 QObject *context, std::function<void(Error)> done)
            = 0;
};

//! Registry authentication: anonymous, basic, and bearer tokens from the challenge's realm
//! (Docker token spec: GET realm?service=&scope= with basic credentials, or POST with a refresh
//! token for identity tokens). Tokens are cached per scope until shortly before expiry; one
//! token request per scope is in flight at a time, waiters share its answer.
//! Credentials come from a resolver so docker credential helpers run only when needed.
class RegistryAuthenticator final : public Authenticator
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistryAuthenticator)
public:
    using CredentialResolver
            = std::function<void(QObject *context, std::function<void(Result<Credentials>)> done)>;

    RegistryAuthenticator(NetworkAccessManager *nam, const QUrl &registryBase,
                          QObject *parent = nullptr);

    void setCredentials(const Credentials &credentials);
    //! Asked (once, then remembered) when a challenge needs credentials and none were set.
    void setCredentialResolver(CredentialResolver resolver);
    //! Trust settings for token realm requests (same as the registry's).
    void setSslConfiguration(const QSslConfiguration &config) { m_ssl = config; }

    QByteArray authorization(const QUrl &url, const QString &scope) const override;
    void handleChallenge(const QList<AuthChallenge> &challenges, const QString &scope,
                         QObject *context, std::function<void(Error)> done) override;

    //! True once credentials are known to be absent: none were set and the resolver (if any)
    //! found none. Anonymous access then cannot get further by authenticating.
    bool isKnownAnonymous() const
    {
        return m_credentials.isEmpty() && (m_credentialsResolved || !m_resolver);
    }

    //! Token requests made (tests check the cache).
    int tokenRequests() const { return m_tokenRequests; }
    void clearTokens() { m_tokens.clear(); }

private:
    struct Token
    {
        QByteArray value;
        QDateTime expires;
        qint64 fetchedMs = 0; //!< QDateTime::currentMSecsSinceEpoch() when it arrived
    };
    void requestToken(const AuthChallenge &challenge, const QString &scope);
    void finishTokenWaiters(const QString &scope, const Error &error);
    void withCredentials(std::function<void(Error)> next);
    void onTokenReply(QNetworkReply *reply, const QString &scope, bool sentCredentials);
    bool isRegistryUrl(const QUrl &url) const;
    QString registryHost() const;
    QByteArray basicAuthorization() const;

    NetworkAccessManager *m_nam;
    QUrl m_registryBase;
    std::optional<QSslConfiguration> m_ssl; //!< unset = the default; see RequestSpec
    Credentials m_credentials;
    bool m_credentialsResolved = false;
    CredentialResolver m_resolver;
    bool m_useBasic = false;        //!< registry challenged with Basic
    QHash<QString, Token> m_tokens; //!< scope -> token
    struct Waiter
    {
        QPointer<QObject> context;
        std::function<void(Error)> done;
    };
    QHash<QString, QList<Waiter>> m_waiters; //!< scope -> callers waiting for its token
    int m_tokenRequests = 0;
    bool m_resolving = false; //!< the credential resolver is running
    QList<std::function<void(Error)>> m_credentialWaiters;
};

} // namespace Berth
