// The scale run: 1,000 projects x 50 documents x 30 participants, the
// installed-layout binaries as processes (`prereadd once` against
// `nextcloud-sim`). Reports the daemon's peak RSS (target <= 64 MB) and the
// requests of an idle cycle (target: exactly one per project plus one
// activity request), with the wall time of the first and the idle cycle.
#include "tests/support/process.hpp"
#include "tests/support/sim_process.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using namespace prereadd;

constexpr int projects = 1000, documents = 50, participants = 30;

void write(const fs::path& p, const std::string& text)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

void BM_scale_1000_projects(benchmark::State& state)
{
    const fs::path dir = fs::temp_directory_path() / ("prereadd-bench-scale-" + std::to_string(::getpid()));
    fs::remove_all(dir);
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
    for (int p = 0; p < projects; ++p) {
        const std::string folder = "/Projects/P" + std::to_string(10000 + p);
        ops.push_back({{"op", "mkdir"}, {"user", "preread"}, {"path", folder}});
        ops.push_back({{"op", "share"}, {"user", "preread"}, {"path", folder}, {"type", "group"}, {"with", "team"}});
        for (int d = 0; d < documents; ++d)
            ops.push_back({{"op", "put"}, {"user", "preread"}, {"path", folder + "/document-" + std::to_string(d) + ".md"},
                           {"content", "# Pre-read"}});
        write(dir / "etc/projects.d" / ("p" + std::to_string(10000 + p) + ".json"),
              nlohmann::json{{"id", "p" + std::to_string(10000 + p)}, {"folder", folder}, {"time_zone", "Europe/Berlin"},
                             {"participants", {{"groups", {"team"}}}}, {"reminders", {{"lead_times", {"P1D"}}}}}
                  .dump());
    }
    write(dir / "scenario.json", ops.dump());
    test::sim_process sim(NEXTCLOUD_SIM_BINARY, dir / "scenario.json", dir / "audit.log");
    write(dir / "etc/app-password", "bench-app-password\n");
    fs::permissions(dir / "etc/app-password", fs::perms::owner_read | fs::perms::owner_write);
    write(dir / "etc/prereadd.json",
          nlohmann::json{{"nextcloud", {{"url", sim.base_url()}, {"user", "preread"}, {"app_password_file", "app-password"}}},
                         {"state_directory", (dir / "state").string()},
                         {"audit_log", (dir / "audit.log").string()},
                         {"projects_directory", "projects.d"},
                         {"metrics", {{"enabled", false}}}}
              .dump());
    const std::vector<std::string> once{PREREADD_BINARY, "--config", (dir / "etc/prereadd.json").string(), "once"};

    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto first = test::run_to_exit(once);
        const auto t1 = std::chrono::steady_clock::now();
        if (first.exit_code != 0) {
            state.SkipWithError(("the first cycle failed: " + first.output().substr(0, 500)).c_str());
            break;
        }
        const auto before = sim.control({{"op", "stats"}})["requests"].get<std::int64_t>();
        const auto idle = test::run_to_exit(once);
        const auto t2 = std::chrono::steady_clock::now();
        const auto after = sim.control({{"op", "stats"}})["requests"].get<std::int64_t>();
        if (idle.exit_code != 0) {
            state.SkipWithError(("the idle cycle failed: " + idle.output().substr(0, 500)).c_str());
            break;
        }
        state.counters["peak_rss_MB_first_cycle"] = static_cast<double>(first.max_rss_kb) / 1024.0;
        state.counters["peak_rss_MB_idle_cycle"] = static_cast<double>(idle.max_rss_kb) / 1024.0;
        state.counters["requests_idle_cycle"] = static_cast<double>(after - before);
        state.counters["first_cycle_s"] = std::chrono::duration<double>(t1 - t0).count();
        state.counters["idle_cycle_s"] = std::chrono::duration<double>(t2 - t1).count();
    }
    state.counters["projects"] = projects;
    state.counters["documents"] = projects * documents;
    state.counters["participants_per_project"] = participants;
    sim.stop();
    fs::remove_all(dir);
}
BENCHMARK(BM_scale_1000_projects)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
