// Session expansion (see sessions.hpp).
#include "scheduler/sessions.hpp"

#include <algorithm>

namespace prereadd::scheduler {

date::sys_seconds resolve_local(date::local_seconds local, const date::time_zone& zone)
{
    // `first` is the offset in force before a transition: for a repeated time
    // that is its first occurrence, for a skipped one the offset before the gap.
    const auto info = zone.get_info(local);
    return date::sys_seconds{local.time_since_epoch() - info.first.offset};
}

std::string local_key(date::local_seconds local)
{
    const auto day = date::floor<date::days>(local);
    const date::hh_mm_ss<std::chrono::seconds> tod{local - day};
    return date::format("%Y-%m-%d", day) + "T" +
           (tod.seconds().count() ? date::format("%H:%M:%S", tod.to_duration())
                                  : date::format("%H:%M", tod.to_duration()));
}

std::vector<session> expand_sessions(const std::vector<single_session>& singles,
                                     const std::vector<weekly_series>& weekly, const date::time_zone& zone,
                                     date::sys_seconds from, date::sys_seconds to)
{
    std::vector<session> out;
    auto add = [&](const std::string& title, date::local_seconds local, std::chrono::seconds duration,
                   const std::string& whiteboard) {
        const auto start = resolve_local(local, zone);
        // The end is a wall-clock time too: a two-hour session over a DST change still ends two hours later.
        const auto end = start + duration;
        if (end > from && start < to) out.push_back({local_key(local), title, start, end, false, {}, whiteboard});
    };
    for (const auto& s : singles) add(s.title, s.start, s.duration, s.whiteboard);
    for (const auto& w : weekly) {
        unsigned produced = 0;
        for (auto day = w.first;; day += date::days{1}) {
            if (w.until && day > *w.until) break;
            if (w.count && produced >= *w.count) break;
            if (std::find(w.days.begin(), w.days.end(), date::weekday{day}) == w.days.end()) continue;
            ++produced;
            const auto local = date::local_seconds{day} + w.time_of_day;
            // Past the window: no later date can be in it either.
            if (resolve_local(local, zone) >= to) break;
            if (std::find(w.except.begin(), w.except.end(), day) != w.except.end()) continue;
            add(w.title, local, w.duration, w.whiteboard);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const session& a, const session& b) { return std::tie(a.start, a.key) < std::tie(b.start, b.key); });
    out.erase(std::unique(out.begin(), out.end(), [](const session& a, const session& b) { return a.key == b.key; }),
              out.end());
    return out;
}

std::vector<pre_read_doc> documents_for(const session& s, const date::time_zone& zone,
                                        const std::vector<pre_read_doc>& all, pre_read_scope scope,
                                        const std::string& tag_prefix)
{
    if (scope == pre_read_scope::folder) return all;
    const std::string day = date::format("%Y-%m-%d", date::floor<date::days>(zone.to_local(s.start)));
    std::vector<pre_read_doc> out;
    for (const auto& d : all) {
        if (scope == pre_read_scope::session_folder) {
            if (d.path.find('/') == std::string::npos || d.path.starts_with(day + "/")) out.push_back(d);
            continue;
        }
        // A dated tag is "<prefix>YYYY-MM-DD"; the document belongs to the sessions of the dates it names.
        bool dated = false, mine = false;
        for (const auto& t : d.tags) {
            if (!t.starts_with(tag_prefix) || t.size() != tag_prefix.size() + 10) continue;
            const std::string date_part = t.substr(tag_prefix.size());
            if (date_part[4] != '-' || date_part[7] != '-') continue;
            dated = true;
            mine = mine || date_part == day;
        }
        if (!dated || mine) out.push_back(d);
    }
    return out;
}

}  // namespace prereadd::scheduler
