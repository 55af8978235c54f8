// ImageSeeder against the real registry: what it pushes must come back byte for byte, with the
// digests and sizes it reports, read with plain HTTP (not through Berth's client, which is what
// later tests check against these expectations).
#include "imagebuilder.h"
#include "imageseeder.h"
#include "net/formats/mediatypes.h"
#include "registryprocess.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Berth;
using namespace Berth::Test;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray digest; //!< Docker-Content-Digest
};

enum class Kind {
    DockerImage,
    OciImage,
    DockerList,
    OciIndexWithAttestations,
    HelmChart,
    Signature,
    NestedRepository,
    SharedDigestTags,
};

ImageSpec smallImage(quint64 seed, ManifestFormat format)
{
    ImageSpec s;
    s.seed = seed;
    s.format = format;
    s.baseSeed = 1;
    s.layers = 2;
    s.layerBytes = 6 * 1024;
    s.env = {u"PATH=/bin"_s};
    s.cmd = {u"run"_s};
    s.exposedPorts = {u"8080/tcp"_s};
    s.labels = {{u"org.opencontainers.image.title"_s, u"seeded"_s}};
    return s;
}

IndexSpec threePlatforms(quint64 seed, ManifestFormat format, bool attestations)
{
    IndexSpec spec;
    spec.format = format;
    spec.attestations = attestations;
    ImageSpec amd = smallImage(seed, format);
    ImageSpec arm64 = smallImage(seed + 1, format);
    arm64.architecture = u"arm64"_s;
    arm64.variant = u"v8"_s;
    ImageSpec arm = smallImage(seed + 2, format);
    arm.architecture = u"arm"_s;
    arm.variant = u"v7"_s;
    spec.platforms = {amd, arm64, arm};
    return spec;
}

} // namespace

Q_DECLARE_METATYPE(Kind)

class TestImageSeeder : public QObject
{
    Q_OBJECT

private:
    Reply get(const QString &path, const QByteArray &accept = {})
    {
        QNetworkRequest request(m_registry->baseUrl().resolved(QUrl(path)));
        if (!accept.isEmpty())
            request.setRawHeader("Accept", accept);
        QNetworkReply *reply = m_nam.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(30000))
            reply->abort();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.contentType = reply->rawHeader("Content-Type");
        r.digest = reply->rawHeader("Docker-Content-Digest");
        reply->deleteLater();
        return r;
    }

    //! Every manifest (under each tag and by digest, children too) and blob of image.
    void verifyPushed(const SeededImage &image)
    {
        const QString base = u"/v2/"_s + image.repository;
        QStringList references = image.tags;
        references.append(image.digest);
        for (const QString &reference : std::as_const(references)) {
            const Reply r = get(base + u"/manifests/"_s + reference, image.mediaType.toLatin1());
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, image.manifest);
            QCOMPARE(QString::fromLatin1(r.digest), image.digest);
            QCOMPARE(QString::fromLatin1(r.contentType), image.mediaType);
            QCOMPARE(ImageBuilder::sha256(r.body), image.digest);
        }
        for (const SeedManifest &child : image.children) {
            const Reply r = get(base + u"/manifests/"_s + child.digest, child.mediaType.toLatin1());
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, child.bytes);
            QCOMPARE(QString::fromLatin1(r.contentType), child.mediaType);
        }
        QVERIFY(!image.blobs.isEmpty());
        for (const SeedDescriptor &blob : image.blobs) {
            const Reply r = get(base + u"/blobs/"_s + blob.digest);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body.size(), blob.size);
            QCOMPARE(ImageBuilder::sha256(r.body), blob.digest);
        }
        if (image.kind == ArtifactKind::Image) {
            // The config parses and names the layers' uncompressed digests.
            const Reply r = get(base + u"/blobs/"_s + image.config.digest);
            QJsonParseError error;
            const QJsonObject config = QJsonDocument::fromJson(r.body, &error).object();
            QCOMPARE(error.error, QJsonParseError::NoError);
            QStringList diffIds;
            for (const QJsonValue &v :
                 config.value(u"rootfs"_s).toObject().value(u"diff_ids"_s).toArray())
                diffIds.append(v.toString());
            QCOMPARE(diffIds, image.diffIds);
            QCOMPARE(diffIds.size(), image.layers.size());
            QCOMPARE(config.value(u"architecture"_s).toString(),
                     image.platforms.constFirst().architecture);
        }
    }

    QStringList tagList(const QString &repository)
    {
        // Distribution 2.8 ignores n and returns every tag at once.
        const Reply r = get(u"/v2/"_s + repository + u"/tags/list"_s);
        if (r.status != 200)
            return {u"HTTP %1"_s.arg(r.status)};
        QStringList tags;
        for (const QJsonValue &v :
             QJsonDocument::fromJson(r.body).object().value(u"tags"_s).toArray())
            tags.append(v.toString());
        return tags;
    }

    QNetworkAccessManager m_nam;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<ImageSeeder> m_seeder;

private Q_SLOTS:
    void initTestCase()
    {
        if (!RegistryProcess::available())
            QSKIP(qPrintable(RegistryProcess::unavailableReason()));
        m_nam.setProxy(QNetworkProxy::NoProxy); // loopback only, whatever http_proxy says
        m_registry = std::make_unique<RegistryProcess>();
        QString error;
        QVERIFY2(m_registry->start(&error), qPrintable(error));
        m_seeder = std::make_unique<ImageSeeder>(m_registry->host());
    }

    void cleanupTestCase()
    {
        m_seeder.reset();
        m_registry.reset();
    }

    void seedsEachKind_data()
    {
        QTest::addColumn<Kind>("kind");
        QTest::addColumn<QString>("repository");
        QTest::newRow("docker schema2") << Kind::DockerImage << u"kinds/docker"_s;
        QTest::newRow("oci image") << Kind::OciImage << u"kinds/oci"_s;
        QTest::newRow("docker manifest list") << Kind::DockerList << u"kinds/list"_s;
        QTest::newRow("oci index + attestations")
                << Kind::OciIndexWithAttestations << u"kinds/index"_s;
        QTest::newRow("helm chart") << Kind::HelmChart << u"kinds/charts/berth"_s;
        QTest::newRow("cosign signature") << Kind::Signature << u"kinds/signed"_s;
        QTest::newRow("nested repository") << Kind::NestedRepository << u"team-a/sub/deep"_s;
        QTest::newRow("tags sharing a digest") << Kind::SharedDigestTags << u"kinds/shared"_s;
    }
    void seedsEachKind()
    {
        QFETCH(Kind, kind);
        QFETCH(QString, repository);

        // Given an image of this kind built in memory
        BuiltImage built;
        QStringList tags{u"1.0.0"_s, u"latest"_s};
        switch (kind) {
        case Kind::DockerImage:
            built = ImageBuilder::image(smallImage(11, ManifestFormat::Docker));
            break;
        case Kind::OciImage:
        case Kind::NestedRepository:
            built = ImageBuilder::image(smallImage(12, ManifestFormat::Oci));
            break;
        case Kind::DockerList:
            built = ImageBuilder::index(threePlatforms(20, ManifestFormat::Docker, false));
            break;
        case Kind::OciIndexWithAttestations:
            built = ImageBuilder::index(threePlatforms(30, ManifestFormat::Oci, true));
            break;
        case Kind::HelmChart:
            built = ImageBuilder::helmChart({});
            tags = {u"0.1.0"_s};
            break;
        case Kind::Signature: {
            const Result<SeededImage> subject = m_seeder->seedImage(
                    repository, smallImage(40, ManifestFormat::Oci), {u"signed"_s});
            QVERIFY2(subject.ok(), qPrintable(subject.error().toString()));
            built = ImageBuilder::cosignSignature(subject->digest,
                                                  m_registry->host() + u'/' + repository);
            tags = {ImageBuilder::cosignTag(subject->digest)};
            break;
        }
        case Kind::SharedDigestTags:
            built = ImageBuilder::image(smallImage(50, ManifestFormat::Docker));
            tags.clear();
            for (int i = 0; i < 200; ++i)
                tags.append(u"t%1"_s.arg(i));
            break;
        }

        // When the seeder pushes it
        const Result<SeededImage> seeded = m_seeder->pushAndWait({repository, built, tags});
        QVERIFY2(seeded.ok(), qPrintable(seeded.error().toString()));

        // Then it reports what was built, and the registry serves exactly that
        QCOMPARE(seeded->repository, repository);
        QCOMPARE(seeded->tags, tags);
        QCOMPARE(seeded->digest, built.image.digest);
        verifyPushed(seeded.value());
        QStringList listed = tagList(repository);
        listed.sort();
        QStringList expected = tags;
        if (kind == Kind::Signature)
            expected.append(u"signed"_s);
        expected.sort();
        QCOMPARE(listed, expected);
    }

    void pushesAgainWithoutUploadingAgain()
    {
        // Given an image already in one repository
        const BuiltImage built = ImageBuilder::image(smallImage(60, ManifestFormat::Oci));
        QVERIFY(m_seeder->pushAndWait({u"again/one"_s, built, {u"a"_s}}).ok());
        const ImageSeeder::Stats before = m_seeder->stats();

        // When it is pushed again there, and into a second repository
        QVERIFY(m_seeder->pushAndWait({u"again/one"_s, built, {u"b"_s}}).ok());
        QCOMPARE(m_seeder->stats().blobsUploaded, before.blobsUploaded);
        const Result<SeededImage> second = m_seeder->pushAndWait({u"again/two"_s, built, {u"a"_s}});
        QVERIFY2(second.ok(), qPrintable(second.error().toString()));

        // Then no blob was uploaded twice: they were skipped or mounted from the first repository
        const ImageSeeder::Stats after = m_seeder->stats();
        QCOMPARE(after.blobsUploaded, before.blobsUploaded);
        QCOMPARE(after.blobsMounted - before.blobsMounted, built.blobs.size());
        verifyPushed(second.value());
    }

    void pushesWithBasicAuth()
    {
        // Given a registry that wants credentials
        RegistryProcess::Options options;
        options.auth = RegistryProcess::Auth::Basic;
        RegistryProcess secured(options);
        QString error;
        QVERIFY2(secured.start(&error), qPrintable(error));
        ImageSeeder seeder(secured.host(), Credentials{options.username, options.password, {}});

        // When the seeder pushes with them, Then the push succeeds (anonymous ones would 401)
        const Result<SeededImage> seeded = seeder.seedImage(
                u"auth/image"_s, smallImage(70, ManifestFormat::Docker), {u"x"_s});
        QVERIFY2(seeded.ok(), qPrintable(seeded.error().toString()));
        ImageSeeder anonymous(secured.host());
        const Result<SeededImage> refused = anonymous.seedImage(
                u"auth/image"_s, smallImage(71, ManifestFormat::Docker), {u"y"_s});
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Unauthorized);
    }

    void reportsAFailedPush()
    {
        // Given a registry that has gone away
        RegistryProcess gone;
        QString error;
        QVERIFY2(gone.start(&error), qPrintable(error));
        ImageSeeder seeder(gone.host());
        gone.stop();

        // When a batch is pushed there, Then it ends with an error, not a hang or a crash
        const Result<QList<SeededImage>> pushed
                = seeder.pushAllAndWait(ImageBuilder::manyTagsPlan(u"gone/r"_s, 50, 5), 60000);
        QVERIFY(!pushed.ok());
        QVERIFY2(pushed.error().code != ErrorCode::Timeout, qPrintable(pushed.error().toString()));
        QVERIFY(!pushed.error().message.isEmpty());
        QCOMPARE(seeder.stats().manifestsPut, 0);
    }

    void tenThousandTags()
    {
        // Given 10,000 tags over 100 images (100 tags per digest)
        const QString repository = u"big/many-tags"_s;
        const QList<SeedPush> plan = ImageBuilder::manyTagsPlan(repository, 10000, 100);
        QSet<QString> expected;
        for (const SeedPush &p : plan) {
            for (const QString &t : p.tags)
                expected.insert(t);
        }
        QCOMPARE(expected.size(), 10000);

        // When they are pushed in one batch
        QElapsedTimer timer;
        timer.start();
        const Result<QList<SeededImage>> seeded = m_seeder->pushAllAndWait(plan);
        const qint64 ms = timer.elapsed();
        QVERIFY2(seeded.ok(), qPrintable(seeded.error().toString()));
        // Printed, not asserted: timing belongs to the benchmarks.
        qInfo("pushed 10000 tags (100 images) in %lld ms: %lld tags/s", ms,
              ms > 0 ? 10000 * 1000 / ms : 0);

        // Then the registry lists every tag, and sampled tags resolve to their image's digest
        const QStringList listed = tagList(repository);
        QCOMPARE(listed.size(), 10000);
        QCOMPARE(QSet<QString>(listed.cbegin(), listed.cend()), expected);
        for (int i = 0; i < plan.size(); i += 17) {
            const SeededImage &image = seeded->at(i);
            const Reply r = get(u"/v2/"_s + repository + u"/manifests/"_s + image.tags.last(),
                                image.mediaType.toLatin1());
            QCOMPARE(r.status, 200);
            QCOMPARE(QString::fromLatin1(r.digest), image.digest);
        }
    }
};

QTEST_GUILESS_MAIN(TestImageSeeder)
#include "tst_imageseeder.moc"
