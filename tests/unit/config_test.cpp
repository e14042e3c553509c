// Configuration loading: the valid example passes, and each broken variant is
// refused with a message naming the file and the field at fault.
#include "config/configuration.hpp"
#include "tests/support/broken_configs.hpp"
#include "tests/support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

namespace prereadd::config {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using test::broken_case;
using test::broken_cases;
using test::valid_global;
using test::valid_project;

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
        EXPECT_THAT(e.message, ::testing::HasSubstr(words)) << e.to_string();
        auto text = e.to_string();
        EXPECT_THAT(text, ::testing::HasSubstr(file.string())) << text;
        if (!field.empty()) {
            EXPECT_THAT(text, ::testing::HasSubstr(field)) << text;
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

TEST_F(config_test, the_audit_log_as_one_file_several_files_syslog_or_the_journal)
{
    auto audit = [&](json value) {
        edit(global_file(), [&](json& j) { j["audit_log"] = value; });
        auto result = load();
        EXPECT_TRUE(result.config) << describe(result);
        return result.config ? result.config->global.audit_log.value_or(audit_config{}) : audit_config{};
    };
    auto one = audit("/var/www/nextcloud/data/audit.log");
    EXPECT_EQ(one.type, audit_config::kind::file);
    EXPECT_EQ(one.files, std::vector<fs::path>{"/var/www/nextcloud/data/audit.log"});
    EXPECT_EQ(audit(json::array({"/srv/web1/audit.log", "/srv/web2/audit.log"})).files.size(), 2u);
    auto syslog = audit({{"type", "syslog"}, {"files", {"/var/log/nextcloud.log"}}, {"tag", "nc-audit"}});
    EXPECT_EQ(syslog.type, audit_config::kind::syslog);
    EXPECT_EQ(syslog.tag, "nc-audit");
    auto journal = audit({{"type", "systemd"}});
    EXPECT_EQ(journal.type, audit_config::kind::systemd);
    EXPECT_EQ(journal.tag, "Nextcloud");
    EXPECT_EQ(config::describe(journal), "journal, SYSLOG_IDENTIFIER=Nextcloud");
}

TEST_F(config_test, calls_whiteboards_and_participants_zones)
{
    auto defaults = load();
    ASSERT_TRUE(defaults.config) << describe(defaults);
    const auto& d = defaults.config->projects[0];
    EXPECT_TRUE(d.talk->answer_status);
    EXPECT_TRUE(d.talk->call_link);
    EXPECT_EQ(d.calls.join_before, std::chrono::minutes(15));
    EXPECT_EQ(d.calls.grace, std::chrono::minutes(30));
    EXPECT_FALSE(d.calls.nudge_after);
    EXPECT_TRUE(d.calls.summary);

    edit(project_file(), [](json& j) {
        j["participants"]["time_zones"] = {{"carol", "Asia/Kolkata"}, {"dave", "America/New_York"}};
        j["sessions"][0]["whiteboard"] = "/boards/kick-off.whiteboard";
        j["weekly"][0]["whiteboard"] = "sync.whiteboard";
        j["talk"]["answer_status"] = false;
        j["talk"]["call_link"] = false;
        j["calls"] = {{"join_before", "PT30M"}, {"grace", "PT1H"}, {"nudge_after", "PT5M"}, {"summary", false}};
    });
    auto result = load();
    ASSERT_TRUE(result.config) << describe(result);
    const auto& p = result.config->projects[0];
    ASSERT_EQ(p.participants.time_zones.size(), 2u);
    EXPECT_EQ(p.participants.time_zones.at("carol")->name(), "Asia/Kolkata");
    EXPECT_EQ(p.sessions[0].whiteboard, "boards/kick-off.whiteboard") << "inside the project folder";
    EXPECT_EQ(p.weekly[0].whiteboard, "sync.whiteboard");
    EXPECT_FALSE(p.talk->answer_status);
    EXPECT_FALSE(p.talk->call_link);
    EXPECT_EQ(p.calls.join_before, std::chrono::minutes(30));
    EXPECT_EQ(p.calls.grace, std::chrono::hours(1));
    EXPECT_EQ(p.calls.nudge_after, std::chrono::minutes(5));
    EXPECT_FALSE(p.calls.summary);
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
    EXPECT_THAT(result.errors[0].to_string(), ::testing::HasSubstr(global_file().string() + ":4:"));
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

class config_broken_test : public config_test, public ::testing::WithParamInterface<broken_case> {};

TEST_P(config_broken_test, is_refused_naming_file_and_field)
{
    const auto& c = GetParam();
    const fs::path file = c.in_project ? project_file() : global_file();
    edit(file, c.change);
    expect_single_error(file, c.field, c.words);
}

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
    EXPECT_THAT(result.errors[0].message, ::testing::HasSubstr("cannot read"));
}

}  // namespace
}  // namespace prereadd::config
