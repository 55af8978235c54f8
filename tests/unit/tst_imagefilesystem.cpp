// The merged filesystem of hand-made layer listings (OCI's whiteout rules, implied folders, a
// folder replaced by a file, hard links keeping their layer's data, links followed with a loop
// bound), and the listing cache's file format (round trip, damaged files refused, the cap).
#include "models/files/imagefilesystem.h"
#include "models/files/layerlistingcache.h"

#include "net/core/digest.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Berth;
using namespace Qt::StringLiterals;

namespace {

LayerEntry entry(const QString &path, EntryType type = EntryType::File, qint64 size = 1,
                 const QString &link = {})
{
    LayerEntry made;
    made.path = path;
    made.type = type;
    made.size = size;
    made.mode = type == EntryType::Dir ? 0755 : 0644;
    made.link = link;
    return made;
}

LayerEntry whiteout(const QString &path, bool opaque = false)
{
    LayerEntry made = entry(path, EntryType::Whiteout, 0);
    made.opaque = opaque;
    return made;
}

LayerListing layer(const QList<LayerEntry> &entries)
{
    LayerListing listing;
    listing.entries = entries;
    return listing;
}

QStringList paths(const ImageFilesystem &filesystem)
{
    return filesystem.entries().keys();
}

} // namespace

class TestImageFilesystem : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void whiteoutsRemoveFromLowerLayersOnly();
    void opaqueFolderHidesLowerContent();
    void impliedFoldersAndReplacedFolders();
    void changesPerLayer();
    void hardLinksKeepTheirLayersData();
    void resolvesLinksWithABound();
    void cleansTypedPaths();
    void cacheRoundTrip();
    void cacheRefusesDamagedFiles();
    void cacheKeepsUnderItsCap();
};

void TestImageFilesystem::whiteoutsRemoveFromLowerLayersOnly()
{
    const ImageFilesystem filesystem({
            layer({entry(u"/etc"_s, EntryType::Dir), entry(u"/etc/a"_s), entry(u"/etc/b"_s),
                   entry(u"/opt"_s, EntryType::Dir), entry(u"/opt/x/y"_s)}),
            // The whiteout and a re-add of the same name in one layer: the new file stays.
            layer({whiteout(u"/etc/a"_s), entry(u"/etc/a"_s, EntryType::File, 7),
                   whiteout(u"/opt"_s), whiteout(u"/never-there"_s)}),
    });
    QCOMPARE(paths(filesystem), (QStringList{u"/etc"_s, u"/etc/a"_s, u"/etc/b"_s}));
    QCOMPARE(filesystem.find(u"/etc/a"_s)->entry.size, 7);
    QCOMPARE(filesystem.find(u"/etc/a"_s)->layer, 2);
    QCOMPARE(filesystem.find(u"/etc/b"_s)->layer, 1);
}

void TestImageFilesystem::opaqueFolderHidesLowerContent()
{
    const ImageFilesystem filesystem({
            layer({entry(u"/var/cache/apt/a"_s), entry(u"/var/cache/apt/b/c"_s),
                   entry(u"/var/cache/aptitude"_s)}),
            layer({whiteout(u"/var/cache/apt"_s, true), entry(u"/var/cache/apt/new"_s)}),
    });
    QVERIFY(filesystem.find(u"/var/cache/apt"_s)); // the folder itself stays
    QVERIFY(filesystem.find(u"/var/cache/apt/new"_s));
    QVERIFY(!filesystem.find(u"/var/cache/apt/a"_s));
    QVERIFY(!filesystem.find(u"/var/cache/apt/b"_s));
    QVERIFY(filesystem.find(u"/var/cache/aptitude"_s)); // a sibling sharing the prefix
}

void TestImageFilesystem::impliedFoldersAndReplacedFolders()
{
    const ImageFilesystem filesystem({
            layer({entry(u"/a/b/c"_s), entry(u"/d/e"_s), entry(u"/f"_s)}),
            // /d becomes a file: what was under it goes; /f becomes a folder.
            layer({entry(u"/d"_s, EntryType::File, 3), entry(u"/f/g"_s)}),
    });
    QCOMPARE(paths(filesystem),
             (QStringList{u"/a"_s, u"/a/b"_s, u"/a/b/c"_s, u"/d"_s, u"/f"_s, u"/f/g"_s}));
    QCOMPARE(filesystem.find(u"/a/b"_s)->entry.type, EntryType::Dir);
    QCOMPARE(filesystem.find(u"/f"_s)->entry.type, EntryType::Dir);
    QCOMPARE(filesystem.find(u"/f"_s)->layer, 2);
    QCOMPARE(filesystem.under(u"/a"_s).size(), 2);
    QCOMPARE(filesystem.totalFileBytes(), 1 + 3 + 1);
}

void TestImageFilesystem::changesPerLayer()
{
    const ImageFilesystem filesystem({
            layer({entry(u"/x"_s), entry(u"/y"_s)}),
            layer({entry(u"/x"_s, EntryType::File, 5), whiteout(u"/y"_s), entry(u"/z"_s)}),
    });
    QCOMPARE(filesystem.layerCount(), 2);
    QMap<QString, LayerChange::Kind> kinds;
    for (const LayerChange &change : filesystem.changesOf(2))
        kinds.insert(change.path, change.kind);
    QCOMPARE(kinds.value(u"/x"_s), LayerChange::Changed);
    QCOMPARE(kinds.value(u"/y"_s), LayerChange::Removed);
    QCOMPARE(kinds.value(u"/z"_s), LayerChange::Added);
    QVERIFY(filesystem.changesOf(3).isEmpty());
}

void TestImageFilesystem::hardLinksKeepTheirLayersData()
{
    LayerEntry original = entry(u"/bin/busybox"_s, EntryType::File, 100);
    original.dataOffset = 512;
    LayerEntry changed = entry(u"/bin/busybox"_s, EntryType::File, 200);
    changed.dataOffset = 1024;
    const ImageFilesystem filesystem({
            layer({original, entry(u"/bin/ls"_s, EntryType::Hardlink, 0, u"/bin/busybox"_s)}),
            layer({changed}),
    });
    const Result<const MergedEntry *> ls = filesystem.resolveFile(u"/bin/ls"_s);
    QVERIFY2(ls, qPrintable(ls.error().message));
    QCOMPARE((*ls)->layer, 1);
    QCOMPARE((*ls)->entry.size, 100);
    QCOMPARE((*filesystem.resolveFile(u"/bin/busybox"_s))->layer, 2);
}

void TestImageFilesystem::resolvesLinksWithABound()
{
    const ImageFilesystem filesystem({layer({
            entry(u"/usr/lib/os-release"_s, EntryType::File, 10),
            entry(u"/lib"_s, EntryType::Symlink, 0, u"usr/lib"_s),
            entry(u"/etc/os-release"_s, EntryType::Symlink, 0, u"../usr/lib/os-release"_s),
            entry(u"/abs"_s, EntryType::Symlink, 0, u"/lib/os-release"_s),
            entry(u"/up"_s, EntryType::Symlink, 0, u"../../../usr/lib/os-release"_s),
            entry(u"/loop1"_s, EntryType::Symlink, 0, u"loop2"_s),
            entry(u"/loop2"_s, EntryType::Symlink, 0, u"/loop1"_s),
            entry(u"/dev/null"_s, EntryType::Other, 0),
    })});
    for (const QString &path : {u"/lib/os-release"_s, u"/etc/os-release"_s, u"/abs"_s, u"/up"_s}) {
        const Result<const MergedEntry *> file = filesystem.resolveFile(path);
        QVERIFY2(file, qPrintable(path + u": "_s + file.error().message));
        QCOMPARE((*file)->entry.path, u"/usr/lib/os-release"_s);
    }
    const Result<const MergedEntry *> loop = filesystem.resolveFile(u"/loop1"_s);
    QVERIFY(!loop);
    QVERIFY2(loop.error().message.contains(u"too many levels"_s), qPrintable(loop.error().message));
    QCOMPARE(filesystem.resolveFile(u"/usr"_s).error().code, ErrorCode::InvalidInput);
    QCOMPARE(filesystem.resolveFile(u"/dev/null"_s).error().code, ErrorCode::InvalidInput);
    QCOMPARE(filesystem.resolveFile(u"/nope"_s).error().code, ErrorCode::NotFound);
    QCOMPARE(filesystem.resolveFile(u"/usr/lib/os-release/x"_s).error().code, ErrorCode::NotFound);
    QCOMPARE(*filesystem.resolvePath(u"/lib"_s, false), u"/lib"_s);
    QCOMPARE(*filesystem.resolvePath(u"/lib"_s, true), u"/usr/lib"_s);
}

void TestImageFilesystem::cleansTypedPaths()
{
    QCOMPARE(ImageFilesystem::cleanPath(u"etc/../usr//lib/./x/"), u"/usr/lib/x"_s);
    QCOMPARE(ImageFilesystem::cleanPath(u"/../../etc"), u"/etc"_s);
    QCOMPARE(ImageFilesystem::cleanPath(u""), u"/"_s);
}

void TestImageFilesystem::cacheRoundTrip()
{
    QTemporaryDir dir;
    LayerListingCache cache(dir.path());
    LayerListing listing;
    listing.digest = Digest::sha256("layer");
    listing.compression = u"gzip"_s;
    listing.compressedBytes = 1234;
    listing.uncompressedBytes = 5678;
    listing.warnings = {u"skipped ../x"_s};
    LayerEntry file = entry(u"/etc/hostname"_s, EntryType::File, 6);
    file.dataOffset = 512;
    file.hasContentDigest = true;
    file.contentDigest.fill(0xab);
    file.uid = 1000;
    file.mtime = 1700000000;
    listing.entries = {file, whiteout(u"/var"_s, true),
                       entry(u"/lib"_s, EntryType::Symlink, 0, u"usr/lib"_s)};
    listing.checkpoints = {{100, 2000000, 3, QByteArray(32768, 'w')}};
    QVERIFY(cache.store(listing));
    const std::optional<LayerListing> loaded = cache.load(listing.digest);
    QVERIFY(loaded);
    QCOMPARE(loaded->compression, listing.compression);
    QCOMPARE(loaded->uncompressedBytes, 5678);
    QCOMPARE(loaded->warnings, listing.warnings);
    QCOMPARE(loaded->entries.size(), 3);
    const LayerEntry &back = loaded->entries.constFirst();
    QCOMPARE(back.path, file.path);
    QCOMPARE(back.dataOffset, 512);
    QCOMPARE(back.uid, 1000);
    QCOMPARE(back.mtime, 1700000000);
    QVERIFY(back.hasContentDigest);
    QCOMPARE(back.contentDigest, file.contentDigest);
    QVERIFY(loaded->entries.at(1).opaque);
    QCOMPARE(loaded->entries.at(2).link, u"usr/lib"_s);
    QCOMPARE(loaded->checkpoints.size(), 1);
    QCOMPARE(loaded->checkpoints.constFirst().bits, 3);
    QCOMPARE(loaded->checkpoints.constFirst().window, QByteArray(32768, 'w'));
    QVERIFY(!cache.load(Digest::sha256("other")));
}

void TestImageFilesystem::cacheRefusesDamagedFiles()
{
    QTemporaryDir dir;
    LayerListingCache cache(dir.path());
    LayerListing listing;
    listing.digest = Digest::sha256("layer");
    listing.entries = {entry(u"/a"_s)};
    const QByteArray good = LayerListingCache::encode(listing);
    QVERIFY(LayerListingCache::decode(good));
    QVERIFY(!LayerListingCache::decode(good.left(good.size() / 2)));
    QVERIFY(!LayerListingCache::decode(QByteArray("BLST")));
    QByteArray flipped = good;
    flipped[12] = char(flipped[12] ^ 0x40);
    QVERIFY(!LayerListingCache::decode(flipped)); // zlib's checksum, or the shape
    // A file stored under another digest's name is not taken for it.
    QVERIFY(cache.store(listing));
    const QString other = Digest::sha256("other");
    QVERIFY(QFile::copy(dir.filePath(listing.digest.replace(u':', u'-') + u".listing"_s),
                        dir.filePath(QString(other).replace(u':', u'-') + u".listing"_s)));
    QVERIFY(!cache.load(other));
}

void TestImageFilesystem::cacheKeepsUnderItsCap()
{
    QTemporaryDir dir;
    LayerListingCache cache(dir.path());
    cache.setCapBytes(3 * 1024);
    for (int i = 0; i < 20; ++i) {
        LayerListing listing;
        listing.digest = Digest::sha256(QByteArray::number(i));
        for (int j = 0; j < 40; ++j)
            listing.entries.append(entry(u"/file-%1-%2"_s.arg(i).arg(j)));
        QVERIFY(cache.store(listing));
    }
    qint64 total = 0;
    for (const QFileInfo &info : QDir(dir.path()).entryInfoList(QDir::Files))
        total += info.size();
    QVERIFY2(total <= 3 * 1024, qPrintable(QString::number(total)));
    QVERIFY(cache.load(Digest::sha256("19"))); // the newest stays
}

QTEST_GUILESS_MAIN(TestImageFilesystem)
#include "tst_imagefilesystem.moc"
