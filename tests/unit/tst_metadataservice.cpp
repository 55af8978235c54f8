// MetadataService, the one metadata path: per-digest sharing of fetches (joining, leaving,
// priorities), the memory and disk caches, what is not cached, and Harbor extras. Against a
// SyntheticBackend that counts every call and reports each job's priority.

#include "syntheticstack.h"

#include "jobwait.h"

#include "models/metadata/metadatacache.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace Berth::Test {

namespace {

using Call = SyntheticBackend::Call;
using TagMetadata = MetadataService::TagMetadata;

const QString Repository = u"team/app"_s;

//! The priority of the backend job in flight for reference, as an int; -1 = none.
int inFlight(const SyntheticBackend &backend, Call call, const QString &reference)
{
    const std::optional<Priority> priority = backend.priorityInFlight(call, reference);
    return priority ? int(*priority) : -1;
}

//! A backend with a few tags, and the service over it (no disk cache unless given).
struct ServiceStack
{
    explicit ServiceStack(MetadataCache *cache = nullptr)
        : service(&backend, cache)
    {
        backend.setTags({u"1.0"_s, u"1.1"_s, u"latest"_s});
        // "latest" is "1.1"
        backend.setDigest(u"latest"_s, SyntheticBackend::defaultDigest(u"1.1"_s));
    }
    QString digestOf(const QString &tag) const { return backend.digestOf(tag); }

    SyntheticBackend backend;
    MetadataService service;
};

} // namespace

class TestMetadataService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tagResolvesThenFetchesTheDigest();
    void concurrentCallersShareOneFetch();
    void cancellingOneCallerLeavesTheFetchToTheOthers();
    void theLastCallerToLeaveCancelsTheFetch();
    void sharedFetchRunsAtTheHighestWaiterPriority();
    void memoryAnswersWithoutFetching();
    void diskCacheAnswersALaterSession();
    void resultsWithWarningsAreHandedOutButNotKept();
    void failuresAreNotKept();
    void tagExtrasAreSharedAndRemembered();
    void extrasFromListingPagesAnswerWithoutNetwork();
    void noExtrasWhereTheRegistryKeepsNone();
    // Last: with the bug it guards against, it corrupts the heap (see the test).
    void closingWithRequestsInFlight();
};

void TestMetadataService::tagResolvesThenFetchesTheDigest()
{
    // Given a tag
    ServiceStack stack;
    const QString digest = stack.digestOf(u"1.0"_s);

    // When its metadata is asked for
    const Result<TagMetadata> result
            = waitFor(stack.service.metadata(Repository, u"1.0"_s, Priority::Visible));

    // Then the tag was resolved (HEAD) and its digest fetched, once each, at the priority asked
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
    QCOMPARE(result->tag, u"1.0"_s);
    QCOMPARE(result->digest, digest);
    QVERIFY(result->metadata);
    QCOMPARE(result->metadata->digest, digest);
    QCOMPARE(result->metadata->size, SyntheticBackend::defaultMetadata(digest).size);
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 1);
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 1);
    for (const Call call : {Call::ResolveTag, Call::FetchMetadata}) {
        const QList<SyntheticBackend::JobRecord> ended = stack.backend.endedJobs(call);
        QCOMPARE(ended.size(), 1);
        QCOMPARE(int(ended.constFirst().startPriority), int(Priority::Visible));
    }
    QCOMPARE(stack.service.metadataFetches(), quint64(1));
    QCOMPARE(stack.service.inFlight(), 0);
}

void TestMetadataService::concurrentCallersShareOneFetch()
{
    // Given an image fetch that takes a moment
    ServiceStack stack;
    stack.backend.setLatency(Call::FetchMetadata, 20);
    const QString digest = stack.digestOf(u"1.1"_s);

    // When three callers ask for it at once: twice by digest, once by a tag pointing at it
    Outcome<TagMetadata> first(stack.service.metadata(Repository, digest, Priority::Visible));
    Outcome<TagMetadata> second(stack.service.metadata(Repository, digest, Priority::Prefetch));
    Outcome<TagMetadata> byTag(stack.service.metadata(Repository, u"latest"_s, Priority::Visible));
    QCOMPARE(stack.service.inFlight(), 3);
    QVERIFY(waitUntil([&] { return first.isDone() && second.isDone() && byTag.isDone(); }));

    // Then one fetch answered all three, with the same metadata
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 1);
    QCOMPARE(stack.service.metadataFetches(), quint64(1));
    for (const Outcome<TagMetadata> *outcome : {&first, &second, &byTag}) {
        QVERIFY2(outcome->result().ok(), qPrintable(outcome->result().error().toString()));
        QCOMPARE(outcome->result()->digest, digest);
        QCOMPARE(outcome->result()->metadata.get(), first.result()->metadata.get());
    }
    QCOMPARE(byTag.result()->tag, u"latest"_s);
    QVERIFY(first.result()->tag.isEmpty());
    QCOMPARE(stack.service.inFlight(), 0);
}

void TestMetadataService::cancellingOneCallerLeavesTheFetchToTheOthers()
{
    // Given two callers sharing the fetch of an image
    ServiceStack stack;
    stack.backend.setLatency(Call::FetchMetadata, 20);
    const QString digest = stack.digestOf(u"1.0"_s);
    Outcome<TagMetadata> leaving(stack.service.metadata(Repository, digest, Priority::Visible));
    Outcome<TagMetadata> staying(stack.service.metadata(Repository, digest, Priority::Visible));
    QCOMPARE(stack.backend.inFlight(Call::FetchMetadata), 1);

    // When one of them cancels
    leaving.job()->cancel();

    // Then it ends Cancelled, and the fetch goes on for the other, who gets the metadata
    QCOMPARE(stack.backend.inFlight(Call::FetchMetadata), 1);
    QCOMPARE(stack.backend.cancelledJobs(Call::FetchMetadata), 0);
    QVERIFY(staying.wait());
    QVERIFY(leaving.isDone());
    QCOMPARE(leaving.result().error().code, ErrorCode::Cancelled);
    QVERIFY2(staying.result().ok(), qPrintable(staying.result().error().toString()));
    QCOMPARE(staying.result()->digest, digest);
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 1);
    QCOMPARE(stack.backend.cancelledJobs(), 0);
}

void TestMetadataService::theLastCallerToLeaveCancelsTheFetch()
{
    // Given two callers sharing the fetch of an image
    ServiceStack stack;
    stack.backend.setLatency(Call::FetchMetadata, Held);
    const QString digest = stack.digestOf(u"1.0"_s);
    Outcome<TagMetadata> a(stack.service.metadata(Repository, digest, Priority::Visible));
    Outcome<TagMetadata> b(stack.service.metadata(Repository, digest, Priority::Prefetch));

    // When both cancel
    a.job()->cancel();
    QCOMPARE(stack.backend.cancelledJobs(Call::FetchMetadata), 0);
    b.job()->cancel();

    // Then the fetch is cancelled with the last of them
    QCOMPARE(stack.backend.cancelledJobs(Call::FetchMetadata), 1);
    QCOMPARE(stack.backend.inFlight(Call::FetchMetadata), 0);
    QVERIFY(waitUntil([&] { return a.isDone() && b.isDone(); }));
    QCOMPARE(a.result().error().code, ErrorCode::Cancelled);
    QCOMPARE(b.result().error().code, ErrorCode::Cancelled);
    QVERIFY(!stack.service.knownMetadata(digest));

    // And a later caller starts a fetch of its own
    stack.backend.setLatency(Call::FetchMetadata, 0);
    const Result<TagMetadata> again
            = waitFor(stack.service.metadata(Repository, digest, Priority::Visible));
    QVERIFY2(again.ok(), qPrintable(again.error().toString()));
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 2);
}

void TestMetadataService::sharedFetchRunsAtTheHighestWaiterPriority()
{
    // Given a fetch asked for in the background
    ServiceStack stack;
    stack.backend.setLatency(Call::FetchMetadata, Held);
    const QString digest = stack.digestOf(u"1.0"_s);
    Outcome<TagMetadata> background(
            stack.service.metadata(Repository, digest, Priority::Background));
    QCOMPARE(inFlight(stack.backend, Call::FetchMetadata, digest), int(Priority::Background));

    // When a visible row asks for the same image, the fetch runs at Visible
    Outcome<TagMetadata> visible(stack.service.metadata(Repository, digest, Priority::Visible));
    QCOMPARE(inFlight(stack.backend, Call::FetchMetadata, digest), int(Priority::Visible));

    // When that row leaves, the fetch drops back to Background
    visible.job()->cancel();
    QCOMPARE(inFlight(stack.backend, Call::FetchMetadata, digest), int(Priority::Background));

    // When the remaining caller is raised, the fetch follows
    background.job()->setPriority(Priority::Interactive);
    QCOMPARE(inFlight(stack.backend, Call::FetchMetadata, digest), int(Priority::Interactive));
    QCOMPARE(stack.backend.jobsInFlight(Call::FetchMetadata).constFirst().priorityChanges,
             (QList<Priority>{Priority::Visible, Priority::Background, Priority::Interactive}));
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 1);
}

void TestMetadataService::memoryAnswersWithoutFetching()
{
    // Given an image fetched once
    ServiceStack stack;
    const QString digest = stack.digestOf(u"1.1"_s);
    const Result<TagMetadata> fetched
            = waitFor(stack.service.metadata(Repository, digest, Priority::Visible));
    QVERIFY(fetched.ok());

    // When it is asked for again, by digest and by both of its tags
    const Result<TagMetadata> byDigest
            = waitFor(stack.service.metadata(Repository, digest, Priority::Visible));
    const Result<TagMetadata> byTag
            = waitFor(stack.service.metadata(Repository, u"1.1"_s, Priority::Visible));
    const Result<TagMetadata> byOtherTag
            = waitFor(stack.service.metadata(Repository, u"latest"_s, Priority::Visible));

    // Then memory answers: the tags are resolved (a HEAD each: tags move), nothing is fetched
    for (const Result<TagMetadata> *result : {&byDigest, &byTag, &byOtherTag}) {
        QVERIFY(result->ok());
        QCOMPARE((*result)->metadata.get(), fetched->metadata.get());
    }
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 1);
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 2);
    QCOMPARE(stack.service.knownMetadata(digest).get(), fetched->metadata.get());
}

void TestMetadataService::diskCacheAnswersALaterSession()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"metadata.sqlite"_s);
    const QString digest = SyntheticBackend::defaultDigest(u"1.0"_s);

    // Given an earlier session that looked at tag 1.0 (its own cache object, since closed)
    {
        MetadataCache cache(path);
        QVERIFY(cache.open());
        ServiceStack earlier(&cache);
        const Result<TagMetadata> fetched
                = waitFor(earlier.service.metadata(Repository, u"1.0"_s, Priority::Visible));
        QVERIFY2(fetched.ok(), qPrintable(fetched.error().toString()));
    }

    // When a new session asks for the image
    MetadataCache cache(path);
    QVERIFY(cache.open());
    ServiceStack later(&cache);
    const Result<TagMetadata> result
            = waitFor(later.service.metadata(Repository, digest, Priority::Visible));

    // Then the disk cache answers, without a fetch, and knows the tag
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
    QCOMPARE(result->metadata->digest, digest);
    QCOMPARE(result->metadata->size, SyntheticBackend::defaultMetadata(digest).size);
    QCOMPARE(later.backend.calls(Call::FetchMetadata), 0);
    QCOMPARE(later.service.knownTags(Repository).value(u"1.0"_s), digest);
    QVERIFY(later.service.knownTagsVerifiedAt(Repository).isValid());
    QVERIFY(later.service.knownMetadata(digest));
    QVERIFY(!later.service.knownMetadata(SyntheticBackend::defaultDigest(u"1.1"_s)));
}

void TestMetadataService::resultsWithWarningsAreHandedOutButNotKept()
{
    // Given an image one of whose platforms could not be read
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MetadataCache cache(dir.filePath(u"metadata.sqlite"_s));
    QVERIFY(cache.open());
    ServiceStack stack(&cache);
    const QString digest = stack.digestOf(u"1.0"_s);
    ImageMetadata partial = SyntheticBackend::defaultMetadata(digest);
    partial.warnings = {u"platform linux/s390x: manifest unknown"_s};
    stack.backend.setMetadata(partial);

    // When it is asked for
    const Result<TagMetadata> first
            = waitFor(stack.service.metadata(Repository, digest, Priority::Visible));

    // Then the caller gets it with the warning, but neither memory nor disk keeps it
    QVERIFY(first.ok());
    QCOMPARE(first->metadata->warnings, partial.warnings);
    QVERIFY(!stack.service.knownMetadata(digest));
    cache.flush();
    QVERIFY(!cache.metadata(digest));

    // And a later look fetches again, so it can recover
    stack.backend.setMetadata(SyntheticBackend::defaultMetadata(digest));
    const Result<TagMetadata> second
            = waitFor(stack.service.metadata(Repository, digest, Priority::Visible));
    QVERIFY(second.ok());
    QVERIFY(second->metadata->warnings.isEmpty());
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 2);
    QVERIFY(stack.service.knownMetadata(digest));
    cache.flush();
    QVERIFY(cache.metadata(digest));
}

void TestMetadataService::failuresAreNotKept()
{
    // Given an image the registry fails to serve, and a tag it does not know
    ServiceStack stack;
    const QString digest = stack.digestOf(u"1.0"_s);
    stack.backend.failDigest(digest, Error(ErrorCode::Server, u"internal error"_s, 500));

    // When they are asked for, the callers get the errors
    const Result<TagMetadata> failed
            = waitFor(stack.service.metadata(Repository, u"1.0"_s, Priority::Visible));
    QCOMPARE(failed.error().code, ErrorCode::Server);
    const Result<TagMetadata> unknown
            = waitFor(stack.service.metadata(Repository, u"2.0"_s, Priority::Visible));
    QCOMPARE(unknown.error().code, ErrorCode::NotFound);
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 1); // no fetch for an unknown tag
    QCOMPARE(stack.service.inFlight(), 0);

    // When the registry recovers, the next look fetches again
    stack.backend.clearFailures();
    const Result<TagMetadata> recovered
            = waitFor(stack.service.metadata(Repository, u"1.0"_s, Priority::Visible));
    QVERIFY2(recovered.ok(), qPrintable(recovered.error().toString()));
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 2);
}

void TestMetadataService::tagExtrasAreSharedAndRemembered()
{
    // Given a registry with extras per tag whose fetch takes a moment
    ServiceStack stack;
    stack.backend.setHasTagExtras(true);
    stack.backend.setLatency(Call::FetchTagExtras, 20);
    TagExtras scripted = stack.backend.defaultExtras(u"1.0"_s);
    scripted.labels = {HarborLabel{u"release"_s, u"#00ff00"_s, {}}};
    stack.backend.setExtras(u"1.0"_s, scripted);
    QVERIFY(stack.service.hasTagExtras());

    // When two callers ask for a tag's extras at once
    Outcome<TagExtras> a(stack.service.tagExtras(Repository, u"1.0"_s, Priority::Visible));
    Outcome<TagExtras> b(stack.service.tagExtras(Repository, u"1.0"_s, Priority::Prefetch));
    QVERIFY(waitUntil([&] { return a.isDone() && b.isDone(); }));

    // Then one request answered both
    QCOMPARE(stack.backend.calls(Call::FetchTagExtras), 1);
    QCOMPARE(int(stack.backend.endedJobs(Call::FetchTagExtras).constFirst().priority),
             int(Priority::Visible));
    QVERIFY(a.result().ok() && b.result().ok());
    QCOMPARE(*a.result(), scripted);
    QCOMPARE(*b.result(), scripted);
    QCOMPARE(stack.service.extrasFetches(), quint64(1));

    // When they are asked for again, memory answers
    const Result<TagExtras> again
            = waitFor(stack.service.tagExtras(Repository, u"1.0"_s, Priority::Visible));
    QVERIFY(again.ok());
    QCOMPARE(again->labelNames(), QStringList{u"release"_s});
    QCOMPARE(stack.backend.calls(Call::FetchTagExtras), 1);

    // And a failure is handed out, not remembered
    stack.backend.failExtras(u"1.1"_s, Error(ErrorCode::Server, u"internal error"_s, 500));
    QCOMPARE(waitFor(stack.service.tagExtras(Repository, u"1.1"_s, Priority::Visible)).error().code,
             ErrorCode::Server);
    stack.backend.clearFailures();
    QVERIFY(waitFor(stack.service.tagExtras(Repository, u"1.1"_s, Priority::Visible)).ok());
    QCOMPARE(stack.backend.calls(Call::FetchTagExtras), 3);
}

void TestMetadataService::extrasFromListingPagesAnswerWithoutNetwork()
{
    // Given extras a listing page brought along
    ServiceStack stack;
    stack.backend.setHasTagExtras(true);
    TagExtras listed = stack.backend.defaultExtras(u"1.1"_s);
    listed.immutable = true;
    listed.immutableKnown = true;
    stack.service.rememberExtras(Repository, {{u"1.1"_s, listed}});

    // When a tag's extras are asked for, they come from memory
    const Result<TagExtras> result
            = waitFor(stack.service.tagExtras(Repository, u"1.1"_s, Priority::Visible));
    QVERIFY(result.ok());
    QCOMPARE(*result, listed);
    QCOMPARE(stack.backend.calls(Call::FetchTagExtras), 0);
    QCOMPARE(stack.service.extrasFetches(), quint64(0));

    // Per repository: another repository's tag of that name is asked of the server
    QVERIFY(waitFor(stack.service.tagExtras(u"team/other"_s, u"1.1"_s, Priority::Visible)).ok());
    QCOMPARE(stack.backend.calls(Call::FetchTagExtras), 1);

    // When the listing starts over, what it brought is forgotten
    stack.service.forgetExtras(Repository);
    QVERIFY(waitFor(stack.service.tagExtras(Repository, u"1.1"_s, Priority::Visible)).ok());
    QCOMPARE(stack.backend.calls(Call::FetchTagExtras), 2);
}

void TestMetadataService::noExtrasWhereTheRegistryKeepsNone()
{
    // Given a plain registry
    ServiceStack stack;
    QVERIFY(!stack.service.hasTagExtras());

    // When extras are asked for, the answer is Unsupported, and no request is made
    const Result<TagExtras> result
            = waitFor(stack.service.tagExtras(Repository, u"1.0"_s, Priority::Visible));
    QCOMPARE(result.error().code, ErrorCode::Unsupported);
    QCOMPARE(stack.backend.calls(Call::FetchTagExtras), 0);
}

void TestMetadataService::closingWithRequestsInFlight()
{
    // Given a service with requests in flight: two callers sharing an image fetch, and a tag
    // lookup, none of them cancelled by their callers
    SyntheticBackend backend;
    backend.setTags({u"1.0"_s});
    backend.setLatency(Call::ResolveTag, Held);
    backend.setLatency(Call::FetchMetadata, Held);
    auto service = std::make_unique<MetadataService>(&backend, nullptr);
    const QString digest = backend.digestOf(u"1.0"_s);
    const QPointer<ResultJob<TagMetadata>> first
            = service->metadata(Repository, digest, Priority::Visible);
    const QPointer<ResultJob<TagMetadata>> second
            = service->metadata(Repository, digest, Priority::Prefetch);
    const QPointer<ResultJob<TagMetadata>> byTag
            = service->metadata(Repository, u"1.0"_s, Priority::Visible);
    int answers = 0;
    QObject context;
    for (ResultJob<TagMetadata> *job : {first.data(), second.data(), byTag.data()})
        job->onFinished(&context, [&answers](const Result<TagMetadata> &) { ++answers; });

    // When the session closes (RegistrySession deletes the service before the backend)
    service.reset();

    // Then the jobs went with it, emitting nothing, and what they waited on was cancelled.
    // (A waiter of a shared fetch that leaves it after the fetches were destroyed reads freed
    // memory: valgrind or ASan report it; a plain run corrupts the heap.)
    QVERIFY(!first && !second && !byTag);
    QCOMPARE(backend.inFlight(), 0);
    QCOMPARE(backend.cancelledJobs(Call::FetchMetadata), 1);
    QCOMPARE(backend.cancelledJobs(Call::ResolveTag), 1);
    runPendingEvents();
    QCOMPARE(answers, 0);
}

} // namespace Berth::Test

QTEST_MAIN(Berth::Test::TestMetadataService)
#include "tst_metadataservice.moc"
