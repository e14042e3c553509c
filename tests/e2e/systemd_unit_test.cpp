// The shipped unit file: systemd-analyze's offline security score is 1.2 or
// lower and `systemd-analyze verify` finds nothing (with ExecStart pointed at
// the built binary, since the installed one is not there at test time).
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

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

// The unit as shipped, with ExecStart pointing at the built binary.
std::filesystem::path unit_for_test(const test::temp_dir& dir)
{
    std::string unit = read_file(PREREADD_UNIT_FILE);
    const std::string installed = "/usr/bin/prereadd";
    unit.replace(unit.find(installed), installed.size(), PREREADD_BINARY);
    return dir.write("prereadd.service", unit);
}

TEST(systemd_unit, exposure_is_at_most_1_2)
{
    if (!std::filesystem::exists(analyze)) GTEST_SKIP() << "no systemd-analyze on this machine";
    test::temp_dir dir;
    auto r = test::run_to_exit({analyze, "security", "--offline=true", "--no-pager", unit_for_test(dir).string()});
    const std::string marker = "Overall exposure level for prereadd.service: ";
    const auto at = r.output().find(marker);
    ASSERT_NE(at, std::string::npos) << r.output();
    const double exposure = std::stod(r.output().substr(at + marker.size()));
    EXPECT_LE(exposure, 1.2) << r.output();
}

TEST(systemd_unit, verify_is_clean)
{
    if (!std::filesystem::exists(analyze)) GTEST_SKIP() << "no systemd-analyze on this machine";
    test::temp_dir dir;
    auto r = test::run_to_exit({analyze, "verify", "--man=no", unit_for_test(dir).string()});
    EXPECT_EQ(r.exit_code, 0) << r.output();
    EXPECT_EQ(r.output(), "") << "verify reports nothing for a clean unit";
}

}  // namespace
}  // namespace prereadd
