// The shipped unit file: systemd-analyze's offline security score is 1.2 or
// lower and `systemd-analyze verify` finds nothing, on the unit as installed.
#include "tests/support/process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace prereadd {
namespace {

const char* const analyze = "/usr/bin/systemd-analyze";

std::string read_file(const std::filesystem::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The unit as `cmake --install` put it in the test prefix, ExecStart naming the installed binary.
std::filesystem::path installed_unit()
{
    const std::string unit = read_file(PREREADD_UNIT_FILE);
    EXPECT_THAT(unit, ::testing::HasSubstr(std::string("ExecStart=") + PREREADD_BINARY + " "))
        << "ExecStart names the binary under the install prefix:\n"
        << unit;
    return PREREADD_UNIT_FILE;
}

TEST(systemd_unit, exposure_is_at_most_1_2)
{
    if (!std::filesystem::exists(analyze)) GTEST_SKIP() << "no systemd-analyze on this machine";
    auto r = test::run_to_exit({analyze, "security", "--offline=true", "--no-pager", installed_unit().string()});
    const std::string marker = "Overall exposure level for prereadd.service: ";
    const auto at = r.output().find(marker);
    ASSERT_NE(at, std::string::npos) << r.output();
    const double exposure = std::stod(r.output().substr(at + marker.size()));
    EXPECT_LE(exposure, 1.2) << r.output();
}

TEST(systemd_unit, verify_is_clean)
{
    if (!std::filesystem::exists(analyze)) GTEST_SKIP() << "no systemd-analyze on this machine";
    auto r = test::run_to_exit({analyze, "verify", "--man=no", installed_unit().string()});
    EXPECT_EQ(r.exit_code, 0) << r.output();
    EXPECT_EQ(r.output(), "") << "verify reports nothing for a clean unit";
}

}  // namespace
}  // namespace prereadd
