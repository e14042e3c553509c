// Sessions as calls, against the simulator: attendance from Talk's call
// messages (30a-30l), the call's link, the nudge, the summary, follow-ups for
// who missed the session, whiteboards, participants in other time zones, and
// "status" asked in the conversation — each message exactly once.
#include "daemon/status_report.hpp"
#include "reminding/reminder_pass.hpp"
#include "tests/sim/daemon_config.hpp"
#include "tests/sim/daemon_side.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/support/run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tracking/poll_cycle.hpp"

#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t session_start = 1796202000;  // 2026-12-02 10:00 Europe/Berlin (09:00 UTC), two hours
constexpr std::int64_t session_end = session_start + 7200;
constexpr std::int64_t minute = 60;
constexpr std::int64_t day = 86400;

class calls_test : public ::testing::Test, protected sim::daemon_side {
protected:
    explicit calls_test(sim::dialect server = sim::dialect::nc29)
        : daemon_side(session_start - day), sim(options_for(dir.path(), server))
    {
        // The conversation's own messages at a known time, not the wall clock's.
        sim.with_world([&](sim::world& w) { w.set_clock(clock - 7 * day); });
        sim.control(sim::with(sim::alpha_team("app-pw"), sim::agenda_and_budget_for_carol()));
        token = sim.control(
            {{"op", "room"}, {"user", "preread"}, {"name", "Alpha"}, {"members", {"alice", "bob", "carol"}}})["token"];
        config = sim::alpha_configuration(sim.base_url());
        sim::with_kickoff(config.projects[0], token);
        config.projects[0].lead_times = {24h};
        config.projects[0].facilitators = {"alice"};
    }

    static sim::options options_for(const std::filesystem::path& dir, sim::dialect server)
    {
        auto o = sim::audit_to(dir / "audit.log");
        o.server = server;
        return o;
    }

    config::project_config& alpha() { return config.projects[0]; }

    // One poll cycle and one reminder pass at `clock`. A new context each
    // time: nothing but the database carries over, as after a restart.
    reminding::reminder_report step()
    {
        sim.with_world([&](sim::world& w) { w.set_clock(clock); });
        auto cycle = test::run_awaitable(io, tracking::async_poll_cycle(poll));
        EXPECT_TRUE(cycle.errors.empty()) << cycle.errors.front();
        reminding::reminder_context ctx{client, config, db, [&] { return clock; }};
        auto report = test::run_awaitable(io, reminding::async_reminders(ctx));
        EXPECT_TRUE(report.errors.empty()) << report.errors.front();
        return report;
    }

    // A participant's Talk client at `t` (the simulator's clock writes the call messages' times).
    void call(const std::string& user, const std::string& action, std::int64_t t)
    {
        sim.with_world([&](sim::world& w) { w.set_clock(t); });
        auto result = sim.control({{"op", "call"}, {"user", user}, {"token", token}, {"action", action}});
        ASSERT_EQ(result["ok"], true) << result.dump();
    }

    void say(const std::string& user, const std::string& text, std::int64_t t)
    {
        sim.with_world([&](sim::world& w) { w.set_clock(t); });
        ASSERT_EQ(sim.control({{"op", "say"}, {"user", user}, {"token", token}, {"message", text}})["ok"], true);
    }

    std::vector<sim::talk_message> posted() { return sim::posted_by_service_account(sim, token); }

    // The messages of the service account whose text has `marker`.
    std::vector<sim::talk_message> posted_with(const std::string& marker)
    {
        std::vector<sim::talk_message> out;
        for (const auto& m : posted())
            if (m.text.find(marker) != std::string::npos) out.push_back(m);
        return out;
    }

    nlohmann::json status() { return sim::alpha_status(db); }

    sim::nextcloud sim;
    std::string token;
};

TEST_F(calls_test, alice_and_bob_in_the_call_carol_not_status_summary_and_her_follow_up_say_so)
{
    alpha().follow_up = config::project_config::follow_up_config{48h, 24h};
    step();  // the P1D reminder
    auto reminders = posted_with("Still to read");
    ASSERT_EQ(reminders.size(), 1u);
    EXPECT_THAT(reminders[0].text, HasSubstr("Join the call: " + sim.base_url() + "/call/" + token));

    call("alice", "join", session_start + 2 * minute);
    call("bob", "join", session_start + 5 * minute);
    clock = session_start + 10 * minute;
    step();
    auto running = status()["sessions"];
    ASSERT_EQ(running.size(), 1u) << status().dump(2);
    EXPECT_EQ(running[0]["call"], "running");

    call("bob", "leave", session_end - 10 * minute);
    call("alice", "leave", session_end - 5 * minute);
    clock = session_end + 31 * minute;  // the grace (30 minutes) is over: the summary
    step();
    auto s = status()["sessions"];
    ASSERT_EQ(s.size(), 1u) << status().dump(2);
    EXPECT_EQ(s[0]["key"], "2026-12-02T10:00");
    EXPECT_EQ(s[0]["call"], "ended");
    EXPECT_EQ(s[0]["attended"]["alice"]["first_joined"], "2026-12-02T09:02:00Z");
    EXPECT_EQ(s[0]["attended"]["bob"]["first_joined"], "2026-12-02T09:05:00Z");
    EXPECT_EQ(s[0]["absent"], nlohmann::json::array({"carol"}));
    store::state st(db);
    const auto text = daemon::render_status_text({daemon::load_project_status(st, "alpha", "/Projects/Alpha")});
    EXPECT_THAT(text, HasSubstr("Kick-off 2026-12-02 09:00: attended alice (09:02), bob (09:05); did not attend carol"))
        << text;

    auto summaries = posted_with("Summary of");
    ASSERT_EQ(summaries.size(), 1u);
    EXPECT_THAT(summaries[0].text, HasSubstr("Attended: alice (joined 10:02), bob (joined 10:05)"));
    EXPECT_THAT(summaries[0].text, HasSubstr("Did not attend: carol"));
    EXPECT_TRUE(summaries[0].mentions.empty()) << "names only: the follow-up mentions";

    clock = session_end + day;  // the follow-up reminder, a day before it is due
    step();
    auto follow_ups = posted_with("Follow-up to");
    ASSERT_EQ(follow_ups.size(), 1u);
    EXPECT_EQ(follow_ups[0].mentions, std::vector<std::string>{"carol"}) << follow_ups[0].text;
    EXPECT_THAT(follow_ups[0].text, HasSubstr("You missed the session"));
    EXPECT_THAT(follow_ups[0].text, HasSubstr("the session's folder Alpha (minutes, recording)"));

    step();
    EXPECT_EQ(posted_with("Summary of").size(), 1u) << "exactly once";
    EXPECT_EQ(posted_with("Follow-up to").size(), 1u);
}

TEST_F(calls_test, a_call_twenty_minutes_late_still_belongs_to_the_session)
{
    step();
    call("bob", "join", session_start + 20 * minute);
    call("carol", "join", session_start + 25 * minute);
    call("carol", "leave", session_start + 60 * minute);
    call("bob", "leave", session_start + 61 * minute);
    clock = session_start + 70 * minute;
    step();
    auto s = status();
    ASSERT_EQ(s["sessions"].size(), 1u) << s.dump(2);
    EXPECT_EQ(s["sessions"][0]["absent"], nlohmann::json::array({"alice"}));
    EXPECT_TRUE(s["unmatched_calls"].empty());
}

TEST_F(calls_test, a_call_on_another_day_is_no_session_s_and_sends_no_summary)
{
    step();
    call("bob", "join", session_start + day);
    call("alice", "join", session_start + day + minute);
    call("alice", "leave", session_start + day + 30 * minute);
    call("bob", "leave", session_start + day + 31 * minute);
    clock = session_start + day + 40 * minute;
    step();
    auto s = status();
    EXPECT_TRUE(s["sessions"].empty()) << s.dump(2);
    ASSERT_EQ(s["unmatched_calls"].size(), 1u) << s.dump(2);
    EXPECT_EQ(s["unmatched_calls"][0]["attendees"], nlohmann::json::array({"alice", "bob"}));
    EXPECT_EQ(s["unmatched_calls"][0]["started"], "2026-12-03T09:00:00Z");
    EXPECT_TRUE(posted_with("Summary of").empty()) << "the session had no call";
}

TEST_F(calls_test, the_nudge_mentions_only_who_is_not_in_the_call_yet)
{
    alpha().calls.nudge_after = 5min;
    step();
    call("alice", "join", session_start + minute);
    call("bob", "join", session_start + 2 * minute);
    clock = session_start + 5 * minute;
    step();
    auto nudges = posted_with("has started");
    ASSERT_EQ(nudges.size(), 1u);
    EXPECT_EQ(nudges[0].mentions, std::vector<std::string>{"carol"}) << nudges[0].text;
    EXPECT_THAT(nudges[0].text, HasSubstr("/call/" + token));
    clock = session_start + 6 * minute;
    step();
    EXPECT_EQ(posted_with("has started").size(), 1u) << "exactly once";
}

TEST_F(calls_test, no_nudge_when_everyone_joined_or_when_no_call_started)
{
    alpha().calls.nudge_after = 5min;
    step();
    for (const char* user : {"alice", "bob", "carol"}) call(user, "join", session_start + minute);
    clock = session_start + 5 * minute;
    step();
    EXPECT_TRUE(posted_with("has started").empty());

    alpha().sessions.push_back({"Review", date::local_days{date::year{2026} / 12 / 9} + 10h, 2h});
    clock = session_start + 7 * day + 5 * minute;  // no call at all
    step();
    EXPECT_TRUE(posted_with("has started").empty());
    store::state st(db);
    std::size_t skipped = 0;
    for (const auto& row : st.outbox("alpha"))
        if (row.item.find("/nudge/") != std::string::npos && row.state == store::outbox_state::skipped) ++skipped;
    EXPECT_EQ(skipped, 2u) << "decided once each, never sent";
}

TEST_F(calls_test, a_participant_in_kolkata_gets_her_own_time_and_the_group_message_shows_her_zone)
{
    alpha().personal_reminders = true;
    alpha().participants.time_zones["carol"] = date::locate_zone("Asia/Kolkata");
    step();
    auto group = posted_with("Still to read");
    ASSERT_EQ(group.size(), 1u);
    EXPECT_THAT(group[0].text, HasSubstr("Wednesday, 2 December 2026, 10:00 (Europe/Berlin)"));
    EXPECT_THAT(group[0].text, HasSubstr("In other time zones: 14:30 (Asia/Kolkata)."));
    auto personal = sim.with_world([&](const sim::world& w) {
        std::map<std::string, std::string> by_user;  // the other member of each one-to-one -> text
        for (const auto& m : w.talk.messages) {
            if (m.actor != "preread" || !m.system.empty() || m.token == token) continue;
            for (const auto& room : w.talk.rooms)
                if (room.token == m.token && room.type == 1)
                    for (const auto& a : room.attendees)
                        if (a.actor != "preread") by_user[a.actor] = m.text;
        }
        return by_user;
    });
    ASSERT_TRUE(personal.count("carol"));
    EXPECT_THAT(personal["carol"],
                HasSubstr("Wednesday, 2 December 2026, 14:30 (Asia/Kolkata) = 10:00 (Europe/Berlin)"));
    EXPECT_THAT(personal["bob"], HasSubstr("Wednesday, 2 December 2026, 10:00 (Europe/Berlin), in 1 day"));
}

TEST_F(calls_test, messages_go_out_exactly_once_across_a_restart_mid_call)
{
    alpha().calls.nudge_after = 5min;
    step();
    call("alice", "join", session_start + minute);
    clock = session_start + 5 * minute;
    step();
    ASSERT_EQ(posted_with("has started").size(), 1u);
    // The process died after posting the nudge, before confirming it.
    db.execute("UPDATE outbox SET state = 'intent', remote_id = NULL, done_at = NULL WHERE item LIKE '%/nudge/%'");
    call("bob", "join", session_start + 8 * minute);
    clock = session_start + 9 * minute;
    step();  // restarted: a new context, the same database
    EXPECT_EQ(posted_with("has started").size(), 1u) << "found by its referenceId";
    call("bob", "leave", session_start + 50 * minute);
    call("alice", "leave", session_start + 51 * minute);
    clock = session_end + 30 * minute;
    step();
    step();
    ASSERT_EQ(posted_with("Summary of").size(), 1u);
    EXPECT_THAT(posted_with("Summary of")[0].text, HasSubstr("Attended: alice (joined 10:01), bob (joined 10:08)"));
}

TEST_F(calls_test, status_asked_in_the_conversation_gets_one_reply_each)
{
    alpha().sessions.push_back({"Review", date::local_days{date::year{2026} / 12 / 9} + 10h, 2h});
    clock = session_start - 2 * day;
    step();  // the cursor starts here: nothing older is answered
    sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}});
    say("bob", "@preread status please", clock + minute);
    say("alice", "@preread status", clock + 2 * minute);
    say("carol", "@preread thanks!", clock + 3 * minute);
    say("carol", "what is the status?", clock + 4 * minute);
    clock += 5 * minute;
    step();
    auto replies = sim.with_world([&](const sim::world& w) {
        std::vector<sim::talk_message> out;
        for (const auto& m : w.talk.messages)
            if (m.token == token && m.actor == "preread" && m.system.empty() && m.parent) out.push_back(m);
        return out;
    });
    ASSERT_EQ(replies.size(), 2u) << "only the two that mention the service account with \"status\"";
    EXPECT_THAT(replies[0].text, HasSubstr("You: 1 of 2 left: budget.ods")) << replies[0].text;
    EXPECT_THAT(replies[0].text, Not(HasSubstr("carol")));
    EXPECT_THAT(replies[1].text, HasSubstr("Pre-reads (2):")) << replies[1].text;
    EXPECT_THAT(replies[1].text, HasSubstr("- bob: 1 of 2 left: budget.ods"));
    EXPECT_THAT(replies[1].text, HasSubstr("- carol: 2 of 2 left"));
    EXPECT_TRUE(replies[0].mentions.empty());
    clock += minute;
    step();
    step();
    EXPECT_EQ(posted().size(), 2u) << "one reply per question, never to its own messages";

    say("bob", "@preread status", clock + minute);  // asked while the daemon is down for two days
    clock += 2 * day;
    step();
    EXPECT_EQ(posted().size(), 2u) << "a question a day old is not answered";
}

TEST_F(calls_test, questions_asked_before_the_first_read_are_not_answered_then_or_later)
{
    say("bob", "@preread status", clock - minute);
    step();  // no cursor yet: the newest messages are read, and the cursor set after them
    clock += minute;
    step();
    const auto messages = posted();
    ASSERT_EQ(messages.size(), 1u) << "the reminder only";
    EXPECT_THAT(messages[0].text, HasSubstr("Still to read"));
    EXPECT_FALSE(messages[0].parent);
}

TEST_F(calls_test, the_first_read_takes_no_old_call_then_or_later)
{
    call("alice", "join", clock - 6 * day);
    call("alice", "leave", clock - 6 * day + 30 * minute);
    step();  // the newest messages are all older than any window: nothing taken, the cursor after them
    clock += minute;
    step();
    auto s = status();
    EXPECT_TRUE(s["unmatched_calls"].empty()) << s.dump(2);
    EXPECT_TRUE(s["sessions"].empty());
}

TEST_F(calls_test, a_facilitator_asking_after_a_session_gets_its_attendance_and_the_next_table)
{
    alpha().sessions.push_back({"Review", date::local_days{date::year{2026} / 12 / 9} + 10h, 2h});
    step();
    call("alice", "join", session_start + minute);
    call("bob", "join", session_start + 2 * minute);
    call("bob", "leave", session_start + 40 * minute);
    call("alice", "leave", session_start + 41 * minute);
    clock = session_end + day;
    step();
    say("alice", "@preread status", clock + minute);
    clock += 2 * minute;
    step();
    auto replies = posted_with("Last session");
    ASSERT_EQ(replies.size(), 1u);
    const auto& text = replies[0].text;
    EXPECT_THAT(text, HasSubstr("**Review** — Wednesday, 9 December 2026, 10:00 (Europe/Berlin), in 5 days"));
    EXPECT_THAT(text, HasSubstr("Last session (Kick-off, Wednesday, 2 December 2026, 10:00 (Europe/Berlin)): "
                                "attended: alice, bob; did not attend: carol."));
    EXPECT_LT(text.find("Last session"), text.find("Pre-reads (2):")) << "before the table, which may be cut";
}

TEST_F(calls_test, a_whiteboard_is_a_pre_read_unless_the_session_works_on_it_in_the_call)
{
    sim.control({{"op", "put"}, {"user", "preread"}, {"path", "/Projects/Alpha/ideas.whiteboard"},
                 {"content", "{\"elements\":[]}"}, {"mime", "application/vnd.excalidraw+json"}});
    const auto board = sim.control({{"op", "put"}, {"user", "preread"}, {"path", "/Projects/Alpha/live.whiteboard"},
                                    {"content", "{\"elements\":[]}"}, {"mime", "application/vnd.excalidraw+json"}});
    alpha().sessions[0].whiteboard = "live.whiteboard";
    clock = session_start - 2 * day;
    step();
    sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/ideas.whiteboard"}});
    clock = session_start - day;
    step();
    auto reminders = posted_with("Still to read");
    ASSERT_EQ(reminders.size(), 1u);
    const auto& text = reminders[0].text;
    EXPECT_THAT(text, HasSubstr("Whiteboard for the call: live.whiteboard " + sim.base_url() + "/f/" +
                                std::to_string(board["file_id"].get<std::int64_t>())));
    EXPECT_THAT(text, HasSubstr("ideas.whiteboard")) << "a board is a pre-read like any file";
    EXPECT_THAT(text, Not(HasSubstr("live.whiteboard,")));
    EXPECT_THAT(text, Not(HasSubstr("live.whiteboard\n")));
    auto s = status();
    bool counted = false;
    for (const auto& d : s["documents"])
        if (d["path"] == "ideas.whiteboard") counted = d["engagements"]["bob"].contains("opened");
    EXPECT_TRUE(counted) << s.dump(2);
}

class calls_34_test : public calls_test {
protected:
    calls_34_test() : calls_test(sim::dialect::nc34) {}
};

TEST_F(calls_34_test, talk_22_calls_and_the_zone_nextcloud_34_knows)
{
    // Nextcloud shows a user's details, with the zone, to an admin or a sub-admin of their group (22d, 22e).
    sim.control({{"op", "user"}, {"id", "carol"}, {"password", "pw"}, {"timezone", "Asia/Kolkata"}});
    sim.control({{"op", "group"}, {"id", "team-carol"}, {"members", {"carol"}}});
    sim.control({{"op", "subadmin"}, {"user", "preread"}, {"group", "team-carol"}});
    alpha().personal_reminders = true;
    step();
    auto group = posted_with("Still to read");
    ASSERT_EQ(group.size(), 1u);
    EXPECT_THAT(group[0].text, HasSubstr("In other time zones: 14:30 (Asia/Kolkata)."));
    EXPECT_EQ(posted_with("14:30 (Asia/Kolkata) = 10:00 (Europe/Berlin)").size(), 0u) << "one-to-one, not here";
    call("alice", "join", session_start + minute);
    call("carol", "join", session_start + 3 * minute);
    call("carol", "leave", session_start + 30 * minute);
    call("alice", "end", session_start + 31 * minute);
    clock = session_end + 31 * minute;
    step();
    auto s = status()["sessions"];
    ASSERT_EQ(s.size(), 1u) << status().dump(2);
    EXPECT_EQ(s[0]["absent"], nlohmann::json::array({"bob"}));
    EXPECT_EQ(s[0]["attended"]["carol"]["first_joined"], "2026-12-02T09:03:00Z");
}

TEST_F(calls_34_test, a_time_zone_nextcloud_gives_that_is_no_zone_is_said)
{
    // Issue 27: a zone that is not one (Mars/Olympus) was dropped without a word.
    sim.control({{"op", "user"}, {"id", "carol"}, {"password", "pw"}, {"timezone", "Mars/Olympus"}});
    sim.control({{"op", "group"}, {"id", "team-carol"}, {"members", {"carol"}}});
    sim.control({{"op", "subadmin"}, {"user", "preread"}, {"group", "team-carol"}});
    const auto report = step();
    ASSERT_EQ(report.notices.size(), 1u) << testing::PrintToString(report.notices);
    EXPECT_EQ(report.notices[0],
              "alpha: carol's time zone in Nextcloud, \"Mars/Olympus\", is no IANA zone this "
              "system knows: their times are shown in Europe/Berlin only");
    auto group = posted_with("Still to read");
    ASSERT_EQ(group.size(), 1u);
    EXPECT_THAT(group[0].text, Not(HasSubstr("In other time zones")));
}

}  // namespace
}  // namespace prereadd

namespace prereadd {
namespace {

// Issue 28: a one-to-one reminder in its reader's language (Nextcloud's user
// details: 42b, 42d), the group reminder in the project's.
// What the service account wrote anywhere (the project's conversation and the one-to-one ones) with `marker`.
std::vector<std::string> written_with(sim::nextcloud& sim, const std::string& marker)
{
    return sim.with_world([&](sim::world& w) {
        std::vector<std::string> out;
        for (const auto& m : w.talk.messages)
            if (m.actor == "preread" && m.text.find(marker) != std::string::npos) out.push_back(m.text);
        return out;
    });
}

TEST_F(calls_test, each_reads_their_reminder_in_their_own_language)
{
    sim.control({{"op", "user"}, {"id", "carol"}, {"password", "pw"}, {"language", "de"}, {"locale", "de_DE"}});
    sim.control({{"op", "user"}, {"id", "bob"}, {"password", "pw"}, {"language", "fr"}, {"locale", "fr_FR"}});
    sim.control({{"op", "group"}, {"id", "team-people"}, {"members", {"alice", "bob", "carol"}}});
    sim.control({{"op", "subadmin"}, {"user", "preread"}, {"group", "team-people"}});
    alpha().personal_reminders = true;
    alpha().language = "es";
    step();
    const auto group = posted_with("Falta por leer:");
    ASSERT_EQ(group.size(), 1u) << "the group reminder in the project's language";
    EXPECT_THAT(group[0].text, HasSubstr("miércoles, 2 de diciembre de 2026, a las 10:00 (Europe/Berlin)"));
    const auto german = written_with(sim, "Erinnerung: ");
    ASSERT_EQ(german.size(), 1u);
    EXPECT_THAT(german[0], HasSubstr("Mittwoch, 2. Dezember 2026, 10:00 (Europe/Berlin)"));
    EXPECT_THAT(german[0], HasSubstr("Von dir noch nicht geöffnet: "));
    const auto french = written_with(sim, "Rappel : ");
    ASSERT_EQ(french.size(), 1u);
    EXPECT_THAT(french[0], HasSubstr("mercredi 2 décembre 2026 à 10:00 (Europe/Berlin)"));
    EXPECT_EQ(written_with(sim, "Reminder: ").size(), 1u) << "alice never chose a language: English (42a)";
}

TEST_F(calls_test, without_a_configured_language_the_group_reads_the_service_accounts)
{
    sim.control(
        {{"op", "user"}, {"id", "preread"}, {"password", "app-pw"}, {"app_password", "app-pw"}, {"language", "de"}});
    step();
    EXPECT_EQ(posted_with("Noch zu lesen:").size(), 1u) << "the service account's own language (42k)";
    EXPECT_TRUE(posted_with("Still to read:").empty());
}

TEST_F(calls_test, the_configuration_names_a_participants_language_over_nextclouds)
{
    sim.control({{"op", "user"}, {"id", "carol"}, {"password", "pw"}, {"language", "de"}});
    alpha().personal_reminders = true;
    alpha().participants.languages = {{"carol", "pt"}};
    step();
    EXPECT_EQ(written_with(sim, "Lembrete: ").size(), 1u);
    EXPECT_TRUE(written_with(sim, "Erinnerung: ").empty());
}

}  // namespace
}  // namespace prereadd
