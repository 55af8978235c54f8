#include "ui/connectiondialog.h"

#include "models/session/connectionstore.h"
#include "models/session/secretstore.h"
#include "models/session/sessionmanager.h"
#include "net/core/imagereference.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

QLabel *hintLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    // Secondary text: the palette's placeholder colour, followed when the palette changes
    // (light and dark themes).
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QString schemeOf(const QString &address)
{
    const qsizetype separator = address.indexOf(u"://"_s);
    return separator > 0 ? address.left(separator).trimmed().toLower() : QString();
}

} // namespace

ConnectionDialog::ConnectionDialog(ConnectionStore *store, SessionManager *sessions,
                                   QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_sessions(sessions)
{
    setWindowTitle(tr("Add Registry"));

    QFormLayout *general = createGeneralFields();
    QGroupBox *authBox = createAuthenticationBox();
    QGroupBox *tlsBox = createSecurityBox();
    QHBoxLayout *testRow = createTestRow();

    m_problem = new QLabel(this);
    m_problem->setObjectName(u"problem"_s);
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Save"));

    auto *layout = new QVBoxLayout(this);
    // Rows appear and hide with the auth mode and the TLS choice: the dialog grows with them
    // instead of squeezing the wrapped hints.
    layout->setSizeConstraint(QLayout::SetMinimumSize);
    layout->addLayout(general);
    layout->addWidget(authBox);
    layout->addWidget(tlsBox);
    layout->addLayout(testRow);
    layout->addWidget(m_problem);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connectSignals();
    if (m_store && m_store->secretStore()) {
        SecretStore *secrets = m_store->secretStore();
        connect(secrets, &SecretStore::persistenceChanged, this,
                &ConnectionDialog::updateSecretNote);
        secrets->probe();
    }
    updateState();
    updateSecretNote();
}

QFormLayout *ConnectionDialog::createGeneralFields()
{
    m_address = new QLineEdit(this);
    m_address->setObjectName(u"address"_s);
    m_address->setPlaceholderText(
            tr("registry.example.com, 127.0.0.1:5000 or https://harbor.example.com"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(u"name"_s);
    m_name->setPlaceholderText(tr("Shown in the list; the address when empty"));
    m_kind = new QComboBox(this);
    m_kind->setObjectName(u"kind"_s);
    m_kind->addItem(tr("Detect automatically"), int(Connection::Kind::Auto));
    m_kind->addItem(tr("Docker Registry / OCI Distribution"), int(Connection::Kind::Registry));
    m_kind->addItem(tr("Harbor"), int(Connection::Kind::Harbor));

    auto *general = new QFormLayout;
    general->addRow(tr("&Address:"), m_address);
    general->addRow(tr("&Name:"), m_name);
    general->addRow(tr("&Kind:"), m_kind);
    return general;
}

QGroupBox *ConnectionDialog::createAuthenticationBox()
{
    auto *authBox = new QGroupBox(tr("Authentication"), this);
    m_auth = new QComboBox(authBox);
    m_auth->setObjectName(u"auth"_s);
    m_auth->addItem(tr("Docker login credentials"), int(Connection::AuthMode::DockerLogin));
    m_auth->addItem(tr("User name and password"), int(Connection::AuthMode::Password));
    m_auth->addItem(tr("User name and token"), int(Connection::AuthMode::Token));
    m_auth->addItem(tr("Anonymous"), int(Connection::AuthMode::Anonymous));
    m_username = new QLineEdit(authBox);
    m_username->setObjectName(u"username"_s);
    m_secret = new QLineEdit(authBox);
    m_secret->setObjectName(u"secret"_s);
    m_secret->setEchoMode(QLineEdit::Password);
    m_usernameLabel = new QLabel(tr("&User name:"), authBox);
    m_usernameLabel->setBuddy(m_username);
    m_secretLabel = new QLabel(tr("&Password:"), authBox);
    m_secretLabel->setBuddy(m_secret);
    m_authHint = hintLabel(QString(), authBox);
    m_authHint->setObjectName(u"authHint"_s);
    m_secretNote = hintLabel(QString(), authBox);
    m_secretNote->setObjectName(u"secretNote"_s);
    auto *authForm = new QFormLayout(authBox);
    authForm->addRow(tr("&Sign in with:"), m_auth);
    authForm->addRow(m_usernameLabel, m_username);
    authForm->addRow(m_secretLabel, m_secret);
    authForm->addRow(QString(), m_authHint);
    authForm->addRow(QString(), m_secretNote);
    return authBox;
}

QGroupBox *ConnectionDialog::createSecurityBox()
{
    auto *tlsBox = new QGroupBox(tr("Security"), this);
    m_caFile = new QLineEdit(tlsBox);
    m_caFile->setObjectName(u"caFile"_s);
    m_caFile->setPlaceholderText(tr("System certificates"));
    m_caBrowse = new QPushButton(tr("&Browse…"), tlsBox);
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(m_caBrowse);
    m_skipTls = new QCheckBox(tr("S&kip TLS certificate verification (insecure)"), tlsBox);
    m_skipTls->setObjectName(u"skipTls"_s);
    m_tlsWarning = createTlsWarning(tlsBox);
    m_plainHttp = new QCheckBox(tr("Allow plain &HTTP (unencrypted)"), tlsBox);
    m_plainHttp->setObjectName(u"plainHttp"_s);
    auto *tlsForm = new QFormLayout(tlsBox);
    auto *caLabel = new QLabel(tr("&CA certificate:"), tlsBox);
    caLabel->setBuddy(m_caFile);
    tlsForm->addRow(caLabel, caRow);
    tlsForm->addRow(QString(), m_skipTls);
    tlsForm->addRow(QString(), m_tlsWarning);
    tlsForm->addRow(QString(), m_plainHttp);
    return tlsBox;
}

QWidget *ConnectionDialog::createTlsWarning(QWidget *parent)
{
    auto *warning = new QWidget(parent);
    warning->setObjectName(u"tlsWarning"_s);
    auto *icon = new QLabel(warning);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(size, size));
    icon->setAlignment(Qt::AlignTop);
    auto *text = new QLabel(tr("Certificates are not checked: anyone on the network path can "
                               "pose as this registry and read the password. Prefer adding "
                               "the registry's CA file above."),
                            warning);
    text->setWordWrap(true);
    auto *row = new QHBoxLayout(warning);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(icon);
    row->addWidget(text, 1);
    return warning;
}

QHBoxLayout *ConnectionDialog::createTestRow()
{
    m_test = new QPushButton(tr("&Test Connection"), this);
    m_test->setObjectName(u"testButton"_s);
    m_test->setAutoDefault(false);
    m_resultIcon = new QLabel(this);
    m_result = new QLabel(this);
    m_result->setObjectName(u"testResult"_s);
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test, 0, Qt::AlignTop);
    testRow->addWidget(m_resultIcon, 0, Qt::AlignTop);
    testRow->addWidget(m_result, 1);
    return testRow;
}

void ConnectionDialog::connectSignals()
{
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_test, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
    connect(m_caBrowse, &QPushButton::clicked, this, &ConnectionDialog::browseCaFile);
    for (QLineEdit *edit : {m_address, m_username, m_caFile})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionDialog::updateState);
    for (QComboBox *combo : {m_kind, m_auth})
        connect(combo, &QComboBox::currentIndexChanged, this, &ConnectionDialog::updateState);
    for (QCheckBox *box : {m_skipTls, m_plainHttp})
        connect(box, &QCheckBox::toggled, this, &ConnectionDialog::updateState);
}

void ConnectionDialog::setConnection(const Connection &connection)
{
    setWindowTitle(tr("Edit Registry"));
    m_id = connection.id;
    m_address->setText(connection.address);
    m_name->setText(connection.name);
    m_kind->setCurrentIndex(m_kind->findData(int(connection.kind)));
    m_auth->setCurrentIndex(m_auth->findData(int(connection.authMode)));
    m_username->setText(connection.username);
    m_secret->clear();
    m_caFile->setText(connection.caCertificateFile);
    m_skipTls->setChecked(connection.insecureSkipTlsVerify);
    m_plainHttp->setChecked(connection.plainHttp);
    updateState();
}

Connection ConnectionDialog::connection() const
{
    Connection c;
    c.id = m_id;
    c.address = m_address->text().trimmed();
    c.name = m_name->text().trimmed();
    if (c.name.isEmpty())
        c.name = c.host();
    c.kind = Connection::Kind(m_kind->currentData().toInt());
    c.authMode = Connection::AuthMode(m_auth->currentData().toInt());
    const bool named = c.authMode == Connection::AuthMode::Password
                       || c.authMode == Connection::AuthMode::Token;
    c.username = named ? m_username->text().trimmed() : QString();
    c.caCertificateFile = m_caFile->text().trimmed();
    c.insecureSkipTlsVerify = m_skipTls->isChecked();
    c.plainHttp = m_plainHttp->isChecked();
    return c;
}

QString ConnectionDialog::secret() const
{
    return m_secret->text();
}

QString ConnectionDialog::testResultText() const
{
    return m_result->text();
}

QString ConnectionDialog::validationProblem() const
{
    const Connection c = connection();
    if (c.address.isEmpty())
        return tr("Enter the registry's address.");
    if (c.host().isEmpty() || c.host().contains(u' '))
        return tr("“%1” is not a registry address.").arg(c.address);
    const QString scheme = schemeOf(c.address);
    if (!scheme.isEmpty() && scheme != u"http" && scheme != u"https")
        return tr("Use an https:// or http:// address.");
    if (scheme == u"http" && !c.plainHttp && !ImageReference::isLoopbackHost(c.host())) {
        return tr("Plain HTTP sends the password unencrypted. Tick “Allow plain HTTP” to use it "
                  "for a registry that is not on this computer.");
    }
    if ((c.authMode == Connection::AuthMode::Password || c.authMode == Connection::AuthMode::Token)
        && c.username.isEmpty()) {
        return tr("Enter a user name (a robot account is fine).");
    }
    return {};
}

void ConnectionDialog::updateState()
{
    const auto mode = Connection::AuthMode(m_auth->currentData().toInt());
    const bool named
            = mode == Connection::AuthMode::Password || mode == Connection::AuthMode::Token;
    for (QWidget *w : std::initializer_list<QWidget *>{m_usernameLabel, m_username, m_secretLabel,
                                                       m_secret, m_secretNote})
        w->setVisible(named);
    m_secretLabel->setText(mode == Connection::AuthMode::Token ? tr("&Token:") : tr("&Password:"));
    m_secret->setPlaceholderText(m_id.isEmpty() ? QString() : tr("Unchanged"));
    switch (mode) {
    case Connection::AuthMode::Password:
    case Connection::AuthMode::Token:
        m_authHint->setText(tr("Harbor robot accounts sign in with their full name "
                               "(robot$project+name) and their secret."));
        break;
    case Connection::AuthMode::DockerLogin:
        m_authHint->setText(tr("Uses what `docker login` or `podman login` saved for this "
                               "registry, including credential helpers. Anonymous when none."));
        break;
    case Connection::AuthMode::Anonymous:
        m_authHint->setText(tr("Public registries only: no credentials are sent."));
        break;
    }
    m_tlsWarning->setVisible(m_skipTls->isChecked());

    const QString problem = validationProblem();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
    m_test->setEnabled(problem.isEmpty() && m_sessions && !m_testing);
    if (isVisible()) {
        // Rows came or went: fit them (wrapped hints need their height for the current width).
        layout()->activate();
        adjustSize();
    }
}

void ConnectionDialog::updateSecretNote()
{
    SecretStore *secrets = m_store ? m_store->secretStore() : nullptr;
    if (!secrets || secrets->isPersistent()) {
        m_secretNote->setText(tr("Kept in the desktop keychain, never in Berth's settings."));
    } else if (secrets->isProbing()) {
        m_secretNote->setText(tr("Looking for the desktop keychain…"));
    } else {
        m_secretNote->setText(tr("No desktop keychain is available: the password is kept for "
                                 "this session only."));
    }
}

void ConnectionDialog::browseCaFile()
{
    const QString file = QFileDialog::getOpenFileName(
            this, tr("CA Certificate"), m_caFile->text(),
            tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
    if (!file.isEmpty())
        m_caFile->setText(file);
}

void ConnectionDialog::testConnection()
{
    if (!m_sessions || m_testing || !validationProblem().isEmpty())
        return;
    m_testing = true;
    updateState();
    m_resultIcon->clear();
    m_result->setText(tr("Testing %1…").arg(connection().host()));
    std::optional<QString> secret;
    if (!m_secret->text().isEmpty() || m_id.isEmpty())
        secret = m_secret->text();
    const Connection tested = connection();
    m_sessions->check(tested, secret, this, [this, tested](ConnectionCheck check) {
        m_testing = false;
        updateState();
        if (!check.backend) {
            showResult(false, tr("No registry found: %1").arg(check.reachError.message));
            return;
        }
        QString found = check.backend->product;
        if (!check.backend->version.isEmpty())
            found += u' ' + check.backend->version;
        QString auth;
        if (!check.authenticated)
            auth = tr("Sign-in failed: %1").arg(check.authError.message);
        else if (tested.authMode == Connection::AuthMode::Anonymous)
            auth = tr("Anonymous access works.");
        else if (tested.authMode == Connection::AuthMode::DockerLogin)
            auth = tr("Connected with the docker login credentials.");
        else if (check.backend->requiresAuthentication)
            auth = tr("Signed in as %1.").arg(tested.username);
        else
            // The registry answers anonymously; the credentials go with the first request
            // that needs them.
            auth = tr("Connected as %1.").arg(tested.username);
        showResult(check.ok(), tr("Found %1. %2").arg(found, auth));
    });
}

void ConnectionDialog::showResult(bool ok, const QString &text)
{
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    const QIcon icon = style()->standardIcon(ok ? QStyle::SP_DialogApplyButton
                                                : QStyle::SP_MessageBoxWarning);
    m_resultIcon->setPixmap(icon.pixmap(size, size));
    m_result->setText(text);
    Q_EMIT testFinished(ok);
}

} // namespace Berth
