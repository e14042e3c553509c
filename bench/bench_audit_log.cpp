// Audit log ingestion (target: 500,000 lines/s with 99 % of the lines about
// files outside every project): the follower reading a 1,000,000-line file,
// each line glanced at (who read which file), each read mapped against a
// project, and the reads of its pre-reads read whole, as one poll cycle does. The lines are the recorded Nextcloud 29
// "File accessed" line with its user and path changed.
#include "tests/support/source_tree.hpp"
#include "tracking/audit_follower.hpp"
#include "tracking/audit_line.hpp"
#include "tracking/read_mapping.hpp"
#include "tests/sim/capture.hpp"

#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace prereadd::tracking;

std::string replace_first(std::string s, const std::string& from, const std::string& to)
{
    const auto at = s.find(from);
    if (at == std::string::npos) throw std::runtime_error("template line lacks " + from);
    return s.replace(at, from.size(), to);
}

struct log_file {
    fs::path path;
    std::size_t lines = 0;
    std::size_t bytes = 0;

    explicit log_file(std::size_t n)
    {
        std::ifstream sample(prereadd::test::nextcloud29_recordings() + "/audit-log-sample.jsonl");
        std::string templ;
        for (std::string line; std::getline(sample, line);)
            if (line.find("File accessed: \\\"/Alpha/agenda.md\\\"") != std::string::npos &&
                line.find("/remote.php/dav/files/bob/") != std::string::npos) {
                templ = line;
                break;
            }
        if (templ.empty()) throw std::runtime_error("no File accessed line in the audit log sample");
        path = fs::temp_directory_path() / ("prereadd-bench-audit-" + std::to_string(::getpid()) + ".log");
        std::ofstream out(path, std::ios::binary);
        for (std::size_t i = 0; i < n; ++i) {
            std::string line = templ;
            if (i % 100 != 0) {  // 99 %: somebody else's file, outside every project
                const std::string user = "user" + std::to_string(i % 997);
                const std::string file =
                    "/Reports/2026/quarter-" + std::to_string(i % 4) + "/sheet-" + std::to_string(i) + ".ods";
                line = replace_first(line, "\"user\":\"bob\"", "\"user\":\"" + user + "\"");
                line = replace_first(line, "/remote.php/dav/files/bob/Alpha/agenda.md",
                                     "/remote.php/dav/files/" + user + file);
                line = replace_first(line, "\\\"/Alpha/agenda.md\\\"", "\\\"" + file + "\\\"");
            }
            out << line << '\n';
            bytes += line.size() + 1;
        }
        lines = n;
    }
    ~log_file() { fs::remove(path); }
};

project_view alpha()
{
    project_view v;
    v.owner = "preread";
    v.folder = "/Projects/Alpha";
    for (int i = 0; i < 50; ++i) v.pre_reads.push_back({100 + i, "doc-" + std::to_string(i) + ".md"});
    v.pre_reads.push_back({14, "agenda.md"});
    prereadd::ocs::share s;
    s.id = "1";
    s.permissions = 1;
    s.type = 1;
    s.share_with = "team-alpha";
    s.path = "/Projects/Alpha";
    s.file_target = "/Alpha";
    v.shares.push_back(s);
    return v;
}

void BM_audit_log_ingestion(benchmark::State& state)
{
    static const log_file log(1'000'000);
    const auto project = alpha();
    auto member = [](const std::string& user, const std::string&) { return user == "bob"; };
    std::size_t mapped = 0;
    for (auto _ : state) {
        audit_follower follower(log.path);
        mapped = 0;
        for (;;) {
            auto batch = follower.read_new();
            if (batch.lines.empty()) break;
            // As a poll cycle does: each read glanced at, mapped, and read whole
            // only when it is of a pre-read.
            for (const auto& line : batch.lines) {
                auto glance = glance_at_audit_line(line);
                if (!glance || map_read(*glance, project, member).result != read_mapping::outcome::pre_read) continue;
                if (auto read = read_audit_line(line); read && read->kind != access_kind::preview && read->time)
                    ++mapped;
            }
        }
    }
    if (mapped != log.lines / 100) state.SkipWithError("the project's reads were not all found");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * log.lines));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * log.bytes));
    state.counters["lines"] = static_cast<double>(log.lines);
    state.counters["pre_read_opens"] = static_cast<double>(mapped);
}
BENCHMARK(BM_audit_log_ingestion)->Unit(benchmark::kMillisecond);

// The physical floor of ingestion: the same file read in 1 MiB blocks and
// split into lines (a view each), nothing else. Timed alternately with the
// ingestion above in the same iterations, so both see the same machine;
// `vs_split` is ingestion time / floor time.
std::size_t split_into_lines(const fs::path& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    std::string block(1 << 20, '\0');
    std::string carry;
    std::size_t lines = 0;
    for (;;) {
        const auto got = ::read(fd, block.data(), block.size());
        if (got <= 0) break;
        const char* at = block.data();
        const char* end = at + got;
        while (const char* nl = static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)))) {
            std::string_view line = carry.empty() ? std::string_view(at, static_cast<std::size_t>(nl - at))
                                                  : std::string_view(carry.append(at, nl));
            benchmark::DoNotOptimize(line.data());
            ++lines;
            carry.clear();
            at = nl + 1;
        }
        carry.append(at, end);
    }
    ::close(fd);
    return lines;
}

void BM_audit_log_ingestion_vs_split_floor(benchmark::State& state)
{
    static const log_file log(1'000'000);
    const auto project = alpha();
    auto member = [](const std::string& user, const std::string&) { return user == "bob"; };
    using clock = std::chrono::steady_clock;
    clock::duration floor{}, ingest{};
    for (auto _ : state) {
        const auto t0 = clock::now();
        const auto split = split_into_lines(log.path);
        const auto t1 = clock::now();
        std::size_t mapped = 0;
        audit_follower follower(log.path);
        for (auto batch = follower.read_new(); !batch.lines.empty(); batch = follower.read_new())
            for (const auto& line : batch.lines) {
                auto glance = glance_at_audit_line(line);
                if (!glance || map_read(*glance, project, member).result != read_mapping::outcome::pre_read) continue;
                if (auto read = read_audit_line(line); read && read->kind != access_kind::preview && read->time)
                    ++mapped;
            }
        const auto t2 = clock::now();
        if (split != log.lines || mapped != log.lines / 100) {
            state.SkipWithError("the lines or the project's reads were not all found");
            return;
        }
        floor += t1 - t0;
        ingest += t2 - t1;
    }
    const auto n = static_cast<double>(state.iterations());
    state.counters["floor_ms"] = std::chrono::duration<double, std::milli>(floor).count() / n;
    state.counters["ingest_ms"] = std::chrono::duration<double, std::milli>(ingest).count() / n;
    state.counters["vs_split"] = std::chrono::duration<double>(ingest) / std::chrono::duration<double>(floor);
    state.counters["lines_per_s"] = static_cast<double>(log.lines) * n / std::chrono::duration<double>(ingest).count();
}
BENCHMARK(BM_audit_log_ingestion_vs_split_floor)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
