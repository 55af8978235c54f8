#pragma once

#include "net/core/error.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace QKeychain {
class Job;
}

namespace Berth {

//! Passwords and tokens of saved connections, keyed by connection id. Kept in the desktop
//! keychain (QtKeychain: Secret Service, KWallet, macOS Keychain, Windows Credential Store)
//! when one answers; otherwise in this process's memory only, which isPersistent() tells so
//! the UI can say "the password is kept for this session only". A secret is never written to
//! QSettings or to a log. Every call ends with exactly one callback on context, from the event
//! loop (never synchronously).
class SecretStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)
public:
    enum class Backend {
        Auto,     //!< the keychain when it answers within keychainTimeoutMs(), else memory
        Keychain, //!< the keychain only (failures are errors)
        Memory,   //!< this session only (tests, or a person who wants nothing stored)
    };

    explicit SecretStore(QObject *parent = nullptr);
    explicit SecretStore(Backend backend, QObject *parent = nullptr);
    ~SecretStore() override;

    //! The QtKeychain service name the secrets are filed under.
    static QString serviceName();

    //! True once the keychain answered; false while unknown or when secrets live in memory only.
    bool isPersistent() const { return m_state == State::Keychain; }
    //! True until the first keychain answer (or timeout) settled where secrets go.
    bool isProbing() const { return m_state == State::Unknown || m_state == State::Probing; }
    //! Asks the keychain now (Auto and Keychain), so isPersistent() is known before a dialog
    //! needs it. Harmless when already known.
    void probe();

    //! Keychain jobs can take long to fail when no daemon answers (D-Bus activation timeouts
    //! are 25 s); past this the store gives up on the keychain for the session.
    void setKeychainTimeoutMs(int ms) { m_timeoutMs = ms; }
    int keychainTimeoutMs() const { return m_timeoutMs; }

    //! The secret, or an empty string when none is stored.
    void read(const QString &id, QObject *context, std::function<void(Result<QString>)> done);
    void write(const QString &id, const QString &secret, QObject *context,
               std::function<void(Result<void>)> done);
    void remove(const QString &id, QObject *context, std::function<void(Result<void>)> done);

Q_SIGNALS:
    //! Where secrets go was settled (or changed after a keychain failure).
    void persistenceChanged(bool persistent);

private:
    enum class State { Unknown, Probing, Keychain, Memory };
    enum class Op { Read, Write, Remove };
    struct Pending
    {
        Op op;
        QString id;
        QString secret;
        QPointer<QObject> context;
        std::function<void(Result<QString>)> done;
    };

    void enqueue(Pending pending);
    void run(Pending pending);
    void runInMemory(const Pending &pending);
    void runInKeychain(Pending pending);
    void settle(State state);
    void fallBackToMemory(const QString &why);
    //! Starts job with a timeout; finished(job, timedOut) on this object.
    void startJob(QKeychain::Job *job, std::function<void(QKeychain::Job *, bool)> finished);
    static void deliver(const Pending &pending, Result<QString> result);

    Backend m_backend;
    State m_state = State::Unknown;
    // 3 s: a working Secret Service answers in well under a second even when it must start;
    // one that does not answer by then would make every dialog hang.
    int m_timeoutMs = 3000;
    //! Every secret known this session (read from or written to the keychain, or memory-only).
    QHash<QString, QString> m_memory;
    QList<Pending> m_waiting; //!< operations waiting for the probe
};

} // namespace Berth
