// prereadd against the simulator speaking Nextcloud 34 (Talk 22, Deck 1.18,
// 34's audit lines), as the real run against a 34.0.1 server went: an open,
// a sync and a comment counted, and the reminder posted to those with
// something left. Keeps that run true as the code changes.
#include "daemon/status_report.hpp"
#include "reminding/reminder_pass.hpp"
#include "tests/sim/daemon_config.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/support/run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tracking/poll_cycle.hpp"

#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

namespace prereadd {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t session_start = 1796202000;  // 2026-12-02 10:00 Europe/Berlin
constexpr std::int64_t day = 86400;

sim::options nextcloud_34(const std::filesystem::path& audit_log)
{
    sim::options o;
    o.server = sim::dialect::nc34;
    o.audit = sim::audit_format::nc34;
    o.audit_log = audit_log;
    return o;
}

TEST(nextcloud34_run, an_open_a_sync_and_a_comment_are_counted_and_the_reminder_goes_out)
{
    test::temp_dir dir;
    sim::nextcloud sim(nextcloud_34(dir / "audit.log"));
    sim.control(sim::with(sim::alpha_team("app-pw"), sim::agenda_and_budget_for_carol()));
    const std::string token = sim.control(
        {{"op", "room"}, {"user", "preread"}, {"name", "Alpha"}, {"members", {"alice", "bob", "carol"}}})["token"];
    auto config = sim::alpha_configuration(sim.base_url());
    sim::with_kickoff(config.projects[0], token);
    config.projects[0].lead_times = {72h};
    store::database db(dir / "prereadd.sqlite");
    boost::asio::io_context io;
    http::client client{io.get_executor(), http::client_config{}, {"preread", http::secret("app-pw")}};
    std::int64_t clock = session_start - 4 * day;
    tracking::audit_follower audit{dir / "audit.log"};
    tracking::cycle_context poll{client, config, db, &audit, [&] { return clock; }};

    sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}});
    sim.control({{"op", "sync"}, {"user", "carol"}, {"path", "/budget.ods"}});
    sim.control({{"op", "comment"}, {"user", "alice"}, {"path", "/Alpha/agenda.md"}, {"message", "ok"}});
    {
        std::ifstream in(dir / "audit.log");
        const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_THAT(log, ::testing::HasSubstr(R"(accessed: \"/bob/files/Alpha/agenda.md\")")) << "34's line form";
    }
    clock = session_start - 3 * day;
    sim.with_world([&](sim::world& w) { w.set_clock(clock); });
    const auto cycle = test::run_awaitable(io, tracking::async_poll_cycle(poll));
    EXPECT_TRUE(cycle.errors.empty()) << cycle.errors.front();
    EXPECT_EQ(cycle.engagements_recorded, 3u);
    const auto status = sim::alpha_status(db);
    EXPECT_TRUE(status["documents"][0]["engagements"]["bob"].contains("opened")) << status.dump(2);
    EXPECT_TRUE(status["documents"][0]["engagements"]["alice"].contains("commented")) << status.dump(2);
    EXPECT_TRUE(status["documents"][1]["engagements"]["carol"].contains("synced")) << status.dump(2);

    reminding::reminder_context reminders{client, config, db, [&] { return clock; }};
    const auto pass = test::run_awaitable(io, reminding::async_reminders(reminders));
    EXPECT_TRUE(pass.errors.empty()) << pass.errors.front();
    EXPECT_EQ(pass.sent, 1u);
    const auto messages = sim::posted_by_service_account(sim, token);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_THAT(messages[0].text, ::testing::HasSubstr("Kick-off"));
}

}  // namespace
}  // namespace prereadd
