#pragma once

// Plain QNetworkAccessManager helpers for fixture tests: one request, wait for its end,
// everything copied out of the reply before it is deleted.

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QUrl>

namespace Berth::Test {

struct HttpResult
{
    int status = 0; //!< 0 when no HTTP response arrived
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    bool timedOut = false;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

inline void prepareNam(QNetworkAccessManager &nam)
{
    // Loopback test servers only: never route through an http_proxy from the environment.
    nam.setProxy(QNetworkProxy::NoProxy);
}

//! verb is GET, HEAD, DELETE, POST or PUT. Waits at most timeoutMs, then aborts.
inline HttpResult httpRequest(QNetworkAccessManager &nam, QByteArrayView verb,
                              const QNetworkRequest &request, const QByteArray &body = {},
                              int timeoutMs = 15000)
{
    QNetworkReply *reply = nullptr;
    if (verb == "GET")
        reply = nam.get(request);
    else if (verb == "HEAD")
        reply = nam.head(request);
    else if (verb == "DELETE")
        reply = nam.deleteResource(request);
    else if (verb == "POST")
        reply = nam.post(request, body);
    else if (verb == "PUT")
        reply = nam.put(request, body);
    else
        reply = nam.sendCustomRequest(request, verb.toByteArray(), body);
    HttpResult result;
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(timeoutMs)) {
        result.timedOut = true;
        reply->abort();
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    result.errorString = reply->errorString();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}

inline QNetworkRequest makeRequest(const QUrl &url, const QByteArray &authorization = {})
{
    QNetworkRequest request(url);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    return request;
}

//! The auth-params of a WWW-Authenticate challenge (realm, service, scope, error).
inline QHash<QString, QString> challengeParams(const QByteArray &header)
{
    QHash<QString, QString> params;
    static const QRegularExpression param(QStringLiteral("(\\w+)=\"([^\"]*)\""));
    auto it = param.globalMatch(QString::fromLatin1(header));
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        params.insert(match.captured(1), match.captured(2));
    }
    return params;
}

} // namespace Berth::Test
