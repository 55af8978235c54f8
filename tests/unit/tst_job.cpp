// The promises of the Job base (net/core/job.h) that every call into net/ relies on: finished()
// once and from the event loop, cancel() and setPriority() reaching the sub-jobs a job awaits
// but not those it only follows, and the ends of jobs destroyed unfinished.

#include "jobwait.h"
#include "net/core/job.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace Berth;
using Berth::Test::waitFor;

namespace {

//! What a LeafJob was asked and how it ended; lives in the test function, so it outlives the job
//! (which deletes itself once finished).
struct Probe
{
    int cancels = 0;
    QList<Priority> priorityChanges;
    std::optional<Result<int>> result; //!< set when finished() came
    int finishedCount = 0;
};

//! A job the test ends by hand (finish()), standing for a request or any other leaf of work.
class LeafJob final : public ResultJob<int>
{
public:
    LeafJob(Probe *probe, QObject *parent, Priority priority = Priority::Background)
        : ResultJob<int>(priority, parent)
        , m_probe(probe)
    {
        onFinished(this, [probe](const Result<int> &result) {
            probe->result = result;
            ++probe->finishedCount;
        });
    }
    using ResultJob<int>::finish;

protected:
    void onCancel() override { ++m_probe->cancels; }
    void onPriorityChanged(Priority priority) override
    {
        m_probe->priorityChanges.append(priority);
    }

private:
    Probe *m_probe;
};

//! A job that awaits a sub-job of its own and follows one shared with others; continued tells
//! whether either continuation ran.
struct AwaitingAndFollowing
{
    AwaitingAndFollowing()
    {
        parent->await(awaited, [this](const Result<int> &) { continued = true; });
        parent->follow(followed.data(), [this](const Result<int> &) { continued = true; });
    }

    Probe awaitedProbe;
    Probe followedProbe;
    QObject owner;
    Task<QString> *parent = new Task<QString>(Priority::Visible, &owner);
    LeafJob *awaited = new LeafJob(&awaitedProbe, &owner);
    QPointer<LeafJob> followed = new LeafJob(&followedProbe, &owner);
    bool continued = false;
};

} // namespace

class TestJob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void finishedComesOnceFromTheEventLoop();
    void answersFromMemoryComeFromTheEventLoop();
    void stepsEndingInAContinuationCostNoExtraTurn();
    void cancelEndsWithCancelledOnce();
    void cancelStopsAwaitedNotFollowed();
    void finishingStopsAwaitedStillRunning();
    void setPriorityReachesAwaitedNotFollowed();
    void destroyedSubJobEndsItsParentWithCancelled_data();
    void destroyedSubJobEndsItsParentWithCancelled();
    void finishedSubJobGoingAwayDoesNotEndItsParent();
    void destroyedJobStopsAwaitedAndEmitsNothing();
    void onFinishedSkipsDeadContext();
};

void TestJob::finishedComesOnceFromTheEventLoop()
{
    // Given a job someone listens to
    Probe probe;
    QObject owner;
    auto *job = new LeafJob(&probe, &owner);
    QPointer<LeafJob> guard(job);
    QSignalSpy spy(job, &Job::finished);

    // When it is finished, then finished again, then cancelled
    job->finish(7);
    job->finish(8);
    job->cancel();

    // Then it has ended with the first outcome at once, but says so only from the event loop
    QVERIFY(job->isFinished());
    QVERIFY(!job->error().isError());
    QCOMPARE(job->result().value(), 7);
    QCOMPARE(spy.count(), 0);
    QCOMPARE(probe.finishedCount, 0);
    QVERIFY(spy.wait(5000));

    // And exactly once, with that outcome, and the job deletes itself; a late cancel() was
    // not passed on
    QTRY_VERIFY(guard.isNull());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(probe.finishedCount, 1);
    QVERIFY(probe.result && probe.result->ok());
    QCOMPARE(probe.result->value(), 7);
    QCOMPARE(probe.cancels, 0);
}

void TestJob::answersFromMemoryComeFromTheEventLoop()
{
    // Given an answer known at once and a refused input
    QObject owner;
    ResultJob<int> *known = finishedJob<int>(5, &owner);
    ResultJob<int> *refused
            = failedJob<int>(Error(ErrorCode::InvalidInput, u"not a tag"_s), &owner);
    QSignalSpy knownSpy(known, &Job::finished);
    QSignalSpy refusedSpy(refused, &Job::finished);

    // Then both are jobs like any other: ended, but finished() is still to come, so a caller
    // connecting after the call does not miss it
    QVERIFY(known->isFinished());
    QVERIFY(refused->isFinished());
    QCOMPARE(knownSpy.count(), 0);
    QCOMPARE(refusedSpy.count(), 0);
    std::optional<Result<int>> knownResult;
    std::optional<Result<int>> refusedResult;
    QObject context;
    known->onFinished(&context, [&knownResult](const Result<int> &r) { knownResult = r; });
    refused->onFinished(&context, [&refusedResult](const Result<int> &r) { refusedResult = r; });
    QTRY_VERIFY(knownResult && refusedResult);
    QCOMPARE(knownSpy.count(), 1);
    QCOMPARE(refusedSpy.count(), 1);
    QVERIFY(knownResult->ok());
    QCOMPARE(knownResult->value(), 5);
    QCOMPARE(refusedResult->error().code, ErrorCode::InvalidInput);
    QCOMPARE(refusedResult->error().message, u"not a tag"_s);
}

void TestJob::stepsEndingInAContinuationCostNoExtraTurn()
{
    // Given a job of three steps, each ending in the continuation of the one before
    Probe probe;
    QObject owner;
    auto *leaf = new LeafJob(&probe, &owner);
    auto *middle = new Task<int>(Priority::Visible, &owner);
    auto *outer = new Task<int>(Priority::Visible, &owner);
    middle->await(leaf, [middle](const Result<int> &r) { middle->finish(r.value() + 1); });
    outer->await(middle, [outer](const Result<int> &r) { outer->finish(r.value() + 1); });
    QSignalSpy leafSpy(leaf, &Job::finished);
    QSignalSpy outerSpy(outer, &Job::finished);

    // When the leaf ends, and the event loop turns once (events posted while a turn runs wait
    // for the next one)
    leaf->finish(1);
    QCOMPARE(outerSpy.count(), 0);
    QCoreApplication::sendPostedEvents();

    // Then the whole chain has announced its end in that turn, with the steps' outcome
    QCOMPARE(leafSpy.count(), 1);
    QCOMPARE(outerSpy.count(), 1);
    QCOMPARE(outer->result().value(), 3);
}

void TestJob::cancelEndsWithCancelledOnce()
{
    // Given a running job
    Probe probe;
    QObject owner;
    auto *job = new LeafJob(&probe, &owner);
    QSignalSpy spy(job, &Job::finished);

    // When it is cancelled twice, and its work then reports a result anyway
    job->cancel();
    job->cancel();
    job->finish(3);

    // Then it asked its work to stop once, ended with Cancelled at once, and finished() came
    // once, from the event loop, with Cancelled (the late result is dropped)
    QCOMPARE(probe.cancels, 1);
    QVERIFY(job->isFinished());
    QCOMPARE(job->error().code, ErrorCode::Cancelled);
    QCOMPARE(job->result().error().code, ErrorCode::Cancelled);
    QCOMPARE(spy.count(), 0);
    QVERIFY(spy.wait(5000));
    QTest::qWait(20);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(probe.finishedCount, 1);
    QCOMPARE(probe.result->error().code, ErrorCode::Cancelled);
}

void TestJob::cancelStopsAwaitedNotFollowed()
{
    // Given a job that awaits its own sub-job and follows one shared with others
    AwaitingAndFollowing given;

    // When the job is cancelled
    given.parent->cancel();

    // Then its own sub-job is cancelled with it, the shared one goes on
    QCOMPARE(given.awaitedProbe.cancels, 1);
    QVERIFY(given.awaited->isFinished());
    QCOMPARE(given.awaited->error().code, ErrorCode::Cancelled);
    QCOMPARE(given.followedProbe.cancels, 0);
    QVERIFY(!given.followed->isFinished());
    const Result<QString> result = waitFor(given.parent, 5000);
    QCOMPARE(result.error().code, ErrorCode::Cancelled);
    QCOMPARE(given.awaitedProbe.finishedCount, 1);
    QCOMPARE(given.awaitedProbe.result->error().code, ErrorCode::Cancelled);

    // And when the shared one ends normally, a finished job does not continue
    QVERIFY(given.followed);
    given.followed->finish(1);
    const Result<int> shared = waitFor(given.followed.data(), 5000);
    QVERIFY(shared.ok());
    QCOMPARE(shared.value(), 1);
    QVERIFY(!given.continued);
}

void TestJob::finishingStopsAwaitedStillRunning()
{
    // Given a job awaiting two sub-jobs and following a third, which is done after the first
    Probe firstProbe;
    Probe secondProbe;
    Probe followedProbe;
    QObject owner;
    auto *parent = new Task<QString>(Priority::Visible, &owner);
    auto *first = new LeafJob(&firstProbe, &owner);
    auto *second = new LeafJob(&secondProbe, &owner);
    QPointer<LeafJob> followed = new LeafJob(&followedProbe, &owner);
    parent->await(first, [parent](const Result<int> &r) {
        parent->finish(u"first said %1"_s.arg(r.value()));
    });
    bool secondContinued = false;
    parent->await(second, [&secondContinued](const Result<int> &) { secondContinued = true; });
    parent->follow(followed.data(), [](const Result<int> &) {});

    // When the first answers
    first->finish(1);
    const Result<QString> result = waitFor(parent, 5000);

    // Then the job ends with the continuation's result, the sub-job it no longer needs is
    // cancelled, and the shared one is left alone
    QVERIFY(result.ok());
    QCOMPARE(result.value(), u"first said 1"_s);
    QCOMPARE(firstProbe.cancels, 0);
    QCOMPARE(secondProbe.cancels, 1);
    QTRY_COMPARE(secondProbe.finishedCount, 1);
    QCOMPARE(secondProbe.result->error().code, ErrorCode::Cancelled);
    QVERIFY(!secondContinued);
    QVERIFY(followed);
    QVERIFY(!followed->isFinished());
    QCOMPARE(followedProbe.cancels, 0);
}

void TestJob::setPriorityReachesAwaitedNotFollowed()
{
    // Given a Visible job awaiting a Background sub-job and a step that itself awaits a leaf,
    // and following a shared Background job
    Probe awaitedProbe;
    Probe leafProbe;
    Probe followedProbe;
    QObject owner;
    auto *parent = new Task<QString>(Priority::Visible, &owner);
    QPointer<LeafJob> awaited = new LeafJob(&awaitedProbe, &owner);
    auto *step = new Task<int>(Priority::Background, &owner);
    auto *leaf = new LeafJob(&leafProbe, &owner);
    auto *followed = new LeafJob(&followedProbe, &owner);
    step->await(leaf, [](const Result<int> &) {});
    parent->await(awaited.data(), [](const Result<int> &) {});
    parent->await(step, [](const Result<int> &) {});
    parent->follow(followed, [](const Result<int> &) {});

    // Then what it awaits runs at its priority from the start, through every level
    QCOMPARE(awaited->priority(), Priority::Visible);
    QCOMPARE(step->priority(), Priority::Visible);
    QCOMPARE(leaf->priority(), Priority::Visible);
    QCOMPARE(followed->priority(), Priority::Background);

    // When it is re-prioritised (twice to the same value)
    parent->setPriority(Priority::Interactive);
    parent->setPriority(Priority::Interactive);

    // Then the change reaches every awaited job once, the shared one not at all
    QCOMPARE(parent->priority(), Priority::Interactive);
    QCOMPARE(awaited->priority(), Priority::Interactive);
    QCOMPARE(leaf->priority(), Priority::Interactive);
    QCOMPARE(awaitedProbe.priorityChanges, (QList{Priority::Visible, Priority::Interactive}));
    QCOMPARE(leafProbe.priorityChanges, (QList{Priority::Visible, Priority::Interactive}));
    QCOMPARE(followed->priority(), Priority::Background);
    QVERIFY(followedProbe.priorityChanges.isEmpty());

    // And a sub-job that already finished is no longer moved
    awaited->finish(1);
    QTRY_COMPARE(awaitedProbe.finishedCount, 1);
    parent->setPriority(Priority::Prefetch);
    QCOMPARE(leaf->priority(), Priority::Prefetch);
    QCOMPARE(awaitedProbe.priorityChanges, (QList{Priority::Visible, Priority::Interactive}));

    // And a finished job keeps its priority
    parent->cancel();
    parent->setPriority(Priority::Background);
    QCOMPARE(parent->priority(), Priority::Prefetch);
}

void TestJob::destroyedSubJobEndsItsParentWithCancelled_data()
{
    QTest::addColumn<bool>("awaited");
    QTest::newRow("awaited") << true;
    QTest::newRow("followed") << false;
}

void TestJob::destroyedSubJobEndsItsParentWithCancelled()
{
    QFETCH(bool, awaited);
    // Given a job waiting on a sub-job
    Probe probe;
    QObject owner;
    auto *parent = new Task<QString>(Priority::Visible, &owner);
    auto *child = new LeafJob(&probe, &owner);
    bool continued = false;
    const auto next = [&continued](const Result<int> &) {
        continued = true;
    };
    if (awaited)
        parent->await(child, next);
    else
        parent->follow(child, next);
    QSignalSpy spy(parent, &Job::finished);

    // When the sub-job is destroyed before it finished (its own parent went)
    delete child;

    // Then the job cannot go on: it ends with Cancelled, from the event loop, without its
    // continuation, and the sub-job emitted nothing
    QVERIFY(parent->isFinished());
    QCOMPARE(parent->error().code, ErrorCode::Cancelled);
    QCOMPARE(spy.count(), 0);
    const Result<QString> result = waitFor(parent, 5000);
    QCOMPARE(result.error().code, ErrorCode::Cancelled);
    QVERIFY(!continued);
    QCOMPARE(probe.finishedCount, 0);
}

void TestJob::finishedSubJobGoingAwayDoesNotEndItsParent()
{
    // Given a job of two steps
    Probe firstProbe;
    Probe secondProbe;
    QObject owner;
    auto *parent = new Task<int>(Priority::Visible, &owner);
    QPointer<LeafJob> first = new LeafJob(&firstProbe, &owner);
    auto *second = new LeafJob(&secondProbe, &owner);
    int sum = 0;
    parent->await(first.data(), [&sum](const Result<int> &r) { sum += r.value(); });
    parent->await(second,
                  [parent, &sum](const Result<int> &r) { parent->finish(sum + r.value()); });

    // When the first step finished and, as every finished job does, deleted itself
    first->finish(2);
    QTRY_VERIFY(first.isNull());

    // Then the job is still running, and ends with the second step
    QVERIFY(!parent->isFinished());
    second->finish(3);
    const Result<int> result = waitFor(parent, 5000);
    QVERIFY2(result.ok(), qPrintable(result.error().message));
    QCOMPARE(result.value(), 5);
}

void TestJob::destroyedJobStopsAwaitedAndEmitsNothing()
{
    // Given a job awaiting one sub-job and following another
    AwaitingAndFollowing given;
    QSignalSpy spy(given.parent, &Job::finished);
    int delivered = 0;
    QObject context;
    given.parent->onFinished(&context, [&delivered](const Result<QString> &) { ++delivered; });

    // When the job is destroyed unfinished (its parent went)
    delete given.parent;

    // Then its own sub-job stops (and ends with Cancelled), the shared one goes on, and the
    // destroyed job announced nothing
    QCOMPARE(given.awaitedProbe.cancels, 1);
    QTRY_COMPARE(given.awaitedProbe.finishedCount, 1);
    QCOMPARE(given.awaitedProbe.result->error().code, ErrorCode::Cancelled);
    QVERIFY(given.followed);
    QVERIFY(!given.followed->isFinished());
    QCOMPARE(given.followedProbe.cancels, 0);
    QCOMPARE(spy.count(), 0);
    QCOMPARE(delivered, 0);
    QVERIFY(!given.continued);
}

void TestJob::onFinishedSkipsDeadContext()
{
    // Given two listeners, one of which goes away before the job finishes
    Probe probe;
    QObject owner;
    auto *job = new LeafJob(&probe, &owner);
    int late = 0;
    std::optional<Result<int>> seen;
    auto gone = std::make_unique<QObject>();
    QObject alive;
    job->onFinished(gone.get(), [&late](const Result<int> &) { ++late; });
    job->onFinished(&alive, [&seen](const Result<int> &r) { seen = r; });
    gone.reset();

    // When it finishes
    job->finish(4);
    QTRY_VERIFY(seen);

    // Then only the living one heard of it
    QCOMPARE(seen->value(), 4);
    QCOMPARE(late, 0);
}

QTEST_GUILESS_MAIN(TestJob)
#include "tst_job.moc"
