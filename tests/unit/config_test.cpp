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

TEST_F(config_test, a_moodle_site_and_a_course_instead_of_a_folder)
{
    write(dir / "moodle-token", "0123456789abcdef0123456789abcdef\n");
    ::chmod((dir / "moodle-token").c_str(), 0600);
    edit(global_file(), [](json& j) {
        j["moodle"] = {{"url", "https://learn.example.org/"},
                       {"token_file", "moodle-token"},
                       {"max_connections", 2},
                       {"refresh_every", 5}};
    });
    edit(project_file(), [](json& j) {
        j.erase("folder");
        j.erase("participants");
        j["pre_reads"] = "folder";
        j["moodle"] = {{"course", "ETR-2026"}, {"roles", {"student", "guest"}}, {"group", "Group A"},
                       {"map_by", "email"},    {"map", {{"17", "dave"}}},       {"modules", "section_with_date"}};
        j["sessions"][0]["moodle_section"] = 2;
        j["sessions"][1]["moodle_section"] = "Week 2";
        j["weekly"][0]["moodle_first_section"] = 1;
    });
    auto result = load();
    ASSERT_TRUE(result.config) << describe(result);
    const auto& site = *result.config->global.moodle;
    EXPECT_EQ(site.base.to_string(), "https://learn.example.org:443");
    EXPECT_EQ(site.token.reveal_for_authorization(), "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(site.max_connections, 2u);
    EXPECT_EQ(site.refresh_every, 5u);
    const auto& p = result.config->projects[0];
    EXPECT_TRUE(p.folder.empty());
    ASSERT_TRUE(p.moodle);
    EXPECT_EQ(p.moodle->shortname, "ETR-2026");
    EXPECT_FALSE(p.moodle->course_id);
    EXPECT_EQ(p.moodle->roles, (std::vector<std::string>{"student", "guest"}));
    EXPECT_EQ(p.moodle->group, "Group A");
    EXPECT_EQ(p.moodle->map_by, moodle_course_config::mapping::email);
    EXPECT_EQ(p.moodle->map.at("17"), "dave");
    EXPECT_EQ(p.moodle->modules, scheduler::module_scope::section_with_date);
    EXPECT_EQ(p.sessions[0].moodle_section.number, 2);
    EXPECT_EQ(p.sessions[1].moodle_section.name, "Week 2");
    EXPECT_TRUE(p.sessions[2].moodle_section.empty());
    EXPECT_EQ(p.weekly[0].moodle_first_section, 1);

    // The defaults: a course by id, students, mapped by username, the whole course.
    edit(project_file(), [](json& j) { j["moodle"] = {{"course", 42}}; });
    auto defaults = load();
    ASSERT_TRUE(defaults.config) << describe(defaults);
    const auto& c = *defaults.config->projects[0].moodle;
    EXPECT_EQ(c.course_id, 42);
    EXPECT_EQ(c.roles, std::vector<std::string>{"student"});
    EXPECT_EQ(c.map_by, moodle_course_config::mapping::username);
    EXPECT_EQ(c.modules, scheduler::module_scope::whole_course);
}

TEST_F(config_test, moodle_mistakes_are_refused_naming_the_field)
{
    write(dir / "moodle-token", "token\n");
    ::chmod((dir / "moodle-token").c_str(), 0600);
    edit(project_file(), [](json& j) { j["moodle"] = {{"course", "ETR-2026"}}; });
    expect_single_error(project_file(), "moodle", "needs the Moodle site");

    const json site = {{"url", "https://learn.example.org"}, {"token_file", "moodle-token"}};
    edit(global_file(), [&](json& j) { j["moodle"] = site; });
    struct moodle_case {
        bool in_project;
        std::function<void(json&)> change;
        const char* field;
        const char* words;
    };
    const moodle_case cases[] = {
        {true, [](json& j) { j["moodle"]["course"] = true; }, "moodle.course", "short name"},
        {true, [](json& j) { j["moodle"]["map_by"] = "ldap"; }, "moodle.map_by", "\"username\", \"email\""},
        {true, [](json& j) { j["moodle"]["map_by"] = "map"; }, "moodle.map", "is needed"},
        {true,
         [](json& j) {
             j["moodle"]["map"] = {{"dave", 42}};
         },
         "moodle.map.dave", "user id"},
        {true, [](json& j) { j["moodle"]["modules"] = "all"; }, "moodle.modules", "whole_course"},
        {true, [](json& j) { j["moodle"]["roles"] = json::array(); }, "moodle.roles", "names no role"},
        {true, [](json& j) { j["sessions"][0]["moodle_section"] = -1; }, "sessions[0].moodle_section",
         "not a Moodle course section"},
        {true, [](json& j) { j["weekly"][0]["moodle_first_section"] = "one"; }, "weekly[0].moodle_first_section",
         "whole number"},
        {false, [](json& j) { j["moodle"]["url"] = "http://learn.example.org"; }, "moodle.url", "loopback"},
        {false, [](json& j) { j["moodle"].erase("token_file"); }, "moodle.token_file", "is required"},
        {false, [](json& j) { j["moodle"]["refresh_every"] = 0; }, "moodle.refresh_every", "between 1"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.field);
        const auto file = c.in_project ? project_file() : global_file();
        std::ifstream in(file);
        const std::string before((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        edit(file, c.change);
        expect_single_error(file, c.field, c.words);
        write(file, before);
    }
    ::chmod((dir / "moodle-token").c_str(), 0644);
    expect_single_error(global_file(), "moodle.token_file", "readable by its owner only");
}

// Several daemons on one PostgreSQL database (docs/scaling.md): the URI, its
// password from a file of its own, the lease time and this node's name.
TEST_F(config_test, a_shared_postgresql_database_with_its_password_file)
{
    auto sqlite = load();
    ASSERT_TRUE(sqlite.config) << describe(sqlite);
    EXPECT_FALSE(sqlite.config->global.database) << "SQLite in the state directory unless a database is named";

    edit(global_file(), [](json& j) { j["database"] = "postgresql://prereadd@db.example.org/prereadd"; });
    auto short_form = load();
    ASSERT_TRUE(short_form.config) << describe(short_form);
    const auto& d = *short_form.config->global.database;
    EXPECT_EQ(d.uri, "postgresql://prereadd@db.example.org/prereadd");
    EXPECT_FALSE(d.password);
    EXPECT_EQ(d.lease_time, std::chrono::seconds(60));
    EXPECT_FALSE(d.node.empty()) << "the host name by default";

    write(dir / "db-password", "db-s3cret\n");
    ::chmod((dir / "db-password").c_str(), 0600);
    edit(global_file(), [](json& j) {
        j["database"] = {{"url", "postgresql://prereadd@db.example.org/prereadd"},
                         {"password_file", "db-password"},
                         {"lease_time", "PT30S"},
                         {"node", "web2"}};
    });
    auto full = load();
    ASSERT_TRUE(full.config) << describe(full);
    const auto& f = *full.config->global.database;
    ASSERT_TRUE(f.password);
    EXPECT_EQ(f.password->reveal_for_authorization(), "db-s3cret");
    EXPECT_EQ(f.lease_time, std::chrono::seconds(30));
    EXPECT_EQ(f.node, "web2");

    edit(global_file(), [](json& j) { j["database"] = "postgresql://prereadd:db-s3cret@db.example.org/prereadd"; });
    expect_single_error(global_file(), "database", "password_file");
    const auto refused = load();
    ASSERT_FALSE(refused.errors.empty());
    EXPECT_THAT(refused.errors.front().to_string(), ::testing::Not(::testing::HasSubstr("db-s3cret")))
        << "the password is never repeated";
    edit(global_file(), [](json& j) { j["database"] = "mysql://db.example.org/prereadd"; });
    expect_single_error(global_file(), "database", "not a postgresql:// URI");
    ::chmod((dir / "db-password").c_str(), 0644);
    edit(global_file(), [](json& j) {
        j["database"] = {{"url", "postgresql://prereadd@db/prereadd"}, {"password_file", "db-password"}};
    });
    expect_single_error(global_file(), "database.password_file", "readable by its owner only");
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
