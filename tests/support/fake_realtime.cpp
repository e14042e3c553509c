// An LD_PRELOAD library for the date matrix (scripts/test-dates): the wall
// clock shifted by PREREADD_FAKE_OFFSET seconds, the monotonic clock and every
// timer left alone. Rejected: Debian's libfaketime 0.9.10, which shifts
// absolute timerfd deadlines even with FAKETIME_DONT_FAKE_MONOTONIC=1, so
// Asio's "due now" timer (TFD_TIMER_ABSTIME at 1 ns) never fires and every
// retry back-off hangs. One offset for every process of a run keeps the
// daemon, the simulator and the tests on the same clock.
#include <dlfcn.h>
#include <sys/time.h>

#include <cstdlib>
#include <ctime>

namespace {

using clock_gettime_fn = int (*)(clockid_t, timespec*);

long long offset_seconds()
{
    static const long long offset = [] {
        const char* text = std::getenv("PREREADD_FAKE_OFFSET");
        return text ? std::atoll(text) : 0LL;
    }();
    return offset;
}

int real_clock_gettime(clockid_t id, timespec* ts)
{
    static const auto next = reinterpret_cast<clock_gettime_fn>(dlsym(RTLD_NEXT, "clock_gettime"));
    return next(id, ts);
}

bool is_wall_clock(clockid_t id) { return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE; }

}  // namespace

extern "C" {

int clock_gettime(clockid_t id, timespec* ts)
{
    const int result = real_clock_gettime(id, ts);
    if (result == 0 && is_wall_clock(id)) ts->tv_sec += offset_seconds();
    return result;
}

int gettimeofday(timeval* tv, void*)
{
    timespec ts{};
    const int result = clock_gettime(CLOCK_REALTIME, &ts);
    if (result == 0 && tv) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return result;
}

time_t time(time_t* out)
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out) *out = ts.tv_sec;
    return ts.tv_sec;
}

int timespec_get(timespec* ts, int base)
{
    if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, ts) != 0) return 0;
    return base;
}

}  // extern "C"
