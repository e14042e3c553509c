// Seed corpora for the fuzz targets from the real recorded exchanges: XML
// bodies for the multistatus target, JSON bodies for the OCS target, date and
// Retry-After header values for the dates target, the recorded audit log's
// lines, and the example configuration. Usage: fuzz-seeds CAPTURES EXAMPLES OUT
#include "tests/sim/capture.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& content)
{
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
}

std::string read(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::cerr << "usage: fuzz-seeds CAPTURES EXAMPLES OUT\n";
        return 64;
    }
    const fs::path captures = argv[1], examples = argv[2], out = argv[3];
    std::size_t n = 0;
    for (const auto& c : prereadd::sim::load_captures(captures)) {
        const auto& body = c.response.body;
        const auto first = body.find_first_not_of(" \t\r\n");
        if (first != std::string::npos && body[first] == '<') write(out / "multistatus" / c.name, body), ++n;
        if (first != std::string::npos && (body[first] == '{' || body[first] == '['))
            write(out / "ocs" / c.name, body), ++n;
        for (const char* h : {"Date", "Last-Modified", "Retry-After", "Expires"})
            if (c.response.has_header(h)) write(out / "dates" / (c.name + "-" + h), c.response.header(h)), ++n;
        write(out / "dates" / (c.name + "-url"), "http://127.0.0.1:8080" + c.target), ++n;
    }
    for (const char* s :
         {"120", "0", "PT1H", "P1DT2H30M", "-PT5M", "2026-12-09T10:00:00", "2026-12-09", "10:00", "24:00", "1234:5678",
          "Wed, 21 Oct 2026 07:28:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"})
        write(out / "dates" / ("hand-" + std::to_string(n++)), s);
    std::ifstream audit(captures / "audit-log-sample.jsonl");
    std::size_t line_no = 0;
    for (std::string line; std::getline(audit, line);) write(out / "audit_line" / std::to_string(++line_no), line), ++n;
    write(out / "config" / "global", "g" + read(examples / "prereadd.json")), ++n;
    for (const auto& e : fs::directory_iterator(examples / "projects.d"))
        write(out / "config" / ("project-" + e.path().filename().string()), "p" + read(e.path())), ++n;
    std::cout << "fuzz-seeds: " << n << " seeds in " << out << "\n";
    return 0;
}
