// Calls and attendance from Talk's call messages (see attendance.hpp).
#include "reminding/attendance.hpp"

#include "scheduler/time.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace prereadd::reminding {

using scheduler::seconds_of;

std::optional<std::int64_t> call_duration(std::string_view text)
{
    // The last "H:MM" or "H:MM:SS" of the text, whatever word stands before it:
    // Talk writes the message in the reader's language ("(Duration 0:12)",
    // "(Dauer 0:06)": 42j), and only the digits are the same in all of them.
    // The names in it are placeholders ({user1}), never digits.
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    for (auto end = text.size(); end > 0; --end) {
        if (!digit(text[end - 1])) continue;
        auto begin = end;
        while (begin > 0 && (digit(text[begin - 1]) || text[begin - 1] == ':')) --begin;
        auto span = text.substr(begin, end - begin);
        std::int64_t total = 0;
        int parts = 0;
        bool valid = !span.empty() && span.front() != ':';
        while (valid && !span.empty()) {
            auto colon = span.find(':');
            auto part = span.substr(0, colon);
            std::int64_t v = 0;
            auto [stop, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
            valid = ec == std::errc() && stop == part.data() + part.size() && !part.empty() &&
                    (parts == 0 || (part.size() == 2 && v < 60));
            total = total * 60 + v;
            ++parts;
            span = colon == std::string_view::npos ? std::string_view() : span.substr(colon + 1);
        }
        if (valid && parts >= 2 && parts <= 3) return total;
        end = begin + 1;  // the loop's --end steps before this group
    }
    return std::nullopt;
}

std::vector<call_event> call_events(const std::vector<ocs::chat_message>& messages)
{
    using k = call_event::kind;
    static const std::map<std::string, k> kinds = {{"call_started", k::started},       {"call_joined", k::joined},
                                                   {"call_left", k::left},             {"call_ended", k::ended},
                                                   {"call_ended_everyone", k::ended}, {"call_missed", k::ended}};
    std::vector<call_event> out;
    for (const auto& m : messages) {
        auto kind = kinds.find(m.system_message);
        if (kind == kinds.end()) continue;
        call_event e{kind->second, m.id, m.timestamp, m.actor_type == "users" ? m.actor_id : std::string()};
        if (e.what == k::ended) {
            for (const auto& [name, user] : m.users)
                if (name.starts_with("user") && name.find_first_not_of("0123456789", 4) == std::string::npos)
                    e.named.push_back(user);
            e.duration = call_duration(m.message);
        }
        if (e.user.empty() && e.what != k::ended) continue;
        out.push_back(std::move(e));
    }
    return out;
}

namespace {

void join(store::call_row& call, const std::string& user, std::int64_t at)
{
    auto [it, added] = call.attendees.try_emplace(user, store::call_presence{at, at, std::nullopt});
    if (!added) it->second.last_joined = at;
}

bool in_call(const store::call_presence& p) { return !p.last_left || p.last_joined > *p.last_left; }

}  // namespace

std::vector<store::call_row> follow_calls(const std::string& project, std::optional<store::call_row> running,
                                          const std::vector<call_event>& events)
{
    using k = call_event::kind;
    std::vector<store::call_row> touched;
    // An index, not an optional: g++ 12 at -O2 sees the optional as maybe
    // uninitialised (-Wmaybe-uninitialized, a false positive that fails the
    // package build's -Werror).
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::size_t open = none;  // index into touched
    if (running) {
        touched.push_back(std::move(*running));
        open = 0;
    }
    auto begin = [&](const call_event& e, std::int64_t at) {
        store::call_row c;
        c.project = project;
        c.id = e.message_id;
        c.started_at = at;
        touched.push_back(std::move(c));
        open = touched.size() - 1;
    };
    for (const auto& e : events) {
        if (e.what == k::started || e.what == k::joined) {
            // A start while a call is open means its end was never written (a
            // server crash): the old call ends where the new one begins.
            if (open != none && e.what == k::started) {
                touched[open].ended_at = e.at;
                open = none;
            }
            if (open == none) begin(e, e.at);
            join(touched[open], e.user, e.at);
        } else if (e.what == k::left) {
            if (open == none) continue;
            if (auto it = touched[open].attendees.find(e.user); it != touched[open].attendees.end())
                it->second.last_left = e.at;
        } else {
            if (open == none) begin(e, e.at - e.duration.value_or(0));
            auto& c = touched[open];
            c.ended_at = e.at;
            // call_ended_everyone leaves its actor out of the names (Talk's
            // parseCall); the actor of call_ended is the last one out.
            auto named = e.named;
            if (!e.user.empty()) named.push_back(e.user);
            for (const auto& user : named)
                if (!c.attendees.count(user)) c.attendees[user] = {c.started_at, c.started_at, e.at};
            for (auto& [user, p] : c.attendees)
                if (in_call(p)) p.last_left = e.at;
            open = none;
        }
    }
    return touched;
}

const scheduler::session* match_call(const store::call_row& call, const std::vector<scheduler::session>& sessions,
                                     const attendance_rules& rules, std::int64_t now)
{
    const std::int64_t until = call.ended_at.value_or(std::max(now, call.started_at));
    const scheduler::session* best = nullptr;
    std::int64_t best_distance = 0;
    for (const auto& s : sessions) {
        if (s.cancelled) continue;
        const std::int64_t from = seconds_of(s.start) - rules.join_before.count();
        const std::int64_t to = seconds_of(s.end);
        if (call.started_at > to || until < from) continue;
        const std::int64_t distance = std::llabs(call.started_at - seconds_of(s.start));
        if (!best || distance < best_distance) {
            best = &s;
            best_distance = distance;
        }
    }
    return best;
}

void assign_session(store::call_row& call, const scheduler::session* s)
{
    call.session_key = s ? s->key : std::string();
    call.session_start = s ? seconds_of(s->start) : 0;
    call.session_end = s ? seconds_of(s->end) : 0;
    call.session_title = s ? s->title : std::string();
}

session_attendance attendance_of(const std::string& key, std::int64_t start, std::int64_t end,
                                 const std::vector<store::call_row>& calls, const attendance_rules& rules,
                                 std::int64_t now)
{
    session_attendance out;
    const std::int64_t from = start - rules.join_before.count();
    for (const auto& c : calls) {
        if (c.session_key != key || c.session_start != start) continue;
        out.call_happened = true;
        out.call_running = out.call_running || !c.ended_at;
        for (const auto& [user, p] : c.attendees) {
            const std::int64_t left = in_call(p) ? c.ended_at.value_or(now) : *p.last_left;
            if (p.first_joined > end || left < from) continue;
            auto [it, added] = out.present.try_emplace(user, p.first_joined);
            if (!added) it->second = std::min(it->second, p.first_joined);
        }
    }
    return out;
}

}  // namespace prereadd::reminding
