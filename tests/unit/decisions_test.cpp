// The pure decisions the coroutines act on: which requests a project's poll
// needs, what becomes of a session's Deck card, when `run` wakes up, what
// the metrics endpoint answers, which known field a misspelt one meant.
#include "config/hints.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/pass_outcome.hpp"
#include "reminding/decisions.hpp"
#include "tracking/project_poll.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd {
namespace {

using ::testing::HasSubstr;

TEST(decide_check, a_project_is_checked_at_first_at_its_turn_or_when_a_read_names_an_unknown_file)
{
    using tracking::detail::decide_check;
    EXPECT_TRUE(decide_check(false, false, false));  // nothing known yet
    EXPECT_TRUE(decide_check(true, true, false));    // its turn
    EXPECT_TRUE(decide_check(true, false, true));    // a file it does not know
    EXPECT_FALSE(decide_check(true, false, false));  // between turns, nothing new
}

TEST(decide_poll, the_folder_is_listed_when_its_etag_changed_and_shares_refreshed_every_n_cycles)
{
    using tracking::detail::decide_poll;
    using tracking::detail::poll_facts;
    struct row {
        poll_facts facts;
        bool list, refresh, count;
    };
    const row rows[] = {
        {{false, true, true, false, 0, 10}, false, false, false},  // not checked: nothing at all
        {{true, false, false, false, 0, 10}, false, true, false},  // first cycle: refresh, no count
        {{true, true, true, false, 3, 10}, true, false, true},     // changed: listed; shares only if files came
        {{true, true, false, false, 3, 10}, false, false, true},   // unchanged: one more cycle
        {{true, true, false, false, 9, 10}, false, true, false},   // the tenth cycle: refresh
        {{true, true, false, true, 9, 10}, true, true, false},     // tags change no ETag: listed at refresh
        {{true, true, false, true, 3, 10}, false, false, true},
        {{true, true, false, false, 3, 10, true}, false, true, false},  // its parent's full check: refresh
    };
    for (const auto& r : rows) {
        const auto d = decide_poll(r.facts);
        EXPECT_EQ(d.list, r.list) << "cycles " << r.facts.cycles_since_refresh;
        EXPECT_EQ(d.refresh, r.refresh) << "cycles " << r.facts.cycles_since_refresh;
        EXPECT_EQ(d.count, r.count) << "cycles " << r.facts.cycles_since_refresh;
    }
}

TEST(decide_deck_card, a_card_is_created_kept_left_gone_or_taken_as_acknowledged)
{
    using reminding::deck_step;
    store::deck_card_row fresh;
    store::deck_card_row known;
    known.card_id = 17;
    ocs::deck_card open_card;
    open_card.id = 17;
    ocs::deck_card done_card = open_card;
    done_card.done = "2026-12-01T10:00:00+00:00";
    EXPECT_EQ(reminding::decide_deck_card(fresh, nullptr), deck_step::create);
    EXPECT_EQ(reminding::decide_deck_card(fresh, &open_card), deck_step::keep);  // found by its marker after a crash
    EXPECT_EQ(reminding::decide_deck_card(known, &open_card), deck_step::keep);
    EXPECT_EQ(reminding::decide_deck_card(known, nullptr), deck_step::gone);
    EXPECT_EQ(reminding::decide_deck_card(known, &done_card), deck_step::done_by_participant);
}

TEST(find_card, by_id_once_known_else_by_the_marker_in_its_description)
{
    std::vector<ocs::deck_card> stack(2);
    stack[0].id = 5;
    stack[0].description = "x\n\nprereadd:alpha:2026-12-09T14:00";
    stack[1].id = 6;
    store::deck_card_row row;
    EXPECT_EQ(reminding::find_card(stack, row, "prereadd:alpha:2026-12-09T14:00"), &stack[0]);
    EXPECT_EQ(reminding::find_card(stack, row, "prereadd:alpha:2026-12-16T14:00"), nullptr);
    row.card_id = 6;
    EXPECT_EQ(reminding::find_card(stack, row, "prereadd:alpha:2026-12-09T14:00"), &stack[1]);
}

TEST(first_reminder_of, the_earliest_sent_reminder_of_the_session_whatever_its_recipient)
{
    auto row = [](std::string item, store::outbox_state state, std::int64_t created_at) {
        store::outbox_row r;
        r.item = std::move(item);
        r.session_key = "s1";
        r.state = state;
        r.created_at = created_at;
        return r;
    };
    const std::vector<store::outbox_row> outbox = {
        row("s1@1/reminder/P1D", store::outbox_state::sent, 300),
        row("s1@1/reminder/P3D", store::outbox_state::sent, 200),
        row("s1@1/reminder/P7D", store::outbox_state::intent, 100),  // never went out
        row("s1@1/digest/P1D", store::outbox_state::sent, 50),       // not a reminder
    };
    const auto first = reminding::first_reminder_of(outbox, "s1");
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->time_since_epoch().count(), 200);
    EXPECT_FALSE(reminding::first_reminder_of(outbox, "s2").has_value());
}

TEST(next_wake, the_next_turn_or_the_next_message_whichever_comes_first)
{
    const auto now = std::chrono::system_clock::time_point(std::chrono::hours(1000));
    const auto steady = std::chrono::steady_clock::time_point(std::chrono::hours(5));
    reminding::reminder_report sent;
    const auto none = std::chrono::steady_clock::time_point::max();
    EXPECT_EQ(daemon::next_wake(now, steady, none, std::chrono::seconds(60), sent), now + std::chrono::seconds(60));
    EXPECT_EQ(daemon::next_wake(now, steady, steady + std::chrono::seconds(7), std::chrono::seconds(60), sent),
              now + std::chrono::seconds(7));
    EXPECT_EQ(daemon::next_wake(now, steady, steady - std::chrono::seconds(7), std::chrono::seconds(60), sent), now);
    sent.next_due = date::sys_seconds(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()) +
                                      std::chrono::seconds(3));
    EXPECT_EQ(daemon::next_wake(now, steady, none, std::chrono::seconds(60), sent), now + std::chrono::seconds(3));
}

TEST(pass_status, says_how_many_projects_are_up_to_date_and_the_first_error)
{
    tracking::cycle_report cycle;
    cycle.projects_ok = 1;
    cycle.polled = {"alpha"};
    cycle.errors = {"beta: PROPFIND /Projects/Beta answered 503"};
    reminding::reminder_report sent;
    const auto text = daemon::pass_status(cycle, sent, 2, std::chrono::milliseconds(40));
    EXPECT_THAT(text, HasSubstr("1/2 project(s) up to date, 1 folder(s) checked in 40 ms"));
    EXPECT_THAT(text, HasSubstr("1 error(s): beta: PROPFIND /Projects/Beta answered 503"));
}

TEST(metrics_answer, get_and_head_only_and_a_not_found_that_says_what_is_there)
{
    auto answer = [](boost::beast::http::verb method, const char* target) {
        http::server_request req{method, target, 11};
        return daemon::metrics_server::answer(
            req, [] { return std::string("prereadd_up 1\n"); },
            [] {
                return daemon::health{true, "ok"};
            });
    };
    EXPECT_EQ(answer(boost::beast::http::verb::post, "/metrics").result_int(), 405u);
    EXPECT_EQ(answer(boost::beast::http::verb::get, "/metrics?x=1").body(), "prereadd_up 1\n");
    const auto head = answer(boost::beast::http::verb::head, "/metrics");
    EXPECT_EQ(head.result_int(), 200u);
    EXPECT_TRUE(head.body().empty());
    EXPECT_EQ(head[boost::beast::http::field::content_length], "14");
    EXPECT_THAT(answer(boost::beast::http::verb::get, "/").body(), HasSubstr("/metrics and /healthz"));
}

TEST(closest_name, a_known_field_within_two_edits_is_suggested)
{
    const std::vector<std::string_view> known = {"lead_times", "digest", "personal"};
    EXPECT_EQ(config::detail::closest_name("lead_time", known), "lead_times");
    EXPECT_EQ(config::detail::closest_name("digets", known), "digest");
    EXPECT_FALSE(config::detail::closest_name("reminders", known).has_value());
}

}  // namespace
}  // namespace prereadd
