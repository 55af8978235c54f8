#pragma once

#include <QElapsedTimer>
#include <QEventLoop>
#include <QObject>
#include <QTimer>

#include <functional>

namespace Berth::Test {

//! Runs a local event loop until a condition holds, re-checking it whenever one of the given
//! signals fires (no polling, no sleep: the time taken is the time the condition became true,
//! to the signal, on the given clock).
class Waiter
{
public:
    Waiter(std::function<bool()> done, const QElapsedTimer &clock)
        : m_done(std::move(done))
        , m_clock(clock)
    {}

    template<typename Sender, typename Signal>
    void on(const Sender *sender, Signal signal)
    {
        QObject::connect(sender, signal, &m_loop, [this] { check(); });
    }

    //! Milliseconds on the clock when the condition held; -1 on timeout.
    qint64 wait(int timeoutMs)
    {
        check();
        if (m_at < 0) {
            QTimer::singleShot(timeoutMs, &m_loop, &QEventLoop::quit);
            m_loop.exec();
        }
        return m_at;
    }

private:
    void check()
    {
        if (m_at >= 0 || !m_done())
            return;
        m_at = m_clock.elapsed();
        m_loop.quit();
    }

    std::function<bool()> m_done;
    const QElapsedTimer &m_clock;
    QEventLoop m_loop;
    qint64 m_at = -1;
};

} // namespace Berth::Test
