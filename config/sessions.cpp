// A project's own sessions: single ones ("sessions") and weekly series
// ("weekly"), checked against the project's time zone.
#include "config/checks.hpp"
#include "config/loaders.hpp"

#include "scheduler/time.hpp"

#include <algorithm>

namespace prereadd::config::detail {
namespace {

// A board inside the project folder, as a relative path ("boards/week-1.whiteboard").
bool load_whiteboard(object_reader& s, std::string& out)
{
    auto board = s.string("whiteboard", false);
    if (!board) return true;
    std::string path = *board;
    while (!path.empty() && path.front() == '/') path.erase(0, 1);
    if (path.empty() || path.find("..") != std::string::npos || !path.ends_with(".whiteboard")) {
        s.sink().add(s.field("whiteboard"), in_quotes(*board) +
                                                " is not a board: a .whiteboard file's path inside the project "
                                                "folder, such as \"boards/week-1.whiteboard\"");
        return false;
    }
    out = path;
    return true;
}

// "moodle_section": a section's number (0 is the course's general section) or its name.
bool load_moodle_section(object_reader& s, scheduler::section_choice& out)
{
    const json* v = s.get("moodle_section", false);
    if (!v) return true;
    if (v->is_number_integer() && v->get<std::int64_t>() >= 0 && v->get<std::int64_t>() <= 1000) {
        out.number = static_cast<int>(v->get<std::int64_t>());
        return true;
    }
    if (v->is_string() && !v->get<std::string>().empty()) {
        out.name = v->get<std::string>();
        return true;
    }
    s.sink().add(s.field("moodle_section"),
                 v->dump() + " is not a Moodle course section: its number (0 to 1000) or its name, such as \"Week 2\"");
    return false;
}

void load_session(const json& e, const std::string& path, project_config& p, error_sink& sink)
{
    object_reader s(e, path, sink, {"title", "start", "duration", "whiteboard", "moodle_section"});
    if (!s.valid()) return;
    session_config session;
    auto title = s.string("title", true);
    auto start = s.string("start", true);
    if (title) session.title = *title;
    if (start) {
        auto local = scheduler::parse_local_date_time(*start);
        if (!local) {
            sink.add(s.field("start"), local.error().reason);
            start.reset();
        } else {
            session.start = *local;
            if (p.time_zone) {
                if (auto instant = scheduler::to_instant(*local, *p.time_zone); !instant) {
                    sink.add(s.field("start"), instant.error().reason);
                    start.reset();
                }
            }
        }
    }
    if (auto d = s.duration("duration", false, std::chrono::minutes(1), std::chrono::hours(24 * 7)))
        session.duration = *d;
    if (!load_whiteboard(s, session.whiteboard)) return;
    if (!load_moodle_section(s, session.moodle_section)) return;
    if (title && start) p.sessions.push_back(std::move(session));
}

// "days": at least one weekday, each once.
bool load_days(object_reader& w, weekly_series_config& series)
{
    bool ok = true;
    bool has_days = w.array("days", true, [&](const json& d, const std::string& dpath) {
        auto day = d.is_string() ? parse_weekday(d.get<std::string>()) : std::nullopt;
        if (!day) {
            w.sink().add(dpath, d.dump() + " is not a weekday (MO, TU, WE, TH, FR, SA, SU or the full English name)");
            ok = false;
        } else if (std::find(series.days.begin(), series.days.end(), *day) == series.days.end()) {
            series.days.push_back(*day);
        }
    });
    if (!has_days) return false;
    if (series.days.empty()) {
        w.sink().add(w.field("days"), "must name at least one weekday");
        return false;
    }
    return ok;
}

// A date member; false when present and invalid (or required and missing).
bool load_date(object_reader& w, std::string_view key, bool required, std::optional<date::local_days>& out)
{
    auto text = w.string(key, required);
    if (!text) return !required;
    auto d = scheduler::parse_local_date(*text);
    if (!d) {
        w.sink().add(w.field(key), d.error().reason);
        return false;
    }
    out = *d;
    return true;
}

// "count" or "until" (one of them, until not before first), and "except".
bool load_series_end(object_reader& w, const std::string& path, weekly_series_config& series)
{
    bool ok = true;
    if (auto c = w.integer("count", false, 1, 1000)) series.count = static_cast<unsigned>(*c);
    ok &= load_date(w, "until", false, series.until);
    if (series.count && series.until) {
        w.sink().add(w.field("until"), "give either count or until, not both");
        ok = false;
    } else if (!series.count && !series.until && w.get("count", false) == nullptr && w.get("until", false) == nullptr) {
        w.sink().add(path, "needs count or until, so the series ends");
        ok = false;
    }
    if (series.until && series.until < series.first) {
        w.sink().add(w.field("until"), "is before first");
        ok = false;
    }
    w.array("except", false, [&](const json& d, const std::string& dpath) {
        auto day = d.is_string() ? scheduler::parse_local_date(d.get<std::string>())
                                 : scheduler::parsed<date::local_days>(scheduler::invalid_value{
                                       std::string("must be a date string, not ") + d.type_name()});
        if (!day) {
            w.sink().add(dpath, day.error().reason);
            ok = false;
        } else {
            series.except.push_back(*day);
        }
    });
    return ok;
}

void load_weekly(const json& e, const std::string& path, project_config& p, error_sink& sink)
{
    object_reader w(e, path, sink,
                    {"title", "days", "time", "first", "count", "until", "except", "duration", "whiteboard",
                     "moodle_first_section"});
    if (!w.valid()) return;
    weekly_series_config series;
    bool ok = true;
    if (auto title = w.string("title", true))
        series.title = *title;
    else
        ok = false;
    ok &= load_days(w, series);
    if (auto t = w.string("time", true)) {
        if (auto tod = scheduler::parse_time_of_day(*t)) {
            series.time_of_day = *tod;
        } else {
            sink.add(w.field("time"), tod.error().reason);
            ok = false;
        }
    } else {
        ok = false;
    }
    std::optional<date::local_days> first;
    ok &= load_date(w, "first", true, first) && first.has_value();
    if (first) series.first = *first;
    ok &= load_series_end(w, path, series);
    if (auto d = w.duration("duration", false, std::chrono::minutes(1), std::chrono::hours(24))) series.duration = *d;
    ok &= load_whiteboard(w, series.whiteboard);
    if (w.get("moodle_first_section", false)) {
        if (auto n = w.integer("moodle_first_section", false, 0, 1000))
            series.moodle_first_section = static_cast<int>(*n);
        else
            ok = false;
    }
    if (ok) p.weekly.push_back(std::move(series));
}

}  // namespace

void load_sessions(object_reader& r, project_config& p)
{
    r.array("sessions", false, [&](const json& e, const std::string& path) { load_session(e, path, p, r.sink()); });
    r.array("weekly", false, [&](const json& e, const std::string& path) { load_weekly(e, path, p, r.sink()); });
}

}  // namespace prereadd::config::detail
