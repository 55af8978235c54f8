// Saved connections: settings round trip, secrets only in the SecretStore (never in the INI
// file, never in a log line), the endpoint a connection makes, and a keychain-less session
// that falls back to memory quickly.

#include "models/session/connection.h"
#include "models/session/connectionstore.h"
#include "models/session/secretstore.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QLoggingCategory>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <optional>

using namespace Berth;
using namespace Qt::StringLiterals;

namespace {

QStringList g_messages;

void captureMessage(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_messages.append(message);
}

//! Runs the event loop until one callback came (or 30 s passed: then empty, and the test fails
//! on the missing value instead of hanging).
template<typename T, typename Call>
std::optional<Result<T>> await(Call &&call)
{
    std::optional<Result<T>> out;
    QObject context;
    QEventLoop loop;
    call(&context, [&out, &loop](Result<T> result) {
        out.emplace(std::move(result));
        loop.quit();
    });
    if (!out) {
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return out;
}

Connection sample(const QString &name, const QString &address)
{
    Connection c;
    c.name = name;
    c.address = address;
    c.kind = Connection::Kind::Auto;
    c.authMode = Connection::AuthMode::Password;
    c.username = u"alice"_s;
    c.caCertificateFile = u"/etc/ssl/lab-ca.pem"_s;
    return c;
}

} // namespace

class TestConnectionStore : public QObject
{
    Q_OBJECT

public:
    //! Before QCoreApplication: no D-Bus session bus for the keychain, whatever the machine has,
    //! so the test never touches a real keychain and shows the fallback.
    static void initMain()
    {
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/berth-test-no-bus");
        QStandardPaths::setTestModeEnabled(true);
    }

private Q_SLOTS:
    void initTestCase();
    void init();
    void roundTrip();
    void editAndRemoveSignal();
    void secretsNeverInSettingsFile();
    void secretNotKeptWhenUnused();
    void connectionForHost();
    void host_data();
    void host();
    void endpoint_data();
    void endpoint();
    void keychainFallbackIsQuick();
    void secretsNeverLogged();

private:
    QString settingsFile() const;
    QTemporaryDir m_dir;
};

void TestConnectionStore::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCoreApplication::setOrganizationName(u"BerthTest"_s);
    QCoreApplication::setApplicationName(u"tst_connectionstore"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
}

void TestConnectionStore::init()
{
    QSettings settings;
    settings.clear();
    settings.sync();
}

QString TestConnectionStore::settingsFile() const
{
    return QSettings().fileName();
}

void TestConnectionStore::roundTrip()
{
    // Given two saved connections
    SecretStore secrets(SecretStore::Backend::Memory);
    Connection first = sample(u"Lab"_s, u"https://registry.lab.example:5443"_s);
    Connection second = sample(u"Local"_s, u"127.0.0.1:5000"_s);
    second.kind = Connection::Kind::Harbor;
    second.authMode = Connection::AuthMode::DockerLogin;
    second.plainHttp = true;
    second.insecureSkipTlsVerify = true;
    second.caCertificateFile.clear();
    {
        ConnectionStore store(&secrets);
        QSignalSpy added(&store, &ConnectionStore::connectionAdded);
        first.id = store.save(first, u"pw-1"_s);
        second.id = store.save(second);
        QCOMPARE(added.count(), 2);
        QCOMPARE(added.at(0).at(0).toString(), first.id);
        QVERIFY(!first.id.isEmpty());
        QVERIFY(first.id != second.id);
    }
    QVERIFY(QFile::exists(settingsFile()));

    // When a new store reads the settings
    ConnectionStore reread(&secrets);

    // Then both come back unchanged, in order
    QCOMPARE(reread.connections().size(), 2);
    QCOMPARE(reread.connections().at(0), first);
    QCOMPARE(reread.connections().at(1), second);
    QCOMPARE(reread.connection(second.id), second);
    QVERIFY(!reread.connection(u"nope"_s).isValid());

    const auto secret = await<QString>(
            [&](QObject *context, auto done) { reread.readSecret(first.id, context, done); });
    QVERIFY(secret && secret->ok());
    QCOMPARE(secret->value(), u"pw-1"_s);
}

void TestConnectionStore::editAndRemoveSignal()
{
    SecretStore secrets(SecretStore::Backend::Memory);
    ConnectionStore store(&secrets);
    Connection c = sample(u"Lab"_s, u"registry.lab.example"_s);
    c.id = store.save(c, u"pw"_s);
    QSignalSpy changed(&store, &ConnectionStore::connectionChanged);
    QSignalSpy removed(&store, &ConnectionStore::connectionRemoved);

    c.name = u"Lab (renamed)"_s;
    QCOMPARE(store.save(c), c.id);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(store.connections().size(), 1);
    QCOMPARE(store.connection(c.id).name, u"Lab (renamed)"_s);

    // An edit without a new secret keeps the old one.
    auto secret = await<QString>(
            [&](QObject *context, auto done) { store.readSecret(c.id, context, done); });
    QVERIFY(secret && secret->ok());
    QCOMPARE(secret->value(), u"pw"_s);

    store.remove(c.id);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(0).toString(), c.id);
    QVERIFY(store.connections().isEmpty());
    QVERIFY(ConnectionStore(&secrets).connections().isEmpty());
    secret = await<QString>(
            [&](QObject *context, auto done) { store.readSecret(c.id, context, done); });
    QVERIFY(secret && secret->ok());
    QVERIFY(secret->value().isEmpty());

    store.remove(c.id); // unknown: nothing happens
    QCOMPARE(removed.count(), 1);
}

void TestConnectionStore::secretsNeverInSettingsFile()
{
    // Given connections saved with a password and a token
    const QString password = u"pw-Zebra-7731-never-on-disk"_s;
    const QString token = u"tok-Quokka-9982-never-on-disk"_s;
    SecretStore secrets(SecretStore::Backend::Memory);
    ConnectionStore store(&secrets);
    Connection withPassword = sample(u"A"_s, u"a.example"_s);
    Connection withToken = sample(u"B"_s, u"b.example"_s);
    withToken.authMode = Connection::AuthMode::Token;
    withPassword.id = store.save(withPassword, password);
    withToken.id = store.save(withToken, token);
    store.save(withPassword, password); // an edit writes everything again

    // When the settings file is read as bytes
    QFile file(settingsFile());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const QByteArray bytes = file.readAll();

    // Then the connections are there and the secrets are not
    QVERIFY(bytes.contains("a.example"));
    QVERIFY(bytes.contains("alice"));
    QVERIFY(!bytes.contains(password.toUtf8()));
    QVERIFY(!bytes.contains(token.toUtf8()));
    QVERIFY(!bytes.contains(password.toUtf8().toBase64()));
    QVERIFY(!bytes.contains(token.toUtf8().toBase64()));
}

void TestConnectionStore::secretNotKeptWhenUnused()
{
    SecretStore secrets(SecretStore::Backend::Memory);
    ConnectionStore store(&secrets);
    Connection c = sample(u"A"_s, u"a.example"_s);
    c.id = store.save(c, u"pw"_s);
    c.authMode = Connection::AuthMode::Anonymous;
    store.save(c, u"ignored"_s);
    const auto secret = await<QString>(
            [&](QObject *context, auto done) { secrets.read(c.id, context, done); });
    QVERIFY(secret && secret->ok());
    QVERIFY(secret->value().isEmpty());
}

void TestConnectionStore::connectionForHost()
{
    SecretStore secrets(SecretStore::Backend::Memory);
    ConnectionStore store(&secrets);
    Connection a = sample(u"A"_s, u"https://Harbor.Example.com/harbor/projects"_s);
    Connection b = sample(u"B"_s, u"127.0.0.1:5000"_s);
    a.id = store.save(a);
    b.id = store.save(b);
    QCOMPARE(store.connectionForHost(u"harbor.example.com"_s).id, a.id);
    QCOMPARE(store.connectionForHost(u"127.0.0.1:5000"_s).id, b.id);
    QVERIFY(!store.connectionForHost(u"127.0.0.1:5001"_s).isValid());
}

void TestConnectionStore::host_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("host");
    QTest::newRow("bare") << u"127.0.0.1:5000"_s << u"127.0.0.1:5000"_s;
    QTest::newRow("https") << u"https://harbor.example.com"_s << u"harbor.example.com"_s;
    QTest::newRow("path") << u"https://harbor.example.com/harbor/projects/3"_s
                          << u"harbor.example.com"_s;
    QTest::newRow("upper case") << u"HTTP://LocalHost:5000/"_s << u"localhost:5000"_s;
    QTest::newRow("spaces") << u"  registry.example:443  "_s << u"registry.example:443"_s;
    QTest::newRow("user info dropped") << u"https://bob:pw@r.example"_s << u"r.example"_s;
    QTest::newRow("ipv6") << u"[::1]:5000"_s << u"[::1]:5000"_s;
}

void TestConnectionStore::host()
{
    QFETCH(QString, address);
    QFETCH(QString, host);
    Connection c;
    c.address = address;
    QCOMPARE(c.host(), host);
}

void TestConnectionStore::endpoint_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("plainHttp");
    QTest::addColumn<int>("authMode");
    QTest::addColumn<int>("scheme");
    QTest::addColumn<int>("source");
    QTest::addColumn<QString>("password");

    using S = RegistryEndpoint::Scheme;
    using C = RegistryEndpoint::CredentialSource;
    using A = Connection::AuthMode;
    QTest::newRow("bare remote: https") << u"r.example"_s << false << int(A::Password)
                                        << int(S::Auto) << int(C::Explicit) << u"pw"_s;
    QTest::newRow("https written") << u"https://127.0.0.1:5000"_s << false << int(A::Token)
                                   << int(S::Https) << int(C::Explicit) << u"pw"_s;
    QTest::newRow("http on loopback") << u"http://localhost:5000"_s << false << int(A::Anonymous)
                                      << int(S::Http) << int(C::None) << QString();
    QTest::newRow("http remote without opt-in stays on TLS")
            << u"http://r.example"_s << false << int(A::Anonymous) << int(S::Auto) << int(C::None)
            << QString();
    QTest::newRow("plain http opt-in") << u"r.example:80"_s << true << int(A::DockerLogin)
                                       << int(S::Http) << int(C::DockerConfig) << QString();
}

void TestConnectionStore::endpoint()
{
    QFETCH(QString, address);
    QFETCH(bool, plainHttp);
    QFETCH(int, authMode);
    QFETCH(int, scheme);
    QFETCH(int, source);
    QFETCH(QString, password);

    Connection c;
    c.id = u"x"_s;
    c.address = address;
    c.plainHttp = plainHttp;
    c.authMode = Connection::AuthMode(authMode);
    c.username = u"bob"_s;
    c.insecureSkipTlsVerify = true;
    c.caCertificateFile = u"/ca.pem"_s;
    const RegistryEndpoint e = c.endpoint(u"pw"_s);
    QCOMPARE(int(e.scheme), scheme);
    QCOMPARE(int(e.credentialSource), source);
    QCOMPARE(e.credentials.password, password);
    QCOMPARE(e.credentials.username, password.isEmpty() ? QString() : u"bob"_s);
    QCOMPARE(e.host, c.host());
    QVERIFY(e.insecureSkipTlsVerify);
    QCOMPARE(e.caCertificateFile, u"/ca.pem"_s);
}

void TestConnectionStore::keychainFallbackIsQuick()
{
    // Given the automatic store and no keychain service (no D-Bus session bus, see initMain)
    SecretStore secrets(SecretStore::Backend::Auto);
    // A third of the test timeout: a hanging keychain would show as a timeout, not a hang.
    secrets.setKeychainTimeoutMs(20000);
    QSignalSpy persistence(&secrets, &SecretStore::persistenceChanged);
    QElapsedTimer clock;
    clock.start();

    // When a secret is written and read back
    const auto written = await<void>(
            [&](QObject *context, auto done) { secrets.write(u"id-1"_s, u"pw"_s, context, done); });
    const auto read = await<QString>(
            [&](QObject *context, auto done) { secrets.read(u"id-1"_s, context, done); });

    // Then both work from memory, the store says so, and it did not wait for the timeout
    QVERIFY(written && written->ok());
    QVERIFY(read && read->ok());
    QCOMPARE(read->value(), u"pw"_s);
    QVERIFY(!secrets.isPersistent());
    QVERIFY(!secrets.isProbing());
    QCOMPARE(persistence.count(), 1);
    QCOMPARE(persistence.at(0).at(0).toBool(), false);
    QVERIFY2(clock.elapsed() < 10000, qPrintable(u"took %1 ms"_s.arg(clock.elapsed())));
}

void TestConnectionStore::secretsNeverLogged()
{
    const QString secret = u"pw-Narwhal-4410-never-logged"_s;
    g_messages.clear();
    QLoggingCategory::setFilterRules(u"berth.*=true"_s);
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
    {
        SecretStore secrets(SecretStore::Backend::Auto);
        secrets.setKeychainTimeoutMs(20000);
        ConnectionStore store(&secrets);
        Connection c = sample(u"A"_s, u"a.example"_s);
        c.id = store.save(c, secret);
        const auto read = await<QString>(
                [&](QObject *context, auto done) { store.readSecret(c.id, context, done); });
        QVERIFY(read && read->ok());
        QCOMPARE(read->value(), secret);
        store.remove(c.id);
    }
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
    QVERIFY(!g_messages.isEmpty()); // the fallback is logged, so the check below can fail
    for (const QString &message : std::as_const(g_messages))
        QVERIFY2(!message.contains(secret), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestConnectionStore)
#include "tst_connectionstore.moc"
