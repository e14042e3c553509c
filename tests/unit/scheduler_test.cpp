// Sessions from the configuration across DST changes, and what is due when:
// reminders, late ones after an outage, missed ones, and the next wake-up.
#include "scheduler/plan.hpp"
#include "scheduler/sessions.hpp"
#include "scheduler/time.hpp"
#include "http/timestamp.hpp"

#include <gtest/gtest.h>

namespace prereadd::scheduler {
namespace {

using namespace date;
using namespace std::chrono_literals;

const time_zone& zone(const char* name) { return *locate_zone(name); }

// The project's strict parser (date::parse's seconds path warns at -O2 with g++ 12).
sys_seconds utc(const char* text)
{
    auto t = http::parse_iso8601_timestamp(text);
    EXPECT_TRUE(t) << text;
    return t.value_or(sys_seconds{});
}

std::vector<std::string> starts(const std::vector<session>& sessions)
{
    std::vector<std::string> out;
    for (const auto& s : sessions) out.push_back(format("%FT%TZ", s.start));
    return out;
}

weekly_series mondays_at_nine(local_days first, unsigned count)
{
    weekly_series w;
    w.title = "Weekly sync";
    w.days = {Monday};
    w.time_of_day = 9h;
    w.first = first;
    w.count = count;
    return w;
}

const sys_seconds all_from = utc("2026-01-01T00:00:00Z");
const sys_seconds all_to = utc("2028-01-01T00:00:00Z");

TEST(sessions, a_single_session_is_its_local_time_in_the_project_zone)
{
    single_session s{"Kick-off", local_days{2026_y / December / 2} + 10h, 2h};
    auto out = expand_sessions({s}, {}, zone("Europe/Berlin"), all_from, all_to);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "2026-12-02T10:00");
    EXPECT_EQ(out[0].start, utc("2026-12-02T09:00:00Z"));
    EXPECT_EQ(out[0].end, utc("2026-12-02T11:00:00Z"));
}

TEST(sessions, two_different_sessions_at_one_start_are_two_sessions_each_reminded)
{
    // Parallel groups in one project: the same minute, each its own pre-reads (issue 27:
    // they were one item, and the second group was never reminded).
    single_session a{"Group A", local_days{2026_y / December / 9} + 14h, 1h};
    single_session b{"Group B", local_days{2026_y / December / 9} + 14h, 1h};
    a.moodle_section.number = 1;
    b.moodle_section.number = 2;
    auto out = expand_sessions({a, b}, {}, zone("Europe/Berlin"), all_from, all_to);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].key, "2026-12-09T14:00") << "the first keeps the key it always had";
    EXPECT_EQ(out[0].title, "Group A");
    EXPECT_EQ(out[1].key, "2026-12-09T14:00#2");
    EXPECT_EQ(out[1].moodle_section.number, 2);

    auto due = plan(out, {{item_kind::reminder, 24h}}, {}, utc("2026-12-08T13:00:00Z"));
    ASSERT_EQ(due.send.size(), 2u);
    EXPECT_NE(due.send[0].id(), due.send[1].id());
    EXPECT_NE(due.send[0].about, due.send[1].about);
}

TEST(sessions, a_single_session_repeating_a_weekly_occurrence_is_that_occurrence)
{
    auto w = mondays_at_nine(local_days{2026_y / December / 7}, 2);
    single_session same{w.title, local_days{2026_y / December / 7} + 9h, 1h};
    auto out = expand_sessions({same}, {w}, zone("Europe/Berlin"), all_from, all_to);
    ASSERT_EQ(out.size(), 2u) << "two Mondays, the first once";
    EXPECT_EQ(out[0].key, "2026-12-07T09:00");
    EXPECT_EQ(out[1].key, "2026-12-14T09:00");
}

TEST(sessions, a_weekly_series_keeps_its_wall_clock_time_over_spring_forward_in_berlin)
{
    // Europe/Berlin moves from CET to CEST on Sunday 2027-03-28.
    auto out = expand_sessions({}, {mondays_at_nine(local_days{2027_y / March / 15}, 4)}, zone("Europe/Berlin"),
                               all_from, all_to);
    EXPECT_EQ(starts(out), (std::vector<std::string>{"2027-03-15T08:00:00Z", "2027-03-22T08:00:00Z",
                                                     "2027-03-29T07:00:00Z", "2027-04-05T07:00:00Z"}));
    EXPECT_EQ(out[2].key, "2027-03-29T09:00");
}

TEST(sessions, a_weekly_series_over_fall_back_in_new_york)
{
    // America/New_York leaves EDT on Sunday 2026-11-01.
    auto out = expand_sessions({}, {mondays_at_nine(local_days{2026_y / October / 19}, 4)}, zone("America/New_York"),
                               all_from, all_to);
    EXPECT_EQ(starts(out), (std::vector<std::string>{"2026-10-19T13:00:00Z", "2026-10-26T13:00:00Z",
                                                     "2026-11-02T14:00:00Z", "2026-11-09T14:00:00Z"}));
}

TEST(sessions, fall_back_in_berlin_and_spring_forward_in_new_york)
{
    // Europe/Berlin leaves CEST on Sunday 2026-10-25; America/New_York enters EDT on Sunday 2027-03-14.
    auto berlin = expand_sessions({}, {mondays_at_nine(local_days{2026_y / October / 19}, 2)}, zone("Europe/Berlin"),
                                  all_from, all_to);
    EXPECT_EQ(starts(berlin), (std::vector<std::string>{"2026-10-19T07:00:00Z", "2026-10-26T08:00:00Z"}));
    auto new_york = expand_sessions({}, {mondays_at_nine(local_days{2027_y / March / 8}, 2)}, zone("America/New_York"),
                                    all_from, all_to);
    EXPECT_EQ(starts(new_york), (std::vector<std::string>{"2027-03-08T14:00:00Z", "2027-03-15T13:00:00Z"}));
}

TEST(sessions, a_time_the_clocks_skip_or_repeat_in_a_series)
{
    // 02:30 does not exist in Berlin on 2027-03-28: read with the offset before the gap (03:30 CEST).
    weekly_series sunday_night{"Night shift", {Sunday}, 2h + 30min, local_days{2027_y / March / 21}, 2u, {}, {}, 1h};
    auto spring = expand_sessions({}, {sunday_night}, zone("Europe/Berlin"), all_from, all_to);
    EXPECT_EQ(starts(spring), (std::vector<std::string>{"2027-03-21T01:30:00Z", "2027-03-28T01:30:00Z"}));
    // 01:30 happens twice in New York on 2026-11-01: the first one (EDT).
    weekly_series early{"Early", {Sunday}, 1h + 30min, local_days{2026_y / November / 1}, 1u, {}, {}, 1h};
    auto fall = expand_sessions({}, {early}, zone("America/New_York"), all_from, all_to);
    EXPECT_EQ(starts(fall), std::vector<std::string>{"2026-11-01T05:30:00Z"});
}

TEST(sessions, exception_dates_and_until)
{
    auto w = mondays_at_nine(local_days{2026_y / December / 7}, 4);
    w.except = {local_days{2026_y / December / 28}};
    auto out = expand_sessions({}, {w}, zone("Europe/Berlin"), all_from, all_to);
    // count counts the rule's dates; the exception removes one of them (EXDATE semantics).
    EXPECT_EQ(starts(out),
              (std::vector<std::string>{"2026-12-07T08:00:00Z", "2026-12-14T08:00:00Z", "2026-12-21T08:00:00Z"}));
    w.count.reset();
    w.until = local_days{2026_y / December / 21};  // inclusive
    w.days = {Monday, Wednesday};
    out = expand_sessions({}, {w}, zone("Europe/Berlin"), all_from, all_to);
    EXPECT_EQ(out.size(), 5u) << "Mo 7, We 9, Mo 14, We 16, Mo 21";
    EXPECT_EQ(out.back().key, "2026-12-21T09:00");
}

TEST(sessions, only_the_window_and_no_end_needed)
{
    auto w = mondays_at_nine(local_days{2026_y / January / 5}, 1000);
    auto out =
        expand_sessions({}, {w}, zone("Europe/Berlin"), utc("2026-11-25T00:00:00Z"), utc("2026-12-15T00:00:00Z"));
    EXPECT_EQ(starts(out),
              (std::vector<std::string>{"2026-11-30T08:00:00Z", "2026-12-07T08:00:00Z", "2026-12-14T08:00:00Z"}));
    // A session in progress at the window's start is still in it.
    out = expand_sessions({}, {w}, zone("Europe/Berlin"), utc("2026-11-30T08:30:00Z"), utc("2026-12-01T00:00:00Z"));
    EXPECT_EQ(out.size(), 1u);
}

class plan_test : public ::testing::Test {
protected:
    std::vector<session> sessions = expand_sessions({}, {mondays_at_nine(local_days{2026_y / December / 7}, 3)},
                                                    zone("Europe/Berlin"), all_from, all_to);
    std::vector<timing> timings = {{item_kind::reminder, 72h}, {item_kind::reminder, 24h}, {item_kind::digest, 1h}};
    std::set<std::string> handled;
};

TEST_F(plan_test, a_reminder_is_due_at_its_lead_time_and_the_next_wake_up_is_exact)
{
    // Monday 2026-12-07 09:00 CET = 08:00Z; P3D before is Friday 08:00Z.
    auto before = plan(sessions, timings, handled, utc("2026-12-04T07:59:59Z"));
    EXPECT_TRUE(before.send.empty());
    ASSERT_TRUE(before.next_due);
    EXPECT_EQ(*before.next_due, utc("2026-12-04T08:00:00Z"));

    auto at = plan(sessions, timings, handled, utc("2026-12-04T08:00:00Z"));
    ASSERT_EQ(at.send.size(), 1u);
    EXPECT_EQ(at.send[0].kind, item_kind::reminder);
    EXPECT_EQ(at.send[0].before, 72h);
    EXPECT_EQ(at.send[0].about->key, "2026-12-07T09:00");
    EXPECT_EQ(at.send[0].id(), "2026-12-07T09:00@1796630400/reminder/P3D");
    handled.insert(at.send[0].id());
    auto after = plan(sessions, timings, handled, utc("2026-12-04T08:00:01Z"));
    EXPECT_TRUE(after.send.empty());
    EXPECT_EQ(*after.next_due, utc("2026-12-06T08:00:00Z")) << "the P1D reminder is next";
}

TEST_F(plan_test, lead_times_longer_than_the_gap_between_sessions)
{
    timings = {{item_kind::reminder, 24h * 10}};
    // Ten days before the second and third Mondays lies before the first one.
    auto now = plan(sessions, timings, handled, utc("2026-12-04T09:00:00Z"));
    ASSERT_EQ(now.send.size(), 2u);
    EXPECT_EQ(now.send[0].about->key, "2026-12-07T09:00");
    EXPECT_EQ(now.send[1].about->key, "2026-12-14T09:00");
    EXPECT_EQ(*now.next_due, utc("2026-12-11T08:00:00Z"));
}

TEST_F(plan_test, after_an_outage_only_the_latest_overdue_reminder_goes_out_late)
{
    // Down from before P3D until after P1D: one late reminder, the earlier one superseded.
    auto back = plan(sessions, timings, handled, utc("2026-12-06T12:00:00Z"));
    ASSERT_EQ(back.send.size(), 1u);
    EXPECT_EQ(back.send[0].before, 24h);
    ASSERT_EQ(back.superseded.size(), 1u);
    EXPECT_EQ(back.superseded[0].before, 72h);
    EXPECT_TRUE(back.missed.empty());
}

TEST_F(plan_test, a_reminder_whose_session_started_is_missed_not_sent)
{
    auto during = plan(sessions, timings, handled, utc("2026-12-07T08:30:00Z"));
    EXPECT_TRUE(during.send.empty());
    EXPECT_EQ(during.missed.size(), 3u) << "P3D, P1D and the digest of the first Monday";
    // A week later that session is past the look-back: nothing more is recorded about it.
    auto later = plan(sessions, timings, handled, utc("2026-12-14T08:30:00Z"));
    for (const auto& m : later.missed) EXPECT_NE(m.about->key, "2026-12-07T09:00");
}

TEST_F(plan_test, cancelled_sessions_produce_nothing)
{
    for (auto& s : sessions) s.cancelled = true;
    auto p = plan(sessions, timings, handled, utc("2026-12-06T12:00:00Z"));
    EXPECT_TRUE(p.send.empty());
    EXPECT_FALSE(p.next_due);
}

TEST_F(plan_test, reminders_are_computed_in_utc_for_a_project_elsewhere)
{
    // A project in America/New_York: Monday 09:00 EST is 14:00Z; P1D before is Sunday 14:00Z,
    // whatever zone the daemon's machine is in.
    sessions = expand_sessions({}, {mondays_at_nine(local_days{2026_y / December / 7}, 1)}, zone("America/New_York"),
                               all_from, all_to);
    timings = {{item_kind::reminder, 24h}};
    auto p = plan(sessions, timings, handled, utc("2026-12-06T13:59:59Z"));
    EXPECT_TRUE(p.send.empty());
    EXPECT_EQ(*p.next_due, utc("2026-12-06T14:00:00Z"));
}

TEST_F(plan_test, a_follow_up_is_due_before_its_own_deadline_after_the_session)
{
    // The first Monday ends 09:00Z; follow-ups are due three days later, reminded one day before.
    timings = {{item_kind::follow_up, 24h, 72h}};
    auto during = plan(sessions, timings, handled, utc("2026-12-07T08:30:00Z"));
    EXPECT_TRUE(during.send.empty());
    EXPECT_TRUE(during.missed.empty()) << "the session having started is no reason to miss a follow-up";
    EXPECT_EQ(*during.next_due, utc("2026-12-09T09:00:00Z"));
    auto due = plan(sessions, timings, handled, utc("2026-12-09T09:00:00Z"));
    ASSERT_EQ(due.send.size(), 1u);
    EXPECT_EQ(due.send[0].deadline, utc("2026-12-10T09:00:00Z"));
    auto late = plan(sessions, timings, handled, utc("2026-12-10T09:00:00Z"));
    EXPECT_EQ(late.missed.size(), 1u) << "past its deadline";
}

TEST_F(plan_test, a_moved_session_is_reminded_again)
{
    auto first = plan(sessions, {{item_kind::reminder, 24h}}, handled, utc("2026-12-06T08:00:00Z"));
    ASSERT_EQ(first.send.size(), 1u);
    const std::string sent = first.send[0].id();
    handled.insert(sent);
    sessions[0].start += 2h;  // same calendar occurrence, later that day
    auto moved = plan(sessions, {{item_kind::reminder, 24h}}, handled, utc("2026-12-06T10:00:00Z"));
    ASSERT_EQ(moved.send.size(), 1u);
    EXPECT_NE(moved.send[0].id(), sent);
}

}  // namespace
}  // namespace prereadd::scheduler
