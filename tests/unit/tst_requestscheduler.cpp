#include "jobwait.h"
#include "net/auth/authenticator.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"
#include "scriptedhttpserver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace Berth;
using Berth::Test::ScriptedHttpServer;
using Berth::Test::waitFor;
using Reply = ScriptedHttpServer::Reply;
using Request = ScriptedHttpServer::Request;

namespace {

//! Adds a fixed Authorization and answers every challenge with success; counts both.
class StaticAuthenticator final : public Authenticator
{
public:
    using Authenticator::Authenticator;

    QByteArray authorization(const QUrl &url, const QString &) const override
    {
        authorizedUrls.append(url);
        return "Bearer secret-token";
    }
    void handleChallenge(const QList<AuthChallenge> &challenges, const QString &, QObject *,
                         std::function<void(Error)> done) override
    {
        ++challengeCount;
        lastChallenges = challenges;
        done(Error());
    }

    mutable QList<QUrl> authorizedUrls;
    int challengeCount = 0;
    QList<AuthChallenge> lastChallenges;
};

//! A server handler that accepts every request and stays silent.
Reply neverAnswer(const Request &)
{
    Reply reply;
    reply.neverRespond = true;
    return reply;
}

RequestSpec get(const QUrl &url)
{
    RequestSpec spec;
    spec.url = url;
    return spec;
}

} // namespace

class TestRequestScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void userAgentNamesBerthAndQt();
    void simpleGetFillsResponse();
    void submitNeverFinishesSynchronously();
    void priorityOrderWithCapOne();
    void followUpsGoBeforeNewWorkOfTheirPriority();
    void perHostCapIsRespected();
    void cancellingJobsFreesQueuedAndInFlight();
    void cancelSingleRequest();
    void resultIsCancelledUntilFinished();
    void timeoutIsNotCancelAndIsRetried();
    void serviceUnavailableHonoursRetryAfter();
    void deadlineEndsARequestAsAWhole_data();
    void deadlineEndsARequestAsAWhole();
    void retryAfterBeyondAMinuteFailsAtOnce_data();
    void retryAfterBeyondAMinuteFailsAtOnce();
    void tooManyRequestsExhaustsRetries();
    void nonIdempotentPostIsNotRetried();
    void internalServerErrorIsNotRetried();
    void notFoundCarriesRegistryMessage();
    void bodyCapByContentLength();
    void headIgnoresContentLengthCap();
    void bodyCapWhileStreaming();
    void chunkedBodyUnderCapArrivesWhole();
    void truncatedBodyIsAnError();
    void connectionRefusedIsNetworkError();
    void redirectToOtherHostDropsAuthorization();
    void sameHostRedirectKeepsAuthorization();
    void seeOtherTurnsPostIntoGet();
    void redirectLoopIsBounded();
    void challengeRoundThenUnauthorized();
    void unauthorizedWithoutAuthenticator();
    void destroyingSchedulerWithRequestsInFlightIsSafe();
    void onFinishedSkipsDeadContext();

private:
    std::unique_ptr<NetworkAccessManager> m_nam;
    std::unique_ptr<RequestScheduler> m_scheduler;
    std::unique_ptr<ScriptedHttpServer> m_server;
};

void TestRequestScheduler::init()
{
    m_nam = std::make_unique<NetworkAccessManager>();
    m_scheduler = std::make_unique<RequestScheduler>(m_nam.get());
    // Small delays so retry tests take milliseconds, not seconds.
    m_scheduler->setRetryDelays(10, 100);
    m_server = std::make_unique<ScriptedHttpServer>();
    QVERIFY(m_server->listen());
}

void TestRequestScheduler::cleanup()
{
    m_scheduler.reset();
    m_server.reset();
    m_nam.reset();
}

void TestRequestScheduler::userAgentNamesBerthAndQt()
{
    const QByteArray ua = NetworkAccessManager::userAgent();
    QVERIFY(ua.startsWith("Berth/"));
    QVERIFY(ua.contains(QByteArray("(Qt " + QByteArray(qVersion()) + ")")));

    m_server->setHandler([](const Request &) { return Reply::json(200, "{}"); });
    const Response response = waitFor(m_scheduler->submit(get(m_server->url(u"/v2/"_s))));
    QVERIFY(response.ok());
    QCOMPARE(m_server->requests().first().header("User-Agent"), ua);
    QVERIFY(!m_server->requests().first().hasHeader("Cookie"));
}

void TestRequestScheduler::simpleGetFillsResponse()
{
    // Given a server that sets a cookie (Harbor's sid) and answers with a body
    m_server->setHandler([](const Request &) {
        return Reply::json(200, R"({"ok":true})").header("Set-Cookie", "sid=abc; Path=/");
    });
    QSignalSpy attempts(m_scheduler.get(), &RequestScheduler::attemptStarted);

    // When two requests are made one after the other
    RequestSpec spec = get(m_server->url(u"/v2/_catalog?n=5"_s));
    spec.headers.emplaceBack("Accept", "application/json");
    const Response first = waitFor(m_scheduler->submit(spec));
    const Response second = waitFor(m_scheduler->submit(spec));

    // Then the response is filled, and the cookie was never sent back
    QVERIFY(first.ok());
    QCOMPARE(first.status, 200);
    QCOMPARE(first.body, R"({"ok":true})"_ba);
    QCOMPARE(first.header("content-type"), "application/json"_ba);
    QCOMPARE(first.url, spec.url);
    QCOMPARE(first.attempts, 1);
    QVERIFY(second.ok());
    QCOMPARE(m_server->requestCount(), 2);
    QCOMPARE(m_server->requests().at(0).target, "/v2/_catalog?n=5"_ba);
    QCOMPARE(m_server->requests().at(0).header("Accept"), "application/json"_ba);
    QVERIFY(!m_server->requests().at(1).hasHeader("Cookie"));
    QCOMPARE(attempts.count(), 2);
    QCOMPARE(attempts.first().at(0).toByteArray(), "GET"_ba);

    const SchedulerStats stats = m_scheduler->stats();
    QCOMPARE(stats.started, 2u);
    QCOMPARE(stats.completed, 2u);
    QCOMPARE(stats.retries, 0u);
    QCOMPARE(stats.queued, 0);
    QCOMPARE(stats.inFlight, 0);
}

void TestRequestScheduler::submitNeverFinishesSynchronously()
{
    // Given a request that fails before any network work (not an http URL)
    RequestSpec spec;
    spec.url = QUrl(u"ftp://127.0.0.1/x"_s);
    RequestJob *request = m_scheduler->submit(spec);
    QSignalSpy spy(request, &Job::finished);
    std::optional<Response> response;
    QObject context; // dies before response: a late finished() writes nowhere
    request->onFinished(&context, [&response](const Response &r) { response = r; });
    QPointer<RequestJob> guard(request);

    // Then finished comes only from the event loop, exactly once, and the job goes away
    QCOMPARE(spy.count(), 0);
    QVERIFY(!request->isFinished());
    QVERIFY(spy.wait(5000));
    QCOMPARE(spy.count(), 1);
    QVERIFY(response);
    QCOMPARE(response->error.code, ErrorCode::InvalidInput);
    QTRY_VERIFY(guard.isNull());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(m_server->requestCount(), 0);
}

void TestRequestScheduler::priorityOrderWithCapOne()
{
    // Given one connection per host, so the server sees requests in queue order
    m_scheduler->setMaxConcurrentPerHost(1);
    m_server->setHandler([](const Request &) { return Reply::json(200, "{}"); });

    // When requests of mixed priority are submitted in one go and then re-prioritised
    const QList<QPair<QString, Priority>> plan{
            {u"/a"_s, Priority::Visible},     {u"/b"_s, Priority::Background},
            {u"/c"_s, Priority::Interactive}, {u"/d"_s, Priority::Visible},
            {u"/e"_s, Priority::Interactive}, {u"/f"_s, Priority::Background},
            {u"/g"_s, Priority::Background},  {u"/h"_s, Priority::Prefetch}};
    QList<QPointer<RequestJob>> requests;
    for (const auto &[path, priority] : plan) {
        RequestSpec spec = get(m_server->url(path));
        spec.priority = priority;
        requests.append(m_scheduler->submit(spec));
    }
    QCOMPARE(m_scheduler->stats().queued, 8);
    // d and f are what one piece of work waits on (as a metadata job waits on its requests):
    // re-prioritising that work moves both. Awaiting gives them the group's priority (Visible)
    // at once; they keep their submission order.
    QObject context;
    auto *group = new Task<void>(Priority::Visible, &context);
    group->await(requests.at(3).data(), [](const Response &) {});
    group->await(requests.at(5).data(), [](const Response &) {});
    group->setPriority(Priority::Interactive);          // d, f
    requests.at(6)->setPriority(Priority::Interactive); // g
    requests.at(7)->setPriority(Priority::Background);  // h, after b (FIFO)

    QSignalSpy last(requests.at(7).data(), &Job::finished);
    QVERIFY(last.wait(10000));

    // Then priority decides first, submission order second
    QStringList order;
    for (const Request &r : m_server->requests())
        order.append(r.path());
    QCOMPARE(order,
             (QStringList{u"/c"_s, u"/d"_s, u"/e"_s, u"/f"_s, u"/g"_s, u"/a"_s, u"/b"_s, u"/h"_s}));
    QCOMPARE(m_server->maxActiveRequests(), 1);
}

void TestRequestScheduler::followUpsGoBeforeNewWorkOfTheirPriority()
{
    // Given one connection per host, busy with a first request
    m_scheduler->setMaxConcurrentPerHost(1);
    m_server->setHandler([](const Request &request) {
        Reply reply = Reply::json(200, "{}");
        if (request.path() == u"/busy"_s)
            reply.delayMs = 100;
        return reply;
    });
    QList<QPointer<RequestJob>> requests;
    requests.append(m_scheduler->submit(get(m_server->url(u"/busy"_s))));
    QTRY_COMPARE(m_server->activeRequests(), 1);

    // When new rows queue up, then the next step of a row already under way (a config after its
    // manifest), then a follow-up of less priority
    const auto submit = [&](const QString &path, Priority priority, bool followUp) {
        RequestSpec spec = get(m_server->url(path));
        spec.priority = priority;
        spec.followUp = followUp;
        requests.append(m_scheduler->submit(spec));
    };
    submit(u"/row-1"_s, Priority::Visible, false);
    submit(u"/row-2"_s, Priority::Visible, false);
    submit(u"/config-of-row-0"_s, Priority::Visible, true);
    submit(u"/prefetch-config"_s, Priority::Prefetch, true);
    submit(u"/config-of-row-1"_s, Priority::Visible, true);
    QSignalSpy last(requests.constLast().data(), &Job::finished);
    for (const QPointer<RequestJob> &request : std::as_const(requests)) {
        if (request && !request->isFinished())
            QVERIFY(QSignalSpy(request.data(), &Job::finished).wait(10000));
    }

    // Then within a priority the follow-ups go first (in their order), then the new work; a
    // follow-up never jumps a higher priority
    QStringList order;
    for (const Request &r : m_server->requests())
        order.append(r.path());
    QCOMPARE(order, (QStringList{u"/busy"_s, u"/config-of-row-0"_s, u"/config-of-row-1"_s,
                                 u"/row-1"_s, u"/row-2"_s, u"/prefetch-config"_s}));
}

void TestRequestScheduler::perHostCapIsRespected()
{
    // Given two hosts that hold every answer for a moment so that requests pile up
    ScriptedHttpServer other;
    QVERIFY(other.listen());
    const auto slow = [](const Request &) {
        Reply reply = Reply::json(200, "{}");
        reply.delayMs = 100; // long enough for all three connections to be busy at once
        return reply;
    };
    m_server->setHandler(slow);
    other.setHandler(slow);
    m_scheduler->setMaxConcurrentPerHost(3);
    int maxInFlight = 0;
    connect(m_scheduler.get(), &RequestScheduler::statsChanged, this,
            [&] { maxInFlight = std::max(maxInFlight, m_scheduler->stats().inFlight); });

    // When ten requests per host are submitted at once
    QList<QPointer<RequestJob>> requests;
    for (int i = 0; i < 10; ++i) {
        requests.append(m_scheduler->submit(get(m_server->url(u"/one/%1"_s.arg(i)))));
        requests.append(m_scheduler->submit(get(other.url(u"/two/%1"_s.arg(i)))));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_scheduler->stats().completed, 20u, 10000);

    // Then each host saw at most three at a time (and did see three), both hosts in parallel
    QCOMPARE(m_server->requestCount(), 10);
    QCOMPARE(other.requestCount(), 10);
    QCOMPARE(m_server->maxActiveRequests(), 3);
    QCOMPARE(other.maxActiveRequests(), 3);
    QCOMPARE(maxInFlight, 6);
}

void TestRequestScheduler::cancellingJobsFreesQueuedAndInFlight()
{
    // Given one request in flight that the server never answers and two queued behind it
    m_scheduler->setMaxConcurrentPerHost(1);
    m_server->setHandler([](const Request &r) {
        Reply reply = Reply::json(200, "{}");
        reply.neverRespond = r.path().startsWith("/owned"_L1);
        return reply;
    });
    QList<QPointer<RequestJob>> requests;
    QList<std::shared_ptr<QSignalSpy>> spies;
    QList<std::optional<Response>> responses(3);
    QObject context;
    for (int i = 0; i < 3; ++i) {
        requests.append(m_scheduler->submit(get(m_server->url(u"/owned/%1"_s.arg(i)))));
        spies.append(std::make_shared<QSignalSpy>(requests.last().data(), &Job::finished));
        requests.last()->onFinished(&context,
                                    [&responses, i](const Response &r) { responses[i] = r; });
    }
    QTRY_COMPARE(m_server->requestCount(), 1);
    QCOMPARE(m_scheduler->stats().inFlight, 1);
    QCOMPARE(m_scheduler->stats().queued, 2);

    // When the caller cancels the jobs it kept (what cancelOwner() did for an owner's group)
    for (const auto &request : std::as_const(requests))
        request->cancel();

    // Then the queue and the connection are freed at once, but no finished() came from inside
    // the loop (a caller cancelling its jobs is not re-entered)
    QCOMPARE(m_scheduler->stats().inFlight, 0);
    QCOMPARE(m_scheduler->stats().queued, 0);
    for (const auto &spy : std::as_const(spies))
        QCOMPARE(spy->count(), 0);

    // And each request finishes once with Cancelled, and the slot is free for others
    for (const auto &spy : std::as_const(spies))
        QTRY_COMPARE(spy->count(), 1);
    for (const auto &response : std::as_const(responses)) {
        QVERIFY(response);
        QCOMPARE(response->error.code, ErrorCode::Cancelled);
    }
    const Response after = waitFor(m_scheduler->submit(get(m_server->url(u"/after"_s))));
    QVERIFY(after.ok());
    QCOMPARE(m_server->requestCount(), 2);
    QCOMPARE(m_server->requests().at(1).path(), u"/after"_s);
    for (const auto &spy : spies)
        QCOMPARE(spy->count(), 1);
    for (const auto &request : requests)
        QTRY_VERIFY(request.isNull());
}

void TestRequestScheduler::cancelSingleRequest()
{
    m_server->setHandler(neverAnswer);
    RequestJob *request = m_scheduler->submit(get(m_server->url(u"/hang"_s)));
    QSignalSpy spy(request, &Job::finished);
    std::optional<Response> response;
    QObject context; // dies before response: a late finished() writes nowhere
    request->onFinished(&context, [&response](const Response &r) { response = r; });
    QTRY_COMPARE(m_server->requestCount(), 1);

    // When the job is cancelled while its request is in flight
    request->cancel();
    request->cancel(); // twice is harmless

    // Then it has ended at once, with Cancelled, but says so only from the event loop
    QVERIFY(request->isFinished());
    QCOMPARE(request->error().code, ErrorCode::Cancelled);
    QCOMPARE(request->result().error.code, ErrorCode::Cancelled);
    QCOMPARE(spy.count(), 0);
    QVERIFY(spy.wait(5000));
    QVERIFY(response);
    QCOMPARE(response->error.code, ErrorCode::Cancelled);
    QCOMPARE(response->attempts, 1);
    QCOMPARE(m_scheduler->stats().completed, 1u);
    QTest::qWait(20);
    QCOMPARE(spy.count(), 1); // once, although cancelled twice
}

void TestRequestScheduler::resultIsCancelledUntilFinished()
{
    // Given a request queued, then in flight, that the server never answers
    m_server->setHandler(neverAnswer);
    RequestJob *request = m_scheduler->submit(get(m_server->url(u"/hang"_s)));

    // Then until it finished, its result is no success anyone could take for an answer
    // (requestscheduler.h: "its error is Cancelled until the job finished", as ResultJob's)
    QCOMPARE(request->result().error.code, ErrorCode::Cancelled);
    QTRY_COMPARE(m_server->requestCount(), 1);
    QVERIFY(!request->isFinished());
    QCOMPARE(request->result().error.code, ErrorCode::Cancelled);
}

void TestRequestScheduler::timeoutIsNotCancelAndIsRetried()
{
    // Given a server that accepts requests and never answers
    m_server->setHandler(neverAnswer);
    m_scheduler->setMaxRetries(2);
    RequestSpec spec = get(m_server->url(u"/silent"_s));
    spec.timeoutMs = 150; // short: three attempts must fit in the test's budget

    // When the transfer timeout expires on every attempt
    const Response response = waitFor(m_scheduler->submit(spec));

    // Then it is a Timeout (not Cancelled), after 1 + maxRetries attempts
    QCOMPARE(response.error.code, ErrorCode::Timeout);
    QCOMPARE(response.attempts, 3);
    QCOMPARE(m_server->requestCount(), 3);
    QCOMPARE(m_scheduler->stats().retries, 2u);
    QCOMPARE(response.status, 0);

    // And a non-idempotent request times out once, without retries
    RequestSpec post = spec;
    post.method = "POST";
    post.body = "x";
    post.idempotent = false;
    const Response once = waitFor(m_scheduler->submit(post));
    QCOMPARE(once.error.code, ErrorCode::Timeout);
    QCOMPARE(once.attempts, 1);
}

void TestRequestScheduler::serviceUnavailableHonoursRetryAfter()
{
    // Given a server that is unavailable once and asks for one second
    int calls = 0;
    m_server->setHandler([&calls](const Request &) {
        if (++calls == 1)
            return Reply::registryError(503, "UNAVAILABLE", "busy").header("Retry-After", "1");
        return Reply::json(200, R"({"ok":1})");
    });
    QElapsedTimer timer;
    timer.start();
    const Response response = waitFor(m_scheduler->submit(get(m_server->url(u"/v2/"_s))));

    // Then the second attempt succeeds, about a second later (not after the 10 ms back-off)
    QVERIFY(response.ok());
    QCOMPARE(response.status, 200);
    QCOMPARE(response.attempts, 2);
    QVERIFY2(timer.elapsed() >= 900, QByteArray::number(timer.elapsed()).constData());
    QCOMPARE(m_scheduler->stats().retries, 1u);
}

void TestRequestScheduler::deadlineEndsARequestAsAWhole_data()
{
    QTest::addColumn<int>("mode"); // 0 drip, 1 stalled body, 2 silence with retries
    QTest::newRow("a byte every 100 ms") << 0;
    QTest::newRow("a body that stops") << 1;
    QTest::newRow("silence, retried") << 2;
}

void TestRequestScheduler::deadlineEndsARequestAsAWhole()
{
    // Given servers that never finish within 600 ms (the silence timeout alone would let each
    // go on: the drip sends a byte every 100 ms, retries of the silent one start afresh)
    QFETCH(int, mode);
    m_server->setHandler([mode](const Request &) {
        Reply reply = Reply::json(200, QByteArray(100, 'x'));
        reply.dripIntervalMs = mode == 0 ? 100 : 0;
        reply.stallAfterBodyBytes = mode == 1 ? 10 : -1;
        reply.neverRespond = mode == 2;
        return reply;
    });
    m_scheduler->setDeadlineMs(600);
    RequestSpec spec = get(m_server->url(u"/slow"_s));
    spec.timeoutMs = 400;
    QElapsedTimer timer;
    timer.start();
    const Response response = waitFor(m_scheduler->submit(spec));

    // Then it ends at the deadline as a Timeout that says so, with no body
    QCOMPARE(response.error.code, ErrorCode::Timeout);
    QVERIFY2(response.error.message.contains(u"deadline"_s) || mode == 2,
             qPrintable(response.error.message));
    QVERIFY(response.body.isEmpty());
    QVERIFY2(timer.elapsed() < 5000, QByteArray::number(timer.elapsed()).constData());
    // And a request may opt out (a stream guarded by its silence timeout): the drip completes
    if (mode == 0) {
        spec.deadlineMs = 0;
        spec.timeoutMs = 5000;
        const Response dripped = waitFor(m_scheduler->submit(spec), 30000);
        QVERIFY2(dripped.ok(), qPrintable(dripped.error.toString()));
        QCOMPARE(dripped.body, QByteArray(100, 'x'));
    }
}

void TestRequestScheduler::retryAfterBeyondAMinuteFailsAtOnce_data()
{
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<QString>("said");
    QTest::newRow("seconds") << "100000"_ba << u"100000 s"_s;
    QTest::newRow("a date in 2100") << "Fri, 01 Jan 2100 00:00:00 GMT"_ba << u"retry after"_s;
}

void TestRequestScheduler::retryAfterBeyondAMinuteFailsAtOnce()
{
    QFETCH(QByteArray, retryAfter);
    QFETCH(QString, said);
    m_server->setHandler([retryAfter](const Request &) {
        return Reply::registryError(503, "UNAVAILABLE", "busy").header("Retry-After", retryAfter);
    });
    const Response response = waitFor(m_scheduler->submit(get(m_server->url(u"/v2/x"_s))));
    // Then one attempt, no wait, and the message says what the server asked for
    QCOMPARE(response.attempts, 1);
    QCOMPARE(response.error.code, ErrorCode::Server);
    QVERIFY2(response.error.message.contains(u"the server asks to retry after"_s)
                     && response.error.message.contains(said),
             qPrintable(response.error.message));
}

void TestRequestScheduler::tooManyRequestsExhaustsRetries()
{
    m_server->setHandler([](const Request &) {
        return Reply::registryError(429, "TOOMANYREQUESTS", "slow down").header("Retry-After", "0");
    });
    m_scheduler->setMaxRetries(3);
    const Response response = waitFor(m_scheduler->submit(get(m_server->url(u"/v2/x"_s))));
    QCOMPARE(response.error.code, ErrorCode::TooManyRequests);
    QCOMPARE(response.error.httpStatus, 429);
    QCOMPARE(response.status, 429);
    QCOMPARE(response.attempts, 4);
    QCOMPARE(m_server->requestCount(), 4);
    QVERIFY(response.error.message.contains(u"slow down"_s));
}

void TestRequestScheduler::nonIdempotentPostIsNotRetried()
{
    m_server->setHandler([](const Request &) { return Reply::json(503, "{}"); });
    RequestSpec spec = get(m_server->url(u"/v2/a/blobs/uploads/"_s));
    spec.method = "POST";
    spec.idempotent = false;
    const Response response = waitFor(m_scheduler->submit(spec));
    QCOMPARE(response.error.code, ErrorCode::Server);
    QCOMPARE(response.attempts, 1);
    QCOMPARE(m_server->requestCount(), 1);
    QCOMPARE(m_server->requests().first().method, "POST"_ba);
}

void TestRequestScheduler::internalServerErrorIsNotRetried()
{
    m_server->setHandler([](const Request &) { return Reply::json(500, "{}"); });
    const Response response = waitFor(m_scheduler->submit(get(m_server->url(u"/v2/"_s))));
    QCOMPARE(response.error.code, ErrorCode::Server);
    QCOMPARE(response.status, 500);
    QCOMPARE(response.attempts, 1);
}

void TestRequestScheduler::notFoundCarriesRegistryMessage()
{
    m_server->setHandler([](const Request &) {
        return Reply::registryError(404, "MANIFEST_UNKNOWN", "manifest unknown");
    });
    const Response response
            = waitFor(m_scheduler->submit(get(m_server->url(u"/v2/a/manifests/nope"_s))));
    QCOMPARE(response.error.code, ErrorCode::NotFound);
    QCOMPARE(response.error.httpStatus, 404);
    QCOMPARE(response.status, 404);
    QVERIFY(response.error.message.contains(u"MANIFEST_UNKNOWN"_s));
    QVERIFY(response.error.message.contains(u"manifest unknown"_s));
    QVERIFY(response.body.contains("MANIFEST_UNKNOWN")); // callers may read it too
    QCOMPARE(response.attempts, 1);
}

void TestRequestScheduler::bodyCapByContentLength()
{
    m_server->setHandler([](const Request &) { return Reply::json(200, QByteArray(5000, 'x')); });
    RequestSpec spec = get(m_server->url(u"/big"_s));
    spec.maxBodyBytes = 1000;
    const Response response = waitFor(m_scheduler->submit(spec));
    QCOMPARE(response.error.code, ErrorCode::TooLarge);
    QVERIFY(response.body.isEmpty());
    QCOMPARE(response.attempts, 1);
}

void TestRequestScheduler::headIgnoresContentLengthCap()
{
    // A blob HEAD announces the blob's size; that is not a body to cap.
    m_server->setHandler([](const Request &) {
        return Reply()
                .header("Content-Length", "104857600")
                .header("Docker-Content-Digest", "sha256:abc");
    });
    RequestSpec spec = get(m_server->url(u"/v2/a/blobs/sha256:abc"_s));
    spec.method = "HEAD";
    spec.maxBodyBytes = 1000;
    const Response response = waitFor(m_scheduler->submit(spec));
    QVERIFY2(response.ok(), qPrintable(response.error.message));
    QCOMPARE(response.header("Docker-Content-Digest"), "sha256:abc"_ba);
    QCOMPARE(m_server->requests().first().method, "HEAD"_ba);
}

void TestRequestScheduler::bodyCapWhileStreaming()
{
    // Given a chunked answer (no Content-Length) four times over the cap
    m_server->setHandler([](const Request &) {
        Reply reply = Reply::json(200, QByteArray(200 * 1024, 'y'));
        reply.chunked = true;
        return reply;
    });
    RequestSpec spec = get(m_server->url(u"/stream"_s));
    spec.maxBodyBytes = 50 * 1024;
    const Response response = waitFor(m_scheduler->submit(spec));
    QCOMPARE(response.error.code, ErrorCode::TooLarge);
    QCOMPARE(response.attempts, 1);
}

void TestRequestScheduler::chunkedBodyUnderCapArrivesWhole()
{
    QByteArray body;
    for (int i = 0; i < 5000; ++i)
        body += QByteArray::number(i) + ',';
    m_server->setHandler([body](const Request &) {
        Reply reply = Reply::json(200, body);
        reply.chunked = true;
        return reply;
    });
    const Response response = waitFor(m_scheduler->submit(get(m_server->url(u"/stream"_s))));
    QVERIFY(response.ok());
    QCOMPARE(response.body, body);
}

void TestRequestScheduler::truncatedBodyIsAnError()
{
    // Given a server that announces 10000 bytes and closes after 100
    m_server->setHandler([](const Request &) {
        Reply reply = Reply::json(200, QByteArray(10000, 'z'));
        reply.closeAfterBodyBytes = 100;
        return reply;
    });
    m_scheduler->setMaxRetries(1);
    const Response response = waitFor(m_scheduler->submit(get(m_server->url(u"/cut"_s))));

    // Then it is a network error (retried once, as a transient failure), never a short success
    QVERIFY(!response.ok());
    QCOMPARE(response.error.code, ErrorCode::Network);
    QVERIFY(response.body.isEmpty());
    QCOMPARE(response.attempts, 2);
    QCOMPARE(m_server->requestCount(), 2);
}

void TestRequestScheduler::connectionRefusedIsNetworkError()
{
    // A port that was just free: nothing listens on it any more.
    QUrl url;
    {
        ScriptedHttpServer gone;
        QVERIFY(gone.listen());
        url = gone.url(u"/v2/"_s);
    }
    m_scheduler->setMaxRetries(1);
    const Response response = waitFor(m_scheduler->submit(get(url)));
    QCOMPARE(response.error.code, ErrorCode::Network);
    QCOMPARE(response.attempts, 2);
    QCOMPARE(response.status, 0);
    QVERIFY(response.error.message.contains(u"127.0.0.1"_s));
}

void TestRequestScheduler::redirectToOtherHostDropsAuthorization()
{
    // Given a registry that redirects a blob to a blob store on another host
    ScriptedHttpServer store;
    QVERIFY(store.listen());
    store.setHandler([](const Request &r) {
        if (r.hasHeader("Authorization"))
            return Reply::json(400, "{}"); // the test also asserts below
        return Reply::json(200, "blob-bytes");
    });
    const QByteArray location = store.url(u"/bucket/blob?signature=abc"_s).toEncoded();
    m_server->setHandler([location](const Request &) {
        Reply reply;
        reply.status = 307;
        reply.headers.emplaceBack("Location", location);
        return reply;
    });
    StaticAuthenticator auth;
    RequestSpec spec = get(m_server->url(u"/v2/a/blobs/sha256:1"_s));
    spec.authenticator = &auth;
    spec.headers.emplaceBack("Authorization", "Basic caller-supplied");
    spec.headers.emplaceBack("X-Trace", "1");

    const Response response = waitFor(m_scheduler->submit(spec));

    // Then the store got the request without any Authorization, and the authenticator was
    // asked only for the registry
    QVERIFY2(response.ok(), qPrintable(response.error.message));
    QCOMPARE(response.body, "blob-bytes"_ba);
    QCOMPARE(response.url, store.url(u"/bucket/blob?signature=abc"_s));
    QCOMPARE(response.attempts, 2);
    QCOMPARE(store.requestCount(), 1);
    QVERIFY(!store.requests().first().hasHeader("Authorization"));
    QCOMPARE(store.requests().first().header("X-Trace"), "1"_ba);
    QCOMPARE(store.requests().first().target, "/bucket/blob?signature=abc"_ba);
    QCOMPARE(m_server->requests().first().header("Authorization"), "Bearer secret-token"_ba);
    QCOMPARE(auth.authorizedUrls.size(), 1);
    QCOMPARE(auth.authorizedUrls.first().port(), m_server->port());
}

void TestRequestScheduler::sameHostRedirectKeepsAuthorization()
{
    m_server->setHandler([](const Request &r) {
        if (r.path() == "/v2/old"_L1) {
            Reply reply;
            reply.status = 301;
            reply.headers.emplaceBack("Location", "new?x=1"); // relative
            return reply;
        }
        return Reply::json(200, "moved");
    });
    StaticAuthenticator auth;
    RequestSpec spec = get(m_server->url(u"/v2/old"_s));
    spec.authenticator = &auth;
    const Response response = waitFor(m_scheduler->submit(spec));
    QVERIFY(response.ok());
    QCOMPARE(response.url, m_server->url(u"/v2/new?x=1"_s));
    QCOMPARE(m_server->requestCount(), 2);
    QCOMPARE(m_server->requests().at(1).target, "/v2/new?x=1"_ba);
    QCOMPARE(m_server->requests().at(1).header("Authorization"), "Bearer secret-token"_ba);
}

void TestRequestScheduler::seeOtherTurnsPostIntoGet()
{
    m_server->setHandler([](const Request &r) {
        if (r.method == "POST") {
            Reply reply;
            reply.status = 303;
            reply.headers.emplaceBack("Location", "/result");
            return reply;
        }
        return Reply::json(200, "done");
    });
    RequestSpec spec = get(m_server->url(u"/submit"_s));
    spec.method = "POST";
    spec.body = "payload";
    spec.headers.emplaceBack("Content-Type", "application/octet-stream");
    spec.idempotent = false;
    const Response response = waitFor(m_scheduler->submit(spec));
    QVERIFY(response.ok());
    QCOMPARE(m_server->requestCount(), 2);
    QCOMPARE(m_server->requests().at(0).body, "payload"_ba);
    QCOMPARE(m_server->requests().at(1).method, "GET"_ba);
    QVERIFY(m_server->requests().at(1).body.isEmpty());
    QVERIFY(!m_server->requests().at(1).hasHeader("Content-Type"));
}

void TestRequestScheduler::redirectLoopIsBounded()
{
    m_server->setHandler([](const Request &) {
        Reply reply;
        reply.status = 302;
        reply.headers.emplaceBack("Location", "/loop");
        return reply;
    });
    RequestSpec spec = get(m_server->url(u"/loop"_s));
    spec.maxRedirects = 3;
    const Response response = waitFor(m_scheduler->submit(spec));
    QCOMPARE(response.error.code, ErrorCode::Http);
    QVERIFY(response.error.message.contains(u"redirect"_s));
    QCOMPARE(m_server->requestCount(), 4); // the first request and three redirects
    QCOMPARE(response.attempts, 4);
}

void TestRequestScheduler::challengeRoundThenUnauthorized()
{
    // Given a registry that rejects every credential
    m_server->setHandler([](const Request &) {
        return Reply::registryError(401, "UNAUTHORIZED", "authentication required")
                .header("WWW-Authenticate",
                        R"(Bearer realm="http://127.0.0.1/token",service="reg",scope="repository:a:pull")");
    });
    StaticAuthenticator auth;
    RequestSpec spec = get(m_server->url(u"/v2/a/tags/list"_s));
    spec.authenticator = &auth;
    spec.authScope = u"repository:a:pull"_s;
    const Response response = waitFor(m_scheduler->submit(spec));

    // Then there was exactly one challenge round and one retry
    QCOMPARE(auth.challengeCount, 1);
    QCOMPARE(auth.lastChallenges.size(), 1);
    QCOMPARE(auth.lastChallenges.first().scheme, u"bearer"_s);
    QCOMPARE(auth.lastChallenges.first().param(u"scope"_s), u"repository:a:pull"_s);
    QCOMPARE(response.attempts, 2);
    QCOMPARE(response.error.code, ErrorCode::Unauthorized);
    QCOMPARE(response.status, 401);
    QVERIFY(response.error.message.startsWith(u"authentication failed (HTTP 401)"_s));
    QVERIFY(response.error.message.contains(u"authentication required"_s));
    QVERIFY(!response.error.message.contains(u"secret-token"_s));
}

void TestRequestScheduler::unauthorizedWithoutAuthenticator()
{
    m_server->setHandler([](const Request &) {
        return Reply::registryError(401, "UNAUTHORIZED", "authentication required")
                .header("WWW-Authenticate", R"(Basic realm="r")");
    });
    const Response response = waitFor(m_scheduler->submit(get(m_server->url(u"/v2/"_s))));
    QCOMPARE(response.error.code, ErrorCode::Unauthorized);
    QCOMPARE(response.attempts, 1);
}

void TestRequestScheduler::destroyingSchedulerWithRequestsInFlightIsSafe()
{
    // Given requests in flight (never answered) and queued behind them
    m_scheduler->setMaxConcurrentPerHost(2);
    m_server->setHandler(neverAnswer);
    QList<QPointer<RequestJob>> requests;
    QList<std::shared_ptr<QSignalSpy>> spies;
    int callbacks = 0;
    QObject receiver;
    for (int i = 0; i < 5; ++i) {
        RequestJob *request = m_scheduler->submit(get(m_server->url(u"/p/%1"_s.arg(i))));
        request->onFinished(&receiver, [&callbacks](const Response &) { ++callbacks; });
        spies.append(std::make_shared<QSignalSpy>(request, &Job::finished));
        requests.append(request);
    }
    // And a piece of work waiting on the first (in flight) request
    QObject workOwner;
    auto *work = new Task<int>(Priority::Visible, &workOwner);
    bool continued = false;
    work->await(requests.first().data(), [&continued](const Response &) { continued = true; });
    QTRY_COMPARE(m_server->requestCount(), 2);

    // When the scheduler goes away
    m_scheduler.reset();

    // Then its requests are gone without a finished(), nothing is delivered, the work that
    // waited ends with Cancelled, and the network manager still works
    for (const auto &request : requests)
        QVERIFY(request.isNull());
    const Result<int> abandoned = waitFor(work, 5000);
    QCOMPARE(abandoned.error().code, ErrorCode::Cancelled);
    QVERIFY(!continued);
    RequestScheduler fresh(m_nam.get());
    m_server->setHandler([](const Request &) { return Reply::json(200, "{}"); });
    QVERIFY(waitFor(fresh.submit(get(m_server->url(u"/after"_s)))).ok());
    QCOMPARE(callbacks, 0);
    for (const auto &spy : std::as_const(spies))
        QCOMPARE(spy->count(), 0);
    QCOMPARE(m_server->requests().last().path(), u"/after"_s);
}

void TestRequestScheduler::onFinishedSkipsDeadContext()
{
    m_server->setHandler([](const Request &) { return Reply::json(200, "{}"); });
    int calls = 0;
    auto context = std::make_unique<QObject>();
    RequestJob *request
            = m_scheduler->submit(get(m_server->url(u"/x"_s)))
                      ->onFinished(context.get(), [&calls](const Response &) { ++calls; });
    QSignalSpy spy(request, &Job::finished);
    context.reset();
    QVERIFY(spy.wait(5000));
    QCOMPARE(calls, 0);

    QObject alive;
    Response got;
    m_scheduler->submit(get(m_server->url(u"/y"_s)))->onFinished(&alive, [&](const Response &r) {
        ++calls;
        got = r;
    });
    QTRY_COMPARE(calls, 1);
    QVERIFY(got.ok());
    QCOMPARE(got.url, m_server->url(u"/y"_s));
}

QTEST_GUILESS_MAIN(TestRequestScheduler)
#include "tst_requestscheduler.moc"
