// Following the audit log like tail -F: partial lines, rotation by rename,
// copytruncate, a file that appears later, restarts from a saved position.
#include "tracking/audit_follower.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace prereadd::tracking {
namespace {

namespace fs = std::filesystem;

class audit_follower_test : public ::testing::Test {
protected:
    void append(const std::string& text, const fs::path& file = {})
    {
        std::ofstream(file.empty() ? log : file, std::ios::app | std::ios::binary) << text;
    }
    test::temp_dir dir;
    fs::path log = dir / "audit.log";
};

TEST_F(audit_follower_test, complete_lines_only_and_the_partial_one_later)
{
    append("one\ntwo\nthr");
    audit_follower f(log);
    auto first = f.read_new();
    EXPECT_EQ(first.lines, (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(f.position().offset, 8u);
    append("ee\n");
    EXPECT_EQ(f.read_new().lines, std::vector<std::string>{"three"});
    EXPECT_EQ(f.position().offset, 14u);
    EXPECT_TRUE(f.read_new().lines.empty());
}

TEST_F(audit_follower_test, a_file_that_appears_later)
{
    audit_follower f(log);
    EXPECT_TRUE(f.read_new().lines.empty());
    append("hello\n");
    EXPECT_EQ(f.read_new().lines, std::vector<std::string>{"hello"});
}

TEST_F(audit_follower_test, rotation_by_rename_finishes_the_old_file_first)
{
    append("a\n");
    audit_follower f(log);
    EXPECT_EQ(f.read_new().lines.size(), 1u);
    append("b\n");
    fs::rename(log, dir / "audit.log.1");
    append("c\n");
    auto batch = f.read_new();
    EXPECT_TRUE(batch.rotated);
    EXPECT_EQ(batch.lines, (std::vector<std::string>{"b", "c"}));
}

TEST_F(audit_follower_test, copytruncate_starts_again_at_the_beginning)
{
    append("first line\nsecond line\n");
    audit_follower f(log);
    EXPECT_EQ(f.read_new().lines.size(), 2u);
    fs::resize_file(log, 0);
    append("new\n");
    auto batch = f.read_new();
    EXPECT_TRUE(batch.truncated);
    EXPECT_EQ(batch.lines, std::vector<std::string>{"new"});
}

TEST_F(audit_follower_test, restart_resumes_without_loss_or_repetition)
{
    append("one\ntwo\npar");
    log_position saved;
    {
        audit_follower f(log);
        EXPECT_EQ(f.read_new().lines.size(), 2u);
        saved = f.position();
    }
    append("tial\nthree\n");
    audit_follower again(log, saved);
    EXPECT_EQ(again.read_new().lines, (std::vector<std::string>{"partial", "three"}));
}

TEST_F(audit_follower_test, restart_after_a_rotation_drains_the_rotated_copy)
{
    append("one\n");
    log_position saved;
    {
        audit_follower f(log);
        f.read_new();
        saved = f.position();
    }
    append("two\n");  // written before the rotation, while the daemon was down
    fs::rename(log, dir / "audit.log.1");
    append("three\n");
    audit_follower again(log, saved);
    auto first = again.read_new();
    auto all = first.lines;
    auto second = again.read_new();
    all.insert(all.end(), second.lines.begin(), second.lines.end());
    EXPECT_EQ(all, (std::vector<std::string>{"two", "three"}));
}

TEST_F(audit_follower_test, a_saved_position_past_the_end_means_truncation)
{
    append("abc\n");
    audit_follower f(log);
    f.read_new();
    auto saved = f.position();
    fs::resize_file(log, 0);
    append("x\n");
    audit_follower again(log, saved);
    EXPECT_EQ(again.read_new().lines, std::vector<std::string>{"x"});
}

TEST_F(audit_follower_test, overlong_lines_are_skipped_and_counted)
{
    append(std::string(audit_follower::max_line_length + 10, 'x') + "\nshort\n");
    audit_follower f(log);
    auto batch = f.read_new();
    EXPECT_EQ(batch.skipped_long_lines, 1u);
    EXPECT_EQ(batch.lines, std::vector<std::string>{"short"});
    EXPECT_EQ(f.position().offset, fs::file_size(log));
}

}  // namespace
}  // namespace prereadd::tracking

namespace prereadd::tracking {
namespace {

TEST(log_position_text, round_trips_and_refuses_garbage)
{
    const log_position p{1835021, 98765};
    EXPECT_EQ(to_string(p), "1835021:98765");
    EXPECT_EQ(parse_log_position("1835021:98765"), p);
    EXPECT_EQ(parse_log_position("0:0"), log_position{});
    for (const char* bad : {"", ":", "12", "12:", ":34", "12:34x", "-1:2", "a:b", "1:2:3"})
        EXPECT_FALSE(parse_log_position(bad)) << bad;
}

}  // namespace
}  // namespace prereadd::tracking

#include "tracking/audit_source.hpp"

namespace prereadd::tracking {
namespace {

TEST(syslog_json, the_prefix_forms_rsyslog_and_journald_forwarding_write)
{
    const std::string json = R"({"reqId":"r","user":"bob","message":"File accessed: \"\/Alpha\/a.md\""})";
    for (const std::string prefix : {"Nov 30 09:28:33 web1 Nextcloud[812]: ", "Nov  3 09:28:33 web1 Nextcloud: ",
                                     "2026-11-30T09:28:33.123456+00:00 web1 Nextcloud[812]: ", "web1 Nextcloud[1]: "})
        EXPECT_EQ(syslog_json(prefix + json, "Nextcloud"), json) << prefix;
    EXPECT_FALSE(syslog_json("Nov 30 09:28:33 web1 CRON[4711]: " + json, "Nextcloud")) << "another program";
    EXPECT_FALSE(syslog_json("Nov 30 09:28:33 web1 NextcloudX[1]: " + json, "Nextcloud")) << "another tag";
    EXPECT_FALSE(syslog_json("Nov 30 09:28:33 web1 Nextcloud[812]: not json", "Nextcloud"));
    EXPECT_EQ(syslog_json("Nov 30 09:28:33 web1 nc-audit[9]: " + json, "nc-audit"), json) << "syslog_tag_audit";
}

}  // namespace
}  // namespace prereadd::tracking
