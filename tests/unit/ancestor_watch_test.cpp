// The parent-folder watch's pure part: which projects share a parent, and
// when a group is checked in full (tracking/ancestor_watch.hpp).
#include "tracking/ancestor_watch.hpp"

#include <gtest/gtest.h>

namespace prereadd::tracking {
namespace {

config::project_config project(std::string id, std::string folder)
{
    config::project_config p;
    p.id = std::move(id);
    p.folder = std::move(folder);
    return p;
}

TEST(ancestor_watch_test, the_parent_of_a_folder)
{
    EXPECT_EQ(parent_folder("/Projects/Alpha"), "/Projects");
    EXPECT_EQ(parent_folder("/Projects/Alpha/"), "/Projects");
    EXPECT_EQ(parent_folder("/Teaching/2026/Course A"), "/Teaching/2026");
    EXPECT_EQ(parent_folder("/Alpha"), "/");
    EXPECT_EQ(parent_folder("/"), "/");
}

TEST(ancestor_watch_test, projects_are_grouped_by_a_parent_of_two_or_more)
{
    const auto groups = ancestor_groups({project("a", "/Projects/Alpha"), project("solo", "/Other/Solo"),
                                         project("b", "/Projects/Beta/"), project("course", ""), project("x", "/X"),
                                         project("y", "/Y"), project("nested", "/Projects/Alpha/Sub")});
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].folder, "/");
    EXPECT_EQ(groups[0].projects, (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(groups[1].folder, "/Projects");
    EXPECT_EQ(groups[1].projects, (std::vector<std::string>{"a", "b"}));
}

TEST(ancestor_watch_test, a_full_check_first_then_every_refresh_every_turns)
{
    ancestor_memory m;
    EXPECT_EQ(decide_ancestor_step(m, 10), ancestor_step::full_check);  // no ETag known yet
    m.etag = "6b0d419e076d4";
    for (m.turns = 0; m.turns < 9; ++m.turns) EXPECT_EQ(decide_ancestor_step(m, 10), ancestor_step::ask_parent);
    EXPECT_EQ(decide_ancestor_step(m, 10), ancestor_step::full_check);  // the tenth turn
    m.turns = 0;
    EXPECT_EQ(decide_ancestor_step(m, 1), ancestor_step::full_check);  // every turn
}

}  // namespace
}  // namespace prereadd::tracking
