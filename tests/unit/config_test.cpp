// Configuration loading: the valid example passes, and each broken variant is
// refused with a message naming the file and the field at fault.
#include "daemon/config.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

namespace prereadd::daemon {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const char* const valid_global = R"({
  // comments are allowed
  "nextcloud": {
    "url": "https://cloud.example.org/nextcloud/",
    "user": "preread",
    "app_password_file": "app-password",
    "max_connections": 4
  },
  "state_directory": "/var/lib/prereadd",
  "audit_log": "/var/www/nextcloud/data/audit.log",
  "poll_interval": "PT1M",
  "metrics": {"listen": "127.0.0.1:9864"}
})";

const char* const valid_project = R"({
  "id": "alpha",
  "folder": "/Projects/Alpha",
  "time_zone": "Europe/Berlin",
  "participants": {"users": ["alice"], "groups": ["team-alpha"], "from_shares": true},
  "facilitators": ["alice"],
  "sessions": [
    {"title": "Kick-off", "start": "2026-12-02T10:00", "duration": "PT2H"},
    {"title": "Review", "start": "2026-12-09T10:00"},
    {"title": "Close", "start": "2026-12-16T10:00:30"}
  ],
  "weekly": [{"title": "Sync", "days": ["WE", "friday"], "time": "14:00", "first": "2026-12-09", "count": 4,
              "except": ["2026-12-23"]}],
  "reminders": {"lead_times": ["P1D", "P3D"], "digest": "PT2H", "personal": true, "acknowledge_with": "\u2705"},
  "pre_reads": "session_folder",
  "talk": {"conversation": "4csmt372"},
  "deck": {"board": 2, "stack": 4}
})";

class config_test : public ::testing::Test {
protected:
    void SetUp() override
    {
        fs::create_directories(dir / "projects.d");
        write(global_file(), valid_global);
        write(project_file(), valid_project);
        write(dir / "app-password", "s3cret-app-password\n");
        ::chmod((dir / "app-password").c_str(), 0600);
    }
    fs::path global_file() const { return dir / "prereadd.json"; }
    fs::path project_file() const { return dir / "projects.d" / "alpha.json"; }

    static void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

    static void edit(const fs::path& p, const std::function<void(json&)>& change)
    {
        std::ifstream in(p);
        json j = json::parse(in, nullptr, true, true);
        change(j);
        write(p, j.dump(2));
    }

    load_result load() const { return load_configuration(global_file(), env); }

    // Asserts exactly one error, in `file`, for `field`, whose message has `words`.
    void expect_single_error(const fs::path& file, const std::string& field, const std::string& words) const
    {
        auto result = load();
        EXPECT_FALSE(result.config.has_value());
        ASSERT_EQ(result.errors.size(), 1u) << describe(result);
        const auto& e = result.errors.front();
        EXPECT_EQ(e.file, file) << e.to_string();
        EXPECT_EQ(e.field, field) << e.to_string();
        EXPECT_NE(e.message.find(words), std::string::npos) << e.to_string();
        auto text = e.to_string();
        EXPECT_NE(text.find(file.string()), std::string::npos) << text;
        if (!field.empty()) {
            EXPECT_NE(text.find(field), std::string::npos) << text;
        }
    }

    static std::string describe(const load_result& r)
    {
        std::string s;
        for (const auto& e : r.errors) s += e.to_string() + '\n';
        return s;
    }

    test::temp_dir dir;
    environment env;
};

TEST_F(config_test, valid_configuration_loads_with_every_value)
{
    auto result = load();
    ASSERT_TRUE(result.config) << describe(result);
    const auto& c = *result.config;
    EXPECT_EQ(c.global.nextcloud.base.origin.host, "cloud.example.org");
    EXPECT_EQ(c.global.nextcloud.base.target, "/nextcloud");
    EXPECT_EQ(c.global.nextcloud.app_password.reveal_for_authorization(), "s3cret-app-password");
    EXPECT_EQ(c.global.nextcloud.app_password_file, dir / "app-password");
    EXPECT_EQ(c.global.poll_interval, std::chrono::seconds(60));
    EXPECT_EQ(c.global.projects_directory, dir / "projects.d");
    EXPECT_EQ(c.global.metrics.port, 9864);
    ASSERT_EQ(c.projects.size(), 1u);
    const auto& p = c.projects.front();
    EXPECT_EQ(p.id, "alpha");
    EXPECT_EQ(p.time_zone->name(), "Europe/Berlin");
    EXPECT_EQ(p.sessions.size(), 3u);
    EXPECT_EQ(p.sessions[0].duration, std::chrono::hours(2));
    EXPECT_EQ(p.sessions[1].duration, std::chrono::hours(1));
    ASSERT_EQ(p.weekly.size(), 1u);
    EXPECT_EQ(p.weekly[0].days.size(), 2u);
    ASSERT_EQ(p.lead_times.size(), 2u);
    EXPECT_EQ(p.lead_times[0], std::chrono::hours(72));  // longest first
    EXPECT_EQ(p.digest, std::chrono::hours(2));
    EXPECT_TRUE(p.personal_reminders);
    EXPECT_FALSE(p.when_all_ready);
    EXPECT_EQ(p.acknowledge_with, "\u2705");
    EXPECT_EQ(p.pre_reads, scheduler::pre_read_scope::session_folder);
    ASSERT_TRUE(p.deck);
    EXPECT_EQ(p.deck->stack, 4);
}

TEST_F(config_test, credentials_directory_is_used_for_relative_password_files)
{
    fs::create_directories(dir / "creds");
    write(dir / "creds" / "app-password", "from-systemd\n");
    ::chmod((dir / "creds" / "app-password").c_str(), 0400);
    fs::remove(dir / "app-password");
    env.credentials_directory = dir / "creds";
    auto result = load();
    ASSERT_TRUE(result.config) << describe(result);
    EXPECT_EQ(result.config->global.nextcloud.app_password.reveal_for_authorization(), "from-systemd");
}

TEST_F(config_test, several_problems_are_all_reported)
{
    edit(project_file(), [](json& j) {
        j["time_zone"] = "Mars/Olympus";
        j["folder"] = "Projects";
    });
    edit(global_file(), [](json& j) { j["poll_interval"] = "often"; });
    auto result = load();
    EXPECT_EQ(result.errors.size(), 3u) << describe(result);
}

TEST_F(config_test, syntax_error_gives_line_and_column)
{
    write(global_file(), "{\n  \"nextcloud\": {\n    \"url\": \"https://x\",\n  }\n  oops\n}\n");
    auto result = load();
    ASSERT_EQ(result.errors.size(), 1u) << describe(result);
    EXPECT_EQ(result.errors[0].file, global_file());
    EXPECT_EQ(result.errors[0].line, 4u);
    EXPECT_GT(result.errors[0].column, 0u);
    EXPECT_NE(result.errors[0].to_string().find(global_file().string() + ":4:"), std::string::npos);
}

TEST_F(config_test, syntax_error_in_project_file_names_that_file)
{
    write(project_file(), "{\"id\": \"alpha\",,}");
    auto result = load();
    ASSERT_EQ(result.errors.size(), 1u) << describe(result);
    EXPECT_EQ(result.errors[0].file, project_file());
    EXPECT_EQ(result.errors[0].line, 1u);
    EXPECT_EQ(result.errors[0].column, 16u);
}

TEST_F(config_test, password_file_must_not_be_readable_by_others)
{
    ::chmod((dir / "app-password").c_str(), 0644);
    expect_single_error(global_file(), "nextcloud.app_password_file", "mode 0644");
}

TEST_F(config_test, password_file_readable_by_group_is_refused)
{
    ::chmod((dir / "app-password").c_str(), 0640);
    expect_single_error(global_file(), "nextcloud.app_password_file", "owner only");
}

TEST_F(config_test, password_never_appears_in_messages)
{
    ::chmod((dir / "app-password").c_str(), 0644);
    auto result = load();
    for (const auto& e : result.errors) EXPECT_EQ(e.to_string().find("s3cret"), std::string::npos);
}

struct broken_case {
    const char* name;
    bool in_project;  // which file is edited
    std::function<void(json&)> change;
    const char* field;
    const char* words;
};

void PrintTo(const broken_case& c, std::ostream* os) { *os << c.name; }

class config_broken_test : public config_test, public ::testing::WithParamInterface<broken_case> {};

TEST_P(config_broken_test, is_refused_naming_file_and_field)
{
    const auto& c = GetParam();
    const fs::path file = c.in_project ? project_file() : global_file();
    edit(file, c.change);
    expect_single_error(file, c.field, c.words);
}

const broken_case broken_cases[] = {
    {"unknown_top_level_field", false, [](json& j) { j["pol_interval"] = "PT1M"; }, "pol_interval",
     "did you mean \"poll_interval\""},
    {"unknown_nested_field", false, [](json& j) { j["nextcloud"]["usr"] = "x"; }, "nextcloud.usr", "unknown field"},
    {"missing_url", false, [](json& j) { j["nextcloud"].erase("url"); }, "nextcloud.url", "is required"},
    {"url_not_http", false, [](json& j) { j["nextcloud"]["url"] = "ftp://cloud.example.org"; }, "nextcloud.url",
     "only http and https"},
    {"plain_http_to_remote_host", false, [](json& j) { j["nextcloud"]["url"] = "http://cloud.example.org"; },
     "nextcloud.url", "loopback"},
    {"credentials_in_url", false, [](json& j) { j["nextcloud"]["url"] = "https://u:p@cloud.example.org"; },
     "nextcloud.url", "credentials in URLs"},
    {"url_wrong_type", false, [](json& j) { j["nextcloud"]["url"] = 42; }, "nextcloud.url", "must be a string"},
    {"missing_user", false, [](json& j) { j["nextcloud"].erase("user"); }, "nextcloud.user", "is required"},
    {"missing_password_file", false, [](json& j) { j["nextcloud"]["app_password_file"] = "nope"; },
     "nextcloud.app_password_file", "No such file"},
    {"missing_ca_file", false, [](json& j) { j["nextcloud"]["ca_file"] = "/nonexistent/ca.pem"; },
     "nextcloud.ca_file", "does not exist"},
    {"max_connections_zero", false, [](json& j) { j["nextcloud"]["max_connections"] = 0; },
     "nextcloud.max_connections", "between 1 and 64"},
    {"max_connections_fraction", false, [](json& j) { j["nextcloud"]["max_connections"] = 2.5; },
     "nextcloud.max_connections", "whole number"},
    {"poll_interval_not_iso", false, [](json& j) { j["poll_interval"] = "60s"; }, "poll_interval",
     "ISO 8601 duration"},
    {"poll_interval_too_short", false, [](json& j) { j["poll_interval"] = "PT1S"; }, "poll_interval",
     "between PT10S"},
    {"state_directory_relative", false, [](json& j) { j["state_directory"] = "state"; }, "state_directory",
     "absolute"},
    {"audit_log_relative", false, [](json& j) { j["audit_log"] = "audit.log"; }, "audit_log", "absolute"},
    {"metrics_not_loopback", false, [](json& j) { j["metrics"]["listen"] = "0.0.0.0:9864"; }, "metrics.listen",
     "not a loopback"},
    {"metrics_bad_address", false, [](json& j) { j["metrics"]["listen"] = "localhost"; }, "metrics.listen",
     "IP address and port"},
    {"projects_directory_missing", false, [](json& j) { j["projects_directory"] = "nowhere.d"; },
     "projects_directory", "does not exist"},
    {"top_level_not_object", false, [](json& j) { j = json::array(); }, "(top level)", "must be an object"},
    {"missing_project_id", true, [](json& j) { j.erase("id"); }, "id", "is required"},
    {"bad_project_id", true, [](json& j) { j["id"] = "Alpha Project"; }, "id", "not a project id"},
    {"missing_folder", true, [](json& j) { j.erase("folder"); }, "folder", "is required"},
    {"relative_folder", true, [](json& j) { j["folder"] = "Projects/Alpha"; }, "folder", "starting with '/'"},
    {"folder_escapes", true, [](json& j) { j["folder"] = "/Projects/../../etc"; }, "folder", ".."},
    {"unknown_time_zone", true, [](json& j) { j["time_zone"] = "Europe/Berlinn"; }, "time_zone",
     "not a time zone"},
    {"missing_time_zone", true, [](json& j) { j.erase("time_zone"); }, "time_zone", "is required"},
    {"no_participants", true, [](json& j) { j["participants"] = json::object(); }, "participants",
     "names no participants"},
    {"participant_not_string", true, [](json& j) { j["participants"]["users"] = {"alice", 7}; },
     "participants.users[1]", "must be a string"},
    {"participant_twice", true, [](json& j) { j["participants"]["users"] = {"alice", "alice"}; },
     "participants.users[1]", "listed twice"},
    {"from_talk_without_talk", true,
     [](json& j) {
         j.erase("talk");
         j["participants"]["from_talk"] = true;
     },
     "participants.from_talk", "Talk conversation"},
    {"session_start_invalid", true, [](json& j) { j["sessions"][2]["start"] = "2026-12-16 10:00"; },
     "sessions[2].start", "YYYY-MM-DDTHH:MM"},
    {"session_start_not_a_date", true, [](json& j) { j["sessions"][1]["start"] = "2026-02-30T10:00"; },
     "sessions[1].start", "not a calendar date"},
    {"session_start_in_dst_gap", true, [](json& j) { j["sessions"][0]["start"] = "2026-03-29T02:30"; },
     "sessions[0].start", "does not exist in Europe/Berlin"},
    {"session_without_title", true, [](json& j) { j["sessions"][0].erase("title"); }, "sessions[0].title",
     "is required"},
    {"session_unknown_field", true, [](json& j) { j["sessions"][1]["end"] = "2026-12-09T11:00"; },
     "sessions[1].end", "unknown field"},
    {"session_duration_zero", true, [](json& j) { j["sessions"][0]["duration"] = "PT0S"; },
     "sessions[0].duration", "between PT1M"},
    {"weekly_bad_day", true, [](json& j) { j["weekly"][0]["days"] = {"WE", "XX"}; }, "weekly[0].days[1]",
     "not a weekday"},
    {"weekly_count_and_until", true, [](json& j) { j["weekly"][0]["until"] = "2027-01-31"; }, "weekly[0].until",
     "not both"},
    {"weekly_endless", true, [](json& j) { j["weekly"][0].erase("count"); }, "weekly[0]", "count or until"},
    {"weekly_bad_time", true, [](json& j) { j["weekly"][0]["time"] = "25:00"; }, "weekly[0].time",
     "time of day"},
    {"lead_time_in_months", true, [](json& j) { j["reminders"]["lead_times"] = {"P1M"}; },
     "reminders.lead_times[0]", "years and months"},
    {"lead_time_garbage", true, [](json& j) { j["reminders"]["lead_times"] = {"P3D", "three days"}; },
     "reminders.lead_times[1]", "ISO 8601 duration"},
    {"lead_time_twice", true, [](json& j) { j["reminders"]["lead_times"] = {"P1D", "PT24H"}; },
     "reminders.lead_times[1]", "listed twice"},
    {"digest_not_a_duration", true, [](json& j) { j["reminders"]["digest"] = "an hour before"; }, "reminders.digest",
     "ISO 8601 duration"},
    {"personal_not_boolean", true, [](json& j) { j["reminders"]["personal"] = "yes"; }, "reminders.personal",
     "must be true or false"},
    {"acknowledge_with_empty", true, [](json& j) { j["reminders"]["acknowledge_with"] = ""; },
     "reminders.acknowledge_with", "must not be empty"},
    {"acknowledge_with_a_sentence", true,
     [](json& j) { j["reminders"]["acknowledge_with"] = "a thumbs up or a check mark, whatever you like"; },
     "reminders.acknowledge_with", "one emoji"},
    {"pre_reads_unknown_scope", true, [](json& j) { j["pre_reads"] = "labels"; }, "pre_reads",
     "\"folder\", \"session_folder\" or \"tag\""},
    {"tag_prefix_without_tag_scope", true, [](json& j) { j["pre_read_tag_prefix"] = "alpha-"; }, "pre_read_tag_prefix",
     "applies only with"},
    {"talk_token_invalid", true, [](json& j) { j["talk"]["conversation"] = "https://cloud/call/4csmt372"; },
     "talk.conversation", "not a Talk conversation token"},
    {"deck_board_not_positive", true, [](json& j) { j["deck"]["board"] = -2; }, "deck.board", "between 1"},
    {"deck_stack_missing", true, [](json& j) { j["deck"].erase("stack"); }, "deck.stack", "is required"},
};

INSTANTIATE_TEST_SUITE_P(cases, config_broken_test, ::testing::ValuesIn(broken_cases),
                         [](const ::testing::TestParamInfo<broken_case>& param_info) { return param_info.param.name; });

TEST_F(config_test, duplicate_project_id_names_both_files)
{
    write(dir / "projects.d" / "beta.json", valid_project);
    edit(dir / "projects.d" / "beta.json", [](json& j) { j["folder"] = "/Projects/Beta"; });
    expect_single_error(dir / "projects.d" / "beta.json", "id", project_file().string());
}

TEST_F(config_test, two_projects_on_one_folder_are_refused)
{
    write(dir / "projects.d" / "beta.json", valid_project);
    edit(dir / "projects.d" / "beta.json", [](json& j) { j["id"] = "beta"; });
    expect_single_error(dir / "projects.d" / "beta.json", "folder", "already watched");
}

TEST_F(config_test, only_json_files_are_project_files)
{
    write(dir / "projects.d" / "alpha.json~", "not json");
    write(dir / "projects.d" / "README", "notes");
    write(dir / "projects.d" / ".beta.json", "{");
    auto result = load();
    ASSERT_TRUE(result.config) << describe(result);
    EXPECT_EQ(result.config->projects.size(), 1u);
}

TEST_F(config_test, missing_global_file_is_reported)
{
    fs::remove(global_file());
    auto result = load();
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].file, global_file());
    EXPECT_NE(result.errors[0].message.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace prereadd::daemon
