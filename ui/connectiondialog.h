#pragma once

#include "models/session/connection.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QWidget;

namespace Berth {

class ConnectionStore;
class SessionManager;

//! Adds or edits a saved registry: address and name, kind (auto-detected, overridable),
//! authentication (anonymous, user name + password or token, docker login credentials), TLS
//! (verification on by default, an extra CA file, "skip verification" only with a visible
//! warning) and plain HTTP (loopback, or an explicit opt-in). "Test connection" detects the
//! server and checks the credentials through a temporary session and reports inline.
class ConnectionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionDialog)
public:
    //! store tells whether secrets persist (may be null); sessions runs "Test connection" (may
    //! be null: then the button is disabled).
    ConnectionDialog(ConnectionStore *store, SessionManager *sessions, QWidget *parent = nullptr);

    //! Fills the fields for editing; the secret field stays empty ("unchanged").
    void setConnection(const Connection &connection);
    //! The connection as entered (the id of setConnection(), else empty).
    Connection connection() const;
    //! The secret typed, or empty to keep the stored one.
    QString secret() const;

    //! Starts "Test connection" (what the button does).
    void testConnection();
    bool isTesting() const { return m_testing; }
    //! The result line as shown (for tests and accessibility).
    QString testResultText() const;
    //! Why OK is disabled, or empty when the input is acceptable.
    QString validationProblem() const;

Q_SIGNALS:
    void testFinished(bool ok);

private:
    // The constructor's parts, called once each in this order: creation order is the tab order.
    QFormLayout *createGeneralFields();
    QGroupBox *createAuthenticationBox();
    QGroupBox *createSecurityBox();
    QWidget *createTlsWarning(QWidget *parent);
    QHBoxLayout *createTestRow();
    void connectSignals();

    void updateState();
    void updateSecretNote();
    void browseCaFile();
    void showResult(bool ok, const QString &text);

    ConnectionStore *m_store;
    SessionManager *m_sessions;
    QString m_id;
    bool m_testing = false;

    QLineEdit *m_address;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QComboBox *m_auth;
    QLabel *m_usernameLabel;
    QLineEdit *m_username;
    QLabel *m_secretLabel;
    QLineEdit *m_secret;
    QLabel *m_authHint;
    QLabel *m_secretNote;
    QLineEdit *m_caFile;
    QPushButton *m_caBrowse;
    QCheckBox *m_skipTls;
    QWidget *m_tlsWarning;
    QCheckBox *m_plainHttp;
    QLabel *m_problem;
    QPushButton *m_test;
    QLabel *m_resultIcon;
    QLabel *m_result;
    QDialogButtonBox *m_buttons;
};

} // namespace Berth
