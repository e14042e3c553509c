// The daemon's side of an outage, for each way Nextcloud fails: many poll
// cycles and reminder passes against a failing simulator (the clock moved on
// by the test, so the reminder falls due in the middle of it), then recovery.
// Each time: nothing throws, memory stays flat (RSS before and after the
// faulty cycles; LeakSanitizer does the job in the ASan build), the database
// stays intact, the read made during the outage counts, and the reminder
// still relevant goes out exactly once, late, without the participant who
// read meanwhile. And a rejected app password is used once, then not again
// until it is replaced.
#include "tracking/poll_cycle.hpp"
#include "reminding/reminder_pass.hpp"
#include "daemon/status_report.hpp"
#include "tests/sim/daemon_config.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/support/run.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <functional>

namespace prereadd {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t session_start = 1796202000;  // 2026-12-02 10:00 Europe/Berlin

long resident_kb()
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    return -1;
}

struct outage {
    const char* name;
    std::function<void(sim::nextcloud&)> begin;
    std::function<void(sim::nextcloud&)> end;
    int passes;  // faulty poll cycles and reminder passes, spread over the 80 minutes of the outage
    // Nextcloud carries the request out and only its answer is lost: the reminder reaches the
    // conversation at its time, and the daemon learns so from the history once it can read it.
    bool request_carried_out = false;
};

void PrintTo(const outage& o, std::ostream* os) { *os << o.name; }

sim::fault everywhere(sim::fault::kind k) { return sim::fault::of(k).times(0); }

const outage outages[] = {
    {"maintenance_mode", [](sim::nextcloud& s) { s.set_maintenance(true); },
     [](sim::nextcloud& s) { s.set_maintenance(false); }, 200},
    {"connection_refused", [](sim::nextcloud& s) { s.set_listening(false); },
     [](sim::nextcloud& s) { s.set_listening(true); }, 200},
    {"accepts_and_never_answers", [](sim::nextcloud& s) { s.inject(everywhere(sim::fault::kind::stall)); },
     [](sim::nextcloud& s) { s.clear_faults(); }, 8},
    {"connection_reset", [](sim::nextcloud& s) { s.inject(everywhere(sim::fault::kind::reset)); },
     [](sim::nextcloud& s) { s.clear_faults(); }, 200},
    {"truncated_bodies", [](sim::nextcloud& s) { s.inject(everywhere(sim::fault::kind::truncated)); },
     [](sim::nextcloud& s) { s.clear_faults(); }, 200, true},
    {"malformed_bodies", [](sim::nextcloud& s) { s.inject(everywhere(sim::fault::kind::malformed)); },
     [](sim::nextcloud& s) { s.clear_faults(); }, 200},
    {"oversized_bodies",
     [](sim::nextcloud& s) { s.inject(everywhere(sim::fault::kind::oversized).sized(2 * 1024 * 1024)); },
     [](sim::nextcloud& s) { s.clear_faults(); }, 100},
    {"rate_limited_with_retry_after",
     [](sim::nextcloud& s) { s.inject(everywhere(sim::fault::kind::status).answering(429).with_retry_after("3600")); },
     [](sim::nextcloud& s) { s.clear_faults(); }, 200},
};

class outage_test : public ::testing::TestWithParam<outage> {
protected:
    outage_test() : sim(sim::audit_to(dir / "audit.log")), db(dir / "prereadd.sqlite")
    {
        sim.control(sim::with(sim::alpha_team("app-pw"), sim::agenda_and_budget_for_carol()));
        token = sim.control(
            {{"op", "room"}, {"user", "preread"}, {"name", "Alpha"}, {"members", {"alice", "bob", "carol"}}})["token"];
        config = sim::alpha_configuration(sim.base_url());
        sim::with_kickoff(config.projects[0], token);
        config.projects[0].lead_times = {1h};
    }

    // Short deadlines and quick retries: a stalled request costs 100 ms, not 30 s.
    static http::client_config quick()
    {
        http::client_config c;
        c.request_timeout = 100ms;
        c.retry.base_delay = 1ms;
        c.retry.max_attempts = 2;
        c.max_body_size = 1024 * 1024;
        return c;
    }

    struct pass_result {
        tracking::cycle_report cycle;
        reminding::reminder_report reminders;
    };

    // One poll cycle and one reminder pass at `clock`, as each wake-up of `prereadd run` does.
    pass_result pass()
    {
        sim.with_world([&](sim::world& w) { w.set_clock(clock); });
        pass_result r;
        r.cycle = test::run_awaitable(io, tracking::async_poll_cycle(poll));
        reminding::reminder_context ctx{client, config, db, [&] { return clock; }};
        r.reminders = test::run_awaitable(io, reminding::async_reminders(ctx));
        return r;
    }

    std::vector<sim::talk_message> posted() { return sim::posted_by_service_account(sim, token); }

    nlohmann::json status() { return sim::alpha_status(db); }

    std::string integrity()
    {
        std::string result;
        sqlite3* h = nullptr;
        sqlite3_open_v2((dir / "prereadd.sqlite").c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_exec(
            h, "PRAGMA integrity_check",
            [](void* out, int, char** values, char**) {
                *static_cast<std::string*>(out) += values[0] ? values[0] : "";
                return 0;
            },
            &result, nullptr);
        sqlite3_close(h);
        return result;
    }

    test::temp_dir dir;
    sim::nextcloud sim;
    store::database db;
    boost::asio::io_context io;
    http::client client{io.get_executor(), quick(), {"preread", http::secret("app-pw")}};
    config::configuration config;
    std::string token;
    std::int64_t clock = session_start - 2 * 3600;
    tracking::audit_follower audit{dir / "audit.log"};
    tracking::cycle_context poll{client, config, db, &audit, [this] { return clock; }};
};

TEST_P(outage_test, the_daemon_rides_it_out_and_the_reminder_still_due_goes_out_once)
{
    const auto& o = GetParam();
    auto healthy = pass();
    ASSERT_TRUE(healthy.cycle.errors.empty()) << healthy.cycle.errors.front();
    ASSERT_TRUE(healthy.reminders.next_due);
    ASSERT_EQ(healthy.reminders.next_due->time_since_epoch().count(), session_start - 3600);

    // bob reads both pre-reads just before the outage: no cycle takes it until Nextcloud is back.
    sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}});
    sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/budget.ods"}});
    o.begin(sim);
    const std::int64_t outage_start = clock;
    long rss_before = 0;
    for (int i = 1; i <= o.passes; ++i) {
        clock = outage_start + i * (80 * 60) / o.passes;  // 80 minutes: past the reminder's time, before the session
        auto faulty = pass();
        EXPECT_FALSE(faulty.cycle.errors.empty()) << "pass " << i << " should have failed";
        EXPECT_EQ(faulty.reminders.sent, 0u);
        if (i == std::min(20, o.passes)) rss_before = resident_kb();
    }
    const long rss_after = resident_kb();
    EXPECT_EQ(posted().size(), o.request_carried_out ? 1u : 0u);

    o.end(sim);
    auto recovered = pass();
    EXPECT_TRUE(recovered.cycle.errors.empty()) << recovered.cycle.errors.front();
    auto again = pass();
    EXPECT_EQ(again.reminders.sent, 0u);
    const auto messages = posted();
    ASSERT_EQ(messages.size(), 1u) << "exactly once";
    if (!o.request_carried_out) {
        EXPECT_EQ(recovered.reminders.sent, 1u);
        EXPECT_EQ(recovered.reminders.late, 1u);
        EXPECT_EQ(messages[0].mentions, (std::vector<std::string>{"alice", "carol"}))
            << "bob's reads were taken after the outage, before the reminder was composed: " << messages[0].text;
    } else {
        EXPECT_EQ(recovered.reminders.sent, 0u) << "found in the conversation's history, not posted again";
    }
    auto s = status();
    EXPECT_TRUE(s["documents"][0]["engagements"]["bob"].contains("opened")) << s.dump(2);
    EXPECT_TRUE(s["last_error"].is_null()) << s.dump(2);
    EXPECT_EQ(integrity(), "ok");
#if !defined(__SANITIZE_ADDRESS__)
    // ASan keeps freed memory in quarantine, so RSS says nothing there; LeakSanitizer checks leaks instead.
    if (o.passes >= 100) {
        EXPECT_LT(rss_after - rss_before, 2048) << "RSS grew from " << rss_before << " kB to " << rss_after
                                                << " kB over " << o.passes - 20 << " faulty passes";
    }
#else
    (void)rss_before;
    (void)rss_after;
#endif
}

INSTANTIATE_TEST_SUITE_P(faults, outage_test, ::testing::ValuesIn(outages),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

class rejected_password_test : public outage_test {};

TEST_F(rejected_password_test, is_used_once_then_not_again_until_replaced)
{
    ASSERT_TRUE(pass().cycle.errors.empty());
    // The admin revokes the app password and makes a new one.
    sim.with_world([](sim::world& w) { w.find_user("preread")->app_passwords = {"rotated-app-pw"}; });
    const auto before = sim.requests_served();
    auto rejected = pass();
    ASSERT_FALSE(rejected.cycle.errors.empty());
    const auto after_401 = sim.requests_served();
    EXPECT_EQ(after_401 - before, 1u) << "one request with the wrong password, then none";
    for (int i = 0; i < 20; ++i) pass();
    EXPECT_EQ(sim.requests_served(), after_401) << "the rejected password is not tried again";
    EXPECT_FALSE(client.credential_usable());
    auto s = status();
    ASSERT_TRUE(s["last_error"].is_object()) << s.dump(2);

    client.reset_credential({"preread", http::secret("rotated-app-pw")});  // what a reload does
    auto back = pass();
    EXPECT_TRUE(back.cycle.errors.empty()) << back.cycle.errors.front();
    EXPECT_TRUE(status()["last_error"].is_null());
}

}  // namespace
}  // namespace prereadd
