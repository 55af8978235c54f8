// TagFilterProxyModel: natural tag order, the three filter syntaxes, sorting by a metadata column
// (which makes the updater load every row), and the server-side sort and filter of a backend
// that has them. Against a SyntheticBackend; debounce and batch timers at 0.

#include "syntheticstack.h"

#include "models/tags/naturalcompare.h"
#include "models/tags/tagfilterproxymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace Berth::Test {

namespace {

using Call = SyntheticBackend::Call;
using Syntax = TagFilterProxyModel::FilterSyntax;

//! A synthetic stack with the filter proxy over its model.
struct ProxyStack : SyntheticStack
{
    ProxyStack()
    {
        proxy.setDebounceInterval(0);
        proxy.setTagModel(&model);
    }
    QStringList proxyTags() const
    {
        QStringList tags;
        for (int row = 0; row < proxy.rowCount(); ++row)
            tags.append(proxy.index(row, 0).data(TagTableModel::TagRole).toString());
        return tags;
    }

    TagFilterProxyModel proxy;
    QAbstractItemModelTester tester{&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest};
};

const QStringList FilterTags{u"1.0"_s, u"1.1"_s,    u"1.10"_s,         u"2.0-rc1"_s,
                             u"2.0"_s, u"latest"_s, u"nightly-2024"_s, u"Nightly-old"_s};

} // namespace

class TestTagFilterProxyModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tagsInNaturalOrder();
    void sortingByTagListsEveryName();
    void filters_data();
    void filters();
    void filterListsEveryName();
    void invalidRegularExpressionReportsAnError();
    void sortByAMetadataColumnLoadsEveryRow_data();
    void sortByAMetadataColumnLoadsEveryRow();
    void serverSortsByPushTimeAndFiltersBySubstring();
    void pushedColumnOnAPlainRegistryIsSortedHere();
};

void TestTagFilterProxyModel::tagsInNaturalOrder()
{
    // Given tags in the registry's order
    ProxyStack stack;
    stack.backend.setTags(
            {u"1.10"_s, u"v1.0.10"_s, u"latest"_s, u"1.9"_s, u"Alpine"_s, u"v1.0.9"_s, u"1.2"_s});
    QVERIFY(stack.listAll());

    // When sorted by tag
    stack.proxy.sort(TagTableModel::TagColumn, Qt::AscendingOrder);

    // Then versions read as versions, words case-insensitively
    QCOMPARE(stack.proxyTags(), (QStringList{u"1.2"_s, u"1.9"_s, u"1.10"_s, u"Alpine"_s,
                                             u"latest"_s, u"v1.0.9"_s, u"v1.0.10"_s}));
    stack.proxy.sort(TagTableModel::TagColumn, Qt::DescendingOrder);
    QCOMPARE(stack.proxyTags().constFirst(), u"v1.0.10"_s);
    QCOMPARE(stack.proxyTags().constLast(), u"1.2"_s);
}

void TestTagFilterProxyModel::sortingByTagListsEveryName()
{
    // Given a repository of several pages, the first one listed
    ProxyStack stack;
    stack.backend.setGeneratedTags(450);
    stack.model.setRepository(&stack.service, syntheticRepository());
    QVERIFY(waitUntil([&] { return stack.model.rowCount() > 0; }));
    QVERIFY(!stack.model.isAtEnd());

    // When sorted by tag
    stack.proxy.sort(TagTableModel::TagColumn, Qt::AscendingOrder);

    // Then every name is listed (a sorted first page alone would show the wrong top rows) and
    // in natural order, without any metadata request
    QVERIFY(waitUntil([&] { return stack.model.isAtEnd(); }));
    QVERIFY(waitUntil([&] { return stack.proxy.rowCount() == 450; }));
    const QStringList tags = stack.proxyTags();
    for (qsizetype i = 1; i < tags.size(); ++i)
        QVERIFY2(naturalCompare(tags.at(i - 1), tags.at(i)) < 0,
                 qPrintable(tags.at(i - 1) + u" before "_s + tags.at(i)));
    QVERIFY(!stack.updater()->isLoadingAll());
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 0);
}

void TestTagFilterProxyModel::filters_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Syntax>("syntax");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("substring, any case") << u"NIGHTLY"_s << Syntax::Substring
                                         << QStringList{u"nightly-2024"_s, u"Nightly-old"_s};
    QTest::newRow("substring, dots are dots")
            << u"1.1"_s << Syntax::Substring << QStringList{u"1.1"_s, u"1.10"_s};
    QTest::newRow("glob, unanchored")
            << u"1.?"_s << Syntax::Glob << QStringList{u"1.0"_s, u"1.1"_s, u"1.10"_s};
    QTest::newRow("glob star") << u"*rc?"_s << Syntax::Glob << QStringList{u"2.0-rc1"_s};
    QTest::newRow("regular expression") << uR"(^\d+\.\d+$)"_s << Syntax::RegularExpression
                                        << QStringList{u"1.0"_s, u"1.1"_s, u"1.10"_s, u"2.0"_s};
    QTest::newRow("regular expression, case-sensitive")
            << u"^nightly"_s << Syntax::RegularExpression << QStringList{u"nightly-2024"_s};
    QTest::newRow("empty shows all") << QString() << Syntax::Substring << FilterTags;
}

void TestTagFilterProxyModel::filters()
{
    QFETCH(QString, text);
    QFETCH(Syntax, syntax);
    QFETCH(QStringList, expected);

    // Given every tag listed
    ProxyStack stack;
    stack.backend.setTags(FilterTags);
    QVERIFY(stack.listAll());
    QSignalSpy applied(&stack.proxy, &TagFilterProxyModel::filterApplied);

    // When filtered
    stack.proxy.setFilter(text, syntax);

    // Then exactly the matching tags remain, and the filter reports no error
    QCOMPARE(applied.size(), 1);
    QVERIFY(applied.constFirst().at(0).toString().isEmpty());
    QVERIFY(stack.proxy.filterError().isEmpty());
    QCOMPARE(stack.proxy.filterText(), text);
    QStringList tags = stack.proxyTags();
    tags.sort();
    expected.sort();
    QCOMPARE(tags, expected);
}

void TestTagFilterProxyModel::filterListsEveryName()
{
    // Given a repository of several pages, the first one listed
    ProxyStack stack;
    stack.backend.setGeneratedTags(450);
    stack.model.setRepository(&stack.service, syntheticRepository());
    QVERIFY(waitUntil([&] { return stack.model.rowCount() > 0; }));
    QVERIFY(!stack.model.isAtEnd());

    // When filtered
    stack.proxy.setFilter(u"nightly"_s);

    // Then the model lists every name, and the matches of every page show
    QVERIFY(waitUntil([&] { return stack.model.isAtEnd(); }));
    int matches = 0;
    for (int i = 0; i < 450; ++i)
        matches += stack.backend.tagAt(i).contains(u"nightly"_s) ? 1 : 0;
    QVERIFY(matches > 0);
    QCOMPARE(stack.proxy.rowCount(), matches);
    // Names only: filtering asks for no metadata
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 0);
}

void TestTagFilterProxyModel::invalidRegularExpressionReportsAnError()
{
    // Given every tag listed
    ProxyStack stack;
    stack.backend.setTags(FilterTags);
    QVERIFY(stack.listAll());
    QSignalSpy applied(&stack.proxy, &TagFilterProxyModel::filterApplied);

    // When the regular expression does not compile
    stack.proxy.setFilter(u"([unclosed"_s, Syntax::RegularExpression);

    // Then the error is reported and nothing is filtered out
    QVERIFY(!stack.proxy.filterError().isEmpty());
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.constFirst().at(0).toString(), stack.proxy.filterError());
    QCOMPARE(stack.proxy.rowCount(), FilterTags.size());

    // When it is fixed, the error goes
    stack.proxy.setFilter(u"(rc)"_s, Syntax::RegularExpression);
    QVERIFY(stack.proxy.filterError().isEmpty());
    QCOMPARE(stack.proxyTags(), QStringList{u"2.0-rc1"_s});
}

void TestTagFilterProxyModel::sortByAMetadataColumnLoadsEveryRow_data()
{
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QStringList>("expected");
    // Unknown sizes (a failed row) last in either order
    QTest::newRow("ascending") << Qt::AscendingOrder
                               << QStringList{u"small"_s, u"medium"_s, u"big"_s, u"broken"_s};
    QTest::newRow("descending") << Qt::DescendingOrder
                                << QStringList{u"big"_s, u"medium"_s, u"small"_s, u"broken"_s};
}

void TestTagFilterProxyModel::sortByAMetadataColumnLoadsEveryRow()
{
    QFETCH(Qt::SortOrder, order);
    QFETCH(QStringList, expected);

    // Given tags of images of known sizes, one of them failing, nothing on screen
    ProxyStack stack;
    const QStringList tags{u"broken"_s, u"big"_s, u"small"_s, u"medium"_s};
    stack.backend.setTags(tags);
    const QList<qint64> sizes{0, 3000, 1000, 2000};
    for (qsizetype i = 1; i < tags.size(); ++i) {
        ImageMetadata metadata
                = SyntheticBackend::defaultMetadata(stack.backend.digestOf(tags.at(i)));
        metadata.size = sizes.at(i);
        stack.backend.setMetadata(metadata);
    }
    stack.backend.failTag(u"broken"_s, Error(ErrorCode::NotFound, u"manifest unknown"_s, 404));
    QVERIFY(stack.listAll());

    // When sorted by size
    stack.proxy.sort(TagTableModel::SizeColumn, order);

    // Then the updater loads every row in the background, and the order follows the sizes
    QVERIFY(stack.updater()->isLoadingAll());
    QVERIFY(waitUntil([&] { return !stack.updater()->isLoadingAll(); }));
    QVERIFY(stack.rowsDone(0, 3));
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 4);
    for (const SyntheticBackend::JobRecord &job : stack.backend.endedJobs(Call::ResolveTag))
        QCOMPARE(int(job.startPriority), int(Priority::Background));
    QVERIFY(waitUntil([&] { return stack.proxyTags() == expected; }));
}

void TestTagFilterProxyModel::serverSortsByPushTimeAndFiltersBySubstring()
{
    // Given a registry that sorts and filters itself (Harbor 2.x), with known push times
    ProxyStack stack;
    stack.backend.setSupportsServerSort(true);
    stack.backend.setHasTagExtras(true);
    stack.backend.setExtrasWithPages(true);
    const QStringList tags{u"a"_s, u"b"_s, u"c"_s, u"rc-1"_s, u"rc-2"_s};
    stack.backend.setTags(tags);
    const QDateTime start(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);
    const QStringList newestFirst{u"c"_s, u"rc-2"_s, u"a"_s, u"rc-1"_s, u"b"_s};
    for (qsizetype i = 0; i < newestFirst.size(); ++i) {
        TagExtras extras = stack.backend.defaultExtras(newestFirst.at(i));
        extras.pushed = start.addSecs(-3600 * i);
        stack.backend.setExtras(newestFirst.at(i), extras);
    }
    QVERIFY(stack.listAll());
    QVERIFY(stack.model.supportsServerSort());

    // When sorted by the Pushed column, newest first
    stack.proxy.sort(TagTableModel::PushedColumn, Qt::DescendingOrder);

    // Then the model lists in the server's order (a TagQuery), with no full metadata load
    const TagQuery byPushTime{QString(), TagQuery::SortField::PushTime, true};
    QCOMPARE(stack.model.tagQuery(), byPushTime);
    QCOMPARE(stack.backend.tagListings().constLast(), byPushTime);
    QVERIFY(waitUntil([&] { return stack.model.isAtEnd() && stack.proxy.rowCount() == 5; }));
    QCOMPARE(stack.proxyTags(), newestFirst);
    QVERIFY(!stack.updater()->isLoadingAll());
    QCOMPARE(stack.backend.calls(Call::ResolveTag), 0);

    // When filtered by a substring, the server filters (the sort stays)
    stack.proxy.setFilter(u"rc"_s);
    const TagQuery filtered{u"rc"_s, TagQuery::SortField::PushTime, true};
    QCOMPARE(stack.model.tagQuery(), filtered);
    QCOMPARE(stack.backend.tagListings().constLast(), filtered);
    QVERIFY(waitUntil([&] { return stack.model.isAtEnd() && stack.model.rowCount() == 2; }));
    QCOMPARE(stack.proxyTags(), (QStringList{u"rc-2"_s, u"rc-1"_s}));

    // When filtered by a glob, which the server cannot do, the full listing is filtered here
    stack.proxy.setFilter(u"rc-?"_s, Syntax::Glob);
    QCOMPARE(stack.model.tagQuery(), byPushTime);
    QVERIFY(waitUntil([&] { return stack.model.isAtEnd() && stack.model.rowCount() == 5; }));
    QCOMPARE(stack.proxyTags(), (QStringList{u"rc-2"_s, u"rc-1"_s}));

    // When sorted by tag again, the server lists in name order
    stack.proxy.setFilter(QString());
    stack.proxy.sort(TagTableModel::TagColumn, Qt::AscendingOrder);
    QCOMPARE(stack.model.tagQuery(), TagQuery());
    QVERIFY(waitUntil([&] { return stack.model.isAtEnd() && stack.proxy.rowCount() == 5; }));
    QCOMPARE(stack.proxyTags(), tags);
}

void TestTagFilterProxyModel::pushedColumnOnAPlainRegistryIsSortedHere()
{
    // Given a registry that does not sort itself
    ProxyStack stack;
    stack.backend.setTags(FilterTags);
    QVERIFY(stack.listAll());
    QVERIFY(!stack.model.supportsServerSort());

    // When sorted by the Pushed column and filtered by a substring
    stack.proxy.sort(TagTableModel::PushedColumn, Qt::DescendingOrder);
    stack.proxy.setFilter(u"1.1"_s);

    // Then no TagQuery is made: the listing stays the plain one, filtered here, and the sort
    // by a metadata column loads every row
    QCOMPARE(stack.model.tagQuery(), TagQuery());
    for (const TagQuery &listing : stack.backend.tagListings())
        QVERIFY(listing.isDefault());
    QVERIFY(stack.updater()->isLoadingAll());
    QCOMPARE(stack.proxy.rowCount(), 2);
}

} // namespace Berth::Test

QTEST_MAIN(Berth::Test::TestTagFilterProxyModel)
#include "tst_tagfilterproxymodel.moc"
