// Noticing an audit log that Nextcloud's log level keeps empty (see audit_silence.hpp).
#include "tracking/audit_silence.hpp"

#include <date/date.h>

#include <charconv>

namespace prereadd::tracking {

std::string to_string(const audit_silence& s)
{
    return std::to_string(s.last_growth) + ":" + std::to_string(s.downloads_since) + ":" + (s.warned ? "1" : "0");
}

std::optional<audit_silence> parse_audit_silence(std::string_view text)
{
    audit_silence s;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    auto number = [&](std::int64_t& out) {
        auto [next, ec] = std::from_chars(p, end, out);
        if (ec != std::errc() || next == p) return false;
        p = next;
        return true;
    };
    std::int64_t warned = 0;
    if (!number(s.last_growth) || p == end || *p++ != ':' || !number(s.downloads_since) || p == end || *p++ != ':' ||
        !number(warned) || p != end || (warned != 0 && warned != 1))
        return std::nullopt;
    s.warned = warned == 1;
    return s;
}

audit_silence_step watch_audit_silence(audit_silence s, bool grew, std::int64_t downloads_seen, std::int64_t now,
                                       std::chrono::seconds quiet_for)
{
    audit_silence_step step;
    if (grew || s.last_growth == 0) {
        // Watching starts now: a fresh start gives the log its full quiet time first.
        step.cleared = s.warned && grew;
        step.next = {now, 0, false};
        return step;
    }
    step.next = s;
    step.next.downloads_since += downloads_seen;
    if (!s.warned && step.next.downloads_since > 0 && now - s.last_growth >= quiet_for.count()) {
        step.next.warned = true;
        step.warn_now = true;
    }
    return step;
}

std::string audit_silence_warning(std::string_view log, const audit_silence& s)
{
    return "the admin_audit log " + std::string(log) + " has not grown since " +
           date::format("%F %H:%M UTC", date::sys_seconds{std::chrono::seconds(s.last_growth)}) +
           ", although the Activity stream reported " + std::to_string(s.downloads_since) +
           " download(s) of shared files since (these count as opens meanwhile, marked \"downloaded (activity)\"): "
           "Nextcloud writes audit lines at log level 1 and drops them when "
           "'loglevel' is 2 or higher. Set 'loglevel' => 1, or 'log.condition' => ['apps' => ['admin_audit']], "
           "in config.php (docs/operations.md)";
}

}  // namespace prereadd::tracking
