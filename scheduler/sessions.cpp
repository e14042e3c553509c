// Session expansion (see sessions.hpp).
#include "scheduler/sessions.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

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
    // Sessions at one local start, in configuration order: a session the same
    // in every way as one before it (a single session repeating a weekly
    // occurrence) is that session; any other is a session of its own (parallel
    // groups, a slot twice), keyed "<start>#2", "#3"... so the first keeps the
    // key it always had and its ledger rows, whatever is added beside it.
    std::map<std::string, std::vector<session>> at_start;
    auto add = [&](const std::string& title, date::local_seconds local, std::chrono::seconds duration,
                   const std::string& whiteboard, const section_choice& section) {
        const auto start = resolve_local(local, zone);
        // The end is a wall-clock time too: a two-hour session over a DST change still ends two hours later.
        const auto end = start + duration;
        if (end <= from || start >= to) return;
        session s{local_key(local), title, start, end, false, {}, whiteboard, section};
        auto& same_start = at_start[s.key];
        const auto same = [&](const session& o) {
            return std::tie(o.title, o.end, o.whiteboard, o.moodle_section) ==
                   std::tie(s.title, s.end, s.whiteboard, s.moodle_section);
        };
        if (std::any_of(same_start.begin(), same_start.end(), same)) return;
        if (!same_start.empty()) s.key += "#" + std::to_string(same_start.size() + 1);
        same_start.push_back(s);
        out.push_back(std::move(s));
    };
    for (const auto& s : singles) add(s.title, s.start, s.duration, s.whiteboard, s.moodle_section);
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
            section_choice section;
            if (w.moodle_first_section) section.number = *w.moodle_first_section + static_cast<int>(produced) - 1;
            add(w.title, local, w.duration, w.whiteboard, section);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const session& a, const session& b) { return std::tie(a.start, a.key) < std::tie(b.start, b.key); });
    return out;
}

namespace {

// `needle` in `hay` with no digit right before or after it ("9 december" is not in "19 december").
bool holds(const std::string& hay, const std::string& needle)
{
    auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
    for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) {
        const bool before = at > 0 && digit(hay[at - 1]) && digit(needle.front());
        const auto end = at + needle.size();
        const bool after = end < hay.size() && digit(hay[end]) && digit(needle.back());
        if (!before && !after) return true;
    }
    return false;
}

bool module_belongs(const pre_read_doc& d, const session& s, date::year_month_day day, module_scope modules)
{
    if (s.moodle_section.number) return d.section == *s.moodle_section.number;
    if (!s.moodle_section.name.empty()) return ascii_lower(d.section_name) == ascii_lower(s.moodle_section.name);
    return modules == module_scope::whole_course || section_names_date(d.section_name, day);
}

}  // namespace

std::string ascii_lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool section_names_date(const std::string& section_name, date::year_month_day day)
{
    static const char* const months[] = {"january", "february", "march",     "april",   "may",      "june",
                                         "july",    "august",   "september", "october", "november", "december"};
    const auto name = ascii_lower(section_name);
    const unsigned d = static_cast<unsigned>(day.day()), m = static_cast<unsigned>(day.month());
    const std::string y = std::to_string(static_cast<int>(day.year()));
    const std::string month = months[m - 1];
    auto two = [](unsigned v) { return (v < 10 ? "0" : "") + std::to_string(v); };
    const std::string forms[] = {
        y + "-" + two(m) + "-" + two(d),                        // 2026-12-09
        std::to_string(d) + " " + month,                        // 9 december (2026)
        two(d) + " " + month,                                   // 09 december
        month + " " + std::to_string(d),                        // december 9(, 2026)
        two(d) + "." + two(m) + "." + y,                        // 09.12.2026
        std::to_string(d) + "." + std::to_string(m) + "." + y,  // 9.12.2026
        std::to_string(m) + "/" + std::to_string(d) + "/" + y,  // 12/9/2026
    };
    return std::any_of(std::begin(forms), std::end(forms), [&](const std::string& f) { return holds(name, f); });
}

std::vector<pre_read_doc> documents_for(const session& s, const date::time_zone& zone,
                                        const std::vector<pre_read_doc>& all, pre_read_scope scope,
                                        const std::string& tag_prefix, module_scope modules)
{
    const auto local_day = date::floor<date::days>(zone.to_local(s.start));
    const std::string day = date::format("%Y-%m-%d", local_day);
    std::vector<pre_read_doc> out;
    for (const auto& d : all) {
        if (d.from_moodle()) {
            if (module_belongs(d, s, date::year_month_day{local_day}, modules)) out.push_back(d);
            continue;
        }
        if (scope == pre_read_scope::folder) {
            out.push_back(d);
            continue;
        }
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
