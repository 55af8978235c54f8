// Security properties end to end: TLS is verified by default (a self-signed registry is refused
// unless its CA is given or the user opts out for it), Authorization never follows a redirect
// to another host, and no password, token or Basic value reaches a log line, an error, the
// settings file (the keychain unavailable: the secret stays in memory) or a report.

#include "imageseeder.h"
#include "jobwait.h"
#include "registryprocess.h"
#include "scriptedhttpserver.h"

#include "models/metadata/metadataservice.h"
#include "models/report/reportjob.h"
#include "models/session/connectionstore.h"
#include "models/session/secretstore.h"
#include "net/oci/ocibackend.h"
#include "net/oci/registryclient.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include "net/core/digest.h"

#include <QDirIterator>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QMutex>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>
#include <optional>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;
using Reply = ScriptedHttpServer::Reply;

namespace {

//! A client stack for one endpoint.
struct Stack
{
    explicit Stack(const RegistryEndpoint &endpoint)
        : scheduler(&nam)
        , client(endpoint, &scheduler)
    {
        scheduler.setMaxRetries(0); // TLS and auth failures are final; retries only add time
    }
    Result<void> ping() { return waitFor(client.ping()); }

    NetworkAccessManager nam;
    RequestScheduler scheduler;
    RegistryClient client;
};

// Everything any Qt message handler saw while installed.
QMutex capturedMutex;
QStringList captured;
QtMessageHandler previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&capturedMutex);
        captured.append(QString::fromLatin1(context.category ? context.category : "") + u' '
                        + message);
    }
    // Not forwarded: the output could carry the very secret under test into the test log.
    Q_UNUSED(type);
}

} // namespace

class TestSecurity : public QObject
{
    Q_OBJECT

public:
    //! Before QCoreApplication: no D-Bus session bus, so no keychain answers whatever the
    //! machine has (SecretStore falls back to memory), and no real user settings are touched.
    static void initMain()
    {
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/berth-test-no-bus");
        QStandardPaths::setTestModeEnabled(true);
    }

private Q_SLOTS:
    void initTestCase();
    void selfSignedRegistryIsRefusedByDefault();
    void autoSchemeNeverSkipsVerification();
    void givenCaIsTrusted();
    void insecureOptInSkipsVerification();
    void authorizationNotForwardedToBlobStorage();
    void noSecretInLogsOrErrors_data();
    void noSecretInLogsOrErrors();
    void noSecretInSettingsWithoutKeychain();
    void noSecretInReports_data();
    void noSecretInReports();

private:
    RegistryEndpoint tlsEndpoint() const;

    std::unique_ptr<RegistryProcess> m_tlsRegistry;
};

void TestSecurity::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    RegistryProcess::Options options;
    options.tls = true;
    m_tlsRegistry = std::make_unique<RegistryProcess>(options);
    QString error;
    QVERIFY2(m_tlsRegistry->start(&error), qPrintable(error));
    QCOMPARE(m_tlsRegistry->baseUrl().scheme(), u"https"_s);
}

RegistryEndpoint TestSecurity::tlsEndpoint() const
{
    RegistryEndpoint endpoint;
    endpoint.host = m_tlsRegistry->host();
    endpoint.scheme = RegistryEndpoint::Scheme::Https;
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    return endpoint;
}

void TestSecurity::selfSignedRegistryIsRefusedByDefault()
{
    // Given a registry whose certificate comes from a CA nobody trusts
    Stack stack(tlsEndpoint());
    // When Berth connects with default settings
    const Result<void> result = stack.ping();
    // Then it refuses with a TLS error that says why
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Tls);
    QVERIFY2(result.error().message.contains(m_tlsRegistry->host()),
             qPrintable(result.error().message));
}

void TestSecurity::autoSchemeNeverSkipsVerification()
{
    // Scheme::Auto on loopback may fall back to plain HTTP (as docker does), but must not end
    // up trusting the unverified certificate: against an HTTPS-only server it fails.
    RegistryEndpoint endpoint = tlsEndpoint();
    endpoint.scheme = RegistryEndpoint::Scheme::Auto;
    Stack stack(endpoint);
    const Result<void> result = stack.ping();
    QVERIFY(!result.ok());
    QVERIFY2(!stack.client.baseUrl().isEmpty(), "no base URL");
}

void TestSecurity::givenCaIsTrusted()
{
    RegistryEndpoint endpoint = tlsEndpoint();
    endpoint.caCertificateFile = m_tlsRegistry->tlsCaFile();
    Stack stack(endpoint);
    const Result<void> result = stack.ping();
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
    // And a real call goes through on the verified connection
    const auto catalog = waitFor(stack.client.catalogPage(100, QUrl(), Priority::Visible));
    QVERIFY2(catalog.ok(), qPrintable(catalog.error().toString()));
}

void TestSecurity::insecureOptInSkipsVerification()
{
    RegistryEndpoint endpoint = tlsEndpoint();
    endpoint.insecureSkipTlsVerify = true;
    Stack stack(endpoint);
    const Result<void> result = stack.ping();
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
}

void TestSecurity::authorizationNotForwardedToBlobStorage()
{
    // Given a registry that wants Basic auth and redirects blob GETs to "object storage" on
    // another host (localhost instead of 127.0.0.1, and another port)
    const QByteArray blob = "config bytes from the object store";
    const QString digest = Digest::sha256(blob);
    ScriptedHttpServer storage;
    QVERIFY(storage.listen());
    storage.setHandler([blob](const ScriptedHttpServer::Request &) {
        Reply reply;
        reply.body = blob;
        return reply;
    });
    ScriptedHttpServer registry;
    QVERIFY(registry.listen());
    const QByteArray expected = "Basic " + "berth:s3cret-pass"_ba.toBase64();
    const quint16 storagePort = storage.port();
    registry.setHandler([&](const ScriptedHttpServer::Request &request) {
        if (request.header("Authorization") != expected) {
            Reply reply = Reply::registryError(401, "UNAUTHORIZED", "authentication required");
            reply.header("WWW-Authenticate", "Basic realm=\"registry\"");
            return reply;
        }
        if (request.path() == u"/v2/")
            return Reply::json(200, "{}");
        Reply reply;
        reply.status = 307;
        reply.header("Location", "http://localhost:" + QByteArray::number(storagePort)
                                         + "/bucket/blob?X-Amz-Signature=abc");
        return reply;
    });
    RegistryEndpoint endpoint;
    endpoint.host = u"127.0.0.1:%1"_s.arg(registry.port());
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
    endpoint.credentials.username = u"berth"_s;
    endpoint.credentials.password = u"s3cret-pass"_s;
    Stack stack(endpoint);

    // When a blob is read through RegistryClient
    const auto result = waitFor(stack.client.getBlob(u"app"_s, digest, 1024, Priority::Visible));

    // Then the bytes arrive (verified), the registry saw the credentials, the store did not
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
    QCOMPARE(result.value(), blob);
    QCOMPARE(storage.requestCount(), 1);
    QVERIFY(!storage.requests().constFirst().hasHeader("Authorization"));
    QVERIFY(storage.requests().constFirst().target.contains("X-Amz-Signature=abc"));
    bool registrySawCredentials = false;
    for (const auto &request : registry.requests())
        registrySawCredentials |= request.header("Authorization") == expected;
    QVERIFY(registrySawCredentials);
}

void TestSecurity::noSecretInLogsOrErrors_data()
{
    QTest::addColumn<int>("auth");
    QTest::newRow("basic") << int(RegistryAuth::Basic);
    QTest::newRow("token") << int(RegistryAuth::Token);
}

void TestSecurity::noSecretInLogsOrErrors()
{
    QFETCH(int, auth);
    // Given a registry with credentials, and every berth.* log category switched on
    RegistryProcess::Options options;
    options.auth = RegistryAuth(auth);
    options.password = u"pw-Zq81-secret"_s;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    QLoggingCategory::setFilterRules(u"berth.*=true"_s);
    {
        QMutexLocker lock(&capturedMutex);
        captured.clear();
    }
    previousHandler = qInstallMessageHandler(captureMessage);

    QStringList errors;
    const auto session = [&](const QString &password) {
        RegistryEndpoint endpoint;
        endpoint.host = registry.host();
        endpoint.scheme = RegistryEndpoint::Scheme::Http;
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
        endpoint.credentials.username = options.username;
        endpoint.credentials.password = password;
        NetworkAccessManager nam;
        RequestScheduler scheduler(&nam);
        OciBackend backend(endpoint, &scheduler);
        const auto connected = waitFor(backend.connectToRegistry());
        if (!connected.ok())
            errors.append(connected.error().toString());
        const auto tags
                = waitFor(backend.client()->tagsPage(u"no/such"_s, 10, QUrl(), Priority::Visible));
        if (!tags.ok())
            errors.append(tags.error().toString());
        return connected.ok();
    };

    // When a session with a wrong password and one with the right password run
    const bool wrongAccepted = session(u"wrong-Pw-77-secret"_s);
    const bool rightAccepted = session(options.password);
    qInstallMessageHandler(previousHandler);
    QLoggingCategory::setFilterRules(QString());

    QVERIFY(!wrongAccepted);
    QVERIFY(rightAccepted);
    QStringList lines;
    {
        QMutexLocker lock(&capturedMutex);
        lines = captured;
    }
    // The categories really logged (else the check below proves nothing)
    QVERIFY2(lines.size() >= 3, qPrintable(lines.join(u'\n')));
    QVERIFY(!errors.isEmpty());

    // Then no password, Basic value or token appears in any log line or error text
    QStringList secrets{
            options.password, u"wrong-Pw-77-secret"_s,
            QString::fromLatin1((options.username + u":"_s + options.password).toUtf8().toBase64()),
            QString::fromLatin1((options.username + u":wrong-Pw-77-secret"_s).toUtf8().toBase64())};
    for (const QString &text : lines + errors) {
        for (const QString &secret : std::as_const(secrets))
            QVERIFY2(!text.contains(secret), "a secret appeared in a log line or error");
        // Every JWT starts with the base64 of '{"': eyJ
        QVERIFY2(!text.contains(u"eyJ"_s), "a token appeared in a log line or error");
        QVERIFY2(!text.contains(u"Bearer "_s, Qt::CaseInsensitive)
                         || !text.contains(u"Authorization"_s, Qt::CaseInsensitive),
                 "an Authorization value appeared");
    }
}

namespace {

//! The texts that must never be written anywhere for username/password: the password, the
//! Basic value (base64 of "user:password") and the password's own base64.
QList<QByteArray> secretForms(const QString &username, const QString &password)
{
    return {password.toUtf8(), (username + u':' + password).toUtf8().toBase64(),
            password.toUtf8().toBase64()};
}

//! ConnectionStore still answers with a callback (it is no job): waits for it, empty when it
//! did not come within 30 s.
std::optional<Result<QString>> readSecret(ConnectionStore &store, const QString &id)
{
    std::optional<Result<QString>> out;
    QObject context;
    store.readSecret(id, &context, [&out](Result<QString> secret) { out = std::move(secret); });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, 30000))
        return std::nullopt;
    return out;
}

} // namespace

void TestSecurity::noSecretInSettingsWithoutKeychain()
{
    // Given settings in a private directory and no keychain (see initMain)
    QTemporaryDir settingsDir;
    QVERIFY(settingsDir.isValid());
    QCoreApplication::setOrganizationName(u"BerthSecurityTest"_s);
    QCoreApplication::setApplicationName(u"tst_security"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
    const QString password = u"pw-Ibex-6620-not-on-disk"_s;
    const QString token = u"tok-Marmot-3141-not-on-disk"_s;
    QString passwordId;
    QString tokenId;
    {
        SecretStore secrets(SecretStore::Backend::Auto);
        // Far below the test timeout: a hanging keychain shows as a failure, not a hang.
        secrets.setKeychainTimeoutMs(20000);
        ConnectionStore store(&secrets);

        // When connections are saved with a password and a token, and read back
        Connection withPassword;
        withPassword.name = u"Secured"_s;
        withPassword.address = u"registry.secured.example"_s;
        withPassword.authMode = Connection::AuthMode::Password;
        withPassword.username = u"alice"_s;
        passwordId = store.save(withPassword, password);
        Connection withToken = withPassword;
        withToken.name = u"Token"_s;
        withToken.address = u"token.secured.example"_s;
        withToken.authMode = Connection::AuthMode::Token;
        tokenId = store.save(withToken, token);
        for (const auto &[id, secret] :
             {std::pair{passwordId, password}, std::pair{tokenId, token}}) {
            const auto read = readSecret(store, id);
            QVERIFY(read && read->ok());
            QCOMPARE(read->value(), secret);
        }
        // (The keychain did not answer: the secrets live in this store's memory only.)
        QVERIFY(!secrets.isPersistent());
        QSettings().sync();
    }

    // Then no file under the settings directory holds a secret in any form, though the
    // connections themselves are there (so the files read are the right ones)
    QByteArray everything;
    QDirIterator files(settingsDir.path(), QDir::Files | QDir::Hidden,
                       QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        everything += file.readAll();
    }
    QVERIFY(everything.contains("registry.secured.example"));
    QVERIFY(everything.contains("token.secured.example"));
    for (const QByteArray &secret :
         secretForms(u"alice"_s, password) + secretForms(u"alice"_s, token))
        QVERIFY2(!everything.contains(secret), "a secret was written to the settings");

    // And a new session (a new store over the same settings) does not know them
    SecretStore nextSession(SecretStore::Backend::Auto);
    nextSession.setKeychainTimeoutMs(20000);
    ConnectionStore reread(&nextSession);
    QCOMPARE(reread.connections().size(), 2);
    const auto read = readSecret(reread, passwordId);
    QVERIFY(read && read->ok());
    QVERIFY(read->value().isEmpty());
}

void TestSecurity::noSecretInReports_data()
{
    QTest::addColumn<int>("auth");
    QTest::newRow("basic") << int(RegistryAuth::Basic);
    QTest::newRow("token") << int(RegistryAuth::Token);
}

void TestSecurity::noSecretInReports()
{
    QFETCH(int, auth);
    // Given a registry with credentials and one image pushed with them
    RegistryProcess::Options options;
    options.auth = RegistryAuth(auth);
    options.password = u"pw-Report-5521-secret"_s;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    const Credentials credentials{options.username, options.password, {}};
    ImageSeeder seeder(registry.host(), credentials);
    const auto pushed = seeder.seedImage(u"secure/app"_s, ImageSpec(), {u"1.0"_s});
    QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));

    RegistryEndpoint endpoint;
    endpoint.host = registry.host();
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
    endpoint.credentials = credentials;
    NetworkAccessManager nam;
    RequestScheduler scheduler(&nam);
    OciBackend backend(endpoint, &scheduler);
    MetadataService service(&backend, nullptr);
    QTemporaryDir out;
    QVERIFY(out.isValid());

    for (const ReportFormat format :
         {ReportFormat::Csv, ReportFormat::Json, ReportFormat::Markdown, ReportFormat::Html}) {
        // When a report in this format is written through the authenticated registry
        ReportOptions report;
        report.format = format;
        report.repository = u"secure/app"_s;
        report.repositoryDisplayName = registry.host() + u"/secure/app"_s;
        report.destination = out.filePath(u"report"_s + reportFormatSuffix(format));
        ReportJob job(&service, report);
        QSignalSpy finished(&job, &ReportJob::finished);
        job.start();
        QVERIFY(finished.wait(60000));
        const auto result = finished.constFirst().constFirst().value<Error>();
        QVERIFY2(!result.isError(), qPrintable(result.toString()));
        QFile file(report.destination);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        const QByteArray bytes = file.readAll();

        // Then it shows the image (it went through the registry) and no secret in any form
        const QString name = reportFormatName(format);
        QVERIFY2(bytes.contains(pushed->digest.toLatin1()), qPrintable(name));
        for (const QByteArray &secret : secretForms(options.username, options.password))
            QVERIFY2(!bytes.contains(secret), qPrintable(name + u": a secret was written"_s));
        // Every JWT starts with the base64 of '{"': eyJ
        QVERIFY2(!bytes.contains("eyJ"), qPrintable(name + u": a token was written"_s));
        QVERIFY2(!bytes.contains("Basic ") && !bytes.contains("Bearer "),
                 qPrintable(name + u": an Authorization value was written"_s));
    }
}

QTEST_MAIN(TestSecurity)
#include "tst_security.moc"
