// Opening saved connections against the real registry in each auth mode: the kind is detected,
// a wrong password is an error at open (with a clear message and no secret in it), concurrent
// opens share one attempt, and "Test connection" reports kind and auth result.

#include "registryprocess.h"
#include "tokenissuer.h"

#include "clienttestutil.h"
#include "models/metadata/metadataservice.h"
#include "models/session/connectionstore.h"
#include "models/session/registrysession.h"
#include "models/session/secretstore.h"
#include "models/session/sessionmanager.h"
#include "net/backend/registrybackend.h"
#include "net/transport/requestscheduler.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

//! The store, manager and request log of one test.
struct Fixture
{
    Fixture()
        : secrets(SecretStore::Backend::Memory)
        , store(&secrets)
        , sessions(&store, nullptr)
    {
        // Unreachable servers are retried with back-off; the retries themselves are the
        // scheduler's business (tested there), here they only cost time.
        sessions.scheduler()->setRetryDelays(5, 20);
        QObject::connect(sessions.scheduler(), &RequestScheduler::attemptStarted,
                         sessions.scheduler(), [this](const QByteArray &method, const QUrl &url) {
                             attempts.append(QString::fromLatin1(method) + u' ' + url.path());
                         });
    }
    QString add(const RegistryProcess &registry, Connection::AuthMode mode,
                const QString &secret = {}, const QString &address = {})
    {
        Connection c;
        c.name = u"Test"_s;
        c.address = address.isEmpty() ? u"http://"_s + registry.host() : address;
        c.authMode = mode;
        c.username = registry.options().username;
        return store.save(c, secret);
    }
    Result<RegistrySession *> open(const QString &id)
    {
        const auto result = await<RegistrySession *>(
                [&](QObject *context, auto done) { sessions.open(id, context, done); });
        if (!result)
            return Error(ErrorCode::Timeout, u"open() never answered"_s);
        return *result;
    }
    int count(const QString &what) const { return int(attempts.count(what)); }

    SecretStore secrets;
    ConnectionStore store;
    SessionManager sessions;
    QStringList attempts;
};

} // namespace

class TestSessionManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void opensWithoutAuth();
    void opensWithBasicAuth();
    void opensWithTokenAuth();
    void wrongPasswordIsAClearError_data();
    void wrongPasswordIsAClearError();
    void anonymousOnASecuredRegistryAsksForCredentials();
    void concurrentOpensShareOneAttempt();
    void closeAndEditForgetTheSession();
    void closeWhileOpeningCancels();
    void unreachableRegistry();
    void unknownConnection();
    void checkReportsKindAndAuth();

private:
    std::unique_ptr<RegistryProcess> m_open;
    std::unique_ptr<RegistryProcess> m_basic;
    std::unique_ptr<RegistryProcess> m_token;
    QTemporaryDir m_settingsDir;
};

void TestSessionManager::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(u"BerthTest"_s);
    QCoreApplication::setApplicationName(u"tst_sessionmanager"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());

    QString error;
    m_open = std::make_unique<RegistryProcess>();
    QVERIFY2(m_open->start(&error), qPrintable(error));
    RegistryProcess::Options basic;
    basic.auth = RegistryAuth::Basic;
    m_basic = std::make_unique<RegistryProcess>(basic);
    QVERIFY2(m_basic->start(&error), qPrintable(error));
    RegistryProcess::Options token;
    token.auth = RegistryAuth::Token;
    m_token = std::make_unique<RegistryProcess>(token);
    QVERIFY2(m_token->start(&error), qPrintable(error));
}

void TestSessionManager::init()
{
    QSettings().clear();
}

void TestSessionManager::opensWithoutAuth()
{
    // Given an anonymous connection whose kind is left to detection (bare address: Auto scheme)
    Fixture f;
    const QString id = f.add(*m_open, Connection::AuthMode::Anonymous, {}, m_open->host());
    QSignalSpy opened(&f.sessions, &SessionManager::sessionOpened);

    // When it opens
    const auto session = f.open(id);

    // Then it is a plain registry with a metadata service, remembered under the id
    QVERIFY2(session.ok(), qPrintable(session.error().toString()));
    RegistrySession *s = session.value();
    QCOMPARE(s->backend()->kindName(), u"registry"_s);
    QCOMPARE(s->backend()->registryHost(), m_open->host());
    QCOMPARE(s->info().kind, BackendKind::Registry);
    QVERIFY(!s->info().requiresAuthentication);
    QCOMPARE(s->registryName(), m_open->host());
    QVERIFY(s->metadata());
    QCOMPARE(s->metadata()->backend(), s->backend());
    QVERIFY(s->operations());
    QCOMPARE(f.sessions.session(id), s);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.at(0).at(0).toString(), id);

    // And a second open answers with the same session without a request
    const int before = int(f.attempts.size());
    const auto again = f.open(id);
    QVERIFY(again.ok());
    QCOMPARE(again.value(), s);
    QCOMPARE(int(f.attempts.size()), before);
    QCOMPARE(opened.count(), 1);
}

void TestSessionManager::opensWithBasicAuth()
{
    Fixture f;
    const QString id = f.add(*m_basic, Connection::AuthMode::Password, m_basic->options().password);
    const auto session = f.open(id);
    QVERIFY2(session.ok(), qPrintable(session.error().toString()));
    QCOMPARE(session.value()->backend()->kindName(), u"registry"_s);
}

void TestSessionManager::opensWithTokenAuth()
{
    Fixture f;
    // Token mode: the secret is used as the password, as registries expect.
    const QString id = f.add(*m_token, Connection::AuthMode::Token, m_token->options().password);
    const auto session = f.open(id);
    QVERIFY2(session.ok(), qPrintable(session.error().toString()));
    QVERIFY(m_token->tokenIssuer()->lastRequestAuthenticated());

    // The session really is authenticated: a pull-scope listing works.
    std::unique_ptr<Pager> pager(session.value()->backend()->createRepositoryPager({}, nullptr));
    QSignalSpy ready(pager.get(), &Pager::pageReady);
    QSignalSpy failed(pager.get(), &Pager::failed);
    pager->fetchNext();
    QTRY_VERIFY(ready.count() + failed.count() == 1);
    QCOMPARE(ready.count(), 1);
}

void TestSessionManager::wrongPasswordIsAClearError_data()
{
    QTest::addColumn<bool>("token");
    QTest::newRow("basic") << false;
    QTest::newRow("token") << true;
}

void TestSessionManager::wrongPasswordIsAClearError()
{
    QFETCH(bool, token);
    RegistryProcess &registry = token ? *m_token : *m_basic;
    const QString wrong = u"not-the-Password-5512"_s;
    Fixture f;
    const QString id = f.add(registry, Connection::AuthMode::Password, wrong);

    const auto session = f.open(id);

    QVERIFY(!session.ok());
    QCOMPARE(session.error().code, ErrorCode::Unauthorized);
    QCOMPARE(session.error().message,
             u"Wrong user name or password for %1."_s.arg(registry.host()));
    QVERIFY(!session.error().message.contains(wrong));
    QVERIFY(!f.sessions.session(id));
    QVERIFY(!f.sessions.isOpening(id));
}

void TestSessionManager::anonymousOnASecuredRegistryAsksForCredentials()
{
    Fixture f;
    const QString id = f.add(*m_basic, Connection::AuthMode::Anonymous);
    const auto session = f.open(id);
    QVERIFY(!session.ok());
    QCOMPARE(session.error().code, ErrorCode::Unauthorized);
    QVERIFY2(session.error().message.contains(u"needs credentials"_s),
             qPrintable(session.error().message));
}

void TestSessionManager::concurrentOpensShareOneAttempt()
{
    // Given a connection nobody opened yet
    Fixture f;
    const QString id = f.add(*m_basic, Connection::AuthMode::Password, m_basic->options().password);
    QSignalSpy opened(&f.sessions, &SessionManager::sessionOpened);

    // When three callers open it in the same event-loop turn
    QList<Result<RegistrySession *>> results;
    QObject context;
    for (int i = 0; i < 3; ++i) {
        f.sessions.open(id, &context,
                        [&results](Result<RegistrySession *> result) { results.append(result); });
    }
    QVERIFY(f.sessions.isOpening(id));
    QTRY_COMPARE(results.size(), 3);

    // Then all get the same session from one detection and one connect check
    for (const auto &result : std::as_const(results)) {
        QVERIFY2(result.ok(), qPrintable(result.error().toString()));
        QCOMPARE(result.value(), results.constFirst().value());
    }
    QCOMPARE(opened.count(), 1);
    // One anonymous detection ping (401, then nothing more to try) and one ping with the
    // password (401 challenge, then 200): no more than a single open would make.
    QCOMPARE(f.count(u"GET /v2/"_s), 3);
}

void TestSessionManager::closeAndEditForgetTheSession()
{
    Fixture f;
    const QString id = f.add(*m_open, Connection::AuthMode::Anonymous);
    const auto first = f.open(id);
    QVERIFY(first.ok());
    QPointer<RegistrySession> firstSession = first.value();
    QSignalSpy closed(&f.sessions, &SessionManager::sessionClosed);

    // Editing the connection forgets its session; the next open makes a new one.
    Connection edited = f.store.connection(id);
    edited.name = u"Renamed"_s;
    f.store.save(edited);
    QCOMPARE(closed.count(), 1);
    QVERIFY(!f.sessions.session(id));
    QTRY_VERIFY(firstSession.isNull()); // deleted later, not at once
    QSignalSpy opened(&f.sessions, &SessionManager::sessionOpened);
    const int before = int(f.attempts.size());
    const auto second = f.open(id);
    QVERIFY(second.ok());
    // (a session no longer carries its connection: that it is a new one shows in a new open,
    // with its detection request, under the same id)
    QCOMPARE(opened.count(), 1);
    QVERIFY(int(f.attempts.size()) > before);
    QCOMPARE(f.sessions.session(id), second.value());

    f.sessions.close(id);
    QCOMPARE(closed.count(), 2);
    QVERIFY(!f.sessions.session(id));
}

void TestSessionManager::closeWhileOpeningCancels()
{
    Fixture f;
    const QString id = f.add(*m_open, Connection::AuthMode::Anonymous);
    QObject context;
    std::optional<Result<RegistrySession *>> result;
    f.sessions.open(id, &context, [&result](Result<RegistrySession *> r) { result.emplace(r); });
    f.sessions.close(id);
    QVERIFY(result.has_value()); // told at once
    QCOMPARE(result->error().code, ErrorCode::Cancelled);
    // Nothing of the cancelled attempt arrives later.
    QTest::qWait(300); // a window for a stray callback; the assertion is that none comes
    QVERIFY(!f.sessions.session(id));
    QVERIFY(!f.sessions.isOpening(id));
}

void TestSessionManager::unreachableRegistry()
{
    // A registry that was stopped: the port answers nothing.
    RegistryProcess gone;
    QString error;
    QVERIFY2(gone.start(&error), qPrintable(error));
    const QString host = gone.host();
    gone.stop();
    Fixture f;
    Connection c;
    c.address = u"http://"_s + host;
    c.authMode = Connection::AuthMode::Anonymous;
    const QString id = f.store.save(c);
    const auto session = f.open(id);
    QVERIFY(!session.ok());
    QCOMPARE(session.error().code, ErrorCode::Network);
}

void TestSessionManager::unknownConnection()
{
    Fixture f;
    const auto session = f.open(u"no-such-id"_s);
    QVERIFY(!session.ok());
    QCOMPARE(session.error().code, ErrorCode::InvalidInput);
}

void TestSessionManager::checkReportsKindAndAuth()
{
    Fixture f;
    Connection c;
    c.address = u"http://"_s + m_token->host();
    c.authMode = Connection::AuthMode::Password;
    c.username = m_token->options().username;

    const auto check = [&](const std::optional<QString> &secret) {
        std::optional<ConnectionCheck> out;
        QObject context;
        f.sessions.check(c, secret, &context, [&out](ConnectionCheck r) { out = r; });
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(out.has_value(), 30000);
        }();
        return out.value_or(ConnectionCheck());
    };

    // Right password: a registry, and the credentials work. (The token registry lets an
    // anonymous token reach /v2/, so it does not count as requiring authentication.)
    const ConnectionCheck good = check(m_token->options().password);
    QVERIFY(good.ok());
    QVERIFY(good.backend.has_value());
    QCOMPARE(good.backend->kind, BackendKind::Registry);
    QVERIFY(!good.backend->requiresAuthentication);
    QVERIFY(!good.reachError.isError());

    // A basic-auth registry refuses anonymous /v2/: detected as needing authentication
    c.address = u"http://"_s + m_basic->host();
    const ConnectionCheck basic = check(m_basic->options().password);
    QVERIFY(basic.ok());
    QVERIFY(basic.backend->requiresAuthentication);
    c.address = u"http://"_s + m_token->host();

    // Wrong password: still recognised as a registry, the auth result says why not
    const ConnectionCheck bad = check(u"wrong"_s);
    QVERIFY(!bad.ok());
    QVERIFY(bad.backend.has_value());
    QVERIFY(!bad.authenticated);
    QCOMPARE(bad.authError.code, ErrorCode::Unauthorized);

    // The stored secret is used when none is given; no session is left behind
    c.id = f.store.save(c, m_token->options().password);
    QVERIFY(check(std::nullopt).ok());
    QVERIFY(!f.sessions.session(c.id));

    // Nothing listens: not reachable, nothing detected
    c.address = u"http://127.0.0.1:1"_s;
    const ConnectionCheck nothing = check(u"x"_s);
    QVERIFY(nothing.reachError.isError());
    QVERIFY(!nothing.backend.has_value());
}

QTEST_GUILESS_MAIN(TestSessionManager)
#include "tst_sessionmanager.moc"
