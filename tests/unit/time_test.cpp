// Configuration time values: ISO 8601 durations, local date-times, zones, DST.
#include "http/timestamp.hpp"
#include "scheduler/time.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd::scheduler {
namespace {

using namespace std::chrono_literals;

TEST(duration, accepts_fixed_length_iso_8601_forms)
{
    EXPECT_EQ(*parse_duration("P3D"), 72h);
    EXPECT_EQ(*parse_duration("PT15M"), 15min);
    EXPECT_EQ(*parse_duration("P1DT12H"), 36h);
    EXPECT_EQ(*parse_duration("PT1H30M15S"), 1h + 30min + 15s);
    EXPECT_EQ(*parse_duration("P2W"), 14 * 24h);
    EXPECT_EQ(*parse_duration("PT0S"), 0s);
}

TEST(duration, refuses_what_is_ambiguous_or_malformed)
{
    for (const char* text : {"", "P", "PT", "P1DT", "3D", "P1M", "P1Y", "P-1D", "PT1.5H", "P1H", "PT1D", "P1D2D",
                             "PT5M1H", "P1W2D", "p3d", "P3D ", "P99999999999D"})
        EXPECT_FALSE(parse_duration(text)) << text;
    EXPECT_THAT(parse_duration("P1M").error().reason, ::testing::HasSubstr("use days"));
}

TEST(duration, formats_canonically)
{
    EXPECT_EQ(format_duration(72h), "P3D");
    EXPECT_EQ(format_duration(36h + 1s), "P1DT12H1S");
    EXPECT_EQ(format_duration(15min), "PT15M");
    EXPECT_EQ(format_duration(0s), "PT0S");
}

TEST(local_time, parses_dates_and_times)
{
    using namespace date;
    EXPECT_EQ(*parse_local_date_time("2026-12-02T10:00"), local_days{2026_y / December / 2} + 10h);
    EXPECT_EQ(*parse_local_date_time("2026-12-02T10:00:30"), local_days{2026_y / December / 2} + 10h + 30s);
    EXPECT_EQ(*parse_local_date("2028-02-29"), local_days{2028_y / February / 29});
    EXPECT_EQ(*parse_time_of_day("23:59"), 23h + 59min);
    for (const char* text : {"2026-12-02 10:00", "2026-12-02T10:00Z", "2026-12-02T10:00+01:00", "2026-13-01T10:00",
                             "2026-12-2T10:00", "2026-12-02T24:00"})
        EXPECT_FALSE(parse_local_date_time(text)) << text;
    EXPECT_FALSE(parse_local_date("2027-02-29"));
    EXPECT_FALSE(parse_time_of_day("7:30"));
}

TEST(time_zone, known_and_unknown_names)
{
    EXPECT_TRUE(find_time_zone("Europe/Berlin"));
    EXPECT_TRUE(find_time_zone("America/New_York"));
    EXPECT_FALSE(find_time_zone("Europe/Berlinn"));
    EXPECT_FALSE(find_time_zone(""));
}

TEST(time_zone, local_times_around_dst_changes)
{
    using namespace date;
    const auto* berlin = *find_time_zone("Europe/Berlin");
    // Winter: UTC+1.
    EXPECT_EQ(*to_instant(local_days{2026_y / December / 2} + 10h, *berlin), sys_days{2026_y / December / 2} + 9h);
    // 2026-03-29 02:30 is skipped in Berlin.
    EXPECT_FALSE(to_instant(local_days{2026_y / March / 29} + 2h + 30min, *berlin));
    // 2026-10-25 02:30 happens twice; the first (still UTC+2) is meant.
    EXPECT_EQ(*to_instant(local_days{2026_y / October / 25} + 2h + 30min, *berlin),
              sys_days{2026_y / October / 25} + 30min);
}

}  // namespace
}  // namespace prereadd::scheduler

// The timestamp layouts Nextcloud sends (http/timestamp.hpp), and the inputs
// the fuzzer found that date::parse turned into undefined behaviour.
namespace prereadd {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;

TEST(timestamp_test, http_dates_in_the_three_forms_rfc_9110_names)
{
    const auto expected = date::sys_days{2026_y / date::November / 25} + 12h + 43min + 42s;
    EXPECT_EQ(http::parse_http_date("Wed, 25 Nov 2026 12:43:42 GMT"), expected);
    EXPECT_EQ(http::parse_http_date("Wednesday, 25-Nov-26 12:43:42 GMT"), expected);
    EXPECT_EQ(http::parse_http_date("Wed Nov 25 12:43:42 2026"), expected);
    EXPECT_EQ(http::parse_http_date("Sun Nov  6 08:49:37 1994"),
              date::sys_days{1994_y / date::November / 6} + 8h + 49min + 37s);
}

TEST(timestamp_test, broken_http_dates_are_refused)
{
    for (const char* bad :
         {"", "Thu, 26 Nov 2026 12:44:", "Wed, 25 Nov 2026 12:45:Wed, 2520 GMT", "Wed, 31 Feb 2026 12:43:42 GMT",
          "Wed, 25 Nov 2026 24:00:00 GMT", "Wed, 25 Foo 2026 12:43:42 GMT", "Wed, 25 Nov 2026 12:43:42 UTC",
          "2026-11-25T12:43:42+00:00", "Wed, 25 Nov 2026 12:43:42 GMT ", "Xyz, 25 Nov 2026 12:43:42 GMT"})
        EXPECT_FALSE(http::parse_http_date(bad)) << bad;
}

TEST(timestamp_test, iso8601_timestamps_with_their_offset_applied)
{
    const auto expected = date::sys_days{2026_y / date::November / 25} + 12h + 43min + 2s;
    EXPECT_EQ(http::parse_iso8601_timestamp("2026-11-25T12:43:02+00:00"), expected);
    EXPECT_EQ(http::parse_iso8601_timestamp("2026-11-25T12:43:02Z"), expected);
    EXPECT_EQ(http::parse_iso8601_timestamp("2026-11-25T13:43:02+01:00"), expected);
    EXPECT_EQ(http::parse_iso8601_timestamp("2026-11-25T07:13:02-0530"), expected);
    EXPECT_EQ(http::parse_iso8601_timestamp("2026-11-25T12:43:02.123456+00:00"), expected);
    for (const char* bad :
         {"", "2026-11-25T12:43:", "2026-11-25T12:43:02", "2026-11-25 12:43:02+00:00", "2026-13-25T12:43:02Z",
          "2026-11-25T12:43:02+25:00", "2026-11-25T12:43:02.+00:00", "2026-11-25T12:43:02+00:00x"})
        EXPECT_FALSE(http::parse_iso8601_timestamp(bad)) << bad;
}

}  // namespace
}  // namespace prereadd
