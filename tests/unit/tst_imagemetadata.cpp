#include "net/formats/imagemetadata.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

namespace {

PlatformImage platformImage(const QString &os, const QString &arch, const QString &variant,
                            char digestChar, qint64 size, const QDateTime &created)
{
    PlatformImage image;
    image.platform = Platform{os, arch, variant, {}};
    image.digest = u"sha256:"_s + QString(64, QLatin1Char(digestChar));
    image.size = size;
    image.created = created;
    return image;
}

} // namespace

class tst_ImageMetadata : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void platformsText();
    void indexJson();
    void imageJson();
    void unknownValuesAreNull();
};

void tst_ImageMetadata::platformsText()
{
    ImageMetadata metadata;
    QVERIFY(metadata.platformsText().isEmpty());
    metadata.platforms = {platformImage(u"linux"_s, u"amd64"_s, {}, 'a', 1, {}),
                          platformImage(u"linux"_s, u"arm64"_s, u"v8"_s, 'b', 1, {})};
    QCOMPARE(metadata.platformsText(), u"linux/amd64, linux/arm64/v8"_s);
}

void tst_ImageMetadata::indexJson()
{
    // Given an index with two platforms and one attestation
    const QDateTime amdTime(QDate(2024, 5, 1), QTime(10, 0, 0), Qt::UTC);
    const QDateTime armTime(QDate(2024, 5, 1), QTime(12, 30, 15, 250), Qt::UTC);
    ImageMetadata metadata;
    metadata.digest = u"sha256:"_s + QString(64, u'f');
    metadata.mediaType = u"application/vnd.oci.image.index.v1+json"_s;
    metadata.kind = ArtifactKind::Index;
    metadata.size = 3000;
    metadata.created = armTime;
    metadata.platforms = {platformImage(u"linux"_s, u"amd64"_s, {}, 'a', 1000, amdTime),
                          platformImage(u"linux"_s, u"arm64"_s, u"v8"_s, 'b', 2000, armTime)};
    metadata.attestations = {platformImage(u"unknown"_s, u"unknown"_s, {}, 'c', 840, {})};
    metadata.annotations.insert(u"org.opencontainers.image.source"_s, u"https://example.com/src"_s);

    // When it is written as JSON
    const QJsonObject json = metadata.toJson();

    // Then it has the documented shape
    QCOMPARE(json.value("digest"_L1).toString(), metadata.digest);
    QCOMPARE(json.value("mediaType"_L1).toString(), metadata.mediaType);
    QCOMPARE(json.value("kind"_L1).toString(), u"index"_s);
    QVERIFY(json.value("size"_L1).isDouble());
    QCOMPARE(json.value("size"_L1).toInteger(), 3000);
    QCOMPARE(json.value("created"_L1).toString(), u"2024-05-01T12:30:15Z"_s);
    const QJsonArray platforms = json.value("platforms"_L1).toArray();
    QCOMPARE(platforms.size(), 2);
    const QJsonObject amd = platforms.at(0).toObject();
    QCOMPARE(amd.value("os"_L1).toString(), u"linux"_s);
    QCOMPARE(amd.value("architecture"_L1).toString(), u"amd64"_s);
    QVERIFY(!amd.contains("variant"_L1)); // omitted when empty
    QCOMPARE(amd.value("digest"_L1).toString(), metadata.platforms.at(0).digest);
    QCOMPARE(amd.value("size"_L1).toInteger(), 1000);
    QCOMPARE(amd.value("created"_L1).toString(), u"2024-05-01T10:00:00Z"_s);
    QCOMPARE(platforms.at(1).toObject().value("variant"_L1).toString(), u"v8"_s);
    const QJsonArray attestations = json.value("attestations"_L1).toArray();
    QCOMPARE(attestations.size(), 1);
    QCOMPARE(attestations.at(0).toObject().value("os"_L1).toString(), u"unknown"_s);
    QVERIFY(json.value("labels"_L1).isObject());
    QCOMPARE(json.value("annotations"_L1)
                     .toObject()
                     .value("org.opencontainers.image.source"_L1)
                     .toString(),
             u"https://example.com/src"_s);
    QVERIFY(!json.contains("layers"_L1));
}

void tst_ImageMetadata::imageJson()
{
    ImageMetadata metadata;
    metadata.digest = u"sha256:"_s + QString(64, u'1');
    metadata.mediaType = u"application/vnd.oci.image.manifest.v1+json"_s;
    metadata.kind = ArtifactKind::Artifact;
    metadata.artifactType = u"application/vnd.example+type"_s;
    metadata.size = 7;
    metadata.configDigest = u"sha256:"_s + QString(64, u'2');
    metadata.configMediaType = u"application/vnd.oci.empty.v1+json"_s;
    metadata.config.labels.insert(u"maintainer"_s, u"team-a"_s);
    Descriptor layer;
    layer.mediaType = u"application/vnd.example+type"_s;
    layer.digest = u"sha256:"_s + QString(64, u'3');
    layer.size = 5;
    metadata.layers = {layer};
    metadata.warnings = {u"something odd"_s};
    // A local time is written in UTC
    metadata.created = QDateTime(QDate(2024, 1, 1), QTime(12, 0), Qt::OffsetFromUTC, 3600);

    const QJsonObject json = metadata.toJson();
    QCOMPARE(json.value("kind"_L1).toString(), u"artifact"_s);
    QCOMPARE(json.value("artifactType"_L1).toString(), metadata.artifactType);
    QCOMPARE(json.value("created"_L1).toString(), u"2024-01-01T11:00:00Z"_s);
    QCOMPARE(json.value("labels"_L1).toObject().value("maintainer"_L1).toString(), u"team-a"_s);
    QCOMPARE(json.value("config"_L1).toObject().value("digest"_L1).toString(),
             metadata.configDigest);
    QCOMPARE(json.value("layers"_L1).toArray().size(), 1);
    QCOMPARE(json.value("layers"_L1).toArray().at(0).toObject().value("size"_L1).toInteger(), 5);
    QCOMPARE(json.value("warnings"_L1).toArray().at(0).toString(), u"something odd"_s);
    QVERIFY(json.value("platforms"_L1).toArray().isEmpty());
}

void tst_ImageMetadata::unknownValuesAreNull()
{
    ImageMetadata metadata;
    metadata.digest = u"sha256:"_s + QString(64, u'9');
    PlatformImage broken = platformImage(u"linux"_s, u"s390x"_s, {}, 'd', -1, {});
    broken.error = u"manifest unknown"_s;
    metadata.platforms = {broken};
    const QJsonObject json = metadata.toJson();
    QVERIFY(json.value("size"_L1).isNull());
    QVERIFY(json.value("created"_L1).isNull());
    const QJsonObject platform = json.value("platforms"_L1).toArray().at(0).toObject();
    QVERIFY(platform.value("size"_L1).isNull());
    QCOMPARE(platform.value("error"_L1).toString(), u"manifest unknown"_s);
    QVERIFY(!json.contains("artifactType"_L1));
}

QTEST_GUILESS_MAIN(tst_ImageMetadata)
#include "tst_imagemetadata.moc"
