#include "net/transport/requestscheduler.h"

#include "net/auth/authenticator.h"
#include "net/auth/wwwauthenticate.h"
#include "net/core/netlogging.h"
#include "net/formats/registryerrorbody.h"
#include "net/transport/networkaccessmanager.h"

#include <QDateTime>
#include <QLocale>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTimeZone>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Retry-After beyond any sense (a date in 2100) is still a number of milliseconds: parsed up to
// this, then compared with MaxRetryAfterMs (a longer wait is not made: the request fails saying
// what the server asked for).
constexpr qint64 kRetryAfterCapMs = qint64(1) << 40;

QString logUrl(const QUrl &url)
{
    return url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment);
}

QString hostForMessage(const QUrl &url)
{
    return url.port() > 0 ? url.host() + u':' + QString::number(url.port()) : url.host();
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

//! QNetworkReply turns some HTTP statuses into errors of its own (203 for 404, 401 for 500...).
//! Those are answers from the server, not transport failures: the status decides.
bool isHttpLevelError(QNetworkReply::NetworkError error)
{
    const int e = int(error);
    return (e >= 201 && e <= 299) || error == QNetworkReply::ProtocolInvalidOperationError
           || (e >= 401 && e <= 499);
}

//! Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date. -1 when absent or unusable.
qint64 parseRetryAfterMs(const QByteArray &value)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return -1;
    bool ok = false;
    const qint64 seconds = v.toLongLong(&ok);
    if (ok)
        return seconds < 0 ? -1 : std::min<qint64>(seconds, kRetryAfterCapMs / 1000) * 1000;
    QDateTime when = QDateTime::fromString(QString::fromLatin1(v), Qt::RFC2822Date);
    if (!when.isValid()) {
        when = QLocale::c().toDateTime(QString::fromLatin1(v),
                                       u"ddd, dd MMM yyyy HH:mm:ss 'GMT'"_s);
        when.setTimeSpec(Qt::UTC);
    }
    if (!when.isValid())
        return -1;
    const qint64 ms = QDateTime::currentDateTimeUtc().msecsTo(when);
    return std::clamp<qint64>(ms, 0, kRetryAfterCapMs);
}

} // namespace

QByteArray Response::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

// ---------------------------------------------------------------------------------------------

RequestJob::RequestJob(RequestSpec spec, RequestScheduler *scheduler)
    : Job(spec.priority, scheduler)
    , m_scheduler(scheduler)
    , m_spec(std::move(spec))
{
    m_currentUrl = m_spec.url;
    m_currentMethod = m_spec.method;
    m_currentBody = m_spec.body;
    // Until it finished, its result is no answer (Job's promise, as ResultJob's).
    m_response.error = Error(ErrorCode::Cancelled, u"cancelled"_s);
}

void RequestJob::onCancel()
{
    m_scheduler->cancelRequest(this);
}

void RequestJob::onPriorityChanged(Priority priority)
{
    m_spec.priority = priority;
    m_scheduler->requeue(this);
}

// ---------------------------------------------------------------------------------------------

RequestScheduler::RequestScheduler(NetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
{
    qRegisterMetaType<Berth::Response>();
}

RequestScheduler::~RequestScheduler()
{
    // Nothing is emitted from here: receivers may already be half destroyed. Replies are
    // disconnected before abort() so their finished() does not reach us either.
    m_destroying = true;
    for (RequestJob *request : std::as_const(m_live)) {
        disconnect(request, nullptr, this, nullptr);
        request->m_done = true;
        if (request->m_retryTimer)
            request->m_retryTimer->stop();
        if (QNetworkReply *reply = request->m_reply) {
            request->m_reply = nullptr;
            disconnect(reply, nullptr, this, nullptr);
            reply->abort();
            reply->deleteLater();
        }
    }
}

RequestJob *RequestScheduler::submit(RequestSpec spec)
{
    auto *request = new RequestJob(std::move(spec), this);
    request->m_sequence = m_nextSequence++;
    m_live.insert(request);
    connect(request, &QObject::destroyed, this, [this, request] { m_live.remove(request); });
    connect(request, &Job::finished, this, [this] {
        ++m_stats.completed;
        Q_EMIT statsChanged();
    });
    enqueue(request);
    return request;
}

void RequestScheduler::requeue(RequestJob *request)
{
    if (!request->m_queued)
        return; // in flight or waiting: the new priority applies to its next queueing
    m_queue.removeOne(QPointer<RequestJob>(request));
    request->m_queued = false;
    --m_queuedPerHost[request->m_hostKey];
    --m_stats.queued;
    enqueue(request);
}

void RequestScheduler::setMaxConcurrentPerHost(int n)
{
    m_maxPerHost = std::max(1, n);
    schedulePump();
}

bool RequestScheduler::waitsForRetry(const RequestJob *request)
{
    return !request->m_inFlight && request->m_retryTimer && request->m_retryTimer->isActive();
}

SchedulerStats RequestScheduler::stats() const
{
    // The status line asks often: find the two requests first, describe only those.
    SchedulerStats stats = m_stats;
    const RequestJob *longest = nullptr;
    const RequestJob *retrying = nullptr;
    for (const RequestJob *request : m_live) {
        if (request->m_done || !request->m_sinceFirstAttempt.isValid())
            continue;
        if (request->m_inFlight) {
            const qint64 waited = request->m_sinceFirstAttempt.elapsed();
            if (waited > stats.longestWaitMs) {
                stats.longestWaitMs = waited;
                longest = request;
            }
        } else if (waitsForRetry(request)) {
            const qint64 left = request->m_retryTimer->remainingTime();
            if (left > stats.retryInMs) {
                stats.retryInMs = left;
                retrying = request;
            }
        }
    }
    // -> QString: a QStringBuilder returned as auto would point at the temporaries.
    const auto describe = [](const RequestJob *request) -> QString {
        return QString::fromLatin1(request->m_currentMethod) + u' '
               + logUrl(request->m_currentUrl).section(u"://"_s, 1);
    };
    if (longest)
        stats.longestWaitFor = describe(longest);
    if (retrying)
        stats.retryFor = describe(retrying);
    return stats;
}

int RequestScheduler::cancelWaiting(qint64 olderThanMs)
{
    QList<QPointer<RequestJob>> waiting;
    for (RequestJob *request : std::as_const(m_live)) {
        if (!request->m_done && request->m_sinceFirstAttempt.isValid()
            && request->m_sinceFirstAttempt.elapsed() >= olderThanMs
            && (request->m_inFlight || waitsForRetry(request)))
            waiting.append(request);
    }
    int cancelled = 0;
    for (const QPointer<RequestJob> &request : std::as_const(waiting)) {
        if (request && !request->m_done) {
            cancelRequest(request);
            ++cancelled;
        }
    }
    return cancelled;
}

QString RequestScheduler::hostKey(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    const int defaultPort = scheme == "https"_L1 ? 443 : 80;
    return scheme + "://"_L1 + url.host().toLower() + u':' + QString::number(url.port(defaultPort));
}

void RequestScheduler::enqueue(RequestJob *request)
{
    // Sorted by priority (high first), then by sequence: FIFO within a priority. A request
    // keeps its sequence when it comes back for a retry, a redirect or after a challenge, so it
    // does not lose its place to requests submitted after it.
    const auto before = [](const QPointer<RequestJob> &a, const RequestJob *b) {
        if (a->m_spec.priority != b->m_spec.priority)
            return a->m_spec.priority > b->m_spec.priority;
        if (a->m_spec.followUp != b->m_spec.followUp)
            return a->m_spec.followUp;
        return a->m_sequence < b->m_sequence;
    };
    const auto it = std::lower_bound(m_queue.begin(), m_queue.end(), request, before);
    m_queue.insert(it, QPointer<RequestJob>(request));
    request->m_queued = true;
    request->m_hostKey = hostKey(request->m_currentUrl);
    ++m_queuedPerHost[request->m_hostKey];
    ++m_stats.queued;
    Q_EMIT statsChanged();
    schedulePump();
}

void RequestScheduler::schedulePump()
{
    // Always from the event loop: submit() must not finish synchronously, and a loop that
    // cancels requests should not start the ones it is about to cancel.
    if (m_pumpPosted || m_destroying)
        return;
    m_pumpPosted = true;
    QMetaObject::invokeMethod(this, &RequestScheduler::pump, Qt::QueuedConnection);
}

void RequestScheduler::pump()
{
    m_pumpPosted = false;
    const auto anyHostFree = [this] {
        for (auto it = m_queuedPerHost.cbegin(); it != m_queuedPerHost.cend(); ++it) {
            if (it.value() > 0 && m_inFlightPerHost.value(it.key()) < m_maxPerHost)
                return true;
        }
        return false;
    };
    qsizetype i = 0;
    while (i < m_queue.size() && anyHostFree()) {
        RequestJob *request = m_queue.at(i);
        if (!request) {
            m_queue.removeAt(i);
            continue;
        }
        if (m_inFlightPerHost.value(request->m_hostKey) >= m_maxPerHost) {
            ++i;
            continue;
        }
        m_queue.removeAt(i);
        request->m_queued = false;
        --m_queuedPerHost[request->m_hostKey];
        --m_stats.queued;
        startAttempt(request);
    }
}

void RequestScheduler::startAttempt(RequestJob *request)
{
    const QUrl url = request->m_currentUrl;
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != "http"_L1 && scheme != "https"_L1)) {
        Q_EMIT statsChanged();
        fail(request, Error(ErrorCode::InvalidInput, u"not an http(s) URL: %1"_s.arg(logUrl(url))));
        return;
    }

    startDeadline(request);
    QNetworkRequest req(url);
    req.setTransferTimeout(request->m_spec.timeoutMs);
    if (request->m_spec.sslConfiguration)
        req.setSslConfiguration(*request->m_spec.sslConfiguration);
    const bool sameHost = hostKey(url) == hostKey(request->m_spec.url);
    for (const auto &[name, value] : std::as_const(request->m_spec.headers)) {
        // A caller-supplied Authorization is as secret as ours: never to another host.
        if (!sameHost && name.compare("Authorization", Qt::CaseInsensitive) == 0)
            continue;
        // A 303 turned the request into a body-less GET.
        if (request->m_currentBody.isEmpty() && !request->m_spec.body.isEmpty()
            && name.compare("Content-Type", Qt::CaseInsensitive) == 0)
            continue;
        req.setRawHeader(name, value);
    }
    // Authorization only ever goes to the registry the request was addressed to; a redirect to
    // a blob store (S3, a CDN) gets none, and the authenticator is not even asked.
    if (sameHost && request->m_spec.authenticator) {
        const QByteArray authorization
                = request->m_spec.authenticator->authorization(url, request->m_spec.authScope);
        if (!authorization.isEmpty())
            req.setRawHeader("Authorization", authorization);
    }

    const QByteArray &method = request->m_currentMethod;
    QNetworkReply *reply = nullptr;
    if (method == "GET" && request->m_currentBody.isEmpty())
        reply = m_nam->get(req);
    else if (method == "HEAD")
        reply = m_nam->head(req);
    else if (method == "DELETE" && request->m_currentBody.isEmpty())
        reply = m_nam->deleteResource(req);
    else
        reply = m_nam->sendCustomRequest(req, method, request->m_currentBody);

    request->m_reply = reply;
    request->m_inFlight = true;
    request->m_hostKey = hostKey(url);
    ++m_inFlightPerHost[request->m_hostKey];
    ++m_stats.inFlight;
    ++m_stats.started;
    ++request->m_response.attempts;
    request->m_response.body.clear();
    qCDebug(lcScheduler).noquote()
            << "start" << method << logUrl(url) << "attempt" << request->m_response.attempts;

    connect(reply, &QNetworkReply::metaDataChanged, this,
            [this, request, reply] { onMetaDataChanged(request, reply); });
    connect(reply, &QNetworkReply::readyRead, this,
            [this, request, reply] { onReadyRead(request, reply); });
    if (BodySink *sink = request->m_spec.bodySink) {
        // Qt stops reading the socket once this much waits unread: the sink's pace is the
        // transfer's pace.
        reply->setReadBufferSize(StreamReadBufferBytes);
        connect(
                sink, &BodySink::roomAvailable, reply,
                [this, request, reply] { onReadyRead(request, reply); }, Qt::QueuedConnection);
    }
    connect(reply, &QNetworkReply::finished, this,
            [this, request, reply] { onReplyFinished(request, reply); });

    Q_EMIT statsChanged();
    Q_EMIT attemptStarted(method, url.adjusted(QUrl::RemoveUserInfo));
}

void RequestScheduler::releaseReply(RequestJob *request, bool abort)
{
    QNetworkReply *reply = request->m_reply;
    request->m_reply = nullptr;
    if (request->m_inFlight) {
        request->m_inFlight = false;
        --m_inFlightPerHost[request->m_hostKey];
        --m_stats.inFlight;
        schedulePump();
    }
    if (!reply)
        return;
    // libQuotient's stop(): disconnect first so abort()'s synchronous finished() is not taken
    // for a result.
    disconnect(reply, nullptr, this, nullptr);
    if (abort)
        reply->abort();
    reply->deleteLater();
}

bool RequestScheduler::streamsBody(const RequestJob *request, const QNetworkReply *reply)
{
    if (!request->m_spec.bodySink)
        return false;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    return status >= 200 && status < 300;
}

void RequestScheduler::streamBody(RequestJob *request, const QNetworkReply *reply,
                                  const QByteArray &bytes)
{
    BodySink *sink = request->m_spec.bodySink;
    if (request->m_response.streamedBytes == 0)
        sink->begin(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 206);
    request->m_response.streamedBytes += bytes.size();
    sink->write(bytes);
}

void RequestScheduler::onMetaDataChanged(RequestJob *request, QNetworkReply *reply)
{
    if (request->m_reply != reply || request->m_currentMethod == "HEAD")
        return; // a HEAD's Content-Length is the size of what it describes, not of a body
    if (streamsBody(request, reply))
        return; // a sink takes any size, at its own pace
    const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
    bool ok = false;
    const qint64 bytes = length.toLongLong(&ok);
    if (ok && bytes > request->m_spec.maxBodyBytes) {
        // Refused before a byte of the body is read.
        releaseReply(request, true);
        fail(request,
             Error(ErrorCode::TooLarge,
                   u"response of %1 bytes from %2 is over the limit of %3 bytes"_s.arg(bytes)
                           .arg(hostForMessage(request->m_currentUrl))
                           .arg(request->m_spec.maxBodyBytes),
                   reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt()));
    }
}

void RequestScheduler::onReadyRead(RequestJob *request, QNetworkReply *reply)
{
    if (request->m_reply != reply || !reply->isOpen()) // a timed-out reply is closed
        return;
    if (streamsBody(request, reply)) {
        BodySink *sink = request->m_spec.bodySink;
        for (qint64 room = sink->room(); room > 0 && reply->bytesAvailable() > 0;
             room = sink->room())
            streamBody(request, reply, reply->read(room));
        return;
    }
    request->m_response.body += reply->readAll();
    if (request->m_response.body.size() > request->m_spec.maxBodyBytes) {
        // A chunked (or lying) response: stop reading as soon as it passes the cap.
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        releaseReply(request, true);
        request->m_response.body.clear();
        fail(request, Error(ErrorCode::TooLarge,
                            u"response from %1 is over the limit of %2 bytes"_s
                                    .arg(hostForMessage(request->m_currentUrl))
                                    .arg(request->m_spec.maxBodyBytes),
                            status));
    }
}

void RequestScheduler::onReplyFinished(RequestJob *request, QNetworkReply *reply)
{
    if (request->m_reply != reply || request->m_done) {
        disconnect(reply, nullptr, this, nullptr);
        reply->deleteLater();
        return;
    }
    onReadyRead(request, reply); // whatever is still buffered
    if (request->m_done)
        return; // over the cap
    if (streamsBody(request, reply) && reply->bytesAvailable() > 0) {
        // The last bytes go over the sink's room: at most one read buffer
        // (StreamReadBufferBytes), and the reply cannot wait for room once finished.
        streamBody(request, reply, reply->readAll());
    }

    Response &response = request->m_response;
    const QNetworkReply::NetworkError error = reply->error();
    const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    response.status = statusAttr.toInt();
    response.headers = reply->rawHeaderPairs();
    response.url = request->m_currentUrl;

    const QString host = hostForMessage(request->m_currentUrl);
    const bool httpAnswer = statusAttr.isValid() && response.status > 0
                            && (error == QNetworkReply::NoError || isHttpLevelError(error));
    if (!httpAnswer) {
        // Transport failure. A reply that has a status but then lost its connection (a body
        // shorter than Content-Length) lands here too: never a truncated success.
        Error failure;
        if (error == QNetworkReply::OperationCanceledError && !request->m_cancelled) {
            // We never abort() a reply we still listen to; so this is setTransferTimeout.
            failure = Error(ErrorCode::Timeout,
                            u"no data from %1 for %2 s"_s.arg(host).arg(
                                    request->m_spec.timeoutMs / 1000.0, 0, 'g', 3));
        } else if (error == QNetworkReply::SslHandshakeFailedError) {
            failure = Error(ErrorCode::Tls,
                            u"TLS handshake with %1 failed: %2"_s.arg(host, reply->errorString()));
        } else {
            failure = Error(ErrorCode::Network,
                            u"network error talking to %1: %2"_s.arg(host, reply->errorString()));
        }
        failure.httpStatus = response.status;
        qCDebug(lcScheduler).noquote() << "transport error" << request->m_currentMethod
                                       << logUrl(request->m_currentUrl) << int(error);
        releaseReply(request, false);
        if (failure.code != ErrorCode::Tls && maybeRetry(request, -1))
            return;
        response.body.clear();
        fail(request, failure);
        return;
    }

    // Defence in depth: Qt reports a short body as an error, but should a reply ever finish
    // "successfully" with fewer bytes than announced, it must not pass as complete.
    const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
    const QByteArray encoding = reply->rawHeader("Content-Encoding").trimmed().toLower();
    if (length.isValid() && request->m_currentMethod != "HEAD" && response.status != 204
        && response.status != 304 && (encoding.isEmpty() || encoding == "identity")
        && length.toLongLong() != response.body.size() + response.streamedBytes) {
        const qint64 received = response.body.size() + response.streamedBytes;
        releaseReply(request, false);
        if (maybeRetry(request, -1))
            return;
        response.body.clear();
        fail(request,
             Error(ErrorCode::Network,
                   u"connection to %1 closed after %2 of %3 bytes"_s.arg(host).arg(received).arg(
                           length.toLongLong()),
                   response.status));
        return;
    }

    releaseReply(request, false);
    handleHttpResponse(request, reply);
}

void RequestScheduler::handleHttpResponse(RequestJob *request, QNetworkReply *reply)
{
    Response &response = request->m_response;
    const int status = response.status;
    const QString host = hostForMessage(request->m_currentUrl);
    qCDebug(lcScheduler).noquote()
            << status << request->m_currentMethod << logUrl(request->m_currentUrl);

    if (isRedirect(status)) {
        const QByteArray location = response.header("Location");
        if (!location.isEmpty()) {
            if (request->m_redirects >= request->m_spec.maxRedirects) {
                fail(request, Error(ErrorCode::Http,
                                    u"too many redirects (more than %1) from %2"_s
                                            .arg(request->m_spec.maxRedirects)
                                            .arg(logUrl(request->m_spec.url)),
                                    status));
                return;
            }
            const QUrl target = request->m_currentUrl.resolved(
                    QUrl::fromEncoded(location, QUrl::TolerantMode));
            const QString scheme = target.scheme().toLower();
            if (!target.isValid() || (scheme != "http"_L1 && scheme != "https"_L1)) {
                fail(request, Error(ErrorCode::BadResponse,
                                    u"%1 redirected to an unusable location"_s.arg(host), status));
                return;
            }
            ++request->m_redirects;
            if (status == 303 && request->m_currentMethod != "HEAD") {
                request->m_currentMethod = "GET";
                request->m_currentBody.clear();
            }
            qCDebug(lcScheduler).noquote() << "redirect to" << logUrl(target);
            request->m_currentUrl = target;
            enqueue(request);
            return;
        }
    }

    if (status == 401 && request->m_spec.authenticator
        && hostKey(request->m_currentUrl) == hostKey(request->m_spec.url)) {
        if (!request->m_authRetried) {
            QByteArray challengeHeader;
            for (const auto &[name, value] : std::as_const(response.headers)) {
                if (name.compare("WWW-Authenticate", Qt::CaseInsensitive) == 0)
                    challengeHeader += (challengeHeader.isEmpty() ? "" : ", ") + value;
            }
            const QList<AuthChallenge> challenges = parseWwwAuthenticate(challengeHeader);
            if (!challenges.isEmpty()) {
                request->m_authRetried = true;
                QPointer<RequestJob> guard(request);
                request->m_spec.authenticator->handleChallenge(
                        challenges, request->m_spec.authScope, request,
                        [this, guard](Error authError) {
                            if (guard)
                                onChallengeAnswered(guard, authError);
                        });
                return;
            }
        } else {
            const QString detail = registryErrorMessage(response.body);
            fail(request,
                 Error(ErrorCode::Unauthorized,
                       detail.isEmpty() ? u"authentication failed (HTTP 401)"_s
                                        : u"authentication failed (HTTP 401): %1"_s.arg(detail),
                       status));
            return;
        }
    }

    const bool retryable = status == 429 || status == 502 || status == 503 || status == 504;
    if (retryable) {
        const qint64 retryAfterMs = (status == 429 || status == 503)
                                            ? parseRetryAfterMs(response.header("Retry-After"))
                                            : -1;
        if (retryAfterMs > MaxRetryAfterMs) {
            // Not waited out: say so at once (the caller may retry later, or the person).
            Error error = httpError(status, response.body);
            error.message = u"the server asks to retry after %1 s (%2)"_s.arg(
                    QString::number((retryAfterMs + 999) / 1000), error.message);
            error.retryAfterMs = retryAfterMs;
            fail(request, error);
            return;
        }
        if (maybeRetry(request, int(retryAfterMs)))
            return;
    }

    response.error = status >= 400 ? httpError(status, response.body) : Error();
    Q_UNUSED(reply);
    finish(request);
}

void RequestScheduler::onChallengeAnswered(RequestJob *request, const Error &error)
{
    if (request->m_done)
        return;
    if (error.isError()) {
        fail(request, error);
        return;
    }
    enqueue(request); // the retry with the new Authorization
}

int RequestScheduler::backoffDelayMs(int retryIndex) const
{
    // base * 2^n, +-25 % jitter so that many clients (or many of our own requests) that failed
    // together do not come back together, capped so a person is not left waiting.
    const double exact = double(m_retryBaseMs) * double(1LL << std::min(retryIndex, 30));
    const double jitter = 0.75 + 0.5 * QRandomGenerator::global()->generateDouble();
    return int(std::min(exact * jitter, double(m_retryMaxMs)));
}

bool RequestScheduler::maybeRetry(RequestJob *request, int retryAfterMs)
{
    if (!request->m_spec.idempotent || request->m_retryCount >= m_maxRetries || request->m_done)
        return false;
    // Bytes already streamed to a sink cannot be taken back: a retry would repeat them.
    if (request->m_response.streamedBytes > 0)
        return false;
    const int delay = retryAfterMs >= 0 ? retryAfterMs : backoffDelayMs(request->m_retryCount);
    // A retry that could not even start before the deadline is not made: the failure at hand
    // is the answer.
    if (const qint64 left = remainingMs(request); left >= 0 && delay >= left)
        return false;
    ++request->m_retryCount;
    ++m_stats.retries;
    Q_EMIT statsChanged();
    qCDebug(lcScheduler).noquote()
            << "retry" << request->m_retryCount << "of" << request->m_currentMethod
            << logUrl(request->m_currentUrl) << "in" << delay << "ms";
    scheduleRetry(request, delay);
    return true;
}

int RequestScheduler::deadlineMsOf(const RequestJob *request) const
{
    return request->m_spec.deadlineMs >= 0 ? request->m_spec.deadlineMs : m_deadlineMs;
}

qint64 RequestScheduler::remainingMs(const RequestJob *request) const
{
    const int deadline = deadlineMsOf(request);
    if (deadline <= 0 || !request->m_sinceFirstAttempt.isValid())
        return -1;
    return std::max<qint64>(0, deadline - request->m_sinceFirstAttempt.elapsed());
}

void RequestScheduler::startDeadline(RequestJob *request)
{
    if (request->m_sinceFirstAttempt.isValid())
        return; // a retry, a redirect or the auth round: the same deadline goes on
    request->m_sinceFirstAttempt.start();
    const qint64 left = remainingMs(request);
    if (left < 0)
        return;
    request->m_deadlineTimer = new QTimer(request);
    request->m_deadlineTimer->setSingleShot(true);
    connect(request->m_deadlineTimer, &QTimer::timeout, request, [this, request] {
        if (request->m_done)
            return;
        qCDebug(lcScheduler).noquote()
                << "deadline" << request->m_currentMethod << logUrl(request->m_currentUrl);
        releaseReply(request, true);
        request->m_response.body.clear();
        fail(request, Error(ErrorCode::Timeout,
                            u"no complete answer from %1 within %2 s (the request's deadline)"_s
                                    .arg(hostForMessage(request->m_currentUrl))
                                    .arg(deadlineMsOf(request) / 1000.0, 0, 'g', 3)));
    });
    request->m_deadlineTimer->start(int(left));
}

void RequestScheduler::scheduleRetry(RequestJob *request, int delayMs)
{
    if (!request->m_retryTimer) {
        request->m_retryTimer = new QTimer(request);
        request->m_retryTimer->setSingleShot(true);
        // Precise: a coarse timer may fire up to 5 % early, i.e. before the Retry-After the
        // server asked for (tst_faults saw 1,996 ms for two "Retry-After: 1"). One timer per
        // retry is cheap.
        request->m_retryTimer->setTimerType(Qt::PreciseTimer);
        connect(request->m_retryTimer, &QTimer::timeout, request, [this, request] {
            if (!request->m_done)
                enqueue(request);
        });
    }
    request->m_retryTimer->start(delayMs);
}

void RequestScheduler::cancelRequest(RequestJob *request)
{
    if (request->m_done || m_destroying)
        return;
    request->m_cancelled = true;
    qCDebug(lcScheduler).noquote()
            << "cancel" << request->m_currentMethod << logUrl(request->m_currentUrl);
    releaseReply(request, true);
    request->m_response.body.clear();
    fail(request, Error(ErrorCode::Cancelled, u"cancelled"_s));
}

void RequestScheduler::fail(RequestJob *request, Error error)
{
    request->m_response.error = std::move(error);
    finish(request);
}

void RequestScheduler::finish(RequestJob *request)
{
    if (request->m_done)
        return;
    request->m_done = true;
    if (request->m_queued) {
        m_queue.removeOne(QPointer<RequestJob>(request));
        request->m_queued = false;
        --m_queuedPerHost[request->m_hostKey];
        --m_stats.queued;
    }
    if (request->m_retryTimer)
        request->m_retryTimer->stop();
    if (request->m_deadlineTimer)
        request->m_deadlineTimer->stop();
    releaseReply(request, true);
    if (request->m_response.url.isEmpty())
        request->m_response.url = request->m_currentUrl;
    Q_EMIT statsChanged();
    // finished() comes from the event loop (Job): a caller that cancels from inside a
    // destructor or a loop over its own requests is not re-entered.
    request->finishJob(request->m_response.error);
}

} // namespace Berth
