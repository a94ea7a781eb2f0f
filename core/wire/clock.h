#pragma once

#include <QtGlobal>

#include <chrono>

namespace Hookscope::Clock {

// Wall-clock time in µs since the Unix epoch, for receive times users read.
inline qint64 wallMicroseconds()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Monotonic time for durations and deadlines.
inline qint64 monotonicMicroseconds()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

} // namespace Hookscope::Clock
