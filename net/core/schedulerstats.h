#pragma once

#include <QString>
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
    //! The request waited for longest (since its first attempt), while still in flight: how
    //! long, and what it is ("GET 127.0.0.1:5000/v2/app/manifests/v1"). 0 / empty when none.
    qint64 longestWaitMs = 0;
    QString longestWaitFor;
    //! A request waiting out a retry (Retry-After or back-off): the longest time left, and what.
    qint64 retryInMs = 0;
    QString retryFor;
};

} // namespace Berth
