#include "models/metadata/metadatacache.h"
#include "models/metadata/metadatacodec.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimeZone>

#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace Berth::Test {

namespace {

const QString Registry = u"registry.example:5000"_s;

QString fakeDigest(const QString &seed)
{
    // Shape of a sha256 digest; the cache never recomputes it.
    return "sha256:"_L1
           + QString::fromLatin1(
                   QCryptographicHash::hash(seed.toUtf8(), QCryptographicHash::Sha256).toHex());
}

ImageMetadata singleImage(const QString &seed = u"single"_s)
{
    ImageMetadata m;
    m.digest = fakeDigest(seed);
    m.mediaType = u"application/vnd.oci.image.manifest.v1+json"_s;
    m.kind = ArtifactKind::Image;
    m.artifactType = u"application/vnd.example.thing"_s;
    m.size = 123456789;
    m.created = QDateTime(QDate(2024, 3, 1), QTime(12, 34, 56, 789), Qt::UTC);

    PlatformImage self;
    self.platform = Platform{u"linux"_s, u"arm64"_s, u"v8"_s, QString()};
    self.digest = m.digest;
    self.mediaType = m.mediaType;
    self.size = m.size;
    self.created = m.created;
    m.platforms = {self};

    Descriptor plain{u"application/vnd.oci.image.layer.v1.tar+gzip"_s,
                     fakeDigest(u"l1"_s),
                     1000,
                     QString(),
                     std::nullopt,
                     {}};
    Descriptor rich{
            u"application/vnd.oci.image.layer.v1.tar+zstd"_s,
            fakeDigest(u"l2"_s),
            (qint64(1) << 40) + 7,
            u"application/x-layer"_s,
            Platform{u"windows"_s, u"amd64"_s, QString(), u"10.0.20348.1"_s},
            {{u"org.opencontainers.image.title"_s, u"layer two ✓"_s}, {u"empty"_s, QString()}}};
    m.layers = {plain, rich};
    m.configDigest = fakeDigest(u"config"_s);
    m.configMediaType = u"application/vnd.oci.image.config.v1+json"_s;

    ImageConfig &c = m.config;
    c.created = m.created;
    c.createdText = u"2024-03-01T12:34:56.123456789Z"_s;
    c.os = u"linux"_s;
    c.architecture = u"arm64"_s;
    c.variant = u"v8"_s;
    c.author = u"Jörg <j@example.org>"_s;
    c.user = u"1000:1000"_s;
    c.workingDir = u"/srv/app"_s;
    c.entrypoint = {u"/bin/sh"_s, u"-c"_s};
    c.cmd = {u"exec app --flag=\"quoted\""_s, QString()};
    c.env = {u"PATH=/usr/bin"_s, u"LANG=C.UTF-8"_s};
    c.exposedPorts = {u"8080/tcp"_s, u"53/udp"_s};
    c.volumes = {u"/data"_s};
    c.labels = {{u"org.opencontainers.image.source"_s, u"https://example.org/src"_s},
                {u"multi\nline"_s, u"tab\there"_s}};
    c.history = {
            HistoryEntry{QDateTime(QDate(2023, 1, 2), QTime(3, 4, 5), Qt::OffsetFromUTC, 7200),
                         u"/bin/sh -c #(nop) ADD file:abc in / "_s, u"base"_s, false,
                         u"2023-01-02T03:04:05.000000500+02:00"_s},
            HistoryEntry{QDateTime(), u"RUN apt-get update && apt-get install -y curl"_s, QString(),
                         true, QString()},
            HistoryEntry{QDateTime(QDate(2024, 3, 1), QTime(12, 0), QTimeZone(3600)), QString(),
                         u"buildkit.dockerfile.v0"_s, false, u"2024-03-01T12:00:00+01:00"_s},
    };
    m.annotations = {{u"org.opencontainers.image.created"_s, u"2024-03-01T12:34:56Z"_s}};
    m.warnings = {u"config: unknown field tolerated"_s};
    return m;
}

ImageMetadata multiPlatformIndex()
{
    ImageMetadata m;
    m.digest = fakeDigest(u"index"_s);
    m.mediaType = u"application/vnd.oci.image.index.v1+json"_s;
    m.kind = ArtifactKind::Index;
    m.size = 3000;
    m.created = QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9, 1), Qt::OffsetFromUTC, -5 * 3600);
    m.platforms = {
            PlatformImage{Platform{u"linux"_s, u"amd64"_s, QString(), QString()},
                          fakeDigest(u"amd64"_s), u"application/vnd.oci.image.manifest.v1+json"_s,
                          1000, QDateTime(QDate(2024, 5, 6), QTime(7, 8, 9), Qt::UTC), QString()},
            PlatformImage{Platform{u"linux"_s, u"arm"_s, u"v7"_s, QString()},
                          fakeDigest(u"armv7"_s), u"application/vnd.oci.image.manifest.v1+json"_s,
                          2000, QDateTime(), QString()},
            PlatformImage{Platform{u"linux"_s, u"s390x"_s, QString(), QString()},
                          fakeDigest(u"s390x"_s), QString(), -1, QDateTime(),
                          u"manifest unknown (404)"_s},
    };
    m.attestations = {
            PlatformImage{Platform{u"unknown"_s, u"unknown"_s, QString(), QString()},
                          fakeDigest(u"att"_s), u"application/vnd.oci.image.manifest.v1+json"_s,
                          567, QDateTime(), QString()},
    };
    m.annotations = {{u"vnd.docker.reference.type"_s, u"index"_s}};
    m.warnings = {u"platform linux/s390x: manifest unknown"_s, u"second warning"_s};
    return m;
}

// Exact comparison, including what QDateTime::operator== ignores (spec, offset, zone).
void compareTime(const QDateTime &actual, const QDateTime &expected)
{
    QCOMPARE(actual.isValid(), expected.isValid());
    if (!expected.isValid())
        return;
    QCOMPARE(actual.toMSecsSinceEpoch(), expected.toMSecsSinceEpoch());
    QCOMPARE(actual.timeSpec(), expected.timeSpec());
    QCOMPARE(actual.offsetFromUtc(), expected.offsetFromUtc());
    if (expected.timeSpec() == Qt::TimeZone)
        QCOMPARE(actual.timeZone().id(), expected.timeZone().id());
}

#define CHECKED(call)                                                                              \
    do {                                                                                           \
        call;                                                                                      \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

void comparePlatformImage(const PlatformImage &a, const PlatformImage &e)
{
    QCOMPARE(a.platform, e.platform);
    QCOMPARE(a.platform.osVersion, e.platform.osVersion);
    QCOMPARE(a.digest, e.digest);
    QCOMPARE(a.mediaType, e.mediaType);
    QCOMPARE(a.size, e.size);
    CHECKED(compareTime(a.created, e.created));
    QCOMPARE(a.error, e.error);
}

void compareDescriptor(const Descriptor &a, const Descriptor &e)
{
    QCOMPARE(a.mediaType, e.mediaType);
    QCOMPARE(a.digest, e.digest);
    QCOMPARE(a.size, e.size);
    QCOMPARE(a.artifactType, e.artifactType);
    QCOMPARE(a.platform.has_value(), e.platform.has_value());
    if (e.platform)
        QCOMPARE(*a.platform, *e.platform);
    QCOMPARE(a.annotations, e.annotations);
}

void compareMetadata(const ImageMetadata &a, const ImageMetadata &e)
{
    QCOMPARE(a.digest, e.digest);
    QCOMPARE(a.mediaType, e.mediaType);
    QCOMPARE(a.kind, e.kind);
    QCOMPARE(a.artifactType, e.artifactType);
    QCOMPARE(a.size, e.size);
    CHECKED(compareTime(a.created, e.created));
    QCOMPARE(a.platforms.size(), e.platforms.size());
    for (qsizetype i = 0; i < e.platforms.size(); ++i)
        CHECKED(comparePlatformImage(a.platforms.at(i), e.platforms.at(i)));
    QCOMPARE(a.attestations.size(), e.attestations.size());
    for (qsizetype i = 0; i < e.attestations.size(); ++i)
        CHECKED(comparePlatformImage(a.attestations.at(i), e.attestations.at(i)));
    QCOMPARE(a.layers.size(), e.layers.size());
    for (qsizetype i = 0; i < e.layers.size(); ++i)
        CHECKED(compareDescriptor(a.layers.at(i), e.layers.at(i)));
    QCOMPARE(a.configDigest, e.configDigest);
    QCOMPARE(a.configMediaType, e.configMediaType);
    const ImageConfig &ac = a.config;
    const ImageConfig &ec = e.config;
    CHECKED(compareTime(ac.created, ec.created));
    QCOMPARE(ac.os, ec.os);
    QCOMPARE(ac.architecture, ec.architecture);
    QCOMPARE(ac.variant, ec.variant);
    QCOMPARE(ac.author, ec.author);
    QCOMPARE(ac.user, ec.user);
    QCOMPARE(ac.workingDir, ec.workingDir);
    QCOMPARE(ac.entrypoint, ec.entrypoint);
    QCOMPARE(ac.cmd, ec.cmd);
    QCOMPARE(ac.env, ec.env);
    QCOMPARE(ac.exposedPorts, ec.exposedPorts);
    QCOMPARE(ac.volumes, ec.volumes);
    QCOMPARE(ac.labels, ec.labels);
    QCOMPARE(ac.history.size(), ec.history.size());
    for (qsizetype i = 0; i < ec.history.size(); ++i) {
        CHECKED(compareTime(ac.history.at(i).created, ec.history.at(i).created));
        QCOMPARE(ac.history.at(i).createdBy, ec.history.at(i).createdBy);
        QCOMPARE(ac.history.at(i).comment, ec.history.at(i).comment);
        QCOMPARE(ac.history.at(i).emptyLayer, ec.history.at(i).emptyLayer);
        QCOMPARE(ac.history.at(i).createdText, ec.history.at(i).createdText);
    }
    QCOMPARE(ac.createdText, ec.createdText);
    QCOMPARE(a.annotations, e.annotations);
    QCOMPARE(a.warnings, e.warnings);
}

// A plain SQLite connection beside the cache, to look at the file without touching last_used.
class RawDb
{
public:
    explicit RawDb(const QString &path)
        : m_name(u"tst.raw.%1"_s.arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDb()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    QStringList column(const QString &sql, int index = 0)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        QStringList values;
        if (!q.exec(sql)) {
            values.append(u"ERROR: "_s + q.lastError().text());
            return values;
        }
        while (q.next())
            values.append(q.value(index).toString());
        return values;
    }
    bool exec(const QString &sql)
    {
        return QSqlQuery(QSqlDatabase::database(m_name, false)).exec(sql);
    }

private:
    static inline int s_count = 0;
    QString m_name;
};

bool waitForLine(QProcess &process, const QByteArray &line)
{
    QElapsedTimer timer;
    timer.start();
    // Generous: the child is this test binary starting on a shared, busy machine.
    while (timer.elapsed() < 60000) {
        while (process.canReadLine()) {
            if (process.readLine().trimmed() == line)
                return true;
        }
        if (process.state() == QProcess::NotRunning || !process.waitForReadyRead(1000)) {
            if (process.state() == QProcess::NotRunning)
                return false;
        }
    }
    return false;
}

// ---- child process modes (the test re-executes itself) -------------------------------------

// --writer <db> <repository> <count>: waits for "go", then writes <count> tags in small batches
// while the parent writes too. Exit 0 when no commit failed and every row reads back.
int runWriter(const QStringList &args)
{
    MetadataCache cache(args.at(2));
    if (!cache.open())
        return 2;
    cache.setWriteDelay(0);
    const QString repository = args.at(3);
    const int count = args.at(4).toInt();
    std::fputs("ready\n", stdout);
    std::fflush(stdout);
    char go[8] = {};
    if (!std::fgets(go, sizeof go, stdin))
        return 3;
    for (int i = 0; i < count; ++i) {
        cache.storeTag(Registry, repository, u"t%1"_s.arg(i),
                       fakeDigest(repository + QString::number(i)),
                       QDateTime::currentDateTimeUtc());
        if (i % 50 == 0)
            cache.storeMetadata(singleImage(repository + QString::number(i)));
        if (i % 10 == 9)
            cache.flush();
    }
    cache.flush();
    const qsizetype stored = cache.tagsOf(Registry, repository).size();
    std::fprintf(stderr, "child: %d failed commits, %lld rows\n", cache.failedCommitCount(),
                 qint64(stored));
    return cache.failedCommitCount() == 0 && stored == count ? 0 : 1;
}

// --opener <db>: reads a start time (ms since the epoch) from stdin, waits for it, opens the
// cache (creating it when it is new) and stores one tag. Exit 0 when both worked.
int runOpener(const QStringList &args)
{
    MetadataCache cache(args.at(2));
    std::fputs("ready\n", stdout);
    std::fflush(stdout);
    char line[32] = {};
    if (!std::fgets(line, sizeof line, stdin))
        return 3;
    // Sleep to just before the start, then spin: the processes must reach SQLite within
    // microseconds of each other, which a wake-up from a pipe read does not give.
    const qint64 start = QByteArray(line).trimmed().toLongLong();
    while (QDateTime::currentMSecsSinceEpoch() < start - 3)
        QThread::msleep(1);
    while (QDateTime::currentMSecsSinceEpoch() < start) {
    }
    QString error;
    if (!cache.open(&error)) {
        std::fprintf(stderr, "child: %s\n", qPrintable(error));
        return 2;
    }
    cache.storeTag(Registry, u"repo"_s, QString::number(QCoreApplication::applicationPid()),
                   fakeDigest(u"x"_s), QDateTime::currentDateTimeUtc());
    cache.flush();
    return cache.failedCommitCount() == 0 ? 0 : 1;
}

// --crash <db>: commits a known state, then blocks inside the next write transaction (just
// before COMMIT) until the parent kills it.
int runCrasher(const QStringList &args)
{
    MetadataCache cache(args.at(2));
    if (!cache.open())
        return 2;
    for (int i = 0; i < 100; ++i)
        cache.storeTag(Registry, u"committed"_s, u"t%1"_s.arg(i), fakeDigest(QString::number(i)),
                       QDateTime::currentDateTimeUtc());
    cache.storeMetadata(singleImage(u"committed"_s));
    cache.flush();
    if (cache.commitCount() != 1)
        return 3;

    cache.setBeforeCommitHookForTesting([] {
        std::fputs("in-transaction\n", stdout);
        std::fflush(stdout);
        std::fgetc(stdin); // blocks until killed
    });
    // Enough incompressible payload to spill dirty pages into the WAL before the kill.
    for (int i = 0; i < 200; ++i) {
        ImageMetadata m = singleImage(u"uncommitted %1"_s.arg(i));
        QByteArray noise(16 * 1024, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(noise.data()),
                                              noise.size() / 4);
        m.config.history.append(HistoryEntry{QDateTime(), QString::fromLatin1(noise.toBase64()),
                                             QString(), false, QString()});
        cache.storeMetadata(m);
    }
    for (int i = 0; i < 2 * MetadataCache::MaxPendingWrites; ++i)
        cache.storeTag(Registry, u"uncommitted"_s, u"t%1"_s.arg(i), fakeDigest(QString::number(i)),
                       QDateTime::currentDateTimeUtc());
    return 4; // only reached if the hook never ran
}

} // namespace

class TestMetadataCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultPath();
    void roundTrip_data();
    void roundTrip();
    void codecRejectsDamage();
    void tagRecords();
    void pendingOverlay();
    void reopenShowsSameState();
    void timerCommits();
    void lruEviction();
    void twoInstancesSameFile();
    void twoProcessesWriteConcurrently();
    void processesCreatingOneCacheTogether();
    void crashMidWriteKeepsLastCommit();
    void garbageFileIsRecovered();
    void damagedPagesAreRecovered_data();
    void damagedPagesAreRecovered();
    void newerSchemaIsLeftUntouched();
    void unusableCacheIsNoOp();
    void batchingFewCommits();
    void lookupsUseIndexes();
    void statisticsCountCommittedAndQueued();
    void statisticsOfMissingCacheCreateNothing();
    void clearAllEmptiesAndShrinks();
    void clearRegistryKeepsSharedImages();
    void clearRegistryWhileBusyKeepsQueue();
};

void TestMetadataCache::defaultPath()
{
    const MetadataCache cache;
    QCOMPARE(cache.databasePath(), QStandardPaths::writableLocation(QStandardPaths::CacheLocation)
                                           + "/metadata.sqlite"_L1);
    QVERIFY(!cache.isOpen());
}

void TestMetadataCache::roundTrip_data()
{
    QTest::addColumn<ImageMetadata>("metadata");
    QTest::newRow("single image with config, layers, history, labels") << singleImage();
    QTest::newRow("index with platforms, attestations, warnings") << multiPlatformIndex();
    ImageMetadata minimal;
    minimal.digest = fakeDigest(u"minimal"_s);
    QTest::newRow("minimal (defaults, invalid times)") << minimal;
}

void TestMetadataCache::roundTrip()
{
    QFETCH(ImageMetadata, metadata);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);

    // The codec alone.
    const std::optional<ImageMetadata> decoded
            = MetadataCodec::decode(MetadataCodec::encode(metadata));
    QVERIFY(decoded);
    CHECKED(compareMetadata(*decoded, metadata));

    {
        MetadataCache cache(path);
        QVERIFY(cache.open());
        cache.storeMetadata(metadata);
        // Before the commit, from the queue.
        std::optional<ImageMetadata> queued = cache.metadata(metadata.digest);
        QVERIFY(queued);
        CHECKED(compareMetadata(*queued, metadata));
        cache.flush();
        QCOMPARE(cache.pendingWrites(), 0);
        // After the commit, from SQLite.
        std::optional<ImageMetadata> stored = cache.metadata(metadata.digest);
        QVERIFY(stored);
        CHECKED(compareMetadata(*stored, metadata));
        QVERIFY(cache.totalBytes() > 0);
    }
    // After reopening.
    MetadataCache reopened(path);
    QVERIFY(reopened.open());
    std::optional<ImageMetadata> again = reopened.metadata(metadata.digest);
    QVERIFY(again);
    CHECKED(compareMetadata(*again, metadata));
    QVERIFY(!reopened.metadata(fakeDigest(u"never stored"_s)));
}

void TestMetadataCache::codecRejectsDamage()
{
    ImageMetadata tiny;
    tiny.digest = u"sha256:0"_s; // small enough to stay uncompressed
    const QByteArray plain = MetadataCodec::encode(tiny);
    QCOMPARE(plain.at(1), char(0));
    QVERIFY(MetadataCodec::decode(plain));

    // Truncated anywhere: nullopt, no crash.
    for (qsizetype n = 0; n < plain.size(); ++n)
        QVERIFY2(!MetadataCodec::decode(QByteArrayView(plain).first(n)),
                 qPrintable(QString::number(n)));
    // Trailing bytes mean a layout we did not write.
    QVERIFY(!MetadataCodec::decode(QByteArray(plain + "x"_ba)));
    // Unknown format version, unknown flags.
    QByteArray wrongVersion = plain;
    wrongVersion[0] = char(MetadataCodec::FormatVersion + 1);
    QVERIFY(!MetadataCodec::decode(wrongVersion));
    QByteArray wrongFlags = plain;
    wrongFlags[1] = char(0x80);
    QVERIFY(!MetadataCodec::decode(wrongFlags));
    // An unknown ArtifactKind value. It follows digest and mediaType (4-byte length + bytes).
    const qsizetype kindAt = 2 + (4 + tiny.digest.size()) + 4;
    QCOMPARE(plain.at(kindAt), char(ArtifactKind::Image));
    QByteArray wrongKind = plain;
    wrongKind[kindAt] = char(int(ArtifactKind::Artifact) + 1);
    QVERIFY(!MetadataCodec::decode(wrongKind));
    // A count claiming more elements than bytes left must not allocate, just fail. The platforms
    // count follows kind, artifactType, size and an invalid created (one byte).
    const qsizetype countAt = kindAt + 1 + 4 + 8 + 1;
    QCOMPARE(plain.mid(countAt, 4), QByteArray(4, '\0'));
    QByteArray hugeCount = plain;
    hugeCount[countAt] = char(0x7f);
    QVERIFY(!MetadataCodec::decode(hugeCount));
    // The same damage inside a compressed body.
    const QByteArray packedHeader = QByteArray(1, char(MetadataCodec::FormatVersion)) + '\x01';
    const QByteArray packedDamage = packedHeader + qCompress(hugeCount.mid(2));
    QVERIFY(!MetadataCodec::decode(packedDamage));
    QVERIFY(MetadataCodec::decode(QByteArray(packedHeader + qCompress(plain.mid(2)))));
    // The digest-check flag is a byte of 0 or 1, and round-trips.
    QByteArray wrongFlag = plain;
    wrongFlag[wrongFlag.size() - 1] = char(2);
    QVERIFY(!MetadataCodec::decode(wrongFlag));
    ImageMetadata failed = tiny;
    failed.failedDigestCheck = true;
    QVERIFY(MetadataCodec::decode(MetadataCodec::encode(failed))->failedDigestCheck);
    QVERIFY(!MetadataCodec::decode(plain)->failedDigestCheck);

    const QByteArray good = MetadataCodec::encode(multiPlatformIndex());
    QCOMPARE(good.at(1), char(1)); // compressed
    QVERIFY(MetadataCodec::decode(good));
    // Truncated compressed data (zlib reports it).
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"qUncompress"_s));
    QVERIFY(!MetadataCodec::decode(QByteArrayView(good).first(good.size() / 2)));
    QVERIFY(!MetadataCodec::decode(QByteArrayView(good).first(5))); // inside the size prefix
    // A compressed body claiming an absurd size is refused before qUncompress allocates it.
    const QByteArray bomb = packedHeader + "\xff\xff\xff\xff"_ba + QByteArray(16, 'x');
    QVERIFY(!MetadataCodec::decode(bomb));
}

void TestMetadataCache::tagRecords()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MetadataCache cache(dir.filePath(u"cache.sqlite"_s));
    QVERIFY(cache.open());
    const QDateTime verified(QDate(2024, 2, 3), QTime(4, 5, 6, 7), Qt::UTC);
    const QDateTime local(QDate(2024, 2, 3), QTime(6, 5, 6, 7), Qt::OffsetFromUTC, 7200);

    cache.storeTag(Registry, u"library/alpine"_s, u"3.19"_s, fakeDigest(u"a"_s), verified);
    cache.storeTag(Registry, u"library/alpine"_s, u"latest"_s, fakeDigest(u"a"_s), local);
    cache.storeTag(Registry, u"library/alpine"_s, u"edge"_s, fakeDigest(u"b"_s), QDateTime());
    cache.storeTag(Registry, u"library/busybox"_s, u"1"_s, fakeDigest(u"c"_s), verified);
    cache.storeTag(u"other.example"_s, u"library/alpine"_s, u"3.19"_s, fakeDigest(u"d"_s),
                   verified);
    cache.flush();

    QHash<QString, TagRecord> tags = cache.tagsOf(Registry, u"library/alpine"_s);
    QCOMPARE(tags.size(), 3);
    QCOMPARE(tags.value(u"3.19"_s), (TagRecord{fakeDigest(u"a"_s), verified}));
    QCOMPARE(tags.value(u"latest"_s).verifiedAt, verified); // same instant, stored as UTC
    QCOMPARE(tags.value(u"latest"_s).verifiedAt.timeSpec(), Qt::UTC);
    QVERIFY(!tags.value(u"edge"_s).verifiedAt.isValid());
    QCOMPARE(cache.tag(u"other.example"_s, u"library/alpine"_s, u"3.19"_s)->digest,
             fakeDigest(u"d"_s));
    QVERIFY(!cache.tag(Registry, u"library/alpine"_s, u"missing"_s));
    QCOMPARE(cache.knownRepositories(Registry),
             (QStringList{u"library/alpine"_s, u"library/busybox"_s}));

    // Re-verification moves the tag.
    const QDateTime later = verified.addSecs(60);
    cache.storeTag(Registry, u"library/alpine"_s, u"latest"_s, fakeDigest(u"e"_s), later);
    cache.forgetTag(Registry, u"library/alpine"_s, u"edge"_s);
    cache.flush();
    QCOMPARE(cache.tag(Registry, u"library/alpine"_s, u"latest"_s),
             (TagRecord{fakeDigest(u"e"_s), later}));
    QVERIFY(!cache.tag(Registry, u"library/alpine"_s, u"edge"_s));

    cache.forgetRepository(Registry, u"library/alpine"_s);
    cache.flush();
    QVERIFY(cache.tagsOf(Registry, u"library/alpine"_s).isEmpty());
    QCOMPARE(cache.knownRepositories(Registry), QStringList{u"library/busybox"_s});
    // Another registry's repository of the same name is untouched.
    QCOMPARE(cache.tagsOf(u"other.example"_s, u"library/alpine"_s).size(), 1);
}

void TestMetadataCache::pendingOverlay()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MetadataCache cache(dir.filePath(u"cache.sqlite"_s));
    QVERIFY(cache.open());
    const QDateTime t = QDateTime::currentDateTimeUtc();
    cache.storeTag(Registry, u"r"_s, u"a"_s, fakeDigest(u"a"_s), t);
    cache.storeTag(Registry, u"r"_s, u"b"_s, fakeDigest(u"b"_s), t);
    cache.flush();

    // Given committed a, b; when queued: forget a, add c.
    cache.forgetTag(Registry, u"r"_s, u"a"_s);
    cache.storeTag(Registry, u"r"_s, u"c"_s, fakeDigest(u"c"_s), t);
    QCOMPARE(cache.pendingWrites(), 2);
    // Then reads already show the queued state.
    QVERIFY(!cache.tag(Registry, u"r"_s, u"a"_s));
    QCOMPARE(cache.tag(Registry, u"r"_s, u"c"_s)->digest, fakeDigest(u"c"_s));
    QCOMPARE(cache.tagsOf(Registry, u"r"_s).keys().size(), 2);
    QVERIFY(cache.tagsOf(Registry, u"r"_s).contains(u"b"_s));

    // Forgetting the repository hides committed rows; a later store shows through.
    cache.forgetRepository(Registry, u"r"_s);
    cache.storeTag(Registry, u"r"_s, u"d"_s, fakeDigest(u"d"_s), t);
    QVERIFY(!cache.tag(Registry, u"r"_s, u"b"_s));
    QCOMPARE(cache.tagsOf(Registry, u"r"_s).keys(), QStringList{u"d"_s});
    cache.flush();
    QCOMPARE(cache.pendingWrites(), 0);
    QCOMPARE(cache.tagsOf(Registry, u"r"_s).keys(), QStringList{u"d"_s});
}

void TestMetadataCache::reopenShowsSameState()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"sub/dir/cache.sqlite"_s); // created on open
    const QDateTime t(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC);
    QHash<QString, TagRecord> before;
    {
        MetadataCache cache(path);
        QVERIFY(cache.open());
        cache.setWriteDelay(60 * 60 * 1000); // only the destructor commits
        for (int i = 0; i < 50; ++i)
            cache.storeTag(Registry, u"app"_s, u"v%1"_s.arg(i), fakeDigest(QString::number(i % 7)),
                           t.addSecs(i));
        cache.storeMetadata(singleImage());
        before = cache.tagsOf(Registry, u"app"_s);
        QCOMPARE(cache.commitCount(), 0);
    }
    MetadataCache reopened(path);
    QVERIFY(reopened.open());
    QCOMPARE(reopened.tagsOf(Registry, u"app"_s), before);
    QCOMPARE(reopened.knownRepositories(Registry), QStringList{u"app"_s});
    QVERIFY(reopened.metadata(singleImage().digest));
}

void TestMetadataCache::timerCommits()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MetadataCache cache(dir.filePath(u"cache.sqlite"_s));
    QVERIFY(cache.open());
    cache.setWriteDelay(0);
    cache.storeTag(Registry, u"r"_s, u"a"_s, fakeDigest(u"a"_s), QDateTime::currentDateTimeUtc());
    cache.storeMetadata(singleImage());
    QCOMPARE(cache.pendingWrites(), 2);
    QCOMPARE(cache.commitCount(), 0);
    QTRY_COMPARE(cache.pendingWrites(), 0);
    QCOMPARE(cache.commitCount(), 1);

    // A read records the use, lazily.
    QVERIFY(cache.metadata(singleImage().digest));
    QCOMPARE(cache.pendingWrites(), 1);
    QTRY_COMPARE(cache.pendingWrites(), 0);
    QCOMPARE(cache.commitCount(), 2);
}

void TestMetadataCache::lruEviction()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    MetadataCache cache(path);
    QVERIFY(cache.open());
    qint64 clock = 1000;
    cache.setClockForTesting([&clock] { return clock; });
    const ImageMetadata a = singleImage(u"A"_s);
    const ImageMetadata b = singleImage(u"B"_s);
    const ImageMetadata c = singleImage(u"C"_s);
    const auto stored = [&path] {
        RawDb raw(path);
        return raw.column(u"SELECT digest FROM images ORDER BY digest"_s);
    };
    const auto sorted = [](QStringList list) {
        list.sort();
        return list;
    };

    // Given A, B, C stored at t = 1, 2, 3 s, and A used again at t = 4 s.
    cache.storeMetadata(a);
    cache.flush();
    const qint64 sizeA = cache.totalBytes();
    QVERIFY(sizeA > 0);
    clock = 2000;
    cache.storeMetadata(b);
    cache.flush();
    clock = 3000;
    cache.storeMetadata(c);
    cache.flush();
    const qint64 total = cache.totalBytes();
    QVERIFY(total > sizeA);
    QCOMPARE(stored(), sorted({a.digest, b.digest, c.digest}));
    clock = 4000;
    QVERIFY(cache.metadata(a.digest));
    cache.flush();

    // When the cap drops one byte below the total
    cache.setMaxBytes(total - 1);
    cache.flush();
    // Then only the least recently used (B) goes; A, touched, stays although stored first.
    QCOMPARE(stored(), sorted({a.digest, c.digest}));
    QVERIFY(cache.totalBytes() <= total - 1);

    // And the next eviction takes C (last used at 3 s) before A (4 s).
    cache.setMaxBytes(cache.totalBytes() - 1);
    cache.flush();
    QCOMPARE(stored(), QStringList{a.digest});
    QCOMPARE(cache.totalBytes(), sizeA);

    // A store over the cap evicts on its own commit; the newest stays.
    cache.setMaxBytes(sizeA + sizeA / 2);
    clock = 5000;
    cache.storeMetadata(b);
    cache.flush();
    QCOMPARE(stored(), QStringList{b.digest});
    QVERIFY(cache.totalBytes() <= cache.maxBytes());
    // Tags are never evicted with images.
    cache.storeTag(Registry, u"r"_s, u"t"_s, a.digest, QDateTime::currentDateTimeUtc());
    cache.flush();
    QCOMPARE(cache.tag(Registry, u"r"_s, u"t"_s)->digest, a.digest);
}

void TestMetadataCache::twoInstancesSameFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    MetadataCache first(path);
    MetadataCache second(path);
    QVERIFY(first.open());
    QVERIFY(second.open());
    const QDateTime t = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 1000; ++i) {
        first.storeTag(Registry, u"one"_s, u"t%1"_s.arg(i), fakeDigest(QString::number(i)), t);
        second.storeTag(Registry, u"two"_s, u"t%1"_s.arg(i), fakeDigest(QString::number(i)), t);
        if (i % 50 == 49) {
            first.flush();
            second.flush();
        }
    }
    first.storeMetadata(singleImage());
    first.flush();
    second.flush();
    QCOMPARE(first.failedCommitCount(), 0);
    QCOMPARE(second.failedCommitCount(), 0);
    QCOMPARE(first.tagsOf(Registry, u"two"_s).size(), 1000);
    QCOMPARE(second.tagsOf(Registry, u"one"_s).size(), 1000);
    QVERIFY(second.metadata(singleImage().digest));
    QCOMPARE(first.totalBytes(), second.totalBytes());
}

void TestMetadataCache::twoProcessesWriteConcurrently()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    MetadataCache cache(path);
    QVERIFY(cache.open());
    const int rows = 1000;

    QProcess child;
    child.start(QCoreApplication::applicationFilePath(),
                {u"--writer"_s, path, u"child"_s, QString::number(rows)});
    QVERIFY(child.waitForStarted());
    QVERIFY2(waitForLine(child, "ready"_ba), child.readAllStandardError().constData());
    child.write("go\n");

    // While the child writes its rows in batches of 10, so does this process.
    const QDateTime t = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < rows; ++i) {
        cache.storeTag(Registry, u"parent"_s, u"t%1"_s.arg(i), fakeDigest(QString::number(i)), t);
        if (i % 10 == 9)
            cache.flush();
    }
    cache.flush();
    QVERIFY(child.waitForFinished(120000));
    const QByteArray childLog = child.readAllStandardError();
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
             childLog.constData());
    QVERIFY2(!childLog.contains("locked"), childLog.constData());
    QCOMPARE(cache.failedCommitCount(), 0);
    QCOMPARE(cache.tagsOf(Registry, u"parent"_s).size(), rows);
    QCOMPARE(cache.tagsOf(Registry, u"child"_s).size(), rows);
    QVERIFY(cache.metadata(singleImage(u"child0"_s).digest));
}

void TestMetadataCache::processesCreatingOneCacheTogether()
{
    // Two exports started together by a script on a machine without a cache: every process
    // switches the new file to WAL and creates the schema at the same moment, which SQLite
    // resolves by failing one of them at once ("database is locked"), busy_timeout or not.
    // Each round starts two processes (one per core here) on a fresh file and lets them go at
    // the same moment; before open() retried, about one round in six failed.
    const int rounds = 30;
    const int processes = 2;
    for (int round = 0; round < rounds; ++round) {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(u"cache.sqlite"_s);
        std::vector<std::unique_ptr<QProcess>> children;
        for (int i = 0; i < processes; ++i) {
            auto child = std::make_unique<QProcess>();
            child->start(QCoreApplication::applicationFilePath(), {u"--opener"_s, path});
            QVERIFY(child->waitForStarted());
            children.push_back(std::move(child));
        }
        for (const auto &child : children)
            QVERIFY2(waitForLine(*child, "ready"_ba), child->readAllStandardError().constData());
        const QByteArray start
                = QByteArray::number(QDateTime::currentMSecsSinceEpoch() + 150) + '\n';
        for (const auto &child : children) {
            child->write(start);
            QVERIFY(child->waitForBytesWritten(10000)); // QProcess buffers until asked
        }
        for (const auto &child : children) {
            QVERIFY(child->waitForFinished(60000));
            const QByteArray log = child->readAllStandardError();
            QVERIFY2(child->exitStatus() == QProcess::NormalExit && child->exitCode() == 0,
                     qPrintable(u"round %1: %2"_s.arg(round).arg(QString::fromUtf8(log))));
        }
        MetadataCache cache(path);
        QVERIFY(cache.open());
        QCOMPARE(cache.tagsOf(Registry, u"repo"_s).size(), processes);
    }
}

void TestMetadataCache::crashMidWriteKeepsLastCommit()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);

    // Given a process that committed a state and is killed inside its next transaction
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {u"--crash"_s, path});
    QVERIFY(child.waitForStarted());
    QVERIFY2(waitForLine(child, "in-transaction"_ba), child.readAllStandardError().constData());
    QVERIFY(QFileInfo(path + "-wal"_L1).size() > 0);
    child.kill(); // SIGKILL: no destructor, no flush, no rollback
    QVERIFY(child.waitForFinished());
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    // Then the file is consistent and holds exactly the committed state.
    {
        RawDb raw(path);
        QCOMPARE(raw.column(u"PRAGMA integrity_check"_s), QStringList{u"ok"_s});
    }
    MetadataCache cache(path);
    QVERIFY(cache.open());
    QCOMPARE(cache.tagsOf(Registry, u"committed"_s).size(), 100);
    QVERIFY(cache.tagsOf(Registry, u"uncommitted"_s).isEmpty());
    QCOMPARE(cache.knownRepositories(Registry), QStringList{u"committed"_s});
    QVERIFY(cache.metadata(singleImage(u"committed"_s).digest));
    QVERIFY(!cache.metadata(singleImage(u"uncommitted 0"_s).digest));
    // And it takes writes again.
    cache.storeTag(Registry, u"after"_s, u"t"_s, fakeDigest(u"x"_s),
                   QDateTime::currentDateTimeUtc());
    cache.flush();
    QCOMPARE(cache.failedCommitCount(), 0);
    QVERIFY(cache.tag(Registry, u"after"_s, u"t"_s));
}

void TestMetadataCache::garbageFileIsRecovered()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    QByteArray garbage;
    for (int i = 0; i < 200; ++i)
        garbage += "this is not an SQLite database\n";
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(garbage);
    }

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"is not a usable database"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"damaged metadata cache kept as"_s));
    MetadataCache cache(path);
    QString error;
    QVERIFY2(cache.open(&error), qPrintable(error));
    cache.storeTag(Registry, u"r"_s, u"t"_s, fakeDigest(u"x"_s), QDateTime::currentDateTimeUtc());
    cache.flush();
    QVERIFY(cache.tag(Registry, u"r"_s, u"t"_s));

    // The damaged file is kept beside it for inspection, unchanged.
    const QStringList aside
            = QDir(dir.path()).entryList({u"cache.sqlite.corrupt-*"_s}, QDir::Files);
    QCOMPARE(aside.size(), 1);
    QFile kept(dir.filePath(aside.first()));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), garbage);
}

void TestMetadataCache::damagedPagesAreRecovered_data()
{
    QTest::addColumn<bool>("wholeFile");
    // Every page after the header: the setup's first read finds it, open() recovers at once.
    QTest::newRow("all pages") << true;
    // Only the tags table: open() succeeds, the first tag read finds the damage, the cache turns
    // itself off and marks the file; the next open() moves it aside.
    QTest::newRow("tags table only") << false;
}

void TestMetadataCache::damagedPagesAreRecovered()
{
    QFETCH(bool, wholeFile);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    qint64 pageSize = 0;
    qint64 tagsRoot = 0;
    {
        MetadataCache cache(path);
        QVERIFY(cache.open());
        for (int i = 0; i < 2000; ++i)
            cache.storeTag(Registry, u"r"_s, u"t%1"_s.arg(i), fakeDigest(QString::number(i)),
                           QDateTime::currentDateTimeUtc());
        for (int i = 0; i < 20; ++i)
            cache.storeMetadata(singleImage(QString::number(i)));
        cache.flush();
        RawDb raw(path);
        // Move everything from the WAL into the main file, so damage there is damage.
        QCOMPARE(raw.column(u"PRAGMA wal_checkpoint(TRUNCATE)"_s).value(0), u"0"_s);
        pageSize = raw.column(u"PRAGMA page_size"_s).value(0).toLongLong();
        tagsRoot = raw.column(u"SELECT rootpage FROM sqlite_schema WHERE name = 'tags'"_s)
                           .value(0)
                           .toLongLong();
    }
    QVERIFY(pageSize > 0);
    QVERIFY(tagsRoot > 1);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const qint64 from = wholeFile ? pageSize : (tagsRoot - 1) * pageSize;
        const qint64 length = wholeFile ? file.size() - pageSize : pageSize;
        QVERIFY(from + length <= file.size());
        QVERIFY(file.seek(from));
        file.write(QByteArray(length, char(0xA5)));
    }

    if (!wholeFile) {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"reading tags failed"_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"metadata cache disabled"_s));
        MetadataCache cache(path);
        QVERIFY(cache.open());
        QVERIFY(cache.tagsOf(Registry, u"r"_s).isEmpty());
        QVERIFY(!cache.isOpen());
        // Everything after is a harmless no-op.
        QVERIFY(!cache.tag(Registry, u"r"_s, u"t1"_s));
        cache.storeTag(Registry, u"r"_s, u"new"_s, fakeDigest(u"n"_s), QDateTime());
        cache.flush();
        QVERIFY(QFile::exists(path + ".damaged"_L1));
    }

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"is not a usable database"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"damaged metadata cache kept as"_s));
    MetadataCache again(path);
    QVERIFY(again.open());
    QVERIFY(!QFile::exists(path + ".damaged"_L1));
    QVERIFY(again.tagsOf(Registry, u"r"_s).isEmpty());
    again.storeTag(Registry, u"r"_s, u"fresh"_s, fakeDigest(u"f"_s), QDateTime());
    again.flush();
    QCOMPARE(again.failedCommitCount(), 0);
    QVERIFY(again.tag(Registry, u"r"_s, u"fresh"_s));
    QCOMPARE(QDir(dir.path()).entryList({u"cache.sqlite.corrupt-*"_s}, QDir::Files).size(), 1);
}

void TestMetadataCache::newerSchemaIsLeftUntouched()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    {
        MetadataCache cache(path);
        QVERIFY(cache.open());
        cache.storeTag(Registry, u"r"_s, u"t"_s, fakeDigest(u"x"_s), QDateTime());
    }
    {
        RawDb raw(path);
        QCOMPARE(raw.column(u"SELECT version FROM schema_version"_s),
                 QStringList{QString::number(MetadataCache::SchemaVersion)});
        QVERIFY(raw.exec(u"UPDATE schema_version SET version = 99"_s));
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"newer Berth"_s));
    MetadataCache cache(path);
    QString error;
    QVERIFY(!cache.open(&error));
    QVERIFY2(error.contains("newer"_L1), qPrintable(error));
    QVERIFY(!cache.tag(Registry, u"r"_s, u"t"_s));
    RawDb raw(path);
    QCOMPARE(raw.column(u"SELECT tag FROM tags"_s), QStringList{u"t"_s});
}

void TestMetadataCache::unusableCacheIsNoOp()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A regular file where the cache directory should be.
    const QString blocker = dir.filePath(u"blocker"_s);
    {
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"metadata cache disabled"_s));
    MetadataCache cache(blocker + "/cache.sqlite"_L1);
    QString error;
    QVERIFY(!cache.open(&error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!cache.isOpen());
    cache.storeMetadata(singleImage());
    cache.storeTag(Registry, u"r"_s, u"t"_s, fakeDigest(u"x"_s), QDateTime());
    cache.forgetTag(Registry, u"r"_s, u"t"_s);
    cache.forgetRepository(Registry, u"r"_s);
    QCOMPARE(cache.pendingWrites(), 0);
    cache.flush();
    QVERIFY(!cache.metadata(singleImage().digest));
    QVERIFY(!cache.tag(Registry, u"r"_s, u"t"_s));
    QVERIFY(cache.tagsOf(Registry, u"r"_s).isEmpty());
    QVERIFY(cache.knownRepositories(Registry).isEmpty());
    QCOMPARE(cache.totalBytes(), 0);
}

void TestMetadataCache::batchingFewCommits()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MetadataCache cache(dir.filePath(u"cache.sqlite"_s));
    QVERIFY(cache.open());
    cache.setWriteDelay(0);
    const int rows = 10000;
    const QDateTime t = QDateTime::currentDateTimeUtc();

    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < rows; ++i)
        cache.storeTag(Registry, u"big"_s, u"tag-%1"_s.arg(i), fakeDigest(QString::number(i % 97)),
                       t);
    QTRY_COMPARE(cache.pendingWrites(), 0);
    const qint64 elapsed = timer.elapsed();

    // One commit per full batch plus one for the remainder, not one per row.
    QVERIFY2(cache.commitCount() <= rows / MetadataCache::MaxPendingWrites + 1,
             qPrintable(QString::number(cache.commitCount())));
    QCOMPARE(cache.failedCommitCount(), 0);
    QCOMPARE(cache.tagsOf(Registry, u"big"_s).size(), rows);
    qInfo("10,000 storeTag calls committed in %lld ms, %d commits", elapsed, cache.commitCount());
    // Measured ~100 ms here; 10 s leaves room for a loaded CI machine, not for per-row commits.
    QVERIFY2(elapsed < 10000, qPrintable(QString::number(elapsed)));
}

void TestMetadataCache::lookupsUseIndexes()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    {
        MetadataCache cache(path);
        QVERIFY(cache.open());
    }
    RawDb raw(path);
    const auto plan = [&raw](const QString &sql) {
        // EXPLAIN QUERY PLAN rows: id, parent, notused, detail.
        return raw.column("EXPLAIN QUERY PLAN "_L1 + sql, 3).join(u'\n');
    };
    // The tags table is its own (registry, repository, tag) index: a range search, no scan.
    const QString tagsOf = plan(u"SELECT tag, digest, verified_at FROM tags "
                                "WHERE registry = 'a' AND repository = 'b'"_s);
    QVERIFY2(tagsOf.contains("SEARCH tags USING PRIMARY KEY (registry=? AND repository=?)"_L1),
             qPrintable(tagsOf));
    const QString oneTag = plan(u"SELECT digest, verified_at FROM tags "
                                "WHERE registry = 'a' AND repository = 'b' AND tag = 'c'"_s);
    QVERIFY2(oneTag.contains("USING PRIMARY KEY (registry=? AND repository=? AND tag=?)"_L1),
             qPrintable(oneTag));
    const QString repositories = plan(u"SELECT DISTINCT repository FROM tags WHERE registry = 'a' "
                                      "ORDER BY repository"_s);
    QVERIFY2(!repositories.contains("TEMP B-TREE"_L1) && repositories.contains("SEARCH"_L1),
             qPrintable(repositories));
    const QString image = plan(u"SELECT payload FROM images WHERE digest = 'x'"_s);
    QVERIFY2(image.contains("USING INDEX sqlite_autoindex_images_1 (digest=?)"_L1),
             qPrintable(image));
    // Eviction walks the LRU index without touching the payload pages.
    const QString lru = plan(u"SELECT rowid, size_bytes FROM images ORDER BY last_used"_s);
    QVERIFY2(lru.contains("USING COVERING INDEX images_lru"_L1), qPrintable(lru));
}

void TestMetadataCache::statisticsCountCommittedAndQueued()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    MetadataCache cache(path);
    QVERIFY(cache.open());
    cache.setWriteDelay(60 * 60 * 1000); // only flush() commits
    const QDateTime t = QDateTime::currentDateTimeUtc();
    const QString other = u"other.example"_s;

    // Given committed rows in two registries
    cache.storeTag(Registry, u"app"_s, u"1"_s, singleImage(u"a"_s).digest, t);
    cache.storeTag(Registry, u"app"_s, u"2"_s, singleImage(u"a"_s).digest, t);
    cache.storeTag(other, u"lib"_s, u"1"_s, singleImage(u"b"_s).digest, t);
    cache.storeMetadata(singleImage(u"a"_s));
    cache.flush();
    // and more queued, one of them replacing a committed tag
    cache.storeTag(Registry, u"web"_s, u"1"_s, singleImage(u"b"_s).digest, t);
    cache.storeTag(Registry, u"app"_s, u"2"_s, singleImage(u"b"_s).digest, t);
    cache.storeMetadata(singleImage(u"b"_s));
    QVERIFY(cache.pendingWrites() > 0);

    // When asked for statistics
    const CacheStatistics statistics = cache.statistics();

    // Then the queue was committed and counted, each registry with its repositories and tags.
    QCOMPARE(cache.pendingWrites(), 0);
    QCOMPARE(statistics.path, path);
    QCOMPARE(statistics.images, 2);
    QCOMPARE(statistics.tags, 4);
    QCOMPARE(statistics.registries.keys(), (QStringList{other, Registry}));
    QCOMPARE(statistics.registries.value(Registry), (RegistryUsage{2, 3}));
    QCOMPARE(statistics.registries.value(other), (RegistryUsage{1, 1}));
    QCOMPARE(statistics.payloadBytes, cache.totalBytes());
    QVERIFY(statistics.payloadBytes > 0);
    QCOMPARE(statistics.maxBytes, MetadataCache::DefaultMaxBytes);
    const qint64 onDisk = QFileInfo(path).size() + QFileInfo(path + "-wal"_L1).size();
    QVERIFY(onDisk > 0);
    QCOMPARE(statistics.fileBytes, onDisk);
    QCOMPARE(MetadataCache::fileBytes(path), onDisk);

    // And another instance on the file sees the same.
    MetadataCache second(path);
    QVERIFY(second.open());
    const CacheStatistics seen = second.statistics();
    QCOMPARE(seen.images, statistics.images);
    QCOMPARE(seen.tags, statistics.tags);
    QCOMPARE(seen.registries, statistics.registries);
}

void TestMetadataCache::statisticsOfMissingCacheCreateNothing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"never/cache.sqlite"_s);
    MetadataCache cache(path);
    const CacheStatistics statistics = cache.statistics();
    QCOMPARE(statistics.path, path);
    QCOMPARE(statistics.fileBytes, 0);
    QCOMPARE(statistics.images, 0);
    QCOMPARE(statistics.tags, 0);
    QVERIFY(statistics.registries.isEmpty());
    QCOMPARE(MetadataCache::fileBytes(path), 0);
    QVERIFY(!cache.clearAll());
    QVERIFY(!cache.clearRegistry(Registry));
    QVERIFY(!QFileInfo::exists(QFileInfo(path).absolutePath()));
}

void TestMetadataCache::clearAllEmptiesAndShrinks()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    MetadataCache cache(path);
    QVERIFY(cache.open());
    MetadataCache reader(path); // another user of the file, e.g. a window
    QVERIFY(reader.open());
    const QDateTime t = QDateTime::currentDateTimeUtc();

    // Given a few MiB of committed images and tags, and more queued
    for (int i = 0; i < 200; ++i) {
        ImageMetadata m = singleImage(u"big %1"_s.arg(i));
        QByteArray noise(16 * 1024, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(noise.data()),
                                              noise.size() / 4);
        m.config.history.append(HistoryEntry{QDateTime(), QString::fromLatin1(noise.toBase64()),
                                             QString(), false, QString()});
        cache.storeMetadata(m);
        cache.storeTag(Registry, u"app"_s, u"t%1"_s.arg(i), m.digest, t);
    }
    cache.flush();
    cache.storeTag(Registry, u"queued"_s, u"t"_s, singleImage().digest, t);
    cache.storeMetadata(singleImage());
    const qint64 before = MetadataCache::fileBytes(path);
    QVERIFY2(before > 2 * 1024 * 1024, qPrintable(QString::number(before)));
    QCOMPARE(reader.tagsOf(Registry, u"app"_s).size(), 200);

    // When everything is cleared
    QVERIFY(cache.clearAll());

    // Then nothing is queued or stored, for this instance and the other alike
    QCOMPARE(cache.pendingWrites(), 0);
    const CacheStatistics after = cache.statistics();
    QCOMPARE(after.images, 0);
    QCOMPARE(after.tags, 0);
    QCOMPARE(after.payloadBytes, 0);
    QVERIFY(after.registries.isEmpty());
    QVERIFY(!cache.tag(Registry, u"queued"_s, u"t"_s));
    QVERIFY(!cache.metadata(singleImage().digest));
    QVERIFY(reader.tagsOf(Registry, u"app"_s).isEmpty());
    QVERIFY(!reader.metadata(singleImage(u"big 0"_s).digest));
    // and the disk space is given back.
    QVERIFY2(after.fileBytes < before / 8,
             qPrintable(u"%1 -> %2"_s.arg(before).arg(after.fileBytes)));
    {
        RawDb raw(path);
        QCOMPARE(raw.column(u"PRAGMA integrity_check"_s), QStringList{u"ok"_s});
    }

    // And the cache takes writes again.
    cache.storeTag(Registry, u"app"_s, u"new"_s, singleImage().digest, t);
    cache.storeMetadata(singleImage());
    cache.flush();
    QCOMPARE(cache.failedCommitCount(), 0);
    QCOMPARE(reader.tagsOf(Registry, u"app"_s).keys(), QStringList{u"new"_s});
    QCOMPARE(reader.statistics().images, 1);
}

void TestMetadataCache::clearRegistryKeepsSharedImages()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    MetadataCache cache(path);
    QVERIFY(cache.open());
    cache.setWriteDelay(60 * 60 * 1000);
    const QDateTime t = QDateTime::currentDateTimeUtc();
    const QString cleared = u"cleared.example"_s;
    const QString kept = u"kept.example"_s;
    const ImageMetadata only = singleImage(u"only"_s);
    const ImageMetadata shared = singleImage(u"shared"_s);
    const ImageMetadata keptOnly = singleImage(u"kept"_s);
    const ImageMetadata orphan = singleImage(u"no tag"_s);
    // An index with its platforms (amd64, armv7) and attestation stored by digest; the kept
    // registry tags armv7 itself.
    const ImageMetadata index = multiPlatformIndex();
    const ImageMetadata amd64 = singleImage(u"amd64"_s);
    const ImageMetadata armv7 = singleImage(u"armv7"_s);
    const ImageMetadata attestation = singleImage(u"att"_s);
    for (const ImageMetadata &m :
         {only, shared, keptOnly, orphan, index, amd64, armv7, attestation})
        cache.storeMetadata(m);
    cache.storeTag(cleared, u"app"_s, u"only"_s, only.digest, t);
    cache.storeTag(cleared, u"app"_s, u"shared"_s, shared.digest, t);
    cache.storeTag(cleared, u"app"_s, u"multi"_s, index.digest, t);
    cache.storeTag(kept, u"app"_s, u"shared"_s, shared.digest, t);
    cache.storeTag(kept, u"app"_s, u"kept"_s, keptOnly.digest, t);
    cache.storeTag(kept, u"lib"_s, u"arm"_s, armv7.digest, t);
    cache.flush();
    // Queued, not committed: a new tag of each registry with an image of its own.
    const ImageMetadata queuedCleared = singleImage(u"queued cleared"_s);
    const ImageMetadata queuedKept = singleImage(u"queued kept"_s);
    cache.storeMetadata(queuedCleared);
    cache.storeMetadata(queuedKept);
    cache.storeTag(cleared, u"new"_s, u"q"_s, queuedCleared.digest, t);
    cache.storeTag(kept, u"app"_s, u"q"_s, queuedKept.digest, t);

    // When one registry is cleared
    QVERIFY(cache.clearRegistry(cleared));

    // Then its tags are gone, queued ones included, and the images only it pointed at
    QCOMPARE(cache.pendingWrites(), 0);
    const auto check = [&](MetadataCache &c) {
        QVERIFY(c.tagsOf(cleared, u"app"_s).isEmpty());
        QVERIFY(c.tagsOf(cleared, u"new"_s).isEmpty());
        QVERIFY(c.knownRepositories(cleared).isEmpty());
        for (const ImageMetadata &m : {only, index, amd64, attestation, queuedCleared})
            QVERIFY2(!c.metadata(m.digest), qPrintable(m.digest));
        // while the other registry keeps its tags and every image they point at (shared ones,
        // a platform it tags itself, its queued one) and untagged images stay for the LRU.
        const QHash<QString, TagRecord> app = c.tagsOf(kept, u"app"_s);
        QCOMPARE(app.size(), 3);
        QCOMPARE(app.value(u"shared"_s).digest, shared.digest);
        QCOMPARE(app.value(u"q"_s).digest, queuedKept.digest);
        QCOMPARE(c.tag(kept, u"lib"_s, u"arm"_s)->digest, armv7.digest);
        for (const ImageMetadata &m : {shared, keptOnly, armv7, queuedKept, orphan})
            QVERIFY2(c.metadata(m.digest), qPrintable(m.digest));
        const CacheStatistics statistics = c.statistics();
        QCOMPARE(statistics.registries.keys(), QStringList{kept});
        QCOMPARE(statistics.tags, 4);
        QCOMPARE(statistics.images, 5);
    };
    check(cache);
    // And a fresh instance reads the same from the file.
    MetadataCache reopened(path);
    QVERIFY(reopened.open());
    check(reopened);
    QCOMPARE(cache.failedCommitCount(), 0);
}

void TestMetadataCache::clearRegistryWhileBusyKeepsQueue()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"cache.sqlite"_s);
    MetadataCache cache(path);
    QVERIFY(cache.open());
    cache.setWriteDelay(60 * 60 * 1000);
    const QDateTime t = QDateTime::currentDateTimeUtc();
    cache.storeTag(Registry, u"app"_s, u"committed"_s, singleImage().digest, t);
    cache.storeMetadata(singleImage());
    cache.flush();
    cache.storeTag(Registry, u"app"_s, u"queued"_s, singleImage().digest, t);
    const int queued = cache.pendingWrites();

    // Given another connection holding the write lock past the busy timeout
    RawDb other(path);
    QVERIFY(other.exec(u"BEGIN IMMEDIATE"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"clearing a registry failed"_s));
    // When the registry is cleared, it fails without changing anything
    QVERIFY(!cache.clearRegistry(Registry));
    QCOMPARE(cache.pendingWrites(), queued);
    QVERIFY(cache.tag(Registry, u"app"_s, u"queued"_s));
    QVERIFY(cache.tag(Registry, u"app"_s, u"committed"_s));
    QVERIFY(cache.metadata(singleImage().digest));
    QVERIFY(other.exec(u"ROLLBACK"_s));

    // Then once the lock is free the queue is still written, and a second try clears.
    cache.flush();
    QCOMPARE(cache.pendingWrites(), 0);
    QCOMPARE(cache.tagsOf(Registry, u"app"_s).size(), 2);
    QVERIFY(cache.clearRegistry(Registry));
    QVERIFY(cache.tagsOf(Registry, u"app"_s).isEmpty());
    QVERIFY(!cache.metadata(singleImage().digest));
}

} // namespace Berth::Test

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() >= 5 && args.at(1) == "--writer"_L1)
        return Berth::Test::runWriter(args);
    if (args.size() >= 3 && args.at(1) == "--opener"_L1)
        return Berth::Test::runOpener(args);
    if (args.size() >= 3 && args.at(1) == "--crash"_L1)
        return Berth::Test::runCrasher(args);
    Berth::Test::TestMetadataCache test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_metadatacache.moc"
