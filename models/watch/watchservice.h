#pragma once

#include "models/watch/repositorycheck.h"
#include "models/watch/watchbaseline.h"
#include "models/watch/watchstore.h"
#include "net/core/error.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

class QTimer;

namespace Berth {

class RegistryBackend;

//! Watches repositories for new tags and tags that moved to another digest, in the background.
//!
//! Scheduling: each watched repository has its own due time. The first check comes soon after
//! start (firstCheckDelay + a random part of the spread, so a dozen repositories do not fire
//! together), then every interval (+-10 % jitter). At most MaxConcurrentChecks run at once,
//! across every registry; their requests go at Background priority, one at a time per check
//! (RepositoryCheck), so browsing never waits behind them.
//!
//! Failures never notify: a check that fails (401, 404, offline, a 429 whose Retry-After is
//! longer than the scheduler waits out, which is 60 s, or repeated 429s that outlast its
//! retries) postpones that repository's next check: interval * 2^failures, at most 6 h, and at
//! least as long as the server's Retry-After. lastError() says why (the tree's tooltip).
//!
//! Reporting: the first check of a newly watched repository records its baseline and reports
//! nothing. Later checks report each new or moved tag once (changesFound); the changes add to
//! the repository's unseen list (the tree's badge) until markSeen(). Everything except due
//! times and errors is kept in the WatchStore across restarts.
class WatchService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WatchService)
public:
    //! Hands out the backend of a saved connection, opening it when needed (SessionManager's
    //! open() in the app); done on context, once.
    using BackendProvider
            = std::function<void(const QString &connectionId, QObject *context,
                                 std::function<void(Result<RegistryBackend *>)> done)>;

    //! storePath: empty = WatchStore::defaultPath(). Loads the store; nothing is checked before
    //! start().
    WatchService(BackendProvider provider, const QString &storePath = {},
                 QObject *parent = nullptr);
    ~WatchService() override;

    //! Two checks at once: enough to get through dozens of repositories in a minute, few enough
    //! to stay out of the six per-host slots browsing uses.
    static constexpr int MaxConcurrentChecks = 2;

    //! Schedules every watched repository (first checks soon, with jitter).
    void start();
    bool isStarted() const { return m_started; }

    void setIntervalMinutes(int minutes);
    //! Milliseconds (tests); re-plans due times that lie further away than the new interval.
    void setIntervalMs(qint64 ms);
    qint64 intervalMs() const { return m_intervalMs; }
    //! The first check after start() (or after watching begins) comes after delayMs plus a
    //! random part of spreadMs. Defaults: 10 s + up to 50 s.
    void setFirstCheckDelay(int delayMs, int spreadMs);

    bool isWatched(const QString &connectionId, const QString &repository) const;
    void setWatched(const QString &connectionId, const QString &repository, bool watched);
    QStringList watchedRepositories(const QString &connectionId) const;
    bool hasWatchedRepositories() const { return !m_store.keys().isEmpty(); }

    //! Reported and not yet seen.
    QList<TagChange> unseen(const QString &connectionId, const QString &repository) const;
    //! The person opened the repository: its badge is cleared.
    void markSeen(const QString &connectionId, const QString &repository);
    //! The baseline of a watched repository (tests, diagnostics).
    WatchBaseline baseline(const QString &connectionId, const QString &repository) const;

    //! Why the last check failed; empty after a good one.
    QString lastError(const QString &connectionId, const QString &repository) const;
    QDateTime lastChecked(const QString &connectionId, const QString &repository) const;
    //! When the next check is due (UTC); invalid when not scheduled.
    QDateTime nextCheck(const QString &connectionId, const QString &repository) const;
    bool isChecking(const QString &connectionId, const QString &repository) const;

    //! Checks now (queued behind running checks if MaxConcurrentChecks run).
    void checkNow(const QString &connectionId, const QString &repository);

    //! "3 new tags in library/app" and "1.4, 1.4.1, latest moved": what a notification says.
    static QString summaryText(const QString &repository, const QList<TagChange> &changes);
    static QString bodyText(const QList<TagChange> &changes);

Q_SIGNALS:
    //! Watched on or off, unseen changes, a check started, ended or failed.
    void watchChanged(const QString &connectionId, const QString &repository);
    //! A check found new or moved tags (reported once; never on a first check).
    void changesFound(const QString &connectionId, const QString &repository,
                      const QList<Berth::TagChange> &changes);
    //! A check ended (error set when it failed); requests = what it sent.
    void checkFinished(const QString &connectionId, const QString &repository,
                       const Berth::Error &error, int requests);

private:
    struct Runtime
    {
        qint64 dueMs = -1; //!< msecs since epoch; -1 = not scheduled
        int failures = 0;
        QString error;
        QPointer<RepositoryCheck> check;
        bool opening = false; //!< waiting for the backend
    };

    void scheduleFirst(const QString &key);
    void scheduleNext(const QString &key, const Error &error);
    void armTimer();
    void pump();
    void startCheck(const QString &key);
    void onChecked(const QString &key, const Result<WatchCheckResult> &result);
    int running() const;
    void save();
    void emitChanged(const QString &key);
    qint64 jittered(qint64 ms) const;

    BackendProvider m_provider;
    WatchStore m_store;
    QHash<QString, Runtime> m_runtime;
    QTimer *m_timer;
    qint64 m_intervalMs = 15 * 60 * 1000;
    int m_firstDelayMs = 10 * 1000;
    int m_firstSpreadMs = 50 * 1000;
    bool m_started = false;
};

} // namespace Berth
