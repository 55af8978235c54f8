// RegistryClient against the real Distribution 2.8 registry (tests/fixtures/registryprocess).

#include "clienttestutil.h"
#include "net/oci/registryclient.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"
#include "registryprocess.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Berth::Test::RegistryAuth)

class TestRegistryClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pingFallsBackToHttpOnLoopback();
    void pushedImageRoundTrips();
    void blobExistsIsFalseForUnknownBlob();
    void catalogFollowsLinkPages();
    void tagsOfUnknownRepositoryAreNotFound();
    void unknownManifestIsNotFound();
    void mountAcrossRepositories();
    void deleteManifestRemovesEveryTag();
    void authModeEndToEnd_data();
    void authModeEndToEnd();
    void wrongPasswordIsUnauthorizedAtConnect_data();
    void wrongPasswordIsUnauthorizedAtConnect();

private:
    std::unique_ptr<RegistryClient> makeClient(const RegistryProcess &registry,
                                               RegistryEndpoint::CredentialSource source
                                               = RegistryEndpoint::CredentialSource::None,
                                               const Credentials &credentials = {});

    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<NetworkAccessManager> m_nam;
    std::unique_ptr<RequestScheduler> m_scheduler;
};

std::unique_ptr<RegistryClient>
TestRegistryClient::makeClient(const RegistryProcess &registry,
                               RegistryEndpoint::CredentialSource source,
                               const Credentials &credentials)
{
    RegistryEndpoint endpoint;
    endpoint.host = registry.host();
    endpoint.scheme = RegistryEndpoint::Scheme::Auto;
    endpoint.credentialSource = source;
    endpoint.credentials = credentials;
    return std::make_unique<RegistryClient>(endpoint, m_scheduler.get());
}

void TestRegistryClient::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    m_nam = std::make_unique<NetworkAccessManager>();
    m_scheduler = std::make_unique<RequestScheduler>(m_nam.get());
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
}

void TestRegistryClient::pingFallsBackToHttpOnLoopback()
{
    // Given a plain-http registry on 127.0.0.1 and Scheme::Auto
    auto client = makeClient(*m_registry);
    QCOMPARE(client->baseUrl().scheme(), u"https"_s);
    // When pinging
    const auto result = waitFor(client->ping());
    // Then https failed, http answered, and the client remembers http
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
    QCOMPARE(client->baseUrl().scheme(), u"http"_s);
}

void TestRegistryClient::pushedImageRoundTrips()
{
    auto client = makeClient(*m_registry);
    ImageSpec spec;
    spec.uniqueness = u"roundtrip"_s;
    QString error;
    const PushedManifest pushed = pushImage(client.get(), u"rt/app"_s, u"v1"_s, spec, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));
    QCOMPARE(pushed.digest, Digest::sha256(pushed.bytes));

    const auto head = waitFor(client->headManifest(u"rt/app"_s, u"v1"_s, Priority::Visible));
    QVERIFY(head.ok());
    QCOMPARE(head.value().digest, pushed.digest);
    QCOMPARE(head.value().mediaType, pushed.mediaType);
    QCOMPARE(head.value().size, qint64(pushed.bytes.size()));

    const auto byTag = waitFor(client->getManifest(u"rt/app"_s, u"v1"_s, Priority::Visible));
    QVERIFY2(byTag.ok(), qPrintable(byTag.error().toString()));
    QCOMPARE(byTag.value().bytes, pushed.bytes);
    QCOMPARE(byTag.value().digest, pushed.digest);
    QCOMPARE(byTag.value().manifest.layers.size(), 2);

    const auto byDigest
            = waitFor(client->getManifest(u"rt/app"_s, pushed.digest, Priority::Visible));
    QVERIFY(byDigest.ok());
    QCOMPARE(byDigest.value().bytes, pushed.bytes);

    const auto config = waitFor(
            client->getBlob(u"rt/app"_s, pushed.configDigest, 1024 * 1024, Priority::Visible));
    QVERIFY(config.ok());
    QCOMPARE(Digest::sha256(config.value()), pushed.configDigest);

    // A cap smaller than the blob is a clear TooLarge, not a truncated body.
    const auto capped
            = waitFor(client->getBlob(u"rt/app"_s, pushed.configDigest, 8, Priority::Visible));
    QCOMPARE(capped.error().code, ErrorCode::TooLarge);

    const auto exists
            = waitFor(client->blobExists(u"rt/app"_s, pushed.configDigest, Priority::Visible));
    QVERIFY(exists.ok());
    QVERIFY(exists.value());
}

void TestRegistryClient::blobExistsIsFalseForUnknownBlob()
{
    auto client = makeClient(*m_registry);
    QString error;
    QVERIFY2(!pushImage(client.get(), u"rt/blobs"_s, u"v1"_s, ImageSpec(), &error).digest.isEmpty(),
             qPrintable(error));
    const auto exists = waitFor(
            client->blobExists(u"rt/blobs"_s, Digest::sha256("never uploaded"), Priority::Visible));
    QVERIFY2(exists.ok(), qPrintable(exists.error().toString()));
    QVERIFY(!exists.value());
}

void TestRegistryClient::catalogFollowsLinkPages()
{
    // Given a fresh registry with 7 repositories
    RegistryProcess registry;
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    auto client = makeClient(registry);
    QStringList expected;
    for (int i = 0; i < 7; ++i) {
        const QString repository = u"cat/repo-%1"_s.arg(i);
        ImageSpec spec;
        spec.uniqueness = repository;
        QVERIFY2(!pushImage(client.get(), repository, u"latest"_s, spec, &error).digest.isEmpty(),
                 qPrintable(error));
        expected.append(repository);
    }
    // When listing with page size 3
    QStringList seen;
    QList<int> pageSizes;
    QUrl next;
    for (int guard = 0; guard < 10; ++guard) {
        const auto page = waitFor(client->catalogPage(3, next, Priority::Visible));
        QVERIFY2(page.ok(), qPrintable(page.error().toString()));
        seen += page.value().names;
        pageSizes.append(int(page.value().names.size()));
        next = page.value().next;
        if (next.isEmpty())
            break;
    }
    // Then the pages follow the Link header: 3 + 3 + 1 (the last full page may be followed by
    // an empty one), every repository once, in order
    QCOMPARE(seen, expected);
    QVERIFY2(pageSizes.mid(0, 3) == (QList<int>{3, 3, 1}),
             qPrintable(QString::number(pageSizes.size())));
}

void TestRegistryClient::tagsOfUnknownRepositoryAreNotFound()
{
    auto client = makeClient(*m_registry);
    const auto page = waitFor(client->tagsPage(u"no/such-repo"_s, 10, QUrl(), Priority::Visible));
    QCOMPARE(page.error().code, ErrorCode::NotFound);
    QVERIFY2(page.error().message.contains(u"no/such-repo"_s), qPrintable(page.error().message));
}

void TestRegistryClient::unknownManifestIsNotFound()
{
    auto client = makeClient(*m_registry);
    const auto manifest
            = waitFor(client->getManifest(u"no/such-repo"_s, u"latest"_s, Priority::Visible));
    QCOMPARE(manifest.error().code, ErrorCode::NotFound);
    QCOMPARE(manifest.error().httpStatus, 404);
}

void TestRegistryClient::mountAcrossRepositories()
{
    auto client = makeClient(*m_registry);
    QString error;
    const PushedBlob blob
            = pushBlob(client.get(), u"mount/source"_s, "mount me"_ba, u"x"_s, &error);
    QVERIFY2(!blob.digest.isEmpty(), qPrintable(error));

    // Present in the source: mounted (201)
    const auto mounted
            = waitFor(client->mountBlob(u"mount/target"_s, blob.digest, u"mount/source"_s));
    QVERIFY2(mounted.ok(), qPrintable(mounted.error().toString()));
    QVERIFY(mounted.value());
    const auto exists
            = waitFor(client->blobExists(u"mount/target"_s, blob.digest, Priority::Visible));
    QVERIFY(exists.ok() && exists.value());

    // Unknown blob: the registry starts an upload instead (202) -> false
    const auto refused = waitFor(
            client->mountBlob(u"mount/target"_s, Digest::sha256("not there"), u"mount/source"_s));
    QVERIFY2(refused.ok(), qPrintable(refused.error().toString()));
    QVERIFY(!refused.value());
}

void TestRegistryClient::deleteManifestRemovesEveryTag()
{
    auto client = makeClient(*m_registry);
    ImageSpec spec;
    spec.uniqueness = u"delete-me"_s;
    QString error;
    const PushedManifest pushed = pushImage(client.get(), u"del/app"_s, u"a"_s, spec, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));
    QCOMPARE(pushManifest(client.get(), u"del/app"_s, u"b"_s, pushed.bytes, pushed.mediaType),
             pushed.digest);

    const auto deleted = waitFor(client->deleteManifest(u"del/app"_s, pushed.digest));
    QVERIFY2(deleted.ok(), qPrintable(deleted.error().toString()));
    for (const QString &tag : {u"a"_s, u"b"_s}) {
        const auto head = waitFor(client->headManifest(u"del/app"_s, tag, Priority::Visible));
        QCOMPARE(head.error().code, ErrorCode::NotFound);
    }

    // Deleting by tag is refused before any request (Distribution cannot).
    const auto byTag = waitFor(client->deleteManifest(u"del/app"_s, u"a"_s));
    QCOMPARE(byTag.error().code, ErrorCode::InvalidInput);
}

void TestRegistryClient::authModeEndToEnd_data()
{
    QTest::addColumn<RegistryAuth>("auth");
    QTest::newRow("anonymous") << RegistryAuth::None;
    QTest::newRow("basic") << RegistryAuth::Basic;
    QTest::newRow("token") << RegistryAuth::Token;
}

void TestRegistryClient::authModeEndToEnd()
{
    QFETCH(RegistryAuth, auth);
    RegistryOptions options;
    options.auth = auth;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    auto client
            = makeClient(registry,
                         auth == RegistryAuth::None ? RegistryEndpoint::CredentialSource::None
                                                    : RegistryEndpoint::CredentialSource::Explicit,
                         Credentials{options.username, options.password, {}});

    const auto ping = waitFor(client->ping());
    QVERIFY2(ping.ok(), qPrintable(ping.error().toString()));

    // Push (pull,push scope), list (catalog scope), pull (pull scope), delete (delete scope)
    ImageSpec spec;
    const PushedManifest pushed = pushImage(client.get(), u"auth/app"_s, u"v1"_s, spec, &error);
    QVERIFY2(!pushed.digest.isEmpty(), qPrintable(error));
    const auto catalog = waitFor(client->catalogPage(100, QUrl(), Priority::Visible));
    QVERIFY2(catalog.ok(), qPrintable(catalog.error().toString()));
    QCOMPARE(catalog.value().names, QStringList{u"auth/app"_s});
    const auto tags = waitFor(client->tagsPage(u"auth/app"_s, 100, QUrl(), Priority::Visible));
    QVERIFY(tags.ok());
    QCOMPARE(tags.value().names, QStringList{u"v1"_s});
    const auto manifest = waitFor(client->getManifest(u"auth/app"_s, u"v1"_s, Priority::Visible));
    QVERIFY(manifest.ok());
    QCOMPARE(manifest.value().digest, pushed.digest);
    const auto deleted = waitFor(client->deleteManifest(u"auth/app"_s, pushed.digest));
    QVERIFY2(deleted.ok(), qPrintable(deleted.error().toString()));
}

void TestRegistryClient::wrongPasswordIsUnauthorizedAtConnect_data()
{
    QTest::addColumn<RegistryAuth>("auth");
    QTest::newRow("basic") << RegistryAuth::Basic;
    QTest::newRow("token") << RegistryAuth::Token;
}

void TestRegistryClient::wrongPasswordIsUnauthorizedAtConnect()
{
    QFETCH(RegistryAuth, auth);
    RegistryOptions options;
    options.auth = auth;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    const QString wrongPassword = u"not-the-password-42"_s;
    auto client = makeClient(registry, RegistryEndpoint::CredentialSource::Explicit,
                             Credentials{options.username, wrongPassword, {}});

    // When connecting with a wrong password
    const auto ping = waitFor(client->ping());
    // Then the error says so at connect time, without the password in it
    QCOMPARE(ping.error().code, ErrorCode::Unauthorized);
    QVERIFY(!ping.error().message.contains(wrongPassword));
    QVERIFY(!ping.error().message.isEmpty());

    // And a later call reports the same instead of hanging
    const auto tags = waitFor(client->tagsPage(u"any/repo"_s, 10, QUrl(), Priority::Visible));
    QCOMPARE(tags.error().code, ErrorCode::Unauthorized);
}

QTEST_GUILESS_MAIN(TestRegistryClient)
#include "tst_registryclient.moc"
