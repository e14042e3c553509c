// The retry and back-off rules of the HTTP client (see retry_policy.hpp).
// Dates are parsed with Howard Hinnant's date library rather than by hand.
#include "http/retry_policy.hpp"

#include "http/timestamp.hpp"

#include "http/error.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <date/date.h>

#include <algorithm>
#include <charconv>

namespace prereadd::http {

namespace bhttp = boost::beast::http;

bool is_idempotent(bhttp::verb method) noexcept
{
    switch (method) {
    case bhttp::verb::get:
    case bhttp::verb::head:
    case bhttp::verb::options:
    case bhttp::verb::propfind:
    case bhttp::verb::report: return true;
    default: return false;
    }
}

bool is_transient(const boost::system::error_code& ec) noexcept
{
    namespace ae = boost::asio::error;
    if (ec == http::error::timeout || ec == http::error::connection_closed) return true;
    if (ec == boost::beast::error::timeout) return true;
    if (ec == ae::connection_refused || ec == ae::connection_reset || ec == ae::connection_aborted ||
        ec == ae::broken_pipe || ec == ae::eof || ec == ae::timed_out || ec == ae::network_unreachable ||
        ec == ae::host_unreachable || ec == ae::network_down || ec == ae::try_again ||
        ec == ae::host_not_found_try_again)
        return true;
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return true;
    if (ec == boost::asio::ssl::error::stream_truncated) return true;
    return false;
}

retry_decision decide_retry(const retry_config& config, bhttp::verb method, unsigned attempt,
                            const attempt_result& result, double random_unit) noexcept
{
    if (attempt >= config.max_attempts || !is_idempotent(method)) return {};

    bool retryable = false;
    if (result.transport) {
        retryable = is_transient(result.transport);
    } else {
        retryable = result.status == 429 || result.status == 502 || (result.status == 503 && !result.maintenance) ||
                    result.status == 504;
    }
    if (!retryable) return {};

    if (result.retry_after) {
        if (*result.retry_after > config.max_retry_after) return {};
        return {true, std::chrono::duration_cast<std::chrono::milliseconds>(*result.retry_after)};
    }

    // base * 2^(attempt-1), computed without overflow and capped.
    auto ceiling = config.base_delay;
    for (unsigned i = 1; i < attempt && ceiling < config.max_delay; ++i) ceiling *= 2;
    ceiling = std::min(ceiling, config.max_delay);
    double unit = std::clamp(random_unit, 0.0, 1.0);
    return {true, std::chrono::milliseconds(static_cast<long long>(static_cast<double>(ceiling.count()) * unit))};
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now)
{
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (value.empty()) return std::nullopt;

    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        long long seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec == std::errc::result_out_of_range) return std::chrono::seconds::max();
        if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
        return std::chrono::seconds(seconds);
    }

    if (auto when = parse_http_date(value)) {
        // In seconds: a date in year 1013 minus `now` in nanoseconds would overflow (the fuzzer's find).
        const auto delta = *when - std::chrono::floor<std::chrono::seconds>(now);
        return std::max<std::chrono::seconds>(delta, std::chrono::seconds(0));
    }
    return std::nullopt;
}

}  // namespace prereadd::http
