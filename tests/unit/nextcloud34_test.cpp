// The daemon's parsers fed with the recordings of a real Nextcloud 34.0.1
// (Talk 22, Deck 1.18, Activity 7: captures-34/README.md lists how they
// differ from the 29 set): the same meaning comes out of the new shapes.
#include "tests/support/source_tree.hpp"
#include "ocs/api.hpp"
#include "ocs/deck.hpp"
#include "ocs/envelope.hpp"
#include "ocs/talk.hpp"
#include "tests/sim/capture.hpp"
#include "webdav/multistatus.hpp"

#include <gtest/gtest.h>

namespace prereadd {
namespace {

sim::capture recorded(const std::string& name)
{
    return sim::load_capture(prereadd::test::nextcloud34_recordings() + "/" + name + ".http");
}

nlohmann::json ok_data(const std::string& name)
{
    auto data = ocs::parse_ok_data(recorded(name).response.body);
    EXPECT_TRUE(data) << name;
    return data ? *data : nlohmann::json();
}

TEST(nextcloud34, status_php_names_the_version_and_maintenance)
{
    auto normal = ocs::parse_server_status(recorded("01-status").response.body);
    ASSERT_TRUE(normal);
    EXPECT_EQ(normal->version, "34.0.1.2");
    EXPECT_FALSE(normal->maintenance);
    auto maintenance = ocs::parse_server_status(recorded("21a-maintenance-status").response.body);
    ASSERT_TRUE(maintenance);
    EXPECT_TRUE(maintenance->maintenance);
}

TEST(nextcloud34, propfind_listing_with_the_new_404_properties)
{
    // nc:is-encrypted and nc:note are 404 now, nc:lock 200 and empty: the listing is the same.
    auto entries = webdav::parse_files(recorded("06-propfind-alpha-depth1").response.body);
    ASSERT_TRUE(entries) << entries.error().message();
    ASSERT_EQ(entries->size(), 4u);
    EXPECT_TRUE(entries->front().collection);
    EXPECT_EQ(entries->front().file_id, 333);
    std::vector<std::int64_t> ids;
    for (const auto& e : *entries)
        if (!e.collection) ids.push_back(e.file_id.value_or(0));
    EXPECT_EQ(ids, (std::vector<std::int64_t>{334, 335, 336}));
    for (const auto& e : *entries) {
        ASSERT_TRUE(e.etag);
        EXPECT_EQ(e.etag->find('"'), std::string::npos) << "ETags come without their quotes";
    }
}

TEST(nextcloud34, the_ancestor_folder_takes_the_etag_of_a_change_below_and_a_comment_changes_none)
{
    auto before = webdav::parse_files(recorded("10c2a-etag-ancestor-projects-before").response.body);
    auto after = webdav::parse_files(recorded("10c2b-etag-ancestor-projects-after").response.body);
    auto changed = webdav::parse_files(recorded("10c-etag-folder-after-modify").response.body);
    auto commented = webdav::parse_files(recorded("10d-etag-folder-after-comment").response.body);
    ASSERT_TRUE(before && after && changed && commented);
    EXPECT_NE(before->front().etag, after->front().etag);
    EXPECT_EQ(after->front().etag, changed->front().etag) << "/Projects has /Projects/Alpha's new ETag";
    EXPECT_EQ(changed->front().etag, commented->front().etag);
    int comments = 0;
    for (const auto& e : *commented) comments += e.comments_count.value_or(0);
    EXPECT_EQ(comments, 1);
}

TEST(nextcloud34, comments_report)
{
    auto comments = webdav::parse_comments(recorded("11c-comments-report").response.body);
    ASSERT_TRUE(comments) << comments.error().message();
    ASSERT_EQ(comments->size(), 1u);
    EXPECT_EQ((*comments)[0].actor_id, "carol");
    EXPECT_EQ((*comments)[0].object_id, 334);
    EXPECT_TRUE((*comments)[0].created);
}

TEST(nextcloud34, shares_with_mount_fields_and_an_expiry_at_the_end_of_the_day)
{
    auto folder = ocs::parse_shares(ok_data("09a-shares-by-path-folder"));
    ASSERT_TRUE(folder);
    auto carol = ocs::parse_shares(ok_data("09d-shares-shared-with-me-carol"));
    ASSERT_TRUE(carol);
    const auto it = std::find_if(carol->begin(), carol->end(), [](const auto& s) { return s.id == "18"; });
    ASSERT_NE(it, carol->end());
    EXPECT_EQ(it->type, ocs::share_with_user);
    EXPECT_EQ(it->file_id, 334);
    using namespace date;
    EXPECT_EQ(it->expiration, 2026_y / December / 14) << "\"2026-12-14 23:59:59\": still readable that day";
    EXPECT_TRUE(it->readable());
}

TEST(nextcloud34, activity_ids_as_strings_and_the_group_members)
{
    auto activities = ocs::parse_activities(ok_data("13b-activity-limit2"));
    ASSERT_TRUE(activities);
    ASSERT_FALSE(activities->empty());
    auto members = ocs::parse_group_members(ok_data("22c-groups-members-as-subadmin"));
    ASSERT_TRUE(members);
    EXPECT_EQ(*members, (std::vector<std::string>{"alice", "bob", "carol"}));
}

TEST(nextcloud34, talk_22_participants_history_and_the_call_messages)
{
    auto attendees = ocs::parse_talk_participants(ok_data("14f-talk-get-participants"));
    ASSERT_TRUE(attendees);
    EXPECT_EQ(attendees->size(), 4u);
    auto history = ocs::parse_chat_messages(ok_data("15c-talk-get-history"));
    ASSERT_TRUE(history);
    EXPECT_FALSE(history->empty());
    auto after_call = ocs::parse_chat_messages(ok_data("30j-talk-chat-after-call"));
    ASSERT_TRUE(after_call);
    std::vector<std::string> system;
    for (const auto& m : *after_call)
        if (m.system_message.starts_with("call_")) system.push_back(m.system_message);
    EXPECT_EQ(system,
              (std::vector<std::string>{"call_ended", "call_left", "call_left", "call_joined", "call_started"}));
    const auto reaction = std::find_if(after_call->begin(), after_call->end(),
                                       [](const auto& m) { return m.system_message == "reaction"; });
    ASSERT_NE(reaction, after_call->end());
    EXPECT_TRUE(reaction->parent_id) << "Talk 22 names the message reacted to";
    auto sent = ocs::parse_chat_message(ok_data("15a-talk-send-message-mentions"));
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->reference_id.size(), 64u);
}

TEST(nextcloud34, deck_1_18_cards_with_an_owner_object_and_the_board)
{
    const auto created = nlohmann::json::parse(recorded("18c-deck-create-card").response.body);
    auto card = ocs::parse_deck_card(created);
    ASSERT_TRUE(card);
    EXPECT_EQ(card->id, 9);
    EXPECT_TRUE(created["owner"].is_object()) << "1.18 gives the owner as an object";
    auto stacks = nlohmann::json::parse(recorded("18l-deck-get-stacks").response.body);
    ASSERT_TRUE(stacks.is_array() && !stacks.empty());
    auto cards = ocs::parse_deck_stack_cards(stacks[0]);
    ASSERT_TRUE(cards);
    EXPECT_EQ(cards->size(), 1u);
    auto assigned =
        ocs::parse_deck_stack_cards(nlohmann::json::parse(recorded("32e-deck-carol-sees-card").response.body)[0]);
    ASSERT_TRUE(assigned);
    ASSERT_EQ(assigned->size(), 1u);
    EXPECT_EQ((*assigned)[0].assigned, std::vector<std::string>{"carol"});
    auto board = ocs::parse_deck_board(nlohmann::json::parse(recorded("32b-deck-board-acl-before").response.body));
    ASSERT_TRUE(board);
    EXPECT_TRUE(board->may_share);
}

TEST(nextcloud34, failures_now_in_json_are_still_failures)
{
    // 20c: a wrong password on OCS is a JSON envelope on 34 (XML on 29); 21d: Talk in maintenance too.
    for (const char* name : {"20c-ocs-wrong-password-401", "21d-maintenance-talk"}) {
        auto envelope = ocs::parse_envelope(recorded(name).response.body);
        ASSERT_TRUE(envelope) << name;
        EXPECT_FALSE(envelope->ok()) << name;
    }
    EXPECT_EQ(ocs::parse_envelope(recorded("20c-ocs-wrong-password-401").response.body)->statuscode, 997);
}

}  // namespace
}  // namespace prereadd
