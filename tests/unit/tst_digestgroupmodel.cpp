// DigestGroupModel: one row per digest over a source with TagTableModel's roles, checked by
// QAbstractItemModelTester (fatal) on every change a tag table makes: rows appended, digests
// arriving for some tags (rows merge into their image), a digest known from the listing
// (Harbor), a tag moving to another digest (retag, refresh), deletes, a reset (another
// repository); then sorting and filtering through TagFilterProxyModel.

#include "syntheticstack.h"

#include "models/tags/digestgroupmodel.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth::Test {

namespace {

QString digest(char c)
{
    return u"sha256:"_s + QString(64, QLatin1Char(c));
}

//! A stand-in for TagTableModel: one row per tag, the roles the grouping reads.
class Source
{
public:
    Source() { model.setColumnCount(TagTableModel::ColumnCount); }

    void append(const QStringList &tags, const QString &digest = {},
                const QString &listedDigest = {})
    {
        QList<QList<QStandardItem *>> rows;
        for (const QString &tag : tags) {
            auto *item = new QStandardItem(tag);
            item->setData(tag, TagTableModel::TagRole);
            item->setData(tag, TagTableModel::SortRole);
            item->setData(digest, TagTableModel::DigestRole);
            item->setData(listedDigest, TagTableModel::ListedDigestRole);
            QList<QStandardItem *> row{item};
            for (int column = 1; column < TagTableModel::ColumnCount; ++column)
                row.append(new QStandardItem());
            rows.append(row);
        }
        // One insertion per call, like a page of TagTableModel.
        const int first = model.rowCount();
        model.insertRows(first, int(rows.size()));
        for (int i = 0; i < rows.size(); ++i) {
            for (int column = 0; column < TagTableModel::ColumnCount; ++column)
                model.setItem(first + i, column, rows[i][column]);
        }
    }
    int rowOf(const QString &tag) const
    {
        const auto found
                = model.match(model.index(0, 0), TagTableModel::TagRole, tag, 1, Qt::MatchExactly);
        return found.isEmpty() ? -1 : found.constFirst().row();
    }
    //! Metadata arrived for tag: its digest (one dataChanged, like the model's batch).
    void setDigest(const QString &tag, const QString &value)
    {
        model.setData(model.index(rowOf(tag), 0), value, TagTableModel::DigestRole);
    }
    void remove(const QString &tag) { model.removeRow(rowOf(tag)); }

    QStandardItemModel model;
};

//! Each row of groups as "tag1,tag2" (digest-less rows as "?tag"), in row order.
QStringList rowsOf(const QAbstractItemModel &groups)
{
    QStringList rows;
    for (int row = 0; row < groups.rowCount(); ++row) {
        const QModelIndex index = groups.index(row, 0);
        const QString tags = index.data(DigestGroupModel::GroupTagsRole).toStringList().join(u',');
        rows.append(index.data(DigestGroupModel::DigestKnownRole).toBool() ? tags : u"?"_s + tags);
    }
    return rows;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

} // namespace

class TestDigestGroupModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tagsMergeAsDigestsArrive();
    void listedDigestsGroupAtOnce();
    void aTagMovesToAnotherDigest();
    void deletesRemoveTagsAndEmptiedRows();
    void resetStartsOver();
    void rowsInsertedInTheMiddle();
    void mapsRowsBothWays();
    void sortsAndFiltersThroughTheProxy();
    void overATagTableGroupingFetchesNothing();
    void overAHarborListingGroupingIsCompleteAtOnce();
};

void TestDigestGroupModel::tagsMergeAsDigestsArrive()
{
    // Given a listing of five tags, no digest known yet
    Source source;
    DigestGroupModel groups;
    QAbstractItemModelTester tester(&groups, QAbstractItemModelTester::FailureReportingMode::Fatal);
    groups.setSourceModel(&source.model);
    QSignalSpy ungrouped(&groups, &DigestGroupModel::ungroupedCountChanged);
    source.append({u"1.2"_s, u"latest"_s, u"1.2.3"_s, u"2.0"_s, u"build-7"_s});
    // Then each is a row of its own, "not grouped yet"
    QCOMPARE(rowsOf(groups),
             (QStringList{u"?1.2"_s, u"?latest"_s, u"?1.2.3"_s, u"?2.0"_s, u"?build-7"_s}));
    QCOMPARE(groups.ungroupedCount(), 5);
    QCOMPARE(ungrouped.last().constFirst().toInt(), 5);

    // When metadata arrives for three tags of one image and one of another
    source.setDigest(u"latest"_s, digest('a'));
    source.setDigest(u"1.2"_s, digest('a'));
    source.setDigest(u"2.0"_s, digest('b'));
    source.setDigest(u"1.2.3"_s, digest('a'));
    // Then they merge into one row per image, tags in natural order
    QCOMPARE(sorted(rowsOf(groups)), sorted({u"1.2,1.2.3,latest"_s, u"2.0"_s, u"?build-7"_s}));
    QCOMPARE(groups.ungroupedCount(), 1);
    QCOMPARE(ungrouped.last().constFirst().toInt(), 1);
    const int image = int(rowsOf(groups).indexOf(u"1.2,1.2.3,latest"_s));
    const QModelIndex index = groups.index(image, TagTableModel::TagColumn);
    QCOMPARE(index.data().toString(), u"3 tags: 1.2, 1.2.3, latest"_s);
    QCOMPARE(index.data(TagTableModel::TagRole).toString(), u"1.2"_s);
    QCOMPARE(index.data(TagTableModel::DigestRole).toString(), digest('a'));
    QCOMPARE(index.data(DigestGroupModel::GroupSizeRole).toInt(), 3);
    QCOMPARE(groups.index(image, TagTableModel::SharedColumn).data().toInt(), 3);
    QVERIFY(index.data(Qt::ToolTipRole).toString().contains(u"latest"_s));
    QCOMPARE(groups.digestOf(image), digest('a'));

    // And a tag of a known image listed later joins it at once
    source.append({u"1.2.3-slim"_s}, digest('a'));
    const int joined = int(rowsOf(groups).indexOf(u"1.2,1.2.3,1.2.3-slim,latest"_s));
    QVERIFY(joined >= 0);
    QCOMPARE(groups.tagsOf(joined),
             (QStringList{u"1.2"_s, u"1.2.3"_s, u"1.2.3-slim"_s, u"latest"_s}));
    QCOMPARE(groups.rowCount(), 3);
}

void TestDigestGroupModel::listedDigestsGroupAtOnce()
{
    // Given a listing that names digests (Harbor's artifacts) before any metadata
    Source source;
    DigestGroupModel groups;
    QAbstractItemModelTester tester(&groups, QAbstractItemModelTester::FailureReportingMode::Fatal);
    groups.setSourceModel(&source.model);
    source.append({u"v1"_s, u"stable"_s}, {}, digest('c'));
    source.append({u"v2"_s}, {}, digest('d'));
    // Then the grouping is complete without a request
    QCOMPARE(rowsOf(groups), (QStringList{u"stable,v1"_s, u"v2"_s}));
    QCOMPARE(groups.ungroupedCount(), 0);
    // And the digest column shows the listed digest
    QCOMPARE(groups.index(1, TagTableModel::DigestColumn).data(Qt::ToolTipRole).toString(),
             digest('d'));
    // When the metadata agrees, nothing moves
    source.setDigest(u"v1"_s, digest('c'));
    QCOMPARE(rowsOf(groups), (QStringList{u"stable,v1"_s, u"v2"_s}));
}

void TestDigestGroupModel::aTagMovesToAnotherDigest()
{
    // Given two images
    Source source;
    DigestGroupModel groups;
    QAbstractItemModelTester tester(&groups, QAbstractItemModelTester::FailureReportingMode::Fatal);
    groups.setSourceModel(&source.model);
    source.append({u"a"_s, u"b"_s, u"c"_s}, digest('1'));
    source.append({u"d"_s}, digest('2'));
    QCOMPARE(rowsOf(groups), (QStringList{u"a,b,c"_s, u"d"_s}));
    // When "c" is pushed again (refresh: another digest), it leaves its image for the other
    source.setDigest(u"c"_s, digest('2'));
    QCOMPARE(rowsOf(groups), (QStringList{u"a,b"_s, u"c,d"_s}));
    // When "d" moves to an image nothing else has, it gets a row of its own
    source.setDigest(u"d"_s, digest('3'));
    QCOMPARE(rowsOf(groups), (QStringList{u"a,b"_s, u"c"_s, u"d"_s}));
    // When the last tag of an image moves away, the image's row goes
    source.setDigest(u"c"_s, digest('1'));
    QCOMPARE(rowsOf(groups), (QStringList{u"a,b,c"_s, u"d"_s}));
    // When a tag's digest is forgotten, it is not grouped any more
    source.setDigest(u"a"_s, QString());
    QCOMPARE(rowsOf(groups), (QStringList{u"b,c"_s, u"d"_s, u"?a"_s}));
    QCOMPARE(groups.ungroupedCount(), 1);
}

void TestDigestGroupModel::deletesRemoveTagsAndEmptiedRows()
{
    Source source;
    DigestGroupModel groups;
    QAbstractItemModelTester tester(&groups, QAbstractItemModelTester::FailureReportingMode::Fatal);
    groups.setSourceModel(&source.model);
    source.append({u"a"_s, u"b"_s}, digest('1'));
    source.append({u"c"_s});
    source.append({u"d"_s, u"e"_s}, digest('2'));
    source.append({u"f"_s}, digest('3'));
    QCOMPARE(rowsOf(groups), (QStringList{u"a,b"_s, u"?c"_s, u"d,e"_s, u"f"_s}));
    // When one tag of an image is deleted, the image keeps the others
    source.remove(u"a"_s);
    QCOMPARE(rowsOf(groups), (QStringList{u"b"_s, u"?c"_s, u"d,e"_s, u"f"_s}));
    // When a tag not grouped yet is deleted, its row goes
    source.remove(u"c"_s);
    QCOMPARE(rowsOf(groups), (QStringList{u"b"_s, u"d,e"_s, u"f"_s}));
    QCOMPARE(groups.ungroupedCount(), 0);
    // When an image is deleted (every tag of it, one by one), its row goes
    source.remove(u"d"_s);
    source.remove(u"e"_s);
    QCOMPARE(rowsOf(groups), (QStringList{u"b"_s, u"f"_s}));
    // Several source rows at once, spanning two images
    source.append({u"g"_s}, digest('3'));
    source.model.removeRows(0, 2); // b, f
    QCOMPARE(rowsOf(groups), (QStringList{u"g"_s}));
    // And the rows that stayed still map to the right source rows
    QCOMPARE(groups.mapToSource(groups.index(0, 0)).data(TagTableModel::TagRole).toString(),
             u"g"_s);
}

void TestDigestGroupModel::resetStartsOver()
{
    Source source;
    DigestGroupModel groups;
    QAbstractItemModelTester tester(&groups, QAbstractItemModelTester::FailureReportingMode::Fatal);
    groups.setSourceModel(&source.model);
    source.append({u"a"_s, u"b"_s}, digest('1'));
    source.append({u"c"_s});
    QCOMPARE(groups.ungroupedCount(), 1);
    // When the source is reset (another repository)
    QSignalSpy reset(&groups, &QAbstractItemModel::modelReset);
    source.model.clear();
    source.model.setColumnCount(TagTableModel::ColumnCount);
    QVERIFY(!reset.isEmpty()); // the rows, then the columns

    QCOMPARE(groups.rowCount(), 0);
    QCOMPARE(groups.ungroupedCount(), 0);
    // Then its new rows group from scratch
    source.append({u"x"_s, u"y"_s}, digest('1'));
    QCOMPARE(rowsOf(groups), (QStringList{u"x,y"_s}));
    // And detaching costs nothing and shows nothing
    groups.setSourceModel(nullptr);
    QCOMPARE(groups.rowCount(), 0);
    QCOMPARE(groups.columnCount(), 0);
}

void TestDigestGroupModel::rowsInsertedInTheMiddle()
{
    Source source;
    DigestGroupModel groups;
    QAbstractItemModelTester tester(&groups, QAbstractItemModelTester::FailureReportingMode::Fatal);
    groups.setSourceModel(&source.model);
    source.append({u"a"_s, u"b"_s}, digest('1'));
    // A row inserted before the others: later source rows shift, their groups follow
    source.model.insertRow(0);
    source.model.setData(source.model.index(0, 0), u"z"_s, TagTableModel::TagRole);
    source.model.setData(source.model.index(0, 0), digest('1'), TagTableModel::DigestRole);
    QCOMPARE(rowsOf(groups), (QStringList{u"a,b,z"_s}));
    QCOMPARE(groups.sourceRowsOf(0), (QList<int>{1, 2, 0}));
}

void TestDigestGroupModel::mapsRowsBothWays()
{
    Source source;
    DigestGroupModel groups;
    groups.setSourceModel(&source.model);
    source.append({u"b"_s, u"a"_s}, digest('1'));
    source.append({u"c"_s});
    // A group maps to its first tag in natural order; every tag maps to its group
    QCOMPARE(groups.mapToSource(groups.index(0, 2)), source.model.index(1, 2));
    QCOMPARE(groups.mapFromSource(source.model.index(0, 3)), groups.index(0, 3));
    QCOMPARE(groups.mapFromSource(source.model.index(1, 0)), groups.index(0, 0));
    QCOMPARE(groups.mapFromSource(source.model.index(2, 0)), groups.index(1, 0));
    QCOMPARE(groups.rowOfSourceRow(2), 1);
    QVERIFY(groups.index(1, 0).data(Qt::ToolTipRole).toString().contains(u"not known yet"_s));
}

void TestDigestGroupModel::sortsAndFiltersThroughTheProxy()
{
    // Given images and tags not grouped yet behind the filter proxy, as the window shows them
    Source source;
    DigestGroupModel groups;
    groups.setSourceModel(&source.model);
    TagFilterProxyModel proxy;
    proxy.setDebounceInterval(0);
    proxy.setTagModel(nullptr, &groups);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester groupsTester(&groups,
                                          QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.sort(TagTableModel::TagColumn, Qt::AscendingOrder);
    source.append({u"latest"_s, u"1.10"_s}, digest('a'));
    source.append({u"1.9"_s}, digest('b'));
    source.append({u"0.1"_s});
    source.append({u"nightly"_s, u"2.0"_s}, digest('e'));
    const auto shown = [&proxy] {
        return rowsOf(proxy);
    };
    // Then rows sort by their first tag, in natural order
    QCOMPARE(shown(), (QStringList{u"?0.1"_s, u"1.9"_s, u"1.10,latest"_s, u"2.0,nightly"_s}));
    proxy.sort(TagTableModel::TagColumn, Qt::DescendingOrder);
    QCOMPARE(shown(), (QStringList{u"2.0,nightly"_s, u"1.10,latest"_s, u"1.9"_s, u"?0.1"_s}));
    proxy.sort(TagTableModel::TagColumn, Qt::AscendingOrder);

    // When filtering: any tag of an image matches it
    proxy.setFilter(u"lates"_s);
    QCOMPARE(shown(), (QStringList{u"1.10,latest"_s}));
    // Glob and regular expression likewise
    proxy.setFilter(u"night*"_s, TagFilterProxyModel::FilterSyntax::Glob);
    QCOMPARE(shown(), (QStringList{u"2.0,nightly"_s}));
    proxy.setFilter(u"^1\\.(9|10)$"_s, TagFilterProxyModel::FilterSyntax::RegularExpression);
    QCOMPARE(shown(), (QStringList{u"1.9"_s, u"1.10,latest"_s}));
    // Or its digest
    proxy.setFilter(u"sha256:bbbb"_s);
    QCOMPARE(shown(), (QStringList{u"1.9"_s}));

    // When a tag that matches joins an image that did not, the image is shown
    proxy.setFilter(u"0.1"_s);
    QCOMPARE(shown(), (QStringList{u"?0.1"_s}));
    source.setDigest(u"0.1"_s, digest('e'));
    QCOMPARE(shown(), (QStringList{u"0.1,2.0,nightly"_s}));
    // And when the filter is cleared, every row is back, sorted
    proxy.setFilter(QString());
    QCOMPARE(shown(), (QStringList{u"0.1,2.0,nightly"_s, u"1.9"_s, u"1.10,latest"_s}));
    // A delete through the proxy
    source.remove(u"1.9"_s);
    QCOMPARE(shown(), (QStringList{u"0.1,2.0,nightly"_s, u"1.10,latest"_s}));
}

void TestDigestGroupModel::overATagTableGroupingFetchesNothing()
{
    // Given a plain registry's 500 tags, ten per image, listed, no row shown
    SyntheticStack stack;
    QStringList tags;
    for (int i = 0; i < 500; ++i) {
        tags.append(u"t%1"_s.arg(i));
        stack.backend.setDigest(tags.constLast(), digest(char('a' + i % 10)));
    }
    stack.backend.setTags(tags);
    DigestGroupModel groups;
    QAbstractItemModelTester tester(&groups, QAbstractItemModelTester::FailureReportingMode::Fatal);
    groups.setSourceModel(&stack.model);
    QVERIFY(stack.listAll());
    runPendingEvents();
    // Then grouping asked for nothing: every tag is a row of its own, not grouped yet
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::FetchMetadata), 0);
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::ResolveTag), 0);
    QCOMPARE(groups.rowCount(), 500);
    QCOMPARE(groups.ungroupedCount(), 500);

    // When rows are shown (through the grouped proxy, as the view reports them)
    TagFilterProxyModel proxy;
    proxy.setDebounceInterval(0);
    proxy.setTagModel(&stack.model, &groups);
    stack.updater()->setVisibleRange(0, 19, &proxy);
    // Then only those and their margin are fetched, and they merge into their images
    QVERIFY(waitUntil([&] { return groups.ungroupedCount() <= 500 - 20; }));
    QVERIFY(waitUntil([&] { return stack.updater()->requestsInFlight() == 0; }));
    const int fetched = stack.model.rowsWithMetadata();
    QVERIFY2(fetched >= 20 && fetched <= 60, qPrintable(QString::number(fetched)));
    QCOMPARE(groups.ungroupedCount(), 500 - fetched);
    QCOMPARE(groups.rowCount(), 500 - fetched + 10);

    // When a tag is deleted and the repository listed again, the model tester stays happy
    QVERIFY(stack.model.removeTag(u"t0"_s));
    QCOMPARE(groups.rowOfSourceRow(stack.model.rowOfTag(u"t1"_s)) >= 0, true);
    stack.model.refresh();
    QVERIFY(waitUntil([&] { return stack.model.isAtEnd() || stack.model.rowCount() > 0; }));
}

void TestDigestGroupModel::overAHarborListingGroupingIsCompleteAtOnce()
{
    // Given a Harbor-like listing that names each tag's digest (the artifact listing)
    SyntheticStack stack;
    QStringList tags;
    for (int i = 0; i < 300; ++i) {
        tags.append(u"v%1"_s.arg(i));
        stack.backend.setDigest(tags.constLast(), digest(char('a' + i % 3)));
    }
    stack.backend.setTags(tags);
    stack.backend.setHasTagExtras(true);
    stack.backend.setExtrasWithPages(true);
    DigestGroupModel groups;
    QAbstractItemModelTester tester(&groups, QAbstractItemModelTester::FailureReportingMode::Fatal);
    groups.setSourceModel(&stack.model);
    QVERIFY(stack.listAll());
    // Then every tag is grouped without a metadata request: three images
    QCOMPARE(stack.backend.calls(SyntheticBackend::Call::FetchMetadata), 0);
    QCOMPARE(groups.rowCount(), 3);
    QCOMPARE(groups.ungroupedCount(), 0);
    QCOMPARE(groups.index(0, 0).data(DigestGroupModel::GroupSizeRole).toInt(), 100);
}

} // namespace Berth::Test

QTEST_MAIN(Berth::Test::TestDigestGroupModel)
#include "tst_digestgroupmodel.moc"
