// Back from maintenance, at once: the timeline the real server showed, run by
// `prereadd run` (run_daemon, in this process) against the simulator.
// Maintenance mode is switched on 20 s after the start, a reminder falls due
// 60 s later and maintenance ends 30 s before the session, which starts 230 s
// after the start. The back-off alone (10, 20, 40, 80, 160 s) comes back
// after the session started; watching status.php, the daemon resumes the
// moment maintenance ends. Once as it happened (about four minutes, not
// repeated under ASan) and once five times faster, every interval of the
// daemon's timing a fifth of its default. (Ten times faster left 3 s between
// the end of maintenance and the session: at the start of a CTest run, beside
// the SIGKILL and cluster tests starting their daemons and PostgreSQL servers,
// a pass could take longer than that, and the reminder was rightly missed.)
#include "daemon/run.hpp"
#include "tests/sim/daemon_config.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/support/daemon_files.hpp"
#include "tests/support/temp_dir.hpp"

#include <date/date.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;

// `scale` divides every duration of the timeline and of the daemon's timing.
void the_reminder_goes_out_the_moment_maintenance_ends(int scale)
{
    auto scaled = [scale](std::chrono::milliseconds d) { return d / scale; };
    test::temp_dir dir;
    sim::nextcloud sim;
    for (const auto& r : sim.control(sim::with(sim::alpha_team("app-pw"), sim::agenda_and_budget_for_carol())))
        ASSERT_FALSE(r.contains("error")) << r.dump();
    const std::string token = sim.control(
        {{"op", "room"}, {"user", "preread"}, {"name", "Alpha"}, {"members", {"alice", "bob", "carol"}}})["token"];

    // The timeline, from a whole second a little ahead (the configuration has second precision).
    const auto t0 = date::ceil<std::chrono::seconds>(clock_type::now()) + 1s;
    const auto maintenance_on = t0 + scaled(20s);
    const auto due = maintenance_on + scaled(60s);
    const auto session = date::ceil<std::chrono::seconds>(t0 + scaled(230s));
    const auto maintenance_off = session - scaled(30s);
    const auto lead = date::floor<std::chrono::seconds>(session - due);

    test::write_daemon_config(dir.path(), sim.base_url(), "app-pw", [](nlohmann::json& g) {
        g["nextcloud"]["request_timeout"] = "PT5S";
        g["poll_interval"] = "PT10S";
        g.erase("audit_log");  // reads are not what this test is about
    });
    dir.write("etc/projects.d/alpha.json",
              nlohmann::json{{"id", "alpha"},
                             {"folder", "/Projects/Alpha"},
                             {"time_zone", "UTC"},
                             {"participants", {{"users", {"alice", "bob", "carol"}}}},
                             {"talk", {{"conversation", token}}},
                             {"sessions",
                              {{{"title", "Kick-off"},
                                {"start", date::format("%FT%T", date::floor<std::chrono::seconds>(session))},
                                {"duration", "PT1H"}}}},
                             {"reminders", {{"lead_times", {"PT" + std::to_string(lead.count()) + "S"}}}}}
                  .dump());

    daemon::run_tuning tuning;
    tuning.rest_base = std::chrono::duration_cast<std::chrono::seconds>(scaled(10s));
    tuning.maintenance_watch = scaled(10s);
    // No extra try before the deadline: only the status.php watch can bring the reminder out in time.
    tuning.deadline_margin = 0s;
    int exit_code = -1;
    ::testing::internal::CaptureStderr();  // the daemon's log lines
    std::thread daemon([&] { exit_code = daemon::run_daemon(dir / "etc/prereadd.json", tuning); });

    std::this_thread::sleep_until(maintenance_on);  // the timeline under test, not a synchronisation
    sim.set_maintenance(true);
    std::this_thread::sleep_until(maintenance_off);
    sim.set_maintenance(false);
    const auto ended = clock_type::now();

    // Wait for the reminder, at the latest until the session starts.
    std::vector<sim::talk_message> posted;
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(session + scaled(10s) - clock_type::now());
    sim.wait_for_world(
        [&](const sim::world& w) {
            posted = sim::posted_by_service_account(w, token);
            return !posted.empty();
        },
        deadline);
    const auto posted_seen = clock_type::now();
    ::kill(::getpid(), SIGTERM);
    daemon.join();
    const std::string log = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(exit_code, 0);

    // The log tells what happens, once (issue 27): maintenance seen, waited out, left.
    auto count = [&](const std::string& what) {
        std::size_t n = 0;
        for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
        return n;
    };
    EXPECT_EQ(count("Nextcloud is in maintenance mode: waiting for it to end"), 1u) << log;
    EXPECT_EQ(count("Nextcloud left maintenance mode: resuming now"), 1u) << log;
    EXPECT_EQ(count("next attempt in"), 0u) << "no back-off told while status.php is watched:\n" << log;

    ASSERT_EQ(posted.size(), 1u) << "the reminder went out once, before the session";
    const auto posted_at = clock_type::time_point(std::chrono::seconds(posted[0].time));
    EXPECT_LT(posted_at, session) << "before the session started";
    EXPECT_GE(posted_at + 1s, date::floor<std::chrono::seconds>(ended)) << "not while Nextcloud was in maintenance";
    EXPECT_LT(posted_seen - ended, scaled(12s) + 1s) << "within one status.php interval (10 s, jittered) of the end";
    EXPECT_THAT(posted[0].text, ::testing::HasSubstr("Still to read")) << posted[0].text;

    // status.php was asked while maintenance lasted; a pass that met maintenance asked no
    // more than once per request it needed (no retries of a 503 that says maintenance).
    std::size_t watched = 0;
    for (const auto& r : sim.requests_log()) watched += r == "GET /status.php";
    EXPECT_GE(watched, 3u);
    EXPECT_EQ(sim::posted_by_service_account(sim, token).size(), 1u) << "and only once";
}

TEST(maintenance_test, as_it_happened_the_reminder_goes_out_the_moment_maintenance_ends)
{
    the_reminder_goes_out_the_moment_maintenance_ends(1);
}

TEST(maintenance_test, five_times_faster_the_same) { the_reminder_goes_out_the_moment_maintenance_ends(5); }

}  // namespace
}  // namespace prereadd
