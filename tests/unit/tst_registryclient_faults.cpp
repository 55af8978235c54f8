// RegistryClient and OciBackend against a scripted loopback server: the malformed, truncated,
// lying and partial answers a real registry rarely gives on purpose.

#include "net/core/digest.h"
#include "net/formats/mediatypes.h"
#include "net/oci/ocibackend.h"
#include "net/oci/registryclient.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"
#include "scriptedhttpserver.h"
#include "scriptedstack.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;
using Reply = ScriptedHttpServer::Reply;

namespace {

//! A served object: path -> reply, with the right digest headers by default.
struct Content
{
    QHash<QString, Reply> byPath;

    void manifest(const QString &repository, const QString &reference, const QByteArray &bytes,
                  const QString &mediaType, bool digestHeader = true)
    {
        Reply reply;
        reply.status = 200;
        reply.body = bytes;
        reply.header("Content-Type", mediaType.toUtf8());
        if (digestHeader)
            reply.header("Docker-Content-Digest", Digest::sha256(bytes).toLatin1());
        byPath.insert(u"/v2/%1/manifests/%2"_s.arg(repository, reference), reply);
    }
    void blob(const QString &repository, const QByteArray &bytes)
    {
        Reply reply;
        reply.body = bytes;
        reply.header("Content-Type", "application/octet-stream");
        byPath.insert(u"/v2/%1/blobs/%2"_s.arg(repository, Digest::sha256(bytes)), reply);
    }
};

} // namespace

class TestRegistryClientFaults : public ScriptedStackTest
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void malformedTagListIsBadResponse_data();
    void malformedTagListIsBadResponse();
    void nullTagsAndNullEntriesAreTolerated();
    void largeTagListIsParsedOffThread();
    void truncatedManifestIsAnError();
    void digestMismatchNamesBothDigests();
    void missingContentDigestIsComputed();
    void resolveTagFallsBackToGet();
    void missingPlatformOfAnIndexIsTolerated();
    void indexNestingIsCapped();
    void uploadKeepsTheLocationQuery();
    void namesOutsideTheGrammarNeverReachAUrl_data();
    void namesOutsideTheGrammarNeverReachAUrl();
    void nextPageLinksStayOnTheListing_data();
    void nextPageLinksStayOnTheListing();

private:
    void serve(const Content &content);
};

void TestRegistryClientFaults::init()
{
    QVERIFY(setUpStack());
    serve({});
}

void TestRegistryClientFaults::cleanup()
{
    tearDownStack();
}

void TestRegistryClientFaults::serve(const Content &content)
{
    m_server->setHandler([content](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/")
            return Reply::json(200, "{}");
        const auto it = content.byPath.constFind(request.path());
        if (it == content.byPath.cend())
            return Reply::registryError(404, "MANIFEST_UNKNOWN", "manifest unknown");
        Reply reply = *it;
        if (request.method == "HEAD")
            reply.body.clear(); // the server sends headers only; Content-Length stays honest
        return reply;
    });
}

void TestRegistryClientFaults::malformedTagListIsBadResponse_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("not json") << "{\"name\": \"app\", \"tags\": [\"a\""_ba;
    QTest::newRow("array at top") << "[\"a\",\"b\"]"_ba;
    QTest::newRow("tags is a string") << "{\"name\":\"app\",\"tags\":\"a\"}"_ba;
    QTest::newRow("empty body") << QByteArray();
}

void TestRegistryClientFaults::malformedTagListIsBadResponse()
{
    QFETCH(QByteArray, body);
    Content content;
    content.byPath.insert(u"/v2/app/tags/list"_s, Reply::json(200, body));
    serve(content);
    const Result<NamesPage> page
            = waitFor(m_client->tagsPage(u"app"_s, 100, QUrl(), Priority::Visible));
    QCOMPARE(page.error().code, ErrorCode::BadResponse);
    QVERIFY2(page.error().message.contains(u"app"_s), qPrintable(page.error().message));
}

void TestRegistryClientFaults::nullTagsAndNullEntriesAreTolerated()
{
    const QString digestLike = Digest::sha256("x");
    Content content;
    content.byPath.insert(u"/v2/empty/tags/list"_s,
                          Reply::json(200, R"({"name":"empty","tags":null})"_ba));
    content.byPath.insert(u"/v2/odd/tags/list"_s,
                          Reply::json(200, R"({"name":"odd","tags":["a",null,")"_ba
                                                   + digestLike.toLatin1() + R"(",7]})"_ba));
    serve(content);
    const Result<NamesPage> empty
            = waitFor(m_client->tagsPage(u"empty"_s, 100, QUrl(), Priority::Visible));
    QVERIFY(empty.ok());
    QVERIFY(empty.value().names.isEmpty());
    QVERIFY(empty.value().next.isEmpty());
    const Result<NamesPage> odd
            = waitFor(m_client->tagsPage(u"odd"_s, 100, QUrl(), Priority::Visible));
    QVERIFY(odd.ok());
    QCOMPARE(odd.value().names, (QStringList{u"a"_s, digestLike}));
}

void TestRegistryClientFaults::largeTagListIsParsedOffThread()
{
    // 30,000 tags is ~600 KB: above the off-thread threshold
    QJsonArray tags;
    QStringList expected;
    for (int i = 0; i < 30000; ++i) {
        expected.append(u"build-%1"_s.arg(i));
        tags.append(expected.constLast());
    }
    Content content;
    content.byPath.insert(u"/v2/big/tags/list"_s,
                          Reply::json(200, json({{u"name"_s, u"big"_s}, {u"tags"_s, tags}})));
    serve(content);
    std::unique_ptr<Pager> pager(m_backend->createTagPager(u"big"_s, nullptr));
    pager->setPageSize(500);
    QSignalSpy ready(pager.get(), &Pager::pageReady);
    pager->fetchNext();
    QVERIFY(ready.wait(20000));
    QCOMPARE(ready.constFirst().constFirst().toStringList(), expected.mid(0, 500));
    QCOMPARE(pager->totalCount(), 30000);
    QVERIFY(pager->hasMore());
    // The next page comes from memory, without a request, and not synchronously
    const int requests = m_server->requestCount();
    pager->fetchNext();
    QCOMPARE(ready.size(), 1);
    QVERIFY(ready.wait(5000));
    QCOMPARE(ready.constLast().constFirst().toStringList(), expected.mid(500, 500));
    QCOMPARE(m_server->requestCount(), requests);
}

void TestRegistryClientFaults::namesOutsideTheGrammarNeverReachAUrl_data()
{
    QTest::addColumn<QString>("repository");
    QTest::addColumn<QString>("reference");
    QTest::newRow("traversal in a tag") << u"app"_s << u"../../../other/manifests/1.0"_s;
    QTest::newRow("line break in a tag") << u"app"_s << u"a\r\nb"_s;
    QTest::newRow("escape in a tag") << u"app"_s << u"\x1b[31mred"_s;
    QTest::newRow("percent in a tag") << u"app"_s << u"a%2F..%2Fb"_s;
    QTest::newRow("query in a tag") << u"app"_s << u"v1?x=1"_s;
    QTest::newRow("traversal in a repository") << u"app/../../other"_s << u"v1"_s;
    QTest::newRow("too long a tag") << u"app"_s << QString(129, u'a');
}

void TestRegistryClientFaults::namesOutsideTheGrammarNeverReachAUrl()
{
    // Given names the server listed that do not fit the grammar
    QFETCH(QString, repository);
    QFETCH(QString, reference);
    serve(Content());
    const int before = m_server->requestCount();

    // When anything is asked for them, then it is refused with the name made visible, and
    // nothing at all (so no credentials either) is sent
    const auto head = waitFor(m_client->headManifest(repository, reference, Priority::Visible));
    const auto get = waitFor(m_client->getManifest(repository, reference, Priority::Visible));
    const auto put = waitFor(m_client->putManifest(repository, reference, "{}", u"x/y"_s));
    for (const Error &error : {head.error(), get.error(), put.error()}) {
        QCOMPARE(error.code, ErrorCode::InvalidInput);
        QVERIFY2(error.message.contains(u"refused, nothing was sent"_s), qPrintable(error.message));
        QVERIFY(!error.message.contains(u'\x1b') && !error.message.contains(u'\n'));
    }
    QCOMPARE(m_server->requestCount(), before);
}

void TestRegistryClientFaults::nextPageLinksStayOnTheListing_data()
{
    QTest::addColumn<QString>("link");
    QTest::newRow("out of /v2/") << u"/other/manifests/1.0?last=x"_s;
    QTest::newRow("another repository") << u"/v2/secret/tags/list?last=x"_s;
    QTest::newRow("dot segments") << u"/v2/app/tags/list/../../secret/tags/list?n=1"_s;
}

void TestRegistryClientFaults::nextPageLinksStayOnTheListing()
{
    QFETCH(QString, link);
    serve(Content());
    const int before = m_server->requestCount();
    const auto page = waitFor(m_client->tagsPage(u"app"_s, 100, QUrl(link), Priority::Visible));
    QCOMPARE(page.error().code, ErrorCode::BadResponse);
    QVERIFY2(page.error().message.contains(u"refused"_s), qPrintable(page.error().message));
    QCOMPARE(m_server->requestCount(), before);
}

void TestRegistryClientFaults::truncatedManifestIsAnError()
{
    const QByteArray bytes = json({{u"schemaVersion"_s, 2},
                                   {u"mediaType"_s, QString(MediaType::OciManifest)},
                                   {u"config"_s, descriptor(QString(MediaType::OciConfig), "{}")},
                                   {u"layers"_s, QJsonArray()}});
    Content content;
    content.manifest(u"app"_s, u"v1"_s, bytes, QString(MediaType::OciManifest));
    content.byPath[u"/v2/app/manifests/v1"_s].closeAfterBodyBytes = 20;
    serve(content);
    const Result<FetchedManifest> manifest
            = waitFor(m_client->getManifest(u"app"_s, u"v1"_s, Priority::Visible));
    QVERIFY(!manifest.ok());
    QVERIFY2(manifest.error().code == ErrorCode::Network
                     || manifest.error().code == ErrorCode::BadResponse
                     || manifest.error().code == ErrorCode::DigestMismatch,
             qPrintable(manifest.error().toString()));
}

void TestRegistryClientFaults::digestMismatchNamesBothDigests()
{
    const QByteArray real = json({{u"schemaVersion"_s, 2},
                                  {u"mediaType"_s, QString(MediaType::OciManifest)},
                                  {u"config"_s, descriptor(QString(MediaType::OciConfig), "{}")},
                                  {u"layers"_s, QJsonArray()}});
    const QByteArray forged = QByteArray(real).replace("\"size\":2", "\"size\":3");
    const QString realDigest = Digest::sha256(real);
    Content content;
    // By digest: the server answers other bytes
    content.manifest(u"app"_s, realDigest, forged, QString(MediaType::OciManifest), false);
    // By tag: the Docker-Content-Digest header does not match the body
    content.manifest(u"app"_s, u"v1"_s, forged, QString(MediaType::OciManifest), false);
    content.byPath[u"/v2/app/manifests/v1"_s].header("Docker-Content-Digest",
                                                     realDigest.toLatin1());
    serve(content);
    for (const QString &reference : {realDigest, u"v1"_s}) {
        const Result<FetchedManifest> manifest
                = waitFor(m_client->getManifest(u"app"_s, reference, Priority::Visible));
        QCOMPARE(manifest.error().code, ErrorCode::DigestMismatch);
        QVERIFY2(manifest.error().message.contains(realDigest),
                 qPrintable(manifest.error().message));
        QVERIFY2(manifest.error().message.contains(Digest::sha256(forged)),
                 qPrintable(manifest.error().message));
    }
}

void TestRegistryClientFaults::missingContentDigestIsComputed()
{
    const QByteArray bytes
            = json({{u"schemaVersion"_s, 2},
                    {u"mediaType"_s, QString(MediaType::DockerManifest)},
                    {u"config"_s, descriptor(QString(MediaType::DockerConfig), "{}")},
                    {u"layers"_s, QJsonArray()}});
    Content content;
    content.manifest(u"app"_s, u"v1"_s, bytes, QString(MediaType::DockerManifest), false);
    serve(content);
    const Result<FetchedManifest> manifest
            = waitFor(m_client->getManifest(u"app"_s, u"v1"_s, Priority::Visible));
    QVERIFY2(manifest.ok(), qPrintable(manifest.error().toString()));
    QCOMPARE(manifest.value().digest, Digest::sha256(bytes));
    QCOMPARE(manifest.value().mediaType, QString(MediaType::DockerManifest));
    QCOMPARE(manifest.value().bytes, bytes);
}

void TestRegistryClientFaults::resolveTagFallsBackToGet()
{
    const QByteArray bytes = json({{u"schemaVersion"_s, 2},
                                   {u"mediaType"_s, QString(MediaType::OciManifest)},
                                   {u"config"_s, descriptor(QString(MediaType::OciConfig), "{}")},
                                   {u"layers"_s, QJsonArray()}});
    Content content;
    content.manifest(u"app"_s, u"v1"_s, bytes, QString(MediaType::OciManifest), false);
    serve(content);
    const Result<TagDigest> resolved
            = waitFor(m_backend->resolveTag(u"app"_s, u"v1"_s, Priority::Visible));
    QVERIFY2(resolved.ok(), qPrintable(resolved.error().toString()));
    QCOMPARE(resolved.value().digest, Digest::sha256(bytes));
    QStringList methods;
    for (const auto &request : m_server->requests())
        methods.append(QString::fromLatin1(request.method));
    QVERIFY2(methods.contains(u"HEAD"_s) && methods.contains(u"GET"_s),
             qPrintable(methods.join(u' ')));
}

void TestRegistryClientFaults::missingPlatformOfAnIndexIsTolerated()
{
    // Given an index whose arm64 child is gone (404)
    const QByteArray config
            = R"({"os":"linux","architecture":"amd64","created":"2024-01-02T03:04:05Z"})"_ba;
    const QByteArray layer = "layer bytes"_ba;
    const QByteArray amd
            = json({{u"schemaVersion"_s, 2},
                    {u"mediaType"_s, QString(MediaType::OciManifest)},
                    {u"config"_s, descriptor(QString(MediaType::OciConfig), config)},
                    {u"layers"_s, QJsonArray{descriptor(QString(MediaType::OciLayer), layer)}}});
    const QByteArray missing = amd + "\n"_ba; // another digest, never served
    const auto child = [](const QByteArray &bytes, const QString &arch) {
        QJsonObject d = descriptor(QString(MediaType::OciManifest), bytes);
        d.insert(u"platform"_s, QJsonObject{{u"os"_s, u"linux"_s}, {u"architecture"_s, arch}});
        return d;
    };
    const QByteArray index = json(
            {{u"schemaVersion"_s, 2},
             {u"mediaType"_s, QString(MediaType::OciIndex)},
             {u"manifests"_s, QJsonArray{child(amd, u"amd64"_s), child(missing, u"arm64"_s)}}});
    Content content;
    content.manifest(u"app"_s, u"multi"_s, index, QString(MediaType::OciIndex));
    content.manifest(u"app"_s, Digest::sha256(amd), amd, QString(MediaType::OciManifest));
    content.blob(u"app"_s, config);
    serve(content);
    // When fetching its metadata
    const Result<ImageMetadata> meta
            = waitFor(m_backend->fetchMetadata(u"app"_s, u"multi"_s, Priority::Visible));
    // Then the index stands, the missing platform carries its error and a warning
    QVERIFY2(meta.ok(), qPrintable(meta.error().toString()));
    const ImageMetadata &m = meta.value();
    QCOMPARE(m.platforms.size(), 2);
    QVERIFY(m.platforms.at(0).error.isEmpty());
    QCOMPARE(m.platforms.at(0).size, qint64(config.size() + layer.size()));
    QVERIFY(!m.platforms.at(1).error.isEmpty());
    QCOMPARE(m.warnings.size(), 1);
    QVERIFY2(m.warnings.constFirst().contains(u"linux/arm64"_s),
             qPrintable(m.warnings.constFirst()));
    QCOMPARE(m.size, qint64(config.size() + layer.size()));
    QCOMPARE(m.created, QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), Qt::UTC));
}

void TestRegistryClientFaults::indexNestingIsCapped()
{
    // Given index -> index -> index -> image (three levels of indexes)
    const QByteArray image
            = json({{u"schemaVersion"_s, 2},
                    {u"mediaType"_s, QString(MediaType::OciManifest)},
                    {u"config"_s, descriptor(u"application/vnd.example+json"_s, "{}")},
                    {u"layers"_s, QJsonArray()}});
    const auto indexOf = [](const QByteArray &child, const QString &childType) {
        QJsonObject d = descriptor(childType, child);
        d.insert(u"platform"_s,
                 QJsonObject{{u"os"_s, u"linux"_s}, {u"architecture"_s, u"amd64"_s}});
        return json({{u"schemaVersion"_s, 2},
                     {u"mediaType"_s, QString(MediaType::OciIndex)},
                     {u"manifests"_s, QJsonArray{d}}});
    };
    const QByteArray innermost = indexOf(image, QString(MediaType::OciManifest));
    const QByteArray middle = indexOf(innermost, QString(MediaType::OciIndex));
    const QByteArray top = indexOf(middle, QString(MediaType::OciIndex));
    Content content;
    content.manifest(u"app"_s, u"nested"_s, top, QString(MediaType::OciIndex));
    for (const QByteArray &bytes : {image, innermost, middle})
        content.manifest(u"app"_s, Digest::sha256(bytes), bytes,
                         QString(bytes == image ? MediaType::OciManifest : MediaType::OciIndex));
    serve(content);
    const Result<ImageMetadata> meta
            = waitFor(m_backend->fetchMetadata(u"app"_s, u"nested"_s, Priority::Visible));
    // Then the second level is followed, the third is reported, not followed
    QVERIFY2(meta.ok(), qPrintable(meta.error().toString()));
    QCOMPARE(meta.value().warnings.size(), 1);
    QVERIFY2(meta.value().warnings.constFirst().contains(u"nested"_s),
             qPrintable(meta.value().warnings.constFirst()));
    for (const auto &request : m_server->requests())
        QVERIFY2(!request.path().endsWith(Digest::sha256(image)), request.target.constData());
}

void TestRegistryClientFaults::uploadKeepsTheLocationQuery()
{
    const QByteArray blob = "blob bytes"_ba;
    m_server->setHandler([](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/")
            return Reply::json(200, "{}");
        if (request.method == "POST") {
            Reply reply;
            reply.status = 202;
            reply.header("Location", "/v2/app/blobs/uploads/abc-123?_state=xy%3D%3D");
            return reply;
        }
        if (request.method == "PUT") {
            Reply reply;
            reply.status = 201;
            reply.header("Docker-Content-Digest",
                         request.query().queryItemValue(u"digest"_s).toLatin1());
            return reply;
        }
        return Reply::registryError(404, "NOT_FOUND", "not found");
    });
    const Result<QString> uploaded
            = waitFor(m_client->uploadBlob(u"app"_s, blob, Priority::Visible));
    QVERIFY2(uploaded.ok(), qPrintable(uploaded.error().toString()));
    QCOMPARE(uploaded.value(), Digest::sha256(blob));
    const auto requests = m_server->requests();
    QVERIFY(!requests.isEmpty());
    const auto &put = requests.constLast();
    QCOMPARE(put.method, "PUT"_ba);
    QVERIFY2(put.target.startsWith("/v2/app/blobs/uploads/abc-123?_state=xy%3D%3D&digest=sha256"),
             put.target.constData());
    QCOMPARE(put.body, blob);
}

QTEST_GUILESS_MAIN(TestRegistryClientFaults)
#include "tst_registryclient_faults.moc"
