// The retention planner (models/cleanup/cleanupplan.h): which tags the rules keep, untag or
// delete with their image, why, and the totals; pure, so no registry.

#include "models/cleanup/cleanupplan.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

namespace {

const QDateTime Now = QDateTime(QDate(2026, 12, 6), QTime(12, 0), Qt::UTC);

QString digestOf(char c)
{
    return u"sha256:"_s + QString(64, QLatin1Char(c));
}

//! An image with layers of the given (digest letter, size) pairs.
std::shared_ptr<const ImageMetadata> image(char c, const QList<QPair<char, qint64>> &layers)
{
    auto metadata = std::make_shared<ImageMetadata>();
    metadata->digest = digestOf(c);
    for (const auto &[letter, size] : layers) {
        Descriptor layer;
        layer.digest = digestOf(letter);
        layer.size = size;
        metadata->layers.append(layer);
    }
    PlatformImage self;
    self.digest = metadata->digest;
    metadata->platforms.append(self);
    return metadata;
}

struct Builder
{
    Inventory inventory;
    Builder()
    {
        inventory.repository = u"team/app"_s;
        inventory.listed = true;
    }
    //! A tag on image c, created daysAgo days before Now.
    Builder &tag(const QString &name, char c, int daysAgo)
    {
        inventory.tags.append(InventoryTag{name, digestOf(c), Now.addDays(-daysAgo), {}, {}, true});
        return *this;
    }
    //! An untagged image c pushed minutesAgo minutes before Now, its metadata loaded.
    Builder &untagged(char c, int minutesAgo, const QList<QPair<char, qint64>> &layers)
    {
        const UntaggedImage listed{digestOf(c), u"application/vnd.oci.image.manifest.v1+json"_s,
                                   Now.addSecs(-minutesAgo * 60), 1000};
        inventory.untagged.append(InventoryImage{listed, Now.addDays(-400), {}, true});
        inventory.untaggedListed = true;
        return add(c, layers);
    }
    Builder &add(char c, const QList<QPair<char, qint64>> &layers)
    {
        inventory.images.insert(digestOf(c), image(c, layers));
        return *this;
    }
};

const PlannedTag &find(const CleanupPlan &plan, const QString &tag)
{
    for (const PlannedTag &planned : plan.tags) {
        if (planned.tag == tag)
            return planned;
    }
    static const PlannedTag none;
    return none;
}

QRegularExpression pattern(const QString &text)
{
    return *RetentionRules::tagPattern(text, nullptr);
}

} // namespace

class TestCleanupPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keepsTheNewestAndDeletesImagesWholeOrUntags();
    void tiesGoToTheLaterNameInNaturalOrder();
    void keepPatternsOnlyAndAgeCombine();
    void unknownAndPendingTagsAreKept();
    void imagesOfAKeptIndexAreNeverDeleted();
    void reclaimableCountsLayersOnceAndNotThoseStillUsed();
    void untaggedImagesGoAfterTheGracePeriod();
    void untaggedImagesAKeptIndexListsStay();
    void durations_data();
    void durations();
    void jsonHasEveryTagAndTheSummary();
};

void TestCleanupPlan::keepsTheNewestAndDeletesImagesWholeOrUntags()
{
    // Given three images: a (1.0, old-alias), b (1.1), c (1.2); 1.2 the newest
    Builder b;
    b.tag(u"1.0"_s, 'a', 30).tag(u"old-alias"_s, 'a', 30).tag(u"1.1"_s, 'b', 20);
    b.tag(u"1.2"_s, 'c', 10).tag(u"latest"_s, 'b', 20);
    RetentionRules rules;
    rules.keepLast = 1;

    // When the newest one is kept
    const CleanupPlan plan = planCleanup(b.inventory, rules, Now);

    // Then a loses all its tags (deleted whole), b keeps "latest" (1.1 is only untagged)
    QVERIFY(plan.isFinal());
    QCOMPARE(find(plan, u"1.2"_s).action, CleanupAction::Keep);
    QVERIFY2(find(plan, u"1.2"_s).reason.contains(u"newest 1"_s),
             qPrintable(find(plan, u"1.2"_s).reason));
    QCOMPARE(find(plan, u"1.0"_s).action, CleanupAction::Delete);
    QCOMPARE(find(plan, u"old-alias"_s).action, CleanupAction::Delete);
    QCOMPARE(find(plan, u"1.1"_s).action, CleanupAction::Delete);
    QCOMPARE(find(plan, u"latest"_s).action, CleanupAction::Delete);
    QCOMPARE(plan.summary.keep, 1);
    QCOMPARE(plan.summary.remove, 4);
    QCOMPARE(plan.summary.imagesDeleted, 2);

    // And with two kept, "latest" (newer than 1.1 by name) keeps b: 1.1 is untagged only
    rules.keepLast = 2;
    const CleanupPlan two = planCleanup(b.inventory, rules, Now);
    QCOMPARE(find(two, u"latest"_s).action, CleanupAction::Keep);
    QCOMPARE(find(two, u"1.1"_s).action, CleanupAction::Untag);
    QCOMPARE(find(two, u"1.0"_s).action, CleanupAction::Delete);
    QCOMPARE(two.summary.untag, 1);
    QCOMPARE(two.summary.imagesDeleted, 1);
    QCOMPARE(two.removedTags(), (QStringList{u"1.0"_s, u"1.1"_s, u"old-alias"_s}));
}

void TestCleanupPlan::tiesGoToTheLaterNameInNaturalOrder()
{
    Builder b;
    b.tag(u"v1.9"_s, 'a', 5).tag(u"v1.10"_s, 'b', 5).tag(u"v1.2"_s, 'c', 5);
    RetentionRules rules;
    rules.keepLast = 1;
    const CleanupPlan plan = planCleanup(b.inventory, rules, Now);
    QCOMPARE(plan.keptTags(), QStringList{u"v1.10"_s});
}

void TestCleanupPlan::keepPatternsOnlyAndAgeCombine()
{
    Builder b;
    b.tag(u"release-1"_s, 'a', 400).tag(u"build-1"_s, 'b', 200).tag(u"build-2"_s, 'c', 2);
    b.tag(u"feature-x"_s, 'd', 300);
    RetentionRules rules;
    rules.keep.append(pattern(u"release-.*"_s));
    rules.only = pattern(u"(release|build)-.*"_s);
    rules.olderThanSeconds = *RetentionRules::parseDuration(u"90d"_s);
    const CleanupPlan plan = planCleanup(b.inventory, rules, Now);
    QCOMPARE(find(plan, u"release-1"_s).action, CleanupAction::Keep);
    QCOMPARE(find(plan, u"release-1"_s).reason, u"matches the keep pattern release-.*"_s);
    QCOMPARE(find(plan, u"feature-x"_s).action, CleanupAction::Keep);
    QCOMPARE(find(plan, u"feature-x"_s).reason, u"not among the tags considered"_s);
    QCOMPARE(find(plan, u"build-2"_s).action, CleanupAction::Keep);
    QVERIFY2(find(plan, u"build-2"_s).reason.contains(u"less than 90d"_s),
             qPrintable(find(plan, u"build-2"_s).reason));
    QCOMPARE(find(plan, u"build-1"_s).action, CleanupAction::Delete);
    QVERIFY2(find(plan, u"build-1"_s).reason.contains(u"more than 90d"_s),
             qPrintable(find(plan, u"build-1"_s).reason));
    // Patterns hold on the whole tag: "build-1" does not keep "xbuild-1"
    QVERIFY(!pattern(u"build-1"_s).match(u"xbuild-1"_s).hasMatch());
}

void TestCleanupPlan::unknownAndPendingTagsAreKept()
{
    Builder b;
    b.tag(u"old"_s, 'a', 100).tag(u"new"_s, 'b', 1);
    b.inventory.tags.append(InventoryTag{u"loading"_s, {}, {}, {}, {}, false});
    b.inventory.tags.append(InventoryTag{u"broken"_s, {}, {}, {}, u"Not found"_s, true});
    RetentionRules rules;
    rules.keepLast = 1;
    const CleanupPlan plan = planCleanup(b.inventory, rules, Now);
    QVERIFY(!plan.isFinal());
    QCOMPARE(plan.summary.pending, 1);
    QVERIFY(find(plan, u"loading"_s).pending);
    QCOMPARE(find(plan, u"loading"_s).action, CleanupAction::Keep);
    QCOMPARE(find(plan, u"broken"_s).action, CleanupAction::Keep);
    // With a digest unknown, nothing is deleted whole: that tag might be on the image too
    QCOMPARE(find(plan, u"old"_s).action, CleanupAction::Untag);
    QCOMPARE(plan.summary.imagesDeleted, 0);

    // A tag without a creation time is kept when age decides
    Builder c;
    c.tag(u"a"_s, 'a', 100);
    c.inventory.tags.append(InventoryTag{u"undated"_s, digestOf('b'), {}, {}, {}, true});
    const CleanupPlan undated = planCleanup(c.inventory, rules, Now);
    QCOMPARE(find(undated, u"undated"_s).action, CleanupAction::Keep);
    QVERIFY(find(undated, u"undated"_s).reason.contains(u"unknown"_s));
    QCOMPARE(find(undated, u"a"_s).action, CleanupAction::Keep); // the newest dated one
}

void TestCleanupPlan::imagesOfAKeptIndexAreNeverDeleted()
{
    // Given an index "multi" (kept) listing image p, which a tag "amd64" also names
    Builder b;
    b.tag(u"multi"_s, 'i', 1).tag(u"amd64"_s, 'p', 50);
    auto index = std::make_shared<ImageMetadata>();
    index->digest = digestOf('i');
    PlatformImage platform;
    platform.digest = digestOf('p');
    platform.size = 100;
    index->platforms.append(platform);
    b.inventory.images.insert(index->digest, index);
    RetentionRules rules;
    rules.keepLast = 1;
    const CleanupPlan plan = planCleanup(b.inventory, rules, Now);
    // Then "amd64" is only untagged: deleting p would break the index
    QCOMPARE(find(plan, u"amd64"_s).action, CleanupAction::Untag);
    QVERIFY(find(plan, u"amd64"_s).reason.contains(u"kept index"_s));
    QCOMPARE(plan.summary.imagesDeleted, 0);
}

void TestCleanupPlan::reclaimableCountsLayersOnceAndNotThoseStillUsed()
{
    // a: layers x(100) y(10); b: x(100) z(5); c (kept): y(10) w(1)
    Builder b;
    b.tag(u"a"_s, 'a', 30).tag(u"b"_s, 'b', 20).tag(u"c"_s, 'c', 1);
    b.add('a', {{'x', 100}, {'y', 10}})
            .add('b', {{'x', 100}, {'z', 5}})
            .add('c', {{'y', 10}, {'w', 1}});
    RetentionRules rules;
    rules.keepLast = 1;
    const CleanupPlan plan = planCleanup(b.inventory, rules, Now);
    QCOMPARE(plan.summary.imagesDeleted, 2);
    // x once (100) + z (5); y stays with c
    QCOMPARE(plan.summary.bytesReclaimable, 105);
    QVERIFY(!plan.summary.bytesIncludeIndexes);
}

void TestCleanupPlan::untaggedImagesGoAfterTheGracePeriod()
{
    // Given a kept tag on c (layers y, w) and untagged images: u pushed 2 days ago (layers x,
    // y), f 10 minutes ago, n not readable, l still loading
    Builder b;
    b.tag(u"c"_s, 'c', 1).add('c', {{'y', 10}, {'w', 1}});
    b.untagged('u', 48 * 60, {{'x', 100}, {'y', 10}}).untagged('f', 10, {{'z', 7}});
    b.inventory.untagged.append(InventoryImage{
            {digestOf('n'), {}, Now.addDays(-9), 5}, {}, u"manifest unknown"_s, true});
    RetentionRules rules;
    rules.keep.append(pattern(u".*"_s));

    // When the rules do not ask for untagged images, they are not in the plan
    const CleanupPlan without = planCleanup(b.inventory, rules, Now);
    QVERIFY(without.untagged.isEmpty());
    QCOMPARE(without.summary.imagesDeleted, 0);

    // When they do
    rules.untagged = true;
    const CleanupPlan plan = planCleanup(b.inventory, rules, Now);

    // Then u goes (only x is freed: y stays with c), f stays (inside the hour), n stays
    QCOMPARE(plan.untagged.size(), 3);
    QCOMPARE(plan.deletedUntagged(), QStringList{digestOf('u')});
    QCOMPARE(plan.summary.untaggedDeleted, 1);
    QCOMPARE(plan.summary.untaggedKept, 2);
    QCOMPARE(plan.summary.imagesDeleted, 1);
    QCOMPARE(plan.summary.bytesReclaimable, 100);
    QVERIFY(plan.isFinal());
    for (const PlannedImage &image : plan.untagged) {
        if (image.digest == digestOf('f'))
            QVERIFY2(image.reason.contains(u"less than 1h"_s), qPrintable(image.reason));
        if (image.digest == digestOf('n'))
            QVERIFY2(image.reason.contains(u"could not be read"_s), qPrintable(image.reason));
    }
    // An --older-than stands in for the grace period: 5 minutes lets f go as well
    rules.olderThanSeconds = 300;
    QCOMPARE(planCleanup(b.inventory, rules, Now).summary.untaggedDeleted, 2);

    // And one still loading, or a list not yet arrived, keeps the plan from being final
    b.inventory.untagged.append(
            InventoryImage{{digestOf('l'), {}, Now.addDays(-9), 5}, {}, {}, false});
    const CleanupPlan loading = planCleanup(b.inventory, rules, Now);
    QVERIFY(!loading.isFinal());
    QCOMPARE(loading.summary.pending, 1);
    b.inventory.untagged.removeLast();
    b.inventory.untaggedListed = false;
    QVERIFY(!planCleanup(b.inventory, rules, Now).isFinal());

    // And the JSON lists them apart from the tags
    b.inventory.untaggedListed = true;
    const QJsonObject json = planCleanup(b.inventory, rules, Now).toJson();
    QCOMPARE(json.value(u"tags"_s).toArray().size(), 1);
    QCOMPARE(json.value(u"untagged"_s).toArray().size(), 3);
    QCOMPARE(json.value(u"summary"_s).toObject().value(u"untagged"_s).toInt(), 2);
    QCOMPARE(json.value(u"rules"_s).toObject().value(u"untagged"_s).toBool(), true);
}

void TestCleanupPlan::untaggedImagesAKeptIndexListsStay()
{
    // Given a kept index tag listing p, and p also listed as untagged (a server that does not
    // filter the platforms of an index out)
    Builder b;
    b.tag(u"multi"_s, 'i', 1);
    auto index = std::make_shared<ImageMetadata>();
    index->digest = digestOf('i');
    PlatformImage platform;
    platform.digest = digestOf('p');
    index->platforms.append(platform);
    b.inventory.images.insert(index->digest, index);
    b.untagged('p', 100 * 60, {{'x', 5}});
    RetentionRules rules;
    rules.keep.append(pattern(u".*"_s));
    rules.untagged = true;
    const CleanupPlan plan = planCleanup(b.inventory, rules, Now);
    QCOMPARE(plan.untagged.size(), 1);
    QCOMPARE(plan.untagged.first().action, CleanupAction::Keep);
    QVERIFY(plan.untagged.first().reason.contains(u"kept index"_s));
}

void TestCleanupPlan::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("seconds");
    QTest::newRow("days") << u"90d"_s << qint64(90 * 86400);
    QTest::newRow("hours") << u"12h"_s << qint64(12 * 3600);
    QTest::newRow("weeks") << u"2w"_s << qint64(14 * 86400);
    QTest::newRow("seconds") << u"45s"_s << qint64(45);
    QTest::newRow("no unit") << u"90"_s << qint64(-1);
    QTest::newRow("unknown unit") << u"3y"_s << qint64(-1);
    QTest::newRow("zero") << u"0d"_s << qint64(-1);
    QTest::newRow("negative") << u"-1d"_s << qint64(-1);
    QTest::newRow("empty") << QString() << qint64(-1);
}

void TestCleanupPlan::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, seconds);
    const auto parsed = RetentionRules::parseDuration(text);
    QCOMPARE(parsed.value_or(-1), seconds);
    if (parsed)
        QCOMPARE(RetentionRules::parseDuration(RetentionRules::durationText(*parsed)), parsed);
}

void TestCleanupPlan::jsonHasEveryTagAndTheSummary()
{
    Builder b;
    b.tag(u"a"_s, 'a', 30).tag(u"b"_s, 'b', 1);
    RetentionRules rules;
    rules.keepLast = 1;
    rules.keep.append(pattern(u"lat.st"_s));
    const QJsonObject json = planCleanup(b.inventory, rules, Now).toJson();
    QCOMPARE(json.value(u"repository"_s).toString(), u"team/app"_s);
    QCOMPARE(json.value(u"tags"_s).toArray().size(), 2);
    const QJsonObject first = json.value(u"tags"_s).toArray().at(0).toObject();
    QCOMPARE(first.value(u"tag"_s).toString(), u"a"_s);
    QCOMPARE(first.value(u"action"_s).toString(), u"delete"_s);
    QCOMPARE(first.value(u"digest"_s).toString(), digestOf('a'));
    QVERIFY(first.contains(u"created"_s) && first.contains(u"pushed"_s)
            && first.contains(u"reason"_s));
    const QJsonObject summary = json.value(u"summary"_s).toObject();
    for (const QString &key :
         {u"keep"_s, u"untag"_s, u"delete"_s, u"images_deleted"_s, u"bytes_reclaimable"_s})
        QVERIFY2(summary.contains(key), qPrintable(key));
    QCOMPARE(summary.value(u"delete"_s).toInt(), 1);
    const QJsonObject jsonRules = json.value(u"rules"_s).toObject();
    QCOMPARE(jsonRules.value(u"keep_last"_s).toInt(), 1);
    QCOMPARE(jsonRules.value(u"by"_s).toString(), u"created"_s);
    QCOMPARE(jsonRules.value(u"keep"_s).toArray().at(0).toString(), u"lat.st"_s);
}

QTEST_GUILESS_MAIN(TestCleanupPlan)
#include "tst_cleanupplan.moc"
