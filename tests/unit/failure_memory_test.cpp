// Which failure lines of a pass the log tells: a failure once when it begins,
// once when it ends, and a project's line ended only by a pass that asked again.
#include "daemon/pass_outcome.hpp"

#include <gtest/gtest.h>

namespace prereadd::daemon {
namespace {

using lines = std::vector<std::string>;

TEST(failure_memory, moodle_down_for_many_passes_is_two_lines)
{
    // Issue 27: while Moodle was down each project logged its lines every turn (18 a minute).
    failure_memory memory;
    const auto all = [](std::string_view) { return true; };
    const lines down = {"alpha: Moodle course ALPHA: Connection refused",
                        "beta: Moodle course BETA: Connection refused"};
    auto first = memory.update(down, all);
    EXPECT_EQ(first.began, down);
    EXPECT_TRUE(first.ended.empty());
    for (int pass = 0; pass < 18; ++pass) {
        auto again = memory.update(down, all);
        EXPECT_TRUE(again.began.empty());
        EXPECT_TRUE(again.ended.empty());
    }
    auto back = memory.update({}, all);
    EXPECT_TRUE(back.began.empty());
    EXPECT_EQ(back.ended, down);
    EXPECT_TRUE(memory.update({}, all).ended.empty()) << "its end told once";
    EXPECT_EQ(memory.update(down, all).began, down) << "a new outage is news again";
}

TEST(failure_memory, a_line_ends_only_in_a_pass_that_asked_its_project_again)
{
    failure_memory memory;
    memory.update({"alpha: Moodle course ALPHA: timed out", "activity: answered 503"},
                  [](std::string_view) { return true; });
    // Not alpha's turn: its course was not read, so its silence says nothing; activity is read every pass.
    auto other_turn = memory.update({}, [](std::string_view prefix) { return prefix != "alpha"; });
    EXPECT_EQ(other_turn.ended, lines{"activity: answered 503"});
    auto alphas_turn = memory.update({}, [](std::string_view prefix) { return prefix == "alpha"; });
    EXPECT_EQ(alphas_turn.ended, lines{"alpha: Moodle course ALPHA: timed out"});
}

TEST(failure_memory, the_same_line_twice_in_a_pass_is_one)
{
    failure_memory memory;
    auto news = memory.update({"x: down", "x: down"}, [](std::string_view) { return true; });
    EXPECT_EQ(news.began, lines{"x: down"});
}

}  // namespace
}  // namespace prereadd::daemon
