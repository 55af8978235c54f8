#pragma once

#include "net/core/error.h"
#include "net/core/job.h"
#include "net/core/priority.h"
#include "net/core/schedulerstats.h"
#include "net/transport/bodysink.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

#include <QElapsedTimer>

class QTimer;

namespace Berth {

class Authenticator;
class NetworkAccessManager;

struct RequestSpec
{
    QByteArray method = "GET";
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    Priority priority = Priority::Visible;
    //! A later step of work already under way (a config after its manifest, an index's
    //! children): queued ahead of new work of the same priority, so the rows a person waits for
    //! finish one by one instead of all together after every first step.
    bool followUp = false;
    //! Retried on transient failures only when true (GET, HEAD, PUT and DELETE of manifests are;
    //! blob upload POST/PATCH are not).
    bool idempotent = true;
    qint64 maxBodyBytes = 4 * 1024 * 1024;
    int timeoutMs = 30000; //!< transfer timeout: no bytes for this long
    //! The request as a whole (connect, headers, body, every retry and its wait) ends within
    //! this, counted from its first attempt (not its time in the queue): a server that drips or
    //! stalls cannot hold it longer. -1: the scheduler's deadline(); 0: none (a stream guarded by
    //! timeoutMs alone).
    int deadlineMs = -1;
    //! Token scope for bearer auth, e.g. "repository:team-a/api:pull". Empty = registry-wide.
    QString authScope;
    //! Who adds Authorization and answers 401 challenges. Null = anonymous.
    QPointer<Authenticator> authenticator;
    //! Unset = the default (verify peers). Optional rather than a null QSslConfiguration:
    //! constructing even a null one initialises the TLS backend and OpenSSL (Qt 6.4), which was
    //! 70 % of the CPU time of a short `berth tags` against a plain-HTTP registry.
    std::optional<QSslConfiguration> sslConfiguration;
    int maxRedirects = 5;
    //! Set: a 2xx body goes into this sink as it arrives (read only while the sink has room),
    //! not into Response::body, and maxBodyBytes does not apply to it. Such a request is not
    //! retried once a byte of its body was handed over. Error bodies still go to Response::body.
    QPointer<BodySink> bodySink;
};

struct Response
{
    int status = 0; //!< HTTP status of the final attempt; 0 when no response came
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray body;
    QUrl url; //!< the final URL after redirects
    //! Set for transport failures (Network, Timeout, Tls), Cancelled, TooLarge, failed auth
    //! (Unauthorized after the challenge round), and for any final status >= 400 (httpError()).
    //! Callers that expect a 404 (HEAD of a blob) look at status.
    Error error;
    int attempts = 0;
    qint64 streamedBytes = 0; //!< body bytes handed to RequestSpec::bodySink

    bool ok() const { return !error.isError(); }
    QByteArray header(QByteArrayView name) const; //!< case-insensitive, first match
};

class RequestScheduler;

//! One request in the scheduler's hands, as a Job: it owns its QNetworkReply (one per attempt:
//! retries, redirects and the auth round make new ones), queues and re-queues itself by
//! priority, and ends with finished() exactly once, also when cancelled. result() is the
//! response of the final attempt. Parented to the scheduler.
class RequestJob final : public Job
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestJob)
public:
    const RequestSpec &spec() const { return m_spec; }
    //! The final attempt's response; its error is Cancelled until the job finished.
    const Response &result() const { return m_response; }

    //! done(result()) on context when the request finished, unless context is gone by then.
    template<typename Done>
    RequestJob *onFinished(QObject *context, Done done)
    {
        callWithResult(this, context, std::move(done));
        return this;
    }

protected:
    void onPriorityChanged(Priority priority) override;
    void onCancel() override;

private:
    friend class RequestScheduler;
    RequestJob(RequestSpec spec, RequestScheduler *scheduler);

    RequestScheduler *m_scheduler;
    RequestSpec m_spec;
    Response m_response;
    QPointer<QNetworkReply> m_reply;
    QTimer *m_retryTimer = nullptr;
    QTimer *m_deadlineTimer = nullptr; //!< started with the first attempt
    QElapsedTimer m_sinceFirstAttempt;
    bool m_cancelled = false;
    bool m_done = false; //!< the scheduler is through with it (finished() may still be queued)
    bool m_authRetried = false;
    int m_redirects = 0;
    QUrl m_currentUrl;
    quint64 m_sequence = 0;
    // Per-attempt state, private to the scheduler.
    QByteArray m_currentMethod; //!< 303 turns the method into GET
    QByteArray m_currentBody;
    QString m_hostKey;    //!< host the request is queued for or counted in flight against
    int m_retryCount = 0; //!< transient retries made (bounded by maxRetries)
    bool m_queued = false;
    bool m_inFlight = false;
};

//! The one place every registry request goes through: per-host concurrency cap, priority queue
//! (FIFO within a priority), cancellation and re-prioritisation through each RequestJob, bounded
//! retries with
//! exponential back-off and jitter honouring Retry-After, auth (Authorization from the
//! authenticator; on 401 one challenge round and one retry), manual redirects without
//! Authorization across hosts, transfer timeouts, and body caps.
class RequestScheduler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestScheduler)
public:
    explicit RequestScheduler(NetworkAccessManager *nam, QObject *parent = nullptr);
    ~RequestScheduler() override;

    //! Queues the request; never finishes synchronously (finished comes from the event loop).
    RequestJob *submit(RequestSpec spec);

    //! Distribution answers hundreds of small GETs a second per connection; 6 matches
    //! QNetworkAccessManager's HTTP/1.1 connection pool per host, so nothing waits inside Qt
    //! where we cannot re-prioritise it.
    void setMaxConcurrentPerHost(int n);
    int maxConcurrentPerHost() const { return m_maxPerHost; }
    void setMaxRetries(int n) { m_maxRetries = n; }
    int maxRetries() const { return m_maxRetries; }
    //! Base of the exponential back-off (base * 2^attempt, +-25 % jitter, capped at maxDelay).
    void setRetryDelays(int baseMs, int maxMs)
    {
        m_retryBaseMs = baseMs;
        m_retryMaxMs = maxMs;
    }
    //! The default deadline of a whole request (RequestSpec::deadlineMs), 60 s; `--timeout`.
    void setDeadlineMs(int ms) { m_deadlineMs = ms; }
    int deadlineMs() const { return m_deadlineMs; }
    //! The longest Retry-After waited out (60 s): a longer one ends the request at once with
    //! "the server asks to retry after N s" (TooManyRequests or Server), instead of a silent wait.
    static constexpr int MaxRetryAfterMs = 60 * 1000;

    //! Counters, and the requests a person may be waiting for (longest in flight, longest retry
    //! wait): the window says what it waits for.
    SchedulerStats stats() const;
    //! Cancels every request in flight or waiting for a retry whose first attempt started at
    //! least olderThanMs ago (the window's Cancel on a stalled request). Returns how many.
    int cancelWaiting(qint64 olderThanMs);
    NetworkAccessManager *networkAccessManager() const { return m_nam; }

Q_SIGNALS:
    void statsChanged();
    //! Every network attempt, for tests that count requests (method + URL, no query secrets).
    void attemptStarted(const QByteArray &method, const QUrl &url);

private:
    friend class RequestJob;
    void enqueue(RequestJob *request);
    void requeue(RequestJob *request);
    void pump();
    void startAttempt(RequestJob *request);
    void onReplyFinished(RequestJob *request, QNetworkReply *reply);
    void finish(RequestJob *request);
    void scheduleRetry(RequestJob *request, int delayMs);
    void cancelRequest(RequestJob *request);
    static QString hostKey(const QUrl &url);
    void schedulePump();
    void releaseReply(RequestJob *request, bool abort);
    void fail(RequestJob *request, Error error);
    //! The reply's body goes to the request's BodySink: it has one and the answer is a 2xx
    //! (redirects, challenges and error bodies are read as usual).
    static bool streamsBody(const RequestJob *request, const QNetworkReply *reply);
    //! Hands bytes of the body to the sink (begin() first, with the status, before the first).
    static void streamBody(RequestJob *request, const QNetworkReply *reply,
                           const QByteArray &bytes);
    //! QNetworkReply's read buffer for a streamed body: what waits in Qt unread while the sink
    //! is full.
    static constexpr qint64 StreamReadBufferBytes = 1024 * 1024;
    void onMetaDataChanged(RequestJob *request, QNetworkReply *reply);
    void onReadyRead(RequestJob *request, QNetworkReply *reply);
    void handleHttpResponse(RequestJob *request, QNetworkReply *reply);
    bool maybeRetry(RequestJob *request, int retryAfterMs);
    void onChallengeAnswered(RequestJob *request, const Error &error);
    int backoffDelayMs(int retryIndex) const;
    //! Between attempts, waiting out a Retry-After or back-off.
    static bool waitsForRetry(const RequestJob *request);
    void startDeadline(RequestJob *request);
    //! The request's own deadline, or the scheduler's (RequestSpec::deadlineMs); 0: none.
    int deadlineMsOf(const RequestJob *request) const;
    //! What is left of the request's deadline; -1 when it has none.
    qint64 remainingMs(const RequestJob *request) const;

    NetworkAccessManager *m_nam;
    QList<QPointer<RequestJob>> m_queue;
    QSet<RequestJob *> m_live; //!< every job not yet destroyed (the destructor aborts them)
    QHash<QString, int> m_inFlightPerHost;
    int m_maxPerHost = 6;
    int m_maxRetries = 4;
    int m_retryBaseMs = 250;
    int m_retryMaxMs = 8000;
    int m_deadlineMs = 60 * 1000;
    quint64 m_nextSequence = 0;
    SchedulerStats m_stats;
    QHash<QString, int> m_queuedPerHost;
    bool m_pumpPosted = false;
    bool m_destroying = false;
};

} // namespace Berth

Q_DECLARE_METATYPE(Berth::Response)
