// Leaving Nextcloud alone while it turns the daemon away. The HTTP client
// retries one request a few times; when a whole pass found Nextcloud
// unavailable (502/503/504 or maintenance, 429, no connection or no answer)
// and nothing answered, the main loop does not wake it again before a rest
// that doubles with each such pass (from `base` to `max`) and is at least
// the server's Retry-After (up to `retry_after_cap`). One answer ends it.
// Pure logic, fed by the client's exchange records. While Nextcloud says it is
// in maintenance mode, run.cpp watches status.php instead and resumes at once.
#pragma once

#include "http/client.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace prereadd::daemon {

class host_rest {
public:
    explicit host_rest(std::chrono::seconds base = std::chrono::seconds(10),
                       std::chrono::seconds max = std::chrono::minutes(10),
                       std::chrono::seconds retry_after_cap = std::chrono::hours(1));

    void observe(const http::exchange_record& r);

    // At the end of a pass: how long to leave Nextcloud alone (zero when it answered).
    std::chrono::seconds end_pass();

    // So far in this pass: every request was turned away and none answered.
    bool turned_away() const { return unavailable_ && !answered_; }

    // Why, for the log and the status line ("HTTP 503", "no connection: Connection refused").
    const std::string& reason() const { return reason_; }
    unsigned failed_passes() const { return failures_; }
    // The last pass was turned away because Nextcloud is in maintenance mode:
    // run.cpp then watches status.php, and says so once, instead of a back-off.
    bool in_maintenance() const { return maintenance_; }

private:
    std::chrono::seconds base_, max_, retry_after_cap_;
    unsigned failures_ = 0;
    bool answered_ = false;
    bool unavailable_ = false;
    bool maintenance_ = false;
    std::chrono::seconds retry_after_{0};
    std::string reason_;
};

// When to try Nextcloud again after a pass it turned away: when the rest is
// over — or, with no message waiting to go out, at `wake` if that is later —
// but never so late that a message still due misses its deadline without one
// more try: at the latest `margin` before it, and, closer to the deadline than
// that, halfway to it (at least a second from now), so the last tries come
// quickly but not in a tight loop.
std::chrono::system_clock::time_point next_attempt(std::chrono::system_clock::time_point now,
                                                   std::chrono::system_clock::time_point wake,
                                                   std::chrono::seconds rest, bool message_waiting,
                                                   std::optional<std::chrono::system_clock::time_point> open_deadline,
                                                   std::chrono::seconds margin);

}  // namespace prereadd::daemon
