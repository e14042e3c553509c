// The scale runs: 1,000 and 10,000 projects x 50 documents x 30
// participants, all under /Projects, the binaries as processes against
// `nextcloud-sim`: `prereadd once` (a cold start: every folder listed, every
// share list and group read), then `prereadd run` for its first pass (a full
// check), one idle poll interval, and one interval after a participant added a
// file to one project. Reports peak RSS (targets: <= 64 MB at 1,000, <= 200 MB
// at 10,000), the requests of the idle interval (target <= 3: the parent
// folder's ETag answers for every project, tracking/ancestor_watch.hpp) and
// the requests one change adds (target <= 3).
#include "http/client.hpp"
#include "tests/support/daemon_files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/run.hpp"
#include "tests/support/sim_process.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <malloc.h>
#include <fstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace prereadd;

constexpr int documents = 50, participants = 30;

void write(const fs::path& p, const std::string& text)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

// The simulator's scenario and the projects' configuration files. Built and
// freed before any daemon starts: a child forked while this process held the
// 500,000 operations would count them in its peak RSS (ru_maxrss takes the
// pages shared at fork), which is how `once` once measured 352 MB.
void write_world(const fs::path& dir, int projects)
{
    nlohmann::json ops = nlohmann::json::array();
    ops.push_back({{"op", "user"}, {"id", "preread"}, {"password", "pw"}, {"app_password", "bench-app-password"}});
    nlohmann::json members = nlohmann::json::array();
    for (int u = 0; u < participants; ++u) {
        const std::string id = "participant" + std::to_string(u);
        ops.push_back({{"op", "user"}, {"id", id}, {"password", "pw"}});
        members.push_back(id);
    }
    ops.push_back({{"op", "group"}, {"id", "team"}, {"members", members}});
    ops.push_back({{"op", "subadmin"}, {"user", "preread"}, {"group", "team"}});
    ops.push_back({{"op", "mkdir"}, {"user", "preread"}, {"path", "/Projects"}});
    // Each folder shared once its files are in: the simulator finds whom to
    // tell of an upload by looking through every share, and a folder shared
    // first made loading 10,000 of them quadratic. The share's activity ends
    // each folder's run of uploads, which the activity stream groups.
    for (int p = 0; p < projects; ++p) {
        const std::string folder = "/Projects/P" + std::to_string(10000 + p);
        ops.push_back({{"op", "mkdir"}, {"user", "preread"}, {"path", folder}});
        for (int d = 0; d < documents; ++d)
            ops.push_back({{"op", "put"},
                           {"user", "preread"},
                           {"path", folder + "/document-" + std::to_string(d) + ".md"},
                           {"content", "# Pre-read"}});
        write(dir / "etc/projects.d" / ("p" + std::to_string(10000 + p) + ".json"),
              nlohmann::json{{"id", "p" + std::to_string(10000 + p)},
                             {"folder", folder},
                             {"time_zone", "Europe/Berlin"},
                             {"participants", {{"groups", {"team"}}}},
                             {"reminders", {{"lead_times", {"P1D"}}}}}
                  .dump());
        ops.push_back({{"op", "share"}, {"user", "preread"}, {"path", folder}, {"type", "group"}, {"with", "team"}});
    }
    write(dir / "scenario.json", ops.dump());
}

void BM_scale(benchmark::State& state)
{
    const auto projects = static_cast<int>(state.range(0));
    const fs::path dir = fs::temp_directory_path() / ("prereadd-bench-scale-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    write_world(dir, projects);
    ::malloc_trim(0);  // give the scenario's memory back before forking
    const auto loading = std::chrono::steady_clock::now();
    test::sim_process sim(NEXTCLOUD_SIM_BINARY, dir / "scenario.json", dir / "audit.log", std::chrono::seconds(600));
    state.counters["simulator_start_s"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - loading).count();
    const std::string config =
        test::write_daemon_config(dir, sim.base_url(), "bench-app-password", [&](nlohmann::json& g) {
            // Longer than the first pass, so the idle interval measured is one interval.
            g["poll_interval"] = projects > 1000 ? "PT30S" : "PT10S";
            g["metrics"] = {{"enabled", true}, {"listen", "127.0.0.1:0"}};
        }).string();

    for (auto _ : state) {
        // A restart: `prereadd once` lists every folder and reads every share list and group.
        const auto t0 = std::chrono::steady_clock::now();
        const auto first = test::run_to_exit({PREREADD_BINARY, "--config", config, "once"});
        const auto t1 = std::chrono::steady_clock::now();
        if (first.exit_code != 0) {
            state.SkipWithError(("the first cycle failed: " + first.output().substr(0, 500)).c_str());
            break;
        }
        state.counters["once_peak_rss_MB"] = static_cast<double>(first.max_rss_kb) / 1024.0;
        state.counters["once_s"] = std::chrono::duration<double>(t1 - t0).count();

        // The daemon running: its first pass is a full check (its memory is new); then each
        // poll interval is one wake-up, the projects sharing the parent's turn.
        const auto started = std::chrono::steady_clock::now();
        test::child_process daemon({PREREADD_BINARY, "--config", config, "run"}, true);
        auto line = daemon.wait_for("metrics on http://", std::chrono::seconds(30));
        if (!line) {
            state.SkipWithError("prereadd run did not start");
            break;
        }
        const auto from = line->find("http://");
        const std::string metrics = line->substr(from, line->find("/metrics") - from) + "/metrics";
        boost::asio::io_context io;
        http::client plain(io.get_executor(), http::client_config{}, http::credential{});
        auto cycles = [&]() -> long {
            http::request r;
            r.url = metrics;
            r.anonymous = true;
            // The daemon answers between its own steps; a first pass writing 10,000
            // projects (slower still under heaptrack) keeps it busy for a while.
            auto got = test::run_awaitable(io, plain.async_request(std::move(r)), std::chrono::seconds(600));
            if (!got) return -1;
            const auto at = got->body.find("\nprereadd_poll_cycles_total ");
            return at == std::string::npos ? -1 : std::stol(got->body.substr(at + 28));
        };
        auto wait_for_cycles = [&](long n) {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(900);
            while (cycles() < n && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return cycles() >= n;
        };
        if (!wait_for_cycles(1)) {
            state.SkipWithError("no first cycle");
            break;
        }
        state.counters["run_first_pass_s"] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        auto requests = [&] { return sim.control({{"op", "stats"}})["requests"].get<std::int64_t>(); };
        const auto before = requests();
        if (!wait_for_cycles(2)) {
            state.SkipWithError("no idle interval");
            break;
        }
        const auto idle = requests() - before;
        state.counters["requests_one_idle_interval"] = static_cast<double>(idle);
        sim.control({{"op", "put"},
                     {"user", "participant7"},
                     {"path", "/P" + std::to_string(10000 + projects / 2) + "/added-by-a-participant.md"},
                     {"content", "# More"}});
        const auto before_change = requests();
        if (!wait_for_cycles(3)) {
            state.SkipWithError("no interval after the change");
            break;
        }
        state.counters["requests_more_for_one_change"] = static_cast<double>(requests() - before_change - idle);
        std::ifstream status("/proc/" + std::to_string(daemon.pid()) + "/status");
        for (std::string l; std::getline(status, l);)
            if (l.starts_with("VmHWM:")) state.counters["run_peak_rss_MB"] = std::stod(l.substr(6)) / 1024.0;
        if (daemon.terminate(std::chrono::seconds(10)) != 0) state.SkipWithError("prereadd run did not stop cleanly");
    }
    state.counters["projects"] = projects;
    state.counters["documents"] = projects * documents;
    state.counters["participants_per_project"] = participants;
    sim.stop();
    fs::remove_all(dir);
}
BENCHMARK(BM_scale)->ArgName("projects")->Arg(1000)->Arg(10000)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
