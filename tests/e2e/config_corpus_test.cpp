// The configuration corpus against the installed binary: every broken file
// (a JSON variant of the valid example, or hostile text) makes
// `prereadd check-config` exit 78 (EX_CONFIG) with a message that names the
// file and the field; the valid pair passes.
#include "tests/support/broken_configs.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

namespace prereadd {
namespace {

namespace fs = std::filesystem;

class config_corpus : public ::testing::Test {
protected:
    void SetUp() override
    {
        fs::create_directories(dir / "projects.d");
        write(global_file(), test::valid_global);
        write(project_file(), test::valid_project);
        write(dir / "app-password", "corpus-app-password\n");
        ::chmod((dir / "app-password").c_str(), 0600);
    }
    fs::path global_file() const { return dir / "prereadd.json"; }
    fs::path project_file() const { return dir / "projects.d" / "alpha.json"; }
    static void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

    test::process_result check() const
    {
        return test::run_to_exit({PREREADD_BINARY, "--config", global_file().string(), "check-config"});
    }

    // Exit 78, and a line of stderr naming the file and (when there is one) the field.
    void expect_refused(const fs::path& file, const std::string& field, const std::string& words) const
    {
        const auto r = check();
        EXPECT_EQ(r.exit_code, 78) << r.output();
        bool named = false;
        std::istringstream lines(r.err);
        for (std::string line; std::getline(lines, line);)
            named = named || (line.find(file.string()) != std::string::npos &&
                              (field.empty() || line.find(": " + field + ": ") != std::string::npos) &&
                              line.find(words) != std::string::npos);
        EXPECT_TRUE(named) << "no line names " << file << " and \"" << field << "\" with \"" << words << "\":\n"
                           << r.err;
        EXPECT_THAT(r.output(), ::testing::Not(::testing::HasSubstr("corpus-app-password"))) << "the credential leaked";
    }

    test::temp_dir dir;
};

TEST_F(config_corpus, the_valid_pair_passes)
{
    const auto r = check();
    EXPECT_EQ(r.exit_code, 0) << r.output();
}

class json_variant : public config_corpus, public ::testing::WithParamInterface<test::broken_case> {};

TEST_P(json_variant, exits_78_naming_file_and_field)
{
    const auto& c = GetParam();
    const fs::path file = c.in_project ? project_file() : global_file();
    std::ifstream in(file);
    auto j = nlohmann::json::parse(in, nullptr, true, true);
    c.change(j);
    write(file, j.dump(2));
    expect_refused(file, c.field, c.words);
}

INSTANTIATE_TEST_SUITE_P(corpus, json_variant, ::testing::ValuesIn(test::broken_cases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

class hostile_text : public config_corpus, public ::testing::WithParamInterface<test::raw_broken_case> {};

TEST_P(hostile_text, exits_78_naming_the_file)
{
    const auto& c = GetParam();
    const fs::path file = c.in_project ? project_file() : global_file();
    write(file, c.text);
    expect_refused(file, c.field, c.words);
}

INSTANTIATE_TEST_SUITE_P(corpus, hostile_text, ::testing::ValuesIn(test::raw_broken_cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(config_corpus_size, has_at_least_forty_broken_files)
{
    EXPECT_GE(std::size(test::broken_cases) + test::raw_broken_cases().size(), 40u);
}

}  // namespace
}  // namespace prereadd
