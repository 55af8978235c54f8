// The disk cache forgets what Berth deleted, so an offline view never shows it again: a tag
// deleted through TagOperations (plain registry; Harbor 1.x, whose /v2/ untag leaves the
// siblings), every tag of a deleted image, and nothing when the delete failed.

#include "harborserver.h"
#include "imageseeder.h"
#include "jobwait.h"
#include "registryprocess.h"

#include "models/metadata/metadatacache.h"
#include "models/metadata/metadataservice.h"
#include "models/session/registrysession.h"
#include "models/tags/tagoperations.h"
#include "net/harbor/harborbackend.h"
#include "net/oci/ocibackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

ImageSpec smallImage(quint64 seed)
{
    ImageSpec spec;
    spec.seed = seed;
    spec.layers = 1;
    spec.layerBytes = 1024;
    return spec;
}

RegistryEndpoint endpointFor(const QString &host, const QString &user = {},
                             const QString &password = {})
{
    RegistryEndpoint endpoint;
    endpoint.host = host;
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    if (user.isEmpty()) {
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    } else {
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
        endpoint.credentials = Credentials{user, password, {}};
    }
    return endpoint;
}

} // namespace

class TestCacheForget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void deletedTagIsForgotten();
    void deletedImageForgetsEveryTagOnIt();
    void failedDeleteForgetsNothing();
    void harbor1DeleteForgetsTheTagAndKeepsSiblings();
    void harbor1DeletedImageForgetsEveryTag();

private:
    //! Asks the session for each tag's metadata, so the cache learns tag -> digest.
    void learn(RegistrySession *session, const QString &repository, const QStringList &tags);
    bool cached(const QString &registry, const QString &repository, const QString &tag)
    {
        return m_cache->tag(registry, repository, tag).has_value();
    }

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<HarborServer> m_harbor;
    NetworkAccessManager m_nam;
    std::unique_ptr<RequestScheduler> m_scheduler;
    QTemporaryDir m_dir;
    std::unique_ptr<MetadataCache> m_cache;
    std::unique_ptr<QObject> m_sessions; //!< parent of the sessions of one test
    SeededImage m_shared;                //!< team/app: a, a-too
    SeededImage m_single;                //!< team/app: b
    SeededImage m_doomed;                //!< team/app: c1, c2
    SeededImage m_hello;                 //!< library/hello: v1, latest (Harbor)
    SeededImage m_other;                 //!< library/other: v2, v2-too (Harbor)
};

void TestCacheForget::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(m_dir.isValid());
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    ImageSeeder seeder(m_registry->host());
    const auto seed
            = [&](const QString &repository, quint64 n, const QStringList &tags, SeededImage *out) {
                  const auto pushed = seeder.seedImage(repository, smallImage(n), tags);
                  QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
                  *out = *pushed;
              };
    seed(u"team/app"_s, 1, {u"a"_s, u"a-too"_s}, &m_shared);
    seed(u"team/app"_s, 2, {u"b"_s}, &m_single);
    seed(u"team/app"_s, 3, {u"c1"_s, u"c2"_s}, &m_doomed);
    seed(u"library/hello"_s, 4, {u"v1"_s, u"latest"_s}, &m_hello);
    seed(u"library/other"_s, 5, {u"v2"_s, u"v2-too"_s}, &m_other);

    m_harbor = std::make_unique<HarborServer>(m_registry.get(), HarborServer::Flavour::V1);
    QVERIFY2(m_harbor->start(&error), qPrintable(error));
    m_harbor->createProject(u"library"_s, true);
    QVERIFY2(m_harbor->importRepository(u"library/hello"_s, &error), qPrintable(error));
    QVERIFY2(m_harbor->importRepository(u"library/other"_s, &error), qPrintable(error));

    m_scheduler = std::make_unique<RequestScheduler>(&m_nam);
    m_scheduler->setRetryDelays(10, 50);
}

void TestCacheForget::init()
{
    m_sessions.reset();
    m_cache.reset();
    QFile::remove(m_dir.filePath(u"metadata.sqlite"_s));
    m_cache = std::make_unique<MetadataCache>(m_dir.filePath(u"metadata.sqlite"_s));
    QVERIFY(m_cache->open());
    m_cache->setWriteDelay(0);
    m_sessions = std::make_unique<QObject>();
}

void TestCacheForget::learn(RegistrySession *session, const QString &repository,
                            const QStringList &tags)
{
    const QString registry = session->metadata()->registryHost();
    for (const QString &tag : tags) {
        const auto known
                = waitFor(session->metadata()->metadata(repository, tag, Priority::Interactive));
        QVERIFY2(known.ok(), qPrintable(known.error().toString()));
        QVERIFY2(cached(registry, repository, tag), qPrintable(tag));
    }
}

void TestCacheForget::deletedTagIsForgotten()
{
    // Given the cache knows team/app's a and a-too (one image) and b
    auto *session = new RegistrySession(
            BackendInfo{}, new OciBackend(endpointFor(m_registry->host()), m_scheduler.get()),
            m_cache.get(), m_sessions.get());
    const QString registry = m_registry->host();
    learn(session, u"team/app"_s, {u"a"_s, u"a-too"_s, u"b"_s});

    // When a is deleted
    QVERIFY(waitFor(session->operations()->deleteTag(u"team/app"_s, u"a"_s, m_shared.digest)));

    // Then the cache forgot a, and only a: its sibling and the other image stay
    QVERIFY(!cached(registry, u"team/app"_s, u"a"_s));
    QVERIFY(cached(registry, u"team/app"_s, u"a-too"_s));
    QVERIFY(cached(registry, u"team/app"_s, u"b"_s));

    // When several tags are deleted at once (what the window's Delete does), each is forgotten
    const auto deleted = waitFor(session->operations()->deleteTags(u"team/app"_s, {u"b"_s}));
    QVERIFY(deleted.ok());
    QCOMPARE(deleted->deleted, QStringList{u"b"_s});
    QVERIFY(!cached(registry, u"team/app"_s, u"b"_s));
    // And what the cache knows of the repository is exactly what is left in it
    QCOMPARE(m_cache->tagsOf(registry, u"team/app"_s).keys(), QStringList{u"a-too"_s});
}

void TestCacheForget::deletedImageForgetsEveryTagOnIt()
{
    // Given the cache knows c1 and c2 (one image) and a-too (another)
    auto *session = new RegistrySession(
            BackendInfo{}, new OciBackend(endpointFor(m_registry->host()), m_scheduler.get()),
            m_cache.get(), m_sessions.get());
    const QString registry = m_registry->host();
    learn(session, u"team/app"_s, {u"c1"_s, u"c2"_s, u"a-too"_s});

    // When the image is deleted by digest
    QVERIFY(waitFor(session->operations()->deleteImage(u"team/app"_s, m_doomed.digest)));

    // Then every tag on it is forgotten, the other image's stays
    QVERIFY(!cached(registry, u"team/app"_s, u"c1"_s));
    QVERIFY(!cached(registry, u"team/app"_s, u"c2"_s));
    QVERIFY(cached(registry, u"team/app"_s, u"a-too"_s));
}

void TestCacheForget::failedDeleteForgetsNothing()
{
    // Given the cache knows a-too
    auto *session = new RegistrySession(
            BackendInfo{}, new OciBackend(endpointFor(m_registry->host()), m_scheduler.get()),
            m_cache.get(), m_sessions.get());
    const QString registry = m_registry->host();
    learn(session, u"team/app"_s, {u"a-too"_s});

    // When a delete is refused (the tag "moved": it is not on the digest given)
    const auto refused
            = waitFor(session->operations()->deleteTag(u"team/app"_s, u"a-too"_s, m_single.digest));
    QVERIFY(!refused.ok());

    // Then the cache still knows it (and so does the registry)
    QVERIFY(cached(registry, u"team/app"_s, u"a-too"_s));
    const auto still = waitFor(
            session->backend()->resolveTag(u"team/app"_s, u"a-too"_s, Priority::Interactive));
    QVERIFY(still.ok());
}

void TestCacheForget::harbor1DeleteForgetsTheTagAndKeepsSiblings()
{
    // Given a Harbor 1.x and a cache that knows library/hello's v1 and latest (one image)
    auto *session = new RegistrySession(
            BackendInfo{},
            new HarborBackend(endpointFor(m_harbor->host(), QString(HarborServer::adminName),
                                          QString(HarborServer::adminPassword)),
                              m_scheduler.get(), HarborGeneration::V1),
            m_cache.get(), m_sessions.get());
    const QString registry = m_harbor->host();
    learn(session, u"library/hello"_s, {u"v1"_s, u"latest"_s});

    // When v1 is deleted (1.x: untagged through /v2/, latest stays on the server)
    const auto deleted = waitFor(
            session->operations()->deleteTag(u"library/hello"_s, u"v1"_s, m_hello.digest));
    QVERIFY2(deleted.ok(), qPrintable(deleted.error().toString()));

    // Then the cache forgot v1 and keeps latest, as the server does
    QVERIFY(!cached(registry, u"library/hello"_s, u"v1"_s));
    QVERIFY(cached(registry, u"library/hello"_s, u"latest"_s));
    const auto sibling = waitFor(
            session->backend()->resolveTag(u"library/hello"_s, u"latest"_s, Priority::Interactive));
    QVERIFY2(sibling.ok(), qPrintable(sibling.error().toString()));
}

void TestCacheForget::harbor1DeletedImageForgetsEveryTag()
{
    // Given a Harbor 1.x and a cache that knows library/other's v2 and v2-too (one image)
    auto *session = new RegistrySession(
            BackendInfo{},
            new HarborBackend(endpointFor(m_harbor->host(), QString(HarborServer::adminName),
                                          QString(HarborServer::adminPassword)),
                              m_scheduler.get(), HarborGeneration::V1),
            m_cache.get(), m_sessions.get());
    const QString registry = m_harbor->host();
    learn(session, u"library/other"_s, {u"v2"_s, u"v2-too"_s});

    // When the image goes (1.x deletes the manifest: every tag on it goes with it)
    const auto deleted
            = waitFor(session->operations()->deleteImage(u"library/other"_s, m_other.digest));
    QVERIFY2(deleted.ok(), qPrintable(deleted.error().toString()));

    // Then the cache forgot both tags, the one named and its sibling
    QVERIFY(!cached(registry, u"library/other"_s, u"v2"_s));
    QVERIFY(!cached(registry, u"library/other"_s, u"v2-too"_s));
    QVERIFY(m_cache->knownRepositories(registry).isEmpty()
            || !m_cache->knownRepositories(registry).contains(u"library/other"_s));
}

QTEST_GUILESS_MAIN(TestCacheForget)
#include "tst_cacheforget.moc"
