// admin_audit lines: the recorded Nextcloud 29 sample, the newer file-id
// format, previews, sync clients, anonymous reads and garbage.
#include "tests/support/source_tree.hpp"
#include "tracking/audit_line.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

namespace prereadd::tracking {
namespace {

std::vector<std::string> recorded_lines()
{
    std::ifstream in(prereadd::test::nextcloud29_recordings() + "/audit-log-sample.jsonl");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

TEST(audit_line, the_recorded_sample_holds_one_open_and_two_previews)
{
    std::vector<file_access> found;
    for (const auto& line : recorded_lines())
        if (auto a = read_audit_line(line)) found.push_back(*a);
    ASSERT_EQ(found.size(), 4u);  // bob's GET; preview 14 (two lines); preview 16

    EXPECT_EQ(found[0].kind, access_kind::opened);
    EXPECT_EQ(found[0].user, "bob");
    EXPECT_EQ(found[0].path, "/Alpha/agenda.md");  // the reader's view, not the owner's
    EXPECT_FALSE(found[0].file_id);
    EXPECT_EQ(found[0].url, "/remote.php/dav/files/bob/Alpha/agenda.md");
    ASSERT_TRUE(found[0].time);

    EXPECT_EQ(found[1].kind, access_kind::preview);  // "Preview accessed"
    EXPECT_EQ(found[2].kind, access_kind::preview);  // its "File accessed" follow-up
    EXPECT_EQ(found[2].path, "/Alpha/agenda.md");
    EXPECT_EQ(found[1].request_id, found[2].request_id);
    EXPECT_EQ(found[3].kind, access_kind::preview);
    for (const auto& a : found) EXPECT_NE(a.user, "--");  // public link reads are skipped
}

TEST(audit_line, newer_format_names_the_file_id)
{
    auto a = read_audit_line(
        R"json({"reqId":"r1","level":1,"time":"2026-11-25T12:44:29+00:00","remoteAddr":"127.0.0.1","user":"alice","app":"admin_audit","method":"GET","url":"\/remote.php\/dav\/files\/alice\/Alpha\/budget.ods","message":"File with id \"15\" accessed: \"\/Projects\/Alpha\/budget.ods\"","userAgent":"Mozilla\/5.0 (X11; Linux x86_64) Firefox\/128.0","version":"31.0.0.1","data":{"app":"admin_audit"}})json");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, access_kind::opened);
    EXPECT_EQ(a->file_id, 15);
    EXPECT_EQ(a->path, "/Projects/Alpha/budget.ods");

    auto preview = read_audit_line(
        R"json({"reqId":"r2","user":"alice","method":"GET","url":"\/index.php\/core\/preview?fileId=14","message":"Preview accessed: (id: \"14\", width: \"64\", height: \"64\" crop: \"1\", mode: \"fill\", path: \"\/Projects\/Alpha\/agenda.md\")","userAgent":"Mozilla\/5.0"})json");
    ASSERT_TRUE(preview);
    EXPECT_EQ(preview->kind, access_kind::preview);
    EXPECT_EQ(preview->file_id, 14);
    EXPECT_EQ(preview->path, "/Projects/Alpha/agenda.md");
}

TEST(audit_line, desktop_client_downloads_are_synced_not_opened)
{
    auto a = read_audit_line(
        R"json({"reqId":"r3","user":"bob","method":"GET","url":"\/remote.php\/dav\/files\/bob\/Alpha\/agenda.md","message":"File accessed: \"\/Alpha\/agenda.md\"","userAgent":"Mozilla\/5.0 (Linux) mirall\/3.13.0 (Nextcloud, debian-6.1.0 ClientArchitecture: x86_64 OsArchitecture: x86_64)"})json");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, access_kind::synced);
    EXPECT_TRUE(is_sync_client(
        "Mozilla/5.0 (Windows) mirall/3.14.1 (Nextcloud, windows-10.0.19045 ClientArchitecture: x86_64 OsArchitecture: x86_64)"));
    EXPECT_FALSE(is_sync_client("Mozilla/5.0 (Android) Nextcloud-android/3.30.0"));
}

TEST(audit_line, garbage_and_foreign_lines_give_nothing)
{
    for (std::string_view line :
         {"", "not json", "{", R"({"message":"File accessed: \"\/x\"")",
          R"({"user":"bob","message":"File accessed: no quotes"})",
          R"({"user":"bob","message":"File with id \"x\" accessed: \"\/a\""})",
          R"({"user":"bob","message":"Login attempt: \"bob\""})",
          R"({"user":"--","message":"File accessed: \"\/Projects\/Alpha\/slides.pdf\""})", R"([1,2,3])"})
        EXPECT_FALSE(read_audit_line(line)) << line;
    std::string huge = R"({"user":"bob","message":"File accessed: \")" + std::string(1 << 20, 'a') + R"(\""})";
    auto a = read_audit_line(huge);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->path.size(), 1u << 20);
}

// Lines about reads of every kind: the recorded sample and the other formats above.
std::vector<std::string> lines_about_reads()
{
    auto lines = recorded_lines();
    lines.push_back(
        R"json({"reqId":"r1","user":"alice","url":"\/remote.php\/dav\/files\/alice\/Alpha\/budget.ods","message":"File with id \"15\" accessed: \"\/Projects\/Alpha\/budget.ods\"","userAgent":"Mozilla\/5.0"})json");
    lines.push_back(
        R"json({"reqId":"r3","user":"bob","url":"\/remote.php\/dav\/files\/bob\/Alpha\/agenda.md","message":"File accessed: \"\/Alpha\/agenda.md\"","userAgent":"mirall\/3.13.0"})json");
    lines.push_back(
        R"json({"reqId":"r5","user":"o'brien","url":"\/x","message":"File accessed: \"\/Alpha\/back\\slash\ttab.md\"","userAgent":"curl"})json");
    lines.push_back(
        R"json({"reqId":"r4","user":"anne marie","url":"\/x","message":"File accessed: \"\/Alpha\/Pr\u00e4sentation \"final\".pdf\"","userAgent":"Mozilla\/5.0"})json");
    return lines;
}

TEST(audit_line, a_glance_finds_the_reader_and_the_file_the_whole_line_gives)
{
    std::size_t reads = 0;
    for (const auto& line : lines_about_reads()) {
        const auto whole = read_audit_line(line);
        const auto glance = glance_at_audit_line(line);
        if (whole && whole->kind != access_kind::preview) {
            ++reads;
            ASSERT_TRUE(glance) << line;
            EXPECT_EQ(glance->user, whole->user);
            EXPECT_EQ(glance->path, whole->path);
            EXPECT_EQ(glance->file_id, whole->file_id);
        }
        if (glance) {
            EXPECT_TRUE(whole) << line;
        }
    }
    EXPECT_EQ(reads, 5u);  // bob's GET in the sample, alice's by id, bob's sync, o'brien's, anne marie's
}

TEST(audit_line, a_glance_decodes_escaped_values)
{
    auto a = glance_at_audit_line(lines_about_reads().back());
    ASSERT_TRUE(a);
    EXPECT_EQ(a->user, "anne marie");
    EXPECT_EQ(a->path, "/Alpha/Pr\u00e4sentation \"final\".pdf");
    auto escapes = glance_at_audit_line(lines_about_reads()[lines_about_reads().size() - 2]);
    ASSERT_TRUE(escapes);
    EXPECT_EQ(escapes->path, "/Alpha/back\\slash\ttab.md");
    auto by_id = glance_at_audit_line(lines_about_reads()[lines_about_reads().size() - 4]);
    ASSERT_TRUE(by_id);
    EXPECT_EQ(by_id->file_id, 15);
    EXPECT_EQ(by_id->path, "/Projects/Alpha/budget.ods");
}

TEST(audit_line, a_glance_gives_nothing_for_previews_anonymous_reads_and_garbage)
{
    for (std::string_view line :
         {"", "not json", R"({"user":"bob","message":"File accessed: no quotes"})",
          R"({"user":"bob","message":"Login attempt: \"bob\""})",
          R"({"user":"--","message":"File accessed: \"\/Projects\/Alpha\/slides.pdf\""})",
          R"({"user":"","message":"File accessed: \"\/a\""})",
          R"({"message":"File accessed: \"\/a\"","user":"bob)",  // the user's value never ends
          R"json({"user":"bob","message":"Preview accessed: (id: \"14\", path: \"\/a\")"})json"})
        EXPECT_FALSE(glance_at_audit_line(line)) << line;
}

}  // namespace
}  // namespace prereadd::tracking
