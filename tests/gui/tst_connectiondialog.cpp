// The add/edit registry dialog, offscreen: fields map to a Connection, invalid input disables
// Save with a reason, "skip TLS verification" shows its warning, the keychain note is honest,
// and "Test connection" against the real registry reports the kind and the sign-in result.

#include "registryprocess.h"

#include "models/session/connectionstore.h"
#include "models/session/secretstore.h"
#include "models/session/sessionmanager.h"
#include "net/transport/requestscheduler.h"
#include "ui/connectiondialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

class TestConnectionDialog : public QObject
{
    Q_OBJECT

public:
    //! No keychain (no D-Bus session bus) whatever the machine has: the test shows the fallback.
    static void initMain()
    {
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/berth-test-no-bus");
        QStandardPaths::setTestModeEnabled(true);
    }

private Q_SLOTS:
    void initTestCase();
    void fieldsMakeAConnection();
    void editKeepsIdAndSecret();
    void validation_data();
    void validation();
    void skipTlsShowsWarning();
    void authModeShowsTheRightFields();
    void sessionOnlyNote();
    void testConnectionReportsKindAndAuth();
    void testConnectionReportsWrongPassword();
    void testConnectionReportsNothingListening();

private:
    template<typename T>
    T *child(QWidget *dialog, const QString &name)
    {
        T *found = dialog->findChild<T *>(name);
        if (!found)
            qFatal("no child %s", qPrintable(name));
        return found;
    }
    void fill(ConnectionDialog &dialog, const QString &address, int authIndex,
              const QString &user = {}, const QString &secret = {});

    QTemporaryDir m_settingsDir;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<SessionManager> m_sessions;
};

void TestConnectionDialog::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(u"BerthTest"_s);
    QCoreApplication::setApplicationName(u"tst_connectiondialog"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    m_secrets = std::make_unique<SecretStore>(SecretStore::Backend::Auto);
    m_store = std::make_unique<ConnectionStore>(m_secrets.get());
    m_sessions = std::make_unique<SessionManager>(m_store.get(), nullptr);
    // Unreachable servers are retried with back-off; here that only costs time.
    m_sessions->scheduler()->setRetryDelays(5, 20);
}

void TestConnectionDialog::fill(ConnectionDialog &dialog, const QString &address, int authIndex,
                                const QString &user, const QString &secret)
{
    auto *addressEdit = child<QLineEdit>(&dialog, u"address"_s);
    addressEdit->clear();
    QTest::keyClicks(addressEdit, address);
    child<QComboBox>(&dialog, u"auth"_s)->setCurrentIndex(authIndex);
    auto *userEdit = child<QLineEdit>(&dialog, u"username"_s);
    userEdit->clear();
    QTest::keyClicks(userEdit, user);
    auto *secretEdit = child<QLineEdit>(&dialog, u"secret"_s);
    secretEdit->clear();
    QTest::keyClicks(secretEdit, secret);
}

void TestConnectionDialog::fieldsMakeAConnection()
{
    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    // Auth combo order: docker login, password, token, anonymous.
    fill(dialog, u"https://harbor.example.com"_s, 2, u"robot$ci+pull"_s, u"tok"_s);
    child<QComboBox>(&dialog, u"kind"_s)->setCurrentIndex(2);
    QTest::keyClicks(child<QLineEdit>(&dialog, u"caFile"_s), u"/etc/ssl/lab.pem"_s);

    const Connection c = dialog.connection();
    QVERIFY(c.id.isEmpty());
    QCOMPARE(c.address, u"https://harbor.example.com"_s);
    QCOMPARE(c.name, u"harbor.example.com"_s); // the host when no name was given
    QCOMPARE(c.kind, Connection::Kind::Harbor);
    QCOMPARE(c.authMode, Connection::AuthMode::Token);
    QCOMPARE(c.username, u"robot$ci+pull"_s);
    QCOMPARE(c.caCertificateFile, u"/etc/ssl/lab.pem"_s);
    QVERIFY(!c.insecureSkipTlsVerify);
    QVERIFY(!c.plainHttp);
    QCOMPARE(dialog.secret(), u"tok"_s);
    QVERIFY(dialog.validationProblem().isEmpty());
}

void TestConnectionDialog::editKeepsIdAndSecret()
{
    Connection original;
    original.id = u"id-1"_s;
    original.name = u"Lab"_s;
    original.address = u"registry.lab:5443"_s;
    original.kind = Connection::Kind::Registry;
    original.authMode = Connection::AuthMode::Password;
    original.username = u"alice"_s;
    original.insecureSkipTlsVerify = true;
    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    dialog.setConnection(original);
    QCOMPARE(dialog.connection(), original);
    QVERIFY(dialog.secret().isEmpty()); // empty = keep the stored one
    QCOMPARE(child<QLineEdit>(&dialog, u"secret"_s)->placeholderText(), u"Unchanged"_s);
}

void TestConnectionDialog::validation_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("auth");
    QTest::addColumn<QString>("user");
    QTest::addColumn<bool>("plainHttp");
    QTest::addColumn<bool>("acceptable");
    QTest::newRow("empty") << QString() << 3 << QString() << false << false;
    QTest::newRow("http remote") << u"http://r.example"_s << 3 << QString() << false << false;
    QTest::newRow("http remote opted in")
            << u"http://r.example"_s << 3 << QString() << true << true;
    QTest::newRow("http loopback") << u"http://127.0.0.1:5000"_s << 3 << QString() << false << true;
    QTest::newRow("ftp") << u"ftp://r.example"_s << 3 << QString() << false << false;
    QTest::newRow("password without user") << u"r.example"_s << 1 << QString() << false << false;
    QTest::newRow("password with user") << u"r.example"_s << 1 << u"bob"_s << false << true;
}

void TestConnectionDialog::validation()
{
    QFETCH(QString, address);
    QFETCH(int, auth);
    QFETCH(QString, user);
    QFETCH(bool, plainHttp);
    QFETCH(bool, acceptable);
    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    fill(dialog, address, auth, user);
    child<QCheckBox>(&dialog, u"plainHttp"_s)->setChecked(plainHttp);

    auto *save = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    auto *problem = child<QLabel>(&dialog, u"problem"_s);
    QCOMPARE(save->isEnabled(), acceptable);
    QCOMPARE(child<QPushButton>(&dialog, u"testButton"_s)->isEnabled(), acceptable);
    QCOMPARE(problem->isVisible(), !acceptable);
    QCOMPARE(dialog.validationProblem().isEmpty(), acceptable);
    if (!acceptable)
        QCOMPARE(problem->text(), dialog.validationProblem());
}

void TestConnectionDialog::skipTlsShowsWarning()
{
    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *skip = child<QCheckBox>(&dialog, u"skipTls"_s);
    auto *warning = child<QWidget>(&dialog, u"tlsWarning"_s);
    QVERIFY(!skip->isChecked()); // verification is the default
    QVERIFY(!warning->isVisible());

    QTest::mouseClick(skip, Qt::LeftButton, {}, QPoint(5, skip->height() / 2));
    QVERIFY(skip->isChecked());
    QVERIFY(warning->isVisible());
    QVERIFY(dialog.connection().insecureSkipTlsVerify);

    skip->setChecked(false);
    QVERIFY(!warning->isVisible());
}

void TestConnectionDialog::authModeShowsTheRightFields()
{
    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *auth = child<QComboBox>(&dialog, u"auth"_s);
    auto *user = child<QLineEdit>(&dialog, u"username"_s);
    auto *hint = child<QLabel>(&dialog, u"authHint"_s);
    auth->setCurrentIndex(3); // anonymous
    QVERIFY(!user->isVisible());
    auth->setCurrentIndex(1); // password
    QVERIFY(user->isVisible());
    QVERIFY(hint->text().contains(u"robot$"_s));
    auth->setCurrentIndex(0); // docker login
    QVERIFY(!user->isVisible());
    QVERIFY(hint->text().contains(u"docker login"_s));
}

void TestConnectionDialog::sessionOnlyNote()
{
    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    child<QComboBox>(&dialog, u"auth"_s)->setCurrentIndex(1);
    auto *note = child<QLabel>(&dialog, u"secretNote"_s);
    // No keychain here (initMain): the note says so once the probe gave up.
    QTRY_VERIFY_WITH_TIMEOUT(!m_secrets->isProbing(), 10000);
    QVERIFY(!m_secrets->isPersistent());
    QVERIFY2(note->text().contains(u"this session only"_s), qPrintable(note->text()));
}

void TestConnectionDialog::testConnectionReportsKindAndAuth()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    RegistryProcess::Options options;
    options.auth = RegistryAuth::Basic;
    m_registry = std::make_unique<RegistryProcess>(options);
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));

    // Given the fields filled for the registry with the right password
    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    fill(dialog, u"http://"_s + m_registry->host(), 1, options.username, options.password);
    QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);

    // When Test connection is clicked
    auto *button = child<QPushButton>(&dialog, u"testButton"_s);
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(dialog.isTesting());
    QVERIFY(!button->isEnabled()); // one test at a time
    QVERIFY(finished.wait(30000));

    // Then the result line names the registry kind and the signed-in user, inline
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    const QString text = dialog.testResultText();
    QVERIFY2(text.contains(u"Registry"_s), qPrintable(text));
    QVERIFY2(text.contains(u"Signed in as berth"_s), qPrintable(text));
    QVERIFY(child<QLabel>(&dialog, u"testResult"_s)->isVisible());
    QVERIFY(button->isEnabled());
    QVERIFY(!dialog.isTesting());
}

void TestConnectionDialog::testConnectionReportsWrongPassword()
{
    if (!m_registry)
        QSKIP("needs the registry of testConnectionReportsKindAndAuth");
    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    const QString wrong = u"Wrong-Secret-0091"_s;
    fill(dialog, u"http://"_s + m_registry->host(), 1, u"berth"_s, wrong);
    QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);
    dialog.testConnection();
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    const QString text = dialog.testResultText();
    QVERIFY2(text.contains(u"Registry"_s), qPrintable(text));
    QVERIFY2(text.contains(u"Wrong user name or password"_s), qPrintable(text));
    QVERIFY(!text.contains(wrong));
}

void TestConnectionDialog::testConnectionReportsNothingListening()
{
    ConnectionDialog dialog(m_store.get(), m_sessions.get());
    fill(dialog, u"http://127.0.0.1:1"_s, 3);
    QSignalSpy finished(&dialog, &ConnectionDialog::testFinished);
    dialog.testConnection();
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY2(dialog.testResultText().startsWith(u"No registry found"_s),
             qPrintable(dialog.testResultText()));
}

QTEST_MAIN(TestConnectionDialog)
#include "tst_connectiondialog.moc"
