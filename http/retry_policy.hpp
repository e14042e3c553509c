// When to retry a request and how long to wait first: a pure function of the
// method, the attempt number and what came back, so it is tested without I/O.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace prereadd::http {

struct retry_config {
    // Attempts in all, the first included. 1 disables retries.
    unsigned max_attempts = 4;
    // Full jitter: the n-th retry waits a uniform random time in
    // [0, min(max_delay, base_delay * 2^(n-1))].
    std::chrono::milliseconds base_delay{500};
    std::chrono::milliseconds max_delay{30'000};
    // A Retry-After longer than this is not waited out inside one request: the
    // failure goes back to the caller with the value, to back off the host.
    std::chrono::seconds max_retry_after{120};
};

// GET, HEAD, OPTIONS, PROPFIND and REPORT: safe to send twice.
bool is_idempotent(boost::beast::http::verb method) noexcept;

// What one attempt ended with: a transport error, or an HTTP status.
struct attempt_result {
    boost::system::error_code transport;  // set when no complete response arrived
    unsigned status = 0;
    std::optional<std::chrono::seconds> retry_after;
    // A 503 that says Nextcloud is in maintenance mode (captures 21b-21e). Not retried:
    // maintenance lasts minutes, and the daemon watches status.php for its
    // end instead (daemon/run.cpp), so each failed pass costs one request.
    bool maintenance = false;
};

struct retry_decision {
    bool retry = false;
    std::chrono::milliseconds delay{0};
};

// True for the transport errors a second attempt may cure (refused, reset,
// closed early, timed out); false for TLS verification, oversized or malformed
// responses and cancellation.
bool is_transient(const boost::system::error_code& ec) noexcept;

// `attempt` counts from 1; `random_unit` is a uniform number in [0, 1).
retry_decision decide_retry(const retry_config& config, boost::beast::http::verb method, unsigned attempt,
                            const attempt_result& result, double random_unit) noexcept;

// Parses a Retry-After value: delta-seconds or an HTTP-date (IMF-fixdate,
// RFC 850 or asctime form). A date in the past gives zero seconds.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

}  // namespace prereadd::http
