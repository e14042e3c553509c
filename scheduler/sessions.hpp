// Sessions: the synchronous meetings pre-reads are for. From the project
// configuration (single sessions and weekly series, local times in the
// project's IANA zone) or from a Nextcloud calendar (calendar.hpp). Pure logic.
#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prereadd::scheduler {

// The Moodle course section a session's pre-reads are in, by number or by
// name (docs/moodle.md); neither: the project's `moodle.modules` decides.
struct section_choice {
    std::optional<int> number;
    std::string name{};

    bool empty() const { return !number && name.empty(); }
    auto operator<=>(const section_choice&) const = default;
};

struct single_session {
    std::string title;
    date::local_seconds start;
    std::chrono::seconds duration{3600};
    std::string whiteboard{};  // a board to work on in the call: a path inside the project folder
    section_choice moodle_section{};
};

// Like an iCalendar RRULE:FREQ=WEEKLY;BYDAY=...: `count` counts the dates the
// rule produces before `except` removes some (EXDATE semantics).
struct weekly_series {
    std::string title;
    std::vector<date::weekday> days;
    std::chrono::seconds time_of_day{0};
    date::local_days first;
    std::optional<unsigned> count;
    std::optional<date::local_days> until;  // inclusive
    std::vector<date::local_days> except;
    std::chrono::seconds duration{3600};
    std::string whiteboard{};
    // Occurrence n (1-based, counted like `count`) has section first + n - 1.
    std::optional<int> moodle_first_section{};
};

struct session {
    // Stable identity across restarts and reloads: "2026-12-09T14:00" (the
    // local start) for configured sessions, "2026-12-09T14:00#2" for a second,
    // different session at the same start (in configuration order),
    // "caldav:<UID>/<RECURRENCE-ID>" for calendar events, so a moved calendar
    // occurrence keeps its identity.
    std::string key;
    std::string title;
    date::sys_seconds start;
    date::sys_seconds end;
    bool cancelled = false;
    std::string location;  // for messages; may be empty
    // A Nextcloud Whiteboard board (a .whiteboard file in the project folder)
    // worked on during the call: linked from the reminders, never a pre-read.
    std::string whiteboard{};
    section_choice moodle_section{};  // where its Moodle pre-reads are, when it says

    auto operator<=>(const session&) const = default;
};

// The instant a local time names in `zone`, for times computed from a rule:
// a time skipped by a DST change is read with the offset from before the gap
// (02:30 on the spring-forward night in Berlin is 03:30 CEST, as RFC 5545 says),
// a repeated one is its first occurrence.
date::sys_seconds resolve_local(date::local_seconds local, const date::time_zone& zone);

// "2026-12-09T14:00" (seconds only when not zero).
std::string local_key(date::local_seconds local);

// The configured sessions that end after `from` and start before `to`, by start.
std::vector<session> expand_sessions(const std::vector<single_session>& singles,
                                     const std::vector<weekly_series>& weekly, const date::time_zone& zone,
                                     date::sys_seconds from, date::sys_seconds to);

struct pre_read_doc {
    std::int64_t file_id = 0;
    std::string path;  // inside the project folder
    std::int64_t first_seen = 0;
    std::vector<std::string> tags{};  // collaborative tags
    // A Moodle course module (source "moodle", file_id = -cmid, path = its
    // name): its section and its view page, the link that records completion.
    std::string source{};
    int section = -1;
    std::string section_name{};
    std::string link{};

    bool from_moodle() const { return source == "moodle"; }
};

// Which Moodle modules belong to a session that names no section: all
// (`whole_course`) or those of the section whose name holds the session's
// local date ("Week 2 — 9 December 2026", "2026-12-09", "09.12.2026").
enum class module_scope { whole_course, section_with_date };

// `s` with its ASCII letters in lower case: names compared without case
// (calendar categories, section names, e-mail addresses).
std::string ascii_lower(std::string s);

// Whether a section's name holds the date, in the forms course authors write it.
bool section_names_date(const std::string& section_name, date::year_month_day day);

// Which documents belong to a session: every one (`folder`); with
// `session_folder` the ones directly in the project folder plus those in the
// sub-folder named after the session's local date ("2026-12-09/agenda.md");
// with `tag` those tagged `<tag_prefix><local date>` ("alpha-2026-12-09") plus
// those with no such dated tag at all.
enum class pre_read_scope { folder, session_folder, tag };
// Moodle modules follow the session's section, else `modules`.
std::vector<pre_read_doc> documents_for(const session& s, const date::time_zone& zone,
                                        const std::vector<pre_read_doc>& all, pre_read_scope scope,
                                        const std::string& tag_prefix = {},
                                        module_scope modules = module_scope::whole_course);

}  // namespace prereadd::scheduler
