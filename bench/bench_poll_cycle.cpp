// CPU time of poll cycles, the daemon's side only: the simulator answers from
// its own thread, and Google Benchmark's CPU column is the time of the thread
// that runs the cycle (user + system, so the daemon's own socket calls count;
// the simulator's work does not). Targets: an unchanged project <= 50 us, a
// changed 1,000-document folder <= 5 ms.
#include "daemon/poll_cycle.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/support/run.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <memory>

namespace {

namespace fs = std::filesystem;
using namespace prereadd;

struct bench_world {
    explicit bench_world(int projects, int documents)
        : dir(fs::temp_directory_path() / ("prereadd-bench-" + std::to_string(::getpid()) + "-" + std::to_string(projects) + "-" +
                                           std::to_string(documents)))
    {
        fs::remove_all(dir);
        fs::create_directories(dir);
        nlohmann::json ops = sim::alpha_team("app-pw");
        for (int p = 0; p < projects; ++p) {
            const std::string folder = "/Projects/P" + std::to_string(1000 + p);
            ops.push_back({{"op", "mkdir"}, {"user", "preread"}, {"path", folder}});
            ops.push_back({{"op", "share"}, {"user", "preread"}, {"path", folder}, {"type", "group"}, {"with", "team-alpha"}});
            for (int d = 0; d < documents; ++d)
                ops.push_back({{"op", "put"}, {"user", "preread"}, {"path", folder + "/doc-" + std::to_string(d) + ".md"},
                               {"content", "# Document"}});
            daemon::project_config c;
            c.id = "p" + std::to_string(1000 + p);
            c.folder = folder;
            c.participants.groups = {"team-alpha"};
            config.projects.push_back(c);
        }
        server = std::make_unique<sim::nextcloud>();
        for (const auto& r : server->control(ops))
            if (r.contains("error")) throw std::runtime_error(r.dump());
        config.global.nextcloud.base = *http::parse_url(server->base_url());
        config.global.nextcloud.base.target.clear();
        config.global.nextcloud.user = "preread";
        db = std::make_unique<store::database>(dir / "prereadd.sqlite");
        client = std::make_unique<http::client>(io.get_executor(), http::client_config{},
                                                http::credential{"preread", http::secret("app-pw")});
        ctx = std::make_unique<daemon::cycle_context>(*client, config, *db, nullptr, [] { return std::int64_t{1795610700}; });
    }
    ~bench_world()
    {
        ctx.reset();
        client.reset();
        db.reset();
        server.reset();
        fs::remove_all(dir);
    }

    daemon::cycle_report cycle() { return test::run_awaitable(io, daemon::async_poll_cycle(*ctx)); }

    fs::path dir;
    daemon::configuration config;
    std::unique_ptr<sim::nextcloud> server;
    std::unique_ptr<store::database> db;
    boost::asio::io_context io;
    std::unique_ptr<http::client> client;
    std::unique_ptr<daemon::cycle_context> ctx;
};

// range(0) unchanged projects in one cycle: the activity request (304), one
// PROPFIND Depth 0 each, one transaction. Per project = time / range(0).
void BM_cycle_unchanged_projects(benchmark::State& state)
{
    bench_world w(static_cast<int>(state.range(0)), 5);
    if (!w.cycle().errors.empty()) {
        state.SkipWithError("the first cycle failed");
        return;
    }
    for (auto _ : state) {
        auto report = w.cycle();
        if (!report.errors.empty()) {
            state.SkipWithError(report.errors.front().c_str());
            return;
        }
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));  // projects per second
    state.counters["projects"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_cycle_unchanged_projects)->Arg(1)->Arg(100)->Unit(benchmark::kMicrosecond);

// One project whose folder of 1,000 documents changed: one document edited
// before each cycle, so the folder's ETag differs and it is listed again
// (Depth 1, 1,000 entries), diffed, its shares and group refreshed, and the
// changed document stored.
void BM_cycle_changed_folder_1000_documents(benchmark::State& state)
{
    bench_world w(1, 1000);
    if (!w.cycle().errors.empty()) {
        state.SkipWithError("the first cycle failed");
        return;
    }
    int edit = 0;
    for (auto _ : state) {
        state.PauseTiming();
        w.server->control({{"op", "put"}, {"user", "preread"}, {"path", "/Projects/P1000/doc-" + std::to_string(edit++ % 1000) + ".md"},
                           {"content", "# Document, edited " + std::to_string(edit)}});
        state.ResumeTiming();
        auto report = w.cycle();
        if (!report.errors.empty()) {
            state.SkipWithError(report.errors.front().c_str());
            return;
        }
    }
    state.counters["documents"] = 1000;
}
BENCHMARK(BM_cycle_changed_folder_1000_documents)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
