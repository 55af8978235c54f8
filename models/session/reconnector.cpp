#include "models/session/reconnector.h"

#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace Berth {

Reconnector::Reconnector(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
    , m_random([] { return QRandomGenerator::global()->generateDouble(); })
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &Reconnector::fire);
}

Reconnector::~Reconnector() = default;

void Reconnector::setDelays(int firstMs, int maxMs)
{
    m_firstMs = std::max(0, firstMs);
    m_maxMs = std::max(m_firstMs, maxMs);
    if (m_active && !m_attempting)
        scheduleNext(); // the wait that runs is measured by the new delays
}

void Reconnector::setJitter(double fraction)
{
    m_jitter = std::clamp(fraction, 0.0, 1.0);
}

void Reconnector::setRandomSource(std::function<double()> random01)
{
    m_random = std::move(random01);
}

int Reconnector::delayFor(int attempt, int firstMs, int maxMs, double jitter, double random01)
{
    // Doubling in floating point: no overflow however long the outage lasts.
    const double base = std::min(double(maxMs), firstMs * std::pow(2.0, std::max(0, attempt)));
    const double moved = base * (1.0 + jitter * (2.0 * std::clamp(random01, 0.0, 1.0) - 1.0));
    return int(std::clamp(moved, 0.0, double(maxMs)));
}

void Reconnector::start()
{
    if (m_active)
        return;
    m_active = true;
    m_attempting = false;
    m_failed = 0;
    scheduleNext();
}

void Reconnector::stop()
{
    const bool changed = m_active;
    m_timer->stop();
    m_active = false;
    m_attempting = false;
    m_failed = 0;
    m_delayMs = 0;
    if (changed)
        Q_EMIT stateChanged();
}

void Reconnector::attemptFailed()
{
    if (!m_active)
        return;
    m_attempting = false;
    ++m_failed;
    scheduleNext();
}

void Reconnector::retryNow()
{
    if (!m_active || m_attempting)
        return;
    m_delayMs = 0;
    m_since.start();
    m_timer->start(0);
    Q_EMIT stateChanged();
}

qint64 Reconnector::remainingMs() const
{
    if (!m_active)
        return -1;
    if (m_attempting || !m_since.isValid())
        return 0;
    return std::max<qint64>(0, m_delayMs - m_since.elapsed());
}

void Reconnector::scheduleNext()
{
    m_delayMs = delayFor(m_failed, m_firstMs, m_maxMs, m_jitter, m_random ? m_random() : 0.5);
    m_since.start();
    m_timer->start(m_delayMs);
    Q_EMIT stateChanged();
}

void Reconnector::fire()
{
    if (!m_active)
        return;
    m_attempting = true;
    Q_EMIT stateChanged();
    Q_EMIT attemptDue();
}

} // namespace Berth
