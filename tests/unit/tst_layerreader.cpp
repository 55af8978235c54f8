// The layer reader on layers made by Debian's tar, gzip and zstd: entries, whiteouts, hard
// links, data offsets and gzip checkpoints (a file read back from the middle of the blob equals
// what tar extracts), digest checks, and broken blobs.
#include "net/layers/bytesource.h"
#include "net/layers/layerreader.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace Berth;
using namespace Qt::StringLiterals;

namespace {

QByteArray run(const QString &program, const QStringList &arguments, const QString &directory,
               const QByteArray &input = {})
{
    QProcess process;
    process.setWorkingDirectory(directory);
    process.start(program, arguments);
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(60000);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        qWarning() << program << arguments << process.readAllStandardError();
    return process.readAllStandardOutput();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

QString sha256Of(QByteArrayView bytes)
{
    return u"sha256:"_s
           + QString::fromLatin1(
                   QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QByteArray incompressible(qint64 size, quint32 seed)
{
    QByteArray bytes((size + 3) / 4 * 4, Qt::Uninitialized);
    QRandomGenerator random(seed);
    random.fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    bytes.truncate(size);
    return bytes;
}

const LayerEntry *find(const LayerListing &listing, const QString &path)
{
    for (const LayerEntry &entry : listing.entries) {
        if (entry.path == path)
            return &entry;
    }
    return nullptr;
}

} // namespace

class TestLayerReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listsWhatTarWrote_data();
    void listsWhatTarWrote();
    void whiteoutsAndOpaqueMarkers();
    void readsFilesFromCheckpoints();
    void readsAcrossGzipMembers();
    void refusesWrongDigestAndSize();
    void failsOnBrokenBlobs_data();
    void failsOnBrokenBlobs();
    void skipsPathsOutOfTheRoot();
    void boundsTheEntryCount();
    void countsTheWarningsItDoesNotList();

private:
    QByteArray tarOf(const QStringList &paths) const;
    QTemporaryDir m_dir;
    QString m_tree;
};

void TestLayerReader::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_tree = m_dir.filePath(u"tree"_s);
    writeFile(m_tree + u"/etc/hostname"_s, "berth\n");
    writeFile(m_tree + u"/usr/lib/os-release"_s, "NAME=Berth\n");
    writeFile(m_tree + u"/usr/bin/tool"_s, incompressible(3 * 1024 * 1024 + 17, 7));
    writeFile(m_tree + u"/usr/share/big.txt"_s,
              QByteArray("all work and no play\n").repeated(400000));
    writeFile(m_tree + u"/usr/share/after.bin"_s, incompressible(5 * 1024 * 1024, 9));
    QFile::setPermissions(m_tree + u"/usr/bin/tool"_s,
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                  | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    QVERIFY(QFile::link(u"usr/lib"_s, m_tree + u"/lib"_s));
    QVERIFY(QFile::link(u"../usr/lib/os-release"_s, m_tree + u"/etc/os-release"_s));
    QCOMPARE(::link(QFile::encodeName(m_tree + u"/usr/bin/tool"_s).constData(),
                    QFile::encodeName(m_tree + u"/usr/bin/tool-again"_s).constData()),
             0);
}

QByteArray TestLayerReader::tarOf(const QStringList &paths) const
{
    return run(u"tar"_s,
               QStringList{u"--format=posix"_s, u"--numeric-owner"_s, u"-cf"_s, u"-"_s} + paths,
               m_tree);
}

void TestLayerReader::listsWhatTarWrote_data()
{
    QTest::addColumn<QString>("compressor");
    QTest::newRow("plain") << QString();
    QTest::newRow("gzip") << u"gzip"_s;
    QTest::newRow("zstd") << u"zstd"_s;
}

void TestLayerReader::listsWhatTarWrote()
{
    QFETCH(QString, compressor);
    const QByteArray tar = tarOf({u"."_s});
    const QByteArray blob = compressor.isEmpty()
                                    ? tar
                                    : run(compressor,
                                          compressor == u"gzip"_s ? QStringList{u"-c"_s, u"-n"_s}
                                                                  : QStringList{u"-c"_s},
                                          m_tree, tar);
    QVERIFY(!blob.isEmpty());
    MemorySource source(blob);
    LayerReadOptions options;
    options.digest = sha256Of(blob);
    options.size = blob.size();
    const Result<LayerListing> listing = readLayer(source, options);
    QVERIFY2(listing, qPrintable(listing.error().message));
    QCOMPARE(listing->compression, compressor.isEmpty() ? u"none"_s : compressor);
    QCOMPARE(listing->compressedBytes, blob.size());
    if (compressor != u"zstd"_s) // libarchive's zstd filter stops at the tar's end blocks
        QCOMPARE(listing->uncompressedBytes, tar.size());

    // What GNU tar itself lists from the same tar.
    const QStringList tarNames = QString::fromUtf8(run(u"tar"_s, {u"-tf"_s, u"-"_s}, m_tree, tar))
                                         .split(u'\n', Qt::SkipEmptyParts);
    QStringList expected;
    for (const QString &name : tarNames) {
        const QString path = *normaliseLayerPath(name);
        if (path != u"/"_s)
            expected.append(path);
    }
    QStringList listed;
    for (const LayerEntry &entry : listing->entries)
        listed.append(entry.path);
    QCOMPARE(listed, expected);

    const LayerEntry *tool = find(*listing, u"/usr/bin/tool"_s);
    const LayerEntry *again = find(*listing, u"/usr/bin/tool-again"_s);
    QVERIFY(tool && again);
    // tar stores the second name of an inode as a hard link to the first it wrote.
    const LayerEntry *linked = tool->type == EntryType::Hardlink ? tool : again;
    const LayerEntry *data = tool->type == EntryType::Hardlink ? again : tool;
    QCOMPARE(linked->type, EntryType::Hardlink);
    QCOMPARE(linked->link, data->path);
    QCOMPARE(data->type, EntryType::File);
    QCOMPARE(data->modeText(), u"0755"_s);
    QCOMPARE(data->size, 3 * 1024 * 1024 + 17);
    QVERIFY(data->hasContentDigest);
    QCOMPARE(u"sha256:"_s + Sha256Stream::hex(data->contentDigest),
             sha256Of(incompressible(3 * 1024 * 1024 + 17, 7)));
    const LayerEntry *lib = find(*listing, u"/lib"_s);
    QVERIFY(lib);
    QCOMPARE(lib->type, EntryType::Symlink);
    QCOMPARE(lib->link, u"usr/lib"_s);
    QCOMPARE(find(*listing, u"/etc/os-release"_s)->link, u"../usr/lib/os-release"_s);
    QCOMPARE(find(*listing, u"/usr/share"_s)->type, EntryType::Dir);

    // Every file's bytes sit at its dataOffset in the uncompressed tar.
    for (const LayerEntry &entry : listing->entries) {
        if (entry.type != EntryType::File)
            continue;
        QVERIFY(entry.dataOffset > 0);
        QCOMPARE(sha256Of(QByteArrayView(tar).sliced(entry.dataOffset, entry.size)),
                 u"sha256:"_s + Sha256Stream::hex(entry.contentDigest));
    }
    if (compressor == u"gzip"_s)
        QVERIFY(!listing->checkpoints.isEmpty());
    else
        QVERIFY(listing->checkpoints.isEmpty());
}

void TestLayerReader::whiteoutsAndOpaqueMarkers()
{
    QTemporaryDir upper;
    writeFile(upper.filePath(u"etc/.wh.hostname"_s), {});
    writeFile(upper.filePath(u"usr/share/.wh..wh..opq"_s), {});
    writeFile(upper.filePath(u"usr/share/new.txt"_s), "new\n");
    writeFile(upper.filePath(u".wh..wh.plnk/123.4"_s), {}); // aufs' hard-link directory
    const QByteArray tar = run(u"tar"_s, {u"-cf"_s, u"-"_s, u"."_s}, upper.path());
    MemorySource source(tar);
    const Result<LayerListing> listing = readLayer(source, {});
    QVERIFY2(listing, qPrintable(listing.error().message));
    const LayerEntry *hostname = find(*listing, u"/etc/hostname"_s);
    QVERIFY(hostname);
    QCOMPARE(hostname->type, EntryType::Whiteout);
    QVERIFY(!hostname->opaque);
    const LayerEntry *share = nullptr;
    for (const LayerEntry &entry : listing->entries) {
        if (entry.path == u"/usr/share"_s && entry.opaque)
            share = &entry;
        QVERIFY2(!entry.path.contains(u".wh."_s), qPrintable(entry.path));
    }
    QVERIFY(share);
    QCOMPARE(share->type, EntryType::Whiteout);
    QVERIFY(find(*listing, u"/usr/share/new.txt"_s));
}

void TestLayerReader::readsFilesFromCheckpoints()
{
    const QByteArray tar = tarOf({u"."_s});
    const QByteArray blob = run(u"gzip"_s, {u"-c"_s, u"-n"_s}, m_tree, tar);
    MemorySource source(blob);
    LayerReadOptions options;
    options.checkpointSpan = 256 * 1024;
    const Result<LayerListing> listing = readLayer(source, options);
    QVERIFY2(listing, qPrintable(listing.error().message));
    QVERIFY(listing->checkpoints.size() > 10);
    for (const InflateCheckpoint &checkpoint : listing->checkpoints)
        QVERIFY(checkpoint.window.size() == 32 * 1024);

    for (const QString &path : {u"/usr/share/after.bin"_s, u"/usr/share/big.txt"_s,
                                u"/usr/lib/os-release"_s, u"/etc/hostname"_s}) {
        const LayerEntry *entry = find(*listing, path);
        QVERIFY(entry);
        const LayerRangeStart start = layerRangeStart(*listing, entry->dataOffset);
        const qint64 first = start.sourceOffset;
        const qint64 end = layerRangeLastByte(*listing, entry->dataOffset + entry->size);
        // Only the bytes of the blob a Range would fetch.
        MemorySource range(blob.mid(first, end < 0 ? -1 : end + 1 - first));
        QByteArray read;
        const Error error = readLayerRange(range, *listing, start, entry->dataOffset, entry->size,
                                           [&read](QByteArrayView bytes) {
                                               read += bytes;
                                               return true;
                                           });
        QVERIFY2(!error.isError(), qPrintable(error.message));
        QCOMPARE(read, run(u"tar"_s, {u"-xOf"_s, u"-"_s, u"."_s + path}, m_tree, tar));
        if (entry->size < 1024)
            QVERIFY2(end - first < blob.size() / 4, "a Range much shorter than the blob");
    }
}

void TestLayerReader::readsAcrossGzipMembers()
{
    // pigz and concatenating tools write several members; gzip -d reads them as one stream.
    // Sorted: after.bin (5 MiB), then big.txt, which the middle falls into.
    const QByteArray tar = tarOf({u"--sort=name"_s, u"./usr/share"_s});
    const qsizetype half = tar.size() / 2;
    const QByteArray blob = run(u"gzip"_s, {u"-c"_s, u"-n"_s}, m_tree, tar.left(half))
                            + run(u"gzip"_s, {u"-c"_s, u"-n"_s}, m_tree, tar.mid(half));
    MemorySource source(blob);
    LayerReadOptions options;
    options.checkpointSpan = 512 * 1024;
    const Result<LayerListing> listing = readLayer(source, options);
    QVERIFY2(listing, qPrintable(listing.error().message));
    QCOMPARE(listing->uncompressedBytes, tar.size());
    const LayerEntry *entry = find(*listing, u"/usr/share/big.txt"_s);
    QVERIFY(entry);
    QVERIFY(entry->dataOffset < half && entry->dataOffset + entry->size > half);
    const InflateCheckpoint *checkpoint = listing->checkpointBefore(entry->dataOffset);
    QVERIFY(checkpoint);
    QVERIFY(checkpoint->uncompressedOffset < half); // the read crosses into the second member
    const LayerRangeStart start = layerRangeStart(*listing, entry->dataOffset);
    QCOMPARE(start.checkpoint, checkpoint);
    MemorySource range(blob.mid(start.sourceOffset));
    QByteArray read;
    const Error error = readLayerRange(range, *listing, start, entry->dataOffset, entry->size,
                                       [&read](QByteArrayView bytes) {
                                           read += bytes;
                                           return true;
                                       });
    QVERIFY2(!error.isError(), qPrintable(error.message));
    QCOMPARE(read, QByteArray("all work and no play\n").repeated(400000));
}

void TestLayerReader::refusesWrongDigestAndSize()
{
    const QByteArray blob = run(u"gzip"_s, {u"-c"_s, u"-n"_s}, m_tree, tarOf({u"./etc"_s}));
    {
        MemorySource source(blob);
        LayerReadOptions options;
        options.digest = sha256Of("something else");
        const Result<LayerListing> listing = readLayer(source, options);
        QVERIFY(!listing);
        QCOMPARE(listing.error().code, ErrorCode::DigestMismatch);
    }
    {
        MemorySource source(blob);
        LayerReadOptions options;
        options.size = blob.size() - 10;
        const Result<LayerListing> listing = readLayer(source, options);
        QVERIFY(!listing);
        QCOMPARE(listing.error().code, ErrorCode::TooLarge);
    }
    {
        const QByteArray padded = blob + QByteArray(512, '\0');
        MemorySource source(padded);
        LayerReadOptions options;
        options.digest = sha256Of(padded);
        const Result<LayerListing> listing = readLayer(source, options);
        QVERIFY2(listing, "zero padding after the last member is read over, and hashed");
    }
}

void TestLayerReader::failsOnBrokenBlobs_data()
{
    QTest::addColumn<QByteArray>("blob");
    QTest::addColumn<QString>("message");
    const QByteArray tar = tarOf({u"./usr/share"_s});
    const QByteArray gz = run(u"gzip"_s, {u"-c"_s, u"-n"_s}, m_tree, tar);
    const QByteArray zst = run(u"zstd"_s, {u"-c"_s}, m_tree, tar);
    QByteArray corrupt = gz;
    for (qsizetype i = gz.size() / 3; i < gz.size() / 3 + 64; ++i)
        corrupt[i] = char(corrupt[i] ^ 0x5a);
    QTest::newRow("truncated gzip") << gz.left(gz.size() / 2) << u"truncated"_s;
    QTest::newRow("corrupt gzip") << corrupt << u"gzip"_s;
    QTest::newRow("truncated zstd") << zst.left(zst.size() / 2) << u"Truncated zstd"_s;
    QTest::newRow("truncated tar") << tar.left(tar.size() / 2 + 100) << u"tar"_s;
    QTest::newRow("not a tar") << QByteArray("{\"json\": true}").repeated(100) << u"tar"_s;
    QTest::newRow("empty") << QByteArray() << u"empty"_s;
}

void TestLayerReader::failsOnBrokenBlobs()
{
    QFETCH(QByteArray, blob);
    QFETCH(QString, message);
    MemorySource source(blob);
    const Result<LayerListing> listing = readLayer(source, {});
    QVERIFY(!listing);
    QVERIFY2(listing.error().message.contains(message), qPrintable(listing.error().message));
}

void TestLayerReader::skipsPathsOutOfTheRoot()
{
    QTemporaryDir dir;
    writeFile(dir.filePath(u"inside/file"_s), "x");
    writeFile(dir.filePath(u"escape"_s), "y");
    // GNU tar strips "../" on creation unless told to keep names as given.
    const QByteArray tar
            = run(u"tar"_s,
                  {u"-cf"_s, u"-"_s, u"-P"_s, u"--transform=s|^escape|../../etc/passwd|"_s,
                   u"escape"_s, u"inside"_s},
                  dir.path());
    MemorySource source(tar);
    const Result<LayerListing> listing = readLayer(source, {});
    QVERIFY2(listing, qPrintable(listing.error().message));
    QVERIFY(find(*listing, u"/inside/file"_s));
    for (const LayerEntry &entry : listing->entries)
        QVERIFY2(!entry.path.contains(u".."_s), qPrintable(entry.path));
    QCOMPARE(listing->warnings.size(), 1);
    QVERIFY2(listing->warnings.constFirst().contains(u"climbs out"_s),
             qPrintable(listing->warnings.constFirst()));
}

void TestLayerReader::boundsTheEntryCount()
{
    QTemporaryDir dir;
    for (int i = 0; i < 50; ++i)
        writeFile(dir.filePath(u"d/f%1"_s.arg(i)), {});
    MemorySource source(run(u"tar"_s, {u"-cf"_s, u"-"_s, u"d"_s}, dir.path()));
    LayerReadOptions options;
    options.maxEntries = 20;
    const Result<LayerListing> listing = readLayer(source, options);
    QVERIFY(!listing);
    QCOMPARE(listing.error().code, ErrorCode::TooLarge);
    QVERIFY2(listing.error().message.contains(u"more than 20 entries"_s),
             qPrintable(listing.error().message));
}

void TestLayerReader::countsTheWarningsItDoesNotList()
{
    QTemporaryDir dir;
    QStringList names;
    for (int i = 0; i < 25; ++i) {
        writeFile(dir.filePath(u"f%1"_s.arg(i)), "x");
        names.append(u"f%1"_s.arg(i));
    }
    const QByteArray tar = run(
            u"tar"_s, QStringList{u"-cf"_s, u"-"_s, u"-P"_s, u"--transform=s|^f|../f|"_s} + names,
            dir.path());
    MemorySource source(tar);
    const Result<LayerListing> listing = readLayer(source, {});
    QVERIFY2(listing, qPrintable(listing.error().message));
    QVERIFY(listing->entries.isEmpty());
    QCOMPARE(listing->warnings.size(), 21);
    QCOMPARE(listing->warnings.constLast(), u"... and 5 more skipped entries"_s);
}

QTEST_GUILESS_MAIN(TestLayerReader)
#include "tst_layerreader.moc"
