#pragma once

#include <QElapsedTimer>
#include <QObject>

#include <functional>

class QTimer;

namespace Berth {

//! When to try an unreachable registry again: exponential back-off with jitter, capped, plus
//! "Retry now". It only keeps time: the owner makes the attempt on attemptDue() and reports
//! its outcome with attemptFailed() (still unreachable: wait longer) or stop() (reachable).
//!
//! Attempt n (counted from 0) waits first * 2^n, at most max, then moved by up to +-jitter of
//! itself at random, so windows of several Berths (or tabs) opened at the same outage do not
//! knock at the same instant; never more than max.
class Reconnector final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Reconnector)
public:
    //! Long enough for a registry restarting (a container coming back) not to be hammered,
    //! short enough that a blip is over before a person reaches for "Retry now".
    static constexpr int DefaultFirstDelayMs = 2000;
    //! A registry down for long is asked about once a minute: cheap for it, and Berth is back
    //! within a minute of it.
    static constexpr int DefaultMaxDelayMs = 60000;
    //! +-20 %: spreads the attempts of many clients without making the wait unpredictable.
    static constexpr double DefaultJitter = 0.2;

    explicit Reconnector(QObject *parent = nullptr);
    ~Reconnector() override;

    //! Tests shorten the waits (first 50 ms, max 200 ms); a wait that runs starts over with them.
    void setDelays(int firstMs, int maxMs);
    //! Fraction of a wait it may move by (0 = none: tests that count exact waits).
    void setJitter(double fraction);
    //! The random source in [0, 1) (QRandomGenerator by default); tests make it fixed.
    void setRandomSource(std::function<double()> random01);

    //! The wait before attempt (0-based) with random01 in [0, 1): the policy, without a timer.
    static int delayFor(int attempt, int firstMs, int maxMs, double jitter, double random01);

    //! Starts waiting for the first attempt; nothing when already active.
    void start();
    //! Reachable again (or given up): nothing more is scheduled and the count starts over.
    void stop();
    //! The attempt found the registry still unreachable: waits longer for the next one.
    void attemptFailed();
    //! "Retry now": the next attempt is due at once (from the event loop); the back-off stays
    //! where it was. Nothing while an attempt runs or when not active.
    void retryNow();

    bool isActive() const { return m_active; }
    //! attemptDue() was emitted and its outcome has not been reported yet.
    bool isAttempting() const { return m_attempting; }
    //! Attempts that failed since start().
    int failedAttempts() const { return m_failed; }
    //! Until the next attempt; 0 while one runs, -1 when not active.
    qint64 remainingMs() const;
    //! The wait that was scheduled last (before jitter it was at most the cap).
    int currentDelayMs() const { return m_delayMs; }

Q_SIGNALS:
    //! Try to reach the registry now; report with attemptFailed() or stop().
    void attemptDue();
    //! Started, stopped, an attempt began or a new wait was scheduled (countdowns repaint).
    void stateChanged();

private:
    void scheduleNext();
    void fire();

    QTimer *m_timer;
    QElapsedTimer m_since; //!< since the current wait began
    std::function<double()> m_random;
    int m_firstMs = DefaultFirstDelayMs;
    int m_maxMs = DefaultMaxDelayMs;
    double m_jitter = DefaultJitter;
    int m_failed = 0;
    int m_delayMs = 0;
    bool m_active = false;
    bool m_attempting = false;
};

} // namespace Berth
