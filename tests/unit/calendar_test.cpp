// Sessions from CalDAV: the recorded calendar-query answer (capture 19d), a
// series with a moved and a cancelled occurrence, time zones and filters.
#include "tests/support/source_tree.hpp"
#include "scheduler/calendar.hpp"
#include "tests/sim/capture.hpp"
#include "webdav/multistatus.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd::scheduler {
namespace {

using namespace date;
using namespace std::chrono_literals;

const time_zone& berlin() { return *locate_zone("Europe/Berlin"); }

std::string recorded_calendar_data(const std::string& name)
{
    auto body = sim::load_capture(prereadd::test::nextcloud29_recordings() + "/" + name + ".http").response.body;
    auto objects = webdav::parse_calendar_objects(body);
    EXPECT_TRUE(objects) << objects.error().message();
    EXPECT_EQ(objects->size(), 1u);
    return objects->front().data;
}

std::string in_utc(sys_seconds t) { return format("%FT%TZ", t); }

TEST(calendar, the_recorded_expanded_weekly_series)
{
    auto sessions = sessions_from_calendar(recorded_calendar_data("19d-caldav-report-timerange-expand"), {}, berlin());
    ASSERT_EQ(sessions.size(), 4u);
    EXPECT_EQ(sessions[0].key, "caldav:alpha-weekly-sync-1@preread/20261126T090000Z");
    EXPECT_EQ(sessions[0].title, "Alpha weekly sync");
    EXPECT_EQ(in_utc(sessions[0].start), "2026-11-26T09:00:00Z");
    EXPECT_EQ(in_utc(sessions[0].end), "2026-11-26T10:00:00Z");
    EXPECT_EQ(in_utc(sessions[3].start), "2026-12-17T09:00:00Z");
    for (const auto& s : sessions) EXPECT_FALSE(s.cancelled);
}

TEST(calendar, the_recorded_object_etag_and_href)
{
    auto body =
        sim::load_capture(prereadd::test::nextcloud29_recordings() + "/19e-caldav-report-timerange-noexpand.http")
            .response.body;
    auto objects = webdav::parse_calendar_objects(body);
    ASSERT_TRUE(objects);
    ASSERT_EQ(objects->size(), 1u);
    EXPECT_EQ((*objects)[0].href, "/remote.php/dav/calendars/preread/personal/alpha-weekly-sync.ics");
    EXPECT_EQ((*objects)[0].etag, "3913a85235fd8d6f91ce686f0c9542ed");
    EXPECT_THAT((*objects)[0].data, ::testing::HasSubstr("RRULE:FREQ=WEEKLY;COUNT=10"));
}

// As Sabre expands a series whose third occurrence was moved to Friday
// afternoon and whose second was cancelled (an overridden instance with
// STATUS:CANCELLED; an EXDATE'd one would simply be absent).
const char* const moved_and_cancelled =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Sabre//Sabre VObject 4.5.4//EN\r\nCALSCALE:GREGORIAN\r\n"
    "BEGIN:VEVENT\r\nUID:sync@preread\r\nDTSTART:20261126T090000Z\r\nDTEND:20261126T100000Z\r\n"
    "SUMMARY:Alpha weekly sync\r\nRECURRENCE-ID:20261126T090000Z\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:sync@preread\r\nDTSTART:20261203T090000Z\r\nDTEND:20261203T100000Z\r\n"
    "SUMMARY:Alpha weekly sync\r\nSTATUS:CANCELLED\r\nRECURRENCE-ID:20261203T090000Z\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:sync@preread\r\nDTSTART:20261211T140000Z\r\nDTEND:20261211T150000Z\r\n"
    "SUMMARY:Alpha weekly sync (moved)\r\nLOCATION:Room 2\r\nRECURRENCE-ID:20261210T090000Z\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

TEST(calendar, a_moved_occurrence_keeps_its_key_and_a_cancelled_one_is_marked)
{
    auto sessions = sessions_from_calendar(moved_and_cancelled, {}, berlin());
    ASSERT_EQ(sessions.size(), 3u);
    EXPECT_TRUE(sessions[1].cancelled);
    EXPECT_EQ(sessions[2].key, "caldav:sync@preread/20261210T090000Z") << "identified by its original time";
    EXPECT_EQ(in_utc(sessions[2].start), "2026-12-11T14:00:00Z");
    EXPECT_EQ(sessions[2].location, "Room 2");
}

TEST(calendar, local_times_with_and_without_a_vtimezone)
{
    const std::string with_vtimezone =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Nextcloud calendar//EN\r\n"
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20261202T100000\r\n"
        "DTEND;TZID=Europe/Berlin:20261202T120000\r\nSUMMARY:Kick-off\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    auto a = sessions_from_calendar(with_vtimezone, {}, berlin());
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(in_utc(a[0].start), "2026-12-02T09:00:00Z");
    EXPECT_EQ(in_utc(a[0].end), "2026-12-02T11:00:00Z");

    const std::string builtin_zone =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:b\r\nDTSTART;TZID=America/New_York:20260701T090000\r\n"
        "DURATION:PT30M\r\nSUMMARY:Summer call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    auto b = sessions_from_calendar(builtin_zone, {}, berlin());
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(in_utc(b[0].start), "2026-07-01T13:00:00Z") << "EDT";
    EXPECT_EQ(in_utc(b[0].end), "2026-07-01T13:30:00Z");

    const std::string floating =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:c\r\nDTSTART:20261202T100000\r\nSUMMARY:Floating\r\n"
        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20261203\r\nSUMMARY:All day\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n";
    auto c = sessions_from_calendar(floating, {}, berlin());
    ASSERT_EQ(c.size(), 1u) << "an all-day event is not a session";
    EXPECT_EQ(in_utc(c[0].start), "2026-12-02T09:00:00Z") << "read in the project's zone";
}

TEST(calendar, only_events_with_the_category_or_title_prefix)
{
    const std::string ics =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        "BEGIN:VEVENT\r\nUID:1\r\nDTSTART:20261202T090000Z\r\nSUMMARY:[Alpha] Review\r\nCATEGORIES:Work,Pre-read\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:2\r\nDTSTART:20261203T090000Z\r\nSUMMARY:Dentist\r\nCATEGORIES:Personal\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20261204T090000Z\r\nSUMMARY:[Alpha] Retro\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n";
    EXPECT_EQ(sessions_from_calendar(ics, {}, berlin()).size(), 3u);
    auto by_category = sessions_from_calendar(ics, {"pre-read", std::nullopt}, berlin());
    ASSERT_EQ(by_category.size(), 1u);
    EXPECT_EQ(by_category[0].title, "[Alpha] Review");
    EXPECT_EQ(sessions_from_calendar(ics, {std::nullopt, "[Alpha]"}, berlin()).size(), 2u);
}

TEST(calendar, text_that_is_not_icalendar_yields_nothing)
{
    EXPECT_TRUE(sessions_from_calendar("", {}, berlin()).empty());
    EXPECT_TRUE(
        sessions_from_calendar("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:no uid or start\r\n", {}, berlin()).empty());
    EXPECT_TRUE(sessions_from_calendar(std::string(10000, '\0'), {}, berlin()).empty());
}

}  // namespace
}  // namespace prereadd::scheduler
