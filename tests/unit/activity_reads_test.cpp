// files_downloadactivity entries as reads, on the real recordings of both
// servers (31a): Nextcloud 29 groups one reader's files, 34 several reads of
// one file under {actor1} with string ids; "via the desktop client" is a sync.
#include "tests/support/source_tree.hpp"
#include "tracking/activity_reads.hpp"
#include "tests/sim/capture.hpp"

#include <gtest/gtest.h>

#include <tuple>

namespace prereadd::tracking {
namespace {

std::vector<ocs::activity> recorded(const std::string& dir)
{
    const auto body = sim::load_capture(dir + "/31a-activity-file-downloaded.http").response.body;
    auto data = ocs::parse_ok_data(body);
    EXPECT_TRUE(data);
    auto activities = ocs::parse_activities(*data);
    EXPECT_TRUE(activities);
    return *activities;
}

using read = std::tuple<std::string, std::int64_t, access_kind>;

std::vector<read> all_reads(const std::vector<ocs::activity>& activities)
{
    std::vector<read> out;
    for (const auto& a : activities)
        for (const auto& r : reads_of(a, 0)) out.emplace_back(r.user, r.file_id, r.kind);
    return out;
}

// Issue 28: the subject is in the service account's language (42i: a German
// account); the desktop client's download is a sync in every language.
TEST(activity_reads, a_german_service_account_reads_the_desktop_client_as_a_sync)
{
    for (const auto& dir : {prereadd::test::nextcloud29_recordings(), prereadd::test::nextcloud34_recordings()}) {
        const auto body = sim::load_capture(dir + "/42i-activity-service-account-german.http").response.body;
        auto activities = ocs::parse_activities(*ocs::parse_ok_data(body));
        ASSERT_TRUE(activities) << dir;
        std::vector<access_kind> kinds;
        for (const auto& a : *activities)
            for (const auto& r : reads_of(a, 0)) kinds.push_back(r.kind);
        EXPECT_EQ(kinds, (std::vector<access_kind>{access_kind::opened, access_kind::synced}))
            << dir << ": the browser's download, then the desktop client's";
    }
    EXPECT_TRUE(is_desktop_download("Shared file {file} was downloaded by {actor} via the desktop client"));
    EXPECT_TRUE(is_desktop_download("Geteilte Datei {file} wurde von {actor} mit dem Desktop-Client heruntergeladen"));
    EXPECT_FALSE(is_desktop_download("Geteilte Datei {file} wurde von {actor} mit dem Browser heruntergeladen"));
    EXPECT_FALSE(is_desktop_download("Shared file {file} was downloaded by {actor} via the browser"));
}

TEST(activity_reads, nextcloud_29_groups_one_readers_files)
{
    const auto activities = recorded(prereadd::test::nextcloud29_recordings());
    ASSERT_EQ(activities.size(), 3u);
    EXPECT_EQ(activities[2].rich_files.size(), 2u);  // "Shared file {file2} and {file1} was downloaded by {actor}"
    const auto reads = all_reads(activities);
    EXPECT_EQ(reads, (std::vector<read>{{"bob", 90, access_kind::opened},
                                        {"carol", 89, access_kind::synced},
                                        {"alice", 89, access_kind::opened},
                                        {"alice", 90, access_kind::opened}}));
    EXPECT_EQ(reads_of(activities[0], 0).front().at, 1795996800 + 9 * 3600 + 14 * 60 + 3)
        << "2026-11-30T09:14:03+00:00";
}

TEST(activity_reads, nextcloud_34_names_the_reader_actor1_and_files_by_string_ids)
{
    const auto activities = recorded(prereadd::test::nextcloud34_recordings());
    ASSERT_EQ(activities.size(), 4u);
    EXPECT_EQ(activities[3].rich_actors, std::vector<std::string>{"alice"});  // {actor1}: two reads merged
    EXPECT_EQ(all_reads(activities), (std::vector<read>{{"bob", 334, access_kind::opened},
                                                        {"bob", 335, access_kind::synced},
                                                        {"alice", 334, access_kind::opened}}))
        << "carol's comment (the first entry) is no read";
}

TEST(activity_reads, a_file_outside_every_project_is_still_a_read_of_that_file)
{
    // Mapping to a project is the poll cycle's: here only who and which file.
    ocs::activity a;
    a.type = "file_downloaded";
    a.user = "dave";
    a.object_id = 4711;
    a.subject_template = "Shared file {file} was downloaded by {actor} via the mobile app";
    EXPECT_EQ(all_reads({a}), (std::vector<read>{{"dave", 4711, access_kind::opened}}));
    a.type = "file_changed";
    EXPECT_TRUE(reads_of(a, 0).empty());
}

TEST(activity_reads, a_live_audit_log_decides)
{
    EXPECT_EQ(weigh_activity(false, false), activity_signal::counts);
    EXPECT_EQ(weigh_activity(true, true), activity_signal::covers);
    EXPECT_EQ(weigh_activity(true, false), activity_signal::ignored);
}

}  // namespace
}  // namespace prereadd::tracking
