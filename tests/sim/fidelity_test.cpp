// Replays every recorded request against the simulator, seeded with the
// recorded state, and compares each answer with what the real Nextcloud said.
// Every recording is replayed; one the simulator cannot answer fails the suite.
// tests/sim/README.md has the table.
#include "tests/support/source_tree.hpp"
#include "tests/sim/capture.hpp"
#include "tests/sim/compare.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/recorded_world.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <set>

namespace prereadd::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

const std::vector<capture>& all_captures()
{
    static const std::vector<capture> captures = load_captures(prereadd::test::nextcloud29_recordings());
    return captures;
}

const std::vector<capture>& all_captures_34()
{
    static const std::vector<capture> captures = load_captures(prereadd::test::nextcloud34_recordings());
    return captures;
}

// One set of recordings and the server it was recorded on.
struct recording_set {
    const std::vector<capture>& (*captures)();
    options (*server_options)();
    void (*seed)(nextcloud&);
    void (*before)(nextcloud&, const capture&);
    std::vector<std::size_t> (*order)(const std::vector<capture>&);
};

const recording_set nextcloud_29{all_captures, recorded_options, seed_recorded_world, before_recording, replay_order};
const recording_set nextcloud_34{all_captures_34, recorded_options_34, seed_recorded_world_34, before_recording_34,
                                 replay_order_34};

// Recorded ids that later requests quote (activity ids in `since=`), mapped
// to the ids the simulator gave the same entries.
using id_map = std::map<std::string, std::string>;

void learn_ids(const capture& c, const observed_response& observed, id_map& ids)
{
    // ETags quoted back in If-None-Match.
    auto recorded_etag = c.response.header("ETag");
    for (const auto& [name, value] : observed.headers)
        if (!recorded_etag.empty() && boost::beast::iequals(name, "ETag")) ids["etag:" + recorded_etag] = value;
    // The newest and the last given activity id the app names in its headers: a
    // later `since=` quotes them (13d asks after the newest 13b named).
    for (const char* header : {"X-Activity-First-Known", "X-Activity-Last-Given"})
        if (const auto recorded_id = c.response.header(header); !recorded_id.empty())
            for (const auto& [name, value] : observed.headers)
                if (boost::beast::iequals(name, header)) ids["since=" + std::string(recorded_id)] = "since=" + value;
    auto recorded = nlohmann::json::parse(c.response.body, nullptr, false);
    auto actual = nlohmann::json::parse(observed.body, nullptr, false);
    if (!recorded.is_object() || !actual.is_object() || !recorded.contains("ocs") || !actual.contains("ocs")) return;
    const auto& r = recorded["ocs"]["data"];
    const auto& a = actual["ocs"]["data"];
    if (!r.is_array() || !a.is_array()) return;
    for (std::size_t i = 0; i < std::min(r.size(), a.size()); ++i)
        if (r[i].is_object() && a[i].is_object() && r[i].contains("activity_id") && a[i].contains("activity_id"))
            ids["since=" + r[i]["activity_id"].dump()] = "since=" + a[i]["activity_id"].dump();
}

std::string rewrite_target(std::string target, const id_map& ids)
{
    for (const auto& [from, to] : ids) {
        if (from.starts_with("etag:")) continue;
        auto at = target.find(from);
        if (at != std::string::npos) {
            auto end = at + from.size();
            if (end == target.size() || target[end] == '&') target.replace(at, from.size(), to);
        }
    }
    return target;
}

observed_response send(std::uint16_t port, const capture& c, const id_map& ids = {})
{
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    bhttp::request<bhttp::string_body> req;
    req.method_string(c.method);
    req.target(rewrite_target(c.target, ids));
    req.version(11);
    for (const auto& [name, value] : c.request.headers) {
        if (beast::iequals(name, "Authorization") || beast::iequals(name, "Content-Length") ||
            beast::iequals(name, "Host") || beast::iequals(name, "Cookie"))
            continue;
        auto mapped = ids.find("etag:" + value);
        req.insert(name, beast::iequals(name, "If-None-Match") && mapped != ids.end() ? mapped->second : value);
    }
    req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
    if (auto auth = authorization_for(c); !auth.empty()) req.set(bhttp::field::authorization, auth);
    req.body() = c.request.body;
    req.prepare_payload();
    stream.expires_after(std::chrono::seconds(10));
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (c.method == "HEAD") parser.skip(true);
    bhttp::read(stream, buffer, parser);
    observed_response out;
    auto& res = parser.get();
    out.status = res.result_int();
    for (const auto& field : res)
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    out.body = res.body();
    return out;
}

std::string readme_text()
{
    std::ifstream in(prereadd::test::source_path("tests/sim/README.md"));
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A recording's comparison: how the simulator's answer differs, and its body.
struct replayed_answer {
    std::vector<std::string> differences;
    std::string body;
};

// Every recording of `set` replayed in the order it was recorded, against one
// simulator seeded with the recorded instance's state, each answer compared
// as it comes: a recording's answer depends on the history before it, and
// one replay serves them all (replaying the history again for each recording
// cost 40 s a run; the suite runs as one CTest test for that reason).
const std::vector<replayed_answer>& replayed(const recording_set& set)
{
    static std::map<const recording_set*, std::vector<replayed_answer>> done;
    if (auto it = done.find(&set); it != done.end()) return it->second;
    const auto& captures = set.captures();
    std::vector<replayed_answer> out(captures.size());
    nextcloud sim(set.server_options());
    set.seed(sim);
    id_map ids;
    for (std::size_t i : set.order(captures)) {
        set.before(sim, captures[i]);
        auto observed = send(sim.port(), captures[i], ids);
        out[i] = {compare_responses(captures[i], observed), observed.body};
        learn_ids(captures[i], observed, ids);
    }
    return done.emplace(&set, std::move(out)).first->second;
}

// The recording `index`'s answer after the history before it: it must match,
// unless `may_differ` (the README's table says the simulator does not answer
// like it yet), and then it must not.
void replay_and_compare(const recording_set& set, std::size_t index, bool may_differ = false)
{
    const capture& target = set.captures().at(index);
    const auto& [differences, body] = replayed(set).at(index);
    std::string report;
    for (const auto& d : differences) report += "  " + d + "\n";
    if (may_differ) {
        // The table must stay true: a recording that matches now says so.
        EXPECT_FALSE(differences.empty()) << target.name << " matches now: mark it \"matches\" in tests/sim/README.md";
        return;
    }
    EXPECT_TRUE(differences.empty()) << target.name << " (" << target.description << ") differs:\n"
                                     << report << "simulator body:\n"
                                     << body.substr(0, 2000);
}

std::string test_name(const std::vector<capture>& captures, std::size_t i)
{
    std::string name = captures.at(i).name;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return "r" + name;
}

class fidelity : public ::testing::TestWithParam<std::size_t> {};

// A recording's row in tests/sim/README.md: "matches", or "differs" (recorded
// before the simulator answers it; the suite holds that to the truth too).
bool differs_by_readme(const std::string& row)
{
    static const std::string readme = readme_text();
    const bool matches = readme.find("| `" + row + ".http` | matches |") != std::string::npos;
    const bool differs = readme.find("| `" + row + ".http` | differs |") != std::string::npos;
    EXPECT_TRUE(matches || differs) << "tests/sim/README.md needs a row for " << row << ".http";
    return differs;
}

TEST_P(fidelity, simulator_answers_like_the_recording)
{
    replay_and_compare(nextcloud_29, GetParam(), differs_by_readme(all_captures().at(GetParam()).name));
}

INSTANTIATE_TEST_SUITE_P(recordings, fidelity, ::testing::Range<std::size_t>(0, all_captures().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& p) {
                             return test_name(all_captures(), p.param);
                         });

// The Nextcloud 34.0.1 recordings against the simulator speaking 34.
class fidelity_34 : public ::testing::TestWithParam<std::size_t> {};

TEST_P(fidelity_34, simulator_answers_like_the_recording)
{
    replay_and_compare(nextcloud_34, GetParam(),
                       differs_by_readme("captures-34/" + all_captures_34().at(GetParam()).name));
}

INSTANTIATE_TEST_SUITE_P(recordings34, fidelity_34, ::testing::Range<std::size_t>(0, all_captures_34().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& p) {
                             return test_name(all_captures_34(), p.param);
                         });

TEST(fidelity_suite, every_recording_is_loaded)
{
    // A new recording is replayed like the others, and fails until the simulator answers it.
    EXPECT_GE(all_captures().size(), 129u);
    EXPECT_GE(all_captures_34().size(), 94u);
}

}  // namespace
}  // namespace prereadd::sim

namespace prereadd::sim {
namespace {

// Replays the recordings up to and including those whose names start with `last`.
void replay_through(nextcloud& sim, const std::string& last)
{
    const auto& captures = all_captures();
    id_map ids;
    bool reached = false;
    for (std::size_t i : replay_order(captures)) {
        if (reached && !captures[i].name.starts_with(last)) break;
        before_recording(sim, captures[i]);
        learn_ids(captures[i], send(sim.port(), captures[i], ids), ids);
        reached = reached || captures[i].name.starts_with(last);
    }
}

std::vector<std::string> lines_about(const std::vector<std::string>& lines, const std::string& url_part)
{
    std::vector<std::string> out;
    for (const auto& text : lines) {
        auto j = nlohmann::json::parse(text);
        // Reads only: the sample leaves the login lines of other sections out.
        if (j["url"].get<std::string>().find(url_part) == std::string::npos || j["method"] != "GET") continue;
        out.push_back(j["user"].get<std::string>() + " " + j["method"].get<std::string>() + " " +
                      j["message"].get<std::string>());
    }
    return out;
}

std::vector<std::string> recorded_audit_lines()
{
    std::ifstream in(prereadd::test::nextcloud29_recordings() + "/audit-log-sample.jsonl");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

TEST(audit_log, reads_write_the_recorded_nextcloud_29_lines)
{
    nextcloud sim(recorded_options());
    seed_recorded_world(sim);
    replay_through(sim, "12d");
    const auto recorded = recorded_audit_lines();
    for (const char* url : {"/remote.php/dav/files/bob/Alpha/agenda.md", "/index.php/core/preview?fileId=14",
                            "/index.php/core/preview?fileId=16", "/index.php/s/", "/public.php/webdav/"}) {
        auto expected = lines_about(recorded, url);
        auto actual = lines_about(sim.audit_lines(), url);
        // The recording holds one request per URL; the replay may hold several
        // (e.g. 12a's URL is read once), so compare the first request's lines.
        ASSERT_FALSE(expected.empty()) << url;
        ASSERT_GE(actual.size(), expected.size()) << url;
        actual.resize(expected.size());
        EXPECT_EQ(actual, expected) << url;
    }
}

TEST(audit_log, newer_format_names_the_file_id_and_the_storage_path)
{
    auto opts = recorded_options();
    opts.audit = audit_format::with_file_ids;
    nextcloud sim(opts);
    seed_recorded_world(sim);
    replay_through(sim, "12a");
    auto lines = lines_about(sim.audit_lines(), "/remote.php/dav/files/bob/Alpha/agenda.md");
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "bob GET File with id \"14\" accessed: \"/Projects/Alpha/agenda.md\"");
}

TEST(audit_log, lines_are_appended_to_the_configured_file)
{
    auto path = std::filesystem::temp_directory_path() / ("prereadd-sim-audit-" + std::to_string(::getpid()) + ".log");
    std::filesystem::remove(path);
    {
        auto opts = recorded_options();
        opts.audit_log = path;
        nextcloud sim(opts);
        seed_recorded_world(sim);
        replay_through(sim, "12a");
        std::ifstream in(path);
        std::size_t count = 0;
        for (std::string line; std::getline(in, line);) {
            ++count;
            EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << line;
        }
        EXPECT_EQ(count, sim.audit_lines_written());
        EXPECT_GT(count, 10u);
    }
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace prereadd::sim

namespace prereadd::sim {
namespace {

TEST(fidelity_suite, readme_table_says_which_recordings_match)
{
    std::ifstream in(prereadd::test::source_path("tests/sim/README.md"));
    ASSERT_TRUE(in) << prereadd::test::source_path("tests/sim/README.md");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& c : all_captures()) {
        const std::string row = "| `" + c.name + ".http` | ";
        EXPECT_THAT(text, ::testing::HasSubstr(row)) << "tests/sim/README.md needs a row " << row;
    }
}

}  // namespace
}  // namespace prereadd::sim

namespace prereadd::sim {
namespace {

TEST(fidelity_suite, dates_compare_by_form_whatever_the_weekday)
{
    // The preview's Last-Modified (12b) names the weekday: a Monday and a Wednesday have the same form.
    EXPECT_EQ(value_form("Mon, 30 Nov 2026 09:14:19 +0000"), value_form("Wed, 25 Nov 2026 12:44:30 +0000"));
    EXPECT_EQ(value_form("Mon, 30 Nov 2026 09:14:19 GMT"), value_form("Wed, 25 Nov 2026 12:44:30 GMT"));
    EXPECT_NE(value_form("Wed, 25 Nov 2026 12:44:30 GMT"), value_form("Wed, 25 Nov 2026 12:44:30 +0000"))
        << "the two date forms are told apart";
    // Talk's session ids are random: only their length is compared.
    const std::string a(255, 'A');
    std::string b(255, 'b');
    b[7] = '+';
    b[100] = '/';
    std::string c = a;
    c[3] = '/';
    EXPECT_EQ(value_form(b), value_form(c));
}

}  // namespace
}  // namespace prereadd::sim
