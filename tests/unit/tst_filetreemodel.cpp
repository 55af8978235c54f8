// FileTreeModel over an ImageFilesystem made from hand-written layer listings: the merged tree
// with folder sums, one layer's changes with its removed paths, the glob, the largest files, and
// 300,000 entries built in one pass. QAbstractItemModelTester watches every view switch.

#include "models/files/filetreemodel.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QTest>

#include <algorithm>

using namespace Berth;
using namespace Qt::StringLiterals;

namespace {

LayerEntry entry(const QString &path, EntryType type, qint64 size = 0, quint32 mode = 0644,
                 const QString &link = {})
{
    LayerEntry e;
    e.path = path;
    e.type = type;
    e.size = size;
    e.mode = mode;
    e.link = link;
    return e;
}
LayerEntry file(const QString &path, qint64 size, quint32 mode = 0644)
{
    return entry(path, EntryType::File, size, mode);
}
LayerEntry dir(const QString &path)
{
    return entry(path, EntryType::Dir, 0, 0755);
}
LayerEntry symlink(const QString &path, const QString &target)
{
    return entry(path, EntryType::Symlink, 0, 0777, target);
}
LayerEntry hardlink(const QString &path, const QString &target)
{
    return entry(path, EntryType::Hardlink, 0, 0755, target);
}
LayerEntry whiteout(const QString &path, bool opaque = false)
{
    LayerEntry e = entry(path, EntryType::Whiteout);
    e.opaque = opaque;
    return e;
}
LayerListing listing(const QString &digest, const QList<LayerEntry> &entries)
{
    LayerListing l;
    l.digest = digest;
    l.compression = u"gzip"_s;
    l.entries = entries;
    return l;
}

//! Layer 1: a small distribution. Layer 2: whiteouts (a file, a folder), an opaque folder, a
//! changed file, a new application folder.
ImageFilesystem sampleFilesystem()
{
    return ImageFilesystem({
            listing(u"sha256:1"_s,
                    {
                            dir(u"/bin"_s),
                            file(u"/bin/busybox"_s, 1000, 0755),
                            hardlink(u"/bin/ls"_s, u"/bin/busybox"_s),
                            dir(u"/etc"_s),
                            file(u"/etc/hostname"_s, 10),
                            file(u"/etc/motd"_s, 20),
                            symlink(u"/etc/os-release"_s, u"../usr/lib/os-release"_s),
                            // No "/usr", "/usr/share", ...: folders the tar implies.
                            file(u"/usr/share/doc/a/README"_s, 30),
                            file(u"/usr/share/doc/b/README"_s, 40),
                            file(u"/usr/lib/os-release"_s, 50),
                            file(u"/usr/lib/libc.so.6"_s, 5000, 0755),
                            symlink(u"/lib"_s, u"usr/lib"_s),
                            file(u"/var/cache/old.bin"_s, 300),
                    }),
            listing(u"sha256:2"_s,
                    {
                            whiteout(u"/etc/motd"_s),
                            whiteout(u"/usr/share/doc/a"_s),
                            whiteout(u"/var/cache"_s, true),
                            file(u"/var/cache/new.bin"_s, 7),
                            file(u"/etc/hostname"_s, 12),
                            dir(u"/app"_s),
                            file(u"/app/main.py"_s, 60),
                            file(u"/app/data.bin"_s, 9000),
                    }),
    });
}

QStringList childNames(const QAbstractItemModel &model, const QModelIndex &parent = {})
{
    QStringList names;
    for (int row = 0; row < model.rowCount(parent); ++row)
        names.append(model.index(row, FileTreeModel::NameColumn, parent).data().toString());
    return names;
}

//! Every path the view shows, depth first.
QStringList shownPaths(const QAbstractItemModel &model, const QModelIndex &parent = {})
{
    QStringList paths;
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        paths.append(index.data(FileTreeModel::PathRole).toString());
        paths += shownPaths(model, index);
    }
    return paths;
}

QVariant cell(const FileTreeModel &model, const QString &path, int column, int role)
{
    const QModelIndex index = model.indexOfPath(path);
    return index.siblingAtColumn(column).data(role);
}

} // namespace

class TestFileTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mergedTreeWithFolderSums();
    void layerViewShowsChangesAndRemovedPaths();
    void folderReplacedByAFile();
    void globShowsMatchesWithTheirFolders_data();
    void globShowsMatchesWithTheirFolders();
    void largestFilesIsAFlatListBySize();
    void switchesKeepTheModelConsistent();
    void threeHundredThousandEntries();
};

void TestFileTreeModel::mergedTreeWithFolderSums()
{
    // Given the two layers merged
    FileTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilesystem(sampleFilesystem());

    // Then the top level is the image's root, in name order, implied folders included
    QCOMPARE(childNames(model),
             (QStringList{u"app"_s, u"bin"_s, u"etc"_s, u"lib"_s, u"usr"_s, u"var"_s}));
    const QModelIndex etc = model.indexOfPath(u"/etc"_s);
    QVERIFY(etc.isValid());
    // motd went with its whiteout; hostname is layer 2's
    QCOMPARE(childNames(model, etc), (QStringList{u"hostname"_s, u"os-release"_s}));
    QCOMPARE(cell(model, u"/etc/hostname"_s, FileTreeModel::LayerColumn, Qt::DisplayRole),
             QVariant(u"2"_s));
    QCOMPARE(cell(model, u"/etc/hostname"_s, FileTreeModel::SizeColumn, FileTreeModel::SortRole)
                     .toLongLong(),
             12);
    // Folders sum their regular files (links count nothing)
    QCOMPARE(
            cell(model, u"/etc"_s, FileTreeModel::SizeColumn, FileTreeModel::SortRole).toLongLong(),
            12);
    QCOMPARE(
            cell(model, u"/usr"_s, FileTreeModel::SizeColumn, FileTreeModel::SortRole).toLongLong(),
            40 + 50 + 5000);
    QCOMPARE(model.shownFileBytes(), 1000 + 12 + 40 + 50 + 5000 + 7 + 60 + 9000);
    QCOMPARE(model.shownFiles(), 8);
    // The opaque folder keeps only what layer 2 put there
    QCOMPARE(childNames(model, model.indexOfPath(u"/var/cache"_s)), QStringList{u"new.bin"_s});
    // Mode, link, type and entry
    QCOMPARE(cell(model, u"/bin/busybox"_s, FileTreeModel::ModeColumn, Qt::DisplayRole),
             QVariant(u"0755"_s));
    QCOMPARE(cell(model, u"/lib"_s, FileTreeModel::LinkColumn, Qt::DisplayRole),
             QVariant(u"usr/lib"_s));
    QCOMPARE(cell(model, u"/bin/ls"_s, FileTreeModel::NameColumn, FileTreeModel::TypeRole).toInt(),
             int(EntryType::Hardlink));
    QVERIFY(cell(model, u"/usr"_s, FileTreeModel::NameColumn, FileTreeModel::IsFolderRole)
                    .toBool());
    QVERIFY(model.entryAt(model.indexOfPath(u"/app/main.py"_s)));
    QCOMPARE(model.entryAt(model.indexOfPath(u"/app/main.py"_s))->layer, 2);
    QCOMPARE(cell(model, u"/app"_s, FileTreeModel::NameColumn, FileTreeModel::ChangeRole).toInt(),
             -1);
}

void TestFileTreeModel::layerViewShowsChangesAndRemovedPaths()
{
    FileTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilesystem(sampleFilesystem());

    // When the view is what layer 2 did
    model.setLayer(2);
    QCOMPARE(model.layer(), 2);
    QCOMPARE(model.headerData(FileTreeModel::LayerColumn, Qt::Horizontal).toString(), u"Change"_s);

    // Then only its changes are there, with the folders above them
    QCOMPARE(shownPaths(model),
             (QStringList{u"/app"_s, u"/app/data.bin"_s, u"/app/main.py"_s, u"/etc"_s,
                          u"/etc/hostname"_s, u"/etc/motd"_s, u"/usr"_s, u"/usr/share"_s,
                          u"/usr/share/doc"_s, u"/usr/share/doc/a"_s, u"/usr/share/doc/a/README"_s,
                          u"/var"_s, u"/var/cache"_s, u"/var/cache/new.bin"_s,
                          u"/var/cache/old.bin"_s}));
    const auto change = [&](const QString &path) {
        return cell(model, path, FileTreeModel::NameColumn, FileTreeModel::ChangeRole).toInt();
    };
    const auto text = [&](const QString &path) {
        return cell(model, path, FileTreeModel::LayerColumn, Qt::DisplayRole).toString();
    };
    QCOMPARE(change(u"/app/main.py"_s), int(LayerChange::Added));
    QCOMPARE(change(u"/etc/hostname"_s), int(LayerChange::Changed));
    QCOMPARE(text(u"/etc/hostname"_s), u"changed"_s);
    // Removed paths are there, marked, with what they were
    QCOMPARE(change(u"/etc/motd"_s), int(LayerChange::Removed));
    QCOMPARE(text(u"/etc/motd"_s), u"removed"_s);
    QVERIFY(!model.entryAt(model.indexOfPath(u"/etc/motd"_s)));
    QCOMPARE(cell(model, u"/etc/motd"_s, FileTreeModel::SizeColumn, FileTreeModel::SortRole)
                     .toLongLong(),
             20);
    QCOMPARE(change(u"/usr/share/doc/a"_s), int(LayerChange::Removed));
    QCOMPARE(change(u"/usr/share/doc/a/README"_s), int(LayerChange::Removed));
    QCOMPARE(change(u"/var/cache/old.bin"_s), int(LayerChange::Removed));
    // Folders only above a change are context, not changes
    QCOMPARE(change(u"/usr/share"_s), -1);
    QCOMPARE(text(u"/usr/share"_s), QString());
    // Sums count what the layer wrote, not what it removed
    QCOMPARE(model.shownFileBytes(), 7 + 12 + 60 + 9000);
    QCOMPARE(model.shownFiles(), 4);

    // When the base layer is shown, every path of it is "added"
    model.setLayer(1);
    QCOMPARE(change(u"/etc/motd"_s), int(LayerChange::Added));
    QCOMPARE(change(u"/usr/share"_s), int(LayerChange::Added)); // implied by the tar
    // What a layer above removed or wrote again says so
    QVERIFY(cell(model, u"/etc/motd"_s, 0, Qt::ToolTipRole).toString().contains(u"above"_s));
    QVERIFY(cell(model, u"/etc/hostname"_s, 0, Qt::ToolTipRole).toString().contains(u"above"_s));
    QVERIFY(!cell(model, u"/bin/busybox"_s, 0, Qt::ToolTipRole).toString().contains(u"above"_s));
    // Back to all layers
    model.setLayer(0);
    QVERIFY(!model.indexOfPath(u"/etc/motd"_s).isValid());
    // Out of range is clamped
    model.setLayer(7);
    QCOMPARE(model.layer(), 2);
}

void TestFileTreeModel::folderReplacedByAFile()
{
    // Given a folder of the base that layer 2 replaces by a file (no whiteout)
    FileTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilesystem(ImageFilesystem({
            listing(u"sha256:1"_s, {file(u"/opt/thing/child.txt"_s, 5), file(u"/opt/x"_s, 1)}),
            listing(u"sha256:2"_s, {file(u"/opt/thing"_s, 3)}),
    }));
    // Then the image has the file, once
    QCOMPARE(childNames(model, model.indexOfPath(u"/opt"_s)), (QStringList{u"thing"_s, u"x"_s}));
    QVERIFY(!model.hasChildren(model.indexOfPath(u"/opt/thing"_s)));

    // And layer 2's view shows the file changed, with what it replaced below it, removed
    model.setLayer(2);
    QCOMPARE(shownPaths(model),
             (QStringList{u"/opt"_s, u"/opt/thing"_s, u"/opt/thing/child.txt"_s}));
    const QModelIndex thing = model.indexOfPath(u"/opt/thing"_s);
    QCOMPARE(thing.data(FileTreeModel::ChangeRole).toInt(), int(LayerChange::Changed));
    QCOMPARE(thing.data(FileTreeModel::TypeRole).toInt(), int(EntryType::File));
    QCOMPARE(model.rowCount(thing), 1);
    QCOMPARE(model.indexOfPath(u"/opt/thing/child.txt"_s).data(FileTreeModel::ChangeRole).toInt(),
             int(LayerChange::Removed));
    QCOMPARE(model.shownFileBytes(), 3);
}

void TestFileTreeModel::globShowsMatchesWithTheirFolders_data()
{
    QTest::addColumn<QString>("glob");
    QTest::addColumn<QStringList>("paths");
    QTest::newRow("name") << u"*.so.6"_s
                          << QStringList{u"/usr"_s, u"/usr/lib"_s, u"/usr/lib/libc.so.6"_s};
    QTest::newRow("substring, case-insensitive")
            << u"HOST"_s << QStringList{u"/etc"_s, u"/etc/hostname"_s};
    QTest::newRow("path with slash")
            << u"/usr/*/os-*"_s << QStringList{u"/usr"_s, u"/usr/lib"_s, u"/usr/lib/os-release"_s};
    QTest::newRow("everything in a folder")
            << u"/usr/lib/*"_s
            << QStringList{u"/usr"_s, u"/usr/lib"_s, u"/usr/lib/libc.so.6"_s,
                           u"/usr/lib/os-release"_s};
    QTest::newRow("path without leading slash")
            << u"etc/host*"_s << QStringList{u"/etc"_s, u"/etc/hostname"_s};
    QTest::newRow("a folder brings what is under it")
            << u"doc"_s
            << QStringList{u"/usr"_s, u"/usr/share"_s, u"/usr/share/doc"_s, u"/usr/share/doc/b"_s,
                           u"/usr/share/doc/b/README"_s};
    QTest::newRow("nothing") << u"*.exe"_s << QStringList{};
    QTest::newRow("unclosed bracket") << u"[abc"_s << QStringList{};
}

void TestFileTreeModel::globShowsMatchesWithTheirFolders()
{
    QFETCH(QString, glob);
    QFETCH(QStringList, paths);
    FileTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilesystem(sampleFilesystem());
    model.setPathFilter(glob);
    QCOMPARE(shownPaths(model), paths);
    // Context folders sum only the matching files
    if (!paths.isEmpty())
        QCOMPARE(model.shownFiles(),
                 int(std::count_if(paths.cbegin(), paths.cend(), [&](const QString &p) {
                     return cell(model, p, 0, FileTreeModel::TypeRole).toInt()
                            == int(EntryType::File);
                 })));
    // Clearing it shows everything again
    model.setPathFilter(QString());
    QCOMPARE(model.rowCount(), 6);
}

void TestFileTreeModel::largestFilesIsAFlatListBySize()
{
    // Given 300 files of sizes 1..300 in nested folders
    QList<LayerEntry> entries;
    for (int i = 1; i <= 300; ++i)
        entries.append(file(u"/data/%1/f%2.bin"_s.arg(i % 7).arg(i), i));
    FileTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFilesystem(ImageFilesystem({listing(u"sha256:big"_s, entries)}));

    // When largest files is on
    model.setLargestFiles(true);

    // Then the 200 biggest, biggest first, flat, by full path
    QCOMPARE(model.rowCount(), FileTreeModel::LargestCount);
    QCOMPARE(model.headerData(FileTreeModel::NameColumn, Qt::Horizontal).toString(), u"Path"_s);
    QCOMPARE(model.index(0, 0).data().toString(), u"/data/6/f300.bin"_s);
    QCOMPARE(model.index(0, 0).data(FileTreeModel::PathRole).toString(), u"/data/6/f300.bin"_s);
    QCOMPARE(model.index(199, FileTreeModel::SizeColumn).data(FileTreeModel::SortRole).toLongLong(),
             101);
    QVERIFY(!model.hasChildren(model.index(0, 0)));
    QCOMPARE(model.indexOfPath(u"/data/6/f300.bin"_s).row(), 0);

    // With a glob, only matching files are candidates
    model.setPathFilter(u"f1?.bin"_s);
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.index(0, 0).data().toString(), u"/data/5/f19.bin"_s);

    model.setPathFilter(QString());
    model.setLargestFiles(false);
    QCOMPARE(model.rowCount(), 1); // "data"
}

void TestFileTreeModel::switchesKeepTheModelConsistent()
{
    FileTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setFilesystem(sampleFilesystem());
    for (int layer : {0, 1, 2}) {
        for (const QString &glob : {QString(), u"*.bin"_s, u"doc"_s}) {
            for (bool largest : {false, true}) {
                model.setLayer(layer);
                model.setPathFilter(glob);
                model.setLargestFiles(largest);
                QCOMPARE(int(shownPaths(model).size()), model.shownCount());
            }
        }
    }
    model.setFilesystem(ImageFilesystem());
    QCOMPARE(model.rowCount(), 0);
}

void TestFileTreeModel::threeHundredThousandEntries()
{
    // Given 300,000 files in 3,000 folders over two layers
    QList<LayerEntry> base;
    QList<LayerEntry> top;
    for (int d = 0; d < 3000; ++d) {
        for (int f = 0; f < 100; ++f) {
            (f % 10 == 0 ? top : base)
                    .append(file(u"/usr/lib/pkg%1/sub/file%2.so"_s.arg(d).arg(f), d * 100 + f));
        }
    }
    const ImageFilesystem filesystem(
            {listing(u"sha256:base"_s, base), listing(u"sha256:top"_s, top)});
    QCOMPARE(filesystem.entries().size(), 300000 + 2 * 3000 + 2);

    // When the model shows it, then one pass builds the tree, the glob, the layer, the top 200
    FileTreeModel model;
    QElapsedTimer timer;
    timer.start();
    model.setFilesystem(filesystem);
    const qint64 tree = timer.restart();
    model.setPathFilter(u"file7?.so"_s);
    const qint64 glob = timer.restart();
    model.setLayer(2);
    const qint64 layer = timer.restart();
    model.setPathFilter(QString());
    model.setLayer(0);
    model.setLargestFiles(true);
    const qint64 largest = timer.restart();
    qInfo("300k entries: tree %lld ms, glob %lld ms, layer %lld ms, largest %lld ms", tree, glob,
          layer, largest);
    QCOMPARE(model.rowCount(), FileTreeModel::LargestCount);
    QCOMPARE(model.index(0, 0).data().toString(), u"/usr/lib/pkg2999/sub/file99.so"_s);
    // Generous bounds (a loaded CI machine, a debug build): a person must not wait seconds.
    QVERIFY2(tree < 3000 && glob < 3000 && layer < 3000 && largest < 3000,
             "building a view of 300k entries took seconds");
    model.setLargestFiles(false);
    const QModelIndex usr = model.index(0, 0);
    QCOMPARE(usr.data().toString(), u"usr"_s);
    const QModelIndex lib = model.index(0, 0, usr);
    QCOMPARE(model.rowCount(lib), 3000);
}

QTEST_GUILESS_MAIN(TestFileTreeModel)
#include "tst_filetreemodel.moc"
