// The pure parts of a poll cycle: the access check and the folder diff.
#include "tests/support/source_tree.hpp"
#include "tracking/access_check.hpp"
#include "tracking/document_diff.hpp"
#include "tests/sim/capture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd::tracking {
namespace {

using namespace date;

ocs::share make_share(int type, std::string with, std::string path, std::int64_t file_id, int permissions,
                      std::optional<year_month_day> expiration = std::nullopt)
{
    ocs::share s;
    s.type = type;
    s.share_with = std::move(with);
    s.path = std::move(path);
    s.file_id = file_id;
    s.permissions = permissions;
    s.expiration = expiration;
    return s;
}

class access_check_test : public ::testing::Test {
protected:
    access_check_test()
    {
        project.owner = "preread";
        project.folder = "/Projects/Alpha";
        project.pre_reads = {{14, "agenda.md"}, {15, "budget.ods"}};
    }
    project_view project;
    group_membership team = [](const std::string& u, const std::string& g) {
        return g == "team-alpha" && (u == "alice" || u == "bob");
    };
    year_month_day today = 2026_y / November / 25;
};

TEST_F(access_check_test, a_folder_share_to_the_group_covers_every_pre_read)
{
    project.shares = {make_share(1, "team-alpha", "/Projects/Alpha", 13, 31)};
    EXPECT_TRUE(check_access(project, {"alice", "bob", "preread"}, team, today).empty());
}

TEST_F(access_check_test, someone_without_any_share_is_reported_per_document)
{
    project.shares = {make_share(1, "team-alpha", "/Projects/Alpha", 13, 31)};
    auto problems = check_access(project, {"alice", "carol"}, team, today);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0].user, "carol");
    EXPECT_EQ(problems[0].what, access_problem::kind::no_share);
    EXPECT_EQ(problems[0].file_id, 14);
    EXPECT_THAT(problems[0].detail, ::testing::HasSubstr("agenda.md"));
}

TEST_F(access_check_test, an_expired_share_is_named_as_such)
{
    project.shares = {make_share(0, "carol", "/Projects/Alpha/agenda.md", 14, 19, 2026_y / November / 24),
                      make_share(0, "carol", "/Projects/Alpha/budget.ods", 15, 19, 2026_y / November / 25)};
    auto problems = check_access(project, {"carol"}, team, today);
    ASSERT_EQ(problems.size(), 1u);  // budget.ods is still valid today
    EXPECT_EQ(problems[0].what, access_problem::kind::share_expired);
    EXPECT_EQ(problems[0].file_id, 14);
    EXPECT_THAT(problems[0].detail, ::testing::HasSubstr("2026-11-24")) << problems[0].detail;
}

TEST_F(access_check_test, a_share_without_read_permission_does_not_count)
{
    project.shares = {make_share(0, "bob", "/Projects/Alpha", 13, 4)};  // create only (a drop folder)
    auto problems = check_access(project, {"bob"}, team, today);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0].what, access_problem::kind::no_read_permission);
}

TEST_F(access_check_test, a_share_of_a_sibling_folder_does_not_cover)
{
    project.shares = {make_share(1, "team-alpha", "/Projects/Alphabet", 99, 31)};
    EXPECT_EQ(check_access(project, {"alice"}, team, today).size(), 2u);
}

std::vector<webdav::file_entry> recorded_listing(const std::string& name)
{
    auto body = sim::load_capture(prereadd::test::nextcloud29_recordings() + "/" + name + ".http").response.body;
    return *webdav::parse_files(body);
}

TEST(document_diff, first_listing_adds_every_file_and_no_folder)
{
    const std::string folder = "/remote.php/dav/files/preread/Projects/Alpha/";
    auto docs = documents_of(recorded_listing("06-propfind-alpha-depth1"), folder);
    ASSERT_EQ(docs.size(), 3u);
    EXPECT_EQ(docs[0].path, "agenda.md");
    auto diff = diff_documents({}, recorded_listing("06-propfind-alpha-depth1"), folder);
    EXPECT_EQ(diff.added.size(), 3u);
    EXPECT_TRUE(diff.removed.empty());
}

TEST(document_diff, a_write_is_a_change_of_that_document_only)
{
    const std::string folder = "/remote.php/dav/files/preread/Projects/Alpha/";
    auto before = documents_of(recorded_listing("10a-etag-folder-before"), folder);
    auto diff = diff_documents(before, recorded_listing("10c-etag-folder-after-modify"), folder);
    ASSERT_EQ(diff.changed.size(), 1u);
    EXPECT_EQ(diff.changed[0].path, "agenda.md");
    EXPECT_TRUE(diff.added.empty());
    EXPECT_TRUE(diff.moved.empty());
    EXPECT_TRUE(diff.removed.empty());
}

TEST(document_diff, renames_and_deletions_follow_the_file_id)
{
    const std::string folder = "/remote.php/dav/files/preread/Projects/Alpha/";
    std::vector<known_document> before = {{14, "agenda.md", "a"}, {15, "budget.ods", "b"}, {16, "slides.pdf", "c"}};
    std::vector<webdav::file_entry> now(2);
    now[0].href = folder + "Agenda (final).md";
    now[0].file_id = 14;
    now[0].etag = "a";
    now[1].href = folder + "session-2/slides.pdf";
    now[1].file_id = 16;
    now[1].etag = "c2";
    auto diff = diff_documents(before, now, folder);
    ASSERT_EQ(diff.moved.size(), 2u);
    EXPECT_EQ(diff.moved[0].second.path, "Agenda (final).md");
    EXPECT_EQ(diff.moved[1].second.path, "session-2/slides.pdf");
    ASSERT_EQ(diff.changed.size(), 1u);
    EXPECT_EQ(diff.changed[0].file_id, 16);
    ASSERT_EQ(diff.removed.size(), 1u);
    EXPECT_EQ(diff.removed[0].file_id, 15);
}

}  // namespace
}  // namespace prereadd::tracking
