// The command line's disk cache, through the built `berth` binary against the real registry
// (with the fault proxy in front where requests are counted or slowed): `berth cache info` and
// `berth cache clear [REGISTRY]`; a second export that asks only tag -> digest (a HEAD per tag)
// and fetches no manifest and no config; --no-cache; two exports at once on one cache, and one
// beside this process writing to it; an export killed mid-run leaving a cache the next export
// uses. Every test has its own XDG_CACHE_HOME (a QTemporaryDir).

#include "berthprocess.h"
#include "reporttestutil.h"

#include "faultproxy.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include "models/metadata/metadatacache.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

//! One request the proxy saw.
struct Seen
{
    QByteArray method;
    QString path;
};

//! An export's tags: several images, a tag pair sharing one, and an index (its platforms are
//! fetched by digest as part of its metadata).
constexpr int AppImages = 4;
constexpr int BigImages = 30;
constexpr int BigTagsPerImage = 10;

} // namespace

class TestCliCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void missingCacheIsEmpty();
    void usageErrors_data();
    void usageErrors();
    void infoAfterExport();
    void secondExportFetchesNoManifestOrConfig();
    void noCacheFetchesAgainAndWritesNothing();
    void clearRegistryKeepsSharedImages();
    void clearAll();
    void sizeCapFromSettings();
    void twoExportsAtOnce();
    void exportBesideWritingProcess();
    void killedExportLeavesUsableCache();

private:
    BerthRun berth(const QStringList &arguments);
    //! berth started, not waited for (same environment as runBerth()).
    std::unique_ptr<QProcess> startBerth(const QStringList &arguments);
    QJsonObject info();
    QString databasePath() const;
    QString viaProxy(const QString &repository) const
    {
        return m_proxy->host() + u'/' + repository;
    }
    QString direct(const QString &repository) const
    {
        return m_registry->host() + u'/' + repository;
    }
    int count(const QByteArray &method, const QString &pathPart) const;

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<FaultProxy> m_proxy;
    std::unique_ptr<QTemporaryDir> m_home;
    QList<Seen> m_seen;
    QStringList m_appTags;
    QSet<QString> m_appDigests;
    //! The cache entries an export of cache/app leaves: the tags' digests and the index's
    //! platforms (asked for by digest, kept as entries of their own).
    QSet<QString> m_appEntries;
    QStringList m_otherTags;
    QSet<QString> m_otherDigests;
    QSet<QString> m_bigDigests;
};

BerthRun TestCliCache::berth(const QStringList &arguments)
{
    return runBerth(QStringLiteral(BERTH_BINARY), arguments, {}, QDir(m_home->path()), 120000);
}

std::unique_ptr<QProcess> TestCliCache::startBerth(const QStringList &arguments)
{
    auto process = std::make_unique<QProcess>();
    const QDir home(m_home->path());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, home.path());
    env.insert(u"DOCKER_CONFIG"_s, home.filePath(u"docker"_s));
    env.insert(u"XDG_CACHE_HOME"_s, home.filePath(u"cache"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u"config"_s));
    process->setProcessEnvironment(env);
    process->start(QStringLiteral(BERTH_BINARY), arguments);
    return process;
}

QString TestCliCache::databasePath() const
{
    // QStandardPaths::CacheLocation of organisation "berth", application "berth".
    return m_home->filePath(u"cache/berth/berth/metadata.sqlite"_s);
}

QJsonObject TestCliCache::info()
{
    const BerthRun run = berth({u"cache"_s, u"info"_s, u"--json"_s});
    if (run.code != 0) {
        qWarning("cache info failed: %s", run.err.constData());
        return {};
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(run.out, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        qWarning("cache info printed no JSON object: %s", run.out.constData());
        return {};
    }
    return document.object();
}

int TestCliCache::count(const QByteArray &method, const QString &pathPart) const
{
    int n = 0;
    for (const Seen &seen : m_seen) {
        if (seen.method == method && seen.path.contains(pathPart))
            ++n;
    }
    return n;
}

void TestCliCache::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(QFile::exists(QStringLiteral(BERTH_BINARY)));
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    m_proxy = std::make_unique<FaultProxy>();
    QVERIFY2(m_proxy->start(u"127.0.0.1"_s, quint16(m_registry->port()), &error),
             qPrintable(error));
    connect(m_proxy.get(), &FaultProxy::requestSeen, this,
            [this](const QByteArray &method, const QString &path) {
                m_seen.append({method, path});
            });

    ImageSeeder seeder(m_registry->host());
    // cache/app: four images, one with two tags, and an index of two platforms.
    for (int i = 0; i < AppImages; ++i) {
        ImageSpec spec;
        spec.seed = quint64(700 + i);
        const QStringList tags
                = i == 0 ? QStringList{u"1.0"_s, u"latest"_s} : QStringList{u"1.%1"_s.arg(i)};
        auto pushed = seeder.seedImage(u"cache/app"_s, spec, tags);
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        m_appTags += tags;
        m_appDigests.insert(pushed->digest);
    }
    IndexSpec index;
    for (const QString &arch : {u"amd64"_s, u"arm64"_s}) {
        ImageSpec platform;
        platform.seed = quint64(750 + arch.size());
        platform.architecture = arch;
        index.platforms.append(platform);
    }
    auto pushedIndex = seeder.seedIndex(u"cache/app"_s, index, {u"multi"_s});
    QVERIFY2(pushedIndex.ok(), qPrintable(pushedIndex.error().toString()));
    m_appTags.append(u"multi"_s);
    m_appDigests.insert(pushedIndex->digest);
    m_appEntries = m_appDigests;
    for (const SeededPlatform &platform : std::as_const(pushedIndex->platforms))
        m_appEntries.insert(platform.digest);
    QCOMPARE(m_appEntries.size(), m_appDigests.size() + 2);

    // cache/other: one image shared with cache/app (same digest) and one of its own.
    ImageSpec shared;
    shared.seed = 700;
    ImageSpec own;
    own.seed = 790;
    for (const auto &[spec, tag] : {std::pair{shared, u"shared"_s}, std::pair{own, u"own"_s}}) {
        auto pushed = seeder.seedImage(u"cache/other"_s, spec, {tag});
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        m_otherTags.append(tag);
        m_otherDigests.insert(pushed->digest);
    }

    // big/repo: enough tags that an export slowed by the proxy runs for seconds.
    for (int i = 0; i < BigImages; ++i) {
        ImageSpec spec;
        spec.seed = quint64(1000 + i);
        QStringList tags;
        for (int t = 0; t < BigTagsPerImage; ++t)
            tags.append(u"v%1.%2"_s.arg(i).arg(t));
        auto pushed = seeder.seedImage(u"big/repo"_s, spec, tags);
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        m_bigDigests.insert(pushed->digest);
    }
}

void TestCliCache::init()
{
    // A cache of its own for every test.
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_proxy->clearFaults();
    m_proxy->resetCounters();
    m_seen.clear();
}

void TestCliCache::missingCacheIsEmpty()
{
    // Given no cache at all: info reports zeros, clear does nothing, neither creates a file.
    const QJsonObject object = info();
    QCOMPARE(object.value(u"path"_s).toString(), m_home->filePath(u"cache/berth/berth"_s));
    QCOMPARE(object.value(u"bytes"_s).toInteger(-1), 0);
    QCOMPARE(object.value(u"images"_s).toInteger(-1), 0);
    QCOMPARE(object.value(u"tags"_s).toInteger(-1), 0);
    QVERIFY(object.value(u"registries"_s).isArray());
    QVERIFY(object.value(u"registries"_s).toArray().isEmpty());

    const BerthRun text = berth({u"cache"_s, u"info"_s});
    QCOMPARE(text.code, 0);
    QVERIFY2(text.out.contains("Size on disk:"), text.out.constData());
    QVERIFY(text.err.isEmpty());
    for (const QStringList &arguments :
         {QStringList{u"cache"_s, u"clear"_s}, QStringList{u"cache"_s, u"clear"_s, u"a.b:1"_s}}) {
        const BerthRun run = berth(arguments);
        QCOMPARE(run.code, 0);
        QVERIFY2(run.err.isEmpty(), run.err.constData());
    }
    QVERIFY(!QFileInfo::exists(databasePath()));
}

void TestCliCache::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no subcommand") << QStringList{u"cache"_s} << u"expected info or clear"_s;
    QTest::newRow("unknown subcommand")
            << QStringList{u"cache"_s, u"show"_s} << u"unknown subcommand \"show\""_s;
    QTest::newRow("info argument")
            << QStringList{u"cache"_s, u"info"_s, u"x"_s} << u"takes no arguments"_s;
    QTest::newRow("info option") << QStringList{u"cache"_s, u"info"_s, u"--yes"_s}
                                 << u"Unknown option 'yes'"_s;
    QTest::newRow("clear two") << QStringList{u"cache"_s, u"clear"_s, u"a"_s, u"b"_s}
                               << u"at most one REGISTRY"_s;
    QTest::newRow("clear repository")
            << QStringList{u"cache"_s, u"clear"_s, u"127.0.0.1:5000/team/app"_s}
            << u"host[:port]"_s;
    QTest::newRow("clear json") << QStringList{u"cache"_s, u"clear"_s, u"--json"_s}
                                << u"Unknown option 'json'"_s;
    QTest::newRow("export no-cache value")
            << QStringList{u"export"_s, u"--no-cache=yes"_s, u"127.0.0.1:1/a"_s} << u"no-cache"_s;
}

void TestCliCache::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const BerthRun run = berth(arguments);
    QCOMPARE(run.code, 2);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());

    // Help is there and consistent with the other commands.
    const BerthRun help = berth({u"cache"_s, u"--help"_s});
    QCOMPARE(help.code, 0);
    QVERIFY(help.out.contains("berth cache info [--json]"));
    QVERIFY(help.out.contains("berth cache clear [REGISTRY]"));
    const BerthRun top = berth({u"--help"_s});
    QVERIFY(top.out.contains("  cache     "));
    const BerthRun exportHelp = berth({u"export"_s, u"--help"_s});
    QVERIFY(exportHelp.out.contains("--no-cache"));
    const BerthRun tagsHelp = berth({u"tags"_s, u"--help"_s});
    QVERIFY(!tagsHelp.out.contains("--no-cache")); // tags reads no metadata
}

void TestCliCache::infoAfterExport()
{
    // Given one export through the proxy
    const BerthRun exported = berth({u"export"_s, u"--plain-http"_s, viaProxy(u"cache/app"_s)});
    QCOMPARE(exported.code, 0);
    QVERIFY2(exported.err.isEmpty(), exported.err.constData());

    // Then info has exactly the five keys' shape and the export's numbers
    const QJsonObject object = info();
    QCOMPARE(object.value(u"path"_s).toString(), m_home->filePath(u"cache/berth/berth"_s));
    QVERIFY(object.value(u"bytes"_s).isDouble());
    QVERIFY(object.value(u"images"_s).isDouble());
    QVERIFY(object.value(u"tags"_s).isDouble());
    QCOMPARE(object.value(u"registries"_s).toArray(), QJsonArray{m_proxy->host()});
    QCOMPARE(object.value(u"tags"_s).toInteger(), m_appTags.size());
    // One entry per digest the tags point at, and the index's platforms.
    QCOMPARE(object.value(u"images"_s).toInteger(), m_appEntries.size());
    const qint64 onDisk
            = QFileInfo(databasePath()).size() + QFileInfo(databasePath() + u"-wal"_s).size();
    QVERIFY(onDisk > 0);
    QCOMPARE(object.value(u"bytes"_s).toInteger(), onDisk); // no layer listings yet
    QCOMPARE(object.value(u"layer_listings"_s).toInteger(-1), 0);
    QCOMPARE(object.value(u"by_registry"_s).toObject().value(m_proxy->host()).toObject(),
             (QJsonObject{{u"repositories"_s, 1}, {u"tags"_s, m_appTags.size()}}));

    // And the same file opened here holds the tags and their metadata.
    MetadataCache cache(databasePath());
    QVERIFY(cache.open());
    const QHash<QString, TagRecord> tags = cache.tagsOf(m_proxy->host(), u"cache/app"_s);
    QCOMPARE(QSet<QString>(tags.keyBegin(), tags.keyEnd()),
             QSet<QString>(m_appTags.cbegin(), m_appTags.cend()));
    for (const QString &digest : std::as_const(m_appEntries))
        QVERIFY2(cache.metadata(digest), qPrintable(digest));

    // The readable form says the same.
    const BerthRun text = berth({u"cache"_s, u"info"_s});
    QCOMPARE(text.code, 0);
    QVERIFY2(text.out.contains(m_proxy->host().toUtf8()), text.out.constData());
    QVERIFY2(text.out.contains(u"%1 images, %2 tags"_s.arg(m_appEntries.size())
                                       .arg(m_appTags.size())
                                       .toUtf8()),
             text.out.constData());
}

void TestCliCache::secondExportFetchesNoManifestOrConfig()
{
    const QStringList arguments{u"export"_s, u"--plain-http"_s, u"--format"_s, u"json"_s,
                                viaProxy(u"cache/app"_s)};
    const BerthRun first = berth(arguments);
    QCOMPARE(first.code, 0);
    // The first run fetched every manifest (the index's platforms too) and every config.
    QVERIFY(count("GET", u"/manifests/"_s) >= m_appDigests.size());
    QVERIFY(count("GET", u"/blobs/"_s) >= AppImages);

    // When the same repository is exported again
    m_seen.clear();
    const BerthRun second = berth(arguments);
    QCOMPARE(second.code, 0);
    QVERIFY2(second.err.isEmpty(), second.err.constData());

    // Then each tag was revalidated with one HEAD and nothing was fetched by digest
    QCOMPARE(count("HEAD", u"/manifests/"_s), m_appTags.size());
    QCOMPARE(count("GET", u"/manifests/"_s), 0);
    QCOMPARE(count("GET", u"/blobs/"_s), 0);
    // and the report is the same (but for the time it was generated).
    QJsonObject a = QJsonDocument::fromJson(first.out).object();
    QJsonObject b = QJsonDocument::fromJson(second.out).object();
    QVERIFY(!a.isEmpty());
    a.remove(u"generated"_s);
    b.remove(u"generated"_s);
    QCOMPARE(b, a);

    // inspect and ls read the same cache: an image known from the export costs a HEAD.
    m_seen.clear();
    const BerthRun inspected
            = berth({u"inspect"_s, u"--plain-http"_s, viaProxy(u"cache/app:1.1"_s)});
    QCOMPARE(inspected.code, 0);
    QCOMPARE(count("HEAD", u"/manifests/"_s), 1);
    QCOMPARE(count("GET", u"/manifests/"_s), 0);
    QCOMPARE(count("GET", u"/blobs/"_s), 0);
}

void TestCliCache::noCacheFetchesAgainAndWritesNothing()
{
    const QString repository = viaProxy(u"cache/app"_s);
    // Given an empty cache, --no-cache neither creates nor fills one
    const BerthRun bare = berth({u"export"_s, u"--plain-http"_s, u"--no-cache"_s, repository});
    QCOMPARE(bare.code, 0);
    QVERIFY(!QFileInfo::exists(databasePath()));
    const int manifestsFetched = count("GET", u"/manifests/"_s);
    const int blobsFetched = count("GET", u"/blobs/"_s);
    QVERIFY(manifestsFetched >= m_appDigests.size());

    // Given a filled cache
    QCOMPARE(berth({u"export"_s, u"--plain-http"_s, repository}).code, 0);
    const QJsonObject before = info();
    QCOMPARE(before.value(u"tags"_s).toInteger(), m_appTags.size());
    const QDateTime modified = QFileInfo(databasePath()).lastModified();

    // When exporting with --no-cache, everything is fetched again, as without a cache
    m_seen.clear();
    const BerthRun run = berth({u"export"_s, u"--plain-http"_s, u"--no-cache"_s, repository});
    QCOMPARE(run.code, 0);
    QCOMPARE(count("GET", u"/manifests/"_s), manifestsFetched);
    QCOMPARE(count("GET", u"/blobs/"_s), blobsFetched);
    // and nothing was written.
    QCOMPARE(info(), before);
    QCOMPARE(QFileInfo(databasePath()).lastModified(), modified);
    // inspect --no-cache fetches too.
    m_seen.clear();
    QCOMPARE(berth({u"inspect"_s, u"--plain-http"_s, u"--no-cache"_s, viaProxy(u"cache/app:1.1"_s)})
                     .code,
             0);
    QVERIFY(count("GET", u"/manifests/"_s) >= 1);
}

void TestCliCache::clearRegistryKeepsSharedImages()
{
    // Given cache/app through the proxy and directly (two registries to the cache, the same
    // digests), and cache/other (one image shared with cache/app, one its own) through the proxy
    QCOMPARE(berth({u"export"_s, u"--plain-http"_s, viaProxy(u"cache/app"_s)}).code, 0);
    QCOMPARE(berth({u"export"_s, u"--plain-http"_s, viaProxy(u"cache/other"_s)}).code, 0);
    QCOMPARE(berth({u"export"_s, u"--plain-http"_s, direct(u"cache/app"_s)}).code, 0);
    const QJsonObject before = info();
    QStringList hosts{m_proxy->host(), m_registry->host()};
    hosts.sort();
    QCOMPARE(before.value(u"registries"_s).toArray(), QJsonArray::fromStringList(hosts));
    const QSet<QString> all = m_appEntries | m_otherDigests;
    QCOMPARE(before.value(u"images"_s).toInteger(), all.size());
    QCOMPARE(before.value(u"tags"_s).toInteger(), 2 * m_appTags.size() + m_otherTags.size());

    // When the proxy's registry is cleared
    const BerthRun run = berth({u"cache"_s, u"clear"_s, m_proxy->host()});
    QCOMPARE(run.code, 0);
    QVERIFY2(run.err.isEmpty(), run.err.constData());

    // Then its tags are gone, and the image only it pointed at (cache/other:own); the images
    // the direct registry's tags point at stay.
    const QJsonObject after = info();
    QCOMPARE(after.value(u"registries"_s).toArray(), QJsonArray{m_registry->host()});
    QCOMPARE(after.value(u"tags"_s).toInteger(), m_appTags.size());
    QCOMPARE(after.value(u"images"_s).toInteger(), m_appEntries.size());
    {
        MetadataCache cache(databasePath());
        QVERIFY(cache.open());
        QVERIFY(cache.tagsOf(m_proxy->host(), u"cache/app"_s).isEmpty());
        for (const QString &digest : all)
            QCOMPARE(bool(cache.metadata(digest)), m_appEntries.contains(digest));
    }
    // And a following export through the proxy (its tags unknown again, the images not)
    // fetches nothing by digest: no manifest, no config.
    m_seen.clear();
    QCOMPARE(berth({u"export"_s, u"--plain-http"_s, viaProxy(u"cache/app"_s)}).code, 0);
    QCOMPARE(count("GET", u"/manifests/sha256:"_s), 0);
    QCOMPARE(count("GET", u"/blobs/"_s), 0);

    // When the other registry is cleared too, only the proxy's new tags keep their images.
    QCOMPARE(berth({u"cache"_s, u"clear"_s, m_registry->host()}).code, 0);
    const QJsonObject last = info();
    QCOMPARE(last.value(u"registries"_s).toArray(), QJsonArray{m_proxy->host()});
    QCOMPARE(last.value(u"images"_s).toInteger(), m_appEntries.size());
    // An unknown registry is a no-op.
    const BerthRun unknown = berth({u"cache"_s, u"clear"_s, u"nowhere.example:1"_s});
    QCOMPARE(unknown.code, 0);
    QCOMPARE(info(), last);
}

void TestCliCache::clearAll()
{
    // Given metadata and a layer listing (ls lists the image's layers into the cache)
    QCOMPARE(berth({u"export"_s, u"--plain-http"_s, viaProxy(u"cache/app"_s)}).code, 0);
    const BerthRun listed = berth({u"ls"_s, u"--plain-http"_s, viaProxy(u"cache/app:1.1"_s)});
    QCOMPARE(listed.code, 0);
    const QJsonObject before = info();
    QVERIFY(before.value(u"layer_listings"_s).toInteger() >= 1);
    QVERIFY(before.value(u"layer_listing_bytes"_s).toInteger() > 0);
    QCOMPARE(before.value(u"bytes"_s).toInteger(),
             before.value(u"database_bytes"_s).toInteger()
                     + before.value(u"layer_listing_bytes"_s).toInteger());
    // ls found the image's metadata in the cache: a HEAD, no manifest or config.
    m_seen.clear();
    QCOMPARE(berth({u"ls"_s, u"--plain-http"_s, viaProxy(u"cache/app:1.1"_s)}).code, 0);
    QCOMPARE(count("GET", u"/manifests/"_s), 0);
    QCOMPARE(count("GET", u"/blobs/"_s), 0);

    // When everything is cleared
    const BerthRun run = berth({u"cache"_s, u"clear"_s});
    QCOMPARE(run.code, 0);
    QVERIFY2(run.err.isEmpty(), run.err.constData());

    // Then nothing is left, and the file is small again
    const QJsonObject after = info();
    QCOMPARE(after.value(u"images"_s).toInteger(-1), 0);
    QCOMPARE(after.value(u"tags"_s).toInteger(-1), 0);
    QCOMPARE(after.value(u"layer_listings"_s).toInteger(-1), 0);
    QVERIFY(after.value(u"registries"_s).toArray().isEmpty());
    QVERIFY(after.value(u"bytes"_s).toInteger() < before.value(u"bytes"_s).toInteger());
    // and the next export fetches again.
    m_seen.clear();
    QCOMPARE(berth({u"export"_s, u"--plain-http"_s, viaProxy(u"cache/app"_s)}).code, 0);
    QVERIFY(count("GET", u"/manifests/"_s) >= m_appDigests.size());
}

void TestCliCache::sizeCapFromSettings()
{
    // Given the window's cap in the settings, small enough for about one image's metadata
    QCOMPARE(berth({u"export"_s, u"--plain-http"_s, viaProxy(u"cache/app"_s)}).code, 0);
    const qint64 payload = info().value(u"metadata_bytes"_s).toInteger();
    QVERIFY(payload > 0);
    QCOMPARE(berth({u"cache"_s, u"clear"_s}).code, 0);
    const qint64 cap = payload / qint64(m_appEntries.size());
    {
        QDir().mkpath(m_home->filePath(u"config/berth"_s));
        QFile settings(m_home->filePath(u"config/berth/berth.conf"_s));
        QVERIFY(settings.open(QIODevice::WriteOnly));
        settings.write("[cache]\nmetadataMaxBytes=" + QByteArray::number(cap) + "\n");
    }

    // When exporting, the cache keeps to it (least recently used evicted at each commit)
    QCOMPARE(berth({u"export"_s, u"--plain-http"_s, viaProxy(u"cache/app"_s)}).code, 0);
    const QJsonObject object = info();
    QCOMPARE(object.value(u"max_bytes"_s).toInteger(), cap);
    QVERIFY2(object.value(u"metadata_bytes"_s).toInteger() <= cap,
             qPrintable(QString::number(object.value(u"metadata_bytes"_s).toInteger())));
    QVERIFY(object.value(u"images"_s).toInteger() < m_appEntries.size());
    // Tags are not evicted.
    QCOMPARE(object.value(u"tags"_s).toInteger(), m_appTags.size());
}

void TestCliCache::twoExportsAtOnce()
{
    // Given two exports on one cache at the same time, of different repositories and
    // registries (the proxy slows the first so the two overlap)
    m_proxy->addFault(FaultProxy::Fault::latency(20).onPath(u"/manifests/"_s));
    auto big = startBerth({u"export"_s, u"--plain-http"_s, viaProxy(u"big/repo"_s)});
    auto app = startBerth({u"export"_s, u"--plain-http"_s, direct(u"cache/app"_s)});
    auto other = startBerth({u"export"_s, u"--plain-http"_s, direct(u"cache/other"_s)});
    for (QProcess *process : {big.get(), app.get(), other.get()})
        QVERIFY(process->waitForStarted(10000));
    QVERIFY(QTest::qWaitFor(
            [&] {
                return big->state() == QProcess::NotRunning && app->state() == QProcess::NotRunning
                       && other->state() == QProcess::NotRunning;
            },
            120000));

    // Then all succeed
    for (QProcess *process : {big.get(), app.get(), other.get()}) {
        const QByteArray err = process->readAllStandardError();
        QCOMPARE(process->exitStatus(), QProcess::NormalExit);
        QVERIFY2(process->exitCode() == 0, err.constData());
        QVERIFY2(!err.contains("locked") && !err.contains("cache"), err.constData());
    }
    // and the cache holds what each wrote, and opens cleanly.
    {
        const QString connection = u"tst.clicache.integrity"_s;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
            db.setDatabaseName(databasePath());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
            QCOMPARE(q.value(0).toString(), u"ok"_s);
        }
        QSqlDatabase::removeDatabase(connection);
    }
    MetadataCache cache(databasePath());
    QVERIFY(cache.open());
    QCOMPARE(cache.tagsOf(m_proxy->host(), u"big/repo"_s).size(), BigImages * BigTagsPerImage);
    QCOMPARE(cache.tagsOf(m_registry->host(), u"cache/app"_s).size(), m_appTags.size());
    QCOMPARE(cache.tagsOf(m_registry->host(), u"cache/other"_s).size(), m_otherTags.size());
    for (const QString &digest : m_bigDigests | m_appEntries | m_otherDigests)
        QVERIFY2(cache.metadata(digest), qPrintable(digest));
    const CacheStatistics statistics = cache.statistics();
    QCOMPARE(statistics.images, (m_bigDigests | m_appEntries | m_otherDigests).size());
}

void TestCliCache::exportBesideWritingProcess()
{
    // Given this process holding the cache open and writing to it in small batches
    MetadataCache cache(databasePath());
    QVERIFY(cache.open());
    cache.setWriteDelay(0);
    m_proxy->addFault(FaultProxy::Fault::latency(10).onPath(u"/manifests/"_s));

    // When an export runs on the same file meanwhile
    auto exporting = startBerth({u"export"_s, u"--plain-http"_s, viaProxy(u"big/repo"_s)});
    QVERIFY(exporting->waitForStarted(10000));
    int written = 0;
    const QDateTime t = QDateTime::currentDateTimeUtc();
    while (exporting->state() != QProcess::NotRunning || written < 200) {
        for (int i = 0; i < 10; ++i, ++written) {
            cache.storeTag(u"writer.example"_s, u"mine"_s, u"t%1"_s.arg(written),
                           *m_bigDigests.cbegin(), t);
        }
        cache.flush();
        QTest::qWait(5);
    }

    // Then both succeed and the file holds both processes' rows
    const QByteArray err = exporting->readAllStandardError();
    QCOMPARE(exporting->exitStatus(), QProcess::NormalExit);
    QVERIFY2(exporting->exitCode() == 0, err.constData());
    QVERIFY2(err.isEmpty(), err.constData());
    QCOMPARE(cache.failedCommitCount(), 0);
    QCOMPARE(cache.tagsOf(u"writer.example"_s, u"mine"_s).size(), written);
    QCOMPARE(cache.tagsOf(m_proxy->host(), u"big/repo"_s).size(), BigImages * BigTagsPerImage);
    for (const QString &digest : std::as_const(m_bigDigests))
        QVERIFY2(cache.metadata(digest), qPrintable(digest));
    const QJsonObject object = info();
    QCOMPARE(object.value(u"tags"_s).toInteger(), written + BigImages * BigTagsPerImage);
}

void TestCliCache::killedExportLeavesUsableCache()
{
    // Given an export slowed down so it runs for seconds
    m_proxy->addFault(FaultProxy::Fault::latency(150).onPath(u"/manifests/"_s));
    auto exporting = startBerth({u"export"_s, u"--plain-http"_s, viaProxy(u"big/repo"_s)});
    QVERIFY(exporting->waitForStarted(10000));

    // When it is SIGKILLed after it committed some rows
    const int total = BigImages * BigTagsPerImage;
    qint64 seenTags = 0;
    const bool committed = QTest::qWaitFor(
            [&] {
                if (!QFileInfo::exists(databasePath()))
                    return false;
                MetadataCache peek(databasePath());
                if (!peek.open())
                    return false;
                seenTags = peek.statistics().tags;
                return seenTags > 0;
            },
            60000);
    exporting->kill(); // SIGKILL: no destructor, no flush
    QVERIFY(exporting->waitForFinished(10000));
    QVERIFY(committed);
    QCOMPARE(exporting->exitStatus(), QProcess::CrashExit);
    QVERIFY2(seenTags < total, "the export finished before it was killed: slow it down more");

    // Then the cache opens and answers
    qint64 cachedImages = 0;
    {
        MetadataCache cache(databasePath());
        QVERIFY(cache.open());
        const CacheStatistics statistics = cache.statistics();
        QVERIFY(statistics.tags >= seenTags);
        QVERIFY(statistics.tags < total);
        for (const QString &digest : std::as_const(m_bigDigests))
            cachedImages += cache.metadata(digest) ? 1 : 0;
        QCOMPARE(statistics.images, cachedImages);
    }
    // and a following export completes, fetching only the images the cache did not have.
    m_proxy->clearFaults();
    m_seen.clear();
    const BerthRun run = berth({u"export"_s, u"--plain-http"_s, viaProxy(u"big/repo"_s)});
    QCOMPARE(run.code, 0);
    QVERIFY2(run.err.isEmpty(), run.err.constData());
    const QList<QStringList> rows = parseCsv(QString::fromUtf8(run.out));
    QCOMPARE(rows.size(), total + 1); // and the header
    // Each tag was asked once (a HEAD for one the cache knew, a GET of the manifest otherwise),
    // and only the images the cache did not hold had their config fetched.
    const int byTag = count("HEAD", u"/manifests/"_s)
                      + count("GET", u"/manifests/v"_s); // tags are v<image>.<n>
    QCOMPARE(byTag, total);
    QCOMPARE(count("GET", u"/blobs/"_s), BigImages - cachedImages);
    const QJsonObject object = info();
    QCOMPARE(object.value(u"tags"_s).toInteger(), total);
    QCOMPARE(object.value(u"images"_s).toInteger(), BigImages);
}

QTEST_GUILESS_MAIN(TestCliCache)
#include "tst_clicache.moc"
