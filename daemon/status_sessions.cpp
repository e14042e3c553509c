// `status`, the part about sessions: each session's call (who attended, who
// did not), the calls near no session, and the coming sessions whose own
// selection chose no pre-read (issue 27: a section named "Q&A week" matched
// nothing, and nothing but one log line said so).
#include "daemon/detail/status_parts.hpp"

#include "reminding/attendance.hpp"
#include "reminding/decisions.hpp"
#include "reminding/literal.hpp"
#include "scheduler/time.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace prereadd::daemon {

using detail::utc;

namespace {

std::string names(const std::vector<std::string>& users)
{
    std::string out;
    for (const auto& u : users) out += (out.empty() ? "" : ", ") + reminding::log_text(u);
    return out.empty() ? "nobody" : out;
}

// The sessions' calls (attendance) and the calls near no session.
void render_calls(std::ostream& out, const project_status& p)
{
    if (p.calls.empty()) return;
    out << "  calls (UTC):\n";
    for (const auto& s : sessions_with_calls(p)) {
        std::vector<std::string> attended;
        for (const auto& [user, at] : s.attended) attended.push_back(user + " (" + utc(at, "%H:%M") + ")");
        out << "    " << reminding::log_text(s.title) << " " << utc(s.start) << (s.running ? " (call running)" : "")
            << ": attended " << names(attended) << "; did not attend " << names(s.absent) << '\n';
    }
    for (const auto& c : p.calls) {
        if (!c.session_key.empty()) continue;
        std::vector<std::string> who;
        for (const auto& [user, presence] : c.attendees) who.push_back(user);
        out << "    no session near the call of " << utc(c.started_at)
            << (c.ended_at ? "-" + utc(*c.ended_at, "%H:%M") : std::string(" (running)")) << " with " << names(who)
            << '\n';
    }
}

}  // namespace

std::vector<session_calls> sessions_with_calls(const project_status& p)
{
    std::vector<session_calls> out;
    std::set<std::pair<std::int64_t, std::string>> seen;
    for (const auto& c : p.calls) {
        if (c.session_key.empty() || !seen.insert({c.session_start, c.session_key}).second) continue;
        // A call still running counts everyone in it: status has no clock of its own.
        const auto a = reminding::attendance_of(c.session_key, c.session_start, c.session_end, p.calls, {p.join_before},
                                                std::numeric_limits<std::int64_t>::max() / 2);
        session_calls s{c.session_key, c.session_title, c.session_start, c.session_end, a.call_running, {}, {}};
        for (const auto& [user, at] : a.present) s.attended.emplace_back(user, at);
        for (const auto& u : p.participants)
            if (!a.present.count(u.user_id)) s.absent.push_back(u.user_id);
        out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.start < y.start; });
    return out;
}

void note_selecting_nothing(project_status& status, const config::project_config& p, date::sys_seconds now)
{
    // Before the first poll cycle nothing is tracked yet, and that selects nothing by itself.
    if (!status.last_cycle_at || !p.time_zone) return;
    std::vector<reminding::pre_read_doc> documents;
    for (const auto& d : status.documents) documents.push_back(reminding::pre_read_of(d));
    const auto ahead = reminding::selection_horizon(p);
    for (const auto& s : scheduler::expand_sessions(p.sessions, p.weekly, *p.time_zone, now, now + ahead)) {
        if (s.cancelled) continue;
        if (auto why = reminding::selects_nothing(p, s, documents))
            status.selecting_nothing.push_back({s.key, s.title, scheduler::seconds_of(s.start), std::move(*why)});
    }
}

namespace detail {

void render_sessions(std::ostream& out, const project_status& p)
{
    for (const auto& s : p.selecting_nothing)
        out << "  session \"" << reminding::log_text(s.title) << "\" " << utc(s.start)
            << " UTC selects no pre-read, so it gets no reminder: " << reminding::log_text(s.why) << '\n';
    render_calls(out, p);
}

nlohmann::ordered_json sessions_json(const project_status& p)
{
    using json = nlohmann::ordered_json;
    json out = json::array();
    for (const auto& s : sessions_with_calls(p)) {
        json attended = json::object();
        for (const auto& [user, at] : s.attended) attended[user] = {{"first_joined", utc(at, "%FT%TZ")}};
        out.push_back({{"key", s.key},
                       {"title", s.title},
                       {"start", utc(s.start, "%FT%TZ")},
                       {"end", utc(s.end, "%FT%TZ")},
                       {"call", s.running ? "running" : "ended"},
                       {"attended", attended},
                       {"absent", s.absent}});
    }
    return out;
}

nlohmann::ordered_json unmatched_calls_json(const project_status& p)
{
    using json = nlohmann::ordered_json;
    json out = json::array();
    for (const auto& c : p.calls) {
        if (!c.session_key.empty()) continue;
        json who = json::array();
        for (const auto& [user, presence] : c.attendees) who.push_back(user);
        out.push_back({{"started", utc(c.started_at, "%FT%TZ")},
                       {"ended", c.ended_at ? json(utc(*c.ended_at, "%FT%TZ")) : json(nullptr)},
                       {"attendees", who}});
    }
    return out;
}

nlohmann::ordered_json selecting_nothing_json(const project_status& p)
{
    auto out = nlohmann::ordered_json::array();
    for (const auto& s : p.selecting_nothing)
        out.push_back({{"key", s.key}, {"title", s.title}, {"start", utc(s.start, "%FT%TZ")}, {"why", s.why}});
    return out;
}

}  // namespace detail
}  // namespace prereadd::daemon
