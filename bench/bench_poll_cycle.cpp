// CPU time of poll cycles, the daemon's side only: the simulator answers from
// its own thread, and Google Benchmark's CPU column is the time of the thread
// that runs the cycle (user + system, so the daemon's own socket calls count;
// the simulator's work does not). Targets: an unchanged project <= 50 us, a
// changed 1,000-document folder <= 5 ms.
#include "tracking/poll_cycle.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/support/run.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <time.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace prereadd;

struct bench_world {
    explicit bench_world(int projects, int documents)
        : dir(fs::temp_directory_path() / ("prereadd-bench-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(projects) + "-" + std::to_string(documents)))
    {
        fs::remove_all(dir);
        fs::create_directories(dir);
        nlohmann::json ops = sim::alpha_team("app-pw");
        for (int p = 0; p < projects; ++p) {
            const std::string folder = "/Projects/P" + std::to_string(1000 + p);
            ops.push_back({{"op", "mkdir"}, {"user", "preread"}, {"path", folder}});
            ops.push_back(
                {{"op", "share"}, {"user", "preread"}, {"path", folder}, {"type", "group"}, {"with", "team-alpha"}});
            for (int d = 0; d < documents; ++d)
                ops.push_back({{"op", "put"},
                               {"user", "preread"},
                               {"path", folder + "/doc-" + std::to_string(d) + ".md"},
                               {"content", "# Document"}});
            config::project_config c;
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
        ctx = std::make_unique<tracking::cycle_context>(*client, config, *db, nullptr,
                                                        [] { return std::int64_t{1795610700}; });
    }
    ~bench_world()
    {
        ctx.reset();
        client.reset();
        db.reset();
        server.reset();
        fs::remove_all(dir);
    }

    tracking::cycle_report cycle() { return test::run_awaitable(io, tracking::async_poll_cycle(*ctx)); }

    // The requests of each of `n` cycles, kept whole by the simulator (nothing when a cycle failed).
    using cycle_requests = std::vector<std::vector<sim::sim_request>>;
    std::optional<cycle_requests> record_cycles(int n)
    {
        cycle_requests out;
        for (int i = 0; i < n; ++i) {
            server->keep_requests(true);
            const bool ok = cycle().errors.empty();
            server->keep_requests(false);
            out.push_back(server->take_kept_requests());
            if (!ok) return std::nullopt;
        }
        return out;
    }

    // Cycles until the activity stream has nothing new (it is read a page a
    // cycle, and setting up the projects made pages of it): what follows is
    // a cycle with nothing to do, its activity request answered 304.
    bool settle()
    {
        std::optional<std::string> cursor;
        for (int i = 0; i < 1000; ++i) {
            if (!cycle().errors.empty()) return false;
            auto now = store::state(*db).cursor("activity");
            if (now == cursor) return true;
            cursor = now;
        }
        return false;
    }

    fs::path dir;
    config::configuration config;
    std::unique_ptr<sim::nextcloud> server;
    std::unique_ptr<store::database> db;
    boost::asio::io_context io;
    std::unique_ptr<http::client> client;
    std::unique_ptr<tracking::cycle_context> ctx;
};

// range(0) unchanged projects in one cycle: the activity request (304), one
// PROPFIND Depth 0 each, one transaction. Per project = time / range(0).
void BM_cycle_unchanged_projects(benchmark::State& state)
{
    bench_world w(static_cast<int>(state.range(0)), 5);
    if (!w.settle()) {
        state.SkipWithError("the first cycles failed");
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

// Sends the requests a cycle made again, as many at once as the cycle runs,
// through the same HTTP client, and reads no answer: the network's share of
// the cycle. Returns how many failed.
boost::asio::awaitable<std::size_t> replay(bench_world& w, const std::vector<sim::sim_request>& requests)
{
    std::size_t failed = 0;
    std::size_t next = 0;
    const auto base = w.server->base_url();
    auto worker = [&]() -> boost::asio::awaitable<void> {
        while (next < requests.size()) {
            const auto& sent = requests[next++];
            http::request req;
            req.method = boost::beast::http::string_to_verb(sent.method);
            req.url = base + sent.target;
            for (const char* name : {"depth", "content-type", "accept", "if-none-match"})
                if (auto v = sent.header(name); !v.empty()) req.headers.set(name, v);
            req.ocs = !sent.header("ocs-apirequest").empty();
            req.body = sent.body;
            auto res = co_await w.client->async_request(std::move(req));
            if (!res || res->status >= 400) ++failed;
        }
    };
    auto executor = co_await boost::asio::this_coro::executor;
    using spawned = decltype(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
    std::vector<spawned> running;
    for (std::size_t i = 0; i < std::min(w.config.global.nextcloud.max_connections, requests.size()); ++i)
        running.push_back(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
    co_await boost::asio::experimental::make_parallel_group(std::move(running))
        .async_wait(boost::asio::experimental::wait_for_all(), boost::asio::use_awaitable);
    co_return failed;
}

// Times the replay of recorded cycles' requests, one cycle's an iteration in
// turn: the network's share of those cycles.
void time_replay(benchmark::State& state, bench_world& w, const std::optional<bench_world::cycle_requests>& cycles)
{
    if (!cycles) {
        state.SkipWithError("a recorded cycle failed");
        return;
    }
    std::size_t next = 0, requests = 0;
    for (auto _ : state) {
        const auto& one = (*cycles)[next++ % cycles->size()];
        requests += one.size();
        if (test::run_awaitable(w.io, replay(w, one)) != 0) {
            state.SkipWithError("an exchange failed");
            return;
        }
    }
    state.counters["requests"] = static_cast<double>(requests) / static_cast<double>(state.iterations());
}

// The network's share of the cycle above: the same exchanges replayed (the
// activity request, one PROPFIND Depth 0 per project, and every tenth cycle
// the shares and the group each project refreshes: ten cycles are recorded).
// The cycle's CPU time minus this one is the daemon's own work, what the
// target "excluding the network" means.
void BM_exchanges_of_unchanged_projects(benchmark::State& state)
{
    bench_world w(static_cast<int>(state.range(0)), 5);
    if (!w.settle()) {
        state.SkipWithError("the first cycles failed");
        return;
    }
    time_replay(state, w, w.record_cycles(10));
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.counters["projects"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_exchanges_of_unchanged_projects)->Arg(1)->Arg(100)->Unit(benchmark::kMicrosecond);

// One project whose folder of 1,000 documents changed: one document edited
// before each cycle, so the folder's ETag differs and it is listed again
// (Depth 1, 1,000 entries), diffed, its shares and group refreshed, and the
// changed document stored.
void BM_cycle_changed_folder_1000_documents(benchmark::State& state)
{
    bench_world w(1, 1000);
    if (!w.settle()) {
        state.SkipWithError("the first cycles failed");
        return;
    }
    int edit = 0;
    for (auto _ : state) {
        state.PauseTiming();
        w.server->control({{"op", "put"},
                           {"user", "preread"},
                           {"path", "/Projects/P1000/doc-" + std::to_string(edit++ % 1000) + ".md"},
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

// The network's share of the changed-folder cycle: the requests of one such
// cycle (the activity, Depth 0, the Depth 1 listing of 1,000 entries, the
// shares and the group) replayed with their answers unread.
void BM_exchanges_of_changed_folder_1000_documents(benchmark::State& state)
{
    bench_world w(1, 1000);
    if (!w.settle()) {
        state.SkipWithError("the first cycles failed");
        return;
    }
    w.server->control(
        {{"op", "put"}, {"user", "preread"}, {"path", "/Projects/P1000/doc-0.md"}, {"content", "# Edited"}});
    time_replay(state, w, w.record_cycles(1));
    state.counters["documents"] = 1000;
}
BENCHMARK(BM_exchanges_of_changed_folder_1000_documents)->Unit(benchmark::kMillisecond);

// The figure that survives a noisy machine: cycles of range(0) unchanged
// projects against their own requests replayed, alternately in the same
// iterations (so both see the same machine), each in this thread's CPU time.
// `vs_replay` is cycle / replay; `own_us_per_project` the difference per project.
void BM_cycle_vs_replay_unchanged_projects(benchmark::State& state)
{
    bench_world w(static_cast<int>(state.range(0)), 5);
    if (!w.settle()) {
        state.SkipWithError("the first cycles failed");
        return;
    }
    const auto recorded = w.record_cycles(10);
    if (!recorded) {
        state.SkipWithError("a recorded cycle failed");
        return;
    }
    auto thread_cpu = [] {
        timespec t{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
    };
    std::chrono::nanoseconds cycle{}, replayed{};
    std::size_t next = 0;
    for (auto _ : state) {
        const auto t0 = thread_cpu();
        auto report = w.cycle();
        const auto t1 = thread_cpu();
        const bool failed = test::run_awaitable(w.io, replay(w, (*recorded)[next++ % recorded->size()])) != 0;
        const auto t2 = thread_cpu();
        if (!report.errors.empty() || failed) {
            state.SkipWithError("a cycle or a replay failed");
            return;
        }
        cycle += t1 - t0;
        replayed += t2 - t1;
    }
    const auto n = static_cast<double>(state.iterations());
    const auto us = [](std::chrono::nanoseconds d) { return std::chrono::duration<double, std::micro>(d).count(); };
    state.counters["cycle_us"] = us(cycle) / n;
    state.counters["replay_us"] = us(replayed) / n;
    state.counters["vs_replay"] = us(cycle) / us(replayed);
    state.counters["own_us_per_project"] = (us(cycle) - us(replayed)) / n / static_cast<double>(state.range(0));
}
BENCHMARK(BM_cycle_vs_replay_unchanged_projects)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
