#pragma once

#include <QtGlobal>

namespace Berth {

//! Statistics for tests, status lines and benchmarks.
struct SchedulerStats
{
    int queued = 0;
    int inFlight = 0;
    quint64 started = 0; //!< network attempts started (retries and auth round trips count)
    quint64 retries = 0;
    quint64 completed = 0; //!< RequestJobs finished (any outcome)
};

} // namespace Berth
