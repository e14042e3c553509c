// Message texts against golden files (tests/unit/golden; PREREADD_UPDATE_GOLDEN=1
// rewrites them, to be reviewed in the diff), and the rules behind them.
#include "tests/support/golden.hpp"
#include "reminding/messages.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace prereadd::reminding {
namespace {

using namespace date;
using namespace std::chrono_literals;

using test::expect_golden;

std::int64_t to_unix(sys_seconds t) { return t.time_since_epoch().count(); }

class messages_test : public ::testing::Test {
protected:
    messages_test()
    {
        session.key = "2026-12-07T09:00";
        session.title = "Weekly sync";
        session.start = sys_days{2026_y / December / 7} + 8h;
        session.end = session.start + 1h;
        in.session = &session;
        in.zone = locate_zone("Europe/Berlin");
        in.now = session.start - 72h;
        in.participants = {"alice", "bob", "carol"};
        in.documents = {{7, "agenda.md", 1000}, {8, "budget.ods", 1000}, {9, "slides.pdf", 5000}};
    }
    scheduler::session session;
    reminder_input in;
};

TEST_F(messages_test, a_reminder_mentions_only_who_has_something_left)
{
    in.done = {{"alice", 7}, {"alice", 8}, {"alice", 9}, {"bob", 7}};
    auto m = reminder_message(in);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->mentioned, (std::vector<std::string>{"bob", "carol"}));
    EXPECT_THAT(m->text, ::testing::Not(::testing::HasSubstr("alice")));
    expect_golden("reminder-two-pending", m->text);
}

TEST_F(messages_test, nothing_when_everyone_is_ready_unless_configured)
{
    for (const auto& u : in.participants)
        for (const auto& d : in.documents) in.done.insert({u, d.file_id});
    EXPECT_FALSE(reminder_message(in));
    in.when_all_ready = true;
    in.now = session.start - 24h - 30min;
    auto m = reminder_message(in);
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->mentioned.empty());
    expect_golden("reminder-all-ready", m->text);
}

TEST_F(messages_test, mentions_of_user_ids_with_spaces_and_at_signs)
{
    in.participants = {"bob smith", "carol@example.org", "d.o'neil"};
    auto m = reminder_message(in);
    ASSERT_TRUE(m);
    EXPECT_THAT(m->text, ::testing::HasSubstr("- @\"bob smith\": agenda.md")) << m->text;
    EXPECT_THAT(m->text, ::testing::HasSubstr("- @\"carol@example.org\": agenda.md")) << m->text;
    EXPECT_THAT(m->text, ::testing::HasSubstr("- @\"d.o'neil\": agenda.md")) << m->text;
}

TEST_F(messages_test, the_session_time_is_in_the_session_zone)
{
    EXPECT_EQ(session_time(session, *locate_zone("Europe/Berlin")), "Monday, 7 December 2026, 09:00 (Europe/Berlin)");
    EXPECT_EQ(session_time(session, *locate_zone("America/New_York")),
              "Monday, 7 December 2026, 03:00 (America/New_York)");
    EXPECT_EQ(time_until(72h), "in 3 days");
    EXPECT_EQ(time_until(25h), "in 1 day 1 hour");
    EXPECT_EQ(time_until(90min), "in 1 hour 30 minutes");
    EXPECT_EQ(time_until(59s), "in less than a minute");
    EXPECT_EQ(starts_in(59s), "starting now") << "a reminder sent 28 s before the start (issue 27)";
    EXPECT_EQ(starts_in(90min), "in 1 hour 30 minutes");
}

TEST_F(messages_test, a_personal_reminder_lists_only_their_documents)
{
    in.done = {{"bob", 7}};
    expect_golden("reminder-personal", personal_reminder(in, "bob").text);
}

TEST_F(messages_test, the_digest_says_who_read_what_comments_and_late_additions)
{
    digest_input d{
        in, {}, sys_seconds{sys_days{2026_y / November / 30} + 9h}, sys_seconds{sys_days{2026_y / December / 4}}};
    d.base.now = session.start - 1h;
    d.base.documents[2].first_seen = (sys_days{2026_y / December / 5}).time_since_epoch() / 1s;
    using k = store::engagement_kind;
    const auto t = [](sys_days day) {
        return std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count();
    };
    d.engagements = {{"alpha", "alice", 7, k::opened, t(sys_days{2026_y / December / 1}), "audit_log"},
                     {"alpha", "alice", 7, k::commented, t(sys_days{2026_y / December / 2}), "comments"},
                     {"alpha", "bob", 7, k::synced, t(sys_days{2026_y / December / 2}), "audit_log"},
                     {"alpha", "bob", 8, k::commented, t(sys_days{2026_y / November / 20}), "comments"}};
    d.base.done = done_from(d.engagements);
    expect_golden("digest", digest_message(d).text);
}

TEST_F(messages_test, a_document_someone_cannot_open_is_marked_and_not_held_against_them)
{
    // carol cannot open budget.ods (no share); alice is the facilitator who was told.
    in.blocked = {{"carol", 8}};
    in.facilitators = {"alice"};
    in.done = {{"alice", 7}, {"alice", 8}, {"alice", 9}, {"bob", 7},
               {"bob", 8},   {"bob", 9},   {"carol", 7}, {"carol", 9}};
    EXPECT_TRUE(pending(in.participants, in.documents, in.done, in.blocked).empty())
        << "carol has read everything she can open";
    EXPECT_FALSE(reminder_message(in)) << "nobody is behind: no reminder";

    in.done.erase({"carol", 7});
    auto m = reminder_message(in);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->mentioned, std::vector<std::string>{"carol"});
    EXPECT_THAT(m->text,
                ::testing::HasSubstr("- @\"carol\": agenda.md; budget.ods (no access yet) — alice has been told"))
        << m->text;
    // Each document she cannot open is marked, not only the last of the list (issue 27).
    in.blocked.insert({"carol", 9});
    in.done.erase({"carol", 9});
    const auto two = reminder_message(in);
    ASSERT_TRUE(two);
    EXPECT_THAT(two->text, ::testing::HasSubstr("- @\"carol\": agenda.md; budget.ods (no access yet), slides.pdf (no "
                                                "access yet) — alice has been told"))
        << two->text;
    in.blocked.erase({"carol", 9});
    in.done.insert({"carol", 9});
    const auto personal = personal_reminder(in, "carol").text;
    EXPECT_THAT(personal, ::testing::HasSubstr("Not opened by you yet: agenda.md.")) << personal;
    EXPECT_THAT(personal, ::testing::HasSubstr("You cannot open budget.ods yet, alice has been told.")) << personal;
    EXPECT_THAT(personal, ::testing::Not(::testing::HasSubstr("Not opened by you yet: agenda.md, budget.ods")))
        << personal;
    const auto card = deck_description("alpha", in);
    EXPECT_THAT(card, ::testing::HasSubstr("- [ ] carol: budget.ods — no access yet")) << card;
}

TEST_F(messages_test, added_after_the_first_reminder_means_first_seen_after_it_was_composed)
{
    // A project configured shortly before its session: the folder is first
    // seen in the pass that sends the first reminder (late), at the same second.
    const auto reminder_at = session.start - 2h;
    const auto t = [](sys_seconds s) { return s.time_since_epoch().count(); };
    for (auto& d : in.documents) d.first_seen = t(reminder_at);
    digest_input d{in, {}, std::nullopt, reminder_at};
    d.base.now = session.start - 15min;
    EXPECT_THAT(digest_message(d).text, ::testing::Not(::testing::HasSubstr("Added after the first reminder")))
        << digest_message(d).text;
    // One second later is a later pass: added after.
    d.base.documents[2].first_seen = t(reminder_at) + 1;
    EXPECT_THAT(digest_message(d).text, ::testing::HasSubstr("Added after the first reminder: slides.pdf"))
        << digest_message(d).text;
    // No reminder went out at all: nothing is "added after" it.
    d.first_reminder_at.reset();
    EXPECT_THAT(digest_message(d).text, ::testing::Not(::testing::HasSubstr("Added after")));
}

TEST_F(messages_test, an_access_problem_for_the_facilitator)
{
    expect_golden(
        "access-problem",
        access_problems_message("alpha", "/Projects/Alpha", {{"carol", "slides.pdf: not shared with carol"}}).text);
}

TEST_F(messages_test, access_problems_found_in_one_pass_are_one_message)
{
    // dave lacking access to three documents: one message with a line each (issue 27: it was one message each).
    expect_golden("access-problems",
                  access_problems_message("alpha", "/Projects/Alpha",
                                          {{"dave", "a.md: not shared with dave"},
                                           {"dave", "b.md: not shared with dave"},
                                           {"carol", "slides.pdf: the share to carol expired on 2026-12-14"}})
                      .text);
}

TEST_F(messages_test, the_summary_offers_the_folder_only_to_those_who_can_open_it)
{
    // Issue 27: carol, who cannot open the folder, was pointed to it like the others.
    reminding::session_attendance a;
    a.call_happened = true;
    a.present = {{"alice", to_unix(session.start + 1min)}};
    in.attendance = a;
    in.now = session.end + 45min;
    in.session_folder = "/Alpha";
    in.facilitators = {"alice"};
    in.blocked = {{"carol", 8}};
    EXPECT_EQ(summary_message(in, {}).text,
              "Summary of **Weekly sync** (Monday, 7 December 2026, 09:00 (Europe/Berlin)):\n"
              "Attended: alice (joined 09:01)\n"
              "Did not attend: bob, carol\n"
              "For bob: the session's folder /Alpha (minutes, recording).\n"
              "carol cannot open the session's folder yet: ask alice for access to it.");
    in.blocked.clear();
    EXPECT_THAT(
        summary_message(in, {}).text,
        ::testing::EndsWith("\nFor those who did not attend: the session's folder /Alpha (minutes, recording)."));
}

TEST_F(messages_test, session_folders_hold_their_own_pre_reads)
{
    std::vector<pre_read_doc> all = {
        {1, "agenda.md", 0}, {2, "2026-12-07/notes.md", 0}, {3, "2026-12-14/later.md", 0}, {4, "archive/old.md", 0}};
    auto mine = documents_for(session, *in.zone, all, pre_read_scope::session_folder);
    ASSERT_EQ(mine.size(), 2u);
    EXPECT_EQ(mine[1].path, "2026-12-07/notes.md");
    EXPECT_EQ(documents_for(session, *in.zone, all, pre_read_scope::folder).size(), 4u);
}

TEST_F(messages_test, dated_tags_hold_a_sessions_pre_reads)
{
    std::vector<pre_read_doc> all = {{1, "agenda.md", 0, {}},
                                     {2, "notes.md", 0, {"alpha-2026-12-07", "draft"}},
                                     {3, "later.md", 0, {"alpha-2026-12-14"}},
                                     {4, "other.md", 0, {"beta-2026-12-14"}}};
    auto mine = documents_for(session, *in.zone, all, pre_read_scope::tag, "alpha-");
    std::vector<std::int64_t> ids;
    for (const auto& d : mine) ids.push_back(d.file_id);
    EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2, 4})) << "untagged and other projects' tags count for every session";
}

TEST_F(messages_test, a_message_talk_would_refuse_is_cut)
{
    for (int i = 0; i < 3000; ++i) in.participants.push_back("participant-" + std::to_string(i));
    auto m = reminder_message(in);
    ASSERT_TRUE(m);
    EXPECT_LE(m->text.size(), max_message_length);
    EXPECT_THAT(m->text, ::testing::HasSubstr("list cut"));
}

}  // namespace
}  // namespace prereadd::reminding
