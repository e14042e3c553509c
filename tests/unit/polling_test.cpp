// The projects' turns within the poll interval: spread out, grouped into
// slots, each project once per interval, nothing taken twice after a stall.
#include "scheduler/polling.hpp"

#include <gtest/gtest.h>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
using scheduler::poll_schedule;
const poll_schedule::clock::time_point t0{std::chrono::hours(1000)};

std::vector<std::string> ids(int n)
{
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back("p" + std::to_string(100 + i));
    return out;
}

TEST(poll_schedule_test, every_project_is_due_at_the_start)
{
    poll_schedule s(ids(7), 60s, t0);
    EXPECT_EQ(s.take_due(t0).size(), 7u);
}

TEST(poll_schedule_test, turns_are_spread_over_the_interval_in_slots_at_least_five_seconds_apart)
{
    poll_schedule s(ids(200), 60s, t0);
    std::map<std::chrono::milliseconds, int> per_slot;
    for (const auto& id : ids(200)) {
        const auto offset = s.offset_of(id);
        EXPECT_GE(offset, 0ms);
        EXPECT_LT(offset, 60s);
        EXPECT_EQ(offset % 5000ms, 0ms) << id;
        ++per_slot[offset];
    }
    ASSERT_EQ(per_slot.size(), 12u);
    for (const auto& [offset, count] : per_slot) {
        EXPECT_GE(count, 16) << offset.count();
        EXPECT_LE(count, 17) << offset.count();
    }
}

TEST(poll_schedule_test, few_projects_get_a_turn_each_evenly_apart)
{
    poll_schedule s({"gamma", "alpha", "beta"}, 60s, t0);
    EXPECT_EQ(s.offset_of("alpha"), 0s);
    EXPECT_EQ(s.offset_of("beta"), 20s);
    EXPECT_EQ(s.offset_of("gamma"), 40s);
}

TEST(poll_schedule_test, an_interval_shorter_than_a_slot_polls_everything_together)
{
    poll_schedule s(ids(3), 2s, t0);
    for (const auto& id : ids(3)) EXPECT_EQ(s.offset_of(id), 0s);
    s.take_due(t0);
    EXPECT_EQ(s.next(), t0 + 2s);
    EXPECT_EQ(s.take_due(t0 + 2s).size(), 3u);
}

TEST(poll_schedule_test, each_project_comes_once_per_interval_at_its_turn)
{
    poll_schedule s({"alpha", "beta", "gamma"}, 60s, t0);
    s.take_due(t0);
    EXPECT_EQ(s.next(), t0 + 20s);
    EXPECT_TRUE(s.take_due(t0 + 19s).empty());
    EXPECT_EQ(s.take_due(t0 + 20s), std::set<std::string>{"beta"});
    EXPECT_EQ(s.next(), t0 + 40s);
    EXPECT_EQ(s.take_due(t0 + 40s), std::set<std::string>{"gamma"});
    EXPECT_EQ(s.next(), t0 + 60s);
    EXPECT_EQ(s.take_due(t0 + 60s), std::set<std::string>{"alpha"});
    EXPECT_EQ(s.take_due(t0 + 80s), std::set<std::string>{"beta"});

    // Over ten intervals every project is taken exactly ten times.
    std::map<std::string, int> taken;
    for (auto t = t0 + 81s; t < t0 + 81s + 600s; t += 1s)
        for (const auto& id : s.take_due(t)) ++taken[id];
    EXPECT_EQ(taken, (std::map<std::string, int>{{"alpha", 10}, {"beta", 10}, {"gamma", 10}}));
}

TEST(poll_schedule_test, a_stall_longer_than_intervals_takes_each_project_once_and_keeps_its_turn)
{
    poll_schedule s({"alpha", "beta", "gamma"}, 60s, t0);
    s.take_due(t0);
    EXPECT_EQ(s.take_due(t0 + 1000s).size(), 3u);
    // 1000 s = 16 intervals + 40 s: each project's next turn is its own, after the stall.
    EXPECT_EQ(s.next(), t0 + 1020s);  // alpha: 17 * 60
    EXPECT_EQ(s.take_due(t0 + 1020s), std::set<std::string>{"alpha"});
    EXPECT_EQ(s.take_due(t0 + 1040s), std::set<std::string>{"beta"});
    EXPECT_EQ(s.take_due(t0 + 1060s), std::set<std::string>{"gamma"});
}

TEST(poll_schedule_test, no_projects_means_no_turns)
{
    poll_schedule s(std::vector<std::string>{}, 60s, t0);
    EXPECT_TRUE(s.take_due(t0).empty());
    EXPECT_EQ(s.next(), poll_schedule::clock::time_point::max());
}

// Projects watched through one parent folder share one turn: the units, not
// the projects, are spread over the interval.
TEST(poll_schedule_test, projects_of_one_unit_share_a_turn)
{
    poll_schedule s(std::vector<std::vector<std::string>>{{"p2", "p1", "p3"}, {"solo"}}, 60s, t0);
    EXPECT_EQ(s.take_due(t0).size(), 4u);
    EXPECT_EQ(s.offset_of("p1"), s.offset_of("p2"));
    EXPECT_EQ(s.offset_of("p1"), s.offset_of("p3"));
    EXPECT_EQ(s.offset_of("p1"), 0s);
    EXPECT_EQ(s.offset_of("solo"), 30s);
    EXPECT_EQ(s.take_due(t0 + 30s), std::set<std::string>{"solo"});
    EXPECT_EQ(s.take_due(t0 + 60s), (std::set<std::string>{"p1", "p2", "p3"}));
}

}  // namespace
}  // namespace prereadd
