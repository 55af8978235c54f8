// Watching repositories against the real registry (through the fault proxy, which counts every
// request) and the Harbor test server (2.x and 1.x): the first check only records; a tag pushed
// between two checks is reported once; a moved tag is reported; nothing is reported when nothing
// changed; the exact requests per check; the round robin finds a moved tag within
// ceil(N / slice) checks; a 429 with a long Retry-After and a missing repository postpone the
// next check without reporting; the watch list and baselines survive a restart.

#include "faultproxy.h"
#include "harborserver.h"
#include "imageseeder.h"
#include "jobwait.h"
#include "registryprocess.h"

#include "models/watch/repositorycheck.h"
#include "models/watch/watchservice.h"
#include "net/harbor/harborbackend.h"
#include "net/oci/ocibackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

ImageSpec image(quint64 seed)
{
    ImageSpec spec;
    spec.seed = seed;
    spec.layers = 1;
    spec.layerBytes = 512;
    return spec;
}

RegistryEndpoint endpointFor(const QString &host, const QString &user = {},
                             const QString &password = {})
{
    RegistryEndpoint endpoint;
    endpoint.host = host;
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    if (user.isEmpty()) {
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    } else {
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
        endpoint.credentials = Credentials{user, password, {}};
    }
    return endpoint;
}

QStringList tagsOf(const QList<TagChange> &changes)
{
    QStringList tags;
    for (const TagChange &change : changes)
        tags.append(change.moved ? change.tag + u" moved"_s : change.tag);
    return tags;
}

const QString Plain = u"plain"_s; // connection ids
const QString Harbor2 = u"harbor2"_s;
const QString Harbor1 = u"harbor1"_s;

} // namespace

class TestWatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void firstCheckRecordsOnly();
    void unchangedCheckReportsNothing();
    void pushedTagIsReportedOnce();
    void movedTagIsReported();
    void roundRobinFindsAMovedTagWithinItsBound();
    void shortRetryAfterIsWaitedOut();
    void longRetryAfterPostponesTheNextCheck();
    void missingRepositoryPostponesWithoutReporting();
    void watchListAndBaselineSurviveARestart();
    void harbor2ListsNewestArtifactsOnly();
    void harbor1UsesTheRegistryPath();
    void shorterIntervalAppliesAtOnce();
    void startChecksEveryRepositoryTwoAtATime();

private:
    struct Check
    {
        Error error;
        int requests = -1;      //!< as the checker counted
        QList<TagChange> found; //!< changesFound of this check
    };
    //! Runs one check of repository now and waits for its end.
    Check check(WatchService *watch, const QString &connectionId, const QString &repository);
    std::unique_ptr<WatchService> makeService();
    //! "METHOD path" of every request the proxy saw since the last clear.
    QStringList m_seen;

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<FaultProxy> m_proxy;
    std::unique_ptr<HarborServer> m_harbor2;
    std::unique_ptr<HarborServer> m_harbor1;
    NetworkAccessManager m_nam;
    std::unique_ptr<RequestScheduler> m_scheduler;
    std::unique_ptr<OciBackend> m_plain;
    std::unique_ptr<HarborBackend> m_h2;
    std::unique_ptr<HarborBackend> m_h1;
    QTemporaryDir m_dir;
    std::unique_ptr<WatchService> m_watch;
    quint64 m_seed = 100;
};

void TestWatch::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(m_dir.isValid());
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    m_proxy = std::make_unique<FaultProxy>();
    QVERIFY2(m_proxy->start(u"127.0.0.1"_s, quint16(m_registry->port()), &error),
             qPrintable(error));
    connect(m_proxy.get(), &FaultProxy::requestSeen, this,
            [this](const QByteArray &method, const QString &path) {
                m_seen.append(QString::fromLatin1(method) + u' ' + path);
            });

    ImageSeeder seeder(m_registry->host());
    const auto seed = [&](const QString &repository, const QStringList &tags) {
        const auto pushed = seeder.seedImage(repository, image(++m_seed), tags);
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
    };
    seed(u"watch/app"_s, {u"1.0"_s, u"1.1"_s, u"latest"_s});
    QStringList many;
    for (int i = 0; i < 45; ++i)
        many.append(u"t%1"_s.arg(i, 2, 10, QLatin1Char('0')));
    seed(u"watch/many"_s, many);
    seed(u"watch/busy"_s, {u"a"_s, u"latest"_s});
    seed(u"watch/kept"_s, {u"a"_s});
    seed(u"library/web"_s, {u"v1"_s, u"latest"_s});
    seed(u"library/old"_s, {u"v1"_s, u"latest"_s});

    m_harbor2 = std::make_unique<HarborServer>(m_registry.get(), HarborServer::Flavour::V2);
    QVERIFY2(m_harbor2->start(&error), qPrintable(error));
    m_harbor2->createProject(u"library"_s, true);
    QVERIFY2(m_harbor2->importRepository(u"library/web"_s, &error), qPrintable(error));
    m_harbor1 = std::make_unique<HarborServer>(m_registry.get(), HarborServer::Flavour::V1);
    QVERIFY2(m_harbor1->start(&error), qPrintable(error));
    m_harbor1->createProject(u"library"_s, true);
    QVERIFY2(m_harbor1->importRepository(u"library/old"_s, &error), qPrintable(error));

    m_scheduler = std::make_unique<RequestScheduler>(&m_nam);
    m_scheduler->setRetryDelays(10, 50);
    m_plain = std::make_unique<OciBackend>(endpointFor(m_proxy->host()), m_scheduler.get());
    const QString admin(HarborServer::adminName);
    const QString password(HarborServer::adminPassword);
    m_h2 = std::make_unique<HarborBackend>(endpointFor(m_harbor2->host(), admin, password),
                                           m_scheduler.get(), HarborGeneration::V2);
    m_h1 = std::make_unique<HarborBackend>(endpointFor(m_harbor1->host(), admin, password),
                                           m_scheduler.get(), HarborGeneration::V1);
    m_watch = makeService();
}

void TestWatch::init()
{
    m_proxy->clearFaults();
    m_seen.clear();
}

std::unique_ptr<WatchService> TestWatch::makeService()
{
    auto watch = std::make_unique<WatchService>(
            [this](const QString &connectionId, QObject *context,
                   std::function<void(Result<RegistryBackend *>)> done) {
                RegistryBackend *backend = m_h1.get();
                if (connectionId == Plain)
                    backend = m_plain.get();
                else if (connectionId == Harbor2)
                    backend = m_h2.get();
                QTimer::singleShot(0, context,
                                   [backend, done = std::move(done)] { done(backend); });
            },
            m_dir.filePath(u"watch.json"_s));
    // Checks run when a test says so: nothing fires by itself while a test counts requests.
    watch->setFirstCheckDelay(24 * 60 * 60 * 1000, 0);
    return watch;
}

TestWatch::Check TestWatch::check(WatchService *watch, const QString &connectionId,
                                  const QString &repository)
{
    Check result;
    QSignalSpy finished(watch, &WatchService::checkFinished);
    QSignalSpy found(watch, &WatchService::changesFound);
    m_seen.clear();
    watch->checkNow(connectionId, repository);
    if (!finished.wait(30000)) {
        result.error = Error(ErrorCode::Timeout, u"check did not finish"_s);
        return result;
    }
    result.error = finished.constFirst().at(2).value<Error>();
    result.requests = finished.constFirst().at(3).toInt();
    if (!found.isEmpty())
        result.found = found.constFirst().at(2).value<QList<TagChange>>();
    // Exactly one report per check, or none.
    if (found.size() > 1)
        result.error = Error(ErrorCode::Http, u"changesFound more than once"_s);
    return result;
}

void TestWatch::firstCheckRecordsOnly()
{
    // Given watch/app (1.0, 1.1, latest) newly watched
    m_watch->setWatched(Plain, u"watch/app"_s, true);
    QVERIFY(m_watch->isWatched(Plain, u"watch/app"_s));

    // When it is checked the first time
    const Check first = check(m_watch.get(), Plain, u"watch/app"_s);

    // Then the baseline is recorded and nothing is reported
    QVERIFY2(!first.error.isError(), qPrintable(first.error.toString()));
    QVERIFY(first.found.isEmpty());
    const WatchBaseline baseline = m_watch->baseline(Plain, u"watch/app"_s);
    QVERIFY(baseline.recorded);
    QCOMPARE(baseline.tags.size(), 3);
    QVERIFY(!baseline.tags.value(u"1.0"_s).isEmpty()); // small: every digest asked at once
    QVERIFY(m_watch->unseen(Plain, u"watch/app"_s).isEmpty());
    // 1 tags/list + 3 HEADs (latest, then the slice: 1.0, 1.1), plus the client's /v2/ probe
    QCOMPARE(first.requests, 4);
    QCOMPARE(m_seen.count(u"GET /v2/watch/app/tags/list"_s), 1);
    QCOMPARE(m_seen.filter(u"HEAD /v2/watch/app/manifests/"_s).size(), 3);
}

void TestWatch::unchangedCheckReportsNothing()
{
    // Given watch/app checked once
    // When nothing changed and it is checked again
    const Check again = check(m_watch.get(), Plain, u"watch/app"_s);

    // Then nothing is reported, with exactly 1 tags/list + 1 HEAD (latest) + 2 HEADs (slice)
    QVERIFY2(!again.error.isError(), qPrintable(again.error.toString()));
    QVERIFY(again.found.isEmpty());
    QCOMPARE(again.requests, 4);
    QCOMPARE(m_seen.size(), 4);
    QCOMPARE(m_seen.count(u"GET /v2/watch/app/tags/list"_s), 1);
    QCOMPARE(m_seen.count(u"HEAD /v2/watch/app/manifests/latest"_s), 1);
    QVERIFY(m_watch->unseen(Plain, u"watch/app"_s).isEmpty());
}

void TestWatch::pushedTagIsReportedOnce()
{
    // Given watch/app watched and checked; then 1.2 is pushed
    ImageSeeder seeder(m_registry->host());
    const auto pushed = seeder.seedImage(u"watch/app"_s, image(++m_seed), {u"1.2"_s});
    QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));

    // When it is checked
    const Check next = check(m_watch.get(), Plain, u"watch/app"_s);

    // Then 1.2 is reported as new, with its digest: 1 list + 1 HEAD (new) + 1 (latest) + 2
    QVERIFY2(!next.error.isError(), qPrintable(next.error.toString()));
    QCOMPARE(tagsOf(next.found), QStringList{u"1.2"_s});
    QCOMPARE(next.found.constFirst().digest, pushed->digest);
    QCOMPARE(next.requests, 5);
    QCOMPARE(m_seen.size(), 5);
    QCOMPARE(m_watch->unseen(Plain, u"watch/app"_s).size(), 1);
    QCOMPARE(WatchService::summaryText(u"watch/app"_s, next.found), u"1 new tag in watch/app"_s);

    // And the next check reports it no more (1 list + latest + 3 known)
    const Check after = check(m_watch.get(), Plain, u"watch/app"_s);
    QVERIFY(!after.error.isError());
    QVERIFY(after.found.isEmpty());
    QCOMPARE(after.requests, 5);
    QCOMPARE(m_seen.size(), 5);
    QCOMPARE(m_watch->unseen(Plain, u"watch/app"_s).size(), 1); // until seen
    m_watch->markSeen(Plain, u"watch/app"_s);
    QVERIFY(m_watch->unseen(Plain, u"watch/app"_s).isEmpty());
}

void TestWatch::movedTagIsReported()
{
    // Given watch/app watched; then 1.0 is pushed again with other content, and latest too
    ImageSeeder seeder(m_registry->host());
    const auto moved
            = seeder.seedImage(u"watch/app"_s, image(++m_seed), {u"1.0"_s, u"latest"_s, u"1.3"_s});
    QVERIFY2(moved.ok(), qPrintable(moved.error().toString()));

    // When it is checked
    const Check next = check(m_watch.get(), Plain, u"watch/app"_s);

    // Then 1.3 is new and 1.0 and latest moved, in one report
    QVERIFY2(!next.error.isError(), qPrintable(next.error.toString()));
    QCOMPARE(tagsOf(next.found), (QStringList{u"1.3"_s, u"latest moved"_s, u"1.0 moved"_s}));
    QCOMPARE(WatchService::summaryText(u"watch/app"_s, next.found),
             u"1 new tag and 2 moved in watch/app"_s);
    QCOMPARE(WatchService::bodyText(next.found), u"1.3, latest moved, 1.0 moved"_s);
    // 1 list + 1 new + latest + known 1.0, 1.1, 1.2
    QCOMPARE(next.requests, 6);
    QCOMPARE(m_seen.size(), 6);
    // 1.0 is floating from now on
    QVERIFY(m_watch->baseline(Plain, u"watch/app"_s).floating.contains(u"1.0"_s));

    // And the next check reports nothing (1 list + 1.0 + latest + 1.1, 1.2, 1.3)
    const Check after = check(m_watch.get(), Plain, u"watch/app"_s);
    QVERIFY(after.found.isEmpty());
    QCOMPARE(after.requests, 6);
    QCOMPARE(m_seen.size(), 6);
}

void TestWatch::roundRobinFindsAMovedTagWithinItsBound()
{
    // Given watch/many (45 tags, none floating) watched: the first check HEADs the first slice,
    // the next two learn the other digests
    const QString repository = u"watch/many"_s;
    m_watch->setWatched(Plain, repository, true);
    for (int i = 0; i < 3; ++i) {
        const Check learn = check(m_watch.get(), Plain, repository);
        QVERIFY2(!learn.error.isError(), qPrintable(learn.error.toString()));
        QVERIFY(learn.found.isEmpty());
        // Every check: 1 tags/list + RevalidateSlice HEADs
        QCOMPARE(learn.requests, 1 + RepositoryCheck::RevalidateSlice);
        QCOMPARE(m_seen.size(), 1 + RepositoryCheck::RevalidateSlice);
    }
    const WatchBaseline learnt = m_watch->baseline(Plain, repository);
    for (auto it = learnt.tags.cbegin(); it != learnt.tags.cend(); ++it)
        QVERIFY2(!it.value().isEmpty(), qPrintable(it.key()));

    // When t05 moves
    ImageSeeder seeder(m_registry->host());
    QVERIFY(seeder.seedImage(repository, image(++m_seed), {u"t05"_s}).ok());

    // Then it is reported exactly once within ceil(45 / 20) = 3 checks
    int reports = 0;
    const int bound
            = (45 + RepositoryCheck::RevalidateSlice - 1) / RepositoryCheck::RevalidateSlice;
    for (int i = 0; i < bound; ++i) {
        const Check next = check(m_watch.get(), Plain, repository);
        QVERIFY(!next.error.isError());
        if (!next.found.isEmpty()) {
            QCOMPARE(tagsOf(next.found), QStringList{u"t05 moved"_s});
            ++reports;
        }
        // 1 list + the slice; once t05 floats, + 1
        const int floating = reports > 0 && next.found.isEmpty() ? 1 : 0;
        QCOMPARE(next.requests, 1 + RepositoryCheck::RevalidateSlice + floating);
    }
    QCOMPARE(reports, 1);
}

void TestWatch::shortRetryAfterIsWaitedOut()
{
    // Given watch/kept watched and recorded
    m_watch->setWatched(Plain, u"watch/kept"_s, true);
    QVERIFY(!check(m_watch.get(), Plain, u"watch/kept"_s).error.isError());

    // When its listing answers 429 with Retry-After: 1 once
    m_proxy->addFault(FaultProxy::Fault::httpStatus(429, 1).onPath(u"/tags/list"_s).times(1));
    QElapsedTimer timer;
    timer.start();
    const Check next = check(m_watch.get(), Plain, u"watch/kept"_s);

    // Then the scheduler waits the second out and the check succeeds
    QVERIFY2(!next.error.isError(), qPrintable(next.error.toString()));
    QVERIFY(timer.elapsed() >= 900);
    QCOMPARE(m_proxy->faultCount(FaultProxy::FaultKind::Status), 1);
    QVERIFY(m_watch->lastError(Plain, u"watch/kept"_s).isEmpty());
}

void TestWatch::longRetryAfterPostponesTheNextCheck()
{
    // Given watch/busy watched and recorded, checked every minute
    m_watch->setIntervalMs(60 * 1000);
    m_watch->setWatched(Plain, u"watch/busy"_s, true);
    QVERIFY(!check(m_watch.get(), Plain, u"watch/busy"_s).error.isError());
    QSignalSpy found(m_watch.get(), &WatchService::changesFound);

    // When the registry answers 429 with Retry-After: 600 (longer than the scheduler waits)
    m_proxy->addFault(FaultProxy::Fault::httpStatus(429, 600).onPath(u"/tags/list"_s));
    const Check next = check(m_watch.get(), Plain, u"watch/busy"_s);

    // Then the check fails at once, nothing is reported, the error shows, and the next check
    // waits at least the 600 s the server asked for (not the one-minute interval)
    QCOMPARE(next.error.code, ErrorCode::TooManyRequests);
    QVERIFY(found.isEmpty());
    QVERIFY(!m_watch->lastError(Plain, u"watch/busy"_s).isEmpty());
    const qint64 wait
            = QDateTime::currentDateTimeUtc().msecsTo(m_watch->nextCheck(Plain, u"watch/busy"_s));
    QVERIFY2(wait > 500 * 1000, qPrintable(QString::number(wait)));
    // Only the listing was asked: one request, no retries of a 10-minute wait
    QCOMPARE(m_seen.size(), 1);
    m_watch->setIntervalMs(15 * 60 * 1000);
}

void TestWatch::missingRepositoryPostponesWithoutReporting()
{
    // Given a watched repository that does not exist
    m_watch->setIntervalMs(60 * 1000);
    m_watch->setWatched(Plain, u"watch/nothing"_s, true);
    QSignalSpy found(m_watch.get(), &WatchService::changesFound);

    // When it is checked twice
    const Check first = check(m_watch.get(), Plain, u"watch/nothing"_s);
    const qint64 firstWait = QDateTime::currentDateTimeUtc().msecsTo(
            m_watch->nextCheck(Plain, u"watch/nothing"_s));
    const Check second = check(m_watch.get(), Plain, u"watch/nothing"_s);
    const qint64 secondWait = QDateTime::currentDateTimeUtc().msecsTo(
            m_watch->nextCheck(Plain, u"watch/nothing"_s));

    // Then each fails with NotFound, nothing is reported, and the back-off doubles
    QCOMPARE(first.error.code, ErrorCode::NotFound);
    QCOMPARE(second.error.code, ErrorCode::NotFound);
    QVERIFY(found.isEmpty());
    QVERIFY(!m_watch->lastError(Plain, u"watch/nothing"_s).isEmpty());
    QVERIFY2(firstWait >= 50 * 1000, qPrintable(QString::number(firstWait)));
    QVERIFY2(secondWait >= 100 * 1000, qPrintable(QString::number(secondWait)));
    m_watch->setWatched(Plain, u"watch/nothing"_s, false);
    m_watch->setIntervalMs(15 * 60 * 1000);
}

void TestWatch::watchListAndBaselineSurviveARestart()
{
    // Given watch/app watched with one unseen change
    m_watch->markSeen(Plain, u"watch/app"_s);
    ImageSeeder seeder(m_registry->host());
    QVERIFY(seeder.seedImage(u"watch/app"_s, image(++m_seed), {u"2.0"_s}).ok());
    QCOMPARE(tagsOf(check(m_watch.get(), Plain, u"watch/app"_s).found), QStringList{u"2.0"_s});
    const WatchBaseline before = m_watch->baseline(Plain, u"watch/app"_s);

    // When Berth starts again (a new service on the same file)
    m_watch.reset();
    m_watch = makeService();

    // Then the watch list, the baseline and the unseen change are back, and nothing is
    // reported again
    QVERIFY(m_watch->isWatched(Plain, u"watch/app"_s));
    const WatchBaseline after = m_watch->baseline(Plain, u"watch/app"_s);
    QCOMPARE(after.tags, before.tags);
    QCOMPARE(after.floating, before.floating);
    QCOMPARE(after.cursor, before.cursor);
    QCOMPARE(tagsOf(m_watch->unseen(Plain, u"watch/app"_s)), QStringList{u"2.0"_s});
    QVERIFY(check(m_watch.get(), Plain, u"watch/app"_s).found.isEmpty());
}

void TestWatch::harbor2ListsNewestArtifactsOnly()
{
    const QString repository = u"library/web"_s;
    const QString artifacts = u"/api/v2.0/projects/library/repositories/web/artifacts"_s;
    // Given library/web (v1, latest) on a Harbor 2.x, newly watched
    m_watch->setWatched(Harbor2, repository, true);
    m_harbor2->resetCounters();
    const Check first = check(m_watch.get(), Harbor2, repository);
    QVERIFY2(!first.error.isError(), qPrintable(first.error.toString()));
    QVERIFY(first.found.isEmpty());
    // The first check: the names (/v2/ tags/list) and one page of the newest artifacts
    QCOMPARE(first.requests, 2);
    QCOMPARE(m_harbor2->pathCount(artifacts), 1);

    // When nothing changed: one artifacts request (the newest artifact is known), nothing else
    m_harbor2->resetCounters();
    const Check unchanged = check(m_watch.get(), Harbor2, repository);
    QVERIFY(!unchanged.error.isError());
    QVERIFY(unchanged.found.isEmpty());
    QCOMPARE(unchanged.requests, 1);
    QCOMPARE(m_harbor2->pathCount(artifacts), 1);
    QCOMPARE(m_harbor2->requestCount(), 1);
    const QByteArray target = m_harbor2->requestTargets().constFirst();
    QVERIFY2(target.contains("sort=-push_time") && target.contains("page_size=10"),
             target.constData());

    // When v2 is pushed, and later latest moves to another image
    ImageSeeder seeder(m_registry->host());
    QVERIFY(seeder.seedImage(repository, image(++m_seed), {u"v2"_s}).ok());
    QString error;
    QVERIFY2(m_harbor2->importReference(repository, u"v2"_s, &error), qPrintable(error));
    m_harbor2->resetCounters();
    const Check pushed = check(m_watch.get(), Harbor2, repository);
    QCOMPARE(tagsOf(pushed.found), QStringList{u"v2"_s});
    QCOMPARE(pushed.requests, 1);
    QCOMPARE(m_harbor2->requestCount(), 1);

    QTest::qWait(5); // a later push time
    QVERIFY(seeder.seedImage(repository, image(++m_seed), {u"latest"_s}).ok());
    QVERIFY2(m_harbor2->importReference(repository, u"latest"_s, &error), qPrintable(error));
    m_harbor2->resetCounters();
    const Check moved = check(m_watch.get(), Harbor2, repository);
    QCOMPARE(tagsOf(moved.found), QStringList{u"latest moved"_s});
    QCOMPARE(moved.requests, 1);

    // Then each was reported once: the next check finds nothing
    const Check after = check(m_watch.get(), Harbor2, repository);
    QVERIFY(after.found.isEmpty());
    QCOMPARE(after.requests, 1);
}

void TestWatch::harbor1UsesTheRegistryPath()
{
    const QString repository = u"library/old"_s;
    // Given library/old (v1, latest) on a Harbor 1.x, newly watched and recorded
    m_watch->setWatched(Harbor1, repository, true);
    const Check first = check(m_watch.get(), Harbor1, repository);
    QVERIFY2(!first.error.isError(), qPrintable(first.error.toString()));
    QCOMPARE(first.requests, 3); // tags/list + HEAD latest + HEAD v1

    // When nothing changed: the same, and never the slow all-tags listing
    m_harbor1->resetCounters();
    const Check unchanged = check(m_watch.get(), Harbor1, repository);
    QVERIFY(unchanged.found.isEmpty());
    QCOMPARE(unchanged.requests, 3);
    QCOMPARE(m_harbor1->allTagsCalls(), 0);

    // When v2 is pushed
    ImageSeeder seeder(m_registry->host());
    QVERIFY(seeder.seedImage(repository, image(++m_seed), {u"v2"_s}).ok());
    QString error;
    QVERIFY2(m_harbor1->importReference(repository, u"v2"_s, &error), qPrintable(error));
    const Check pushed = check(m_watch.get(), Harbor1, repository);

    // Then it is reported: tags/list + HEAD v2 + HEAD latest + HEAD v1
    QCOMPARE(tagsOf(pushed.found), QStringList{u"v2"_s});
    QCOMPARE(pushed.requests, 4);
    QCOMPARE(m_harbor1->allTagsCalls(), 0);
}

void TestWatch::shorterIntervalAppliesAtOnce()
{
    // Given watch/kept checked, its next check 15 minutes away
    m_watch->setIntervalMs(15 * 60 * 1000);
    QVERIFY(!check(m_watch.get(), Plain, u"watch/kept"_s).error.isError());
    const auto wait = [this] {
        return QDateTime::currentDateTimeUtc().msecsTo(m_watch->nextCheck(Plain, u"watch/kept"_s));
    };
    QVERIFY2(wait() > 13 * 60 * 1000, qPrintable(QString::number(wait())));

    // When the interval becomes one minute (Preferences, through Desktop::applyPreferences)
    m_watch->setIntervalMs(60 * 1000);

    // Then the next check comes within it (+10 % jitter), not after the old 15 minutes
    QVERIFY2(wait() <= 66 * 1000, qPrintable(QString::number(wait())));
    m_watch->setIntervalMs(15 * 60 * 1000);
}

void TestWatch::startChecksEveryRepositoryTwoAtATime()
{
    // Given three watched repositories in a fresh service whose first checks come at once
    auto watch = std::make_unique<WatchService>(
            [this](const QString &, QObject *context,
                   std::function<void(Result<RegistryBackend *>)> done) {
                QTimer::singleShot(0, context,
                                   [this, done = std::move(done)] { done(m_plain.get()); });
            },
            m_dir.filePath(u"started.json"_s));
    watch->setFirstCheckDelay(0, 0); // all due together: the cap decides
    const QStringList repositories{u"watch/app"_s, u"watch/many"_s, u"watch/kept"_s};
    for (const QString &repository : repositories)
        watch->setWatched(Plain, repository, true);
    int most = 0;
    connect(watch.get(), &WatchService::watchChanged, this, [&] {
        int checking = 0;
        for (const QString &repository : repositories)
            checking += watch->isChecking(Plain, repository) ? 1 : 0;
        most = std::max(most, checking);
    });
    QSignalSpy finished(watch.get(), &WatchService::checkFinished);

    // When it starts
    watch->start();

    // Then every one is checked (recorded) by itself, never more than two at once
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 20000);
    QCOMPARE(most, WatchService::MaxConcurrentChecks);
    for (const QString &repository : repositories) {
        QVERIFY(watch->baseline(Plain, repository).recorded);
        QVERIFY(watch->nextCheck(Plain, repository).isValid());
    }
}

QTEST_GUILESS_MAIN(TestWatch)
#include "tst_watch.moc"
