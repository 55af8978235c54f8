#pragma once

#include "net/core/error.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

class QTimer;

namespace Berth {

class Authenticator;
class NetworkAccessManager;

//! Higher runs first. Interactive = a person is waiting on exactly this (details pane, a retag);
//! Visible = rows on screen; Prefetch = the margin around them; Background = exports, sorts.
enum class Priority { Background = 0, Prefetch = 1, Visible = 2, Interactive = 3 };

//! Owners group requests so a view, a model generation or an export can cancel or re-prioritise
//! all of its requests at once. 0 = no owner.
using OwnerId = quint64;
OwnerId newOwnerId();

struct RequestSpec
{
    QByteArray method = "GET";
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    Priority priority = Priority::Visible;
    OwnerId owner = 0;
    //! Retried on transient failures only when true (GET, HEAD, PUT and DELETE of manifests are;
    //! blob upload POST/PATCH are not).
    bool idempotent = true;
    qint64 maxBodyBytes = 4 * 1024 * 1024;
    int timeoutMs = 30000; //!< transfer timeout: no bytes for this long
    //! Token scope for bearer auth, e.g. "repository:team-a/api:pull". Empty = registry-wide.
    QString authScope;
    //! Who adds Authorization and answers 401 challenges. Null = anonymous.
    QPointer<Authenticator> authenticator;
    //! Unset = the default (verify peers). Optional rather than a null QSslConfiguration:
    //! constructing even a null one initialises the TLS backend and OpenSSL (Qt 6.4), which was
    //! 70 % of the CPU time of a short `berth tags` against a plain-HTTP registry.
    std::optional<QSslConfiguration> sslConfiguration;
    int maxRedirects = 5;
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

    bool ok() const { return !error.isError(); }
    QByteArray header(QByteArrayView name) const; //!< case-insensitive, first match
};

class RequestScheduler;

//! One scheduled request. Emits finished() exactly once (also when cancelled) and then deletes
//! itself with deleteLater(). Owned by the scheduler; hold it in a QPointer.
class PendingRequest final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PendingRequest)
public:
    const RequestSpec &spec() const { return m_spec; }
    void cancel();
    void setPriority(Priority priority);

Q_SIGNALS:
    void finished(const Berth::Response &response);

private:
    friend class RequestScheduler;
    PendingRequest(RequestSpec spec, RequestScheduler *scheduler);

    RequestSpec m_spec;
    Response m_response;
    QPointer<QNetworkReply> m_reply;
    QTimer *m_retryTimer = nullptr;
    bool m_cancelled = false;
    bool m_done = false;
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

//! Statistics for tests, status lines and benchmarks.
struct SchedulerStats
{
    int queued = 0;
    int inFlight = 0;
    quint64 started = 0; //!< network attempts started (retries and auth round trips count)
    quint64 retries = 0;
    quint64 completed = 0; //!< PendingRequests finished (any outcome)
};

//! The one place every registry request goes through: per-host concurrency cap, priority queue
//! (FIFO within a priority), cancellation and re-prioritisation by owner, bounded retries with
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
    PendingRequest *submit(RequestSpec spec);

    //! Convenience: submit and call done(response) on context if it still lives.
    PendingRequest *submit(RequestSpec spec, QObject *context,
                           std::function<void(const Response &)> done);

    void cancelOwner(OwnerId owner);
    void setOwnerPriority(OwnerId owner, Priority priority);

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

    SchedulerStats stats() const;
    NetworkAccessManager *networkAccessManager() const { return m_nam; }

Q_SIGNALS:
    void statsChanged();
    //! Every network attempt, for tests that count requests (method + URL, no query secrets).
    void attemptStarted(const QByteArray &method, const QUrl &url);

private:
    friend class PendingRequest;
    void enqueue(PendingRequest *request);
    void pump();
    void startAttempt(PendingRequest *request);
    void onReplyFinished(PendingRequest *request, QNetworkReply *reply);
    void finish(PendingRequest *request);
    void scheduleRetry(PendingRequest *request, int delayMs);
    void cancelRequest(PendingRequest *request);
    static QString hostKey(const QUrl &url);
    void schedulePump();
    void releaseReply(PendingRequest *request, bool abort);
    void fail(PendingRequest *request, Error error);
    void onMetaDataChanged(PendingRequest *request, QNetworkReply *reply);
    void onReadyRead(PendingRequest *request, QNetworkReply *reply);
    void handleHttpResponse(PendingRequest *request, QNetworkReply *reply);
    bool maybeRetry(PendingRequest *request, int retryAfterMs);
    void onChallengeAnswered(PendingRequest *request, const Error &error);
    int backoffDelayMs(int retryIndex) const;

    NetworkAccessManager *m_nam;
    QList<QPointer<PendingRequest>> m_queue;
    QHash<QString, int> m_inFlightPerHost;
    int m_maxPerHost = 6;
    int m_maxRetries = 4;
    int m_retryBaseMs = 250;
    int m_retryMaxMs = 8000;
    quint64 m_nextSequence = 0;
    SchedulerStats m_stats;
    QHash<QString, int> m_queuedPerHost;
    bool m_pumpPosted = false;
    bool m_destroying = false;
};

} // namespace Berth

Q_DECLARE_METATYPE(Berth::Response)
