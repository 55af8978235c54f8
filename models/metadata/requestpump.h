#pragma once

#include <QtGlobal>

#include <algorithm>

namespace Berth {

//! Walks a growing sequence of items (tags) and keeps at most limit() requests running for
//! them: how the tag table's full load and a report fetch every tag's metadata, behind what a
//! person is looking at. The caller says how many run now and starts one per item.
class RequestPump
{
public:
    explicit RequestPump(int limit)
        : m_limit(limit)
    {}

    //! Starts items from next() on, while fewer than limit() run and next() < end.
    //! start(index) returns false for an item that needs nothing (skipped, not counted).
    template<typename Start>
    void run(qint64 end, int running, Start start)
    {
        while (running < m_limit && m_next < end) {
            if (start(m_next++))
                ++running;
        }
    }
    //! An item before next() must be asked again (its request was cancelled below us).
    void rewind(qint64 index) { m_next = std::min(m_next, index); }
    void reset() { m_next = 0; }
    //! The first item not yet looked at.
    qint64 next() const { return m_next; }
    int limit() const { return m_limit; }

private:
    int m_limit;
    qint64 m_next = 0;
};

} // namespace Berth
