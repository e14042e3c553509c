// Leaving Nextcloud alone while it turns the daemon away. The HTTP client
// retries one request a few times; when a whole pass found Nextcloud
// unavailable (502/503/504 or maintenance, 429, no connection or no answer)
// and nothing answered, the main loop does not wake it again before a rest
// that doubles with each such pass (from `base` to `max`) and is at least
// the server's Retry-After (up to `retry_after_cap`). One answer ends it.
// Pure logic, fed by the client's exchange records.
#pragma once

#include "http/client.hpp"

#include <chrono>
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

    // Why, for the log and the status line ("HTTP 503", "no connection: Connection refused").
    const std::string& reason() const { return reason_; }
    unsigned failed_passes() const { return failures_; }

private:
    std::chrono::seconds base_, max_, retry_after_cap_;
    unsigned failures_ = 0;
    bool answered_ = false;
    bool unavailable_ = false;
    std::chrono::seconds retry_after_{0};
    std::string reason_;
};

}  // namespace prereadd::daemon
