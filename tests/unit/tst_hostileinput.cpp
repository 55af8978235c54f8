// Hostile input limits: bodies over their caps, indexes that loop or nest without end, a tag
// list of a million names, absurd sizes and dates, and JSON nested to exhaust a recursive
// parser. Each gives a clear error (or "unknown", consistently), never a crash, hang or freeze.

#include "net/auth/dockerconfig.h"
#include "net/backend/pager.h"
#include "net/core/digest.h"
#include "net/formats/imageconfig.h"
#include "net/formats/imagemetadata.h"
#include "net/formats/manifest.h"
#include "net/formats/mediatypes.h"
#include "net/formats/registryerrorbody.h"
#include "net/oci/ocibackend.h"
#include "net/oci/registryclient.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"
#include "scriptedhttpserver.h"
#include "scriptedstack.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;
using Reply = ScriptedHttpServer::Reply;

namespace {

Reply manifestReply(const QByteArray &bytes, const QString &mediaType)
{
    Reply reply;
    reply.body = bytes;
    reply.header("Content-Type", mediaType.toUtf8());
    reply.header("Docker-Content-Digest", Digest::sha256(bytes).toLatin1());
    return reply;
}

//! n levels of arrays around a value: [[[...1...]]]
QByteArray nestedArrays(int depth)
{
    return QByteArray(depth, '[') + '1' + QByteArray(depth, ']');
}

//! n levels of objects: {"a":{"a":...{}...}}
QByteArray nestedObjects(int depth)
{
    QByteArray out;
    out.reserve(depth * 6 + 2);
    for (int i = 0; i < depth; ++i)
        out += "{\"a\":";
    out += "{}";
    out += QByteArray(depth, '}');
    return out;
}

//! Records the longest gap between ticks of a 5 ms timer: a blocked thread shows as a gap.
class LoopChecker
{
public:
    LoopChecker()
    {
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer,
                         [this] { m_longest = std::max(m_longest, m_sinceTick.restart()); });
        m_sinceTick.start();
        m_timer.start();
    }
    qint64 longestGapMs() const { return m_longest; }

private:
    QTimer m_timer;
    QElapsedTimer m_sinceTick;
    qint64 m_longest = 0;
};

} // namespace

class TestHostileInput : public ScriptedStackTest
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void manifestOverCapIsRefused_data();
    void manifestOverCapIsRefused();
    void indexServedForItsOwnChildIsNotFollowed();
    void deepIndexChainStopsAtTheCap();
    void millionTagsAreAcceptedWithoutFreezing();
    void listingOverCapIsRefused();
    void absurdSizesAreErrors_data();
    void absurdSizesAreErrors();
    void absurdDatesAreUnknown_data();
    void absurdDatesAreUnknown();
    void deepNestingIsCappedEverywhere_data();
    void deepNestingIsCappedEverywhere();

private:
    void serve(QHash<QString, Reply> byPath);
};

void TestHostileInput::init()
{
    QVERIFY(setUpStack());
    serve({});
}

void TestHostileInput::cleanup()
{
    tearDownStack();
}

void TestHostileInput::serve(QHash<QString, Reply> byPath)
{
    m_server->setHandler([byPath](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/")
            return Reply::json(200, "{}");
        const auto it = byPath.constFind(request.path());
        if (it == byPath.cend())
            return Reply::registryError(404, "MANIFEST_UNKNOWN", "manifest unknown");
        Reply reply = *it;
        if (request.method == "HEAD")
            reply.body.clear();
        return reply;
    });
}

void TestHostileInput::manifestOverCapIsRefused_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::newRow("Content-Length") << false; // refused from the headers
    QTest::newRow("chunked") << true;         // refused as the body passes the cap
}

void TestHostileInput::manifestOverCapIsRefused()
{
    QFETCH(bool, chunked);
    // Given a "manifest" of 4 MiB + 1 KiB (valid JSON: padding after the object)
    QByteArray body = json({{u"schemaVersion"_s, 2},
                            {u"mediaType"_s, QString(MediaType::OciIndex)},
                            {u"manifests"_s, QJsonArray()}});
    body.append(QByteArray(MaxManifestBytes + 1024 - body.size(), ' '));
    Reply reply = manifestReply(body, QString(MediaType::OciIndex));
    reply.chunked = chunked;
    serve({{u"/v2/app/manifests/big"_s, reply}});

    const Result<FetchedManifest> fetched
            = waitFor(m_client->getManifest(u"app"_s, u"big"_s, Priority::Visible));
    QVERIFY(!fetched.ok());
    QCOMPARE(fetched.error().code, ErrorCode::TooLarge);
    QVERIFY2(fetched.error().message.contains(QString::number(MaxManifestBytes)),
             qPrintable(fetched.error().message));
    // And the same bytes handed to the parser directly are refused before parsing
    QCOMPARE(parseManifest(body).error().code, ErrorCode::TooLarge);
}

void TestHostileInput::indexServedForItsOwnChildIsNotFollowed()
{
    // Given a server that answers every manifest request with the same index, which lists a
    // child digest: following the child would meet the index again, and again...
    const QByteArray child = "{\"schemaVersion\":2}";
    QJsonObject entry = descriptor(QString(MediaType::OciIndex), child);
    entry.insert(u"platform"_s,
                 QJsonObject{{u"os"_s, u"linux"_s}, {u"architecture"_s, u"amd64"_s}});
    const QByteArray index = json({{u"schemaVersion"_s, 2},
                                   {u"mediaType"_s, QString(MediaType::OciIndex)},
                                   {u"manifests"_s, QJsonArray{entry}}});
    m_server->setHandler([index](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/")
            return Reply::json(200, "{}");
        Reply reply;
        reply.body = request.method == "HEAD" ? QByteArray() : index;
        reply.header("Content-Type", QByteArray(MediaType::OciIndex.latin1()));
        reply.header("Content-Length", QByteArray::number(index.size()));
        return reply;
    });

    // When its metadata is read
    const Result<ImageMetadata> meta
            = waitFor(m_backend->fetchMetadata(u"app"_s, u"loop"_s, Priority::Visible));

    // Then the child is refused (its bytes are not what its digest says), the walk ends with
    // a clear per-platform reason, and only two manifests were ever asked for
    QVERIFY2(meta.ok(), qPrintable(meta.error().toString()));
    QCOMPARE(meta.value().platforms.size(), 1);
    const QString reason = meta.value().platforms.constFirst().error;
    QVERIFY2(reason.contains(u"digest"_s, Qt::CaseInsensitive), qPrintable(reason));
    int manifestGets = 0;
    for (const auto &request : m_server->requests())
        manifestGets += request.method == "GET" && request.path().contains(u"/manifests/"_s);
    QCOMPARE(manifestGets, 2);
}

void TestHostileInput::deepIndexChainStopsAtTheCap()
{
    // Given index -> index -> ... 12 levels -> image, each pushed by digest
    const QByteArray image = json({{u"schemaVersion"_s, 2},
                                   {u"mediaType"_s, QString(MediaType::OciManifest)},
                                   {u"config"_s, descriptor(u"application/vnd.x+json"_s, "{}")},
                                   {u"layers"_s, QJsonArray()}});
    QHash<QString, Reply> byPath;
    byPath.insert(u"/v2/app/manifests/"_s + Digest::sha256(image),
                  manifestReply(image, QString(MediaType::OciManifest)));
    QByteArray inner = image;
    QString innerType = QString(MediaType::OciManifest);
    for (int level = 0; level < 12; ++level) {
        QJsonObject entry = descriptor(innerType, inner);
        entry.insert(u"platform"_s,
                     QJsonObject{{u"os"_s, u"linux"_s}, {u"architecture"_s, u"amd64"_s}});
        inner = json({{u"schemaVersion"_s, 2},
                      {u"mediaType"_s, QString(MediaType::OciIndex)},
                      {u"manifests"_s, QJsonArray{entry}}});
        innerType = QString(MediaType::OciIndex);
        byPath.insert(u"/v2/app/manifests/"_s + Digest::sha256(inner),
                      manifestReply(inner, innerType));
    }
    byPath.insert(u"/v2/app/manifests/deep"_s, manifestReply(inner, innerType));
    serve(byPath);

    const Result<ImageMetadata> meta
            = waitFor(m_backend->fetchMetadata(u"app"_s, u"deep"_s, Priority::Visible));
    QVERIFY2(meta.ok(), qPrintable(meta.error().toString()));
    QVERIFY(!meta.value().warnings.isEmpty());
    QVERIFY2(meta.value().warnings.constFirst().contains(u"nested"_s),
             qPrintable(meta.value().warnings.constFirst()));
    // Bounded: a handful of levels fetched, not twelve
    int manifestGets = 0;
    for (const auto &request : m_server->requests())
        manifestGets += request.method == "GET" && request.path().contains(u"/manifests/"_s);
    QVERIFY2(manifestGets <= 4, qPrintable(QString::number(manifestGets)));
}

void TestHostileInput::millionTagsAreAcceptedWithoutFreezing()
{
    // Given a registry that ignores `n` and returns 1,000,000 tags at once (~20 MB). Accepted:
    // the listing cap is 64 MiB (registryclient.cpp: room for half a million 128-character
    // names); a million real tags in one repository exist (CI builds), so refusing them would
    // make such a repository unbrowsable.
    QByteArray body = "{\"name\":\"big\",\"tags\":[";
    body.reserve(22 * 1000000);
    for (int i = 0; i < 1000000; ++i) {
        if (i)
            body += ',';
        body += "\"build-2024-" + QByteArray::number(i) + '"';
    }
    body += "]}";
    QVERIFY(body.size() > 18 * 1000 * 1000);
    serve({{u"/v2/big/tags/list"_s, Reply::json(200, body)}});

    // When the first page is asked for, with a timer checking the event loop keeps turning
    LoopChecker checker;
    QElapsedTimer clock;
    clock.start();
    std::unique_ptr<Pager> pager(m_backend->createTagPager(u"big"_s, nullptr));
    pager->setPageSize(200);
    QSignalSpy ready(pager.get(), &Pager::pageReady);
    QSignalSpy failed(pager.get(), &Pager::failed);
    pager->fetchNext();
    QVERIFY(ready.wait(60000));
    const qint64 elapsed = clock.elapsed();

    // Then the page arrives, the whole list is known, and the parse happened off the thread
    QCOMPARE(failed.size(), 0);
    QCOMPARE(ready.constFirst().constFirst().toStringList().size(), 200);
    QCOMPARE(ready.constFirst().constFirst().toStringList().constFirst(), u"build-2024-0"_s);
    QCOMPARE(pager->totalCount(), 1000000);
    qInfo() << "1,000,000 tags (" << body.size() << "bytes): first page after" << elapsed
            << "ms, longest event-loop gap" << checker.longestGapMs() << "ms";
    // A freeze (parsing and splitting on this thread) shows as a gap of a second or more on this
    // machine; the bound is loose because the test's own server writes 20 MB from this thread
    // and a loaded 2-core CI machine adds its own stalls.
    QVERIFY2(checker.longestGapMs() < 1000, qPrintable(QString::number(checker.longestGapMs())));
}

void TestHostileInput::listingOverCapIsRefused()
{
    // Given a listing announcing 65 MiB (over the 64 MiB cap); refused from its headers
    Reply reply = Reply::json(200, QByteArray(65 * 1024 * 1024, ' '));
    serve({{u"/v2/huge/tags/list"_s, reply}});
    const Result<NamesPage> page
            = waitFor(m_client->tagsPage(u"huge"_s, 100, QUrl(), Priority::Visible));
    QVERIFY(!page.ok());
    QCOMPARE(page.error().code, ErrorCode::TooLarge);
}

void TestHostileInput::absurdSizesAreErrors_data()
{
    QTest::addColumn<QByteArray>("size");
    QTest::newRow("negative") << "-1"_ba;
    QTest::newRow("2^53 + 1") << "9007199254740993"_ba;
    QTest::newRow("2^63") << "9223372036854775808"_ba;
    QTest::newRow("1e300") << "1e300"_ba;
    QTest::newRow("fraction") << "1.5"_ba;
    QTest::newRow("string") << "\"12\""_ba;
    QTest::newRow("null") << "null"_ba;
}

void TestHostileInput::absurdSizesAreErrors()
{
    QFETCH(QByteArray, size);
    const QByteArray digest = Digest::sha256("x").toLatin1();
    const QByteArray body
            = "{\"schemaVersion\":2,\"mediaType\":\"" + QByteArray(MediaType::OciManifest.latin1())
              + "\",\"config\":{\"mediaType\":\"" + QByteArray(MediaType::OciConfig.latin1())
              + "\",\"digest\":\"" + digest + "\",\"size\":2},\"layers\":[{" + "\"mediaType\":\""
              + QByteArray(MediaType::OciLayer.latin1()) + "\",\"digest\":\"" + digest
              + "\",\"size\":" + size + "}]}";
    const Result<Manifest> manifest = parseManifest(body);
    QVERIFY(!manifest.ok());
    QCOMPARE(manifest.error().code, ErrorCode::BadResponse);
    QVERIFY2(manifest.error().message.contains(u"size"_s), qPrintable(manifest.error().message));
}

void TestHostileInput::absurdDatesAreUnknown_data()
{
    QTest::addColumn<QString>("created");
    QTest::newRow("year 0") << u"0000-01-01T00:00:00Z"_s;
    QTest::newRow("Go zero time") << u"0001-01-01T00:00:00Z"_s;
    QTest::newRow("year 99999") << u"99999-01-01T00:00:00Z"_s;
    QTest::newRow("negative year") << u"-2024-01-01T00:00:00Z"_s;
    QTest::newRow("month 13") << u"2024-13-01T00:00:00Z"_s;
    QTest::newRow("hour 25") << u"2024-01-01T25:00:00Z"_s;
    QTest::newRow("offset 99:99") << u"2024-01-01T00:00:00+99:99"_s;
    QTest::newRow("huge fraction") << u"2024-01-01T00:00:00.99999999999999999999Z"_s;
}

void TestHostileInput::absurdDatesAreUnknown()
{
    QFETCH(QString, created);
    // Given an image whose config has an absurd created time
    const QByteArray config = json(
            {{u"created"_s, created}, {u"os"_s, u"linux"_s}, {u"architecture"_s, u"amd64"_s}});
    const QByteArray layer = "layer";
    const QByteArray manifest
            = json({{u"schemaVersion"_s, 2},
                    {u"mediaType"_s, QString(MediaType::OciManifest)},
                    {u"config"_s, descriptor(QString(MediaType::OciConfig), config)},
                    {u"layers"_s, QJsonArray{descriptor(QString(MediaType::OciLayer), layer)}}});
    Reply blob;
    blob.body = config;
    serve({{u"/v2/app/manifests/odd"_s, manifestReply(manifest, QString(MediaType::OciManifest))},
           {u"/v2/app/blobs/"_s + Digest::sha256(config), blob}});

    // Then the parser says "unknown" (an invalid time), the metadata carries it as unknown,
    // and the JSON shape says null: the same answer at every layer
    QVERIFY(!parseRfc3339(created).isValid());
    const auto parsed = parseImageConfig(config);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error().toString()));
    QVERIFY(!parsed->created.isValid());
    const Result<ImageMetadata> meta
            = waitFor(m_backend->fetchMetadata(u"app"_s, u"odd"_s, Priority::Visible));
    QVERIFY2(meta.ok(), qPrintable(meta.error().toString()));
    QVERIFY(!meta.value().created.isValid());
    QVERIFY(meta.value().toJson().value(u"created"_s).isNull());
    QCOMPARE(meta.value().size, qint64(config.size() + layer.size()));
}

void TestHostileInput::deepNestingIsCappedEverywhere_data()
{
    QTest::addColumn<QByteArray>("body");
    // Qt's JSON parser recurses once per level and stops at 1,024 levels (DeepNesting); these
    // check that the cap holds (no stack overflow) for every parser that takes network bytes.
    QTest::newRow("arrays 100000") << nestedArrays(100000);
    QTest::newRow("objects 100000") << nestedObjects(100000);
    QTest::newRow("arrays 1023") << nestedArrays(1023);
    QTest::newRow("objects in a manifest")
            << "{\"schemaVersion\":2,\"manifests\":"_ba + nestedArrays(5000) + '}';
}

void TestHostileInput::deepNestingIsCappedEverywhere()
{
    QFETCH(QByteArray, body);
    // Every parser answers (an error, for these shapes), none crashes
    QVERIFY(!parseManifest(body).ok());
    QVERIFY(!parseImageConfig(body).ok());
    QVERIFY(!DockerConfig::parse(body).ok());
    QVERIFY(httpError(500, body).isError());
    (void)registryErrorMessage(body);
    // And a tag list of that shape through the client is a clear error
    serve({{u"/v2/deep/tags/list"_s, Reply::json(200, body)}});
    const Result<NamesPage> page
            = waitFor(m_client->tagsPage(u"deep"_s, 100, QUrl(), Priority::Visible));
    QVERIFY(!page.ok());
    QCOMPARE(page.error().code, ErrorCode::BadResponse);
}

QTEST_MAIN(TestHostileInput)
#include "tst_hostileinput.moc"
