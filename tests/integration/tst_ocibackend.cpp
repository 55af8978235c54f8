// OciBackend against the real Distribution 2.8 registry: pagers, metadata, retag, untag, delete.

#include "clienttestutil.h"
#include "models/metadata/metadataservice.h"
#include "net/oci/ocibackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"
#include "registryprocess.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

//! Drains a pager: fetchNext() until it has no more; every page size is recorded.
struct Drained
{
    QStringList names;
    QList<int> pageSizes;
    std::optional<Error> error;
    qint64 totalAfterFirstPage = -2;
};

Drained drain(Pager *pager, int maxPages = 10000)
{
    Drained out;
    QSignalSpy ready(pager, &Pager::pageReady);
    QSignalSpy failed(pager, &Pager::failed);
    for (int i = 0; i < maxPages && pager->hasMore(); ++i) {
        const qsizetype before = ready.size();
        pager->fetchNext();
        if (ready.size() == before && failed.isEmpty()) {
            // never synchronously: the signal comes from the event loop
            if (!ready.wait(30000) && failed.isEmpty())
                break;
        }
        if (!failed.isEmpty()) {
            out.error = failed.constFirst().constFirst().value<Error>();
            break;
        }
        const QStringList page = ready.constLast().constFirst().toStringList();
        out.names += page;
        out.pageSizes.append(int(page.size()));
        if (i == 0)
            out.totalAfterFirstPage = pager->totalCount();
    }
    return out;
}

} // namespace

class TestOciBackend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tagPagerHandsOutPagesFromTheFullList_data();
    void tagPagerHandsOutPagesFromTheFullList();
    void repositoryPagerFiltersByPrefixAndStopsEarly();
    void metadataOfSingleImages_data();
    void metadataOfSingleImages();
    void metadataOfIndexWithAttestations_data();
    void metadataOfIndexWithAttestations();
    void metadataOfHelmChartArtifact();
    void tagsSharingADigestAreFetchedOnce();
    void resolveTagGivesTheDigest();
    void addTagKeepsTheDigest_data();
    void addTagKeepsTheDigest();
    void addTagCopiesAnIndexAcrossRepositories();
    void deleteTagKeepsSiblings();
    void deleteTagLeavesAMovedTagAlone();
    void deleteTagChangesNothingWhereDeletesAreOff();
    void deleteTagCancelledHalfWayPutsTheTagBack();
    void deleteImageRemovesAllItsTags();
    void unknownRepositoryIsNotFound();

private:
    QStringList allTags(const QString &repository);
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<NetworkAccessManager> m_nam;
    std::unique_ptr<RequestScheduler> m_scheduler;
    std::unique_ptr<OciBackend> m_backend;
    RegistryClient *m_client = nullptr;
};

void TestOciBackend::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    m_nam = std::make_unique<NetworkAccessManager>();
    m_scheduler = std::make_unique<RequestScheduler>(m_nam.get());
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    RegistryEndpoint endpoint;
    endpoint.host = m_registry->host();
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    m_backend = std::make_unique<OciBackend>(endpoint, m_scheduler.get());
    m_client = m_backend->client();
    const auto connected = waitFor(m_backend->connectToRegistry());
    QVERIFY2(connected.ok(), qPrintable(connected.error().toString()));
}

QStringList TestOciBackend::allTags(const QString &repository)
{
    std::unique_ptr<Pager> pager(m_backend->createTagPager(repository, nullptr));
    pager->setPageSize(1000);
    const Drained drained = drain(pager.get());
    return drained.error ? QStringList{u"<error>"_s} : drained.names;
}

void TestOciBackend::tagPagerHandsOutPagesFromTheFullList_data()
{
    QTest::addColumn<int>("tagCount");
    QTest::addColumn<int>("pageSize");
    QTest::addColumn<bool>("totalKnownAtOnce");
    QTest::newRow("1 tag") << 1 << 100 << true;
    QTest::newRow("1000 tags, pages of 100") << 1000 << 100 << true;
    // A full page without Link may be a server paging by `last` only: one more request tells
    QTest::newRow("7 tags, pages of 7") << 7 << 7 << false;
}

void TestOciBackend::tagPagerHandsOutPagesFromTheFullList()
{
    QFETCH(int, tagCount);
    QFETCH(int, pageSize);
    QFETCH(bool, totalKnownAtOnce);
    const QString repository = u"tags/n%1-p%2"_s.arg(tagCount).arg(pageSize);
    // Given a repository with tagCount tags (one image, many tags)
    QString error;
    const PushedManifest image = pushImage(m_client, repository, u"t0000"_s, ImageSpec(), &error);
    QVERIFY2(!image.digest.isEmpty(), qPrintable(error));
    QStringList expected{u"t0000"_s};
    for (int i = 1; i < tagCount; ++i) {
        const QString tag = u"t%1"_s.arg(i, 4, 10, QLatin1Char('0'));
        QVERIFY2(!pushManifest(m_client, repository, tag, image.bytes, image.mediaType, &error)
                          .isEmpty(),
                 qPrintable(error));
        expected.append(tag);
    }
    // When draining a tag pager (Distribution 2.8 ignores n and sends every tag at once)
    std::unique_ptr<Pager> pager(m_backend->createTagPager(repository, nullptr));
    pager->setPageSize(pageSize);
    QVERIFY(pager->hasMore());
    const Drained drained = drain(pager.get());
    // Then pages of pageSize come out of the one list, the total is known after the first page
    // (Distribution lists tags in storage order, not sorted: compare as sets)
    QVERIFY2(!drained.error, qPrintable(drained.error ? drained.error->toString() : QString()));
    QStringList names = drained.names;
    names.sort();
    QCOMPARE(names, expected);
    QCOMPARE(drained.totalAfterFirstPage, totalKnownAtOnce ? qint64(tagCount) : qint64(-1));
    for (qsizetype i = 0; i + 1 < drained.pageSizes.size(); ++i)
        QCOMPARE(drained.pageSizes.at(i), pageSize);
    QVERIFY(!pager->hasMore());
    QCOMPARE(pager->totalCount(), qint64(tagCount));
}

void TestOciBackend::repositoryPagerFiltersByPrefixAndStopsEarly()
{
    // Given a fresh registry with repositories around the prefix "team-a/"
    RegistryProcess registry;
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    RegistryEndpoint endpoint;
    endpoint.host = registry.host();
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    OciBackend backend(endpoint, m_scheduler.get());
    // Distribution's catalog order puts '/' below every character: "team-a/web" < "team-a.x/y"
    // < "team-a0/y"; those two must be filtered out without stopping too early.
    QStringList repositories{u"alpha/x"_s,    u"team-0/y"_s,  u"team-a.x/y"_s, u"team-a0/y"_s,
                             u"team-a/api"_s, u"team-a/db"_s, u"team-a/web"_s, u"team-b/x"_s,
                             u"team-c/x"_s,   u"zeta/z"_s};
    for (const QString &repository : repositories) {
        ImageSpec spec;
        spec.uniqueness = repository;
        QVERIFY2(!pushImage(backend.client(), repository, u"v1"_s, spec, &error).digest.isEmpty(),
                 qPrintable(error));
    }
    QStringList catalogRequests;
    connect(m_scheduler.get(), &RequestScheduler::attemptStarted, this,
            [&catalogRequests](const QByteArray &, const QUrl &url) {
                if (url.path() == u"/v2/_catalog")
                    catalogRequests.append(url.query());
            });
    // When listing with the prefix, two names per server page
    std::unique_ptr<Pager> pager(backend.createRepositoryPager(u"team-a/"_s, nullptr));
    pager->setPageSize(2);
    const Drained drained = drain(pager.get());
    // Then only the prefix's repositories come, and no page after "team-b/x" is asked for
    QVERIFY2(!drained.error, qPrintable(drained.error ? drained.error->toString() : QString()));
    QCOMPARE(drained.names, (QStringList{u"team-a/api"_s, u"team-a/db"_s, u"team-a/web"_s}));
    for (const QString &query : std::as_const(catalogRequests))
        QVERIFY2(!query.contains(u"last=team-c"_s) && !query.contains(u"last=zeta"_s),
                 qPrintable(query));
    // The first request starts just before the prefix instead of at "alpha/x"
    QVERIFY(!catalogRequests.isEmpty());
    QVERIFY2(catalogRequests.constFirst().contains(u"last="_s),
             qPrintable(catalogRequests.constFirst()));

    // Without a prefix every repository comes, following the Link pages
    std::unique_ptr<Pager> all(backend.createRepositoryPager(QString(), nullptr));
    all->setPageSize(3);
    const Drained everything = drain(all.get());
    QVERIFY(!everything.error);
    QStringList names = everything.names;
    names.sort();
    repositories.sort();
    QCOMPARE(names, repositories);
}

void TestOciBackend::metadataOfSingleImages_data()
{
    QTest::addColumn<bool>("oci");
    QTest::newRow("docker schema2") << false;
    QTest::newRow("oci manifest") << true;
}

void TestOciBackend::metadataOfSingleImages()
{
    QFETCH(bool, oci);
    const QString repository = oci ? u"meta/oci"_s : u"meta/docker"_s;
    ImageSpec spec;
    spec.oci = oci;
    spec.architecture = u"arm64"_s;
    spec.variant = u"v8"_s;
    spec.created = QDateTime(QDate(2023, 3, 4), QTime(5, 6, 7), Qt::UTC);
    spec.labels = {{u"org.opencontainers.image.title"_s, u"demo"_s}};
    spec.uniqueness = repository;
    QString error;
    const PushedManifest pushed = pushImage(m_client, repository, u"v1"_s, spec, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));

    const auto meta = waitFor(m_backend->fetchMetadata(repository, u"v1"_s, Priority::Visible));
    QVERIFY2(meta.ok(), qPrintable(meta.error().toString()));
    const ImageMetadata &m = meta.value();
    QCOMPARE(m.digest, pushed.digest);
    QCOMPARE(m.mediaType, pushed.mediaType);
    QCOMPARE(m.kind, ArtifactKind::Image);
    QCOMPARE(m.size, pushed.storedSize);
    QCOMPARE(m.created, spec.created);
    QCOMPARE(m.configDigest, pushed.configDigest);
    QCOMPARE(m.layers.size(), spec.layers.size());
    QCOMPARE(m.config.labels, spec.labels);
    QCOMPARE(m.platforms.size(), 1);
    QCOMPARE(m.platforms.constFirst().platform.toString(), u"linux/arm64/v8"_s);
    QVERIFY(m.warnings.isEmpty());
}

void TestOciBackend::metadataOfIndexWithAttestations_data()
{
    QTest::addColumn<bool>("oci");
    QTest::newRow("docker manifest list") << false;
    QTest::newRow("oci index with attestations") << true;
}

void TestOciBackend::metadataOfIndexWithAttestations()
{
    QFETCH(bool, oci);
    const QString repository = oci ? u"index/oci"_s : u"index/docker"_s;
    QString error;
    ImageSpec amd;
    amd.oci = oci;
    amd.uniqueness = repository + u"amd64"_s;
    amd.created = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC);
    ImageSpec arm = amd;
    arm.architecture = u"arm64"_s;
    arm.uniqueness = repository + u"arm64"_s;
    arm.layers = {"a much larger arm layer than the other one"_ba};
    arm.created = QDateTime(QDate(2024, 2, 2), QTime(0, 0), Qt::UTC); // the newest
    const PushedManifest amdImage = pushImage(m_client, repository, {}, amd, &error);
    QVERIFY2(!amdImage.digest.isEmpty(), qPrintable(error));
    const PushedManifest armImage = pushImage(m_client, repository, {}, arm, &error);
    QVERIFY2(!armImage.digest.isEmpty(), qPrintable(error));
    QList<IndexEntry> entries{{amdImage, u"linux"_s, u"amd64"_s, {}, {}},
                              {armImage, u"linux"_s, u"arm64"_s, {}, {}}};
    if (oci) {
        // buildx-style attestation manifest for amd64: platform unknown/unknown
        ImageSpec attestation;
        attestation.oci = true;
        attestation.os = u"unknown"_s;
        attestation.architecture = u"unknown"_s;
        attestation.layers = {"{\"_type\":\"https://in-toto.io/Statement/v0.1\"}"_ba};
        attestation.uniqueness = repository + u"attestation"_s;
        const PushedManifest att = pushImage(m_client, repository, {}, attestation, &error);
        QVERIFY2(!att.digest.isEmpty(), qPrintable(error));
        entries.append({att,
                        u"unknown"_s,
                        u"unknown"_s,
                        {},
                        {{u"vnd.docker.reference.type"_s, u"attestation-manifest"_s},
                         {u"vnd.docker.reference.digest"_s, amdImage.digest}}});
    }
    const PushedManifest index = pushIndex(m_client, repository, u"multi"_s, entries, oci, &error);
    QVERIFY2(!index.digest.isEmpty(), qPrintable(error));

    const auto meta = waitFor(m_backend->fetchMetadata(repository, u"multi"_s, Priority::Visible));
    QVERIFY2(meta.ok(), qPrintable(meta.error().toString()));
    const ImageMetadata &m = meta.value();
    QCOMPARE(m.digest, index.digest);
    QCOMPARE(m.kind, ArtifactKind::Index);
    QCOMPARE(m.platforms.size(), 2);
    QCOMPARE(m.platforms.at(0).platform.toString(), u"linux/amd64"_s);
    QCOMPARE(m.platforms.at(0).digest, amdImage.digest);
    QCOMPARE(m.platforms.at(0).size, amdImage.storedSize);
    QCOMPARE(m.platforms.at(1).platform.toString(), u"linux/arm64"_s);
    QCOMPARE(m.platforms.at(1).created, arm.created);
    QCOMPARE(m.attestations.size(), oci ? 1 : 0);
    // The index's size is its platforms' (attestations are not counted); created is the newest
    QCOMPARE(m.size, amdImage.storedSize + armImage.storedSize);
    QCOMPARE(m.created, arm.created);
    QVERIFY2(m.warnings.isEmpty(), qPrintable(m.warnings.join(u"; "_s)));
}

void TestOciBackend::metadataOfHelmChartArtifact()
{
    const QString repository = u"charts/demo"_s;
    QString error;
    const PushedBlob config = pushBlob(m_client, repository,
                                       R"({"name":"demo","version":"1.2.3","apiVersion":"v2"})"_ba,
                                       QString(MediaType::HelmConfig), &error);
    QVERIFY2(!config.digest.isEmpty(), qPrintable(error));
    const PushedBlob chart
            = pushBlob(m_client, repository, "not really a tgz"_ba,
                       u"application/vnd.cncf.helm.chart.content.v1.tar+gzip"_s, &error);
    QVERIFY2(!chart.digest.isEmpty(), qPrintable(error));
    const QJsonObject manifest{
            {u"schemaVersion"_s, 2},
            {u"mediaType"_s, QString(MediaType::OciManifest)},
            {u"config"_s, config.descriptor()},
            {u"layers"_s, QJsonArray{chart.descriptor()}},
            {u"annotations"_s,
             QJsonObject{{u"org.opencontainers.image.created"_s, u"2022-07-08T09:10:11Z"_s}}}};
    const QByteArray bytes = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
    const QString digest = pushManifest(m_client, repository, u"1.2.3"_s, bytes,
                                        QString(MediaType::OciManifest), &error);
    QVERIFY2(!digest.isEmpty(), qPrintable(error));

    QList<QUrl> blobRequests;
    const auto connection = connect(m_scheduler.get(), &RequestScheduler::attemptStarted, this,
                                    [&blobRequests](const QByteArray &, const QUrl &url) {
                                        if (url.path().contains(u"/blobs/"_s))
                                            blobRequests.append(url);
                                    });
    const auto meta = waitFor(m_backend->fetchMetadata(repository, u"1.2.3"_s, Priority::Visible));
    disconnect(connection);
    QVERIFY2(meta.ok(), qPrintable(meta.error().toString()));
    QCOMPARE(meta.value().kind, ArtifactKind::HelmChart);
    QCOMPARE(meta.value().configMediaType, QString(MediaType::HelmConfig));
    QCOMPARE(meta.value().size, config.size + chart.size);
    QCOMPARE(meta.value().created, QDateTime(QDate(2022, 7, 8), QTime(9, 10, 11), Qt::UTC));
    // A chart's config is not an image config: not fetched
    QVERIFY(blobRequests.isEmpty());
}

void TestOciBackend::tagsSharingADigestAreFetchedOnce()
{
    // Sharing and caching moved from the backend (MetadataFetcher) to MetadataService: the
    // promise is proven where it lives now, over this backend and the real registry.
    // Given 5 tags of one image, and a metadata service without a disk cache
    const QString repository = u"shared/app"_s;
    ImageSpec spec;
    spec.uniqueness = repository;
    QString error;
    const PushedManifest pushed = pushImage(m_client, repository, u"tag-0"_s, spec, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));
    for (int i = 1; i < 5; ++i)
        QVERIFY(!pushManifest(m_client, repository, u"tag-%1"_s.arg(i), pushed.bytes,
                              pushed.mediaType)
                         .isEmpty());
    MetadataService service(m_backend.get(), nullptr);

    QList<QUrl> manifestHeads;
    QList<QUrl> manifestGets;
    QList<QUrl> blobGets;
    // Destroyed before the lists: a failed check that returns early leaves no dangling slot.
    QObject counting;
    connect(m_scheduler.get(), &RequestScheduler::attemptStarted, &counting,
            [&](const QByteArray &method, const QUrl &url) {
                const bool manifest = url.path().contains(u"/manifests/"_s);
                if (method == "HEAD" && manifest)
                    manifestHeads.append(url);
                else if (method == "GET" && manifest)
                    manifestGets.append(url);
                else if (method == "GET" && url.path().contains(u"/blobs/"_s))
                    blobGets.append(url);
            });
    // When metadata of the digest, of all 5 tags and (a caller that gives up at once) of the
    // digest again is asked for at once
    QObject context;
    QList<MetadataService::TagMetadata> results;
    QList<Error> failures;
    const auto collect = [&](const Result<MetadataService::TagMetadata> &r) {
        if (r.ok())
            results.append(r.value());
        else
            failures.append(r.error());
    };
    service.metadata(repository, pushed.digest, Priority::Visible)->onFinished(&context, collect);
    for (int i = 0; i < 5; ++i) {
        service.metadata(repository, u"tag-%1"_s.arg(i), Priority::Visible)
                ->onFinished(&context, collect);
    }
    std::optional<Error> cancelled;
    QPointer<ResultJob<MetadataService::TagMetadata>> leaving
            = service.metadata(repository, pushed.digest, Priority::Visible);
    leaving->onFinished(&context, [&cancelled](const Result<MetadataService::TagMetadata> &r) {
        cancelled = r.error();
    });
    leaving->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(results.size() + failures.size(), 6, 30000);
    QTRY_VERIFY(cancelled.has_value());

    // Then each tag costs one GET of its manifest (no disk cache: nothing to revalidate; the GET
    // tells the digest), and the tags and the digest share one fetch of the digest: its manifest
    // GET and one config GET. The caller that left ended Cancelled without taking the shared
    // fetch from the others.
    QVERIFY2(failures.isEmpty(), qPrintable(failures.value(0).toString()));
    QCOMPARE(cancelled->code, ErrorCode::Cancelled);
    for (const MetadataService::TagMetadata &m : std::as_const(results)) {
        QCOMPARE(m.digest, pushed.digest);
        QVERIFY(m.metadata);
        QCOMPARE(m.metadata->digest, pushed.digest);
    }
    QCOMPARE(manifestHeads.size(), 0);
    QCOMPARE(manifestGets.size(), 6);
    int byDigest = 0;
    for (const QUrl &get : std::as_const(manifestGets))
        byDigest += get.path().endsWith(pushed.digest) ? 1 : 0;
    QCOMPARE(byDigest, 1);
    QCOMPARE(blobGets.size(), 1);
    QCOMPARE(service.metadataFetches(), quint64(1));

    // And once known, a digest costs nothing and a tag only what tells its digest
    manifestHeads.clear();
    manifestGets.clear();
    blobGets.clear();
    const auto again = waitFor(service.metadata(repository, pushed.digest, Priority::Visible));
    QVERIFY2(again.ok(), qPrintable(again.error().toString()));
    QCOMPARE(manifestHeads.size() + manifestGets.size() + blobGets.size(), 0);
    const auto byTag = waitFor(service.metadata(repository, u"tag-3"_s, Priority::Visible));
    QVERIFY2(byTag.ok(), qPrintable(byTag.error().toString()));
    QCOMPARE(byTag.value().digest, pushed.digest);
    QCOMPARE(manifestHeads.size() + manifestGets.size(), 1);
    QCOMPARE(blobGets.size(), 0);
    QCOMPARE(service.metadataFetches(), quint64(1));
}

void TestOciBackend::resolveTagGivesTheDigest()
{
    ImageSpec spec;
    spec.uniqueness = u"resolve"_s;
    QString error;
    const PushedManifest pushed = pushImage(m_client, u"resolve/app"_s, u"v9"_s, spec, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));
    const auto resolved
            = waitFor(m_backend->resolveTag(u"resolve/app"_s, u"v9"_s, Priority::Visible));
    QVERIFY(resolved.ok());
    QCOMPARE(resolved.value().tag, u"v9"_s);
    QCOMPARE(resolved.value().digest, pushed.digest);
    QCOMPARE(resolved.value().mediaType, pushed.mediaType);
}

void TestOciBackend::addTagKeepsTheDigest_data()
{
    QTest::addColumn<QString>("targetRepository");
    QTest::newRow("same repository") << QString();
    QTest::newRow("another repository") << u"retag/copy"_s;
}

void TestOciBackend::addTagKeepsTheDigest()
{
    QFETCH(QString, targetRepository);
    ImageSpec spec;
    spec.uniqueness = u"retag"_s + targetRepository;
    QString error;
    const PushedManifest pushed = pushImage(m_client, u"retag/app"_s, u"v1"_s, spec, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));

    const auto tagged
            = waitFor(m_backend->addTag(u"retag/app"_s, u"v1"_s, targetRepository, u"release"_s));
    QVERIFY2(tagged.ok(), qPrintable(tagged.error().toString()));
    QCOMPARE(tagged.value(), pushed.digest);
    const QString target = targetRepository.isEmpty() ? u"retag/app"_s : targetRepository;
    const auto resolved = waitFor(m_backend->resolveTag(target, u"release"_s, Priority::Visible));
    QVERIFY(resolved.ok());
    QCOMPARE(resolved.value().digest, pushed.digest);
    // The copy is complete: its metadata (config blob included) reads from the target
    const auto meta = waitFor(m_backend->fetchMetadata(target, u"release"_s, Priority::Visible));
    QVERIFY2(meta.ok() && meta.value().warnings.isEmpty(), qPrintable(meta.error().toString()));
    QCOMPARE(meta.value().size, pushed.storedSize);
}

void TestOciBackend::addTagCopiesAnIndexAcrossRepositories()
{
    QString error;
    ImageSpec a;
    a.oci = true;
    a.uniqueness = u"copy-index-a"_s;
    ImageSpec b = a;
    b.architecture = u"arm64"_s;
    b.uniqueness = u"copy-index-b"_s;
    const PushedManifest imageA = pushImage(m_client, u"copyidx/src"_s, {}, a, &error);
    const PushedManifest imageB = pushImage(m_client, u"copyidx/src"_s, {}, b, &error);
    QVERIFY2(!imageA.digest.isEmpty() && !imageB.digest.isEmpty(), qPrintable(error));
    const PushedManifest index = pushIndex(
            m_client, u"copyidx/src"_s, u"multi"_s,
            {{imageA, u"linux"_s, u"amd64"_s, {}, {}}, {imageB, u"linux"_s, u"arm64"_s, {}, {}}},
            true, &error);
    QVERIFY2(!index.digest.isEmpty(), qPrintable(error));

    const auto tagged = waitFor(
            m_backend->addTag(u"copyidx/src"_s, u"multi"_s, u"copyidx/dst"_s, u"copied"_s));
    QVERIFY2(tagged.ok(), qPrintable(tagged.error().toString()));
    QCOMPARE(tagged.value(), index.digest);
    const auto meta
            = waitFor(m_backend->fetchMetadata(u"copyidx/dst"_s, u"copied"_s, Priority::Visible));
    QVERIFY(meta.ok());
    QCOMPARE(meta.value().platforms.size(), 2);
    QVERIFY2(meta.value().warnings.isEmpty(), qPrintable(meta.value().warnings.join(u"; "_s)));
}

void TestOciBackend::deleteTagKeepsSiblings()
{
    const QString repository = u"untag/app"_s;
    ImageSpec spec;
    spec.uniqueness = repository;
    QString error;
    const PushedManifest pushed = pushImage(m_client, repository, u"keep"_s, spec, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));
    QVERIFY(!pushManifest(m_client, repository, u"drop"_s, pushed.bytes, pushed.mediaType)
                     .isEmpty());

    const auto removed = waitFor(m_backend->deleteTag(repository, u"drop"_s, {}));
    QVERIFY2(removed.ok(), qPrintable(removed.error().toString()));
    QCOMPARE(allTags(repository), QStringList{u"keep"_s});
    const auto kept = waitFor(m_backend->resolveTag(repository, u"keep"_s, Priority::Visible));
    QVERIFY(kept.ok());
    QCOMPARE(kept.value().digest, pushed.digest);

    // A tag that does not exist is NotFound, and nothing is created
    const auto missing = waitFor(m_backend->deleteTag(repository, u"never-was"_s, {}));
    QCOMPARE(missing.error().code, ErrorCode::NotFound);
    QCOMPARE(allTags(repository), QStringList{u"keep"_s});
}

void TestOciBackend::deleteTagLeavesAMovedTagAlone()
{
    // Given a tag the caller saw on one image, pushed to another image since
    const QString repository = u"untag/moved"_s;
    ImageSpec first;
    first.uniqueness = u"moved-first"_s;
    ImageSpec second;
    second.uniqueness = u"moved-second"_s;
    QString error;
    const PushedManifest seen = pushImage(m_client, repository, u"v1"_s, first, &error);
    QVERIFY2(!seen.digest.isEmpty(), qPrintable(error));
    const PushedManifest now = pushImage(m_client, repository, u"v1"_s, second, &error);
    QVERIFY2(!now.digest.isEmpty(), qPrintable(error));

    // When it is removed on the digest the caller saw
    const auto removed = waitFor(m_backend->deleteTag(repository, u"v1"_s, seen.digest));

    // Then nothing changes, and the error says it moved
    QCOMPARE(removed.error().code, ErrorCode::Conflict);
    QVERIFY2(removed.error().message.contains(u"moved"_s), qPrintable(removed.error().message));
    const auto still = waitFor(m_backend->resolveTag(repository, u"v1"_s, Priority::Visible));
    QVERIFY(still.ok());
    QCOMPARE(still->digest, now.digest);

    // And on the digest it has now, it goes
    QVERIFY(waitFor(m_backend->deleteTag(repository, u"v1"_s, now.digest)).ok());
    QVERIFY(allTags(repository).isEmpty());
}

void TestOciBackend::deleteTagChangesNothingWhereDeletesAreOff()
{
    // Given a registry without storage.delete.enabled
    RegistryProcess::Options options;
    options.deletes = false;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    RegistryEndpoint endpoint;
    endpoint.host = registry.host();
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    OciBackend backend(endpoint, m_scheduler.get());
    const QString repository = u"nodelete/app"_s;
    const PushedManifest pushed
            = pushImage(backend.client(), repository, u"keep"_s, ImageSpec{}, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));

    // When a tag is removed
    const auto removed = waitFor(backend.deleteTag(repository, u"keep"_s, {}));

    // Then it fails before anything was written: the tag still points at its image
    QCOMPARE(removed.error().code, ErrorCode::Unsupported);
    QVERIFY2(removed.error().message.contains(u"nothing was changed"_s),
             qPrintable(removed.error().message));
    const auto kept = waitFor(backend.resolveTag(repository, u"keep"_s, Priority::Visible));
    QVERIFY(kept.ok());
    QCOMPARE(kept->digest, pushed.digest);
}

void TestOciBackend::deleteTagCancelledHalfWayPutsTheTagBack()
{
    // Given a tag being removed, cancelled when the placeholder is under the tag and its DELETE
    // starts (the first DELETE is the probe of a digest nobody has)
    const QString repository = u"untag/cancelled"_s;
    ImageSpec spec;
    spec.uniqueness = repository;
    QString error;
    const PushedManifest pushed = pushImage(m_client, repository, u"keep"_s, spec, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));
    QPointer<Job> job = m_backend->deleteTag(repository, u"keep"_s, pushed.digest);
    QObject context;
    bool cancelled = false;
    int deletes = 0;
    connect(m_scheduler.get(), &RequestScheduler::attemptStarted, &context,
            [&](const QByteArray &method, const QUrl &) {
                if (method == "DELETE" && ++deletes == 2 && job && !cancelled) {
                    cancelled = true;
                    job->cancel();
                }
            });
    QTRY_VERIFY_WITH_TIMEOUT(cancelled, 10000);
    QTRY_VERIFY(job.isNull());

    // Then the tag ends up where it was, whatever the placeholder's PUT did
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto now
                        = waitFor(m_backend->resolveTag(repository, u"keep"_s, Priority::Visible));
                return now.ok() && now->digest == pushed.digest;
            }(),
            10000);
    QCOMPARE(allTags(repository), QStringList{u"keep"_s});
}

void TestOciBackend::deleteImageRemovesAllItsTags()
{
    const QString repository = u"delimg/app"_s;
    ImageSpec one;
    one.uniqueness = u"one"_s;
    ImageSpec other;
    other.uniqueness = u"other"_s;
    QString error;
    const PushedManifest doomed = pushImage(m_client, repository, u"a"_s, one, &error);
    QVERIFY2(!doomed.digest.isEmpty(), qPrintable(error));
    QVERIFY(!pushManifest(m_client, repository, u"b"_s, doomed.bytes, doomed.mediaType).isEmpty());
    QVERIFY(!pushImage(m_client, repository, u"c"_s, other, &error).digest.isEmpty());

    const auto deleted = waitFor(m_backend->deleteImage(repository, doomed.digest));
    QVERIFY2(deleted.ok(), qPrintable(deleted.error().toString()));
    QCOMPARE(allTags(repository), QStringList{u"c"_s});
}

void TestOciBackend::unknownRepositoryIsNotFound()
{
    const auto meta = waitFor(
            m_backend->fetchMetadata(u"does/not-exist"_s, u"latest"_s, Priority::Visible));
    QCOMPARE(meta.error().code, ErrorCode::NotFound);
    std::unique_ptr<Pager> pager(m_backend->createTagPager(u"does/not-exist"_s, nullptr));
    const Drained drained = drain(pager.get());
    QVERIFY(drained.error);
    QCOMPARE(drained.error->code, ErrorCode::NotFound);
}

QTEST_GUILESS_MAIN(TestOciBackend)
#include "tst_ocibackend.moc"
