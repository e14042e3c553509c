// A text compared with its reviewed file under tests/unit/golden
// (PREREADD_UPDATE_GOLDEN=1 rewrites the files instead, to be read in the diff).
#pragma once

#include "tests/support/source_tree.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace prereadd::test {

// `name`: the file under tests/unit/golden without ".txt" ("digest", "languages/de").
inline void expect_golden(const std::string& name, const std::string& text)
{
    const std::string file = source_path("tests/unit/golden") + "/" + name + ".txt";
    if (const char* update = std::getenv("PREREADD_UPDATE_GOLDEN"); update && *update == '1') {
        std::ofstream(file, std::ios::binary) << text;
        return;
    }
    std::ifstream in(file, std::ios::binary);
    ASSERT_TRUE(in) << "no golden file " << file << " (run with PREREADD_UPDATE_GOLDEN=1)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(text, expected.str()) << name;
}

}  // namespace prereadd::test
