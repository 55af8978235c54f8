#pragma once

#include <QElapsedTimer>
#include <QObject>

class QTimer;

namespace Berth::Test {

//! Proves the event loop kept turning: a timer that should fire every 5 ms records the longest
//! gap between two of its ticks. A GUI thread that blocks for 80 ms shows as an 80 ms gap.
class StallChecker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StallChecker)
public:
    explicit StallChecker(QObject *parent = nullptr);

    void start();
    void stop();
    //! The longest gap between ticks (ms) since start(); about 5 when nothing stalled.
    qint64 longestGapMs() const { return m_longest; }
    int ticks() const { return m_ticks; }

private:
    void onTick();

    QTimer *m_timer;
    QElapsedTimer m_sinceTick;
    qint64 m_longest = 0;
    int m_ticks = 0;
};

} // namespace Berth::Test
