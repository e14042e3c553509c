// Calls from Talk's recorded exchanges (30a-30l of Talk 17 on 29 and Talk 22
// on 34) and the pure logic of attendance: events, calls, matching to
// sessions, who counts as present; the questions the service account
// answers; times in participants' own zones across DST changes.
#include "tests/support/source_tree.hpp"
#include "ocs/api.hpp"
#include "ocs/envelope.hpp"
#include "ocs/talk.hpp"
#include "reminding/attendance.hpp"
#include "reminding/decisions.hpp"
#include "reminding/messages.hpp"
#include "tests/sim/capture.hpp"

#include <gtest/gtest.h>

namespace prereadd {
namespace {

using k = reminding::call_event::kind;

struct recordings {
    std::string dir;
    const char* name;
};

class talk_calls : public ::testing::TestWithParam<recordings> {
protected:
    sim::capture recorded(const std::string& name) const
    {
        return sim::load_capture(std::string(GetParam().dir) + "/" + name + ".http");
    }
    nlohmann::json data(const std::string& name) const
    {
        auto d = ocs::parse_ok_data(recorded(name).response.body);
        EXPECT_TRUE(d) << name;
        return d ? *d : nlohmann::json();
    }
};

TEST_P(talk_calls, the_chat_after_the_call_tells_who_was_in_it_and_when)
{
    auto messages = ocs::parse_chat_messages(data("30j-talk-chat-after-call"));
    ASSERT_TRUE(messages);
    std::reverse(messages->begin(), messages->end());  // the history is newest first
    const auto events = reminding::call_events(*messages);
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(events[0].what, k::started);
    EXPECT_EQ(events[0].user, "bob");
    EXPECT_EQ(events[1].what, k::joined);
    EXPECT_EQ(events[1].user, "alice");
    EXPECT_EQ(events[2].what, k::left);
    EXPECT_EQ(events[3].what, k::left);
    EXPECT_EQ(events[4].what, k::ended);
    EXPECT_EQ(events[4].named, (std::vector<std::string>{"alice", "bob"}));
    EXPECT_EQ(events[4].duration, 12) << "Talk 17: \"(Duration 0:12)\", Talk 22: \"ended (Duration 0:12)\"";

    const auto calls = reminding::follow_calls("alpha", std::nullopt, events);
    ASSERT_EQ(calls.size(), 1u);
    const auto& call = calls[0];
    EXPECT_EQ(call.id, events[0].message_id);
    EXPECT_EQ(call.started_at, events[0].at);
    ASSERT_TRUE(call.ended_at);
    EXPECT_EQ(*call.ended_at, events[4].at);
    ASSERT_EQ(call.attendees.size(), 2u);
    EXPECT_EQ(call.attendees.at("bob").first_joined, events[0].at);
    EXPECT_EQ(call.attendees.at("alice").first_joined, events[1].at);
    EXPECT_EQ(call.attendees.at("bob").last_left, events[2].at);
}

TEST_P(talk_calls, peers_room_and_participants_during_and_after)
{
    auto peers = ocs::parse_call_peers(data("30f-talk-call-peers"));
    ASSERT_TRUE(peers);
    EXPECT_EQ(*peers, (std::vector<std::string>{"alice", "bob"})) << "the service account is not in the call";

    auto during = ocs::parse_room_call(data("30c-talk-room-during-call"));
    ASSERT_TRUE(during);
    EXPECT_TRUE(during->has_call);
    EXPECT_GT(during->call_start, 1796000000);
    auto after = ocs::parse_room_call(data("30k-talk-room-after-call"));
    ASSERT_TRUE(after);
    EXPECT_FALSE(after->has_call);

    auto in_call = ocs::parse_talk_participants(data("30g-talk-participants-during-call"));
    auto left = ocs::parse_talk_participants(data("30l-talk-participants-after-call"));
    ASSERT_TRUE(in_call && left);
    std::set<std::string> calling;
    for (const auto& a : *in_call)
        if (a.in_call) calling.insert(a.actor_id);
    EXPECT_EQ(calling, (std::set<std::string>{"alice", "bob"}));
    for (const auto& a : *left) EXPECT_EQ(a.in_call, 0) << a.actor_id;
}

TEST_P(talk_calls, joining_and_leaving_answer_an_ok_envelope)
{
    for (const char* name : {"30a-talk-join-conversation-bob", "30b-talk-join-call-bob", "30d-talk-join-conversation-alice",
                             "30e-talk-join-call-alice", "30h-talk-leave-call-bob", "30i-talk-leave-call-alice"})
        EXPECT_TRUE(ocs::parse_ok_data(recorded(name).response.body)) << name;
}

INSTANTIATE_TEST_SUITE_P(both_versions, talk_calls,
                         ::testing::Values(recordings{prereadd::test::nextcloud29_recordings(), "talk17"},
                                           recordings{prereadd::test::nextcloud34_recordings(), "talk22"}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(talk_calls_34, a_call_joined_without_the_session_cookie_is_refused)
{
    auto c =
        sim::load_capture(prereadd::test::nextcloud34_recordings() + "/30b0-talk-join-call-no-session-cookie-404.http");
    EXPECT_EQ(c.status, 404u);
    EXPECT_FALSE(ocs::parse_ok_data(c.response.body));
}

TEST(user_settings, only_nextcloud_30_and_later_say_the_zone_and_an_unset_one_is_none)
{
    auto settings_of = [](const std::string& file) {
        auto data = ocs::parse_ok_data(sim::load_capture(file).response.body);
        EXPECT_TRUE(data) << file;
        auto settings = ocs::parse_user_settings(*data);
        EXPECT_TRUE(settings) << file;
        return *settings;
    };
    const auto of_29 = settings_of(prereadd::test::nextcloud29_recordings() + "/22d-user-details-as-subadmin.http");
    EXPECT_FALSE(of_29.zone_offered) << "no such field: never asked again";
    EXPECT_EQ(of_29.zone, std::nullopt);
    const auto of_34 = settings_of(prereadd::test::nextcloud34_recordings() + "/22d-user-details-as-subadmin.http");
    EXPECT_TRUE(of_34.zone_offered);
    EXPECT_EQ(of_34.zone, std::nullopt) << "alice never set one: \"timezone\": \"\"";
    EXPECT_EQ(ocs::parse_user_settings({{"id", "carol"}, {"timezone", "Asia/Kolkata"}})->zone,
              std::optional<std::string>("Asia/Kolkata"));
}

TEST(user_settings, language_and_locale_as_both_versions_give_them)
{
    for (const auto& set : {prereadd::test::nextcloud29_recordings(), prereadd::test::nextcloud34_recordings()}) {
        auto settings_of = [&](const std::string& file) {
            auto data = ocs::parse_ok_data(sim::load_capture(set + "/" + file).response.body);
            EXPECT_TRUE(data) << set << "/" << file;
            return *ocs::parse_user_settings(*data);
        };
        const auto before = settings_of("42a-user-details-carol-before.http");
        EXPECT_EQ(before.language, "en") << "unset is the default language";
        EXPECT_EQ(before.locale, "") << "unset is empty";
        const auto carol = settings_of("42b-user-details-carol-as-subadmin.http");
        EXPECT_EQ(carol.language, "de");
        EXPECT_EQ(carol.locale, "de_DE");
        const auto bob = settings_of("42d-user-details-bob-as-subadmin.http");
        EXPECT_EQ(bob.language, "fr");
        EXPECT_EQ(bob.locale, "fr_FR");
        const auto service = settings_of("42k-user-details-service-account-german.http");
        EXPECT_EQ(service.language, "de");
    }
}

TEST(call_duration, talks_forms_and_what_is_not_one)
{
    EXPECT_EQ(reminding::call_duration("Call with {user1} and {user2} (Duration 0:12)"), 12);
    EXPECT_EQ(reminding::call_duration("Call with {user1} and {user2} ended (Duration 1:02:03)"), 3723);
    EXPECT_EQ(reminding::call_duration("{actor} ended the call (Duration 45:00)"), 2700);
    // Talk writes it in the reader's language (issue 28): a German service account reads 42j.
    EXPECT_EQ(reminding::call_duration("Anruf mit {user1} und {user2} (Dauer 0:06)"), 6);
    EXPECT_EQ(reminding::call_duration("Anruf mit {user1} und {user2} wurde beendet (Dauer 0:07)"), 7);
    EXPECT_EQ(reminding::call_duration("{actor} hat den Anruf mit {user1} beendet (Duration 0:04)"), 4);
    EXPECT_EQ(reminding::call_duration("Appel avec {user1} (Durée 1:02:03)"), 3723);
    EXPECT_EQ(reminding::call_duration("Call with {user1} at 10:61"), std::nullopt) << "no minute has 61 seconds";
    EXPECT_EQ(reminding::call_duration("(Duration 12)"), std::nullopt);
    EXPECT_EQ(reminding::call_duration("(Duration 1:x2)"), std::nullopt);
}

reminding::call_event event(k what, std::int64_t id, std::int64_t at, std::string user,
                            std::vector<std::string> named = {}, std::optional<std::int64_t> duration = {})
{
    return {what, id, at, std::move(user), std::move(named), duration};
}

TEST(follow_calls, reading_begun_mid_call_starts_it_at_the_first_event_seen)
{
    auto calls = reminding::follow_calls("alpha", std::nullopt,
                                         {event(k::joined, 10, 1000, "carol"), event(k::left, 11, 1500, "carol"),
                                          event(k::ended, 12, 1600, "dave", {"alice", "carol"}, 900)});
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].started_at, 1000);
    EXPECT_EQ(calls[0].ended_at, 1600);
    ASSERT_EQ(calls[0].attendees.size(), 3u) << "alice named by the end, dave ended it";
    EXPECT_EQ(calls[0].attendees.at("alice").first_joined, 1000) << "her join was not seen: from the call's start";
    EXPECT_EQ(calls[0].attendees.at("carol").last_left, 1500);
}

TEST(follow_calls, an_end_alone_is_a_call_back_to_its_duration_and_a_new_start_closes_an_open_one)
{
    auto only_end = reminding::follow_calls("alpha", std::nullopt, {event(k::ended, 5, 5000, "bob", {"alice", "bob"}, 600)});
    ASSERT_EQ(only_end.size(), 1u);
    EXPECT_EQ(only_end[0].started_at, 4400);

    store::call_row running;
    running.project = "alpha";
    running.id = 1;
    running.started_at = 100;
    running.attendees["alice"] = {100, 100, std::nullopt};
    auto calls = reminding::follow_calls("alpha", running, {event(k::started, 7, 900, "bob")});
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].id, 1);
    EXPECT_EQ(calls[0].ended_at, 900) << "its end was never written";
    EXPECT_EQ(calls[1].id, 7);
    EXPECT_FALSE(calls[1].ended_at);
}

TEST(follow_calls, leaving_and_coming_back_is_one_presence)
{
    auto calls = reminding::follow_calls(
        "alpha", std::nullopt,
        {event(k::started, 1, 100, "alice"), event(k::joined, 2, 110, "bob"), event(k::left, 3, 200, "bob"),
         event(k::joined, 4, 300, "bob"), event(k::left, 5, 400, "alice"), event(k::ended, 6, 500, "bob", {"alice", "bob"})});
    ASSERT_EQ(calls.size(), 1u);
    const auto& bob = calls[0].attendees.at("bob");
    EXPECT_EQ(bob.first_joined, 110);
    EXPECT_EQ(bob.last_joined, 300);
    EXPECT_EQ(bob.last_left, 500) << "in the call when it ended";
    EXPECT_EQ(calls[0].attendees.at("alice").last_left, 400);
}

scheduler::session session_at(std::string key, std::int64_t start, std::int64_t length = 3600)
{
    scheduler::session s;
    s.key = std::move(key);
    s.title = s.key;
    s.start = date::sys_seconds{std::chrono::seconds(start)};
    s.end = s.start + std::chrono::seconds(length);
    return s;
}

store::call_row call_at(std::int64_t start, std::optional<std::int64_t> end)
{
    store::call_row c;
    c.project = "alpha";
    c.id = start;
    c.started_at = start;
    c.ended_at = end;
    return c;
}

TEST(match_call, the_nearest_session_whose_window_the_call_overlaps)
{
    constexpr std::int64_t t = 1796202000;
    const std::vector<scheduler::session> sessions{session_at("a", t), session_at("b", t + 3600),
                                                   session_at("next-day", t + 86400)};
    const reminding::attendance_rules rules{std::chrono::minutes(15)};
    struct row {
        std::int64_t start;
        std::optional<std::int64_t> end;
        const char* expected;  // nullptr: unmatched
    };
    for (const auto& [start, end, expected] : std::vector<row>{
             {t + 20 * 60, t + 3000, "a"},             // twenty minutes late
             {t - 14 * 60, t + 3000, "a"},             // a little early
             {t - 30 * 60, t - 20 * 60, nullptr},      // over before the window opened
             {t + 3300, t + 7000, "b"},                // nearer b's start though it overlaps a
             {t + 43200, t + 45000, nullptr},          // in the evening between two days
             {t + 86400 + 60, std::nullopt, "next-day"},  // running, by `now`
         }) {
        const auto* s = reminding::match_call(call_at(start, end), sessions, rules, t + 86400 + 600);
        if (!expected)
            EXPECT_EQ(s, nullptr) << start - t;
        else
            EXPECT_TRUE(s && s->key == expected) << start - t << " matched " << (s ? s->key : "nothing");
    }
    auto cancelled = sessions;
    cancelled[0].cancelled = true;
    EXPECT_EQ(reminding::match_call(call_at(t + 60, t + 600), cancelled, rules, t + 700), nullptr);
}

TEST(attendance_of, present_means_in_one_of_its_calls_at_some_moment_of_the_window)
{
    constexpr std::int64_t t = 1796202000;
    auto c = call_at(t - 40 * 60, t + 3000);
    reminding::assign_session(c, nullptr);
    c.session_key = "a";
    c.session_start = t;
    c.session_end = t + 3600;
    c.attendees["early-stayed"] = {t - 40 * 60, t - 40 * 60, t + 600};
    c.attendees["early-left"] = {t - 40 * 60, t - 40 * 60, t - 20 * 60};
    c.attendees["late"] = {t + 1800, t + 1800, std::nullopt};
    const auto a = reminding::attendance_of("a", t, t + 3600, {c}, {std::chrono::minutes(15)}, t + 4000);
    EXPECT_TRUE(a.call_happened);
    EXPECT_FALSE(a.call_running);
    EXPECT_EQ(a.present, (std::map<std::string, std::int64_t>{{"early-stayed", t - 40 * 60}, {"late", t + 1800}}));
    EXPECT_FALSE(reminding::attendance_of("b", t, t + 3600, {c}, {}, t).call_happened);
}

ocs::chat_message comment(std::string actor, std::string text, std::map<std::string, std::string> users)
{
    ocs::chat_message m;
    m.id = 1;
    m.actor_type = "users";
    m.actor_id = std::move(actor);
    m.message = std::move(text);
    m.users = std::move(users);
    return m;
}

TEST(asks_for_status, a_mention_of_the_service_account_and_the_word)
{
    struct row {
        ocs::chat_message m;
        bool asks;
    };
    const std::map<std::string, std::string> service{{"mention-user1", "preread"}};
    auto system = comment("bob", "{mention-user1} status", service);
    system.system_message = "reaction";
    for (const auto& [m, asks] : std::vector<row>{
             {comment("bob", "{mention-user1} status", service), true},
             {comment("bob", "Status, {mention-user1}?", service), true},
             {comment("bob", "{mention-user1} what is the STATUS of things", service), true},
             {comment("bob", "{mention-user1} thanks", service), false},
             {comment("bob", "{mention-user1} statuses", service), false},
             {comment("bob", "status {mention-user1}", {{"mention-user1", "alice"}}), false},
             {comment("bob", "status", {}), false},
             {comment("bob", "{mention-user1} status", {{"actor", "preread"}}), false},
             {comment("preread", "{mention-user1} status", service), false},
             {system, false},
         })
        EXPECT_EQ(reminding::asks_for_status(m, "preread"), asks) << m.message;
}

TEST(time_in_both, a_participants_own_zone_across_dst_changes)
{
    const auto* berlin = date::locate_zone("Europe/Berlin");
    const auto* kolkata = date::locate_zone("Asia/Kolkata");
    const auto* new_york = date::locate_zone("America/New_York");
    auto at = [&](date::local_seconds local) { return scheduler::resolve_local(local, *berlin); };
    using namespace std::chrono_literals;
    const auto before = at(date::local_days{date::year{2027} / 3 / 26} + 10h);  // CET; India has no DST
    const auto after = at(date::local_days{date::year{2027} / 3 / 29} + 10h);   // CEST since the 28th
    EXPECT_EQ(reminding::time_in_both(before, *kolkata, *berlin),
              "Friday, 26 March 2027, 14:30 (Asia/Kolkata) = 10:00 (Europe/Berlin)");
    EXPECT_EQ(reminding::time_in_both(after, *kolkata, *berlin),
              "Monday, 29 March 2027, 13:30 (Asia/Kolkata) = 10:00 (Europe/Berlin)");
    // New York moved on 14 March, Berlin on 28 March: for two weeks they are 5 hours apart, not 6.
    const auto between = at(date::local_days{date::year{2027} / 3 / 22} + 10h);
    EXPECT_EQ(reminding::time_in_both(between, *new_york, *berlin),
              "Monday, 22 March 2027, 05:00 (America/New_York) = 10:00 (Europe/Berlin)");
    const auto early = at(date::local_days{date::year{2027} / 3 / 8} + 3h);
    EXPECT_EQ(reminding::time_in_both(early, *new_york, *berlin),
              "Sunday, 7 March 2027, 21:00 (America/New_York) = Monday, 8 March, 03:00 (Europe/Berlin)")
        << "the project's day is named when it is not theirs";
    EXPECT_EQ(reminding::time_in_both(before, *berlin, *berlin), "Friday, 26 March 2027, 10:00 (Europe/Berlin)");
}

}  // namespace
}  // namespace prereadd
