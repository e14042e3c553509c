// Multistatus parsing throughput on a 10,000-entry PROPFIND Depth 1 response
// (target: 200 MB/s). Each entry is the file entry Nextcloud really sent in
// capture 06 (every property the daemon asks for and more, with the 404
// propstat), with its name and file id changed.
#include "tests/sim/capture.hpp"
#include "webdav/multistatus.hpp"

#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to)
{
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

std::string ten_thousand_entries()
{
    const auto c = prereadd::sim::load_capture(PREREADD_CAPTURES_DIR "/06-propfind-alpha-depth1.http");
    const std::string& body = c.response.body;
    const auto first_entry = body.find("<d:response>", body.find("<d:response>") + 1);
    const auto file_entry = body.find("<d:response><d:href>/remote.php/dav/files/preread/Projects/Alpha/agenda.md");
    if (first_entry == std::string::npos || file_entry == std::string::npos)
        throw std::runtime_error("capture 06 is not as expected");
    const auto entry_end = body.find("</d:response>", file_entry) + std::string("</d:response>").size();
    const std::string entry = body.substr(file_entry, entry_end - file_entry);
    const std::string id_tag =
        entry.substr(entry.find("<oc:fileid>"), entry.find("</oc:fileid>") - entry.find("<oc:fileid>"));
    std::string out = body.substr(0, first_entry);  // the XML declaration, <d:multistatus> and the folder's own entry
    out.reserve(entry.size() * 10'100);
    for (int i = 0; i < 10'000; ++i) {
        auto e = replace_all(entry, "agenda.md", "document-" + std::to_string(i) + ".md");
        e.replace(e.find(id_tag), id_tag.size(), "<oc:fileid>" + std::to_string(100'000 + i));
        out += e;
    }
    out += "</d:multistatus>";
    return out;
}

// Times `parse(body)` on the 10,000-entry body and reports the throughput.
template <class Parse>
void time_parsing(benchmark::State& state, Parse parse)
{
    const std::string body = ten_thousand_entries();
    std::size_t entries = 0;
    for (auto _ : state) {
        auto files = parse(body);
        if (!files) {
            state.SkipWithError("the body did not parse");
            return;
        }
        entries = files->size();
        benchmark::DoNotOptimize(files);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * entries));
    state.counters["body_MB"] = static_cast<double>(body.size()) / 1e6;
    state.counters["entries"] = static_cast<double>(entries);
}

void BM_parse_files_10000_entries(benchmark::State& state)
{
    time_parsing(state, [](const std::string& body) { return prereadd::webdav::parse_files(body); });
}
BENCHMARK(BM_parse_files_10000_entries)->Unit(benchmark::kMillisecond);

// The path a PROPFIND answer takes (webdav::async_list): parsed in the
// received body's own buffer. The copy each iteration needs is not timed.
void BM_parse_files_in_place_10000_entries(benchmark::State& state)
{
    time_parsing(state, [&state](const std::string& body) {
        state.PauseTiming();
        std::string received = body;
        state.ResumeTiming();
        return prereadd::webdav::parse_files_in_place(received);
    });
}
BENCHMARK(BM_parse_files_in_place_10000_entries)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
