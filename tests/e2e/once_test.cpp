// `prereadd once` and `prereadd run` as an admin runs them: the built binary
// against nextcloud-sim as a process, `prereadd status --json` from the
// database they leave, signals to the daemon.
#include "tests/sim/scenarios.hpp"
#include "http/client.hpp"
#include "tests/support/daemon_files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/run.hpp"
#include "tests/support/sim_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>

#include <sys/stat.h>

namespace prereadd {
namespace {

using namespace std::chrono_literals;

class once_test : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto scenario =
            dir.write("scenario.json", sim::with(sim::alpha_team("e2e-app-password"), nlohmann::json::parse(R"([
          {"op":"put","user":"preread","path":"/Projects/Alpha/agenda.md","content":"# Agenda","mime":"text/markdown"},
          {"op":"put","user":"preread","path":"/Projects/Alpha/slides.pdf","content":"%PDF","mime":"application/pdf"},
          {"op":"share","user":"preread","path":"/Projects/Alpha/agenda.md","type":"user","with":"carol"},
          {"op":"open","user":"bob","path":"/Alpha/agenda.md"}
        ])"))
                                           .dump());
        sim.emplace(NEXTCLOUD_SIM_BINARY, scenario, dir / "audit.log");
        test::write_daemon_config(dir.path(), sim->base_url(), "e2e-app-password");
        dir.write("etc/projects.d/alpha.json", R"({
            "id": "alpha", "folder": "/Projects/Alpha", "time_zone": "Europe/Berlin",
            "participants": {"users": ["carol"], "groups": ["team-alpha"]},
            "reminders": {"lead_times": ["P1D"]}
        })");
    }

    void TearDown() override
    {
        if (sim) {
            EXPECT_EQ(sim->stop(), 0);
        }
    }

    // Project alpha in UTC (no run lands in a local time a DST change skips or
    // repeats) with one Kick-off at `start`, reminded in Talk conversation `token`.
    void write_alpha_with_kickoff(date::sys_time<std::chrono::minutes> start, std::vector<std::string> lead_times,
                                  const std::string& token)
    {
        dir.write(
            "etc/projects.d/alpha.json",
            nlohmann::json{{"id", "alpha"},
                           {"folder", "/Projects/Alpha"},
                           {"time_zone", "UTC"},
                           {"participants", {{"users", {"carol"}}, {"groups", {"team-alpha"}}}},
                           {"sessions", {{{"title", "Kick-off"}, {"start", date::format("%Y-%m-%dT%H:%M", start)}}}},
                           {"reminders", {{"lead_times", lead_times}}},
                           {"talk", {{"conversation", token}}}}
                .dump());
    }

    test::process_result prereadd(std::vector<std::string> args)
    {
        args.insert(args.begin(), {PREREADD_BINARY, "--config", (dir / "etc/prereadd.json").string()});
        return test::run_to_exit(args);
    }

    test::temp_dir dir;
    std::optional<test::sim_process> sim;
};

TEST_F(once_test, one_cycle_then_status_says_who_opened_and_who_cannot)
{
    auto once = prereadd({"once"});
    ASSERT_EQ(once.exit_code, 0) << once.output();
    EXPECT_THAT(once.out,
                ::testing::HasSubstr("1 of 1 project(s) polled, 1 new engagement(s), 1 new access problem(s)"))
        << once.out;
    EXPECT_THAT(once.out, ::testing::HasSubstr("alpha: carol cannot open slides.pdf")) << once.out;
    EXPECT_THAT(once.output(), ::testing::Not(::testing::HasSubstr("e2e-app-password"))) << "the credential leaked";

    auto status = prereadd({"status", "--json"});
    ASSERT_EQ(status.exit_code, 0) << status.output();
    auto s = nlohmann::json::parse(status.out)["projects"][0];
    EXPECT_EQ(s["documents"][0]["path"], "agenda.md");
    EXPECT_TRUE(s["documents"][0]["engagements"]["bob"].contains("opened")) << s.dump(2);
    EXPECT_TRUE(s["documents"][1]["engagements"].empty()) << s.dump(2);
    ASSERT_EQ(s["access_problems"].size(), 1u);
    EXPECT_EQ(s["access_problems"][0]["user"], "carol");

    // Nothing new: nothing counted twice.
    sim->control({{"op", "open"}, {"user", "alice"}, {"path", "/Alpha/slides.pdf"}});
    auto again = prereadd({"once"});
    ASSERT_EQ(again.exit_code, 0) << again.output();
    EXPECT_THAT(again.out, ::testing::HasSubstr("1 new engagement(s), 0 new access problem(s)")) << again.out;
}

TEST_F(once_test, a_dry_run_writes_nothing_anywhere)
{
    auto dry = prereadd({"once", "--dry-run"});
    ASSERT_EQ(dry.exit_code, 0) << dry.output();
    EXPECT_THAT(dry.out, ::testing::HasSubstr("1 new engagement(s)")) << dry.out;
    EXPECT_THAT(dry.out, ::testing::HasSubstr("dry run: nothing was written")) << dry.out;
    EXPECT_FALSE(std::filesystem::exists(dir / "state")) << "not even the state directory";

    auto real = prereadd({"once"});
    ASSERT_EQ(real.exit_code, 0) << real.output();
    EXPECT_EQ(std::filesystem::status(dir / "state").permissions(), std::filesystem::perms::owner_all);
    const auto size = std::filesystem::file_size(dir / "state/prereadd.sqlite");
    auto dry_again = prereadd({"once", "--dry-run"});
    EXPECT_THAT(dry_again.out, ::testing::HasSubstr("0 new engagement(s)"))
        << "starts from the saved state: " << dry_again.out;
    EXPECT_EQ(std::filesystem::file_size(dir / "state/prereadd.sqlite"), size);
}

TEST_F(once_test, nextcloud_in_maintenance_is_a_temporary_failure)
{
    sim->control({{"op", "maintenance"}, {"on", true}});
    auto once = prereadd({"once"});
    EXPECT_EQ(once.exit_code, 75) << once.output();
    EXPECT_THAT(once.err, ::testing::HasSubstr("prereadd: alpha: ")) << once.err;
    EXPECT_THAT(once.out, ::testing::HasSubstr("0 of 1 project(s) polled")) << once.out;
}

TEST_F(once_test, due_reminders_are_printed_and_posted_once_and_a_dry_run_only_prints_them)
{
    auto room =
        sim->control({{"op", "room"}, {"user", "preread"}, {"name", "Alpha"}, {"members", {"alice", "bob", "carol"}}});
    ASSERT_EQ(room["ok"], true) << room.dump();
    const std::string token = room["token"];
    // A session two days from now: the P3D reminder is overdue and goes out late. In UTC, so
    // no run of the test lands in a local time that a DST change skips or repeats.
    const auto start = date::floor<std::chrono::minutes>(std::chrono::system_clock::now() + std::chrono::hours(48));
    write_alpha_with_kickoff(start, {"P3D", "P1D"}, token);

    auto dry = prereadd({"once", "--dry-run"});
    ASSERT_EQ(dry.exit_code, 0) << dry.output();
    EXPECT_THAT(dry.out, ::testing::HasSubstr("would post to talk:" + token)) << dry.out;
    EXPECT_THAT(dry.out, ::testing::HasSubstr("  | Still to read:")) << dry.out;
    EXPECT_THAT(dry.out, ::testing::HasSubstr("@\"alice\"")) << dry.out;
    auto preread_messages = [&] {
        std::size_t n = 0;
        for (const auto& m : sim->control({{"op", "messages"}, {"token", token}}))
            if (m["actor"] == "preread") ++n;
        return n;
    };
    EXPECT_EQ(preread_messages(), 0u) << "a dry run posts nothing";

    auto real = prereadd({"once"});
    ASSERT_EQ(real.exit_code, 0) << real.output();
    EXPECT_THAT(real.out, ::testing::HasSubstr("posting to talk:" + token)) << real.out;
    EXPECT_THAT(real.out, ::testing::HasSubstr("messages: 1 sent (1 late)")) << real.out;
    EXPECT_EQ(preread_messages(), 1u);
    EXPECT_THAT(real.output(), ::testing::Not(::testing::HasSubstr("e2e-app-password")));

    auto again = prereadd({"once"});
    ASSERT_EQ(again.exit_code, 0) << again.output();
    EXPECT_THAT(again.out, ::testing::HasSubstr("messages: 0 sent")) << "exactly once: " << again.out;
    EXPECT_EQ(preread_messages(), 1u);
}

TEST_F(once_test, a_message_that_cannot_be_posted_is_a_warning_not_exit_75)
{
    // Every project is polled; the reminder's conversation does not exist (Talk answers 404).
    const auto start = date::floor<std::chrono::minutes>(std::chrono::system_clock::now() + std::chrono::hours(48));
    write_alpha_with_kickoff(start, {"P3D"}, "nosuchroom");
    auto once = prereadd({"once"});
    EXPECT_EQ(once.exit_code, 0) << "75 means a project could not be polled, nothing else\n" << once.output();
    EXPECT_THAT(once.out, ::testing::HasSubstr("1 of 1 project(s) polled")) << once.out;
    EXPECT_THAT(once.err, ::testing::HasSubstr("prereadd: warning: alpha:")) << once.err;
}

TEST_F(once_test, run_posts_a_reminder_within_a_second_of_its_time_reloads_and_stops_cleanly)
{
    auto room =
        sim->control({{"op", "room"}, {"user", "preread"}, {"name", "Alpha"}, {"members", {"alice", "bob", "carol"}}});
    const std::string token = room["token"];
    // The PT1H reminder of a session 1 h and 4 s from now is due in 4 s.
    const auto start = date::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + std::chrono::hours(1) +
                       std::chrono::seconds(4);
    const auto due = start - std::chrono::hours(1);
    // UTC: a local time an hour ahead may not exist, or exist twice, on a DST night.
    const auto project =
        nlohmann::json{{"id", "alpha"},
                       {"folder", "/Projects/Alpha"},
                       {"time_zone", "UTC"},
                       {"participants", {{"users", {"carol"}}, {"groups", {"team-alpha"}}}},
                       {"sessions", {{{"title", "Kick-off"}, {"start", date::format("%Y-%m-%dT%H:%M:%S", start)}}}},
                       {"reminders", {{"lead_times", {"PT1H"}}}},
                       {"talk", {{"conversation", token}}}};
    dir.write("etc/projects.d/alpha.json", project.dump());
    auto global = nlohmann::json::parse(std::ifstream(dir / "etc/prereadd.json"));
    global["poll_interval"] = "PT10S";
    global["metrics"] = {{"enabled", true}, {"listen", "127.0.0.1:0"}};
    dir.write("etc/prereadd.json", global.dump());

    test::child_process daemon({PREREADD_BINARY, "--config", (dir / "etc/prereadd.json").string(), "run"}, true);
    auto metrics_line = daemon.wait_for("metrics on http://127.0.0.1:", 10s);
    ASSERT_TRUE(metrics_line) << daemon.seen();
    const auto from = metrics_line->find("http://");
    const std::string metrics_base = metrics_line->substr(from, metrics_line->find("/metrics") - from);
    ASSERT_TRUE(daemon.wait_for("prereadd started", 10s)) << daemon.seen();
    ASSERT_TRUE(daemon.wait_for("messages: 1 sent", 15s)) << daemon.seen();

    boost::asio::io_context io;
    http::client plain(io.get_executor(), http::client_config{}, http::credential{});
    auto get = [&](const std::string& path) {
        http::request r;
        r.url = metrics_base + path;
        r.anonymous = true;
        return test::run_awaitable(io, plain.async_request(std::move(r)));
    };
    auto scraped = get("/metrics");
    ASSERT_TRUE(scraped) << scraped.error().message();
    EXPECT_EQ(scraped->status, 200u);
    EXPECT_NE(scraped->body.find("prereadd_http_requests_total{endpoint=\"dav_files\",status=\"207\"}"),
              std::string::npos)
        << scraped->body;
    EXPECT_THAT(scraped->body, ::testing::HasSubstr("prereadd_messages_total{outcome=\"sent\"} 1\n")) << scraped->body;
    EXPECT_NE(scraped->body.find("prereadd_last_successful_cycle_timestamp_seconds{project=\"alpha\"}"),
              std::string::npos);
    auto health = get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200u) << health->body;
    auto messages = sim->control({{"op", "messages"}, {"token", token}});
    std::vector<nlohmann::json> ours;
    for (const auto& m : messages)
        if (m["actor"] == "preread") ours.push_back(m);
    ASSERT_EQ(ours.size(), 1u);
    const auto late = ours[0]["timestamp"].get<std::int64_t>() - due.time_since_epoch().count();
    EXPECT_GE(late, 0) << "not before its time";
    EXPECT_LE(late, 1) << "within a second of its time, not at the next poll";

    // An invalid configuration is refused and the running one stays.
    dir.write("etc/projects.d/alpha.json", "{ \"id\": \"alpha\", ");
    daemon.send(SIGHUP);
    ASSERT_TRUE(daemon.wait_for("configuration reload refused", 10s)) << daemon.seen();
    EXPECT_THAT(daemon.seen(), ::testing::HasSubstr("<3>")) << daemon.seen();
    dir.write("etc/projects.d/alpha.json", project.dump());
    daemon.send(SIGHUP);
    ASSERT_TRUE(daemon.wait_for("configuration reloaded: 1 project(s)", 10s)) << daemon.seen();

    // The metrics address follows reloads. One already taken (the simulator's) is refused and the old one serves on.
    const std::string sim_address = sim->base_url().substr(std::string("http://").size());
    global["metrics"] = {{"enabled", true}, {"listen", sim_address}};
    dir.write("etc/prereadd.json", global.dump());
    daemon.send(SIGHUP);
    ASSERT_TRUE(daemon.wait_for("metrics: cannot listen on " + sim_address, 10s)) << daemon.seen();
    ASSERT_TRUE(daemon.wait_for("configuration reloaded", 10s)) << daemon.seen();
    auto still = get("/healthz");
    ASSERT_TRUE(still) << still.error().message();
    EXPECT_EQ(still->status, 200u);
    // Disabled: the port closes.
    global["metrics"] = {{"enabled", false}};
    dir.write("etc/prereadd.json", global.dump());
    daemon.send(SIGHUP);
    ASSERT_TRUE(daemon.wait_for("configuration reloaded", 10s)) << daemon.seen();
    EXPECT_FALSE(get("/healthz")) << "the metrics server should be closed";
    // Enabled again on a new port, without a restart.
    global["metrics"] = {{"enabled", true}, {"listen", "127.0.0.1:0"}};
    dir.write("etc/prereadd.json", global.dump());
    daemon.send(SIGHUP);
    auto moved = daemon.wait_for("metrics on http://127.0.0.1:", 10s);
    ASSERT_TRUE(moved) << daemon.seen();
    const auto moved_from = moved->find("http://");
    const std::string moved_base = moved->substr(moved_from, moved->find("/metrics") - moved_from);
    ASSERT_TRUE(daemon.wait_for("configuration reloaded", 10s)) << daemon.seen();
    http::request again;
    again.url = moved_base + "/metrics";
    again.anonymous = true;
    auto rescraped = test::run_awaitable(io, plain.async_request(std::move(again)));
    ASSERT_TRUE(rescraped) << rescraped.error().message();
    EXPECT_THAT(rescraped->body, ::testing::HasSubstr("prereadd_messages_total{outcome=\"sent\"} 1\n"))
        << "the counters survive the reload";

    EXPECT_EQ(daemon.terminate(10s), 0) << daemon.seen();
    EXPECT_THAT(daemon.seen(), ::testing::Not(::testing::HasSubstr("e2e-app-password"))) << "the credential leaked";
    std::size_t posted = 0;
    for (const auto& m : sim->control({{"op", "messages"}, {"token", token}})) posted += m["actor"] == "preread";
    EXPECT_EQ(posted, 1u) << "the reload did not send it again";
}

TEST_F(once_test, sigterm_during_a_cycle_cancels_the_request_in_flight_and_exits_0)
{
    // Nextcloud accepts WebDAV requests and never answers them: the first cycle hangs on its PROPFIND.
    ASSERT_EQ(sim->control({{"op", "fault"}, {"kind", "stall"}, {"route", "/remote.php/dav/"}, {"count", 100}})["ok"],
              true);
    test::child_process daemon({PREREADD_BINARY, "--config", (dir / "etc/prereadd.json").string(), "run"}, true);
    ASSERT_TRUE(daemon.wait_for("prereadd started", 10s)) << daemon.seen();
    const auto asked = std::chrono::steady_clock::now();
    EXPECT_EQ(daemon.terminate(10s), 0) << daemon.seen();
    EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s) << "not the 30 s request timeout";
}

}  // namespace
}  // namespace prereadd
