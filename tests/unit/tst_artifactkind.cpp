#include "net/formats/artifactkind.h"

#include "net/formats/manifest.h"
#include "net/formats/mediatypes.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

Q_DECLARE_METATYPE(Berth::Manifest)
Q_DECLARE_METATYPE(Berth::ArtifactKind)

namespace {

QByteArray testData(const QString &name)
{
    QFile file(QStringLiteral(BERTH_TEST_DATA) + u'/' + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    return file.readAll();
}

Descriptor layerOf(QLatin1StringView mediaType)
{
    Descriptor layer;
    layer.mediaType = mediaType;
    layer.digest = u"sha256:"_s + QString(64, u'a');
    layer.size = 1;
    return layer;
}

Manifest image(QLatin1StringView configType,
               QList<Descriptor> layers = {layerOf(MediaType::OciLayer)})
{
    Manifest manifest;
    manifest.kind = ManifestKind::Image;
    manifest.mediaType = MediaType::OciManifest;
    manifest.config.mediaType = configType;
    manifest.layers = std::move(layers);
    return manifest;
}

} // namespace

class tst_ArtifactKind : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void classify_data();
    void classify();
    void referenceFiles_data();
    void referenceFiles();
    void names_data();
    void names();
    void unknownName();
};

void tst_ArtifactKind::classify_data()
{
    QTest::addColumn<Manifest>("manifest");
    QTest::addColumn<ArtifactKind>("kind");

    QTest::newRow("oci image") << image(MediaType::OciConfig) << ArtifactKind::Image;
    QTest::newRow("docker image") << image(MediaType::DockerConfig,
                                           {layerOf(MediaType::DockerLayer)})
                                  << ArtifactKind::Image;
    Manifest index;
    index.kind = ManifestKind::Index;
    QTest::newRow("index") << index << ArtifactKind::Index;
    Manifest schema1;
    schema1.kind = ManifestKind::Schema1;
    QTest::newRow("schema1") << schema1 << ArtifactKind::Image;

    Manifest attestation = image(MediaType::OciConfig);
    attestation.annotations.insert(u"vnd.docker.reference.type"_s, u"attestation-manifest"_s);
    QTest::newRow("buildx attestation annotation") << attestation << ArtifactKind::Attestation;
    QTest::newRow("in-toto layer") << image(MediaType::OciConfig, {layerOf(MediaType::InTotoLayer)})
                                   << ArtifactKind::Attestation;
    QTest::newRow("cosign signature")
            << image(MediaType::OciConfig, {layerOf(MediaType::CosignSignatureLayer)})
            << ArtifactKind::Signature;
    Manifest notary = image(MediaType::OciEmpty);
    notary.artifactType = MediaType::NotarySignature;
    QTest::newRow("notary artifactType") << notary << ArtifactKind::Signature;
    QTest::newRow("notary config") << image(MediaType::NotarySignature) << ArtifactKind::Signature;
    QTest::newRow("helm chart") << image(MediaType::HelmConfig) << ArtifactKind::HelmChart;
    Manifest artifact = image(MediaType::OciEmpty);
    artifact.artifactType = u"application/vnd.example+type"_s;
    QTest::newRow("artifactType") << artifact << ArtifactKind::Artifact;
    QTest::newRow("empty config without artifactType")
            << image(MediaType::OciEmpty) << ArtifactKind::Artifact;
    QTest::newRow("custom config")
            << image("application/vnd.example.config.v1+json"_L1) << ArtifactKind::Artifact;
    Manifest imageWithArtifactType = image(MediaType::OciConfig);
    imageWithArtifactType.artifactType = u"application/vnd.example.sbom"_s;
    QTest::newRow("image config with artifactType")
            << imageWithArtifactType << ArtifactKind::Artifact;
}

void tst_ArtifactKind::classify()
{
    QFETCH(Manifest, manifest);
    QFETCH(ArtifactKind, kind);
    QCOMPARE(classifyManifest(manifest), kind);
}

void tst_ArtifactKind::referenceFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<ArtifactKind>("kind");
    QTest::newRow("oci manifest") << u"oci-manifest.json"_s << ArtifactKind::Image;
    QTest::newRow("docker schema2") << u"docker-schema2.json"_s << ArtifactKind::Image;
    QTest::newRow("oci index") << u"oci-index.json"_s << ArtifactKind::Index;
    QTest::newRow("docker list") << u"docker-manifest-list.json"_s << ArtifactKind::Index;
    QTest::newRow("minimal artifact") << u"oci-artifact-minimal.json"_s << ArtifactKind::Artifact;
    QTest::newRow("artifact with config")
            << u"oci-artifact-with-config.json"_s << ArtifactKind::Artifact;
    QTest::newRow("buildx attestation")
            << u"buildx-attestation.json"_s << ArtifactKind::Attestation;
    QTest::newRow("schema1") << u"docker-schema1-signed.json"_s << ArtifactKind::Image;
}

void tst_ArtifactKind::referenceFiles()
{
    QFETCH(QString, file);
    QFETCH(ArtifactKind, kind);
    const Result<Manifest> manifest = parseManifest(testData(file));
    QVERIFY2(manifest.ok(), qPrintable(manifest.error().toString()));
    QCOMPARE(classifyManifest(manifest.value()), kind);
}

void tst_ArtifactKind::names_data()
{
    QTest::addColumn<ArtifactKind>("kind");
    QTest::addColumn<QString>("name");
    QTest::newRow("image") << ArtifactKind::Image << u"image"_s;
    QTest::newRow("index") << ArtifactKind::Index << u"index"_s;
    QTest::newRow("attestation") << ArtifactKind::Attestation << u"attestation"_s;
    QTest::newRow("signature") << ArtifactKind::Signature << u"signature"_s;
    QTest::newRow("chart") << ArtifactKind::HelmChart << u"chart"_s;
    QTest::newRow("artifact") << ArtifactKind::Artifact << u"artifact"_s;
}

void tst_ArtifactKind::names()
{
    QFETCH(ArtifactKind, kind);
    QFETCH(QString, name);
    QCOMPARE(artifactKindName(kind), name);
    bool ok = false;
    QCOMPARE(artifactKindFromName(name, &ok), kind);
    QVERIFY(ok);
    QCOMPARE(artifactKindFromName(name.toUpper()), kind);
}

void tst_ArtifactKind::unknownName()
{
    bool ok = true;
    artifactKindFromName(u"helm"_s, &ok);
    QVERIFY(!ok);
    artifactKindFromName(QString(), &ok);
    QVERIFY(!ok);
}

QTEST_GUILESS_MAIN(tst_ArtifactKind)
#include "tst_artifactkind.moc"
