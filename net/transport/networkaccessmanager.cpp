#include "net/transport/networkaccessmanager.h"

#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Harbor answers every request with a "sid" session cookie. Once a client sends it back, Harbor
// treats basic-auth writes as a browser session and demands a CSRF token, so the writes fail.
// Registries do not need cookies for anything, so this jar forgets everything it is given.
class NoCookieJar final : public QNetworkCookieJar
{
public:
    using QNetworkCookieJar::QNetworkCookieJar;

    QList<QNetworkCookie> cookiesForUrl(const QUrl &) const override { return {}; }
    bool setCookiesFromUrl(const QList<QNetworkCookie> &, const QUrl &) override { return false; }
    bool insertCookie(const QNetworkCookie &) override { return false; }
    bool updateCookie(const QNetworkCookie &) override { return false; }
};

} // namespace

NetworkAccessManager::NetworkAccessManager(QObject *parent)
    : QNetworkAccessManager(parent)
{
    setCookieJar(new NoCookieJar(this));
    // The scheduler follows redirects itself so that Authorization never crosses hosts.
    setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

QByteArray NetworkAccessManager::userAgent()
{
    return "Berth/" BERTH_VERSION " (Qt "_ba + QByteArray(qVersion()) + ")"_ba;
}

QNetworkReply *NetworkAccessManager::createRequest(Operation op, const QNetworkRequest &request,
                                                   QIODevice *outgoingData)
{
    QNetworkRequest req(request);
    if (!req.hasRawHeader("User-Agent"))
        req.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    // Registry answers change under us (tags move); never serve anything from a cache.
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    req.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    // Every caller goes through the scheduler, which follows redirects by hand.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    // HTTP/1.1 keep-alive with 6 connections per host is what the scheduler's per-host cap is
    // tuned for; HTTP/2 multiplexing would hide queueing inside Qt where we cannot reorder it.
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    return QNetworkAccessManager::createRequest(op, req, outgoingData);
}

} // namespace Berth
