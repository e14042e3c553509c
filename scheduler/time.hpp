// Parsing of the time values the configuration carries: ISO 8601 durations,
// local dates and times, IANA time zones. Pure functions, no I/O.
#pragma once

#include <boost/system/result.hpp>
#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace prereadd::scheduler {

// Why a value was refused, in words meant for the person who wrote it.
struct invalid_value {
    std::string reason;
};
[[noreturn]] void throw_exception_from_error(const invalid_value& e, const boost::source_location& loc);

template <class T>
using parsed = boost::system::result<T, invalid_value>;

// ISO 8601 durations with fixed lengths: PnW, or PnDTnHnMnS with any of the
// parts ("P3D", "PT15M", "P1DT12H"). Years and months are refused because
// their length depends on the calendar; signs and fractions are refused too.
parsed<std::chrono::seconds> parse_duration(std::string_view text);

// The canonical ISO 8601 form of a duration ("P1DT2H"), for messages.
std::string format_duration(std::chrono::seconds d);

// "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", without an offset: the time
// zone comes from the project.
parsed<date::local_seconds> parse_local_date_time(std::string_view text);

// "YYYY-MM-DD".
parsed<date::local_days> parse_local_date(std::string_view text);

// "HH:MM" or "HH:MM:SS" within one day.
parsed<std::chrono::seconds> parse_time_of_day(std::string_view text);

// A zone of the system tz database by IANA name ("Europe/Berlin").
parsed<const date::time_zone*> find_time_zone(std::string_view name);

// The instant a local time denotes in a zone. A time skipped by a DST change
// is refused; a repeated one means its first occurrence.
parsed<date::sys_seconds> to_instant(date::local_seconds local, const date::time_zone& zone);

// Unix seconds, as the store and the clocks given to the daemon count them.
inline std::int64_t seconds_of(date::sys_seconds t) { return t.time_since_epoch().count(); }

}  // namespace prereadd::scheduler
