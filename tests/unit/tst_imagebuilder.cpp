// ImageBuilder: the seeder's images must be valid images, or every test built on them proves
// nothing. Checked here without a registry: tar and gzip with the system tools, digests and
// sizes recomputed from the bytes, the JSON read back.
#include "imagebuilder.h"
#include "net/formats/mediatypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace Berth;
using namespace Berth::Test;

namespace {

QJsonObject json(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "bad JSON:" << error.errorString();
    return doc.object();
}

QByteArray blobBytes(const BuiltImage &built, const QString &digest)
{
    for (const SeedBlob &b : built.blobs) {
        if (b.digest == digest)
            return b.bytes;
    }
    return {};
}

//! Runs a system tool on stdin data; returns stdout, or a null array when it failed.
QByteArray runTool(const QString &program, const QStringList &args, const QByteArray &input)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted())
        return {};
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return {};
    QByteArray out = p.readAllStandardOutput();
    if (out.isNull())
        out = ""_ba;
    return out;
}

} // namespace

class TestImageBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tarIsReadByTar()
    {
        // Given a tar with a directory and two files
        const QByteArray tar = ImageBuilder::tar({{u"app/"_s, {}},
                                                  {u"app/a.txt"_s, "hello\n"_ba},
                                                  {u"app/b.bin"_s, QByteArray(1000, 'x')}},
                                                 1700000000);
        // Then it is whole 512-byte blocks and GNU tar lists exactly those entries
        QCOMPARE(tar.size() % 512, 0);
        const QByteArray listing = runTool(u"tar"_s, {u"-tvf"_s, u"-"_s}, tar);
        QVERIFY2(!listing.isNull(), "tar rejected the archive");
        const QList<QByteArray> lines = listing.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines.at(0).endsWith(" app/"));
        QVERIFY(lines.at(1).contains(" 6 ") && lines.at(1).endsWith(" app/a.txt"));
        QVERIFY(lines.at(2).contains(" 1000 ") && lines.at(2).endsWith(" app/b.bin"));
    }

    void gzipRoundTripsAndIsReadByGzip()
    {
        const QByteArray data = QByteArray("layer data ").repeated(5000);
        const QByteArray gz = ImageBuilder::gzip(data);
        QVERIFY(gz.size() < data.size());
        QCOMPARE(ImageBuilder::gunzip(gz), data);
        QCOMPARE(runTool(u"gzip"_s, {u"-dc"_s}, gz), data);
        QVERIFY(ImageBuilder::gunzip(gz.left(gz.size() / 2)).isEmpty());
    }

    void rfc3339_data()
    {
        QTest::addColumn<QDateTime>("time");
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<QString>("expected");
        QTest::newRow("utc") << QDateTime(QDate(2024, 2, 29), QTime(23, 59, 58, 7), Qt::UTC)
                             << quint64(42) << u"2024-02-29T23:59:58.007000042Z"_s;
        QTest::newRow("offset converted to UTC")
                << QDateTime(QDate(2023, 1, 1), QTime(1, 0), QTimeZone(3600)) << quint64(1999)
                << u"2023-01-01T00:00:00.000000999Z"_s;
    }
    void rfc3339()
    {
        QFETCH(QDateTime, time);
        QFETCH(quint64, seed);
        QFETCH(QString, expected);
        QCOMPARE(ImageBuilder::rfc3339(time, seed), expected);
    }

    void imageIsConsistent_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<quint64>("baseSeed");
        QTest::addColumn<int>("layers");
        QTest::newRow("docker, base + 2") << int(ManifestFormat::Docker) << quint64(5) << 2;
        QTest::newRow("oci, 1 layer") << int(ManifestFormat::Oci) << quint64(0) << 1;
        QTest::newRow("oci, base + 3") << int(ManifestFormat::Oci) << quint64(9) << 3;
    }
    void imageIsConsistent()
    {
        QFETCH(int, format);
        QFETCH(quint64, baseSeed);
        QFETCH(int, layers);
        ImageSpec spec;
        spec.format = ManifestFormat(format);
        spec.baseSeed = baseSeed;
        spec.layers = layers;
        spec.seed = 77;
        spec.architecture = u"arm64"_s;
        spec.variant = u"v8"_s;
        spec.env = {u"A=1"_s};
        spec.cmd = {u"run"_s};
        spec.entrypoint = {u"/app/x"_s};
        spec.exposedPorts = {u"8080/tcp"_s};
        spec.labels = {{u"k"_s, u"v"_s}};

        const BuiltImage built = ImageBuilder::image(spec);
        const SeededImage &img = built.image;
        const bool docker = spec.format == ManifestFormat::Docker;

        // The digest is the manifest's, the manifest names the config and layers as built
        QCOMPARE(img.digest, ImageBuilder::sha256(img.manifest));
        QCOMPARE(img.kind, ArtifactKind::Image);
        const QJsonObject manifest = json(img.manifest);
        QCOMPARE(manifest.value(u"schemaVersion"_s).toInt(), 2);
        QCOMPARE(manifest.value(u"mediaType"_s).toString(), img.mediaType);
        QCOMPARE(img.mediaType,
                 docker ? QString(MediaType::DockerManifest) : QString(MediaType::OciManifest));
        const QJsonObject config = manifest.value(u"config"_s).toObject();
        QCOMPARE(config.value(u"digest"_s).toString(), img.config.digest);
        QCOMPARE(config.value(u"size"_s).toInteger(), img.configBytes.size());
        QCOMPARE(ImageBuilder::sha256(img.configBytes), img.config.digest);
        QCOMPARE(blobBytes(built, img.config.digest), img.configBytes);

        const QJsonArray layerArray = manifest.value(u"layers"_s).toArray();
        const int expectedLayers = layers + (baseSeed ? 1 : 0);
        QCOMPARE(layerArray.size(), expectedLayers);
        const QJsonObject cfg = json(img.configBytes);
        const QJsonArray diffIds = cfg.value(u"rootfs"_s).toObject().value(u"diff_ids"_s).toArray();
        QCOMPARE(diffIds.size(), expectedLayers);
        qint64 size = img.configBytes.size();
        for (int i = 0; i < layerArray.size(); ++i) {
            const QJsonObject l = layerArray.at(i).toObject();
            QCOMPARE(l.value(u"mediaType"_s).toString(),
                     docker ? QString(MediaType::DockerLayer) : QString(MediaType::OciLayer));
            const QByteArray gz = blobBytes(built, l.value(u"digest"_s).toString());
            QCOMPARE(ImageBuilder::sha256(gz), l.value(u"digest"_s).toString());
            QCOMPARE(qint64(gz.size()), l.value(u"size"_s).toInteger());
            // diff_id = sha256 of the uncompressed tar, and the tar is a real one
            const QByteArray tar = ImageBuilder::gunzip(gz);
            QCOMPARE(ImageBuilder::sha256(tar), diffIds.at(i).toString());
            QVERIFY(!runTool(u"tar"_s, {u"-tf"_s, u"-"_s}, tar).isNull());
            size += gz.size();
        }
        QCOMPARE(img.size, size);
        QCOMPARE(img.blobs.size(), expectedLayers + 1);

        // The config carries what was asked for
        QCOMPARE(cfg.value(u"architecture"_s).toString(), u"arm64"_s);
        QCOMPARE(cfg.value(u"variant"_s).toString(), u"v8"_s);
        QCOMPARE(cfg.value(u"os"_s).toString(), u"linux"_s);
        const QJsonObject c = cfg.value(u"config"_s).toObject();
        QCOMPARE(c.value(u"Env"_s).toArray().first().toString(), u"A=1"_s);
        QCOMPARE(c.value(u"Cmd"_s).toArray().first().toString(), u"run"_s);
        QCOMPARE(c.value(u"Entrypoint"_s).toArray().first().toString(), u"/app/x"_s);
        QVERIFY(c.value(u"ExposedPorts"_s).toObject().contains(u"8080/tcp"_s));
        QCOMPARE(c.value(u"Labels"_s).toObject().value(u"k"_s).toString(), u"v"_s);
        // created: nanoseconds in the config, the millisecond in the expectation
        const QString createdText = cfg.value(u"created"_s).toString();
        QCOMPARE(createdText.size(), qsizetype(30));
        QCOMPARE(QDateTime::fromString(createdText.left(23) + u'Z', Qt::ISODateWithMs),
                 img.created);
        // history: one non-empty entry per layer
        int nonEmpty = 0;
        for (const QJsonValue &h : cfg.value(u"history"_s).toArray())
            nonEmpty += h.toObject().value(u"empty_layer"_s).toBool() ? 0 : 1;
        QCOMPARE(nonEmpty, expectedLayers);

        // The image lists itself as its one platform
        QCOMPARE(img.platforms.size(), 1);
        QCOMPARE(img.platforms.first().platform(), u"linux/arm64/v8"_s);
        QCOMPARE(img.platforms.first().digest, img.digest);
        QCOMPARE(img.platforms.first().size, img.size);
    }

    void imagesAreDeterministicAndShareBases()
    {
        ImageSpec a;
        a.seed = 1;
        a.baseSeed = 3;
        ImageSpec b = a;
        b.seed = 2;
        ImageSpec armA = a;
        armA.architecture = u"arm64"_s;
        const BuiltImage a1 = ImageBuilder::image(a);
        QCOMPARE(ImageBuilder::image(a).image.manifest, a1.image.manifest);
        const BuiltImage b1 = ImageBuilder::image(b);
        QVERIFY(b1.image.digest != a1.image.digest);
        // Same base and platform: the first layer is the same blob; another platform: not
        QCOMPARE(b1.image.layers.first().digest, a1.image.layers.first().digest);
        QVERIFY(b1.image.layers.last().digest != a1.image.layers.last().digest);
        QVERIFY(ImageBuilder::image(armA).image.layers.first().digest
                != a1.image.layers.first().digest);
    }

    void indexDescribesPlatformsAndAttestations_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("attestations");
        QTest::newRow("docker list") << int(ManifestFormat::Docker) << false;
        QTest::newRow("oci index + attestations") << int(ManifestFormat::Oci) << true;
    }
    void indexDescribesPlatformsAndAttestations()
    {
        QFETCH(int, format);
        QFETCH(bool, attestations);
        IndexSpec spec;
        spec.format = ManifestFormat(format);
        spec.attestations = attestations;
        const QList<std::pair<QString, QString>> platforms{
                {u"amd64"_s, {}}, {u"arm64"_s, u"v8"_s}, {u"arm"_s, u"v7"_s}};
        quint64 seed = 10;
        for (const auto &[arch, variant] : platforms) {
            ImageSpec p;
            p.seed = ++seed;
            p.architecture = arch;
            p.variant = variant;
            spec.platforms.append(p);
        }
        const BuiltImage built = ImageBuilder::index(spec);
        const SeededImage &img = built.image;
        const bool docker = spec.format == ManifestFormat::Docker;

        QCOMPARE(img.kind, ArtifactKind::Index);
        QCOMPARE(img.digest, ImageBuilder::sha256(img.manifest));
        QCOMPARE(img.mediaType,
                 docker ? QString(MediaType::DockerManifestList) : QString(MediaType::OciIndex));
        const QJsonArray entries = json(img.manifest).value(u"manifests"_s).toArray();
        QCOMPARE(entries.size(), platforms.size() * (attestations ? 2 : 1));
        QCOMPARE(img.platforms.size(), platforms.size());
        QCOMPARE(img.attestations.size(), attestations ? platforms.size() : 0);
        QCOMPARE(img.children.size(), entries.size());

        qint64 sum = 0;
        QDateTime newest;
        for (int i = 0; i < entries.size(); ++i) {
            const QJsonObject e = entries.at(i).toObject();
            const SeedManifest &child = img.children.at(i);
            // Each entry names a child by its digest and exact byte size
            QCOMPARE(e.value(u"digest"_s).toString(), child.digest);
            QCOMPARE(ImageBuilder::sha256(child.bytes), child.digest);
            QCOMPARE(e.value(u"size"_s).toInteger(), child.bytes.size());
            QCOMPARE(e.value(u"mediaType"_s).toString(), child.mediaType);
            const QJsonObject platform = e.value(u"platform"_s).toObject();
            if (i < platforms.size()) {
                const SeededPlatform &p = img.platforms.at(i);
                QCOMPARE(p.digest, child.digest);
                QCOMPARE(platform.value(u"architecture"_s).toString(), platforms.at(i).first);
                QCOMPARE(platform.value(u"variant"_s).toString(), platforms.at(i).second);
                // the child's size is config + layers, as its own manifest says
                const QJsonObject m = json(child.bytes);
                qint64 size = m.value(u"config"_s).toObject().value(u"size"_s).toInteger();
                for (const QJsonValue &l : m.value(u"layers"_s).toArray())
                    size += l.toObject().value(u"size"_s).toInteger();
                QCOMPARE(p.size, size);
                sum += size;
                if (!newest.isValid() || p.created > newest)
                    newest = p.created;
            } else {
                const SeededPlatform &a = img.attestations.at(i - platforms.size());
                QCOMPARE(a.digest, child.digest);
                QCOMPARE(platform.value(u"os"_s).toString(), u"unknown"_s);
                QCOMPARE(platform.value(u"architecture"_s).toString(), u"unknown"_s);
                const QJsonObject annotations = e.value(u"annotations"_s).toObject();
                QCOMPARE(annotations.value(u"vnd.docker.reference.type"_s).toString(),
                         u"attestation-manifest"_s);
                QCOMPARE(annotations.value(u"vnd.docker.reference.digest"_s).toString(),
                         img.platforms.at(i - platforms.size()).digest);
                QCOMPARE(a.referenceDigest, img.platforms.at(i - platforms.size()).digest);
                const QJsonArray layers = json(child.bytes).value(u"layers"_s).toArray();
                QCOMPARE(layers.first().toObject().value(u"mediaType"_s).toString(),
                         QString(MediaType::InTotoLayer));
                QVERIFY(!a.created.isValid());
            }
        }
        // Attestations are not summed; created is the newest platform image
        QCOMPARE(img.size, sum);
        QCOMPARE(img.created, newest);
        // every blob of every child is there to upload, once
        QSet<QString> digests;
        for (const SeedBlob &b : built.blobs) {
            QVERIFY(!digests.contains(b.digest));
            digests.insert(b.digest);
            QCOMPARE(ImageBuilder::sha256(b.bytes), b.digest);
        }
        QCOMPARE(img.blobs.size(), built.blobs.size());
    }

    void artifacts()
    {
        const BuiltImage chart = ImageBuilder::helmChart({});
        QCOMPARE(chart.image.kind, ArtifactKind::HelmChart);
        QCOMPARE(chart.image.config.mediaType, QString(MediaType::HelmConfig));
        QCOMPARE(chart.image.layers.size(), 1);
        QCOMPARE(chart.image.layers.first().mediaType,
                 u"application/vnd.cncf.helm.chart.content.v1.tar+gzip"_s);
        const QByteArray listing = runTool(u"tar"_s, {u"-tzf"_s, u"-"_s},
                                           blobBytes(chart, chart.image.layers.first().digest));
        QVERIFY(listing.contains("berth/Chart.yaml"));
        QVERIFY(!chart.image.created.isValid());

        const BuiltImage sig = ImageBuilder::cosignSignature(chart.image.digest, u"h/r"_s);
        QCOMPARE(sig.image.kind, ArtifactKind::Signature);
        QCOMPARE(sig.image.layers.first().mediaType, QString(MediaType::CosignSignatureLayer));
        const QJsonObject payload = json(blobBytes(sig, sig.image.layers.first().digest));
        QCOMPARE(payload.value(u"critical"_s)
                         .toObject()
                         .value(u"image"_s)
                         .toObject()
                         .value(u"docker-manifest-digest"_s)
                         .toString(),
                 chart.image.digest);
        QCOMPARE(ImageBuilder::cosignTag(u"sha256:abc"_s), u"sha256-abc.sig"_s);
    }

    void manyTagsPlan()
    {
        const QList<SeedPush> plan = ImageBuilder::manyTagsPlan(u"r"_s, 1000, 37);
        QCOMPARE(plan.size(), 37);
        QSet<QString> tags;
        QSet<QString> digests;
        QDateTime first;
        QDateTime last;
        for (const SeedPush &p : plan) {
            QVERIFY(!p.tags.isEmpty());
            for (const QString &t : p.tags)
                tags.insert(t);
            digests.insert(p.image.image.digest);
            first = first.isValid() ? qMin(first, p.image.image.created) : p.image.image.created;
            last = last.isValid() ? qMax(last, p.image.image.created) : p.image.image.created;
        }
        QCOMPARE(tags.size(), 1000);
        QCOMPARE(digests.size(), 37);
        QVERIFY(first.daysTo(last) > 600); // spread over (nearly) two years
    }
};

QTEST_GUILESS_MAIN(TestImageBuilder)
#include "tst_imagebuilder.moc"
