#include "net/auth/authenticator.h"

#include "net/core/netlogging.h"
#include "net/formats/registryerrorbody.h"
#include "net/transport/networkaccessmanager.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Token endpoints answer in milliseconds; a stuck one must not hold every waiting request for
// the scheduler's whole transfer timeout and more.
constexpr int kTokenTimeoutMs = 20000;
// Docker's default lifetime when a token response has no expires_in (auth-token.md).
constexpr int kDefaultTokenLifetimeS = 60;
// A token is dropped this long before it expires (at most a fifth of its lifetime), so that a
// request queued behind others still reaches the registry with a valid token.
constexpr qint64 kExpiryMarginMs = 30000;
// A 401 for a token fetched this recently raced with the fetch (the request left before the
// token arrived): use the new token instead of asking the token service again.
constexpr qint64 kFreshTokenMs = 5000;
// issued_at is trusted only when it is this close to our clock; beyond that the clocks
// disagree and our own clock is the safer base for the expiry.
constexpr qint64 kMaxClockSkewMs = 60000;

bool isLoopbackHost(const QString &host)
{
    return host.compare("localhost"_L1, Qt::CaseInsensitive) == 0
           || QHostAddress(host).isLoopback();
}

int effectivePort(const QUrl &url)
{
    return url.port(url.scheme().compare("https"_L1, Qt::CaseInsensitive) == 0 ? 443 : 80);
}

QByteArray formEncode(const QList<QPair<QByteArray, QString>> &items)
{
    QByteArray out;
    for (const auto &[key, value] : items) {
        if (!out.isEmpty())
            out += '&';
        out += key + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

//! A token goes into a header: visible ASCII only, so a hostile token service cannot inject
//! header lines.
bool isHeaderSafe(const QByteArray &token)
{
    return std::all_of(token.cbegin(), token.cend(), [](char c) { return c > 0x20 && c < 0x7f; });
}

} // namespace

RegistryAuthenticator::RegistryAuthenticator(NetworkAccessManager *nam, const QUrl &registryBase,
                                             QObject *parent)
    : Authenticator(parent)
    , m_nam(nam)
    , m_registryBase(registryBase)
{}

void RegistryAuthenticator::setCredentials(const Credentials &credentials)
{
    if (credentials == m_credentials)
        return;
    m_credentials = credentials;
    m_credentialsResolved = true;
    m_tokens.clear(); // tokens carry the old identity's grants
}

void RegistryAuthenticator::setCredentialResolver(CredentialResolver resolver)
{
    m_resolver = std::move(resolver);
}

bool RegistryAuthenticator::isRegistryUrl(const QUrl &url) const
{
    // The scheme may differ (Scheme::Auto falls back to http on loopback); host and port not.
    return url.host().compare(m_registryBase.host(), Qt::CaseInsensitive) == 0
           && effectivePort(url) == effectivePort(m_registryBase);
}

QString RegistryAuthenticator::registryHost() const
{
    return m_registryBase.port() > 0
                   ? m_registryBase.host() + u':' + QString::number(m_registryBase.port())
                   : m_registryBase.host();
}

QByteArray RegistryAuthenticator::basicAuthorization() const
{
    return "Basic " + (m_credentials.username + u':' + m_credentials.password).toUtf8().toBase64();
}

QByteArray RegistryAuthenticator::authorization(const QUrl &url, const QString &scope) const
{
    if (!isRegistryUrl(url))
        return {};
    if (m_useBasic && !m_credentials.username.isEmpty())
        return basicAuthorization();
    const auto it = m_tokens.constFind(scope);
    if (it != m_tokens.cend() && it->expires > QDateTime::currentDateTimeUtc())
        return "Bearer " + it->value;
    return {};
}

void RegistryAuthenticator::handleChallenge(const QList<AuthChallenge> &challenges,
                                            const QString &scope, QObject *context,
                                            std::function<void(Error)> done)
{
    const AuthChallenge *bearer = nullptr;
    const AuthChallenge *basic = nullptr;
    for (const AuthChallenge &challenge : challenges) {
        if (challenge.scheme == "bearer"_L1 && !bearer)
            bearer = &challenge;
        else if (challenge.scheme == "basic"_L1 && !basic)
            basic = &challenge;
    }
    QPointer<QObject> guard(context ? context : this);

    if (bearer) {
        const QUrl realm(bearer->param(u"realm"_s));
        const QString realmScheme = realm.scheme().toLower();
        if (!realm.isValid() || realm.host().isEmpty()
            || (realmScheme != "http"_L1 && realmScheme != "https"_L1)) {
            done(Error(ErrorCode::BadResponse,
                       u"%1 asked for a token from an unusable realm"_s.arg(registryHost())));
            return;
        }
        if (realmScheme == "http"_L1 && m_registryBase.scheme() == "https"_L1
            && !isLoopbackHost(realm.host())) {
            done(Error(ErrorCode::Unsupported,
                       u"%1 sends logins to plain-http token service %2; refused"_s.arg(
                               registryHost(), realm.host())));
            return;
        }
        if (m_waiters.contains(scope)) {
            m_waiters[scope].append({guard, std::move(done)});
            return;
        }
        const auto cached = m_tokens.constFind(scope);
        if (cached != m_tokens.cend() && cached->expires > QDateTime::currentDateTimeUtc()
            && QDateTime::currentMSecsSinceEpoch() - cached->fetchedMs < kFreshTokenMs) {
            done(Error());
            return;
        }
        m_tokens.remove(scope); // rejected or expired
        m_waiters[scope].append({guard, std::move(done)});
        const AuthChallenge challenge = *bearer;
        withCredentials([this, challenge, scope](const Error &) {
            // A failed credential lookup still allows an anonymous token (public repositories).
            requestToken(challenge, scope);
        });
        return;
    }

    if (basic) {
        withCredentials([this, guard, done = std::move(done)](const Error &lookupError) {
            if (!guard)
                return;
            if (!m_credentials.username.isEmpty() || !m_credentials.password.isEmpty()) {
                m_useBasic = true;
                done(Error());
            } else if (lookupError.isError()) {
                done(lookupError);
            } else {
                done(Error(ErrorCode::Unauthorized,
                           u"credentials required for %1"_s.arg(registryHost()), 401));
            }
        });
        return;
    }

    done(Error(ErrorCode::Unsupported,
               u"%1 asks for an authentication scheme Berth does not support"_s.arg(registryHost()),
               401));
}

void RegistryAuthenticator::withCredentials(std::function<void(Error)> next)
{
    if (!m_credentials.isEmpty() || m_credentialsResolved || !m_resolver) {
        next(Error());
        return;
    }
    m_credentialWaiters.append(std::move(next));
    if (m_resolving)
        return;
    m_resolving = true;
    m_resolver(this, [this](Result<Credentials> result) {
        m_resolving = false;
        m_credentialsResolved = true;
        Error error;
        if (result.ok()) {
            m_credentials = result.value();
        } else {
            error = result.error();
            qCWarning(lcAuth).noquote()
                    << "credential lookup for" << registryHost() << "failed:" << error.message;
        }
        const auto waiters = std::exchange(m_credentialWaiters, {});
        for (const auto &waiter : waiters)
            waiter(error);
    });
}

void RegistryAuthenticator::requestToken(const AuthChallenge &challenge, const QString &scope)
{
    ++m_tokenRequests;
    QUrl realm(challenge.param(u"realm"_s));
    // Several scopes are space separated, in the challenge as in a request's authScope.
    QStringList scopes = challenge.param(u"scope"_s).split(u' ', Qt::SkipEmptyParts);
    if (scopes.isEmpty())
        scopes = scope.split(u' ', Qt::SkipEmptyParts);
    const QString service = challenge.param(u"service"_s);

    QNetworkRequest request;
    request.setTransferTimeout(kTokenTimeoutMs);
    if (m_ssl)
        request.setSslConfiguration(*m_ssl);

    QNetworkReply *reply = nullptr;
    bool sentCredentials = false;
    if (!m_credentials.identityToken.isEmpty()) {
        // auth-oauth.md: exchange the refresh token; the scope list goes in one parameter.
        QList<QPair<QByteArray, QString>> form{{"grant_type", u"refresh_token"_s},
                                               {"refresh_token", m_credentials.identityToken},
                                               {"client_id", u"berth"_s}};
        if (!service.isEmpty())
            form.append({"service", service});
        if (!scopes.isEmpty())
            form.append({"scope", scopes.join(u' ')});
        request.setUrl(realm);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          "application/x-www-form-urlencoded"_ba);
        reply = m_nam->post(request, formEncode(form));
        sentCredentials = true;
    } else {
        // auth-token.md: GET realm?service=&scope=&scope= with basic credentials when we have
        // them (anonymous otherwise: public repositories still need a token).
        QList<QPair<QByteArray, QString>> query;
        if (!service.isEmpty())
            query.append({"service", service});
        for (const QString &s : std::as_const(scopes))
            query.append({"scope", s});
        QByteArray encoded = realm.query(QUrl::FullyEncoded).toLatin1();
        const QByteArray extra = formEncode(query);
        if (!encoded.isEmpty() && !extra.isEmpty())
            encoded += '&';
        encoded += extra;
        realm.setQuery(QString::fromLatin1(encoded), QUrl::StrictMode);
        request.setUrl(realm);
        if (!m_credentials.username.isEmpty() || !m_credentials.password.isEmpty()) {
            request.setRawHeader("Authorization", basicAuthorization());
            sentCredentials = true;
        }
        reply = m_nam->get(request);
    }
    // Parented to us: if the authenticator goes away, so does (and so aborts) its request.
    reply->setParent(this);
    qCDebug(lcAuth).noquote() << "token request" << (sentCredentials ? "with" : "without")
                              << "credentials to"
                              << realm.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, scope, sentCredentials] { onTokenReply(reply, scope, sentCredentials); });
}

void RegistryAuthenticator::onTokenReply(QNetworkReply *reply, const QString &scope,
                                         bool sentCredentials)
{
    reply->deleteLater();
    const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttr.toInt();
    const QNetworkReply::NetworkError netError = reply->error();
    const QString realmHost = reply->url().host();
    // Token responses are a few kilobytes; anything huge is not one.
    const QByteArray body = reply->read(1024 * 1024);

    Error error;
    const bool httpAnswer = statusAttr.isValid() && status > 0
                            && (netError == QNetworkReply::NoError || int(netError) >= 201);
    if (!httpAnswer) {
        const ErrorCode code
                = netError == QNetworkReply::OperationCanceledError    ? ErrorCode::Timeout
                  : netError == QNetworkReply::SslHandshakeFailedError ? ErrorCode::Tls
                                                                       : ErrorCode::Network;
        error = Error(code, u"token service %1 for %2 failed: %3"_s.arg(realmHost, registryHost(),
                                                                        reply->errorString()));
    } else if (status == 401) {
        error = Error(ErrorCode::Unauthorized,
                      sentCredentials ? u"wrong username or password for %1"_s.arg(registryHost())
                                      : u"credentials required for %1"_s.arg(registryHost()),
                      401);
    } else if (status >= 400) {
        error = httpError(status, body);
        error.message = u"token service %1: %2"_s.arg(realmHost, error.message);
    } else {
        const QJsonObject json = QJsonDocument::fromJson(body).object();
        QByteArray token = json.value("token"_L1).toString().toUtf8();
        if (token.isEmpty())
            token = json.value("access_token"_L1).toString().toUtf8();
        if (token.isEmpty() || !isHeaderSafe(token)) {
            error = Error(ErrorCode::BadResponse,
                          u"token service %1 returned no usable token"_s.arg(realmHost), status);
        } else {
            qint64 lifetimeS = json.value("expires_in"_L1).toInteger(0);
            if (lifetimeS <= 0)
                lifetimeS = kDefaultTokenLifetimeS;
            const QDateTime now = QDateTime::currentDateTimeUtc();
            QDateTime base = now;
            const QDateTime issued = QDateTime::fromString(json.value("issued_at"_L1).toString(),
                                                           Qt::ISODateWithMs);
            if (issued.isValid() && std::abs(issued.msecsTo(now)) <= kMaxClockSkewMs)
                base = issued;
            const qint64 lifetimeMs = lifetimeS * 1000;
            const qint64 margin = std::min(kExpiryMarginMs, lifetimeMs / 5);
            m_tokens.insert(scope, Token{token, base.addMSecs(lifetimeMs - margin),
                                         QDateTime::currentMSecsSinceEpoch()});
            qCDebug(lcAuth).noquote() << "token for scope" << scope << "valid" << lifetimeS << "s";
        }
    }
    if (error.isError())
        qCDebug(lcAuth).noquote() << "token request failed:" << error.message;
    finishTokenWaiters(scope, error);
}

void RegistryAuthenticator::finishTokenWaiters(const QString &scope, const Error &error)
{
    const QList<Waiter> waiters = m_waiters.take(scope);
    for (const Waiter &waiter : waiters) {
        if (waiter.context && waiter.done)
            waiter.done(error);
    }
}

} // namespace Berth
