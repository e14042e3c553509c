// The poll cycle writing to PostgreSQL (store::backend, docs/scaling.md)
// against the simulator: what one cycle learns lands in the shared database,
// and a database that cannot be reached is a value in the cycle's report,
// nothing written, the next cycle whole. Label postgresql: a real
// PostgreSQL 15 of the test's own.
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

}  // namespace
}  // namespace prereadd
