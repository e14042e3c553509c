// Who is made a member of a Deck board before being assigned its card, and
// who is reported instead (reminding/deck_membership.hpp; captures 32a-32d).
#include "reminding/deck_membership.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd::reminding {
namespace {

deck_membership_input board_of_32b()
{
    deck_membership_input in;
    in.board = 9;
    in.to_assign = {"alice", "bob", "carol"};
    in.members = {"preread"};
    in.participant_groups = {"team-alpha"};
    in.may_share = true;
    return in;
}

TEST(deck_membership, members_are_assigned_at_once)
{
    auto in = board_of_32b();
    in.members = {"preread", "alice", "bob", "carol"};
    const auto plan = decide_deck_membership(in);
    EXPECT_EQ(plan.assign, in.to_assign);
    EXPECT_TRUE(plan.share_groups.empty() && plan.share_users.empty() && plan.unreachable.empty());
}

TEST(deck_membership, the_participant_groups_are_shared_with_first_then_who_is_left)
{
    auto in = board_of_32b();
    auto plan = decide_deck_membership(in);
    EXPECT_EQ(plan.share_groups, std::vector<std::string>{"team-alpha"});
    EXPECT_TRUE(plan.share_users.empty()) << "the board is read again before users are shared with";
    EXPECT_TRUE(plan.assign.empty());
    // After 32c the group is a member; carol came from elsewhere.
    in.acl = {{1, "team-alpha", false}};
    in.members = {"preread", "alice", "bob"};
    plan = decide_deck_membership(in);
    EXPECT_EQ(plan.assign, (std::vector<std::string>{"alice", "bob"}));
    EXPECT_EQ(plan.share_users, std::vector<std::string>{"carol"});
}

TEST(deck_membership, sharing_turned_off_or_not_allowed_reports_instead)
{
    auto in = board_of_32b();
    in.members = {"preread", "alice"};
    in.sharing_wanted = false;
    auto plan = decide_deck_membership(in);
    EXPECT_EQ(plan.assign, std::vector<std::string>{"alice"});
    EXPECT_EQ(plan.unreachable, (std::vector<std::string>{"bob", "carol"}));
    EXPECT_THAT(plan.why, ::testing::HasSubstr("deck.share_with_participants")) << plan.why;
    EXPECT_TRUE(plan.share_groups.empty() && plan.share_users.empty()) << "no call that would be refused";

    in = board_of_32b();
    in.may_share = false;  // a board owned by someone else, shared with the service account without sharing rights
    plan = decide_deck_membership(in);
    EXPECT_EQ(plan.unreachable, in.to_assign);
    EXPECT_THAT(plan.why, ::testing::HasSubstr("may not share")) << plan.why;

    in = board_of_32b();
    in.share_refused = true;  // 403 on the last share
    EXPECT_EQ(decide_deck_membership(in).unreachable, in.to_assign);
}

TEST(deck_membership, shared_with_yet_no_member_is_not_shared_again)
{
    auto in = board_of_32b();
    in.participant_groups.clear();
    in.to_assign = {"ghost"};
    in.acl = {{0, "ghost", false}};
    const auto plan = decide_deck_membership(in);
    EXPECT_TRUE(plan.share_users.empty());
    EXPECT_EQ(plan.unreachable, std::vector<std::string>{"ghost"});
}

}  // namespace
}  // namespace prereadd::reminding
