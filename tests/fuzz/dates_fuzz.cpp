// libFuzzer target: the small text parsers at the edges: Retry-After, HTTP
// dates, URLs, ISO 8601 durations, local dates and times, audit log positions.
#include "tracking/audit_follower.hpp"
#include "http/retry_policy.hpp"
#include "http/url.hpp"
#include "scheduler/time.hpp"
#include "http/timestamp.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795610700));
    if (auto wait = prereadd::http::parse_retry_after(text, now))
        if (wait->count() < 0) __builtin_trap();  // never a negative wait
    (void)prereadd::http::parse_http_date(text);
    (void)prereadd::http::parse_iso8601_timestamp(text);
    (void)prereadd::http::parse_url(text);
    (void)prereadd::scheduler::parse_duration(text);
    (void)prereadd::scheduler::parse_local_date_time(text);
    (void)prereadd::scheduler::parse_local_date(text);
    (void)prereadd::scheduler::parse_time_of_day(text);
    (void)prereadd::tracking::parse_log_position(text);
    return 0;
}
