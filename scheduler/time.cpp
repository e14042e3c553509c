// Strict parsers for configuration time values (see time.hpp). Strict on
// purpose: "2026-12-1" or "PT1.5H" are more likely typos than intentions.
#include "scheduler/time.hpp"

#include <boost/throw_exception.hpp>

#include <charconv>
#include <sstream>
#include <stdexcept>

namespace prereadd::scheduler {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n)
{
    if (pos + n > s.size()) return false;
    for (std::size_t i = pos; i < pos + n; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

int number(std::string_view s, std::size_t pos, std::size_t n)
{
    int v = 0;
    std::from_chars(s.data() + pos, s.data() + pos + n, v);
    return v;
}

parsed<date::year_month_day> date_at(std::string_view text, std::string_view whole)
{
    if (text.size() != 10 || !digits(text, 0, 4) || text[4] != '-' || !digits(text, 5, 2) || text[7] != '-' ||
        !digits(text, 8, 2))
        return invalid_value{"\"" + std::string(whole) + "\" is not a date of the form YYYY-MM-DD"};
    date::year_month_day ymd{date::year{number(text, 0, 4)}, date::month{static_cast<unsigned>(number(text, 5, 2))},
                             date::day{static_cast<unsigned>(number(text, 8, 2))}};
    if (!ymd.ok()) return invalid_value{"\"" + std::string(whole) + "\" is not a calendar date"};
    return ymd;
}

}  // namespace

void throw_exception_from_error(const invalid_value& e, const boost::source_location& loc)
{
    boost::throw_exception(std::invalid_argument(e.reason), loc);
}

parsed<std::chrono::seconds> parse_duration(std::string_view text)
{
    const auto bad = [&](std::string why) {
        return invalid_value{"\"" + std::string(text) + "\" is not an ISO 8601 duration" +
                             (why.empty() ? std::string(" (examples: P3D, PT15M, P1DT12H)") : ": " + why)};
    };
    if (text.size() < 3 || text[0] != 'P') return bad("");
    std::size_t pos = 1;
    bool in_time = false;
    bool any = false;
    // Units in the order ISO 8601 requires, each at most once.
    std::string_view remaining_units = "WD";
    long long total = 0;
    while (pos < text.size()) {
        if (text[pos] == 'T') {
            if (in_time) return bad("");
            in_time = true;
            remaining_units = "HMS";
            ++pos;
            if (pos == text.size()) return bad("nothing after T");
            continue;
        }
        std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == start) {
            if (text[pos] == '-') return bad("negative durations are not allowed");
            return bad("");
        }
        if (pos == text.size()) return bad("a number without a unit");
        if (text[pos] == '.' || text[pos] == ',') return bad("fractions are not supported");
        long long value = 0;
        auto [end, ec] = std::from_chars(text.data() + start, text.data() + pos, value);
        if (ec != std::errc() || value > 100'000) return bad("the number is too large");
        char unit = text[pos++];
        if (!in_time && (unit == 'Y' || unit == 'M'))
            return bad("years and months have no fixed length; use days (D) or weeks (W)");
        auto at = remaining_units.find(unit);
        if (at == std::string_view::npos) return bad("");
        remaining_units.remove_prefix(at + 1);
        if (unit == 'W' && pos != text.size()) return bad("weeks cannot be combined with other units");
        static constexpr auto seconds_of = [](char u, bool time) -> long long {
            switch (u) {
            case 'W': return 7 * 86400;
            case 'D': return 86400;
            case 'H': return 3600;
            case 'M': return time ? 60 : 0;
            case 'S': return 1;
            }
            return 0;
        };
        total += value * seconds_of(unit, in_time);
        any = true;
    }
    if (!any) return bad("");
    return std::chrono::seconds(total);
}

std::string format_duration(std::chrono::seconds d)
{
    long long s = d.count();
    if (s == 0) return "PT0S";
    std::string out = s < 0 ? "-P" : "P";
    if (s < 0) s = -s;
    if (long long days = s / 86400) out += std::to_string(days) + 'D';
    s %= 86400;
    if (s != 0) {
        out += 'T';
        if (long long h = s / 3600) out += std::to_string(h) + 'H';
        if (long long m = (s % 3600) / 60) out += std::to_string(m) + 'M';
        if (long long sec = s % 60) out += std::to_string(sec) + 'S';
    }
    return out;
}

parsed<date::local_seconds> parse_local_date_time(std::string_view text)
{
    const auto bad = invalid_value{"\"" + std::string(text) +
                                   "\" is not a local date and time of the form YYYY-MM-DDTHH:MM (no offset: the "
                                   "project's time_zone applies)"};
    if (text.size() < 16 || text[10] != 'T') return bad;
    auto day = date_at(text.substr(0, 10), text);
    if (!day) return day.error();
    auto time = parse_time_of_day(text.substr(11));
    if (!time) return bad;
    return date::local_days{*day} + *time;
}

parsed<date::local_days> parse_local_date(std::string_view text)
{
    auto day = date_at(text, text);
    if (!day) return day.error();
    return date::local_days{*day};
}

parsed<std::chrono::seconds> parse_time_of_day(std::string_view text)
{
    const auto bad = invalid_value{"\"" + std::string(text) + "\" is not a time of day of the form HH:MM"};
    if ((text.size() != 5 && text.size() != 8) || !digits(text, 0, 2) || text[2] != ':' || !digits(text, 3, 2))
        return bad;
    int h = number(text, 0, 2), m = number(text, 3, 2), s = 0;
    if (text.size() == 8) {
        if (text[5] != ':' || !digits(text, 6, 2)) return bad;
        s = number(text, 6, 2);
    }
    if (h > 23 || m > 59 || s > 59) return bad;
    return std::chrono::seconds(h * 3600 + m * 60 + s);
}

parsed<const date::time_zone*> find_time_zone(std::string_view name)
{
    if (name.empty()) return invalid_value{"the time zone is empty"};
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return invalid_value{"\"" + std::string(name) +
                             "\" is not a time zone of the tz database (an IANA name such as \"Europe/Berlin\")"};
    }
}

parsed<date::sys_seconds> to_instant(date::local_seconds local, const date::time_zone& zone)
{
    auto info = zone.get_info(local);
    if (info.result == date::local_info::nonexistent) {
        std::ostringstream text;
        text << date::format("%Y-%m-%dT%H:%M", local) << " does not exist in " << zone.name()
             << " (the clocks skip it for daylight saving time)";
        return invalid_value{text.str()};
    }
    return date::sys_seconds{local.time_since_epoch()} - info.first.offset;
}

}  // namespace prereadd::scheduler
