#include "httptestutil.h"
#include "registryprocess.h"
#include "tokenissuer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QUrlQuery>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace Berth::Test;

namespace {

QByteArray sha256Digest(const QByteArray &data)
{
    return "sha256:" + QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray basicAuth(const QString &user, const QString &password)
{
    return "Basic " + (user + u':' + password).toUtf8().toBase64();
}

bool processExists(qint64 pid)
{
    return QFileInfo::exists(u"/proc/"_s + QString::number(pid));
}

// Alive = exists and is not a zombie (a container's PID 1 may never reap an orphan).
bool processAlive(qint64 pid)
{
    QFile stat(u"/proc/"_s + QString::number(pid) + u"/stat"_s);
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype afterName = text.lastIndexOf(')');
    return afterName < 0 || text.mid(afterName + 2, 1) != "Z";
}

constexpr char crashChildFlag[] = "--start-registry-and-crash";

// Child mode: start a registry, report its pid and work dir, then die as hard as possible.
int startRegistryAndCrash(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    RegistryProcess registry;
    QString error;
    if (!registry.start(&error))
        return 2;
    QTextStream out(stdout);
    out << registry.processId() << '\n' << QFileInfo(registry.logFilePath()).path() << Qt::endl;
    ::kill(::getpid(), SIGKILL); // no destructor, no atexit: only the kernel can clean up
    return 3;
}

} // namespace

class TestRegistryProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void anonymousModeServesV2();
    void basicModeNeedsCredentials();
    void tokenModeChallengesAndAcceptsIssuedTokens();
    void tokenModeRefusesAnonymousAndExpiredTokens();
    void tokenModeRefreshTokenFlow();
    void tokenPushAndPullRoundTrip();
    void restartKeepsDataAndPort();
    void stopAndDestructorLeaveNoProcess();
    void explicitStorageDirIsKept();
    void startFailsWithLogTailWhenPortTaken();
    void crashedParentTakesRegistryAlong();

private:
    // Pushes one blob + config + schema2 manifest; authorization may be empty (Auth::None).
    QByteArray pushImage(const QUrl &base, const QString &repository, const QString &tag,
                         const QByteArray &layer, const QByteArray &authorization);
    QByteArray bearerFor(RegistryProcess &registry, const QStringList &scopes);

    QNetworkAccessManager m_nam;
};

void TestRegistryProcess::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    prepareNam(m_nam);
}

QByteArray TestRegistryProcess::bearerFor(RegistryProcess &registry, const QStringList &scopes)
{
    QUrl url = registry.tokenIssuer()->url();
    QUrlQuery query;
    query.addQueryItem(u"service"_s, registry.tokenIssuer()->service());
    for (const QString &scope : scopes)
        query.addQueryItem(u"scope"_s, scope);
    url.setQuery(query);
    const HttpResult result = httpRequest(
            m_nam, "GET",
            makeRequest(url, basicAuth(registry.options().username, registry.options().password)));
    if (result.status != 200)
        return {};
    return "Bearer "
           + QJsonDocument::fromJson(result.body).object().value(u"token"_s).toString().toLatin1();
}

QByteArray TestRegistryProcess::pushImage(const QUrl &base, const QString &repository,
                                          const QString &tag, const QByteArray &layer,
                                          const QByteArray &authorization)
{
    const QByteArray config = R"({"architecture":"amd64","os":"linux"})";
    for (const QByteArray &blob : {layer, config}) {
        const HttpResult upload = httpRequest(
                m_nam, "POST",
                makeRequest(base.resolved(QUrl(u"/v2/"_s + repository + u"/blobs/uploads/"_s)),
                            authorization));
        if (upload.status != 202)
            return {};
        const QUrl location = base.resolved(QUrl::fromEncoded(upload.header("Location")));
        const QUrl put = QUrl::fromEncoded(location.toEncoded() + "&digest=" + sha256Digest(blob));
        QNetworkRequest request = makeRequest(put, authorization);
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/octet-stream"_ba);
        if (httpRequest(m_nam, "PUT", request, blob).status != 201)
            return {};
    }
    const QJsonObject manifest{
            {u"schemaVersion"_s, 2},
            {u"mediaType"_s, u"application/vnd.docker.distribution.manifest.v2+json"_s},
            {u"config"_s,
             QJsonObject{{u"mediaType"_s, u"application/vnd.docker.container.image.v1+json"_s},
                         {u"size"_s, config.size()},
                         {u"digest"_s, QString::fromLatin1(sha256Digest(config))}}},
            {u"layers"_s,
             QJsonArray{QJsonObject{
                     {u"mediaType"_s, u"application/vnd.docker.image.rootfs.diff.tar.gzip"_s},
                     {u"size"_s, layer.size()},
                     {u"digest"_s, QString::fromLatin1(sha256Digest(layer))}}}}};
    const QByteArray body = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
    QNetworkRequest request = makeRequest(
            base.resolved(QUrl(u"/v2/"_s + repository + u"/manifests/"_s + tag)), authorization);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      "application/vnd.docker.distribution.manifest.v2+json"_ba);
    const HttpResult result = httpRequest(m_nam, "PUT", request, body);
    if (result.status != 201 || result.header("Docker-Content-Digest") != sha256Digest(body))
        return {};
    return body;
}

void TestRegistryProcess::anonymousModeServesV2()
{
    // Given an anonymous registry
    RegistryProcess registry;
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    QVERIFY(registry.isRunning());
    QCOMPARE(registry.host(), u"127.0.0.1:"_s + QString::number(registry.port()));
    QVERIFY(registry.port() > 0);
    QCOMPARE(registry.tokenIssuer(), nullptr);
    const QFileInfo shm(u"/dev/shm"_s);
    if (shm.isDir() && shm.isWritable())
        QVERIFY2(registry.storageDir().startsWith(u"/dev/shm/"_s),
                 qPrintable(registry.storageDir()));

    // When /v2/ is asked without credentials, then it answers 200 with the configured header
    const HttpResult result
            = httpRequest(m_nam, "GET", makeRequest(registry.baseUrl().resolved(QUrl(u"/v2/"_s))));
    QCOMPARE(result.status, 200);
    QCOMPARE(result.header("X-Content-Type-Options"), "nosniff"_ba);
    QCOMPARE(result.header("Docker-Distribution-Api-Version"), "registry/2.0"_ba);
}

void TestRegistryProcess::basicModeNeedsCredentials()
{
    RegistryProcess::Options options;
    options.auth = RegistryProcess::Auth::Basic;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    const QUrl v2 = registry.baseUrl().resolved(QUrl(u"/v2/"_s));

    const HttpResult anonymous = httpRequest(m_nam, "GET", makeRequest(v2));
    QCOMPARE(anonymous.status, 401);
    QVERIFY(anonymous.header("WWW-Authenticate").startsWith("Basic realm="));

    const HttpResult wrong
            = httpRequest(m_nam, "GET", makeRequest(v2, basicAuth(options.username, u"nope"_s)));
    QCOMPARE(wrong.status, 401);

    const HttpResult right = httpRequest(
            m_nam, "GET", makeRequest(v2, basicAuth(options.username, options.password)));
    QCOMPARE(right.status, 200);
}

void TestRegistryProcess::tokenModeChallengesAndAcceptsIssuedTokens()
{
    RegistryProcess::Options options;
    options.auth = RegistryProcess::Auth::Token;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    TokenIssuer *issuer = registry.tokenIssuer();
    QVERIFY(issuer);

    // Given no token, /v2/ answers 401 with a Bearer challenge naming the issuer
    const QUrl v2 = registry.baseUrl().resolved(QUrl(u"/v2/"_s));
    const HttpResult challenged = httpRequest(m_nam, "GET", makeRequest(v2));
    QCOMPARE(challenged.status, 401);
    const QByteArray challenge = challenged.header("WWW-Authenticate");
    QVERIFY2(challenge.startsWith("Bearer "), challenge.constData());
    const QHash<QString, QString> params = challengeParams(challenge);
    QCOMPARE(params.value(u"realm"_s), issuer->url().toString());
    QCOMPARE(params.value(u"service"_s), issuer->service());

    // When a token is fetched from the realm with the right credentials
    QUrl tokenUrl(params.value(u"realm"_s));
    tokenUrl.setQuery(u"service="_s + params.value(u"service"_s) + u"&scope=registry:catalog:*"_s);
    const HttpResult issued = httpRequest(
            m_nam, "GET", makeRequest(tokenUrl, basicAuth(options.username, options.password)));
    QCOMPARE(issued.status, 200);
    const QJsonObject json = QJsonDocument::fromJson(issued.body).object();
    const QString token = json.value(u"token"_s).toString();
    QCOMPARE(token.count(u'.'), 2);
    QCOMPARE(json.value(u"access_token"_s).toString(), token);
    QCOMPARE(json.value(u"expires_in"_s).toInt(), issuer->expiresInSeconds());
    QVERIFY(json.value(u"issued_at"_s).toString().endsWith(u'Z'));
    QVERIFY(issuer->lastRequestAuthenticated());
    QCOMPARE(issuer->lastScopes(), QStringList{u"registry:catalog:*"_s});

    // Then /v2/ and /v2/_catalog accept it
    const QByteArray bearer = "Bearer " + token.toLatin1();
    QCOMPARE(httpRequest(m_nam, "GET", makeRequest(v2, bearer)).status, 200);
    const HttpResult catalog = httpRequest(
            m_nam, "GET",
            makeRequest(registry.baseUrl().resolved(QUrl(u"/v2/_catalog"_s)), bearer));
    QCOMPARE(catalog.status, 200);
    QVERIFY(QJsonDocument::fromJson(catalog.body).object().contains(u"repositories"_s));

    // And a wrong password is refused by the issuer, with no token
    const int rejectedBefore = issuer->rejectedCount();
    const HttpResult refused = httpRequest(
            m_nam, "GET", makeRequest(tokenUrl, basicAuth(options.username, u"wrong"_s)));
    QCOMPARE(refused.status, 401);
    QVERIFY(!QJsonDocument::fromJson(refused.body).object().contains(u"token"_s));
    QCOMPARE(issuer->rejectedCount(), rejectedBefore + 1);
    QVERIFY(!refused.body.contains("wrong"));
}

void TestRegistryProcess::tokenModeRefusesAnonymousAndExpiredTokens()
{
    RegistryProcess::Options options;
    options.auth = RegistryProcess::Auth::Token;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    TokenIssuer *issuer = registry.tokenIssuer();
    const QUrl catalog = registry.baseUrl().resolved(QUrl(u"/v2/_catalog"_s));

    // Given an anonymous token (the issuer grants it no access)
    QUrl tokenUrl = issuer->url();
    tokenUrl.setQuery(u"service=berth-test-registry&scope=registry:catalog:*"_s);
    const HttpResult anonymous = httpRequest(m_nam, "GET", makeRequest(tokenUrl));
    QCOMPARE(anonymous.status, 200);
    QVERIFY(!issuer->lastRequestAuthenticated());
    const QByteArray anonymousBearer = "Bearer "
                                       + QJsonDocument::fromJson(anonymous.body)
                                                 .object()
                                                 .value(u"token"_s)
                                                 .toString()
                                                 .toLatin1();
    // Then the registry refuses it for lack of scope
    const HttpResult refused = httpRequest(m_nam, "GET", makeRequest(catalog, anonymousBearer));
    QCOMPARE(refused.status, 401);
    QCOMPARE(challengeParams(refused.header("WWW-Authenticate")).value(u"error"_s),
             u"insufficient_scope"_s);

    // Given a token that expired beyond the registry's 60 s leeway, then it is invalid
    issuer->setExpiresInSeconds(-120);
    const QByteArray expired
            = "Bearer " + issuer->issueToken(options.username, {u"registry:catalog:*"_s});
    const HttpResult expiredResult = httpRequest(m_nam, "GET", makeRequest(catalog, expired));
    QCOMPARE(expiredResult.status, 401);
    QCOMPARE(challengeParams(expiredResult.header("WWW-Authenticate")).value(u"error"_s),
             u"invalid_token"_s);

    // And the same call with a live token succeeds (so the refusal above was the expiry)
    issuer->setExpiresInSeconds(300);
    const QByteArray live
            = "Bearer " + issuer->issueToken(options.username, {u"registry:catalog:*"_s});
    QCOMPARE(httpRequest(m_nam, "GET", makeRequest(catalog, live)).status, 200);
}

void TestRegistryProcess::tokenModeRefreshTokenFlow()
{
    RegistryProcess::Options options;
    options.auth = RegistryProcess::Auth::Token;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    TokenIssuer *issuer = registry.tokenIssuer();
    const QUrl catalog = registry.baseUrl().resolved(QUrl(u"/v2/_catalog"_s));

    auto post = [&](const QByteArray &form) {
        QNetworkRequest request(issuer->url());
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          "application/x-www-form-urlencoded"_ba);
        return httpRequest(m_nam, "POST", request, form);
    };
    // Given a password grant asking for offline access
    const HttpResult first = post("grant_type=password&service=berth-test-registry"
                                  "&client_id=berth-test&access_type=offline"
                                  "&username=berth&password=berth-secret");
    QCOMPARE(first.status, 200);
    const QString refresh
            = QJsonDocument::fromJson(first.body).object().value(u"refresh_token"_s).toString();
    QVERIFY(!refresh.isEmpty());

    // When the refresh token is exchanged for an access token with a scope
    const HttpResult second = post("grant_type=refresh_token&service=berth-test-registry"
                                   "&client_id=berth-test&scope=registry%3Acatalog%3A*"
                                   "&refresh_token="
                                   + QUrl::toPercentEncoding(refresh));
    QCOMPARE(second.status, 200);
    const QJsonObject json = QJsonDocument::fromJson(second.body).object();
    QCOMPARE(json.value(u"refresh_token"_s).toString(), refresh);
    QCOMPARE(json.value(u"scope"_s).toString(), u"registry:catalog:*"_s);

    // Then the registry accepts that access token
    const QByteArray bearer = "Bearer " + json.value(u"access_token"_s).toString().toLatin1();
    QCOMPARE(httpRequest(m_nam, "GET", makeRequest(catalog, bearer)).status, 200);

    // And unknown refresh tokens and wrong passwords are refused
    QCOMPARE(post("grant_type=refresh_token&service=berth-test-registry&client_id=x"
                  "&refresh_token=bogus")
                     .status,
             400);
    QCOMPARE(post("grant_type=password&service=berth-test-registry&client_id=x"
                  "&username=berth&password=wrong")
                     .status,
             401);
}

void TestRegistryProcess::tokenPushAndPullRoundTrip()
{
    RegistryProcess::Options options;
    options.auth = RegistryProcess::Auth::Token;
    RegistryProcess registry(options);
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    const QString repository = u"team-a/api"_s;
    const QUrl base = registry.baseUrl();

    // Given the challenge for a push names the scope the client needs
    const HttpResult challenged = httpRequest(
            m_nam, "POST",
            makeRequest(base.resolved(QUrl(u"/v2/"_s + repository + u"/blobs/uploads/"_s))));
    QCOMPARE(challenged.status, 401);
    const QString scope = challengeParams(challenged.header("WWW-Authenticate")).value(u"scope"_s);
    // Distribution lists the actions in map order, so compare them as a set
    QVERIFY2(scope.startsWith(u"repository:team-a/api:"_s), qPrintable(scope));
    QStringList actions = scope.section(u':', 2).split(u',');
    actions.sort();
    QCOMPARE(actions, (QStringList{u"pull"_s, u"push"_s}));

    // When a token for that scope is used to push a blob, a config and a manifest
    const QByteArray pushBearer = bearerFor(registry, {scope});
    QVERIFY(!pushBearer.isEmpty());
    const QByteArray layer = QByteArray("berth fixture layer ").repeated(50);
    const QByteArray manifest = pushImage(base, repository, u"v1"_s, layer, pushBearer);
    QVERIFY(!manifest.isEmpty());

    // Then a pull token reads them back byte for byte
    const QByteArray pullBearer = bearerFor(registry, {u"repository:team-a/api:pull"_s});
    QNetworkRequest manifestRequest = makeRequest(
            base.resolved(QUrl(u"/v2/"_s + repository + u"/manifests/v1"_s)), pullBearer);
    manifestRequest.setRawHeader("Accept", "application/vnd.docker.distribution.manifest.v2+json");
    const HttpResult pulled = httpRequest(m_nam, "GET", manifestRequest);
    QCOMPARE(pulled.status, 200);
    QCOMPARE(pulled.body, manifest);
    QCOMPARE(pulled.header("Docker-Content-Digest"), sha256Digest(manifest));
    const HttpResult blob = httpRequest(
            m_nam, "GET",
            makeRequest(base.resolved(QUrl(u"/v2/"_s + repository + u"/blobs/"_s
                                           + QString::fromLatin1(sha256Digest(layer)))),
                        pullBearer));
    QCOMPARE(blob.status, 200);
    QCOMPARE(blob.body, layer);

    // And the pull-only token may not delete, a delete token may (by digest)
    const QUrl byDigest = base.resolved(QUrl(u"/v2/"_s + repository + u"/manifests/"_s
                                             + QString::fromLatin1(sha256Digest(manifest))));
    QCOMPARE(httpRequest(m_nam, "DELETE", makeRequest(byDigest, pullBearer)).status, 401);
    const QByteArray deleteBearer = bearerFor(registry, {u"repository:team-a/api:delete"_s});
    QCOMPARE(httpRequest(m_nam, "DELETE", makeRequest(byDigest, deleteBearer)).status, 202);
    QCOMPARE(httpRequest(m_nam, "GET", manifestRequest).status, 404);

    // And an anonymous client cannot pull at all
    const HttpResult anonymous = httpRequest(
            m_nam, "GET", makeRequest(base.resolved(QUrl(u"/v2/team-a/api/tags/list"_s))));
    QCOMPARE(anonymous.status, 401);
}

void TestRegistryProcess::restartKeepsDataAndPort()
{
    RegistryProcess registry;
    QString error;
    QVERIFY2(registry.start(&error), qPrintable(error));
    const QByteArray layer = "restart survives";
    QVERIFY(!pushImage(registry.baseUrl(), u"keep/me"_s, u"latest"_s, layer, {}).isEmpty());
    const int port = registry.port();
    const qint64 pidBefore = registry.processId();

    // When the registry is restarted
    QVERIFY2(registry.restart(&error), qPrintable(error));

    // Then it is a new process on the same port that still has the data
    QCOMPARE(registry.port(), port);
    QVERIFY(registry.processId() != pidBefore);
    QVERIFY(!processExists(pidBefore));
    const HttpResult tags = httpRequest(
            m_nam, "GET",
            makeRequest(registry.baseUrl().resolved(QUrl(u"/v2/keep/me/tags/list"_s))));
    QCOMPARE(tags.status, 200);
    QCOMPARE(QJsonDocument::fromJson(tags.body).object().value(u"tags"_s).toArray(),
             QJsonArray{u"latest"_s});
}

void TestRegistryProcess::stopAndDestructorLeaveNoProcess()
{
    qint64 pid = 0;
    QString workDirLog;
    {
        RegistryProcess registry;
        QString error;
        QVERIFY2(registry.start(&error), qPrintable(error));
        pid = registry.processId();
        QVERIFY(pid > 0);
        QVERIFY(processExists(pid));

        registry.stop();
        QVERIFY(!registry.isRunning());
        QVERIFY(!processExists(pid));
        QCOMPARE(registry.processId(), 0);
        registry.stop(); // idempotent

        // Started again, then left to the destructor
        QVERIFY2(registry.start(&error), qPrintable(error));
        pid = registry.processId();
        workDirLog = registry.logFilePath();
        QVERIFY(QFileInfo::exists(workDirLog));
    }
    QVERIFY(!processExists(pid));
    // The temp dir (config, log, storage) went with the object
    QVERIFY(!QFileInfo::exists(workDirLog));
}

void TestRegistryProcess::explicitStorageDirIsKept()
{
    QTemporaryDir keep;
    QVERIFY(keep.isValid());
    const QString storage = keep.filePath(u"registry-data"_s);
    {
        RegistryProcess::Options options;
        options.storageDir = storage;
        RegistryProcess registry(options);
        QString error;
        QVERIFY2(registry.start(&error), qPrintable(error));
        QCOMPARE(registry.storageDir(), storage);
        QVERIFY(!pushImage(registry.baseUrl(), u"kept/repo"_s, u"t"_s, "kept", {}).isEmpty());
    }
    QVERIFY(QFileInfo::exists(storage + u"/docker/registry/v2/repositories/kept/repo"_s));

    // A second registry on the same dir serves the same data
    RegistryProcess::Options options;
    options.storageDir = storage;
    RegistryProcess again(options);
    QString error;
    QVERIFY2(again.start(&error), qPrintable(error));
    QCOMPARE(httpRequest(m_nam, "GET",
                         makeRequest(again.baseUrl().resolved(QUrl(u"/v2/kept/repo/tags/list"_s))))
                     .status,
             200);
}

void TestRegistryProcess::startFailsWithLogTailWhenPortTaken()
{
    // Given a port someone else holds, requested explicitly (so no retry on another port)
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    RegistryProcess::Options options;
    options.port = squatter.serverPort();
    RegistryProcess registry(options);

    // When started, then it fails with the registry's own message in the error
    QString error;
    QVERIFY(!registry.start(&error));
    QVERIFY2(error.contains(u"address already in use"_s), qPrintable(error));
    QVERIFY(!registry.isRunning());
}

void TestRegistryProcess::crashedParentTakesRegistryAlong()
{
    // Given a child process that starts a registry and is then SIGKILLed
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QString::fromLatin1(crashChildFlag)});
    QVERIFY(child.waitForFinished(30000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    const QList<QByteArray> lines = child.readAllStandardOutput().split('\n');
    const qint64 pid = lines.value(0).toLongLong();
    QVERIFY2(pid > 0, lines.value(0).constData());
    const QString workDir = QString::fromLocal8Bit(lines.value(1));
    QVERIFY(workDir.contains(u"berth-registry-"_s));

    // Then the registry dies with it (PR_SET_PDEATHSIG)
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pid), 5000);
    QDir(workDir).removeRecursively(); // nobody else is left to remove it
}

int main(int argc, char **argv)
{
    if (argc > 1 && qstrcmp(argv[1], crashChildFlag) == 0)
        return startRegistryAndCrash(argc, argv);
    QCoreApplication app(argc, argv);
    TestRegistryProcess test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_registryprocess.moc"
