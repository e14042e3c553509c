// The built prereadd binary on the shipped example configuration: valid as
// shipped, and exit 78 naming file and field for each typical mistake.
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct process_result {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

process_result run(const std::vector<std::string>& args)
{
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipe_fds[1], 1);
        ::dup2(pipe_fds[1], 2);
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::unsetenv("CREDENTIALS_DIRECTORY");
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    process_result result;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) result.output.append(buffer, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

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
        EXPECT_EQ(r.exit_code, 78) << r.output;
        EXPECT_NE(r.output.find(file.string() + ":"), std::string::npos) << r.output;
        if (!field.empty()) {
            EXPECT_NE(r.output.find(": " + field + ": "), std::string::npos) << r.output;
        }
        EXPECT_NE(r.output.find(words), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("example-app-password"), std::string::npos) << "the password leaked: " << r.output;
    }

    prereadd::test::temp_dir dir;
};

TEST_F(example_config_test, shipped_example_is_valid)
{
    auto r = check_config();
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("configuration OK"), std::string::npos) << r.output;
}

TEST_F(example_config_test, bad_json_names_file_line_and_column)
{
    replace_in(dir / "prereadd.json", "\"poll_interval\": \"PT1M\",", "\"poll_interval\": \"PT1M\"");
    auto r = check_config();
    EXPECT_EQ(r.exit_code, 78) << r.output;
    // FILE:LINE:COLUMN: invalid JSON ...
    const std::string prefix = (dir / "prereadd.json").string() + ":";
    auto at = r.output.find(prefix);
    ASSERT_NE(at, std::string::npos) << r.output;
    std::size_t pos = at + prefix.size();
    for (int part = 0; part < 2; ++part) {
        std::size_t start = pos;
        while (pos < r.output.size() && std::isdigit(static_cast<unsigned char>(r.output[pos]))) ++pos;
        EXPECT_GT(pos, start) << r.output;
        EXPECT_EQ(r.output[pos], ':') << r.output;
        ++pos;
    }
    EXPECT_EQ(r.output.compare(pos, 14, " invalid JSON:"), 0) << r.output;
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

TEST_F(example_config_test, unfinished_commands_say_so_and_fail)
{
    for (const char* command : {"once", "run"}) {
        auto r = run({PREREADD_BINARY, "--config", (dir / "prereadd.json").string(), command});
        EXPECT_NE(r.exit_code, 0) << command;
        EXPECT_NE(r.output.find("not available in this version yet"), std::string::npos) << r.output;
    }
}

TEST_F(example_config_test, status_before_any_poll_cycle)
{
    // The example's state directory does not exist here: nothing has run yet.
    auto text = run({PREREADD_BINARY, "--config", (dir / "prereadd.json").string(), "status"});
    EXPECT_EQ(text.exit_code, 0) << text.output;
    EXPECT_NE(text.output.find("alpha  /Projects/Alpha  (no poll cycle yet)"), std::string::npos) << text.output;
    auto json = run({PREREADD_BINARY, "--config", (dir / "prereadd.json").string(), "status", "--json"});
    EXPECT_EQ(json.exit_code, 0) << json.output;
    EXPECT_NE(json.output.find("\"format\": 1"), std::string::npos) << json.output;
    auto unknown = run({PREREADD_BINARY, "--config", (dir / "prereadd.json").string(), "status", "beta"});
    EXPECT_EQ(unknown.exit_code, 64) << unknown.output;
    EXPECT_NE(unknown.output.find("no project \"beta\""), std::string::npos) << unknown.output;
}

TEST_F(example_config_test, version_and_help)
{
    auto v = run({PREREADD_BINARY, "--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_TRUE(v.output.starts_with("prereadd ")) << v.output;
    auto h = run({PREREADD_BINARY, "--help"});
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_NE(h.output.find("check-config"), std::string::npos);
}

}  // namespace
