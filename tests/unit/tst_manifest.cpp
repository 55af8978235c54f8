#include "net/formats/manifest.h"

#include "net/formats/mediatypes.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

namespace {

QByteArray testData(const QString &name)
{
    QFile file(QStringLiteral(BERTH_TEST_DATA) + u'/' + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    return file.readAll();
}

QString digestOf(char c)
{
    return u"sha256:"_s + QString(64, QLatin1Char(c));
}

QJsonObject descriptor(char c, qint64 size = 10)
{
    return {{u"mediaType"_s, QString(MediaType::OciLayer)},
            {u"digest"_s, digestOf(c)},
            {u"size"_s, size}};
}

QByteArray imageBody(const QJsonObject &config, const QJsonArray &layers)
{
    return QJsonDocument(QJsonObject{{u"schemaVersion"_s, 2},
                                     {u"mediaType"_s, QString(MediaType::OciManifest)},
                                     {u"config"_s, config},
                                     {u"layers"_s, layers}})
            .toJson(QJsonDocument::Compact);
}

QByteArray imageWithLayer(const QJsonValue &layer)
{
    return imageBody(descriptor('c'), QJsonArray{layer});
}

QJsonObject withField(QJsonObject object, const QString &key, const QJsonValue &value)
{
    object.insert(key, value);
    return object;
}

} // namespace

class tst_Manifest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void referenceExamples_data();
    void referenceExamples();
    void ociManifestDetails();
    void ociArtifact();
    void dockerManifestListPlatforms();
    void buildxIndex();
    void schema1();
    void contentTypeFallback_data();
    void contentTypeFallback();
    void mismatchTolerated();
    void hostile_data();
    void hostile();
    void tooManyDescriptors();
    void oversizedBody();
    void deeplyNested();
    void platformToString_data();
    void platformToString();
    void storedSize();
};

void tst_Manifest::referenceExamples_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("mediaType");
    QTest::addColumn<int>("children");
    QTest::addColumn<qint64>("storedSize");

    const int image = int(ManifestKind::Image);
    const int index = int(ManifestKind::Index);
    QTest::newRow("oci manifest") << u"oci-manifest.json"_s << image
                                  << QString(MediaType::OciManifest) << 3
                                  << qint64(7023 + 32654 + 16724 + 73109);
    QTest::newRow("oci artifact minimal") << u"oci-artifact-minimal.json"_s << image
                                          << QString(MediaType::OciManifest) << 1 << qint64(4);
    QTest::newRow("oci artifact without config")
            << u"oci-artifact-without-config.json"_s << image << QString(MediaType::OciManifest)
            << 1 << qint64(2 + 1234);
    QTest::newRow("oci artifact with config")
            << u"oci-artifact-with-config.json"_s << image << QString(MediaType::OciManifest) << 1
            << qint64(123 + 1234);
    QTest::newRow("oci index") << u"oci-index.json"_s << index << QString(MediaType::OciIndex) << 2
                               << qint64(-1);
    QTest::newRow("oci index mixed") << u"oci-index-mixed.json"_s << index
                                     << QString(MediaType::OciIndex) << 2 << qint64(-1);
    QTest::newRow("docker manifest list")
            << u"docker-manifest-list.json"_s << index << QString(MediaType::DockerManifestList)
            << 2 << qint64(-1);
    QTest::newRow("docker schema2")
            << u"docker-schema2.json"_s << image << QString(MediaType::DockerManifest) << 3
            << qint64(7023 + 32654 + 16724 + 73109);
    QTest::newRow("buildx index") << u"buildx-index.json"_s << index << QString(MediaType::OciIndex)
                                  << 4 << qint64(-1);
    QTest::newRow("schema1 signed") << u"docker-schema1-signed.json"_s << int(ManifestKind::Schema1)
                                    << QString(MediaType::DockerSchema1Signed) << 2 << qint64(-1);
}

void tst_Manifest::referenceExamples()
{
    QFETCH(QString, file);
    QFETCH(int, kind);
    QFETCH(QString, mediaType);
    QFETCH(int, children);
    QFETCH(qint64, storedSize);

    const Result<Manifest> manifest = parseManifest(testData(file));
    QVERIFY2(manifest.ok(), qPrintable(manifest.error().toString()));
    QCOMPARE(int(manifest->kind), kind);
    QCOMPARE(manifest->mediaType, mediaType);
    const qsizetype count = manifest->kind == ManifestKind::Index ? manifest->manifests.size()
                                                                  : manifest->layers.size();
    QCOMPARE(count, children);
    QCOMPARE(manifest->storedSize(), storedSize);
}

void tst_Manifest::ociManifestDetails()
{
    const Result<Manifest> manifest = parseManifest(testData(u"oci-manifest.json"_s));
    QVERIFY(manifest.ok());
    QCOMPARE(manifest->schemaVersion, 2);
    QCOMPARE(manifest->config.mediaType, QString(MediaType::OciConfig));
    QCOMPARE(manifest->config.digest,
             u"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"_s);
    QCOMPARE(manifest->config.size, 7023);
    QCOMPARE(manifest->layers.at(1).size, 16724);
    QCOMPARE(manifest->layers.at(2).mediaType, QString(MediaType::OciLayer));
    QVERIFY(manifest->subject.has_value());
    QCOMPARE(manifest->subject->size, 7682);
    QCOMPARE(manifest->annotations.value(u"com.example.key2"_s), u"value2"_s);
    QVERIFY(manifest->artifactType.isEmpty());
}

void tst_Manifest::ociArtifact()
{
    const Result<Manifest> manifest = parseManifest(testData(u"oci-artifact-minimal.json"_s));
    QVERIFY(manifest.ok());
    QCOMPARE(manifest->artifactType, u"application/vnd.example+type"_s);
    QCOMPARE(manifest->config.mediaType, QString(MediaType::OciEmpty));
    QCOMPARE(manifest->config.size, 2);
    QCOMPARE(manifest->annotations.value(u"com.example.data"_s), u"payload"_s);
    QVERIFY(!manifest->subject.has_value());
}

void tst_Manifest::dockerManifestListPlatforms()
{
    const Result<Manifest> manifest = parseManifest(testData(u"docker-manifest-list.json"_s));
    QVERIFY(manifest.ok());
    QCOMPARE(manifest->manifests.size(), 2);
    const Descriptor &second = manifest->manifests.at(1);
    QCOMPARE(second.mediaType, QString(MediaType::DockerManifest));
    QVERIFY(second.platform.has_value());
    QCOMPARE(second.platform->os, u"linux"_s);
    QCOMPARE(second.platform->architecture, u"amd64"_s);
    QCOMPARE(manifest->manifests.at(0).platform->architecture, u"ppc64le"_s);
}

void tst_Manifest::buildxIndex()
{
    const Result<Manifest> manifest = parseManifest(testData(u"buildx-index.json"_s));
    QVERIFY(manifest.ok());
    const QList<Descriptor> &entries = manifest->manifests;
    QCOMPARE(entries.size(), 4);
    QCOMPARE(entries.at(1).platform->variant, u"v8"_s);
    QVERIFY(!entries.at(0).platform->isUnknown());
    QVERIFY(entries.at(2).platform->isUnknown());
    QVERIFY(entries.at(3).platform->isUnknown());
    QCOMPARE(entries.at(2).annotations.value(u"vnd.docker.reference.type"_s),
             u"attestation-manifest"_s);
    QCOMPARE(entries.at(2).annotations.value(u"vnd.docker.reference.digest"_s),
             entries.at(0).digest);
}

void tst_Manifest::schema1()
{
    const Result<Manifest> manifest = parseManifest(testData(u"docker-schema1-signed.json"_s));
    QVERIFY(manifest.ok());
    QCOMPARE(manifest->schemaVersion, 1);
    QCOMPARE(manifest->schema1Architecture, u"amd64"_s);
    QCOMPARE(manifest->schema1Created, u"2016-09-23T18:08:50.537223822Z"_s);
    // fsLayers lists the newest layer first; layers are base first.
    QCOMPARE(manifest->layers.size(), 2);
    QCOMPARE(manifest->layers.at(0).digest, digestOf('b'));
    QCOMPARE(manifest->layers.at(1).digest, digestOf('a'));
    QCOMPARE(manifest->layers.at(0).size, 0);

    // Unsigned (no "signatures") is the plain v1 type; a schema1 Content-Type is kept.
    QJsonObject unsigned_
            = QJsonDocument::fromJson(testData(u"docker-schema1-signed.json"_s)).object();
    unsigned_.remove(u"signatures"_s);
    const QByteArray body = QJsonDocument(unsigned_).toJson();
    QCOMPARE(parseManifest(body)->mediaType, QString(MediaType::DockerSchema1));
    QCOMPARE(parseManifest(body, QString(MediaType::DockerSchema1Signed))->mediaType,
             QString(MediaType::DockerSchema1Signed));

    // A schema1 blobSum that is not a digest is an error.
    unsigned_.insert(u"fsLayers"_s, QJsonArray{QJsonObject{{u"blobSum"_s, u"nope"_s}}});
    QCOMPARE(parseManifest(QJsonDocument(unsigned_).toJson()).error().code, ErrorCode::BadResponse);
}

void tst_Manifest::contentTypeFallback_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("mediaType");
    QTest::addColumn<int>("kind");

    QJsonObject image = QJsonDocument::fromJson(testData(u"docker-schema2.json"_s)).object();
    image.remove(u"mediaType"_s);
    const QByteArray imageNoType = QJsonDocument(image).toJson();
    QJsonObject index = QJsonDocument::fromJson(testData(u"oci-index.json"_s)).object();
    index.remove(u"mediaType"_s);
    const QByteArray indexNoType = QJsonDocument(index).toJson();

    QTest::newRow("docker content type")
            << imageNoType << QString(MediaType::DockerManifest)
            << QString(MediaType::DockerManifest) << int(ManifestKind::Image);
    QTest::newRow("content type with params")
            << imageNoType << u"Application/VND.oci.image.manifest.v1+json; charset=utf-8"_s
            << QString(MediaType::OciManifest) << int(ManifestKind::Image);
    QTest::newRow("shape image") << imageNoType << QString() << QString(MediaType::OciManifest)
                                 << int(ManifestKind::Image);
    QTest::newRow("shape image generic content type")
            << imageNoType << u"application/json"_s << QString(MediaType::OciManifest)
            << int(ManifestKind::Image);
    QTest::newRow("index content type")
            << indexNoType << QString(MediaType::DockerManifestList)
            << QString(MediaType::DockerManifestList) << int(ManifestKind::Index);
    QTest::newRow("shape index") << indexNoType << u"text/plain"_s << QString(MediaType::OciIndex)
                                 << int(ManifestKind::Index);
}

void tst_Manifest::contentTypeFallback()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, contentType);
    QFETCH(QString, mediaType);
    QFETCH(int, kind);
    const Result<Manifest> manifest = parseManifest(body, contentType);
    QVERIFY2(manifest.ok(), qPrintable(manifest.error().toString()));
    QCOMPARE(manifest->mediaType, mediaType);
    QCOMPARE(int(manifest->kind), kind);
}

void tst_Manifest::mismatchTolerated()
{
    // Given a body that says OCI served with a Docker Content-Type, the body wins.
    const Result<Manifest> manifest
            = parseManifest(testData(u"oci-manifest.json"_s), QString(MediaType::DockerManifest));
    QVERIFY(manifest.ok());
    QCOMPARE(manifest->mediaType, QString(MediaType::OciManifest));
}

void tst_Manifest::hostile_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("code");
    const int bad = int(ErrorCode::BadResponse);
    const int unsupported = int(ErrorCode::Unsupported);
    const QJsonObject config = descriptor('c');

    QTest::newRow("empty body") << QByteArray() << bad;
    QTest::newRow("not json") << "<html>502 Bad Gateway</html>"_ba << bad;
    QTest::newRow("truncated") << imageBody(config, {descriptor('a')}).chopped(5) << bad;
    QTest::newRow("array") << "[1,2,3]"_ba << bad;
    QTest::newRow("string") << R"("manifest")"_ba << bad;
    QTest::newRow("empty object") << "{}"_ba << unsupported;
    QTest::newRow("unknown media type")
            << R"({"schemaVersion":2,"mediaType":"application/vnd.example.thing"})"_ba
            << unsupported;
    QTest::newRow("schemaVersion 3") << QByteArray(
            imageBody(config, {}).replace("\"schemaVersion\":2", "\"schemaVersion\":3"))
                                     << bad;
    QTest::newRow("schemaVersion string") << QByteArray(
            imageBody(config, {}).replace("\"schemaVersion\":2", "\"schemaVersion\":\"2\""))
                                          << bad;
    QTest::newRow("schemaVersion missing")
            << QByteArray(imageBody(config, {}).replace(",\"schemaVersion\":2", "")) << bad;
    QTest::newRow("mediaType number") << R"({"schemaVersion":2,"mediaType":7})"_ba << bad;
    QTest::newRow("config missing")
            << R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})"_ba
            << bad;
    QTest::newRow("config is array") << QByteArray(
            imageBody(config, {})
                    .replace(QJsonDocument(config).toJson(QJsonDocument::Compact), "[]"))
                                     << bad;
    QTest::newRow("layers is object")
            << R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","size":1},"layers":{}})"_ba
            << bad;
    QTest::newRow("manifests missing")
            << R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})"_ba
            << bad;
    QTest::newRow("manifests entry is string")
            << R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":["x"]})"_ba
            << bad;
    QTest::newRow("layer is number") << imageWithLayer(QJsonValue(5)) << bad;
    QTest::newRow("negative size") << imageWithLayer(descriptor('a', -1)) << bad;
    QTest::newRow("huge size") << imageWithLayer(descriptor('a', (qint64(1) << 50) + 1)) << bad;
    QTest::newRow("fractional size")
            << imageWithLayer(withField(descriptor('a'), u"size"_s, 1.5)) << bad;
    QTest::newRow("size as string")
            << imageWithLayer(withField(descriptor('a'), u"size"_s, u"10"_s)) << bad;
    QTest::newRow("size missing") << imageWithLayer([] {
        QJsonObject d = descriptor('a');
        d.remove(u"size"_s);
        return d;
    }()) << bad;
    QTest::newRow("digest missing") << imageWithLayer([] {
        QJsonObject d = descriptor('a');
        d.remove(u"digest"_s);
        return d;
    }()) << bad;
    QTest::newRow("digest malformed")
            << imageWithLayer(withField(descriptor('a'), u"digest"_s, u"sha256:xyz"_s)) << bad;
    QTest::newRow("digest uppercase") << imageWithLayer(
            withField(descriptor('a'), u"digest"_s, QString(u"sha256:"_s + QString(64, u'A'))))
                                      << bad;
    QTest::newRow("digest number")
            << imageWithLayer(withField(descriptor('a'), u"digest"_s, 3)) << bad;
    QTest::newRow("config bad digest")
            << imageBody(withField(config, u"digest"_s, u"md5:abc"_s), {}) << bad;
    QTest::newRow("annotations array")
            << imageWithLayer(withField(descriptor('a'), u"annotations"_s, QJsonArray{1})) << bad;
    QTest::newRow("annotation value number") << imageWithLayer(
            withField(descriptor('a'), u"annotations"_s, QJsonObject{{u"k"_s, 1}}))
                                             << bad;
    QTest::newRow("platform string")
            << imageWithLayer(withField(descriptor('a'), u"platform"_s, u"linux/amd64"_s)) << bad;
    QTest::newRow("platform os number")
            << imageWithLayer(withField(descriptor('a'), u"platform"_s, QJsonObject{{u"os"_s, 1}}))
            << bad;
    QTest::newRow("subject without digest")
            << QByteArray(imageBody(config, {}).chopped(1) + R"(,"subject":{"size":1}})") << bad;
    QTest::newRow("schema1 without fsLayers") << R"({"schemaVersion":1,"name":"a"})"_ba << bad;
    QTest::newRow("schema1 type with v2")
            << R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v1+json"})"_ba
            << bad;
}

void tst_Manifest::hostile()
{
    QFETCH(QByteArray, body);
    QFETCH(int, code);
    const Result<Manifest> manifest = parseManifest(body);
    QVERIFY(!manifest.ok());
    QCOMPARE(int(manifest.error().code), code);
    QVERIFY(!manifest.error().message.isEmpty());
}

void tst_Manifest::tooManyDescriptors()
{
    // Given an index with 20000 entries (under the byte cap, over the descriptor cap)
    QJsonArray manifests;
    for (int i = 0; i < 20000; ++i)
        manifests.append(descriptor('d', i));
    const QByteArray body
            = QJsonDocument(QJsonObject{{u"schemaVersion"_s, 2},
                                        {u"mediaType"_s, QString(MediaType::OciIndex)},
                                        {u"manifests"_s, manifests}})
                      .toJson(QJsonDocument::Compact);
    QVERIFY(body.size() < MaxManifestBytes);
    const Result<Manifest> manifest = parseManifest(body);
    QVERIFY(!manifest.ok());
    QCOMPARE(manifest.error().code, ErrorCode::TooLarge);
    // And the cap itself is still accepted
    manifests = QJsonArray();
    for (int i = 0; i < MaxDescriptorsPerManifest; ++i)
        manifests.append(descriptor('d', i));
    const QByteArray atCap = imageBody(descriptor('c'), manifests);
    QVERIFY(parseManifest(atCap).ok());
}

void tst_Manifest::oversizedBody()
{
    // A valid manifest padded with whitespace to 5 MiB is refused before parsing.
    QByteArray body = imageBody(descriptor('c'), {descriptor('a')});
    body.append(QByteArray(5 * 1024 * 1024, ' '));
    const Result<Manifest> manifest = parseManifest(body);
    QVERIFY(!manifest.ok());
    QCOMPARE(manifest.error().code, ErrorCode::TooLarge);
}

void tst_Manifest::deeplyNested()
{
    const int depth = 100000;
    const QByteArray body = R"({"schemaVersion":2,"annotations":)"_ba + QByteArray(depth, '[')
                            + QByteArray(depth, ']') + "}";
    const Result<Manifest> manifest = parseManifest(body);
    QVERIFY(!manifest.ok());
    QCOMPARE(manifest.error().code, ErrorCode::TooLarge); // Qt's parser stops at its depth cap
}

void tst_Manifest::platformToString_data()
{
    QTest::addColumn<QString>("os");
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<QString>("variant");
    QTest::addColumn<QString>("text");
    QTest::newRow("amd64") << u"linux"_s << u"amd64"_s << QString() << u"linux/amd64"_s;
    QTest::newRow("arm64 v8") << u"linux"_s << u"arm64"_s << u"v8"_s << u"linux/arm64/v8"_s;
    QTest::newRow("windows") << u"windows"_s << u"amd64"_s << QString() << u"windows/amd64"_s;
}

void tst_Manifest::platformToString()
{
    QFETCH(QString, os);
    QFETCH(QString, architecture);
    QFETCH(QString, variant);
    QFETCH(QString, text);
    const Platform platform{os, architecture, variant, {}};
    QCOMPARE(platform.toString(), text);
    QVERIFY(!platform.isUnknown());
}

void tst_Manifest::storedSize()
{
    // Index and schema1 sizes are unknown from the manifest alone.
    Manifest index;
    index.kind = ManifestKind::Index;
    QCOMPARE(index.storedSize(), -1);
    Manifest empty;
    QCOMPARE(empty.storedSize(), 0);
    // Platform parsing with os.version
    const QJsonObject child{{u"mediaType"_s, QString(MediaType::OciManifest)},
                            {u"digest"_s, digestOf('e')},
                            {u"size"_s, 5},
                            {u"platform"_s, QJsonObject{{u"os"_s, u"windows"_s},
                                                        {u"architecture"_s, u"amd64"_s},
                                                        {u"os.version"_s, u"10.0.17763.1879"_s}}}};
    const QByteArray body
            = QJsonDocument(QJsonObject{{u"schemaVersion"_s, 2},
                                        {u"mediaType"_s, QString(MediaType::OciIndex)},
                                        {u"manifests"_s, QJsonArray{child}}})
                      .toJson();
    const Result<Manifest> manifest = parseManifest(body);
    QVERIFY(manifest.ok());
    QCOMPARE(manifest->manifests.first().platform->osVersion, u"10.0.17763.1879"_s);
}

QTEST_GUILESS_MAIN(tst_Manifest)
#include "tst_manifest.moc"
