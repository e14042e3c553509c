// Parser for the recorded-exchange format of captures/README.md: two comment
// lines, the request, two blank lines, the response headers and body.
#include "tests/sim/capture.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <strings.h>

namespace prereadd::sim {
namespace {

std::vector<std::string> split_lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        std::string line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

std::pair<std::string, std::string> parse_header(const std::string& line, const std::string& file)
{
    auto colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error(file + ": not a header line: " + line);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    return {line.substr(0, colon), value};
}

}  // namespace

std::string recorded_message::header(std::string_view name) const
{
    for (const auto& [n, v] : headers)
        if (n.size() == name.size() && ::strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
    return {};
}

bool recorded_message::has_header(std::string_view name) const
{
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) {
        return h.first.size() == name.size() && ::strncasecmp(h.first.data(), name.data(), name.size()) == 0;
    });
}

capture load_capture(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    const std::string where = file.filename().string();

    capture c;
    c.name = file.stem().string();
    auto lines = split_lines(text);
    // Line 2 names who sent the request: curl as a user, or Nextcloud itself
    // calling out (a Talk bot's webhook, 41w*: the listener's side recorded).
    const bool sent_by_server = lines.size() > 1 && lines[1].starts_with("# sent by: ");
    if (lines.size() < 4 || !lines[0].starts_with("# ") || !(lines[1].starts_with("# curl user: ") || sent_by_server))
        throw std::runtime_error(where + ": missing the two comment lines");
    c.description = lines[0].substr(2);
    c.user = sent_by_server ? "(server)" : lines[1].substr(13);
    c.sent_by_server = sent_by_server;

    std::istringstream request_line(lines[2]);
    std::string version;
    request_line >> c.method >> c.target >> version;
    if (!version.starts_with("HTTP/")) throw std::runtime_error(where + ": bad request line " + lines[2]);

    std::size_t i = 3;
    for (; i < lines.size() && !lines[i].empty(); ++i) c.request.headers.push_back(parse_header(lines[i], where));
    ++i;
    // The request body runs until the final response's status line.
    std::size_t status_line = i;
    while (status_line < lines.size() && !lines[status_line].starts_with("HTTP/")) ++status_line;
    if (status_line == lines.size()) throw std::runtime_error(where + ": no response status line");
    {
        std::size_t last = status_line;
        while (last > i && lines[last - 1].empty()) --last;
        std::string body;
        for (std::size_t k = i; k < last; ++k) body += lines[k] + (k + 1 < last ? "\n" : "");
        // A redacted body is shorter than its recorded Content-Length, which
        // counted the real token or password (tests/recordings/moodle-api/README.md).
        const bool redacted =
            body.find("<token>") != std::string::npos || body.find("<password>") != std::string::npos;
        if (auto len = c.request.header("Content-Length"); !len.empty() && !redacted) {
            std::size_t n = std::stoul(len);
            if (body.size() < n) body.append(n - body.size(), '\n');  // trailing newlines eaten by the split
            body.resize(n);
        }
        c.request.body = body;
    }

    std::istringstream status(lines[status_line]);
    status >> version >> c.status;
    std::getline(status, c.reason);
    c.reason.erase(0, c.reason.find_first_not_of(' '));
    i = status_line + 1;
    for (; i < lines.size() && !lines[i].empty(); ++i) c.response.headers.push_back(parse_header(lines[i], where));

    // The body is the raw rest of the file after the blank line, cut to Content-Length.
    std::size_t offset = 0;
    for (std::size_t k = 0; k <= i && k < lines.size(); ++k) {
        offset = text.find('\n', offset);
        if (offset == std::string::npos) break;
        ++offset;
    }
    std::string body = offset == std::string::npos || offset > text.size() ? std::string() : text.substr(offset);
    if (body.starts_with("<binary body: ")) {
        // Replaced by a note in the recording; keep the note whole.
        body = body.substr(0, body.find('\n'));
    } else if (auto len = c.response.header("Content-Length"); !len.empty()) {
        std::size_t n = std::stoul(len);
        if (body.size() > n) body.resize(n);
    } else {
        while (!body.empty() && body.back() == '\n') body.pop_back();
    }
    c.response.body = body;
    return c;
}

std::vector<capture> load_captures(const std::filesystem::path& directory)
{
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
        if (entry.path().extension() == ".http") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<capture> out;
    for (const auto& f : files) out.push_back(load_capture(f));
    return out;
}

}  // namespace prereadd::sim
