// OCS envelopes and payloads from the real recordings: shares, group members,
// activities, v1 and v2 failures, and bodies that are not envelopes at all.
#include "tests/support/source_tree.hpp"
#include "ocs/envelope.hpp"
#include "ocs/deck.hpp"
#include "ocs/talk.hpp"
#include "tests/sim/capture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd::ocs {
namespace {

using namespace date;

std::string recorded_body(const std::string& name)
{
    return sim::load_capture(prereadd::test::nextcloud29_recordings() + "/" + name + ".http").response.body;
}

TEST(ocs_envelope, v2_success_and_v1_success)
{
    auto v2 = parse_envelope(recorded_body("20e-ocs-v2-current-user"));
    ASSERT_TRUE(v2);
    EXPECT_TRUE(v2->ok());
    EXPECT_EQ(v2->statuscode, 200);
    EXPECT_EQ(v2->data["id"], "preread");
    auto v1 = parse_envelope(recorded_body("04c-share-link-create"));
    ASSERT_TRUE(v1);
    EXPECT_TRUE(v1->ok());
    EXPECT_EQ(v1->statuscode, 100);
}

TEST(ocs_envelope, failures_are_values_whatever_the_http_status)
{
    // v1 answers HTTP 200 with statuscode 404 for a missing Talk room (17d).
    auto v1 = parse_envelope(recorded_body("17d-talk-wrong-token-ocs-v1"));
    ASSERT_TRUE(v1);
    EXPECT_FALSE(v1->ok());
    EXPECT_EQ(v1->statuscode, 404);
    EXPECT_EQ(parse_ok_data(recorded_body("17d-talk-wrong-token-ocs-v1")).error(),
              make_error_code(error::request_failed));
    auto not_managed = parse_envelope(recorded_body("22e-user-details-not-managed"));
    ASSERT_TRUE(not_managed);
    EXPECT_EQ(not_managed->statuscode, 998);
}

TEST(ocs_envelope, bodies_that_are_not_envelopes)
{
    EXPECT_EQ(parse_envelope(recorded_body("20a-ocs-no-ocsapirequest-header")).error(),
              make_error_code(error::not_an_envelope));
    EXPECT_EQ(parse_envelope(recorded_body("20c-ocs-wrong-password-401")).error(),
              make_error_code(error::malformed_json));
    EXPECT_EQ(parse_envelope("").error(), make_error_code(error::malformed_json));
    EXPECT_EQ(parse_envelope(R"({"ocs":{"meta":"x"}})").error(), make_error_code(error::not_an_envelope));
    const auto shares = recorded_body("09a-shares-by-path-folder");
    EXPECT_EQ(parse_envelope(shares.substr(0, shares.size() - 10)).error(), make_error_code(error::malformed_json));
}

TEST(ocs_shares, subfile_shares_with_expiry_and_links)
{
    auto data = parse_ok_data(recorded_body("09a-shares-by-path-folder"));
    ASSERT_TRUE(data);
    auto shares = parse_shares(*data);
    ASSERT_TRUE(shares) << shares.error().message();
    ASSERT_EQ(shares->size(), 2u);
    const auto& carol = (*shares)[0];
    EXPECT_EQ(carol.type, 0);
    EXPECT_EQ(carol.share_with, "carol");
    EXPECT_EQ(carol.file_id, 14);
    EXPECT_EQ(carol.path, "/Projects/Alpha/agenda.md");
    EXPECT_EQ(carol.permissions, 19);
    EXPECT_TRUE(carol.readable());
    ASSERT_TRUE(carol.expiration);
    EXPECT_EQ(*carol.expiration, 2026_y / December / 9);
    const auto& link = (*shares)[1];
    EXPECT_EQ(link.type, 3);
    EXPECT_EQ(link.token, "4sbXfwb34CS7gyM");
    EXPECT_TRUE(link.share_with.empty());
}

TEST(ocs_shares, what_a_recipient_sees)
{
    auto data = parse_ok_data(recorded_body("09d-shares-shared-with-me-carol"));
    ASSERT_TRUE(data);
    auto shares = parse_shares(*data);
    ASSERT_TRUE(shares);
    ASSERT_EQ(shares->size(), 2u);
    EXPECT_EQ((*shares)[1].type, 1);
    EXPECT_EQ((*shares)[1].share_with, "team-alpha");
    EXPECT_EQ((*shares)[1].file_target, "/Alpha");
    EXPECT_EQ((*shares)[1].item_type, "folder");
}

TEST(ocs_shares, wrong_shapes_are_refused)
{
    EXPECT_FALSE(parse_shares(nlohmann::json::object()));
    EXPECT_FALSE(parse_shares(nlohmann::json::parse(R"([{"id":"1"}])")));
    EXPECT_FALSE(parse_shares(
        nlohmann::json::parse(R"([{"id":"1","share_type":0,"file_source":2,"permissions":1,"expiration":"soon"}])")));
}

TEST(ocs_groups, members_as_sub_admin)
{
    auto data = parse_ok_data(recorded_body("22c-groups-members-as-subadmin"));
    ASSERT_TRUE(data);
    auto members = parse_group_members(*data);
    ASSERT_TRUE(members);
    EXPECT_EQ(*members, (std::vector<std::string>{"alice", "bob", "carol"}));
    EXPECT_EQ(parse_ok_data(recorded_body("22a-groups-members-as-service-user")).error(),
              make_error_code(error::request_failed));
}

TEST(ocs_talk, conversation_members_are_its_users)
{
    auto data = parse_ok_data(recorded_body("14f-talk-get-participants"));
    ASSERT_TRUE(data);
    auto attendees = parse_talk_participants(*data);
    ASSERT_TRUE(attendees) << attendees.error().message();
    ASSERT_EQ(attendees->size(), 5u);
    EXPECT_EQ((*attendees)[0].participant_type, 1) << "the service account owns the conversation";
    EXPECT_EQ((*attendees)[3].actor_type, "groups");
    // The group attendee is not a person; its members were added as users.
    EXPECT_EQ(talk_users(*attendees), (std::vector<std::string>{"alice", "bob", "carol", "preread"}));
    EXPECT_FALSE(parse_talk_participants(nlohmann::json::parse(R"([{"actorType":"users"}])")));
    EXPECT_FALSE(parse_talk_participants(nlohmann::json::object()));
    EXPECT_EQ(parse_ok_data(recorded_body("17a-talk-wrong-token-404")).error(), make_error_code(error::request_failed));
}

TEST(ocs_talk, a_posted_message_keeps_its_reference_id)
{
    auto data = parse_ok_data(recorded_body("15a-talk-send-message-mentions"));
    ASSERT_TRUE(data);
    auto m = parse_chat_message(*data);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->id, 8);
    EXPECT_EQ(m->actor_id, "preread");
    EXPECT_EQ(m->reference_id, "68aa40dce7e7602d244a77e383d60eb6cfdad182b92baa085b5f99e9768bed3a");
    EXPECT_EQ(m->message, "Hi {mention-user1} and {mention-user2}: agenda is in /Projects/Alpha, please review.");
    EXPECT_TRUE(m->system_message.empty());
}

TEST(ocs_talk, a_reaction_is_a_system_message_naming_its_message)
{
    auto data = parse_ok_data(recorded_body("15j-talk-history-after-reaction"));
    ASSERT_TRUE(data);
    auto history = parse_chat_messages(*data);
    ASSERT_TRUE(history) << history.error().message();
    ASSERT_FALSE(history->empty());
    const auto& reaction = history->front();
    EXPECT_EQ(reaction.system_message, "reaction");
    EXPECT_EQ(reaction.actor_id, "alice");
    EXPECT_EQ(reaction.message, "\u2705");
    EXPECT_EQ(reaction.parent_id, 8);
    EXPECT_FALSE(parse_chat_messages(nlohmann::json::parse(R"([{"actorId":"x"}])")));
}

TEST(ocs_deck, cards_as_created_fetched_and_listed)
{
    auto created = parse_deck_card(nlohmann::json::parse(recorded_body("18c-deck-create-card")));
    ASSERT_TRUE(created);
    EXPECT_EQ(created->id, 4);
    EXPECT_EQ(created->stack_id, 4);
    EXPECT_FALSE(created->done);
    EXPECT_TRUE(created->assigned.empty()) << "assignedUsers is null on a new card";
    EXPECT_EQ(created->duedate, "2026-12-02T12:45:20+00:00");

    auto fetched = parse_deck_card(nlohmann::json::parse(recorded_body("18h-deck-get-card")));
    ASSERT_TRUE(fetched);
    EXPECT_EQ(fetched->assigned, std::vector<std::string>{"alice"});
    EXPECT_EQ(fetched->done, "2026-11-25T12:45:20+00:00");
    EXPECT_EQ(fetched->last_editor, "preread");
    EXPECT_THAT(fetched->description, ::testing::HasSubstr("- [x] upload budget.ods"));

    auto stacks = nlohmann::json::parse(recorded_body("18l-deck-get-stacks"));
    auto cards = parse_deck_stack_cards(stacks.at(0));
    ASSERT_TRUE(cards);
    ASSERT_EQ(cards->size(), 1u);
    EXPECT_EQ((*cards)[0].title, "Review budget.ods");
    EXPECT_FALSE(parse_deck_card(nlohmann::json::parse(R"({"title":"no id"})")));
}

TEST(ocs_activity, the_service_account_stream)
{
    auto data = parse_ok_data(recorded_body("13a-activity-all"));
    ASSERT_TRUE(data);
    auto activities = parse_activities(*data);
    ASSERT_TRUE(activities) << activities.error().message();
    ASSERT_EQ(activities->size(), 11u);
    const auto& comment = (*activities)[1];
    EXPECT_EQ(comment.id, 33);
    EXPECT_EQ(comment.type, "comments");
    EXPECT_EQ(comment.user, "alice");
    EXPECT_EQ(comment.object_id, 14);
    EXPECT_EQ(comment.datetime, sys_days{2026_y / November / 25} + std::chrono::hours(12) + std::chrono::minutes(44) +
                                    std::chrono::seconds(20));
    const auto& created = (*activities)[7];
    EXPECT_EQ(created.type, "file_created");
    EXPECT_EQ(created.objects.size(), 5u);  // grouped: five files in one entry
    EXPECT_EQ(created.objects.at(14), "/Projects/Alpha/agenda.md");
    auto bob = parse_activities(*parse_ok_data(recorded_body("13g-activity-bob-all")));
    ASSERT_TRUE(bob);
    EXPECT_TRUE(bob->back().objects.empty());  // "objects": []
}

}  // namespace
}  // namespace prereadd::ocs

#include "ocs/api.hpp"

namespace prereadd::ocs {
namespace {

TEST(server_status, maintenance_is_read_from_status_php)
{
    auto normal = parse_server_status(recorded_body("01-status"));
    ASSERT_TRUE(normal) << normal.error().message();
    EXPECT_TRUE(normal->installed);
    EXPECT_FALSE(normal->maintenance);
    EXPECT_EQ(normal->version, "29.0.6.1");
    auto maintenance = parse_server_status(recorded_body("21a-maintenance-status"));
    ASSERT_TRUE(maintenance) << maintenance.error().message();
    EXPECT_TRUE(maintenance->maintenance);
    EXPECT_FALSE(parse_server_status("<html>"));
    EXPECT_FALSE(parse_server_status(R"({"installed":true})"));
}

TEST(deck_board, members_and_permissions_from_the_recorded_board)
{
    auto body = nlohmann::json::parse(recorded_body("32b-deck-board-acl-before"));
    auto board = parse_deck_board(body);
    ASSERT_TRUE(board) << board.error().message();
    EXPECT_EQ(board->id, 9);
    EXPECT_EQ(board->members, std::vector<std::string>{"preread"});
    EXPECT_TRUE(board->acl.empty());
    EXPECT_TRUE(board->may_share);
    EXPECT_TRUE(board->may_edit);
    // After 32c the group is in the acl, read-only.
    body["acl"] = nlohmann::json::array({nlohmann::json::parse(recorded_body("32c-deck-share-board-group-read-only"))});
    board = parse_deck_board(body);
    ASSERT_TRUE(board);
    ASSERT_EQ(board->acl.size(), 1u);
    EXPECT_EQ(board->acl[0].type, 1);
    EXPECT_EQ(board->acl[0].participant, "team-alpha");
    EXPECT_FALSE(board->acl[0].edit);
}

}  // namespace
}  // namespace prereadd::ocs
