#include "jobwait.h"
#include "net/auth/authenticator.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"
#include "scriptedhttpserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace Berth;
using Berth::Test::ScriptedHttpServer;
using Berth::Test::waitFor;
using Reply = ScriptedHttpServer::Reply;
using Request = ScriptedHttpServer::Request;

namespace {

constexpr auto kUser = "alice";
constexpr auto kPassword = "s3cret-pass";

//! A registry and its token service on one loopback server. Bearer mode: /v2/<repo>/... needs
//! a token the service issued for "repository:<repo>:pull"; the service checks basic
//! credentials (or a refresh token) when the test sets expected ones. Basic mode: /v2/ needs
//! basic credentials.
class FakeRegistry
{
public:
    enum class Mode { Bearer, Basic };

    explicit FakeRegistry(ScriptedHttpServer *server)
        : m_server(server)
    {
        server->setHandler([this](const Request &r) { return handle(r); });
    }

    Mode mode = Mode::Bearer;
    QByteArray expectedBasic;        //!< "user:password"; empty = anonymous tokens
    QByteArray expectedRefreshToken; //!< POST grant_type=refresh_token must carry this
    int expiresIn = 300;
    bool useAccessTokenField = false; //!< answer with access_token instead of token
    int tokenDelayMs = 0;
    QHash<QByteArray, QString> issued; //!< token -> scope string it grants
    QList<Request> tokenRequests;

    QString realm() const { return m_server->url(u"/token"_s).toString(); }

private:
    static QString repositoryOf(const QString &path)
    {
        // /v2/<name>/tags/list or /v2/<name>/manifests/<ref>
        const QString rest = path.mid(4);
        for (const QString &marker : {u"/tags/"_s, u"/manifests/"_s, u"/blobs/"_s}) {
            const qsizetype at = rest.indexOf(marker);
            if (at > 0)
                return rest.left(at);
        }
        return {};
    }

    Reply handle(const Request &r)
    {
        if (r.path() == "/token"_L1)
            return token(r);
        if (mode == Mode::Basic) {
            if (r.header("Authorization") == "Basic " + expectedBasic.toBase64())
                return Reply::json(200, R"({"repositories":[]})");
            return Reply::registryError(401, "UNAUTHORIZED", "authentication required")
                    .header("WWW-Authenticate", R"(Basic realm="Registry Realm")");
        }
        const QString repository = repositoryOf(r.path());
        const QString scope = u"repository:%1:pull"_s.arg(repository);
        const QByteArray authorization = r.header("Authorization");
        if (authorization.startsWith("Bearer ")
            && issued.value(authorization.mid(7)).split(u' ').contains(scope)) {
            return Reply::json(200, R"({"name":"x","tags":["1"]})");
        }
        return Reply::registryError(401, "UNAUTHORIZED", "authentication required")
                .header("WWW-Authenticate", "Bearer realm=\"" + realm().toUtf8()
                                                    + "\",service=\"fake-registry\",scope=\""
                                                    + scope.toUtf8() + "\"");
    }

    Reply token(const Request &r)
    {
        tokenRequests.append(r);
        QUrlQuery params = r.query();
        if (r.method == "POST") {
            params = QUrlQuery(QString::fromLatin1(r.body));
            if (params.queryItemValue(u"grant_type"_s) != "refresh_token"_L1
                || params.queryItemValue(u"refresh_token"_s, QUrl::FullyDecoded).toUtf8()
                           != expectedRefreshToken) {
                return Reply::json(401, R"({"details":"bad refresh token"})");
            }
        } else if (!expectedBasic.isEmpty()
                   && r.header("Authorization") != "Basic " + expectedBasic.toBase64()) {
            return Reply::json(401, R"({"details":"incorrect username or password"})");
        }
        QStringList scopes;
        if (r.method == "POST") {
            scopes = params.queryItemValue(u"scope"_s, QUrl::FullyDecoded)
                             .split(u' ', Qt::SkipEmptyParts);
        } else {
            scopes = params.allQueryItemValues(u"scope"_s, QUrl::FullyDecoded);
        }
        const QByteArray value = "tok-" + QByteArray::number(tokenRequests.size());
        issued.insert(value, scopes.join(u' '));
        QJsonObject json{
                {useAccessTokenField ? u"access_token"_s : u"token"_s, QString::fromLatin1(value)},
                {u"expires_in"_s, expiresIn}};
        Reply reply = Reply::json(200, QJsonDocument(json).toJson(QJsonDocument::Compact));
        reply.delayMs = tokenDelayMs;
        return reply;
    }

    ScriptedHttpServer *m_server;
};

} // namespace

class TestRegistryAuthenticator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void bearerFlowEndToEnd();
    void tokenCachedPerScope();
    void expiredTokenIsRefreshed();
    void concurrentRequestsShareOneTokenRequest();
    void wrongCredentialsAreUnauthorizedWithoutSecrets();
    void anonymousTokenWhenNoCredentials();
    void basicChallengeFlow();
    void basicChallengeWithoutCredentials();
    void identityTokenUsesPostForm();
    void credentialResolverIsAskedOnce();
    void plainHttpRealmRefusedForHttpsRegistry();
    void unusableRealmIsAnError();
    void noAuthorizationForOtherHosts();

private:
    RequestSpec spec(const QString &repository) const
    {
        RequestSpec s;
        s.url = m_server->url(u"/v2/%1/tags/list"_s.arg(repository));
        s.authScope = u"repository:%1:pull"_s.arg(repository);
        s.authenticator = m_auth.get();
        return s;
    }

    std::unique_ptr<NetworkAccessManager> m_nam;
    std::unique_ptr<RequestScheduler> m_scheduler;
    std::unique_ptr<ScriptedHttpServer> m_server;
    std::unique_ptr<FakeRegistry> m_registry;
    std::unique_ptr<RegistryAuthenticator> m_auth;
};

void TestRegistryAuthenticator::init()
{
    m_nam = std::make_unique<NetworkAccessManager>();
    m_scheduler = std::make_unique<RequestScheduler>(m_nam.get());
    m_scheduler->setRetryDelays(10, 100);
    m_server = std::make_unique<ScriptedHttpServer>();
    QVERIFY(m_server->listen());
    m_registry = std::make_unique<FakeRegistry>(m_server.get());
    m_auth = std::make_unique<RegistryAuthenticator>(m_nam.get(), m_server->baseUrl());
}

void TestRegistryAuthenticator::cleanup()
{
    m_scheduler.reset();
    m_auth.reset();
    m_registry.reset();
    m_server.reset();
    m_nam.reset();
}

void TestRegistryAuthenticator::bearerFlowEndToEnd()
{
    // Given a registry with a token service that wants alice's credentials
    m_registry->expectedBasic = QByteArray(kUser) + ':' + kPassword;
    m_auth->setCredentials({QString::fromLatin1(kUser), QString::fromLatin1(kPassword), {}});

    // When a request for team/app is made
    const Response response = waitFor(m_scheduler->submit(spec(u"team/app"_s)));

    // Then: 401, token request with service + scope + basic credentials, retry with the token
    QVERIFY2(response.ok(), qPrintable(response.error.message));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.attempts, 2);
    QCOMPARE(m_auth->tokenRequests(), 1);
    const QList<Request> requests = m_server->requests();
    QCOMPARE(requests.size(), 3);
    QVERIFY(!requests.at(0).hasHeader("Authorization"));
    const Request &tokenRequest = requests.at(1);
    QCOMPARE(tokenRequest.method, "GET"_ba);
    QCOMPARE(tokenRequest.path(), u"/token"_s);
    QCOMPARE(tokenRequest.query().queryItemValue(u"service"_s, QUrl::FullyDecoded),
             u"fake-registry"_s);
    QCOMPARE(tokenRequest.query().queryItemValue(u"scope"_s, QUrl::FullyDecoded),
             u"repository:team/app:pull"_s);
    QCOMPARE(tokenRequest.header("Authorization"), "Basic " + m_registry->expectedBasic.toBase64());
    QCOMPARE(requests.at(2).header("Authorization"), "Bearer tok-1"_ba);
    QCOMPARE(m_auth->authorization(spec(u"team/app"_s).url, u"repository:team/app:pull"_s),
             "Bearer tok-1"_ba);
}

void TestRegistryAuthenticator::tokenCachedPerScope()
{
    QVERIFY(waitFor(m_scheduler->submit(spec(u"a"_s))).ok());
    QCOMPARE(m_auth->tokenRequests(), 1);
    m_server->clearRequests();

    // The same scope again: the cached token goes out at once, no 401, no token request
    const Response again = waitFor(m_scheduler->submit(spec(u"a"_s)));
    QVERIFY(again.ok());
    QCOMPARE(again.attempts, 1);
    QCOMPARE(m_auth->tokenRequests(), 1);
    QCOMPARE(m_server->requestCount(), 1);
    QCOMPARE(m_server->requests().first().header("Authorization"), "Bearer tok-1"_ba);

    // Another scope needs its own token; a token for a different scope string is not reused
    const Response other = waitFor(m_scheduler->submit(spec(u"b"_s)));
    QVERIFY(other.ok());
    QCOMPARE(m_auth->tokenRequests(), 2);
    QVERIFY(!m_server->requests().at(1).hasHeader("Authorization"));
    QCOMPARE(m_auth->authorization(m_server->url(u"/v2/a/tags/list"_s), u"repository:a:pull"_s),
             "Bearer tok-1"_ba);
    QCOMPARE(m_auth->authorization(m_server->url(u"/v2/b/tags/list"_s), u"repository:b:pull"_s),
             "Bearer tok-2"_ba);
    QVERIFY(m_auth->authorization(m_server->url(u"/v2/"_s), u"repository:c:pull"_s).isEmpty());
}

void TestRegistryAuthenticator::expiredTokenIsRefreshed()
{
    // Given tokens that live one second
    m_registry->expiresIn = 1;
    m_registry->useAccessTokenField = true; // the OAuth2 name is accepted too
    QVERIFY(waitFor(m_scheduler->submit(spec(u"a"_s))).ok());
    QCOMPARE(m_auth->tokenRequests(), 1);
    const QUrl url = spec(u"a"_s).url;
    QCOMPARE(m_auth->authorization(url, u"repository:a:pull"_s), "Bearer tok-1"_ba);

    // When its lifetime (minus the safety margin) has passed, it is no longer offered
    QTRY_VERIFY_WITH_TIMEOUT(m_auth->authorization(url, u"repository:a:pull"_s).isEmpty(), 3000);

    // Then the next request fetches a new one
    const Response response = waitFor(m_scheduler->submit(spec(u"a"_s)));
    QVERIFY(response.ok());
    QCOMPARE(m_auth->tokenRequests(), 2);
    QCOMPARE(m_server->requests().last().header("Authorization"), "Bearer tok-2"_ba);
}

void TestRegistryAuthenticator::concurrentRequestsShareOneTokenRequest()
{
    // Given a slow token service, so that every request's 401 arrives while it works
    m_registry->tokenDelayMs = 100;
    int succeeded = 0;
    for (int i = 0; i < 5; ++i) {
        m_scheduler->submit(spec(u"shared"_s))->onFinished(this, [&succeeded](const Response &r) {
            if (r.ok())
                ++succeeded;
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(succeeded, 5, 10000);
    QCOMPARE(m_auth->tokenRequests(), 1);
    QCOMPARE(m_registry->tokenRequests.size(), 1);
}

void TestRegistryAuthenticator::wrongCredentialsAreUnauthorizedWithoutSecrets()
{
    m_registry->expectedBasic = "alice:right-password";
    m_auth->setCredentials({QString::fromLatin1(kUser), QString::fromLatin1(kPassword), {}});

    const Response response = waitFor(m_scheduler->submit(spec(u"private"_s)));

    QCOMPARE(response.error.code, ErrorCode::Unauthorized);
    QVERIFY(response.error.message.contains(u"wrong username or password"_s));
    QVERIFY(response.error.message.contains(m_server->baseUrl().host()));
    const QByteArray basic = QByteArray(QByteArray(kUser) + ':' + kPassword).toBase64();
    QVERIFY(!response.error.message.contains(QString::fromLatin1(kPassword)));
    QVERIFY(!response.error.message.contains(QString::fromLatin1(basic)));
    QCOMPARE(response.attempts, 1); // the token service said no: no pointless retry
    QCOMPARE(m_auth->tokenRequests(), 1);
}

void TestRegistryAuthenticator::anonymousTokenWhenNoCredentials()
{
    // Public repositories: the token request goes out without Authorization
    const Response response = waitFor(m_scheduler->submit(spec(u"public"_s)));
    QVERIFY(response.ok());
    QCOMPARE(m_registry->tokenRequests.size(), 1);
    QVERIFY(!m_registry->tokenRequests.first().hasHeader("Authorization"));

    // And a token service that wants credentials says so in words
    m_registry->expectedBasic = "alice:pw";
    m_auth->clearTokens();
    const Response refused = waitFor(m_scheduler->submit(spec(u"private"_s)));
    QCOMPARE(refused.error.code, ErrorCode::Unauthorized);
    QVERIFY(refused.error.message.contains(u"credentials required"_s));
}

void TestRegistryAuthenticator::basicChallengeFlow()
{
    m_registry->mode = FakeRegistry::Mode::Basic;
    m_registry->expectedBasic = QByteArray(kUser) + ':' + kPassword;
    m_auth->setCredentials({QString::fromLatin1(kUser), QString::fromLatin1(kPassword), {}});
    RequestSpec s;
    s.url = m_server->url(u"/v2/_catalog"_s);
    s.authenticator = m_auth.get();

    // First request: 401 Basic, then the retry with credentials
    const Response first = waitFor(m_scheduler->submit(s));
    QVERIFY2(first.ok(), qPrintable(first.error.message));
    QCOMPARE(first.attempts, 2);
    QCOMPARE(m_auth->tokenRequests(), 0);

    // Later requests send Basic straight away
    const Response second = waitFor(m_scheduler->submit(s));
    QVERIFY(second.ok());
    QCOMPARE(second.attempts, 1);
    QCOMPARE(m_server->requests().last().header("Authorization"),
             "Basic " + m_registry->expectedBasic.toBase64());
}

void TestRegistryAuthenticator::basicChallengeWithoutCredentials()
{
    m_registry->mode = FakeRegistry::Mode::Basic;
    RequestSpec s;
    s.url = m_server->url(u"/v2/_catalog"_s);
    s.authenticator = m_auth.get();
    const Response response = waitFor(m_scheduler->submit(s));
    QCOMPARE(response.error.code, ErrorCode::Unauthorized);
    QVERIFY(response.error.message.contains(u"credentials required"_s));
    QCOMPARE(response.attempts, 1);
}

void TestRegistryAuthenticator::identityTokenUsesPostForm()
{
    // Given an identity token (docker login against an OAuth2 service)
    m_registry->expectedRefreshToken = "refresh+abc/=&x";
    m_auth->setCredentials({{}, {}, u"refresh+abc/=&x"_s});

    const Response response = waitFor(m_scheduler->submit(spec(u"team/app"_s)));

    // Then the token comes from a POST form with grant_type=refresh_token
    QVERIFY2(response.ok(), qPrintable(response.error.message));
    QCOMPARE(m_registry->tokenRequests.size(), 1);
    const Request &post = m_registry->tokenRequests.first();
    QCOMPARE(post.method, "POST"_ba);
    QCOMPARE(post.header("Content-Type"), "application/x-www-form-urlencoded"_ba);
    QVERIFY(!post.hasHeader("Authorization"));
    const QUrlQuery form(QString::fromLatin1(post.body));
    QCOMPARE(form.queryItemValue(u"grant_type"_s), u"refresh_token"_s);
    QCOMPARE(form.queryItemValue(u"refresh_token"_s, QUrl::FullyDecoded), u"refresh+abc/=&x"_s);
    QCOMPARE(form.queryItemValue(u"service"_s, QUrl::FullyDecoded), u"fake-registry"_s);
    QCOMPARE(form.queryItemValue(u"scope"_s, QUrl::FullyDecoded), u"repository:team/app:pull"_s);
    QVERIFY(!form.queryItemValue(u"client_id"_s).isEmpty());
}

void TestRegistryAuthenticator::credentialResolverIsAskedOnce()
{
    m_registry->expectedBasic = "bob:pw";
    int asked = 0;
    m_auth->setCredentialResolver(
            [&asked](QObject *context, std::function<void(Result<Credentials>)> done) {
                ++asked;
                // Answer from the event loop, as a credential helper process would.
                QMetaObject::invokeMethod(
                        context,
                        [done] {
                            done(Credentials{u"bob"_s, u"pw"_s, {}});
                        },
                        Qt::QueuedConnection);
            });
    // Two scopes at once, then a third later: the resolver runs a single time
    std::optional<Response> a;
    std::optional<Response> b;
    m_scheduler->submit(spec(u"a"_s))->onFinished(this, [&a](const Response &r) { a = r; });
    m_scheduler->submit(spec(u"b"_s))->onFinished(this, [&b](const Response &r) { b = r; });
    QTRY_VERIFY(a && b);
    QVERIFY2(a->ok(), qPrintable(a->error.message));
    QVERIFY2(b->ok(), qPrintable(b->error.message));
    QVERIFY(waitFor(m_scheduler->submit(spec(u"c"_s))).ok());
    QCOMPARE(asked, 1);
    QCOMPARE(m_auth->tokenRequests(), 3);
}

void TestRegistryAuthenticator::plainHttpRealmRefusedForHttpsRegistry()
{
    RegistryAuthenticator auth(m_nam.get(), QUrl(u"https://registry.example"_s));
    auth.setCredentials({u"u"_s, u"p"_s, {}});
    AuthChallenge challenge;
    challenge.scheme = u"bearer"_s;
    challenge.params.insert(u"realm"_s, u"http://auth.example/token"_s);
    challenge.params.insert(u"service"_s, u"registry.example"_s);
    Error result(ErrorCode::None, {});
    bool called = false;
    auth.handleChallenge({challenge}, u"repository:a:pull"_s, this, [&](Error e) {
        called = true;
        result = e;
    });
    QTRY_VERIFY(called);
    QVERIFY(result.isError());
    QCOMPARE(result.code, ErrorCode::Unsupported);
    QCOMPARE(auth.tokenRequests(), 0);
}

void TestRegistryAuthenticator::unusableRealmIsAnError()
{
    AuthChallenge challenge;
    challenge.scheme = u"bearer"_s;
    challenge.params.insert(u"realm"_s, u"file:///etc/passwd"_s);
    bool called = false;
    Error result;
    m_auth->handleChallenge({challenge}, {}, this, [&](Error e) {
        called = true;
        result = e;
    });
    QTRY_VERIFY(called);
    QCOMPARE(result.code, ErrorCode::BadResponse);
    QCOMPARE(m_auth->tokenRequests(), 0);
}

void TestRegistryAuthenticator::noAuthorizationForOtherHosts()
{
    m_registry->mode = FakeRegistry::Mode::Basic;
    m_registry->expectedBasic = "u:p";
    m_auth->setCredentials({u"u"_s, u"p"_s, {}});
    RequestSpec s;
    s.url = m_server->url(u"/v2/"_s);
    s.authenticator = m_auth.get();
    QVERIFY(waitFor(m_scheduler->submit(s)).ok());
    QVERIFY(!m_auth->authorization(m_server->url(u"/v2/"_s), {}).isEmpty());
    QUrl elsewhere = m_server->url(u"/v2/"_s);
    elsewhere.setPort(m_server->port() == 1 ? 2 : 1);
    QVERIFY(m_auth->authorization(elsewhere, {}).isEmpty());
    QVERIFY(m_auth->authorization(QUrl(u"http://other.example/v2/"_s), {}).isEmpty());
}

QTEST_GUILESS_MAIN(TestRegistryAuthenticator)
#include "tst_registryauthenticator.moc"
