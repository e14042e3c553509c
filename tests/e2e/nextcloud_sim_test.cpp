// nextcloud-sim as a process: started from a scenario, driven over its
// control port, its effects read back through WebDAV, OCS and the audit log.
#include "http/client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/run.hpp"
#include "tests/support/sim_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace prereadd {
namespace {

using namespace std::chrono_literals;

class nextcloud_sim_process : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto scenario = tmp.write("scenario.json", R"([
          {"op":"user","id":"preread","password":"pw","app_password":"app-pw"},
          {"op":"user","id":"bob","password":"bob-pw"},
          {"op":"group","id":"team-alpha","members":["bob"]},
          {"op":"mkdir","user":"preread","path":"/Projects"},
          {"op":"mkdir","user":"preread","path":"/Projects/Alpha"},
          {"op":"put","user":"preread","path":"/Projects/Alpha/agenda.md","content":"# Agenda","mime":"text/markdown"},
          {"op":"share","user":"preread","path":"/Projects/Alpha","type":"group","with":"team-alpha"}
        ])");
        audit_log = tmp / "audit.log";
        sim.emplace(NEXTCLOUD_SIM_BINARY, scenario, audit_log);
        base_url = sim->base_url();
        client.emplace(io.get_executor(), http::client_config{}, http::credential{"preread", http::secret("app-pw")});
    }

    void TearDown() override
    {
        if (sim) {
            EXPECT_EQ(sim->stop(), 0) << "nextcloud-sim should exit 0 on SIGTERM";
        }
    }

    nlohmann::json control(const nlohmann::json& op) { return sim->control(op); }

    http::outcome<http::response> get(const std::string& path, bool ocs = false)
    {
        http::request r;
        r.url = base_url + path;
        r.ocs = ocs;
        return test::run_awaitable(io, client->async_request(std::move(r)));
    }

    test::temp_dir tmp;
    std::filesystem::path audit_log;
    std::optional<test::sim_process> sim;
    std::string base_url;
    boost::asio::io_context io;
    std::optional<http::client> client;
};

TEST_F(nextcloud_sim_process, help_documents_the_control_interface)
{
    test::child_process help({NEXTCLOUD_SIM_BINARY, "--help"});
    std::string text;
    while (auto line = help.read_line(5s)) text += *line + "\n";
    EXPECT_THAT(text, ::testing::HasSubstr("/control")) << text;
    for (const char* op : {"\"open\"", "\"comment\"", "\"maintenance\"", "\"fault\"", "\"share\""})
        EXPECT_THAT(text, ::testing::HasSubstr(op)) << op;
}

TEST_F(nextcloud_sim_process, an_open_as_a_user_lands_in_the_audit_log)
{
    auto result = control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}});
    EXPECT_EQ(result.value("ok", false), true) << result.dump();
    std::ifstream in(audit_log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find(R"("message":"File accessed: \"\/Alpha\/agenda.md\"")"), std::string::npos) << text;
    EXPECT_THAT(text, ::testing::HasSubstr(R"("user":"bob")")) << text;
}

TEST_F(nextcloud_sim_process, a_comment_shows_in_webdav_and_in_the_activity_stream)
{
    control({{"op", "comment"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}, {"message", "Read it, @preread"}});
    http::request propfind;
    propfind.method = boost::beast::http::verb::propfind;
    propfind.url = base_url + "/remote.php/dav/files/preread/Projects/Alpha/agenda.md";
    propfind.headers.set("Depth", "0");
    propfind.body =
        R"(<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:prop><oc:comments-count/></d:prop></d:propfind>)";
    auto dav = test::run_awaitable(io, client->async_request(std::move(propfind)));
    ASSERT_TRUE(dav) << dav.error().message();
    EXPECT_THAT(dav->body, ::testing::HasSubstr("<oc:comments-count>1</oc:comments-count>")) << dav->body;

    auto activity = get("/ocs/v2.php/apps/activity/api/v2/activity/all?format=json&limit=5", true);
    ASSERT_TRUE(activity) << activity.error().message();
    EXPECT_THAT(activity->body, ::testing::HasSubstr("bob commented on Projects\\/Alpha\\/agenda.md"))
        << activity->body;
}

TEST_F(nextcloud_sim_process, maintenance_and_faults_are_switched_over_the_control_port)
{
    control({{"op", "maintenance"}, {"on", true}});
    auto status = get("/status.php");
    ASSERT_TRUE(status);
    EXPECT_THAT(status->body, ::testing::HasSubstr("\"maintenance\":true"));
    control({{"op", "maintenance"}, {"on", false}});

    control({{"op", "fault"}, {"kind", "status"}, {"status", 404}, {"route", "/status.php"}, {"count", 1}});
    auto faulted = get("/status.php");
    ASSERT_TRUE(faulted);
    EXPECT_EQ(faulted->status, 404u);
    auto after = get("/status.php");
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 200u);
}

TEST_F(nextcloud_sim_process, talk_messages_and_reactions_come_through_the_control_port)
{
    http::request create;
    create.method = boost::beast::http::verb::post;
    create.url = base_url + "/ocs/v2.php/apps/spreed/api/v4/room?format=json";
    create.ocs = true;
    create.headers.set("Content-Type", "application/json");
    create.body = R"({"roomType": 2, "roomName": "Alpha project"})";
    auto room = test::run_awaitable(io, client->async_request(std::move(create)));
    ASSERT_TRUE(room) << room.error().message();
    const std::string token = nlohmann::json::parse(room->body)["ocs"]["data"]["token"];
    http::request add;
    add.method = boost::beast::http::verb::post;
    add.url = base_url + "/ocs/v2.php/apps/spreed/api/v4/room/" + token + "/participants?format=json";
    add.ocs = true;
    add.headers.set("Content-Type", "application/json");
    add.body = R"({"newParticipant": "bob", "source": "users"})";
    ASSERT_TRUE(test::run_awaitable(io, client->async_request(std::move(add))));

    EXPECT_EQ(control({{"op", "say"}, {"user", "bob"}, {"token", token}, {"message", "Read it"}}).value("ok", false),
              true);
    EXPECT_EQ(control({{"op", "react"}, {"user", "bob"}, {"token", token}}).value("ok", false), true);
    auto history = get("/ocs/v2.php/apps/spreed/api/v1/chat/" + token + "?lookIntoFuture=0&limit=10&format=json", true);
    ASSERT_TRUE(history) << history.error().message();
    EXPECT_THAT(history->body, ::testing::HasSubstr("\"message\":\"Read it\"")) << history->body;
    EXPECT_THAT(history->body, ::testing::HasSubstr("\"systemMessage\":\"reaction\"")) << history->body;
}

TEST_F(nextcloud_sim_process, unknown_operations_are_refused_with_a_reason)
{
    http::request r;
    r.method = boost::beast::http::verb::post;
    r.url = sim->control_url() + "/control";
    r.anonymous = true;
    r.body = R"({"op":"teleport"})";
    auto res = test::run_awaitable(io, client->async_request(std::move(r)));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400u);
    EXPECT_THAT(res->body, ::testing::HasSubstr("teleport"));
}

}  // namespace
}  // namespace prereadd

namespace prereadd {
namespace {

TEST(nextcloud_sim_dialect, started_as_nextcloud_34_it_answers_and_logs_like_34)
{
    test::temp_dir tmp;
    auto scenario = tmp.write("scenario.json", R"([
      {"op":"user","id":"preread","password":"pw","app_password":"app-pw"},
      {"op":"user","id":"bob","password":"bob-pw"},
      {"op":"mkdir","user":"preread","path":"/Projects"},
      {"op":"put","user":"preread","path":"/Projects/agenda.md","content":"# Agenda","mime":"text/markdown"},
      {"op":"share","user":"preread","path":"/Projects/agenda.md","type":"user","with":"bob"}
    ])");
    test::sim_process sim(NEXTCLOUD_SIM_BINARY, scenario, tmp / "audit.log", std::chrono::seconds(10),
                          {"--dialect", "34"});
    boost::asio::io_context io;
    http::client client(io.get_executor(), http::client_config{}, http::credential{"preread", http::secret("app-pw")});
    http::request status;
    status.url = sim.base_url() + "/status.php";
    status.anonymous = true;
    auto answer = test::run_awaitable(io, client.async_request(std::move(status)));
    ASSERT_TRUE(answer) << answer.error().message();
    EXPECT_EQ(nlohmann::json::parse(answer->body)["version"], "34.0.1.2");
    EXPECT_EQ(sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/agenda.md"}}).value("ok", false), true);
    std::ifstream in(tmp / "audit.log");
    const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_THAT(log, ::testing::HasSubstr(R"(accessed: \"/bob/files/agenda.md\")")) << log;
    EXPECT_THAT(log, ::testing::HasSubstr(R"("scriptName":"/remote.php")")) << log;
    EXPECT_EQ(sim.stop(), 0);
}

}  // namespace
}  // namespace prereadd
