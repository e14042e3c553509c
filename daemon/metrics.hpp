// What /metrics and /healthz say: counters, gauges and histograms kept by the
// main loop, rendered in Prometheus' text format (version 0.0.4). Pure: the
// loop feeds it, the metrics server reads it; both on the one io thread.
#pragma once

#include "tracking/poll_cycle.hpp"
#include "reminding/reminder_pass.hpp"
#include "http/client.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace prereadd::daemon {

// The bounded set of endpoint labels: "dav_files", "dav_comments",
// "dav_calendars", "ocs_shares", "ocs_groups", "ocs_activity", "talk_chat",
// "talk_room", "deck", "status", "other".
std::string endpoint_of(const std::string& path);

class histogram {
public:
    static constexpr std::array<double, 12> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    void observe(double seconds);
    // Lines `name_bucket{labels,le="..."}`, `name_sum`, `name_count`; `labels` is "" or `a="b",`.
    void render(std::string& out, const std::string& name, const std::string& labels) const;

private:
    std::array<std::uint64_t, bounds.size()> buckets_{};
    std::uint64_t count_ = 0;
    double sum_ = 0;
};

struct health {
    bool ok = false;
    std::string reason;
};

class metrics {
public:
    void observe(const http::exchange_record& r);
    void observe(const tracking::cycle_report& report, std::chrono::steady_clock::duration took, std::int64_t now,
                 std::size_t projects);
    void observe(const reminding::reminder_report& report);
    void set_open_problems(std::size_t n) { open_problems_ = n; }
    void set_audit_lag(std::uint64_t bytes) { audit_lag_ = bytes; }
    void set_credential_rejected(bool rejected) { credential_rejected_ = rejected; }
    void set_leases_held(std::size_t n) { leases_held_ = n; }  // several daemons on PostgreSQL only

    std::string render() const;
    // Healthy when a cycle polled every project within the last 3 poll intervals.
    health healthz(std::int64_t now, std::chrono::seconds poll_interval) const;

private:
    std::map<std::pair<std::string, std::string>, std::uint64_t> requests_;  // (endpoint, status) -> count
    std::map<std::string, histogram> latency_;                               // by endpoint
    histogram cycle_duration_;
    std::uint64_t cycles_ = 0, cycle_errors_ = 0;
    std::uint64_t sent_ = 0, late_ = 0, missed_ = 0, skipped_ = 0, acknowledged_ = 0;
    std::uint64_t engagements_ = 0, new_problems_ = 0;
    std::uint64_t folders_vouched_ = 0;  // project folders their parent's ETag showed unchanged
    std::size_t open_problems_ = 0;
    std::uint64_t audit_lag_ = 0;
    bool credential_rejected_ = false;
    std::optional<std::size_t> leases_held_;
    std::map<std::string, std::int64_t> last_success_;  // project -> unix time
    std::int64_t last_complete_cycle_ = 0;
    std::string last_error_;
};

}  // namespace prereadd::daemon
