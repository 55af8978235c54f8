// What MetadataService asks a registry for, request by request, against a scripted registry: a
// tag the cache does not know costs one manifest GET (digest and body at once), a known one a
// HEAD; what arrived before a cancel (a manifest, an index's finished children) is not asked
// for again, in this process or the next one on the same cache.

#include "scriptedstack.h"

#include "models/metadata/metadatacache.h"
#include "models/metadata/metadataservice.h"
#include "net/formats/mediatypes.h"

#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace Berth::Test {

namespace {

const QString Repository = u"team/app"_s;

struct Image
{
    QByteArray config;
    QByteArray manifest;
    QString digest;
};

Image makeImage(const QString &architecture)
{
    Image image;
    image.config = json(
            {{u"architecture"_s, architecture},
             {u"os"_s, u"linux"_s},
             {u"created"_s, u"2024-05-01T10:00:00Z"_s},
             {u"rootfs"_s, QJsonObject{{u"type"_s, u"layers"_s}, {u"diff_ids"_s, QJsonArray()}}}});
    image.manifest = json({{u"schemaVersion"_s, 2},
                           {u"mediaType"_s, QString(MediaType::OciManifest)},
                           {u"config"_s, descriptor(MediaType::OciConfig, image.config)},
                           {u"layers"_s, QJsonArray()}});
    image.digest = Digest::sha256(image.manifest);
    return image;
}

QByteArray makeIndex(const QList<std::pair<Image, QString>> &children)
{
    QJsonArray manifests;
    for (const auto &[image, architecture] : children) {
        QJsonObject entry = descriptor(MediaType::OciManifest, image.manifest);
        entry.insert(u"platform"_s,
                     QJsonObject{{u"os"_s, u"linux"_s}, {u"architecture"_s, architecture}});
        manifests.append(entry);
    }
    return json({{u"schemaVersion"_s, 2},
                 {u"mediaType"_s, QString(MediaType::OciIndex)},
                 {u"manifests"_s, manifests}});
}

} // namespace

class TestMetadataFetches : public ScriptedStackTest
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void unknownTagIsOneManifestGet();
    void knownTagIsRevalidatedWithAHead();
    void cancelledImageKeepsItsManifest();
    void cancelledIndexKeepsItsFinishedChildren();

private:
    //! Serves tag -> manifest, manifests and configs by digest; paths in m_silent never answer.
    void serve(const QHash<QString, QByteArray> &tags, const QList<QByteArray> &manifests,
               const QList<QByteArray> &blobs);
    int requestsFor(const QByteArray &method, const QString &path) const;
    QString manifestPath(const QString &reference) const
    {
        return u"/v2/%1/manifests/%2"_s.arg(Repository, reference);
    }
    QString blobPath(const QByteArray &blob) const
    {
        return u"/v2/%1/blobs/%2"_s.arg(Repository, Digest::sha256(blob));
    }

    QTemporaryDir m_dir;
    std::unique_ptr<MetadataCache> m_cache;
    std::unique_ptr<MetadataService> m_service;
    std::shared_ptr<QSet<QString>> m_silent;
};

void TestMetadataFetches::init()
{
    QVERIFY(setUpStack());
    QVERIFY(m_dir.isValid());
    QFile::remove(m_dir.filePath(u"cache.sqlite"_s));
    m_cache = std::make_unique<MetadataCache>(m_dir.filePath(u"cache.sqlite"_s));
    QVERIFY(m_cache->open());
    m_cache->setWriteDelay(0);
    m_service = std::make_unique<MetadataService>(m_backend, m_cache.get());
    m_silent = std::make_shared<QSet<QString>>();
}

void TestMetadataFetches::cleanup()
{
    m_service.reset();
    m_cache.reset();
    tearDownStack();
}

void TestMetadataFetches::serve(const QHash<QString, QByteArray> &tags,
                                const QList<QByteArray> &manifests, const QList<QByteArray> &blobs)
{
    QHash<QString, QByteArray> byPath;
    QHash<QString, QByteArray> types;
    for (auto it = tags.cbegin(); it != tags.cend(); ++it)
        byPath.insert(manifestPath(it.key()), it.value());
    for (const QByteArray &manifest : manifests)
        byPath.insert(manifestPath(Digest::sha256(manifest)), manifest);
    for (const QByteArray &blob : blobs)
        byPath.insert(blobPath(blob), blob);
    m_server->setHandler([byPath, silent = m_silent](const ScriptedHttpServer::Request &request) {
        const QString path = request.path();
        if (path == u"/v2/"_s)
            return ScriptedHttpServer::Reply::json(200, "{}");
        ScriptedHttpServer::Reply reply;
        if (silent->contains(path)) {
            reply.neverRespond = true;
            return reply;
        }
        const auto it = byPath.constFind(path);
        if (it == byPath.cend())
            return ScriptedHttpServer::Reply::registryError(404, "MANIFEST_UNKNOWN", "unknown");
        if (path.contains(u"/manifests/"_s)) {
            const QJsonObject object = QJsonDocument::fromJson(*it).object();
            reply.header("Content-Type", object.value(u"mediaType"_s).toString().toUtf8());
            reply.header("Docker-Content-Digest", Digest::sha256(*it).toUtf8());
        }
        if (request.method != "HEAD")
            reply.body = *it;
        return reply;
    });
}

int TestMetadataFetches::requestsFor(const QByteArray &method, const QString &path) const
{
    int count = 0;
    for (const ScriptedHttpServer::Request &request : m_server->requests())
        count += request.method == method && request.path() == path ? 1 : 0;
    return count;
}

void TestMetadataFetches::unknownTagIsOneManifestGet()
{
    const Image image = makeImage(u"amd64"_s);
    serve({{u"1.0"_s, image.manifest}}, {image.manifest}, {image.config});

    const auto result = waitFor(m_service->metadata(Repository, u"1.0"_s, Priority::Visible));
    QVERIFY2(result, qPrintable(result.error().toString()));
    QCOMPARE(result->digest, image.digest);
    QCOMPARE(result->metadata->platforms.constFirst().platform.architecture, u"amd64"_s);

    // One GET by tag told the digest and brought the body: no HEAD, no GET by digest.
    QCOMPARE(requestsFor("GET", manifestPath(u"1.0"_s)), 1);
    QCOMPARE(requestsFor("HEAD", manifestPath(u"1.0"_s)), 0);
    QCOMPARE(requestsFor("GET", manifestPath(image.digest)), 0);
    QCOMPARE(requestsFor("GET", blobPath(image.config)), 1);
    // And the tag is known now, with the digest the GET verified.
    m_cache->flush();
    QCOMPARE(m_cache->tag(m_service->registryHost(), Repository, u"1.0"_s)->digest, image.digest);
}

void TestMetadataFetches::knownTagIsRevalidatedWithAHead()
{
    const Image image = makeImage(u"arm64"_s);
    serve({{u"1.0"_s, image.manifest}}, {image.manifest}, {image.config});
    QVERIFY(waitFor(m_service->metadata(Repository, u"1.0"_s, Priority::Visible)));
    m_cache->flush();
    m_server->clearRequests();

    // A later process on the same cache: the tag is revalidated, the image comes from the cache.
    MetadataService later(m_backend, m_cache.get());
    const auto result = waitFor(later.metadata(Repository, u"1.0"_s, Priority::Visible));
    QVERIFY2(result, qPrintable(result.error().toString()));
    QCOMPARE(result->digest, image.digest);
    QCOMPARE(requestsFor("HEAD", manifestPath(u"1.0"_s)), 1);
    QCOMPARE(m_server->requestCount(), 1);
    QCOMPARE(later.metadataFetches(), quint64(0));
}

void TestMetadataFetches::cancelledImageKeepsItsManifest()
{
    const Image image = makeImage(u"amd64"_s);
    serve({{u"1.0"_s, image.manifest}}, {image.manifest}, {image.config});
    m_silent->insert(blobPath(image.config));

    // The row asks, the manifest arrives, the config hangs; the row scrolls away.
    auto *job = m_service->metadata(Repository, u"1.0"_s, Priority::Visible);
    QTRY_COMPARE(requestsFor("GET", blobPath(image.config)), 1);
    job->cancel();

    // Back on screen: the tag is revalidated (HEAD) and only the config is asked for.
    m_silent->clear();
    const auto result = waitFor(m_service->metadata(Repository, u"1.0"_s, Priority::Visible));
    QVERIFY2(result, qPrintable(result.error().toString()));
    QCOMPARE(result->metadata->platforms.constFirst().platform.architecture, u"amd64"_s);
    QCOMPARE(requestsFor("GET", manifestPath(u"1.0"_s)), 1);
    QCOMPARE(requestsFor("GET", manifestPath(image.digest)), 0);
    QCOMPARE(requestsFor("HEAD", manifestPath(u"1.0"_s)), 1);
    QCOMPARE(requestsFor("GET", blobPath(image.config)), 2);
}

void TestMetadataFetches::cancelledIndexKeepsItsFinishedChildren()
{
    const Image amd = makeImage(u"amd64"_s);
    const Image arm = makeImage(u"arm64"_s);
    const QByteArray index = makeIndex({{amd, u"amd64"_s}, {arm, u"arm64"_s}});
    serve({{u"multi"_s, index}}, {index, amd.manifest, arm.manifest}, {amd.config, arm.config});
    m_silent->insert(manifestPath(arm.digest));

    // One platform arrives, the other hangs; the row is cancelled halfway through the index.
    auto *job = m_service->metadata(Repository, u"multi"_s, Priority::Visible);
    QTRY_VERIFY(m_service->knownMetadata(amd.digest) != nullptr);
    QCOMPARE(requestsFor("GET", manifestPath(arm.digest)), 1);
    job->cancel();
    m_cache->flush();

    // The finished platform was kept as it arrived, in memory and on disk.
    QVERIFY(m_cache->metadata(amd.digest).has_value());
    QVERIFY(!m_cache->metadata(Digest::sha256(index)).has_value());

    // Asked again (the other platform answers now): only what is missing is fetched.
    m_silent->clear();
    const auto again = waitFor(m_service->metadata(Repository, u"multi"_s, Priority::Visible));
    QVERIFY2(again, qPrintable(again.error().toString()));
    QCOMPARE(again->metadata->platforms.size(), 2);
    QCOMPARE(requestsFor("GET", manifestPath(amd.digest)), 1);
    QCOMPARE(requestsFor("GET", blobPath(amd.config)), 1);
    QCOMPARE(requestsFor("GET", manifestPath(u"multi"_s)), 1); // the index's body was kept too
    QCOMPARE(requestsFor("GET", manifestPath(arm.digest)), 2);

    // A later process on the same cache: the index and both platforms come from the disk.
    m_cache->flush();
    m_server->clearRequests();
    MetadataService later(m_backend, m_cache.get());
    const auto cached = waitFor(later.metadata(Repository, u"multi"_s, Priority::Visible));
    QVERIFY2(cached, qPrintable(cached.error().toString()));
    QCOMPARE(cached->metadata->platforms.size(), 2);
    QCOMPARE(m_server->requestCount(), 1); // the HEAD that revalidates the tag
}

} // namespace Berth::Test

QTEST_GUILESS_MAIN(Berth::Test::TestMetadataFetches)
#include "tst_metadatafetches.moc"
