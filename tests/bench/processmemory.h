#pragma once

#include <QtGlobal>

namespace Berth::Test {

//! Resident memory of this process, from /proc/self/status (Linux), in KiB; -1 when unreadable.
struct ProcessMemory
{
    static qint64 residentKiB(); //!< VmRSS: now
    static qint64 peakKiB();     //!< VmHWM: the high-water mark
    //! Resets VmHWM to the current RSS (writes 5 to /proc/self/clear_refs, Linux >= 4.0), so
    //! that peakKiB() covers only what follows. False when the kernel refused.
    static bool resetPeak();
    //! VmHWM of another process (polled while it runs); -1 when it is gone.
    static qint64 peakKiBOf(qint64 pid);
};

} // namespace Berth::Test
