// The built prereadd binary on the shipped example configuration: valid as
// shipped, and exit 78 naming file and field for each typical mistake.
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

using prereadd::test::process_result;

process_result run(const std::vector<std::string>& args) { return prereadd::test::run_to_exit(args); }

class example_config_test : public ::testing::Test {
protected:
    void SetUp() override
    {
        fs::copy(PREREADD_EXAMPLES_DIR, dir.path(), fs::copy_options::recursive);
        ::chmod((dir / "app-password").c_str(), 0600);
    }
    process_result check_config() const
    {
        return run({PREREADD_BINARY, "--config", (dir / "prereadd.json").string(), "check-config"});
    }

    void replace_in(const fs::path& file, const std::string& from, const std::string& to) const
    {
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        std::string s = text.str();
        auto at = s.find(from);
        ASSERT_NE(at, std::string::npos) << from << " not in " << file;
        s.replace(at, from.size(), to);
        std::ofstream(file) << s;
    }

    void expect_refused(const fs::path& file, const std::string& field, const std::string& words) const
    {
        auto r = check_config();
        EXPECT_EQ(r.exit_code, 78) << r.output();
        EXPECT_THAT(r.output(), ::testing::HasSubstr(file.string() + ":")) << r.output();
        if (!field.empty()) {
            EXPECT_THAT(r.output(), ::testing::HasSubstr(": " + field + ": ")) << r.output();
        }
        EXPECT_THAT(r.output(), ::testing::HasSubstr(words)) << r.output();
        EXPECT_THAT(r.output(), ::testing::Not(::testing::HasSubstr("example-app-password")))
            << "the password leaked: " << r.output();
    }

    prereadd::test::temp_dir dir;
};

TEST_F(example_config_test, shipped_example_is_valid)
{
    auto r = check_config();
    EXPECT_EQ(r.exit_code, 0) << r.output();
    EXPECT_THAT(r.output(), ::testing::HasSubstr("configuration OK")) << r.output();
}

TEST_F(example_config_test, bad_json_names_file_line_and_column)
{
    replace_in(dir / "prereadd.json", "\"poll_interval\": \"PT1M\",", "\"poll_interval\": \"PT1M\"");
    auto r = check_config();
    EXPECT_EQ(r.exit_code, 78) << r.output();
    const std::string output = r.err;
    // FILE:LINE:COLUMN: invalid JSON ...
    const std::string prefix = (dir / "prereadd.json").string() + ":";
    auto at = output.find(prefix);
    ASSERT_NE(at, std::string::npos) << output;
    std::size_t pos = at + prefix.size();
    for (int part = 0; part < 2; ++part) {
        std::size_t start = pos;
        while (pos < output.size() && std::isdigit(static_cast<unsigned char>(output[pos]))) ++pos;
        EXPECT_GT(pos, start) << output;
        EXPECT_EQ(output[pos], ':') << output;
        ++pos;
    }
    EXPECT_EQ(output.compare(pos, 14, " invalid JSON:"), 0) << output;
}

TEST_F(example_config_test, unknown_field)
{
    replace_in(dir / "projects.d" / "alpha.json", "\"time_zone\":", "\"timezone\": \"UTC\", \"time_zone\":");
    expect_refused(dir / "projects.d" / "alpha.json", "timezone", "unknown field");
}

TEST_F(example_config_test, missing_folder)
{
    replace_in(dir / "projects.d" / "alpha.json", "\"folder\": \"/Projects/Alpha\",", "");
    expect_refused(dir / "projects.d" / "alpha.json", "folder", "is required");
}

TEST_F(example_config_test, unknown_time_zone)
{
    replace_in(dir / "projects.d" / "alpha.json", "Europe/Berlin", "Europe/Atlantis");
    expect_refused(dir / "projects.d" / "alpha.json", "time_zone", "Europe/Atlantis");
}

TEST_F(example_config_test, credential_file_readable_by_others)
{
    ::chmod((dir / "app-password").c_str(), 0644);
    expect_refused(dir / "prereadd.json", "nextcloud.app_password_file", "0644");
}

TEST_F(example_config_test, run_refuses_an_invalid_configuration_before_doing_anything)
{
    replace_in(dir / "prereadd.json", "\"poll_interval\": \"PT1M\"", "\"poll_interval\": \"often\"");
    auto r = run({PREREADD_BINARY, "--config", (dir / "prereadd.json").string(), "run"});
    EXPECT_EQ(r.exit_code, 78) << r.output();
    EXPECT_THAT(r.err, ::testing::HasSubstr("<3>")) << "errors carry the journal's priority prefix: " << r.err;
    EXPECT_THAT(r.err, ::testing::HasSubstr("poll_interval")) << r.err;
}

TEST_F(example_config_test, status_before_any_poll_cycle)
{
    // The example's state directory does not exist here: nothing has run yet.
    auto text = run({PREREADD_BINARY, "--config", (dir / "prereadd.json").string(), "status"});
    EXPECT_EQ(text.exit_code, 0) << text.output();
    EXPECT_THAT(text.output(), ::testing::HasSubstr("alpha  /Projects/Alpha  (no poll cycle yet)")) << text.output();
    auto json = run({PREREADD_BINARY, "--config", (dir / "prereadd.json").string(), "status", "--json"});
    EXPECT_EQ(json.exit_code, 0) << json.output();
    EXPECT_THAT(json.output(), ::testing::HasSubstr("\"format\": 1")) << json.output();
    auto unknown = run({PREREADD_BINARY, "--config", (dir / "prereadd.json").string(), "status", "beta"});
    EXPECT_EQ(unknown.exit_code, 64) << unknown.output();
    EXPECT_THAT(unknown.output(), ::testing::HasSubstr("no project \"beta\"")) << unknown.output();
}

TEST_F(example_config_test, version_and_help)
{
    auto v = run({PREREADD_BINARY, "--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_TRUE(v.output().starts_with("prereadd ")) << v.output();
    auto h = run({PREREADD_BINARY, "--help"});
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_THAT(h.output(), ::testing::HasSubstr("check-config"));
}

}  // namespace
