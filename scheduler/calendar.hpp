// Sessions from a Nextcloud calendar: the iCalendar text of a calendar-query
// REPORT with <expand> (capture 19d: one VEVENT per occurrence, RRULE gone,
// RECURRENCE-ID set, times in UTC), parsed with libical. Pure logic.
#pragma once

#include "scheduler/sessions.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::scheduler {

// Which events are sessions: all, or those with a category and/or a title prefix.
struct calendar_filter {
    std::optional<std::string> category;      // case-insensitive, one of the event's CATEGORIES
    std::optional<std::string> title_prefix;  // SUMMARY starts with it
};

// One session per timed VEVENT that passes the filter; all-day events are not
// sessions. A moved occurrence keeps its key (UID and RECURRENCE-ID) with its
// new time; STATUS:CANCELLED marks it cancelled. Floating times are read in
// `floating_zone` (the project's). Text that is not iCalendar yields nothing.
std::vector<session> sessions_from_calendar(std::string_view ics, const calendar_filter& filter,
                                            const date::time_zone& floating_zone);

}  // namespace prereadd::scheduler
