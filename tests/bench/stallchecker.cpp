#include "stallchecker.h"

#include <QTimer>

namespace Berth::Test {

// 5 ms: a fifth of the 50 ms target and about a third of a 60 Hz frame, fine enough to see a
// stall a person would notice, coarse enough that the checker itself costs nothing.
static constexpr int TickMs = 5;

StallChecker::StallChecker(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(TickMs);
    // Precise: a coarse timer may fire up to 5 % late by design, which is not a stall.
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &StallChecker::onTick);
}

void StallChecker::start()
{
    m_longest = 0;
    m_ticks = 0;
    m_sinceTick.start();
    m_timer->start();
}

void StallChecker::stop()
{
    onTick(); // a stall that is still going on when we stop counts too
    m_timer->stop();
}

void StallChecker::onTick()
{
    m_longest = std::max(m_longest, m_sinceTick.restart());
    ++m_ticks;
}

} // namespace Berth::Test
