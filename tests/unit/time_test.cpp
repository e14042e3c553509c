// Configuration time values: ISO 8601 durations, local date-times, zones, DST.
#include "scheduler/time.hpp"

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
    EXPECT_NE(parse_duration("P1M").error().reason.find("use days"), std::string::npos);
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
