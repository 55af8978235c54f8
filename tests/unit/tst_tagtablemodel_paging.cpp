// TagTableModel's listing: the fetchMore contract, one insert per page, totals, a refresh that
// drops what the old listing still sends, and the offline view from the disk cache. Against a
// SyntheticBackend: no registry process, nothing waits on time.

#include "syntheticstack.h"

#include "models/metadata/metadatacache.h"
#include "models/tags/naturalcompare.h"
#include "models/tags/tagfilterproxymodel.h"

#include <QLocale>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace Berth::Test {

namespace {

// More than two of the model's pages, the last one short.
constexpr int TagCount = 450;

} // namespace

class TestTagTableModelPaging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void fetchMoreAsksForOnePageAtATime();
    void invalidNamesAreShownVisiblyAndFlagged();
    void eachPageIsOneInsert();
    void totalsAndCountText_data();
    void totalsAndCountText();
    void loadingFollowsThePageInFlight();
    void refreshDropsLatePagesOfTheOldListing();
    void failedPageStopsTheListing();
    void failedListingShowsTheDiskCacheOffline();
    void failedListingWithoutCacheStaysEmpty();
    void wholeListIsHandedOutInTagOrder();
    void wholeListTopNeverMovesInASortedView_data();
    void wholeListTopNeverMovesInASortedView();
    void pagingServerRowsKeepTheirOrderUntilTheEnd();
};

namespace {

//! Names in no order at all, as Distribution lists them (it walks its storage directories),
//! with numbers that a plain string sort gets wrong ("v1.10" before "v1.9").
QStringList shuffledNames(int count)
{
    QStringList names;
    for (int i = 0; i < count; ++i)
        names.append(i % 3 == 0   ? u"v1.%1"_s.arg(i)
                     : i % 3 == 1 ? u"build-%1"_s.arg(i * 7)
                                  : u"nightly-%1"_s.arg(count - i));
    // A fixed permutation: the test is the same on every run.
    for (int i = 0; i < count; ++i)
        names.swapItemsAt(i, (i * 7919 + 13) % count);
    return names;
}

QStringList naturallySorted(QStringList names)
{
    std::sort(names.begin(), names.end(),
              [](const QString &a, const QString &b) { return naturalCompare(a, b) < 0; });
    return names;
}

QStringList topOf(const QAbstractItemModel &model, int count)
{
    QStringList top;
    for (int row = 0; row < std::min(count, model.rowCount()); ++row)
        top.append(model.index(row, 0).data(TagTableModel::TagRole).toString());
    return top;
}

} // namespace

void TestTagTableModelPaging::initTestCase()
{
    // countText() formats with the default locale: make it one with group separators.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestTagTableModelPaging::fetchMoreAsksForOnePageAtATime()
{
    // Given a listing of several pages (no model tester here: it calls fetchMore() itself, and
    // this test is about who calls it)
    SyntheticStack stack;
    stack.backend.setGeneratedTags(TagCount);
    QSignalSpy pages(&stack.model, &TagTableModel::pageFetched);

    // When the repository is shown
    stack.model.setRepository(&stack.service, syntheticRepository());

    // Then exactly one page is asked for, and nothing more while it is in flight
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::ListPage), 1);
    QVERIFY(stack.model.isFetchingPage());
    QVERIFY(!stack.model.canFetchMore());
    stack.model.fetchMore();
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::ListPage), 1);
    QCOMPARE(stack.model.rowCount(), 0);

    // When it arrives, no next page is asked for until fetchMore()
    QVERIFY(pages.wait());
    const int pageSize = stack.model.rowCount();
    QVERIFY(pageSize > 0 && pageSize * 2 < TagCount);
    QVERIFY(stack.model.canFetchMore());
    runPendingEvents();
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::ListPage), 1);

    // Each fetchMore() is one page, until the end
    int expectedCalls = 1;
    while (stack.model.canFetchMore()) {
        stack.model.fetchMore();
        ++expectedCalls;
        QCOMPARE(stack.backend.calls(SyntheticBackend::Call::ListPage), expectedCalls);
        QVERIFY(pages.wait());
    }
    QCOMPARE(stack.model.rowCount(), TagCount);
    QCOMPARE(expectedCalls, (TagCount + pageSize - 1) / pageSize);
    QVERIFY(stack.model.isAtEnd());

    // Then at the end fetchMore() asks for nothing
    stack.model.fetchMore();
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::ListPage), expectedCalls);
    QCOMPARE(stack.tagAt(TagCount - 1), stack.backend.tagAt(TagCount - 1));
}

void TestTagTableModelPaging::eachPageIsOneInsert()
{
    // Given a listing of several pages under the model tester (which fetches more by itself)
    SyntheticStack stack;
    stack.backend.setGeneratedTags(TagCount);
    stack.checkModel();
    QSignalSpy inserts(&stack.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy pages(&stack.model, &TagTableModel::pageFetched);

    // When every page is listed
    QVERIFY(stack.listAll());

    // Then each page came as one insert of its rows, in order, and pageFetched said the same
    QCOMPARE(stack.model.rowCount(), TagCount);
    QCOMPARE(inserts.size(), stack.backend.calls(SyntheticBackend::Call::ListPage));
    QCOMPARE(pages.size(), inserts.size());
    QVERIFY(inserts.size() >= 3);
    int next = 0;
    for (qsizetype i = 0; i < inserts.size(); ++i) {
        const int first = inserts.at(i).at(1).toInt();
        const int last = inserts.at(i).at(2).toInt();
        QCOMPARE(first, next);
        QCOMPARE(pages.at(i).at(0).toInt(), first);
        QCOMPARE(pages.at(i).at(1).toInt(), last - first + 1);
        next = last + 1;
    }
    QCOMPARE(next, TagCount);
    // No request went past the end
    QCOMPARE(stack.backend.inFlight(), 0);
    QVERIFY(!stack.model.canFetchMore());
}

void TestTagTableModelPaging::totalsAndCountText_data()
{
    QTest::addColumn<SyntheticBackend::Paging>("paging");
    QTest::addColumn<qint64>("totalAfterFirstPage");
    QTest::addColumn<QString>("textAfterFirstPage");
    QTest::addColumn<int>("listingRequests");
    QTest::addColumn<int>("pages");
    // A page size of 200 rows (the model's): 1,200 tags are six pages. A whole list sorted in
    // memory is handed to a model that wants every name in one go.
    QTest::newRow("paged, total at the end")
            << SyntheticBackend::Paging::Pages << qint64(-1) << u"200+"_s << 6 << 6;
    QTest::newRow("paged with X-Total-Count") << SyntheticBackend::Paging::PagesWithTotal
                                              << qint64(1200) << u"200 of 1,200"_s << 6 << 6;
    QTest::newRow("whole list at once")
            << SyntheticBackend::Paging::WholeList << qint64(1200) << u"1,200"_s << 1 << 1;
}

void TestTagTableModelPaging::totalsAndCountText()
{
    QFETCH(SyntheticBackend::Paging, paging);
    QFETCH(qint64, totalAfterFirstPage);
    QFETCH(QString, textAfterFirstPage);
    QFETCH(int, listingRequests);
    QFETCH(int, pages);

    // Given 1,200 tags served one way or another
    SyntheticStack stack;
    stack.backend.setGeneratedTags(1200);
    stack.backend.setPaging(paging);
    stack.checkModel();
    // What the model says as each page arrives (the tester asks for the next one at once)
    QList<qint64> totals;
    QList<qint64> modelTotals;
    QStringList texts;
    connect(&stack.model, &TagTableModel::pageFetched, this, [&](int, int, qint64 total) {
        totals.append(total);
        modelTotals.append(stack.model.totalCount());
        texts.append(stack.model.countText());
    });

    // When every page is listed
    QVERIFY(stack.listAll());

    // Then the first page says what the server told, and the end says the count
    QCOMPARE(totals.constFirst(), totalAfterFirstPage);
    QCOMPARE(texts.constFirst(), textAfterFirstPage);
    QCOMPARE(totals.constLast(), qint64(1200));
    QCOMPARE(texts.constLast(), u"1,200"_s);
    QCOMPARE(stack.model.countText(), u"1,200"_s);
    QCOMPARE(totals.size(), pages);
    QCOMPARE(modelTotals, totals);
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::ListPage), listingRequests);
}

void TestTagTableModelPaging::loadingFollowsThePageInFlight()
{
    // Given a listing of several pages under the model tester, which asks for the next page as
    // soon as rows are inserted (as a view may)
    SyntheticStack stack;
    stack.backend.setGeneratedTags(TagCount);
    stack.checkModel();
    QList<bool> loading;
    int mismatches = 0;
    connect(&stack.model, &TagTableModel::loadingChanged, this, [&](bool on) {
        loading.append(on);
        // Each report agrees with the model: a page is in flight exactly while loading
        mismatches += on != stack.model.isFetchingPage() ? 1 : 0;
    });

    // When every page is listed
    QVERIFY(stack.listAll());
    QVERIFY(waitUntil([&] { return !loading.isEmpty() && !loading.constLast(); }, 1000));

    // Then loading was on while a page was in flight and is off at the end
    QCOMPARE(loading.constFirst(), true);
    QCOMPARE(loading.constLast(), false);
    QVERIFY(!stack.model.isFetchingPage());
    QCOMPARE(mismatches, 0);
}

void TestTagTableModelPaging::refreshDropsLatePagesOfTheOldListing()
{
    // Given a first page on its way (the listing takes a while)
    SyntheticStack stack;
    stack.backend.setTags({u"old-1"_s, u"old-2"_s});
    stack.backend.setLatency(SyntheticBackend::Call::ListPage, 50);
    stack.checkModel();
    stack.model.setRepository(&stack.service, syntheticRepository());
    const QList<Pager *> pagers = stack.model.findChildren<Pager *>();
    QCOMPARE(pagers.size(), 1);
    const QPointer<Pager> oldPager = pagers.constFirst();
    QSignalSpy pages(&stack.model, &TagTableModel::pageFetched);
    QSignalSpy failures(&stack.model, &TagTableModel::fetchFailed);

    // When the registry changed and the list is refreshed before the page arrived
    stack.backend.setTags({u"new-1"_s, u"new-2"_s, u"new-3"_s});
    stack.model.refresh();

    // Then the old request is cancelled, and what the old listing still sends is dropped
    QCOMPARE(stack.backend.cancelledJobs(SyntheticBackend::Call::ListPage), 1);
    QVERIFY(oldPager);
    Q_EMIT oldPager->pageReady({u"late-1"_s, u"late-2"_s});
    Q_EMIT oldPager->failed(Error(ErrorCode::Network, u"late failure"_s));
    QCOMPARE(stack.model.rowCount(), 0);
    QVERIFY(failures.isEmpty());
    QVERIFY(!stack.model.lastError().isError());

    // And the new listing shows only what the registry holds now
    QVERIFY(pages.wait());
    QCOMPARE(pages.size(), 1);
    QCOMPARE(pages.constFirst().at(0).toInt(), 0);
    QCOMPARE(stack.model.rowCount(), 3);
    QCOMPARE(stack.tagAt(0), u"new-1"_s);
    QCOMPARE(stack.tagAt(2), u"new-3"_s);
    QCOMPARE(stack.backend.tagListings().size(), 2);
}

void TestTagTableModelPaging::failedPageStopsTheListing()
{
    // Given a listing whose second page fails
    SyntheticStack stack;
    stack.backend.setGeneratedTags(TagCount);
    stack.backend.failListing(Error(ErrorCode::Server, u"internal error"_s, 500), 1);
    stack.checkModel();
    QSignalSpy failures(&stack.model, &TagTableModel::fetchFailed);

    // When every page is asked for
    stack.model.setRepository(&stack.service, syntheticRepository());
    stack.model.fetchAll();
    QVERIFY(failures.wait());

    // Then the first page stays, the error is reported once, and nothing more is asked for
    const int firstPage = stack.model.rowCount();
    QVERIFY(firstPage > 0 && firstPage < TagCount);
    QCOMPARE(failures.size(), 1);
    QCOMPARE(failures.constFirst().at(0).value<Error>().code, ErrorCode::Server);
    QCOMPARE(stack.model.lastError().code, ErrorCode::Server);
    QVERIFY(!stack.model.canFetchMore());
    QVERIFY(!stack.model.isFetchingPage());
    QVERIFY(!stack.model.isOffline());
    const int requests = stack.backend.calls(SyntheticBackend::Call::ListPage);
    stack.model.fetchMore();
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::ListPage), requests);
    QCOMPARE(stack.model.rowCount(), firstPage);
}

void TestTagTableModelPaging::failedListingShowsTheDiskCacheOffline()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MetadataCache cache(dir.filePath(u"metadata.sqlite"_s));
    QVERIFY(cache.open());
    cache.setWriteDelay(0);
    QStringList tags{u"v2"_s, u"v10"_s, u"latest"_s};
    const QString sharedDigest = SyntheticBackend::defaultDigest(u"v10"_s);

    // Given a session that saw three tags and their metadata, two of them one image
    {
        SyntheticStack online(&cache);
        online.backend.setTags(tags);
        online.backend.setDigest(u"latest"_s, sharedDigest);
        online.checkModel();
        QVERIFY(online.listAll());
        online.updater()->setVisibleRange(0, 2);
        QVERIFY(waitUntil([&] { return online.rowsDone(0, 2); }));
        QCOMPARE(online.model.rowsInState(TagTableModel::LoadState::Loaded), 3);
        cache.flush();
    }

    // When a later session cannot list the repository
    SyntheticStack offline(&cache);
    offline.backend.setTags(tags);
    offline.backend.setDigest(u"latest"_s, sharedDigest);
    offline.backend.failListing(Error(ErrorCode::Network, u"connection refused"_s));
    offline.checkModel();
    QSignalSpy failures(&offline.model, &TagTableModel::fetchFailed);
    QSignalSpy offlineChanges(&offline.model, &TagTableModel::offlineChanged);
    offline.model.setRepository(&offline.service, syntheticRepository());
    QVERIFY(failures.wait());

    // Then the last known state shows, marked offline: every tag (sorted), its digest and size
    QVERIFY(offline.model.isOffline());
    QCOMPARE(offlineChanges.size(), 1);
    QCOMPARE(offlineChanges.constFirst().at(0).toBool(), true);
    QCOMPARE(offline.model.lastError().code, ErrorCode::Network);
    QCOMPARE(offline.model.rowCount(), 3);
    QVERIFY(offline.model.isAtEnd());
    QVERIFY(!offline.model.canFetchMore());
    std::sort(tags.begin(), tags.end());
    for (int row = 0; row < 3; ++row) {
        const QString tag = offline.tagAt(row);
        QCOMPARE(tag, tags.at(row));
        QCOMPARE(offline.stateOf(row), TagTableModel::LoadState::Cached);
        const QString digest = offline.backend.digestOf(tag);
        QCOMPARE(offline.model.index(row, 0).data(TagTableModel::DigestRole).toString(), digest);
        QCOMPARE(offline.model.index(row, 0).data(TagTableModel::SizeRole).toLongLong(),
                 SyntheticBackend::defaultMetadata(digest).size);
    }
    QCOMPARE(offline.model.rowsWithMetadata(), 3);

    // And showing the rows asks the registry for nothing
    offline.updater()->setVisibleRange(0, 2);
    runPendingEvents();
    QCOMPARE(offline.backend.calls(SyntheticBackend::Call::ResolveTag), 0);
    QCOMPARE(offline.backend.calls(SyntheticBackend::Call::FetchMetadata), 0);

    // When the registry is back, a refresh lists it again and the view is online
    offline.backend.clearFailures();
    QSignalSpy pages(&offline.model, &TagTableModel::pageFetched);
    offline.model.refresh();
    QVERIFY(pages.wait());
    QVERIFY(!offline.model.isOffline());
    QCOMPARE(offlineChanges.size(), 2);
    QCOMPARE(offlineChanges.constLast().at(0).toBool(), false);
    QCOMPARE(offline.model.rowCount(), 3);
    QCOMPARE(offline.tagAt(0), u"v2"_s); // the registry's order again
}

void TestTagTableModelPaging::failedListingWithoutCacheStaysEmpty()
{
    // Given no disk cache, a listing that fails
    SyntheticStack stack;
    stack.backend.setGeneratedTags(10);
    stack.backend.failListing(Error(ErrorCode::Unauthorized, u"wrong password"_s, 401));
    stack.checkModel();
    QSignalSpy failures(&stack.model, &TagTableModel::fetchFailed);
    QSignalSpy offlineChanges(&stack.model, &TagTableModel::offlineChanged);

    // When the repository is shown
    stack.model.setRepository(&stack.service, syntheticRepository());
    QVERIFY(failures.wait());

    // Then the table is empty, not offline, and says why
    QCOMPARE(stack.model.rowCount(), 0);
    QVERIFY(!stack.model.isOffline());
    QVERIFY(offlineChanges.isEmpty());
    QCOMPARE(stack.model.lastError().code, ErrorCode::Unauthorized);
    QVERIFY(!stack.model.canFetchMore());
}

void TestTagTableModelPaging::invalidNamesAreShownVisiblyAndFlagged()
{
    // Given a listing with names no tag may have
    SyntheticStack stack;
    stack.backend.setTags({u"ok"_s, u"a\r\nb"_s, u"../../x"_s});
    QSignalSpy pages(&stack.model, &TagTableModel::pageFetched);
    stack.model.setRepository(&stack.service, syntheticRepository());
    QVERIFY(pages.wait());

    // Then every row is there; the odd ones read with their control characters made visible,
    // flagged, and say why in their tooltip
    QCOMPARE(stack.model.rowCount(), 3);
    for (int row = 0; row < 3; ++row) {
        const QModelIndex name = stack.model.index(row, TagTableModel::TagColumn);
        const QString tag = name.data(TagTableModel::TagRole).toString();
        const bool invalid = tag != u"ok";
        QCOMPARE(name.data(TagTableModel::InvalidNameRole).toBool(), invalid);
        QVERIFY(!name.data().toString().contains(u'\n'));
        QCOMPARE(name.data(Qt::ToolTipRole).toString().contains(u"not a valid tag name"_s),
                 invalid);
    }
}

void TestTagTableModelPaging::wholeListIsHandedOutInTagOrder()
{
    // Given a registry that sends its whole (unsorted) list in one response
    SyntheticStack stack;
    const QStringList names = shuffledNames(TagCount);
    stack.backend.setTags(names);
    stack.backend.setPaging(SyntheticBackend::Paging::WholeList);
    stack.checkModel();
    QSignalSpy pages(&stack.model, &TagTableModel::pageFetched);

    // When the repository is shown
    stack.model.setRepository(&stack.service, syntheticRepository());
    QVERIFY(pages.wait());

    // Then the first rows are the top of the finished list, in natural order, and the rows are
    // marked as being in tag order
    const QStringList sorted = naturallySorted(names);
    QVERIFY(stack.model.rowsInTagOrder());
    QCOMPARE(topOf(stack.model, stack.model.rowCount()), sorted.mid(0, stack.model.rowCount()));
    QCOMPARE(stack.model.totalCount(), qint64(TagCount));
    QCOMPARE(stack.model.countText(), u"200 of 450"_s);

    // And the rest follows in the same order from memory, without another request
    stack.model.fetchAll();
    QTRY_VERIFY(stack.model.isAtEnd());
    QCOMPARE(topOf(stack.model, TagCount), sorted);
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::ListPage), 1);
}

void TestTagTableModelPaging::wholeListTopNeverMovesInASortedView_data()
{
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::newRow("ascending") << Qt::AscendingOrder;
    QTest::newRow("descending") << Qt::DescendingOrder;
}

void TestTagTableModelPaging::wholeListTopNeverMovesInASortedView()
{
    // Given the window's view: a proxy sorted by tag over the model
    QFETCH(Qt::SortOrder, order);
    SyntheticStack stack;
    const QStringList names = shuffledNames(TagCount);
    stack.backend.setTags(names);
    stack.backend.setPaging(SyntheticBackend::Paging::WholeList);
    TagFilterProxyModel proxy;
    proxy.setDebounceInterval(0);
    proxy.setTagModel(&stack.model);
    QStringList expected = naturallySorted(names);
    if (order == Qt::DescendingOrder)
        std::reverse(expected.begin(), expected.end());
    expected = expected.mid(0, 40);

    // Every top of the screen the view ever shows is recorded
    QList<QStringList> tops;
    const auto record = [&] {
        const QStringList top = topOf(proxy, 40);
        if (!top.isEmpty() && (tops.isEmpty() || tops.constLast() != top))
            tops.append(top);
    };
    connect(&proxy, &QAbstractItemModel::rowsInserted, &proxy, record);
    connect(&proxy, &QAbstractItemModel::layoutChanged, &proxy, record);

    // When the repository opens in it
    stack.model.setRepository(&stack.service, syntheticRepository());
    proxy.sort(TagTableModel::TagColumn, order);
    QTRY_VERIFY(stack.model.isAtEnd());

    // Then the first screen shown was the final one, and it never changed
    QCOMPARE(tops.size(), 1);
    QCOMPARE(tops.constFirst(), expected);
}

void TestTagTableModelPaging::pagingServerRowsKeepTheirOrderUntilTheEnd()
{
    // Given a server that pages in its own (lexical) order, where natural order differs
    SyntheticStack stack;
    QStringList names;
    for (int i = 1; i <= TagCount; ++i)
        names.append(u"v%1"_s.arg(i));
    std::sort(names.begin(), names.end()); // v1, v10, v100, v101, ..., v2, v20, ...
    stack.backend.setTags(names);
    stack.backend.setPaging(SyntheticBackend::Paging::Pages);
    TagFilterProxyModel proxy;
    proxy.setDebounceInterval(0);
    proxy.setTagModel(&stack.model);
    QSignalSpy pages(&stack.model, &TagTableModel::pageFetched);

    // When it opens in a view sorted by tag
    stack.model.setRepository(&stack.service, syntheticRepository());
    proxy.sort(TagTableModel::TagColumn, Qt::AscendingOrder);
    QVERIFY(pages.wait());

    // Then while pages arrive the rows keep the server's order: later pages join at the bottom
    // and never push the rows a person looks at away
    QVERIFY(!stack.model.rowsInTagOrder());
    const QStringList firstTop = topOf(proxy, 40);
    QCOMPARE(firstTop, names.mid(0, 40));
    if (!stack.model.isAtEnd()) {
        QVERIFY(pages.wait());
        QCOMPARE(topOf(proxy, 40), firstTop);
    }

    // And once every name is in, they are in natural order
    QTRY_VERIFY(stack.model.isAtEnd());
    QCOMPARE(topOf(proxy, TagCount), naturallySorted(names));
}

} // namespace Berth::Test

QTEST_MAIN(Berth::Test::TestTagTableModelPaging)
#include "tst_tagtablemodel_paging.moc"
