#include "net/auth/dockerconfig.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Berth;

Q_DECLARE_METATYPE(Berth::Credentials)
Q_DECLARE_METATYPE(std::optional<Berth::Credentials>)

namespace {

using OptionalCredentials = std::optional<Credentials>;

QByteArray authEntry(const QByteArray &userColonPassword)
{
    return "{\"auth\":\"" + userColonPassword.toBase64() + "\"}";
}

Credentials userPass(const QString &user, const QString &password)
{
    Credentials credentials;
    credentials.username = user;
    credentials.password = password;
    return credentials;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class tst_DockerConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parse_data();
    void parse();
    void parseErrors_data();
    void parseErrors();
    void normaliseHost_data();
    void normaliseHost();
    void helperFor();
    void merge();
    void loadDefault();
    void helper_data();
    void helper();
    void helperMissing();
    void helperTimeout();
    void helperContextGone();

private:
    Result<Credentials> runHelper(const QString &helperName, const QString &host,
                                  CredentialHelper &helper);

    QTemporaryDir m_binDir;
};

void tst_DockerConfig::initTestCase()
{
    // Given a credential helper on PATH
    QVERIFY(m_binDir.isValid());
    const QString script = m_binDir.filePath(u"docker-credential-berthtest"_s);
    // A stand-in for docker-credential-osxkeychain & co: same protocol, canned answers per host.
    QVERIFY(QFile::copy(QStringLiteral(BERTH_TEST_DATA "/docker-credential-berthtest.sh"), script));
    QVERIFY(QFile::setPermissions(script, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    qputenv("PATH", QFile::encodeName(m_binDir.path()) + ':' + qgetenv("PATH"));
}

void tst_DockerConfig::parse_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("host");
    QTest::addColumn<OptionalCredentials>("expected");

    QTest::newRow("auth plain host")
            << "{\"auths\":{\"registry.example\":" + authEntry("bob:secret") + "}}"
            << u"registry.example"_s << OptionalCredentials(userPass(u"bob"_s, u"secret"_s));
    QTest::newRow("password with colons")
            << "{\"auths\":{\"r.example\":" + authEntry("bob:a:b:c") + "}}" << u"r.example"_s
            << OptionalCredentials(userPass(u"bob"_s, u"a:b:c"_s));
    QTest::newRow("empty password")
            << "{\"auths\":{\"r.example\":" + authEntry("bob:") + "}}" << u"r.example"_s
            << OptionalCredentials(userPass(u"bob"_s, QString()));
    QTest::newRow("host with port")
            << "{\"auths\":{\"127.0.0.1:5000\":" + authEntry("u:p") + "}}" << u"127.0.0.1:5000"_s
            << OptionalCredentials(userPass(u"u"_s, u"p"_s));
    QTest::newRow("port must match") << "{\"auths\":{\"127.0.0.1:5000\":" + authEntry("u:p") + "}}"
                                     << u"127.0.0.1:5001"_s << OptionalCredentials();
    QTest::newRow("https key with path")
            << "{\"auths\":{\"https://r.example/v1/\":" + authEntry("u:p") + "}}" << u"r.example"_s
            << OptionalCredentials(userPass(u"u"_s, u"p"_s));
    QTest::newRow("http key") << "{\"auths\":{\"http://r.example\":" + authEntry("u:p") + "}}"
                              << u"r.example"_s << OptionalCredentials(userPass(u"u"_s, u"p"_s));
    QTest::newRow("docker hub key")
            << "{\"auths\":{\"https://index.docker.io/v1/\":" + authEntry("hub:pw") + "}}"
            << u"registry-1.docker.io"_s << OptionalCredentials(userPass(u"hub"_s, u"pw"_s));
    QTest::newRow("docker.io key")
            << "{\"auths\":{\"docker.io\":" + authEntry("hub:pw") + "}}" << u"index.docker.io"_s
            << OptionalCredentials(userPass(u"hub"_s, u"pw"_s));
    QTest::newRow("case insensitive host")
            << "{\"auths\":{\"Registry.Example\":" + authEntry("u:p") + "}}"
            << u"registry.example"_s << OptionalCredentials(userPass(u"u"_s, u"p"_s));
    Credentials token;
    token.identityToken = u"refresh"_s;
    QTest::newRow("identitytoken") << R"({"auths":{"r.example":{"identitytoken":"refresh"}}})"_ba
                                   << u"r.example"_s << OptionalCredentials(token);
    QTest::newRow("username password fields")
            << R"({"auths":{"r.example":{"username":"u","password":"p:q"}}})"_ba << u"r.example"_s
            << OptionalCredentials(userPass(u"u"_s, u"p:q"_s));
    QTest::newRow("empty entry means helper")
            << R"({"auths":{"r.example":{}},"credsStore":"desktop"})"_ba << u"r.example"_s
            << OptionalCredentials();
    QTest::newRow("other host") << "{\"auths\":{\"a.example\":" + authEntry("u:p") + "}}"
                                << u"b.example"_s << OptionalCredentials();
    QTest::newRow("no auths") << "{}"_ba << u"r.example"_s << OptionalCredentials();
    QTest::newRow("utf8 password")
            << "{\"auths\":{\"r.example\":" + authEntry("u:p\xc3\xa4ss") + "}}" << u"r.example"_s
            << OptionalCredentials(userPass(u"u"_s, u"p\u00e4ss"_s));
}

void tst_DockerConfig::parse()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, host);
    QFETCH(OptionalCredentials, expected);
    const Result<DockerConfig> config = DockerConfig::parse(json);
    QVERIFY2(config.ok(), qPrintable(config.error().message));
    QCOMPARE(config->inlineCredentials(host), expected);
}

void tst_DockerConfig::parseErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    const QByteArray secret = "hunter2";
    QTest::newRow("malformed json") << R"({"auths":{)"_ba;
    QTest::newRow("not an object") << R"(["auths"])"_ba;
    QTest::newRow("empty file") << QByteArray();
    QTest::newRow("bad base64") << R"({"auths":{"r.example":{"auth":"!!!not*base64"}}})"_ba;
    QTest::newRow("missing colon")
            << "{\"auths\":{\"r.example\":" + authEntry("user" + secret) + "}}";
    QTest::newRow("entry not object") << R"({"auths":{"r.example":"x"}})"_ba;
    QTest::newRow("credHelpers value number") << R"({"credHelpers":{"r.example":1}})"_ba;
}

void tst_DockerConfig::parseErrors()
{
    QFETCH(QByteArray, json);
    const Result<DockerConfig> config = DockerConfig::parse(json);
    QVERIFY(!config.ok());
    QCOMPARE(config.error().code, ErrorCode::BadResponse);
    QVERIFY(!config.error().message.isEmpty());
    // Never a secret in the message
    QVERIFY(!config.error().message.contains(u"hunter2"_s));
    QVERIFY(!config.error().message.contains(
            QString::fromLatin1(QByteArray("userhunter2").toBase64())));
}

void tst_DockerConfig::normaliseHost_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("host");
    QTest::newRow("plain") << u"r.example"_s << u"r.example"_s;
    QTest::newRow("port") << u"r.example:5000"_s << u"r.example:5000"_s;
    QTest::newRow("https path") << u"https://r.example:5000/v2/"_s << u"r.example:5000"_s;
    QTest::newRow("http") << u"http://r.example"_s << u"r.example"_s;
    QTest::newRow("upper") << u"HTTPS://R.Example/"_s << u"r.example"_s;
    QTest::newRow("hub v1") << u"https://index.docker.io/v1/"_s << u"docker.io"_s;
    QTest::newRow("hub registry-1") << u"registry-1.docker.io"_s << u"docker.io"_s;
    QTest::newRow("hub docker.io") << u"docker.io"_s << u"docker.io"_s;
    QTest::newRow("spaces") << u"  r.example  "_s << u"r.example"_s;
}

void tst_DockerConfig::normaliseHost()
{
    QFETCH(QString, key);
    QFETCH(QString, host);
    QCOMPARE(normaliseCredentialHost(key), host);
}

void tst_DockerConfig::helperFor()
{
    const Result<DockerConfig> config = DockerConfig::parse(
            R"({"credsStore":"desktop","credHelpers":{"gcr.io":"gcloud","https://index.docker.io/v1/":"hubhelper"}})"_ba);
    QVERIFY(config.ok());
    QCOMPARE(config->helperFor(u"gcr.io"_s), u"gcloud"_s);
    QCOMPARE(config->helperFor(u"registry-1.docker.io"_s), u"hubhelper"_s);
    QCOMPARE(config->helperFor(u"other.example"_s), u"desktop"_s);
    QVERIFY(DockerConfig::parse("{}"_ba)->helperFor(u"other.example"_s).isEmpty());
}

void tst_DockerConfig::merge()
{
    DockerConfig docker = DockerConfig::parse("{\"auths\":{\"a.example\":" + authEntry("docker:1")
                                              + "},\"credHelpers\":{\"c.example\":\"x\"}}")
                                  .value();
    const DockerConfig podman
            = DockerConfig::parse("{\"auths\":{\"a.example\":" + authEntry("podman:1")
                                  + ",\"b.example\":" + authEntry("podman:2")
                                  + "},\"credHelpers\":{\"c.example\":\"y\",\"d.example\":\"z\"},"
                                    "\"credsStore\":\"pass\"}")
                      .value();
    docker.merge(podman);
    // docker wins on conflicts; podman fills the gaps
    QCOMPARE(docker.inlineCredentials(u"a.example"_s)->username, u"docker"_s);
    QCOMPARE(docker.inlineCredentials(u"b.example"_s)->username, u"podman"_s);
    QCOMPARE(docker.helperFor(u"c.example"_s), u"x"_s);
    QCOMPARE(docker.helperFor(u"d.example"_s), u"z"_s);
    QCOMPARE(docker.helperFor(u"e.example"_s), u"pass"_s);
}

void tst_DockerConfig::loadDefault()
{
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QByteArray oldHome = qgetenv("HOME");
    qputenv("HOME", QFile::encodeName(home.path()));
    qunsetenv("DOCKER_CONFIG");
    qunsetenv("REGISTRY_AUTH_FILE");
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(home.filePath(u"run"_s)));

    // Given docker, podman runtime and podman persistent files, one of them broken
    QVERIFY(writeFile(home.filePath(u".docker/config.json"_s),
                      "{\"auths\":{\"a.example\":" + authEntry("docker:1") + "}}"));
    QVERIFY(writeFile(home.filePath(u"run/containers/auth.json"_s),
                      "{\"auths\":{\"a.example\":" + authEntry("podman:1")
                              + ",\"b.example\":" + authEntry("podman:2") + "}}"));
    QVERIFY(writeFile(home.filePath(u".config/containers/auth.json"_s), "{ broken"));

    QStringList warnings;
    DockerConfig config = DockerConfig::loadDefault(&warnings);
    QCOMPARE(config.inlineCredentials(u"a.example"_s)->username, u"docker"_s);
    QCOMPARE(config.inlineCredentials(u"b.example"_s)->username, u"podman"_s);
    QCOMPARE(warnings.size(), 1);
    QVERIFY(warnings.first().contains(u"auth.json"_s));

    // DOCKER_CONFIG and REGISTRY_AUTH_FILE take precedence over the defaults
    QVERIFY(writeFile(home.filePath(u"custom/config.json"_s),
                      "{\"auths\":{\"a.example\":" + authEntry("custom:1") + "}}"));
    QVERIFY(writeFile(home.filePath(u"registry-auth.json"_s),
                      "{\"auths\":{\"c.example\":" + authEntry("regauth:1") + "}}"));
    qputenv("DOCKER_CONFIG", QFile::encodeName(home.filePath(u"custom"_s)));
    qputenv("REGISTRY_AUTH_FILE", QFile::encodeName(home.filePath(u"registry-auth.json"_s)));
    config = DockerConfig::loadDefault();
    QCOMPARE(config.inlineCredentials(u"a.example"_s)->username, u"custom"_s);
    QCOMPARE(config.inlineCredentials(u"c.example"_s)->username, u"regauth"_s);
    QVERIFY(!config.inlineCredentials(u"b.example"_s)); // the runtime file is not read then

    // Nothing at all is fine
    QFile::remove(home.filePath(u"custom/config.json"_s));
    QFile::remove(home.filePath(u"registry-auth.json"_s));
    QFile::remove(home.filePath(u".config/containers/auth.json"_s));
    warnings.clear();
    config = DockerConfig::loadDefault(&warnings);
    QVERIFY(warnings.isEmpty());
    QVERIFY(!config.inlineCredentials(u"a.example"_s));

    qunsetenv("DOCKER_CONFIG");
    qunsetenv("REGISTRY_AUTH_FILE");
    qputenv("HOME", oldHome);
}

Result<Credentials> tst_DockerConfig::runHelper(const QString &helperName, const QString &host,
                                                CredentialHelper &helper)
{
    std::optional<Result<Credentials>> outcome;
    int calls = 0;
    QObject context;
    helper.get(helperName, host, &context, [&outcome, &calls](Result<Credentials> result) {
        ++calls;
        outcome = std::move(result);
    });
    // The callback never runs synchronously
    if (outcome)
        return Error(ErrorCode::Http, u"callback ran synchronously"_s);
    if (!QTest::qWaitFor([&outcome] { return outcome.has_value(); }, 10000))
        return Error(ErrorCode::Http, u"no callback"_s);
    QTest::qWait(0);
    if (calls != 1)
        return Error(ErrorCode::Http, u"callback ran more than once"_s);
    return *outcome;
}

void tst_DockerConfig::helper_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<Credentials>("expected");
    Credentials token;
    token.identityToken = u"refresh-token"_s;
    QTest::newRow("user and password")
            << u"ok.example"_s << ErrorCode::None << userPass(u"alice"_s, u"pa:ss"_s);
    QTest::newRow("identity token") << u"token.example"_s << ErrorCode::None << token;
    QTest::newRow("docker hub server url")
            << u"registry-1.docker.io"_s << ErrorCode::None << userPass(u"hub"_s, u"hubpass"_s);
    QTest::newRow("not found") << u"unknown.example"_s << ErrorCode::NotFound << Credentials();
    QTest::newRow("garbage output")
            << u"garbage.example"_s << ErrorCode::BadResponse << Credentials();
    QTest::newRow("helper fails") << u"fail.example"_s << ErrorCode::BadResponse << Credentials();
}

void tst_DockerConfig::helper()
{
    QFETCH(QString, host);
    QFETCH(ErrorCode, code);
    QFETCH(Credentials, expected);
    CredentialHelper helper;
    const Result<Credentials> result = runHelper(u"berthtest"_s, host, helper);
    QCOMPARE(result.error().code, code);
    if (code == ErrorCode::None)
        QCOMPARE(result.value(), expected);
    else
        QVERIFY(!result.error().message.contains(u"keychain locked"_s)); // output never echoed
    // The process is cleaned up
    QTRY_COMPARE(helper.findChildren<QProcess *>().size(), 0);
}

void tst_DockerConfig::helperMissing()
{
    CredentialHelper helper;
    QCOMPARE(runHelper(u"berth-no-such-helper"_s, u"ok.example"_s, helper).error().code,
             ErrorCode::Unsupported);
    // A name that would escape the docker-credential- prefix is never run
    QCOMPARE(runHelper(u"../../bin/sh"_s, u"ok.example"_s, helper).error().code,
             ErrorCode::Unsupported);
    QCOMPARE(runHelper(QString(), u"ok.example"_s, helper).error().code, ErrorCode::Unsupported);
}

void tst_DockerConfig::helperTimeout()
{
    CredentialHelper helper;
    helper.setTimeoutMs(300); // the helper sleeps 30 s; 300 ms keeps the test quick
    const Result<Credentials> result = runHelper(u"berthtest"_s, u"slow.example"_s, helper);
    QCOMPARE(result.error().code, ErrorCode::Timeout);
    // The process was killed, not left behind
    QTRY_COMPARE(helper.findChildren<QProcess *>().size(), 0);
}

void tst_DockerConfig::helperContextGone()
{
    CredentialHelper helper;
    bool called = false;
    auto context = std::make_unique<QObject>();
    helper.get(u"berthtest"_s, u"ok.example"_s, context.get(),
               [&called](const Result<Credentials> &) { called = true; });
    QCOMPARE(helper.findChildren<QProcess *>().size(), 1);
    // When the context dies before the helper answers
    context.reset();
    // Then the process still finishes and is cleaned up, and the callback is not called
    QTRY_COMPARE(helper.findChildren<QProcess *>().size(), 0);
    QTest::qWait(0);
    QVERIFY(!called);
}

QTEST_GUILESS_MAIN(tst_DockerConfig)
#include "tst_dockerconfig.moc"
