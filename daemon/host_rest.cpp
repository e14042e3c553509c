// Resting after Nextcloud turned the daemon away (see host_rest.hpp).
#include "daemon/host_rest.hpp"

#include "http/error.hpp"

#include <algorithm>

namespace prereadd::daemon {

host_rest::host_rest(std::chrono::seconds base, std::chrono::seconds max, std::chrono::seconds retry_after_cap)
    : base_(base), max_(max), retry_after_cap_(retry_after_cap)
{
}

void host_rest::observe(const http::exchange_record& r)
{
    // status.php answers 200 in maintenance mode too: it says nothing about the API.
    if (r.path.ends_with("/status.php")) return;
    const bool busy_status = r.status == 429 || r.status == 502 || r.status == 503 || r.status == 504;
    const bool no_answer = r.status == 0 && r.error &&
                           (r.error == http::error::timeout || r.error == http::error::connection_closed ||
                            r.error.category() == boost::system::system_category() ||
                            r.error.category() == boost::asio::error::get_netdb_category() ||
                            r.error.category() == boost::asio::error::get_misc_category());
    if (busy_status) {
        unavailable_ = true;
        maintenance_ = r.error == http::error::maintenance_mode;
        reason_ = maintenance_ ? std::string("maintenance mode")
                               : "HTTP " + std::to_string(r.status) + (r.status == 503 ? " (overload)" : "");
        if (r.retry_after) retry_after_ = std::max(retry_after_, std::min(*r.retry_after, retry_after_cap_));
    } else if (no_answer) {
        unavailable_ = true;
        maintenance_ = false;
        reason_ = "no connection: " + r.error.message();
    } else if (r.status != 0) {
        answered_ = true;  // any other status, 4xx included, is Nextcloud answering
    }
}

std::chrono::seconds host_rest::end_pass()
{
    std::chrono::seconds rest{0};
    if (unavailable_ && !answered_) {
        ++failures_;
        const unsigned doublings = std::min(failures_ - 1, 16u);
        rest = std::min<std::chrono::seconds>(max_, base_ * (std::int64_t{1} << doublings));
        rest = std::max(rest, retry_after_);
    } else {
        failures_ = 0;
        reason_.clear();
    }
    answered_ = unavailable_ = false;
    if (rest == std::chrono::seconds::zero()) maintenance_ = false;
    retry_after_ = std::chrono::seconds(0);
    return rest;
}

std::chrono::system_clock::time_point next_attempt(std::chrono::system_clock::time_point now,
                                                   std::chrono::system_clock::time_point wake,
                                                   std::chrono::seconds rest, bool message_waiting,
                                                   std::optional<std::chrono::system_clock::time_point> open_deadline,
                                                   std::chrono::seconds margin)
{
    const auto at = message_waiting ? now + rest : std::max(wake, now + rest);
    if (!open_deadline || *open_deadline <= now) return at;
    const auto left = *open_deadline - now;
    const auto latest = left > 2 * margin
                            ? *open_deadline - margin
                            : now + std::max<std::chrono::system_clock::duration>(left / 2, std::chrono::seconds(1));
    return std::min(at, latest);
}

}  // namespace prereadd::daemon
