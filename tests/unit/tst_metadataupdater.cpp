// MetadataUpdater's policy: what it asks the metadata service for, at which priority, and what
// it cancels or demotes, as the view scrolls, sorts and filters. Against a SyntheticBackend whose
// jobs report their priority; "held" jobs stay in flight so the test can look at them.

#include "syntheticstack.h"

#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace Qt::StringLiterals;

namespace Berth::Test {

namespace {

using Call = SyntheticBackend::Call;
using LoadState = TagTableModel::LoadState;

//! The priority of the job in flight for tag, as an int for readable failures; -1 = none.
int inFlight(const SyntheticBackend &backend, Call call, const QString &tag)
{
    const std::optional<Priority> priority = backend.priorityInFlight(call, tag);
    return priority ? int(*priority) : -1;
}

//! The record of the job in flight for tag.
SyntheticBackend::JobRecord recordInFlight(const SyntheticBackend &backend, Call call,
                                           const QString &tag)
{
    const QList<SyntheticBackend::JobRecord> jobs = backend.jobsInFlight(call);
    for (const SyntheticBackend::JobRecord &job : jobs) {
        if (job.reference == tag)
            return job;
    }
    return {};
}

//! Checks that exactly rows [windowFirst, windowLast] of stack's model are in flight for call:
//! [first, last] at Visible, the rest at Prefetch.
void verifyWindow(const SyntheticStack &stack, Call call, int first, int last, int windowFirst,
                  int windowLast)
{
    QCOMPARE(stack.backend.inFlight(call), windowLast - windowFirst + 1);
    for (int row = windowFirst; row <= windowLast; ++row) {
        const Priority expected
                = row >= first && row <= last ? Priority::Visible : Priority::Prefetch;
        QCOMPARE(inFlight(stack.backend, call, stack.tagAt(row)), int(expected));
    }
}

//! Lists count generated tags whose lookups then stay in flight, so the test sees them.
bool listWithLookupsHeld(SyntheticStack &stack, int count)
{
    stack.backend.setGeneratedTags(count);
    stack.backend.setLatency(Call::ResolveTag, Held);
    stack.checkModel();
    return stack.listAll();
}

QList<int> range(int first, int last)
{
    QList<int> rows;
    for (int row = first; row <= last; ++row)
        rows.append(row);
    return rows;
}

} // namespace

class TestMetadataUpdater : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void visibleRowsAndOneScreenAround_data();
    void visibleRowsAndOneScreenAround();
    void scrollingCancelsRowsThatLeftTheWindow();
    void fullLoadKeepsRowsItPassedOver();
    void loadAllWalksEveryRowWithBoundedConcurrency();
    void retryRowAsksAgainAtInteractive();
    void tagsSharingADigestCostOneFetch();
    void windowFollowsAProxyOrder();
    void sameRangeAfterAResortAsksForTheNewRows();
    void harborExtrasForTheWindowOnly();
    void harborExtrasFromListingPagesAreNotAskedFor();
};

void TestMetadataUpdater::visibleRowsAndOneScreenAround_data()
{
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("last");
    QTest::addColumn<int>("windowFirst");
    QTest::addColumn<int>("windowLast");
    QTest::newRow("middle") << 40 << 59 << 20 << 79;
    QTest::newRow("top") << 0 << 19 << 0 << 39;
    QTest::newRow("bottom") << 290 << 299 << 280 << 299;
}

void TestMetadataUpdater::visibleRowsAndOneScreenAround()
{
    QFETCH(int, first);
    QFETCH(int, last);
    QFETCH(int, windowFirst);
    QFETCH(int, windowLast);

    // Given 300 listed tags whose lookups stay in flight
    SyntheticStack stack;
    QVERIFY(listWithLookupsHeld(stack, 300));
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 0);

    // When the view shows rows first..last
    stack.updater()->setVisibleRange(first, last);

    // Then those are asked for at Visible, one screen above and below at Prefetch, nothing else
    verifyWindow(stack, Call::ResolveTag, first, last, windowFirst, windowLast);
    QCOMPARE(stack.updater()->requestsInFlight(), windowLast - windowFirst + 1);
    QCOMPARE(stack.updater()->visibleRows(), range(first, last));
    QCOMPARE(stack.model.rowsInState(LoadState::Loading), windowLast - windowFirst + 1);
    QCOMPARE(stack.stateOf(windowFirst), LoadState::Loading);
    if (windowFirst > 0)
        QCOMPARE(stack.stateOf(windowFirst - 1), LoadState::NotLoaded);
    if (windowLast < 299)
        QCOMPARE(stack.stateOf(windowLast + 1), LoadState::NotLoaded);
}

void TestMetadataUpdater::scrollingCancelsRowsThatLeftTheWindow()
{
    // Given rows 40..59 on screen, their window (20..79) in flight
    SyntheticStack stack;
    QVERIFY(listWithLookupsHeld(stack, 600));
    stack.updater()->setVisibleRange(40, 59);
    QCOMPARE(stack.backend.inFlight(Call::ResolveTag), 60);

    // When the view scrolls by half a screen (rows 50..69, window 30..89)
    stack.updater()->setVisibleRange(50, 69);

    // Then rows 20..29 are cancelled (at the priority they had), 60..69 are promoted, 80..89
    // are new at Prefetch
    QCOMPARE(stack.backend.cancelledJobs(Call::ResolveTag), 10);
    const QList<SyntheticBackend::JobRecord> ended = stack.backend.endedJobs(Call::ResolveTag);
    QSet<QString> cancelled;
    for (const SyntheticBackend::JobRecord &job : ended) {
        QVERIFY(job.cancelled);
        QCOMPARE(int(job.priority), int(Priority::Prefetch));
        cancelled.insert(job.reference);
    }
    QSet<QString> left;
    for (int row = 20; row < 30; ++row) {
        left.insert(stack.tagAt(row));
        QCOMPARE(stack.stateOf(row), LoadState::NotLoaded);
    }
    QCOMPARE(cancelled, left);
    QCOMPARE(stack.backend.inFlight(Call::ResolveTag), 60);
    for (int row = 50; row < 70; ++row)
        QCOMPARE(inFlight(stack.backend, Call::ResolveTag, stack.tagAt(row)),
                 int(Priority::Visible));
    for (int row = 80; row < 90; ++row)
        QCOMPARE(inFlight(stack.backend, Call::ResolveTag, stack.tagAt(row)),
                 int(Priority::Prefetch));
    // Rows 30..49, now the margin above, keep their requests (40..49 at the priority they
    // were asked at: the updater raises priorities, it does not lower them)
    for (int row = 30; row < 50; ++row)
        QVERIFY(inFlight(stack.backend, Call::ResolveTag, stack.tagAt(row))
                >= int(Priority::Prefetch));
    QCOMPARE(recordInFlight(stack.backend, Call::ResolveTag, stack.tagAt(60)).priorityChanges,
             QList<Priority>{Priority::Visible});
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 70);

    // When it jumps far (rows 500..519)
    stack.updater()->setVisibleRange(500, 519);

    // Then everything of the old window is cancelled, and only the new window is in flight
    QCOMPARE(stack.backend.cancelledJobs(Call::ResolveTag), 70);
    verifyWindow(stack, Call::ResolveTag, 500, 519, 480, 539);
    QCOMPARE(stack.model.rowsInState(LoadState::Loading), 60);
}

void TestMetadataUpdater::fullLoadKeepsRowsItPassedOver()
{
    // Given rows 0..19 on screen (window 0..39 in flight) and then a full load, which passes
    // over the rows already in flight and asks for 40.. at Background
    SyntheticStack stack;
    QVERIFY(listWithLookupsHeld(stack, 1000));
    stack.updater()->setVisibleRange(0, 19);
    stack.updater()->loadAll();
    QVERIFY(stack.updater()->isLoadingAll());
    const int concurrency = MetadataUpdater::LoadAllConcurrency;
    QCOMPARE(stack.backend.inFlight(Call::ResolveTag), 40 + concurrency);
    QCOMPARE(inFlight(stack.backend, Call::ResolveTag, stack.tagAt(40)), int(Priority::Background));
    QCOMPARE(inFlight(stack.backend, Call::ResolveTag, stack.tagAt(40 + concurrency)), -1);

    // When the view scrolls far away (rows 500..519)
    stack.updater()->setVisibleRange(500, 519);

    // Then the rows the full load passed over are demoted to Background, not cancelled: the
    // full load would otherwise never get them
    QCOMPARE(stack.backend.cancelledJobs(Call::ResolveTag), 0);
    for (int row = 0; row < 40; ++row)
        QCOMPARE(inFlight(stack.backend, Call::ResolveTag, stack.tagAt(row)),
                 int(Priority::Background));
    QCOMPARE(recordInFlight(stack.backend, Call::ResolveTag, stack.tagAt(0)).priorityChanges,
             QList<Priority>{Priority::Background});
    QCOMPARE(stack.backend.inFlight(Call::ResolveTag), 40 + concurrency + 60);
    QCOMPARE(inFlight(stack.backend, Call::ResolveTag, stack.tagAt(510)), int(Priority::Visible));

    // When the view goes back to the top
    stack.updater()->setVisibleRange(0, 19);

    // Then rows the full load has not reached yet (480..539) are cancelled: it asks for them
    // itself when it gets there; the top rows are promoted again
    QCOMPARE(stack.backend.cancelledJobs(Call::ResolveTag), 60);
    QCOMPARE(inFlight(stack.backend, Call::ResolveTag, stack.tagAt(510)), -1);
    QCOMPARE(recordInFlight(stack.backend, Call::ResolveTag, stack.tagAt(0)).priorityChanges,
             (QList<Priority>{Priority::Background, Priority::Visible}));
    QCOMPARE(recordInFlight(stack.backend, Call::ResolveTag, stack.tagAt(30)).priorityChanges,
             (QList<Priority>{Priority::Background, Priority::Prefetch}));

    // When the full load is cancelled, its own requests go; the screen's stay
    stack.updater()->cancelLoadAll();
    QVERIFY(!stack.updater()->isLoadingAll());
    QCOMPARE(stack.backend.cancelledJobs(Call::ResolveTag), 60 + concurrency);
    verifyWindow(stack, Call::ResolveTag, 0, 19, 0, 39);
}

void TestMetadataUpdater::loadAllWalksEveryRowWithBoundedConcurrency()
{
    // Given 450 tags (several pages, only the first listed yet) and short latencies
    SyntheticStack stack;
    stack.backend.setGeneratedTags(450);
    stack.backend.setLatency(Call::ResolveTag, 1);
    stack.backend.setLatency(Call::FetchMetadata, 1);
    stack.checkModel();
    stack.model.setRepository(&stack.service, syntheticRepository());
    int mostInFlight = 0;
    connect(&stack.backend, &SyntheticBackend::jobStarted, this, [&] {
        mostInFlight = std::max(mostInFlight,
                                stack.backend.inFlight() - stack.backend.inFlight(Call::ListPage));
    });
    QList<QPair<int, int>> progress;
    bool loadingAtLastReport = true;
    connect(stack.updater(), &MetadataUpdater::loadAllProgress, this, [&](int done, int total) {
        progress.append({done, total});
        loadingAtLastReport = stack.updater()->isLoadingAll();
    });

    // When every row's metadata is asked for
    stack.updater()->loadAll();
    QVERIFY(stack.updater()->isLoadingAll());
    QVERIFY(waitUntil([&] { return !stack.updater()->isLoadingAll(); }));

    // Then every page was listed and every row loaded, at Background, with the bound kept
    // (and used)
    QVERIFY(stack.model.isAtEnd());
    QCOMPARE(stack.model.rowCount(), 450);
    QCOMPARE(stack.model.rowsInState(LoadState::Loaded), 450);
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 450);
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 450);
    QCOMPARE(stack.backend.maxInFlight(Call::ResolveTag), MetadataUpdater::LoadAllConcurrency);
    QVERIFY(mostInFlight <= MetadataUpdater::LoadAllConcurrency);
    const QList<SyntheticBackend::JobRecord> ended = stack.backend.endedJobs(Call::ResolveTag);
    for (const SyntheticBackend::JobRecord &job : ended) {
        QCOMPARE(int(job.startPriority), int(Priority::Background));
        QCOMPARE(int(job.priority), int(Priority::Background));
        QVERIFY(!job.cancelled);
    }
    QCOMPARE(stack.updater()->requestsInFlight(), 0);

    // And the progress rose to all rows, the last report after the load was over
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.constLast(), qMakePair(450, 450));
    QVERIFY(!loadingAtLastReport);
    for (qsizetype i = 1; i < progress.size(); ++i)
        QVERIFY(progress.at(i).first >= progress.at(i - 1).first);
}

void TestMetadataUpdater::retryRowAsksAgainAtInteractive()
{
    // Given rows 0..9 on screen and the lookup of row 5 failing
    SyntheticStack stack;
    stack.backend.setGeneratedTags(50);
    const QString failing = stack.backend.tagAt(5);
    stack.backend.failTag(failing, Error(ErrorCode::Server, u"internal error"_s, 500));
    stack.checkModel();
    QVERIFY(stack.listAll());
    stack.updater()->setVisibleRange(0, 9);
    QVERIFY(waitUntil([&] { return stack.rowsDone(0, 19); }));
    QCOMPARE(stack.stateOf(5), LoadState::Failed);
    QVERIFY(stack.model.index(5, 0)
                    .data(TagTableModel::ErrorRole)
                    .toString()
                    .contains(u"internal error"_s));
    QCOMPARE(stack.model.rowsInState(LoadState::Loaded), 19);

    // When the view moves a little, the failed row is not asked for again by itself
    const int calls = stack.backend.calls(Call::ResolveTag);
    stack.updater()->setVisibleRange(1, 10); // window 0..20: row 20 is new
    QCOMPARE(stack.backend.calls(Call::ResolveTag), calls + 1);
    QCOMPARE(inFlight(stack.backend, Call::ResolveTag, failing), -1);

    // When the registry recovers and the person retries the row
    stack.backend.clearFailures();
    stack.updater()->retryRow(5);

    // Then it is asked for at Interactive (once, however often retried while in flight)
    QCOMPARE(stack.stateOf(5), LoadState::Loading);
    QCOMPARE(inFlight(stack.backend, Call::ResolveTag, failing), int(Priority::Interactive));
    stack.updater()->retryRow(5);
    QCOMPARE(stack.backend.calls(Call::ResolveTag), calls + 2);
    QVERIFY(waitUntil([&] { return stack.stateOf(5) == LoadState::Loaded; }));
    QVERIFY(stack.model.index(5, 0).data(TagTableModel::ErrorRole).toString().isEmpty());
    QCOMPARE(stack.model.index(5, 0).data(TagTableModel::DigestRole).toString(),
             stack.backend.digestOf(failing));
}

void TestMetadataUpdater::tagsSharingADigestCostOneFetch()
{
    // Given twenty tags of two images (a0..a9 and b0..b9)
    SyntheticStack stack;
    QStringList tags;
    for (const QString &image : {u"a"_s, u"b"_s}) {
        for (int i = 0; i < 10; ++i) {
            tags.append(image + QString::number(i));
            stack.backend.setDigest(tags.constLast(), SyntheticBackend::defaultDigest(image));
        }
    }
    stack.backend.setTags(tags);
    // The first image fetch takes a moment, so the other tags' lookups join it
    stack.backend.setLatency(Call::FetchMetadata, 5);
    stack.checkModel();
    QVERIFY(stack.listAll());

    // When all twenty rows are in the window
    stack.updater()->setVisibleRange(0, 9);
    QVERIFY(waitUntil([&] { return stack.rowsDone(0, 19); }));

    // Then each tag was looked up, but each image fetched once
    QCOMPARE(stack.model.rowsInState(LoadState::Loaded), 20);
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 20);
    QCOMPARE(stack.backend.calls(Call::FetchMetadata), 2);
    QCOMPARE(stack.service.metadataFetches(), quint64(2));
    QCOMPARE(stack.model.index(0, TagTableModel::SharedColumn).data().toInt(), 10);
    QCOMPARE(stack.model.index(9, 0).data(TagTableModel::DigestRole).toString(),
             SyntheticBackend::defaultDigest(u"a"_s));
    QCOMPARE(stack.model.index(10, 0).data(TagTableModel::DigestRole).toString(),
             SyntheticBackend::defaultDigest(u"b"_s));
}

void TestMetadataUpdater::windowFollowsAProxyOrder()
{
    // Given 300 listed tags shown through a proxy sorted by tag, descending
    SyntheticStack stack;
    QVERIFY(listWithLookupsHeld(stack, 300));
    QSortFilterProxyModel proxy;
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.setSourceModel(&stack.model);
    proxy.setSortRole(TagTableModel::TagRole);
    proxy.sort(TagTableModel::TagColumn, Qt::DescendingOrder);
    const auto proxyTag = [&proxy](int row) {
        return proxy.index(row, 0).data(TagTableModel::TagRole).toString();
    };

    // When the view shows its first ten rows
    stack.updater()->setVisibleRange(0, 9, &proxy);

    // Then the window is the proxy's first twenty rows, in its order, and nothing else
    QCOMPARE(stack.backend.inFlight(Call::ResolveTag), 20);
    QList<int> visibleModelRows;
    for (int row = 0; row < 20; ++row) {
        const Priority expected = row < 10 ? Priority::Visible : Priority::Prefetch;
        QCOMPARE(inFlight(stack.backend, Call::ResolveTag, proxyTag(row)), int(expected));
        if (row < 10)
            visibleModelRows.append(proxy.mapToSource(proxy.index(row, 0)).row());
    }
    QCOMPARE(stack.updater()->visibleRows(), visibleModelRows);
    QVERIFY(visibleModelRows != range(0, 9));

    // When the view filters to "nightly" tags and shows its first five rows
    proxy.setFilterKeyColumn(TagTableModel::TagColumn);
    proxy.setFilterFixedString(u"nightly"_s);
    QVERIFY(proxy.rowCount() > 10);
    stack.updater()->setVisibleRange(0, 4, &proxy);

    // Then only the proxy's first ten filtered rows are in flight
    const QList<SyntheticBackend::JobRecord> jobs = stack.backend.jobsInFlight(Call::ResolveTag);
    QCOMPARE(jobs.size(), 10);
    for (const SyntheticBackend::JobRecord &job : jobs)
        QVERIFY2(job.reference.contains(u"nightly"_s), qPrintable(job.reference));
    for (int row = 0; row < 10; ++row) {
        const Priority expected = row < 5 ? Priority::Visible : Priority::Prefetch;
        QCOMPARE(inFlight(stack.backend, Call::ResolveTag, proxyTag(row)), int(expected));
    }
}

void TestMetadataUpdater::sameRangeAfterAResortAsksForTheNewRows()
{
    // Given a view over a sorted proxy, its first ten rows asked for
    SyntheticStack stack;
    QVERIFY(listWithLookupsHeld(stack, 300));
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&stack.model);
    proxy.setSortRole(TagTableModel::TagRole);
    proxy.sort(TagTableModel::TagColumn, Qt::AscendingOrder);
    stack.updater()->setVisibleRange(0, 9, &proxy);
    QCOMPARE(stack.backend.inFlight(Call::ResolveTag), 20);

    // When the proxy re-sorts the other way and the view reports its (same) range again, as
    // TagTableView does on layoutChanged
    proxy.sort(TagTableModel::TagColumn, Qt::DescendingOrder);
    stack.updater()->setVisibleRange(0, 9, &proxy);

    // Then the rows now on screen are asked for at Visible
    for (int row = 0; row < 10; ++row) {
        const QString tag = proxy.index(row, 0).data(TagTableModel::TagRole).toString();
        QCOMPARE(inFlight(stack.backend, Call::ResolveTag, tag), int(Priority::Visible));
    }
}

void TestMetadataUpdater::harborExtrasForTheWindowOnly()
{
    // Given a registry with extras per tag (Harbor), listing pages that bring none, and
    // lookups and extras that stay in flight
    SyntheticStack stack;
    stack.backend.setHasTagExtras(true);
    stack.backend.setLatency(Call::FetchTagExtras, Held);
    QVERIFY(listWithLookupsHeld(stack, 600));
    QVERIFY(stack.model.hasHarborColumns());

    // When rows 40..59 are on screen
    stack.updater()->setVisibleRange(40, 59);

    // Then extras are asked for the window, at the rows' priorities, and for no other row
    verifyWindow(stack, Call::FetchTagExtras, 40, 59, 20, 79);

    // When every row's metadata is loaded (a sort by size), no extras are asked for the rest
    stack.updater()->loadAll();
    QCOMPARE(stack.backend.inFlight(Call::ResolveTag), 60 + MetadataUpdater::LoadAllConcurrency);
    QCOMPARE(stack.backend.calls(Call::FetchTagExtras), 60);
}

void TestMetadataUpdater::harborExtrasFromListingPagesAreNotAskedFor()
{
    // Given a registry whose listing pages bring each tag's extras (Harbor's artifact listing)
    SyntheticStack stack;
    stack.backend.setGeneratedTags(300);
    stack.backend.setHasTagExtras(true);
    stack.backend.setExtrasWithPages(true);
    stack.checkModel();
    QVERIFY(stack.listAll());

    // When rows are on screen
    stack.updater()->setVisibleRange(0, 19);
    QVERIFY(waitUntil([&] { return stack.rowsDone(0, 39); }));

    // Then their Harbor columns come from the pages: no request per tag
    QCOMPARE(stack.backend.calls(Call::FetchTagExtras), 0);
    const QString tag = stack.tagAt(3);
    QVERIFY(stack.model.index(3, 0).data(TagTableModel::HasExtrasRole).toBool());
    QCOMPARE(stack.model.index(3, 0).data(TagTableModel::PushedRole).toDateTime(),
             stack.backend.extrasOf(tag).pushed);
}

} // namespace Berth::Test

QTEST_MAIN(Berth::Test::TestMetadataUpdater)
#include "tst_metadataupdater.moc"
