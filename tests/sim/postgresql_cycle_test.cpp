// The poll cycle and the reminder pass on PostgreSQL (store::backend,
// docs/scaling.md) against the simulator: what one cycle learns lands in the
// shared database, a reminder goes out once through its outbox, and a
// database that cannot be reached is a value in the report, nothing written
// half, nothing posted twice. Label postgresql: a real PostgreSQL 15 of the
// test's own.
#include "reminding/reminder_pass.hpp"
#include "store/postgresql_schema.hpp"
#include "store/postgresql_state.hpp"
#include "tests/sim/daemon_config.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/store/postgresql_fixture.hpp"
#include "tests/support/temp_dir.hpp"
#include "tracking/poll_cycle.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
namespace pg = store::postgresql;

class postgresql_cycle_test : public test::postgresql_test {
protected:
    postgresql_cycle_test() : sim(sim::audit_to(dir / "audit.log"))
    {
        sim.control(sim::with(sim::alpha_team("app-pw"), sim::agenda_and_budget_for_carol()));
        config = sim::alpha_configuration(sim.base_url());
        config.projects[0].participants.users = {"carol"};
        config.projects[0].participants.groups = {"team-alpha"};
    }
    void SetUp() override
    {
        test::postgresql_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        uri = fresh_database("cycle_");
        ASSERT_FALSE(HasFailure());
        ASSERT_FALSE(connect(c, uri)) << c.server_message();
        ASSERT_TRUE(test::run_awaitable(io, pg::async_migrate(c, 30s), 120s)) << c.server_message();
    }
    tracking::cycle_report cycle(tracking::cycle_context& ctx)
    {
        return test::run_awaitable(io, tracking::async_poll_cycle(ctx));
    }
    template <class T>
    T got(boost::asio::awaitable<boost::system::result<T>> a)
    {
        auto r = test::run_awaitable(io, std::move(a));
        if (!r) ADD_FAILURE() << r.error().message() << ": " << c.server_message();
        return r ? std::move(*r) : T{};
    }

    test::temp_dir dir;
    sim::nextcloud sim;
    http::client client{io.get_executor(), {}, {"preread", http::secret("app-pw")}};
    config::configuration config;
    std::int64_t clock = 1795610700;
    std::string uri;  // of the test's database
    pg::connection c{io.get_executor()};
    pg::state st{c, 10s};
};

TEST_F(postgresql_cycle_test, one_cycle_writes_documents_participants_and_reads_to_postgresql)
{
    ASSERT_EQ(sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}})["ok"], true);
    tracking::audit_follower audit(dir / "audit.log");
    tracking::cycle_context ctx{client, config, st, &audit, [&] { return clock; }};
    const auto report = cycle(ctx);
    ASSERT_TRUE(report.errors.empty()) << report.errors.front();
    EXPECT_EQ(report.engagements_recorded, 1u);
    const auto documents = got(st.documents("alpha"));
    ASSERT_EQ(documents.size(), 2u);
    EXPECT_EQ(documents[0].path, "agenda.md");
    std::vector<std::string> who;
    for (const auto& p : got(st.participants("alpha"))) who.push_back(p.user_id);
    EXPECT_EQ(who, (std::vector<std::string>{"alice", "bob", "carol"}));
    const auto reads = got(st.engagements("alpha"));
    ASSERT_EQ(reads.size(), 1u);
    EXPECT_EQ(reads[0].user_id, "bob");
    EXPECT_TRUE(got(st.cursor("audit_log"))) << "the log position went with them";
    EXPECT_TRUE(got(st.cursor("activity")));
}

// PostgreSQL down: the cycle says so in its report (no exception, nothing
// half-written); back up and reconnected, the next cycle writes everything,
// the read that happened meanwhile included.
TEST_F(postgresql_cycle_test, a_database_that_cannot_be_reached_is_reported_and_the_next_cycle_is_whole)
{
    tracking::audit_follower audit(dir / "audit.log");
    tracking::cycle_context ctx{client, config, st, &audit, [&] { return clock; }};
    server->stop();
    ASSERT_EQ(sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}})["ok"], true);
    const auto failed = cycle(ctx);
    server->start();
    ASSERT_FALSE(failed.errors.empty());
    EXPECT_THAT(failed.errors.front(), ::testing::HasSubstr("state: "));
    EXPECT_EQ(failed.projects_ok, 0u);
    ASSERT_FALSE(connect(c, uri)) << c.server_message();
    EXPECT_TRUE(got(st.documents("alpha")).empty()) << "nothing was written";
    const auto again = cycle(ctx);
    ASSERT_TRUE(again.errors.empty()) << again.errors.front();
    EXPECT_EQ(got(st.documents("alpha")).size(), 2u);
    EXPECT_EQ(got(st.engagements("alpha")).size(), 1u) << "bob's read, logged while the database was down";
}

constexpr std::int64_t session_start = 1796202000;  // 2026-12-02 10:00 Europe/Berlin (sim::with_kickoff)
constexpr std::int64_t day = 86400;

class postgresql_reminders_test : public postgresql_cycle_test {
protected:
    void SetUp() override
    {
        postgresql_cycle_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        token = sim.control(
            {{"op", "room"}, {"user", "preread"}, {"name", "Alpha"}, {"members", {"alice", "bob", "carol"}}})["token"];
        sim::with_kickoff(config.projects[0], token);
        config.projects[0].lead_times = {72h, 24h};
        clock = session_start - 3 * day;
        sim.with_world([&](sim::world& w) { w.set_clock(clock); });
        audit.emplace(dir / "audit.log");
        poll.emplace(client, config, st, &*audit, [&] { return clock; });
        const auto polled = cycle(*poll);
        ASSERT_TRUE(polled.errors.empty()) << polled.errors.front();
    }
    reminding::reminder_report remind()
    {
        reminding::reminder_context ctx{client, config, st, [&] { return clock; }};
        return test::run_awaitable(io, reminding::async_reminders(ctx));
    }

    std::string token;
    std::optional<tracking::audit_follower> audit;
    std::optional<tracking::cycle_context> poll;
};

TEST_F(postgresql_reminders_test, a_reminder_goes_out_once_through_the_shared_outbox)
{
    const auto due = remind();
    ASSERT_TRUE(due.errors.empty()) << due.errors.front();
    EXPECT_EQ(due.sent, 1u);
    const auto again = remind();
    EXPECT_EQ(again.sent, 0u) << "exactly once";
    EXPECT_EQ(sim::posted_by_service_account(sim, token).size(), 1u);
    const auto outbox = got(st.outbox("alpha"));
    ASSERT_EQ(outbox.size(), 1u);
    EXPECT_EQ(outbox[0].state, store::outbox_state::sent);
    EXPECT_TRUE(outbox[0].remote_id) << "the Talk message id, confirmed";
}

// The database down when a reminder is due: the pass says so and posts
// nothing (an intent must be written before its message goes out); back up,
// the next pass posts it, once.
TEST_F(postgresql_reminders_test, a_database_that_cannot_be_reached_ends_the_pass_and_nothing_is_posted_unrecorded)
{
    server->stop();
    const auto failed = remind();
    server->start();
    ASSERT_FALSE(failed.errors.empty());
    EXPECT_THAT(failed.errors.back(), ::testing::HasSubstr("state: "));
    EXPECT_EQ(failed.sent, 0u);
    EXPECT_TRUE(sim::posted_by_service_account(sim, token).empty());
    ASSERT_FALSE(connect(c, uri)) << c.server_message();
    const auto again = remind();
    ASSERT_TRUE(again.errors.empty()) << again.errors.front();
    EXPECT_EQ(again.sent, 1u);
    EXPECT_EQ(sim::posted_by_service_account(sim, token).size(), 1u);
}

// Acknowledgements (a reaction, read from the conversation) are written with
// the conversation's cursor in one PostgreSQL transaction.
TEST_F(postgresql_reminders_test, a_reaction_is_recorded_with_the_conversation_cursor)
{
    ASSERT_EQ(remind().sent, 1u);
    ASSERT_EQ(sim.control({{"op", "react"}, {"user", "carol"}, {"token", token}, {"reaction", "\u2705"}})["ok"], true);
    const auto ack = remind();
    ASSERT_TRUE(ack.errors.empty()) << ack.errors.front();
    EXPECT_EQ(ack.acknowledged, 2u) << "both pre-reads of the session";
    EXPECT_TRUE(got(st.cursor("talk:" + token)));
    std::size_t acknowledged = 0;
    for (const auto& e : got(st.engagements("alpha")))
        if (e.kind == store::engagement_kind::acknowledged) ++acknowledged;
    EXPECT_EQ(acknowledged, 2u);
}

}  // namespace
}  // namespace prereadd
