// HarborBackend (2.x and 1.x) against the Harbor API test server in front of the real registry:
// detection, the wrong-password trap, browsing, the 100,000-tag repository, server-side sort
// and filter, the extra columns, writes and Harbor's error cases, and no cookies ever.
#include "harborserver.h"
#include "imagebuilder.h"
#include "imageseeder.h"
#include "jobwait.h"
#include "models/metadata/metadataservice.h"
#include "models/tags/metadataupdater.h"
#include "models/tags/tagtablemodel.h"
#include "net/backend/backendfactory.h"
#include "net/backend/pager.h"
#include "net/harbor/harborbackend.h"
#include "net/harbor/harbordetector.h"
#include "net/oci/ocibackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"
#include "registryprocess.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Berth;
using Berth::Test::HarborServer;
using Berth::Test::waitFor;

namespace {

constexpr int BigTagCount = 100000;

Test::ImageSpec smallImage(quint64 seed)
{
    Test::ImageSpec spec;
    spec.seed = seed;
    spec.layers = 1;
    spec.layerBytes = 1024; // only valid manifests matter here
    return spec;
}

//! One client stack: access manager, scheduler, backend.
struct Stack
{
    std::unique_ptr<NetworkAccessManager> nam = std::make_unique<NetworkAccessManager>();
    std::unique_ptr<RequestScheduler> scheduler = std::make_unique<RequestScheduler>(nam.get());
    std::unique_ptr<HarborBackend> backend;
};

struct Listing
{
    QStringList names;
    QHash<QString, TagExtras> extras;
    Error error;
};

//! The first page of pager (exactly one fetchNext()).
Listing firstPage(Pager *pager)
{
    Listing listing;
    QObject::connect(pager, &Pager::extrasReady, pager,
                     [&listing](const QHash<QString, TagExtras> &e) { listing.extras.insert(e); });
    QSignalSpy ready(pager, &Pager::pageReady);
    QSignalSpy failed(pager, &Pager::failed);
    pager->fetchNext();
    if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 30000))
        listing.error = Error(ErrorCode::Timeout, u"no page"_s);
    else if (!failed.isEmpty())
        listing.error = failed.first().first().value<Error>();
    else
        listing.names = ready.first().first().toStringList();
    return listing;
}

//! Every page of pager.
Listing drain(Pager *pager)
{
    Listing all;
    while (pager->hasMore()) {
        Listing page = firstPage(pager);
        if (page.error.isError()) {
            all.error = page.error;
            break;
        }
        all.names += page.names;
        all.extras.insert(page.extras);
    }
    return all;
}

} // namespace

Q_DECLARE_METATYPE(HarborServer::Flavour)

class tst_HarborBackend : public QObject
{
    Q_OBJECT

private:
    HarborServer *server(HarborServer::Flavour flavour)
    {
        return flavour == HarborServer::Flavour::V2 ? m_v2.get() : m_v1.get();
    }
    Stack stack(HarborServer *harbor, const QString &user = QString(HarborServer::adminName),
                const QString &password = QString(HarborServer::adminPassword))
    {
        RegistryEndpoint endpoint;
        endpoint.host = harbor->host();
        endpoint.scheme = RegistryEndpoint::Scheme::Http;
        if (user.isEmpty()) {
            endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
        } else {
            endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
            endpoint.credentials = Credentials{user, password, {}};
        }
        Stack s;
        s.backend = std::make_unique<HarborBackend>(endpoint, s.scheduler.get(),
                                                    harbor->flavour() == HarborServer::Flavour::V2
                                                            ? HarborGeneration::V2
                                                            : HarborGeneration::V1);
        return s;
    }
    static void flavours()
    {
        QTest::addColumn<HarborServer::Flavour>("flavour");
        QTest::newRow("2.x") << HarborServer::Flavour::V2;
        QTest::newRow("1.x") << HarborServer::Flavour::V1;
    }

    std::unique_ptr<Test::RegistryProcess> m_registry;
    std::unique_ptr<HarborServer> m_v2;
    std::unique_ptr<HarborServer> m_v1;
    Test::SeededImage m_hello;
    Test::SeededImage m_other;
    QStringList m_bigTags;

private Q_SLOTS:
    void initTestCase()
    {
        if (!Test::RegistryProcess::available())
            QSKIP(qPrintable(Test::RegistryProcess::unavailableReason()));
        m_registry = std::make_unique<Test::RegistryProcess>();
        QString error;
        QVERIFY2(m_registry->start(&error), qPrintable(error));

        // Given images in the registry behind both Harbors
        Test::ImageSeeder seeder(m_registry->host());
        const auto hello = seeder.seedImage(u"library/hello"_s, smallImage(1),
                                            {u"v1"_s, u"latest"_s, u"release-1"_s});
        QVERIFY2(hello, qPrintable(hello.error().message));
        m_hello = *hello;
        const auto other = seeder.seedImage(u"library/other"_s, smallImage(2), {u"v2"_s});
        QVERIFY2(other, qPrintable(other.error().message));
        m_other = *other;
        Test::IndexSpec indexSpec;
        Test::ImageSpec arm = smallImage(4);
        arm.architecture = u"arm64"_s;
        indexSpec.platforms = {smallImage(3), arm};
        QVERIFY(seeder.seedIndex(u"library/team/app"_s, indexSpec, {u"multi"_s}));
        QVERIFY(seeder.seedImage(u"library/big"_s, smallImage(5), {u"seed"_s}));
        QVERIFY(seeder.seedImage(u"private/secret"_s, smallImage(6), {u"1.0"_s}));
        QVERIFY(seeder.seedImage(u"cache/mirror"_s, smallImage(7), {u"1.0"_s}));
        QVERIFY(seeder.seedImage(u"target/keep"_s, smallImage(8), {u"1.0"_s}));

        // 100,000 tags on one artifact, named so that name order and push order differ.
        m_bigTags.reserve(BigTagCount);
        for (int i = 0; i < BigTagCount; ++i)
            m_bigTags.append(u"t%1"_s.arg((i * 7919) % BigTagCount, 6, 10, QChar(u'0')));

        for (auto *harbor : {&m_v2, &m_v1}) {
            *harbor = std::make_unique<HarborServer>(m_registry.get(),
                                                     harbor == &m_v2 ? HarborServer::Flavour::V2
                                                                     : HarborServer::Flavour::V1);
            QVERIFY2((*harbor)->start(&error), qPrintable(error));
            (*harbor)->createProject(u"library"_s, true);
            (*harbor)->createProject(u"private"_s, false);
            (*harbor)->createProject(u"cache"_s, true, true);
            (*harbor)->createProject(u"target"_s, true);
            (*harbor)->addRobot(u"robot$ci"_s, u"robot-secret"_s);
            QVERIFY2((*harbor)->importFromRegistry(&error), qPrintable(error));
            (*harbor)->addImmutableRule(u"library"_s, u"**"_s, u"release-*"_s);
            QCOMPARE((*harbor)->addTags(
                             u"library"_s, u"big"_s,
                             (*harbor)->findArtifact(u"library"_s, u"big"_s, u"seed"_s)->digest,
                             m_bigTags, &error),
                     BigTagCount);
        }
    }

    void detection_data() { flavours(); }
    void detection()
    {
        QFETCH(HarborServer::Flavour, flavour);
        HarborServer *harbor = server(flavour);
        Stack s = stack(harbor);
        const auto info = waitFor(detectHarbor(s.scheduler.get(), harbor->baseUrl(), {}, this));
        QVERIFY2(info.ok(), qPrintable(info.error().message));
        QVERIFY(info->isHarbor);
        QCOMPARE(info->generation, flavour == HarborServer::Flavour::V2 ? HarborGeneration::V2
                                                                        : HarborGeneration::V1);
        QCOMPARE(info->version, harbor->harborVersion());
        s.backend->setVersion(info->version);
        QVERIFY(s.backend->serverVersion().contains(harbor->harborVersion()));

        // A plain registry is not Harbor, and that is not an error.
        QUrl plain(u"http://"_s + m_registry->host());
        const auto notHarbor = waitFor(detectHarbor(s.scheduler.get(), plain, {}, this));
        QVERIFY(notHarbor.ok());
        QVERIFY(!notHarbor->isHarbor);
    }

    void factoryDetectsAndCreatesHarbor_data() { flavours(); }
    void factoryDetectsAndCreatesHarbor()
    {
        QFETCH(HarborServer::Flavour, flavour);
        HarborServer *harbor = server(flavour);
        Stack s = stack(harbor);
        RegistryEndpoint endpoint;
        endpoint.host = harbor->host();
        endpoint.scheme = RegistryEndpoint::Scheme::Auto; // loopback: https fails, then http
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
        endpoint.credentials = Credentials{
                QString(HarborServer::adminName), QString(HarborServer::adminPassword), {}};
        const auto info = waitFor(detectBackendKind(endpoint, s.scheduler.get(), this));
        QVERIFY2(info.ok(), qPrintable(info.error().message));
        QCOMPARE(info->kind, BackendKind::Harbor);
        QCOMPARE(info->version, harbor->harborVersion());

        // The factory's backend learns its generation when it connects.
        std::unique_ptr<RegistryBackend> backend(
                createBackend(endpoint, info->kind, s.scheduler.get()));
        QCOMPARE(backend->kindName(), u"harbor"_s);
        QVERIFY(waitFor(backend->connectToRegistry()));
        QCOMPARE(backend->supportsServerSort(), flavour == HarborServer::Flavour::V2);
        QVERIFY(backend->serverVersion().contains(harbor->harborVersion()));
        std::unique_ptr<Pager> pager(backend->createRepositoryPager(u"library/"_s, nullptr));
        QVERIFY(drain(pager.get()).names.contains(u"library/hello"_s));

        // A plain registry stays a plain registry.
        RegistryEndpoint plain;
        plain.host = m_registry->host();
        plain.scheme = RegistryEndpoint::Scheme::Http;
        const auto registry = waitFor(detectBackendKind(plain, s.scheduler.get(), this));
        QVERIFY(registry.ok());
        QCOMPARE(registry->kind, BackendKind::Registry);
    }

    void connectChecksCredentials_data() { flavours(); }
    void connectChecksCredentials()
    {
        QFETCH(HarborServer::Flavour, flavour);
        HarborServer *harbor = server(flavour);
        const auto connectWith = [&](const QString &user, const QString &password) {
            Stack s = stack(harbor, user, password);
            return waitFor(s.backend->connectToRegistry());
        };
        // Harbor answers a wrong password as anonymous; the backend makes it an error here.
        const Result<void> wrong = connectWith(u"admin"_s, u"not-the-password"_s);
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code, ErrorCode::Unauthorized);
        QVERIFY(!wrong.error().message.contains(u"not-the-password"_s));
        QVERIFY(connectWith(QString(HarborServer::adminName),
                            QString(HarborServer::adminPassword)));
        QVERIFY(connectWith(QString(), QString())); // anonymous stays allowed
        if (flavour == HarborServer::Flavour::V2) {
            // A robot's '$' survives basic auth; robots have no users/current record.
            QVERIFY(connectWith(u"robot$ci"_s, u"robot-secret"_s));
            QCOMPARE(connectWith(u"robot$ci"_s, u"wrong"_s).error().code, ErrorCode::Unauthorized);
        }
    }

    void browseRepositories_data() { flavours(); }
    void browseRepositories()
    {
        QFETCH(HarborServer::Flavour, flavour);
        HarborServer *harbor = server(flavour);
        // Anonymous: public projects only.
        Stack anonymous = stack(harbor, {}, {});
        std::unique_ptr<Pager> pager(anonymous.backend->createRepositoryPager({}, nullptr));
        Listing all = drain(pager.get());
        QVERIFY2(!all.error.isError(), qPrintable(all.error.message));
        QVERIFY(all.names.contains(u"library/hello"_s));
        QVERIFY(all.names.contains(u"library/team/app"_s));
        QVERIFY(!all.names.contains(u"private/secret"_s));

        Stack admin = stack(harbor);
        pager.reset(admin.backend->createRepositoryPager({}, nullptr));
        all = drain(pager.get());
        QVERIFY(all.names.contains(u"private/secret"_s));

        // A project prefix lists that project only; a partial name matches project names.
        pager.reset(admin.backend->createRepositoryPager(u"library/"_s, nullptr));
        const Listing library = drain(pager.get());
        QVERIFY(!library.error.isError());
        QCOMPARE(library.names.size(), 4);
        for (const QString &name : library.names)
            QVERIFY(name.startsWith(u"library/"_s));
        pager.reset(admin.backend->createRepositoryPager(u"libr"_s, nullptr));
        QCOMPARE(drain(pager.get()).names.size(), 4);
        pager.reset(admin.backend->createRepositoryPager(u"library/te"_s, nullptr));
        QCOMPARE(drain(pager.get()).names, QStringList{u"library/team/app"_s});
        pager.reset(admin.backend->createRepositoryPager(u"nowhere/"_s, nullptr));
        QVERIFY(drain(pager.get()).names.isEmpty());
    }

    void projectsArePaged()
    {
        // 150 projects: more than one page of 100 (the server refuses page_size > 100).
        for (int i = 0; i < 150; ++i)
            m_v2->createProject(u"zz-%1"_s.arg(i, 3, 10, QChar(u'0')), true);
        m_v2->resetCounters();
        Stack s = stack(m_v2.get());
        std::unique_ptr<Pager> pager(s.backend->createRepositoryPager({}, nullptr));
        const Listing all = drain(pager.get());
        QVERIFY2(!all.error.isError(), qPrintable(all.error.message));
        QVERIFY(all.names.contains(u"target/keep"_s));
        QCOMPARE(m_v2->pathCount(u"/api/v2.0/projects"_s), 2);
    }

    void firstTagsPageIsOneRequest_data() { flavours(); }
    void firstTagsPageIsOneRequest()
    {
        QFETCH(HarborServer::Flavour, flavour);
        HarborServer *harbor = server(flavour);
        Stack s = stack(harbor);
        harbor->resetCounters();
        // Listing answers only: the first attempt's 401 and the token are the auth round trip.
        int listings = 0;
        QObject counter;
        connect(harbor, &HarborServer::requestHandled, &counter,
                [&listings](const QByteArray &, const QString &path, int status) {
                    if (path == u"/v2/library/big/tags/list" && status == 200)
                        ++listings;
                });
        std::unique_ptr<Pager> pager(s.backend->createTagPager(u"library/big"_s, nullptr));
        pager->setPageSize(200);
        const Listing page = firstPage(pager.get());
        QVERIFY2(!page.error.isError(), qPrintable(page.error.message));
        QCOMPARE(page.names.size(), 200);
        QVERIFY(pager->hasMore());
        // One listing request, whatever the repository size (the token round trip aside).
        QCOMPARE(listings, 1);
        QCOMPARE(harbor->allTagsCalls(), 0);
        QStringList sorted = m_bigTags;
        sorted.append(u"seed"_s);
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(page.names, sorted.mid(0, 200));
    }

    void serverSortByPushTime()
    {
        Stack s = stack(m_v2.get());
        QVERIFY(s.backend->supportsServerSort());
        m_v2->resetCounters();
        TagQuery query;
        query.sortField = TagQuery::SortField::PushTime;
        query.descending = true;
        std::unique_ptr<Pager> pager(s.backend->createTagPager(u"library/big"_s, query, nullptr));
        const Listing page = firstPage(pager.get());
        QVERIFY2(!page.error.isError(), qPrintable(page.error.message));
        // addTags pushes in list order: the newest are the last of the list.
        QStringList newest;
        for (int i = 0; i < 100; ++i)
            newest.append(m_bigTags.at(BigTagCount - 1 - i));
        QCOMPARE(page.names, newest);
        // One artifacts page and one tags page: not a crawl of 100,000 tags.
        const QString base = u"/api/v2.0/projects/library/repositories/big/artifacts"_s;
        const QString digest = m_v2->findArtifact(u"library"_s, u"big"_s, u"seed"_s)->digest;
        QCOMPARE(m_v2->pathCount(base), 1);
        QCOMPARE(m_v2->pathCount(base + u'/' + digest + u"/tags"_s), 1);
        QCOMPARE(pager->totalCount(), BigTagCount + 1);
        // Extras came with the page, pushed times descending.
        QCOMPARE(page.extras.size(), 100);
        QVERIFY(page.extras.value(newest.first()).pushed > page.extras.value(newest.last()).pushed);
        QCOMPARE(page.extras.value(newest.first()).digest, digest);
    }

    void serverFilter()
    {
        Stack s = stack(m_v2.get());
        TagQuery query;
        query.filterText = u"t0999"_s;
        std::unique_ptr<Pager> pager(s.backend->createTagPager(u"library/big"_s, query, nullptr));
        const Listing all = drain(pager.get());
        QVERIFY2(!all.error.isError(), qPrintable(all.error.message));
        QStringList expected;
        for (const QString &tag : std::as_const(m_bigTags)) {
            if (tag.contains(query.filterText))
                expected.append(tag);
        }
        QStringList names = all.names;
        std::sort(names.begin(), names.end());
        std::sort(expected.begin(), expected.end());
        QCOMPARE(names, expected);
    }

    void extrasMapped()
    {
        HarborServer *harbor = m_v2.get();
        Test::HarborScanOverview scan;
        scan.severity = u"High"_s;
        scan.total = 3;
        scan.fixable = 1;
        scan.summary = {{u"High"_s, 1}, {u"Low"_s, 2}};
        QVERIFY(harbor->setScanOverview(u"library"_s, u"other"_s, u"v2"_s, scan));
        const qint64 label = harbor->createLabel(u"qa"_s);
        QVERIFY(harbor->attachLabel(u"library"_s, u"other"_s, u"v2"_s, label));
        const QDateTime pushed = QDateTime::currentDateTimeUtc().addDays(-3);
        QVERIFY(harbor->setTagTimes(u"library"_s, u"other"_s, u"v2"_s, pushed, {}));
        Stack s = stack(harbor);
        const auto extras = waitFor(
                s.backend->fetchTagExtras(u"library/other"_s, u"v2"_s, Priority::Visible));
        QVERIFY2(extras.ok(), qPrintable(extras.error().message));
        QCOMPARE(extras->digest, m_other.digest);
        QVERIFY(!extras->pulled.isValid()); // Go zero time: never
        QCOMPARE(extras->pushed.toSecsSinceEpoch(), pushed.toSecsSinceEpoch());
        QCOMPARE(extras->labelNames(), QStringList{u"qa"_s});
        QCOMPARE(extras->vulnerabilities.total, 3);
        QCOMPARE(extras->vulnerabilities.bySeverity.value(u"Low"_s), 2);
        QVERIFY(extras->immutableKnown);
        QVERIFY(!extras->immutable);
        const auto release = waitFor(
                s.backend->fetchTagExtras(u"library/hello"_s, u"release-1"_s, Priority::Visible));
        QVERIFY(release.ok());
        QVERIFY(release->immutable);
        // Double-encoded name: the index and its children.
        const auto multi = waitFor(
                s.backend->fetchTagExtras(u"library/team/app"_s, u"multi"_s, Priority::Visible));
        QVERIFY2(multi.ok(), qPrintable(multi.error().message));
        QCOMPARE(multi->references.size(), 2);
        QVERIFY(harbor->pathCount(
                        u"/api/v2.0/projects/library/repositories/team%252Fapp/artifacts/multi"_s)
                >= 1);
    }

    void addAndDeleteTag_data() { flavours(); }
    void addAndDeleteTag()
    {
        QFETCH(HarborServer::Flavour, flavour);
        HarborServer *harbor = server(flavour);
        Stack s = stack(harbor);
        // Reads first: every answer sets Harbor's sid cookie, which must never come back.
        std::unique_ptr<Pager> pager(s.backend->createRepositoryPager({}, nullptr));
        QVERIFY(!drain(pager.get()).error.isError());
        const auto digest = waitFor(s.backend->addTag(u"library/hello"_s, u"v1"_s, {}, u"added"_s));
        QVERIFY2(digest.ok(), qPrintable(digest.error().message));
        QCOMPARE(*digest, m_hello.digest);
        QCOMPARE(harbor->csrfRejections(), 0);
        QVERIFY(harbor->lastRequestHeader("Cookie").isEmpty());
        QVERIFY(!harbor->lastRequestHeader("Authorization").isEmpty());
        const auto resolved
                = waitFor(s.backend->resolveTag(u"library/hello"_s, u"added"_s, Priority::Visible));
        QVERIFY(resolved.ok());
        QCOMPARE(resolved->digest, m_hello.digest);

        const auto copied = waitFor(
                s.backend->addTag(u"library/hello"_s, u"v1"_s, u"target/copied"_s, u"c1"_s));
        QVERIFY2(copied.ok(), qPrintable(copied.error().message));
        const auto inTarget
                = waitFor(s.backend->resolveTag(u"target/copied"_s, u"c1"_s, Priority::Visible));
        QVERIFY2(inTarget.ok(), qPrintable(inTarget.error().message));
        QCOMPARE(inTarget->digest, m_hello.digest);

        // Pinned on a digest the tag is not on (it "moved"): left alone, on both flavours.
        const auto wrong
                = waitFor(s.backend->deleteTag(u"target/copied"_s, u"c1"_s, m_other.digest));
        QVERIFY(!wrong.ok());
        QVERIFY(waitFor(s.backend->resolveTag(u"target/copied"_s, u"c1"_s, Priority::Visible)));
        QVERIFY(waitFor(s.backend->deleteTag(u"target/copied"_s, u"c1"_s, m_hello.digest)));
        const auto gone
                = waitFor(s.backend->resolveTag(u"target/copied"_s, u"c1"_s, Priority::Visible));
        QCOMPARE(gone.error().code, ErrorCode::NotFound);
        QCOMPARE(harbor->csrfRejections(), 0);
        QCOMPARE(harbor->allTagsCalls(), 0);
    }

    void harborErrors()
    {
        Stack s = stack(m_v2.get());
        const auto add = [&](const QString &repository, const QString &source,
                             const QString &target, const QString &tag) {
            return waitFor(s.backend->addTag(repository, source, target, tag));
        };
        const auto exists = add(u"library/hello"_s, u"v1"_s, {}, u"latest"_s);
        QCOMPARE(exists.error().code, ErrorCode::Conflict);
        QVERIFY2(exists.error().message.contains(u"already exists"_s),
                 qPrintable(exists.error().message));
        const auto immutable = add(u"library/other"_s, u"v2"_s, u"library/hello"_s, u"release-1"_s);
        QCOMPARE(immutable.error().httpStatus, 412);
        QVERIFY2(immutable.error().message.contains(u"immutable"_s),
                 qPrintable(immutable.error().message));
        const auto proxy = add(u"cache/mirror"_s, u"1.0"_s, {}, u"again"_s);
        QCOMPARE(proxy.error().httpStatus, 405);
        QVERIFY2(proxy.error().message.contains(u"proxy-cache"_s),
                 qPrintable(proxy.error().message));
        const auto deleteImmutable
                = waitFor(s.backend->deleteTag(u"library/hello"_s, u"release-1"_s, {}));
        QCOMPARE(deleteImmutable.error().httpStatus, 412);
    }

    void deleteImage()
    {
        Stack s = stack(m_v2.get());
        QVERIFY(waitFor(s.backend->addTag(u"library/other"_s, u"v2"_s, u"target/gone"_s, u"x"_s)));
        QVERIFY(waitFor(s.backend->deleteImage(u"target/gone"_s, m_other.digest)));
        QVERIFY(!m_v2->findArtifact(u"target"_s, u"gone"_s, m_other.digest));
    }

    void v1RetagAndDelete()
    {
        Stack s = stack(m_v1.get());
        const auto digest
                = waitFor(s.backend->addTag(u"library/other"_s, u"v2"_s, {}, u"retagged"_s));
        QVERIFY2(digest.ok(), qPrintable(digest.error().message));
        QCOMPARE(*digest, m_other.digest);
        const auto extras = waitFor(
                s.backend->fetchTagExtras(u"library/other"_s, u"retagged"_s, Priority::Visible));
        QVERIFY2(extras.ok(), qPrintable(extras.error().message));
        QCOMPARE(extras->digest, m_other.digest);
        // 1.x's API would delete the manifest with every tag on it; the untag through /v2/
        // takes the tag alone: v2, the same image, stays.
        m_v1->resetCounters();
        QVERIFY(waitFor(s.backend->deleteTag(u"library/other"_s, u"retagged"_s, {})));
        QCOMPARE(m_v1->pathCount(u"/api/repositories/library/other/tags/retagged"_s), 0);
        const auto gone = waitFor(
                s.backend->resolveTag(u"library/other"_s, u"retagged"_s, Priority::Visible));
        QCOMPARE(gone.error().code, ErrorCode::NotFound);
        const auto sibling
                = waitFor(s.backend->resolveTag(u"library/other"_s, u"v2"_s, Priority::Visible));
        QVERIFY2(sibling.ok(), qPrintable(sibling.error().message));
        QCOMPARE(sibling->digest, m_other.digest);
        QVERIFY(m_v1->findArtifact(u"library"_s, u"other"_s, u"v2"_s));
        std::unique_ptr<Pager> tags(s.backend->createTagPager(u"library/other"_s, nullptr));
        const auto listed = drain(tags.get());
        QVERIFY(!listed.error.isError());
        QVERIFY(!listed.names.contains(u"retagged"_s));
        QVERIFY(listed.names.contains(u"v2"_s));
        QCOMPARE(m_v1->allTagsCalls(), 0);
    }

    void tagTableModelHarborColumns_data() { flavours(); }
    void tagTableModelHarborColumns()
    {
        QFETCH(HarborServer::Flavour, flavour);
        HarborServer *harbor = server(flavour);
        Stack s = stack(harbor);
        MetadataService service(s.backend.get(), nullptr);
        TagTableModel model;
        model.setBatchInterval(0);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy pages(&model, &TagTableModel::pageFetched);
        model.setRepository(&service, u"library/hello"_s);
        QVERIFY(pages.wait(30000));
        QVERIFY(model.hasHarborColumns());
        QCOMPARE(model.supportsServerSort(), flavour == HarborServer::Flavour::V2);
        const int row = model.rowOfTag(u"release-1"_s);
        QVERIFY(row >= 0);
        model.updater()->setVisibleRange(0, model.rowCount() - 1);
        QTRY_VERIFY_WITH_TIMEOUT(
                model.data(model.index(row, 0), TagTableModel::HasExtrasRole).toBool(), 30000);
        const auto cell = [&](int column, int role) {
            return model.index(row, column).data(role);
        };
        QVERIFY(cell(TagTableModel::ImmutableColumn, TagTableModel::SortRole).toInt() == 1
                || flavour == HarborServer::Flavour::V1);
        QCOMPARE(cell(TagTableModel::PushedColumn, TagTableModel::SortRole).typeId(),
                 QMetaType::LongLong);
        QVERIFY(!cell(TagTableModel::PushedColumn, Qt::DisplayRole).toString().isEmpty());
        QCOMPARE(model.headerData(TagTableModel::PulledColumn, Qt::Horizontal).toString(),
                 u"Pulled"_s);
        QTRY_COMPARE_WITH_TIMEOUT(model.data(model.index(row, 0), TagTableModel::LoadStateRole)
                                          .value<TagTableModel::LoadState>(),
                                  TagTableModel::LoadState::Loaded, 30000);
        QCOMPARE(model.data(model.index(row, 0), TagTableModel::DigestRole).toString(),
                 m_hello.digest);

        if (flavour == HarborServer::Flavour::V2) {
            // Server-side sort: the newest of 100,000 tags is the first row after one page.
            TagQuery query;
            query.sortField = TagQuery::SortField::PushTime;
            query.descending = true;
            model.setRepository(&service, u"library/big"_s);
            pages.clear();
            model.setTagQuery(query);
            QVERIFY(pages.wait(30000));
            QCOMPARE(model.index(0, 0).data().toString(), m_bigTags.constLast());
            QVERIFY(model.index(0, 0).data(TagTableModel::HasExtrasRole).toBool());
        }
    }

    void plainRegistryHasNoHarborColumns()
    {
        NetworkAccessManager nam;
        RequestScheduler scheduler(&nam);
        RegistryEndpoint endpoint;
        endpoint.host = m_registry->host();
        endpoint.scheme = RegistryEndpoint::Scheme::Http;
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
        OciBackend backend(endpoint, &scheduler);
        QVERIFY(!backend.supportsServerSort());
        QVERIFY(!backend.hasTagExtras());
        MetadataService service(&backend, nullptr);
        TagTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy pages(&model, &TagTableModel::pageFetched);
        model.setRepository(&service, u"library/hello"_s);
        QVERIFY(pages.wait(30000));
        QVERIFY(!model.hasHarborColumns());
        QVERIFY(!model.index(0, TagTableModel::PushedColumn).data().isValid());
    }
};

QTEST_GUILESS_MAIN(tst_HarborBackend)
#include "tst_harborbackend.moc"
