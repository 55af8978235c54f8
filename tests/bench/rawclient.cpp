#include "rawclient.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace Berth::Test {

// QNetworkAccessManager opens at most six HTTP/1.1 connections per host; the scheduler uses
// the same cap, so the comparison is at equal parallelism.
static constexpr int Connections = 6;

QJsonObject RawClient::Outcome::toJson() const
{
    return {{u"requests"_s, requests},
            {u"failed"_s, failed},
            {u"bytes"_s, bytes},
            {u"ms"_s, ms},
            {u"requests_per_s"_s, ms > 0 ? double(requests) * 1000.0 / double(ms) : 0.0}};
}

RawClient::RawClient(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

RawClient::~RawClient() = default;

QNetworkReply *RawClient::send(const RawRequest &request)
{
    QNetworkRequest req(request.url);
    if (!request.accept.isEmpty())
        req.setRawHeader("Accept", request.accept);
    if (request.method == "HEAD")
        return m_nam->head(req);
    if (request.method == "GET")
        return m_nam->get(req);
    return m_nam->sendCustomRequest(req, request.method);
}

RawClient::Outcome RawClient::run(const QUrl &base, const QList<RawRequest> &requests,
                                  int timeoutMs)
{
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);

    // Warm-up: one /v2/ per connection, in parallel, so all six are open.
    int warming = Connections;
    for (int i = 0; i < Connections; ++i) {
        QNetworkReply *reply = send({"GET"_ba, base.resolved(QUrl(u"/v2/"_s)), {}});
        connect(reply, &QNetworkReply::finished, &loop, [reply, &warming, &loop] {
            reply->readAll();
            reply->deleteLater();
            if (--warming == 0)
                loop.quit();
        });
    }
    timeout.start(timeoutMs);
    loop.exec();

    Outcome outcome;
    outcome.requests = int(requests.size());
    int pending = outcome.requests;
    QElapsedTimer clock;
    clock.start();
    QList<QNetworkReply *> replies;
    replies.reserve(requests.size());
    for (const RawRequest &request : requests) {
        QNetworkReply *reply = send(request);
        replies.append(reply);
        connect(reply, &QNetworkReply::finished, &loop, [reply, &pending, &outcome, &loop] {
            outcome.bytes += reply->readAll().size();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (reply->error() != QNetworkReply::NoError || status >= 400)
                ++outcome.failed;
            if (--pending == 0)
                loop.quit();
        });
    }
    timeout.start(timeoutMs);
    if (pending > 0)
        loop.exec();
    outcome.ms = pending == 0 ? clock.elapsed() : -1;
    for (QNetworkReply *reply : std::as_const(replies)) {
        disconnect(reply, nullptr, &loop, nullptr);
        if (reply->isRunning())
            reply->abort();
        reply->deleteLater();
    }
    return outcome;
}

} // namespace Berth::Test
