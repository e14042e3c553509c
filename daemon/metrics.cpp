// Metrics (see metrics.hpp).
#include "daemon/metrics.hpp"

#include <cstdio>

namespace prereadd::daemon {
namespace {

std::string number(double v)
{
    // Whole numbers (counts, unix times) exactly; the rest with enough digits.
    char buffer[40];
    if (v == static_cast<double>(static_cast<long long>(v)) && v < 1e15 && v > -1e15)
        std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(v));
    else
        std::snprintf(buffer, sizeof buffer, "%.9g", v);
    return buffer;
}

// A label value with \, " and newline escaped, as the text format wants.
std::string escaped(const std::string& v)
{
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void header(std::string& out, const char* name, const char* type, const char* help)
{
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void sample(std::string& out, const std::string& name, const std::string& labels, double v)
{
    out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + number(v) + "\n";
}

}  // namespace

std::string endpoint_of(const std::string& path)
{
    auto has = [&](const char* part) { return path.find(part) != std::string::npos; };
    if (has("/remote.php/dav/files/")) return "dav_files";
    if (has("/remote.php/dav/comments/")) return "dav_comments";
    if (has("/remote.php/dav/calendars/")) return "dav_calendars";
    if (has("/apps/files_sharing/api/")) return "ocs_shares";
    if (has("/cloud/groups/")) return "ocs_groups";
    if (has("/apps/activity/api/")) return "ocs_activity";
    if (has("/apps/spreed/api/v1/chat/")) return "talk_chat";
    if (has("/apps/spreed/api/")) return "talk_room";
    if (has("/apps/deck/")) return "deck";
    if (has("/status.php")) return "status";
    return "other";
}

void histogram::observe(double seconds)
{
    for (std::size_t i = 0; i < bounds.size(); ++i)
        if (seconds <= bounds[i]) ++buckets_[i];
    ++count_;
    sum_ += seconds;
}

void histogram::render(std::string& out, const std::string& name, const std::string& labels) const
{
    for (std::size_t i = 0; i < bounds.size(); ++i)
        sample(out, name + "_bucket", labels + "le=\"" + number(bounds[i]) + "\"", static_cast<double>(buckets_[i]));
    sample(out, name + "_bucket", labels + "le=\"+Inf\"", static_cast<double>(count_));
    const std::string plain = labels.empty() ? "" : labels.substr(0, labels.size() - 1);
    sample(out, name + "_sum", plain, sum_);
    sample(out, name + "_count", plain, static_cast<double>(count_));
}

void metrics::observe(const http::exchange_record& r)
{
    const std::string endpoint = endpoint_of(r.path);
    ++requests_[{endpoint, r.status ? std::to_string(r.status) : std::string("error")}];
    latency_[endpoint].observe(std::chrono::duration<double>(r.took).count());
}

void metrics::observe(const tracking::cycle_report& report, std::chrono::steady_clock::duration took, std::int64_t now,
                      std::size_t projects)
{
    ++cycles_;
    cycle_duration_.observe(std::chrono::duration<double>(took).count());
    engagements_ += report.engagements_recorded;
    new_problems_ += report.new_problems.size();
    folders_vouched_ += report.folders_vouched;
    for (const auto& id : report.polled) last_success_[id] = now;
    if (report.errors.empty() && report.projects_ok == projects)
        last_complete_cycle_ = now;
    else {
        ++cycle_errors_;
        last_error_ = report.errors.empty() ? "a project could not be polled" : report.errors.front();
    }
}

void metrics::observe(const reminding::reminder_report& report)
{
    sent_ += report.sent;
    late_ += report.late;
    missed_ += report.missed;
    skipped_ += report.skipped;
    acknowledged_ += report.acknowledged;
}

std::string metrics::render() const
{
    std::string out;
    header(out, "prereadd_http_requests_total", "counter", "Requests to Nextcloud by endpoint and HTTP status.");
    for (const auto& [key, n] : requests_)
        sample(out, "prereadd_http_requests_total",
               "endpoint=\"" + escaped(key.first) + "\",status=\"" + escaped(key.second) + "\"",
               static_cast<double>(n));
    header(out, "prereadd_http_request_duration_seconds", "histogram", "Time of one request, retries included.");
    for (const auto& [endpoint, h] : latency_)
        h.render(out, "prereadd_http_request_duration_seconds", "endpoint=\"" + escaped(endpoint) + "\",");
    header(out, "prereadd_poll_cycle_duration_seconds", "histogram", "Time of one poll cycle.");
    cycle_duration_.render(out, "prereadd_poll_cycle_duration_seconds", "");
    header(out, "prereadd_poll_cycles_total", "counter", "Poll cycles run.");
    sample(out, "prereadd_poll_cycles_total", "", static_cast<double>(cycles_));
    header(out, "prereadd_poll_cycle_failures_total", "counter", "Poll cycles in which a project could not be polled.");
    sample(out, "prereadd_poll_cycle_failures_total", "", static_cast<double>(cycle_errors_));
    header(out, "prereadd_folders_vouched_total", "counter",
           "Project folder checks answered by their parent folder's unchanged ETag, without a request of their own.");
    sample(out, "prereadd_folders_vouched_total", "", static_cast<double>(folders_vouched_));
    header(out, "prereadd_messages_total", "counter", "Reminders and other messages by outcome.");
    for (const auto& [outcome, n] : {std::pair{"sent", sent_}, std::pair{"late", late_}, std::pair{"missed", missed_},
                                     std::pair{"skipped", skipped_}})
        sample(out, "prereadd_messages_total", std::string("outcome=\"") + outcome + "\"", static_cast<double>(n));
    header(out, "prereadd_engagements_recorded_total", "counter",
           "Engagements recorded (opened, synced, commented, edited, acknowledged).");
    sample(out, "prereadd_engagements_recorded_total", "", static_cast<double>(engagements_ + acknowledged_));
    header(out, "prereadd_access_problems", "gauge", "Open access problems over all projects.");
    sample(out, "prereadd_access_problems", "", static_cast<double>(open_problems_));
    header(out, "prereadd_access_problems_found_total", "counter", "Access problems found.");
    sample(out, "prereadd_access_problems_found_total", "", static_cast<double>(new_problems_));
    header(out, "prereadd_audit_log_lag_bytes", "gauge", "Bytes of the admin_audit log not read yet.");
    sample(out, "prereadd_audit_log_lag_bytes", "", static_cast<double>(audit_lag_));
    header(out, "prereadd_credential_rejected", "gauge",
           "1 after Nextcloud answered 401: the app password is not used again until a reload.");
    sample(out, "prereadd_credential_rejected", "", credential_rejected_ ? 1 : 0);
    if (leases_held_) {
        header(out, "prereadd_leases_held", "gauge",
               "Projects whose lease this daemon holds (several daemons sharing one PostgreSQL database).");
        sample(out, "prereadd_leases_held", "", static_cast<double>(*leases_held_));
    }
    header(out, "prereadd_last_successful_cycle_timestamp_seconds", "gauge",
           "When each project was last polled without an error.");
    for (const auto& [project, at] : last_success_)
        sample(out, "prereadd_last_successful_cycle_timestamp_seconds", "project=\"" + escaped(project) + "\"",
               static_cast<double>(at));
    return out;
}

health metrics::healthz(std::int64_t now, std::chrono::seconds poll_interval) const
{
    if (credential_rejected_)
        return {false, "Nextcloud rejected the app password (401); fix it and reload (systemctl reload prereadd)"};
    if (last_complete_cycle_ == 0)
        return {false,
                cycles_ == 0 ? "no poll cycle has finished yet" : "no poll cycle has succeeded yet: " + last_error_};
    const auto age = now - last_complete_cycle_;
    if (age > 3 * poll_interval.count())
        return {false, "the last successful poll cycle was " + std::to_string(age) + " s ago: " + last_error_};
    return {true, "ok: last successful poll cycle " + std::to_string(age) + " s ago"};
}

}  // namespace prereadd::daemon
