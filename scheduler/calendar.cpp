// Calendar events to sessions with libical (see calendar.hpp).
#include "scheduler/calendar.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace prereadd::scheduler {
namespace {

struct component_free {
    void operator()(icalcomponent* c) const noexcept { icalcomponent_free(c); }
};

// The instant of a DATE-TIME value, whatever form it came in.
std::optional<date::sys_seconds> instant_of(icaltimetype t, const date::time_zone& floating_zone)
{
    if (icaltime_is_null_time(t) || t.is_date) return std::nullopt;
    if (icaltime_is_utc(t) || t.zone) {
        const icaltimezone* zone = icaltime_is_utc(t) ? icaltimezone_get_utc_timezone() : t.zone;
        return date::sys_seconds{std::chrono::seconds(icaltime_as_timet_with_zone(t, zone))};
    }
    const auto local =
        date::local_days{date::year{t.year} / static_cast<unsigned>(t.month) / static_cast<unsigned>(t.day)} +
        std::chrono::hours(t.hour) + std::chrono::minutes(t.minute) + std::chrono::seconds(t.second);
    return resolve_local(local, floating_zone);
}

// A TZID the calendar did not define in a VTIMEZONE is looked up in libical's own zones.
icaltimetype with_zone(icaltimetype t, icalproperty* p)
{
    if (t.zone || icaltime_is_utc(t) || !p) return t;
    if (icalparameter* tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER))
        if (icaltimezone* z = icaltimezone_get_builtin_timezone(icalparameter_get_tzid(tzid))) t.zone = z;
    return t;
}

std::string utc_basic(date::sys_seconds t) { return date::format("%Y%m%dT%H%M%SZ", t); }

bool passes(icalcomponent* event, const calendar_filter& filter)
{
    if (filter.title_prefix) {
        const char* summary = icalcomponent_get_summary(event);
        if (!summary || !std::string_view(summary).starts_with(*filter.title_prefix)) return false;
    }
    if (filter.category) {
        const std::string wanted = ascii_lower(*filter.category);
        for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_CATEGORIES_PROPERTY); p;
             p = icalcomponent_get_next_property(event, ICAL_CATEGORIES_PROPERTY)) {
            // One property may list several, comma-separated.
            std::string list = icalproperty_get_categories(p) ? icalproperty_get_categories(p) : "";
            std::size_t start = 0;
            while (start <= list.size()) {
                auto comma = list.find(',', start);
                if (comma == std::string::npos) comma = list.size();
                std::string one = list.substr(start, comma - start);
                while (!one.empty() && one.front() == ' ') one.erase(0, 1);
                while (!one.empty() && one.back() == ' ') one.pop_back();
                if (ascii_lower(one) == wanted) return true;
                start = comma + 1;
            }
        }
        return false;
    }
    return true;
}

}  // namespace

std::vector<session> sessions_from_calendar(std::string_view ics, const calendar_filter& filter,
                                            const date::time_zone& floating_zone)
{
    std::vector<session> out;
    const std::string text(ics);
    std::unique_ptr<icalcomponent, component_free> root(icalparser_parse_string(text.c_str()));
    if (!root) return out;
    for (icalcomponent* event = icalcomponent_get_first_component(root.get(), ICAL_VEVENT_COMPONENT); event;
         event = icalcomponent_get_next_component(root.get(), ICAL_VEVENT_COMPONENT)) {
        if (!passes(event, filter)) continue;
        const char* uid = icalcomponent_get_uid(event);
        auto start = instant_of(
            with_zone(icalcomponent_get_dtstart(event), icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY)),
            floating_zone);
        if (!uid || !start) continue;
        auto end = instant_of(
            with_zone(icalcomponent_get_dtend(event), icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY)),
            floating_zone);
        auto recurrence = instant_of(with_zone(icalcomponent_get_recurrenceid(event),
                                               icalcomponent_get_first_property(event, ICAL_RECURRENCEID_PROPERTY)),
                                     floating_zone);
        session s;
        s.key = "caldav:" + std::string(uid) + "/" + utc_basic(recurrence.value_or(*start));
        const char* summary = icalcomponent_get_summary(event);
        s.title = summary && *summary ? summary : "Session";
        s.start = *start;
        s.end = end && *end > *start ? *end : *start + std::chrono::hours(1);
        s.cancelled = icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED;
        if (const char* location = icalcomponent_get_location(event)) s.location = location;
        out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(),
              [](const session& a, const session& b) { return std::tie(a.start, a.key) < std::tie(b.start, b.key); });
    return out;
}

}  // namespace prereadd::scheduler
