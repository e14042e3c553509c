// Replays every recording of tests/recordings/moodle-api/captures against the Moodle
// simulator, in the order they were made and with the recorded state, and
// compares each answer with what the real Moodle 4.5.6 said. One the
// simulator cannot answer fails the suite.
#include "tests/support/source_tree.hpp"
#include "tests/sim/compare.hpp"
#include "tests/sim/moodle.hpp"
#include "tests/sim/recorded_moodle.hpp"

#include <gtest/gtest.h>

namespace prereadd::sim {
namespace {

const std::vector<capture>& moodle_captures()
{
    static const std::vector<capture> captures = load_captures(prereadd::test::moodle_recordings());
    return captures;
}

// The recording's request with the simulator's token for its user in place
// of the redaction.
std::string with_token(std::string text, const std::string& user)
{
    const std::string placeholder = "<token>";
    for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder))
        text.replace(at, placeholder.size(), recorded_token(user));
    return text;
}

// A recorded answer with its redactions replaced by values of the real form
// (a token is 32 hex characters), so that it parses and compares by form.
capture unredacted(capture c)
{
    const std::string placeholder = "<token>";
    auto& body = c.response.body;
    for (auto at = body.find(placeholder); at != std::string::npos; at = body.find(placeholder))
        body.replace(at, placeholder.size(), "0123456789abcdef0123456789abcdef");
    return c;
}

observed_response observe(moodle_world& w, const capture& c)
{
    auto answer = answer_moodle(w, c.method, with_token(c.target, c.user), with_token(c.request.body, c.user));
    observed_response out;
    out.status = answer.status;
    out.headers.emplace_back("Content-Type", answer.content_type);
    if (answer.content_type.starts_with("application/xml"))
        out.headers.emplace_back("Content-Disposition", "inline; filename=\"response.xml\"");
    if (answer.token_endpoint) out.headers.emplace_back("Last-Modified", "Mon, 30 Nov 2026 09:03:12 GMT");
    out.body = answer.body;
    return out;
}

void replay_and_compare(std::size_t index)
{
    const auto& captures = moodle_captures();
    moodle_world w;
    w.siteurl = "http://127.0.0.1:8081";
    seed_recorded_moodle(w);
    for (std::size_t i : moodle_replay_order(captures)) {
        before_moodle_recording(w, captures[i]);
        auto observed = observe(w, captures[i]);
        if (i != index) continue;
        const capture recorded = unredacted(captures[i]);
        auto differences = compare_responses(recorded, observed);
        // Clients branch on Moodle's errorcode: the exception object must match exactly.
        auto e = nlohmann::json::parse(recorded.response.body, nullptr, false);
        auto a = nlohmann::json::parse(observed.body, nullptr, false);
        if (e.is_object() && e.contains("errorcode"))
            for (const char* key : {"exception", "errorcode", "message", "debuginfo"})
                if (e.value(key, "") != (a.is_object() ? a.value(key, "") : std::string()))
                    differences.push_back(std::string(key) + ": expected \"" + e.value(key, "") + "\", got \"" +
                                          (a.is_object() ? a.value(key, "") : std::string()) + "\"");
        std::string report;
        for (const auto& d : differences) report += "  " + d + "\n";
        EXPECT_TRUE(differences.empty()) << recorded.name << " (" << recorded.description << ") differs:\n"
                                         << report << "simulator body:\n"
                                         << observed.body.substr(0, 2000);
        return;
    }
    FAIL() << "recording " << index << " not replayed";
}

std::string test_name(std::size_t i)
{
    std::string name = moodle_captures().at(i).name;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return "r" + name;
}

class moodle_fidelity : public ::testing::TestWithParam<std::size_t> {};

TEST_P(moodle_fidelity, simulator_answers_like_the_recording) { replay_and_compare(GetParam()); }

INSTANTIATE_TEST_SUITE_P(recordings, moodle_fidelity, ::testing::Range<std::size_t>(0, moodle_captures().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& p) { return test_name(p.param); });

TEST(moodle_fidelity_suite, every_recording_is_loaded)
{
    EXPECT_GE(moodle_captures().size(), 68u);
}

TEST(moodle_fidelity_suite, the_server_sends_moodles_headers)
{
    moodle sim;
    sim.with_world([](moodle_world& w) { seed_recorded_moodle(w); });
    // Over the network once: the headers the in-process replay does not see.
    const auto c = moodle_captures().at(1);  // 01a
    ASSERT_EQ(c.name, "01a-site-info");
    boost::asio::io_context io;
    boost::beast::tcp_stream stream(io);
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), sim.port()));
    namespace bhttp = boost::beast::http;
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, c.target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
    req.body() = with_token(c.request.body, c.user);
    req.prepare_payload();
    bhttp::write(stream, req);
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200);
    for (const char* name : {"Cache-Control", "Expires", "Pragma", "Accept-Ranges", "Access-Control-Allow-Origin",
                             "Content-Type"})
        EXPECT_EQ(std::string(res[name]), c.response.header(name)) << name;
    EXPECT_EQ(res.count(bhttp::field::set_cookie), 0u);
    EXPECT_EQ(res.count(bhttp::field::etag), 0u);
}

}  // namespace
}  // namespace prereadd::sim
