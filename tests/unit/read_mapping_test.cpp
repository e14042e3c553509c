// Reads from the audit log mapped to pre-reads: by file id, through the
// reader's group or user share mount, for the owner, and the ambiguous case.
#include "tests/support/source_tree.hpp"
#include "tracking/read_mapping.hpp"
#include "tests/sim/capture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <tuple>

namespace prereadd::tracking {
namespace {

std::vector<ocs::share> recorded_shares(const std::string& name)
{
    auto body = sim::load_capture(prereadd::test::nextcloud29_recordings() + "/" + name + ".http").response.body;
    return *ocs::parse_shares(*ocs::parse_ok_data(body));
}

class read_mapping_test : public ::testing::Test {
protected:
    read_mapping_test()
    {
        project.owner = "preread";
        project.folder = "/Projects/Alpha";
        project.pre_reads = {{14, "agenda.md"}, {15, "budget.ods"}, {16, "slides.pdf"}};
        // The folder's group share (04a) and the shares of files inside it (09a).
        ocs::share group;
        group.id = "1";
        group.type = 1;
        group.share_with = "team-alpha";
        group.path = "/Projects/Alpha";
        group.file_target = "/Alpha";
        group.file_id = 13;
        group.permissions = 31;
        project.shares = recorded_shares("09a-shares-by-path-folder");
        project.shares.push_back(group);
    }

    file_access read_by(std::string user, std::string path)
    {
        file_access a;
        a.user = std::move(user);
        a.path = std::move(path);
        return a;
    }

    project_view project;
    group_membership team = [](const std::string& user, const std::string& group) {
        return group == "team-alpha" && (user == "alice" || user == "bob" || user == "carol");
    };
};

TEST_F(read_mapping_test, nextcloud_29_path_through_the_group_mount)
{
    auto m = map_read(read_by("bob", "/Alpha/agenda.md"), project, team);
    EXPECT_EQ(m.result, read_mapping::outcome::pre_read);
    EXPECT_EQ(m.file_id, 14);
}

TEST_F(read_mapping_test, user_share_of_a_single_file)
{
    // carol has agenda.md shared directly (mounted as /agenda.md) and through the group.
    auto direct = map_read(read_by("carol", "/agenda.md"), project, team);
    EXPECT_EQ(direct.result, read_mapping::outcome::pre_read);
    EXPECT_EQ(direct.file_id, 14);
    auto via_group = map_read(read_by("carol", "/Alpha/agenda.md"), project, team);
    EXPECT_EQ(via_group.file_id, 14);
}

TEST_F(read_mapping_test, the_owner_reads_in_its_own_view)
{
    auto m = map_read(read_by("preread", "/Projects/Alpha/budget.ods"), project, team);
    EXPECT_EQ(m.file_id, 15);
}

TEST_F(read_mapping_test, newer_servers_name_the_file_id)
{
    auto a = read_by("alice", "/Projects/Alpha/slides.pdf");  // early 30.0: storage-internal path
    a.view = path_view::storage;
    a.file_id = 16;
    EXPECT_EQ(map_read(a, project, team).file_id, 16);
    a.file_id = 99;
    EXPECT_EQ(map_read(a, project, team).result, read_mapping::outcome::unknown_document);
    a.path = "/Projects/Beta/slides.pdf";
    EXPECT_EQ(map_read(a, project, team).result, read_mapping::outcome::not_a_pre_read);
}

TEST_F(read_mapping_test, a_file_in_the_folder_not_listed_yet_is_an_unknown_document)
{
    // The folder changed after its last listing: the read is kept until it has been listed again.
    EXPECT_EQ(map_read(read_by("bob", "/Alpha/minutes.md"), project, team).result,
              read_mapping::outcome::unknown_document);
    EXPECT_EQ(map_read(read_by("preread", "/Projects/Alpha/minutes.md"), project, team).result,
              read_mapping::outcome::unknown_document);
}

TEST_F(read_mapping_test, reads_outside_the_project_are_not_pre_reads)
{
    EXPECT_EQ(map_read(read_by("bob", "/welcome.txt"), project, team).result, read_mapping::outcome::not_a_pre_read);
    EXPECT_EQ(map_read(read_by("dave", "/Alpha/agenda.md"), project, team).result,
              read_mapping::outcome::not_a_pre_read);  // dave has no share: this /Alpha is someone else's
    EXPECT_EQ(map_read(read_by("bob", "/Alphabet/agenda.md"), project, team).result,
              read_mapping::outcome::not_a_pre_read);
}

TEST_F(read_mapping_test, two_mounts_with_the_same_name_are_ambiguous)
{
    // A second share lands at the same target for bob: which file he read cannot be told.
    ocs::share clash;
    clash.type = 0;
    clash.share_with = "bob";
    clash.path = "/Projects/Alpha/budget.ods";
    clash.file_target = "/Alpha/agenda.md";
    clash.file_id = 15;
    clash.permissions = 19;
    project.shares.push_back(clash);
    auto m = map_read(read_by("bob", "/Alpha/agenda.md"), project, team);
    EXPECT_EQ(m.result, read_mapping::outcome::ambiguous);
    EXPECT_THAT(m.reason, ::testing::HasSubstr("2 pre-reads")) << m.reason;
}

// Every admin_audit line form in use (docs/opened.md, "Audit line forms"),
// from the line as written to the pre-read it names. The ids are this
// fixture's (agenda.md 14, budget.ods 15); bob reads through his mount /Alpha.
struct line_form {
    const char* name;  // as in the table in docs/opened.md
    const char* message;
    read_mapping::outcome expected;
    std::int64_t file_id;
};

TEST_F(read_mapping_test, every_audit_line_form_maps_to_the_pre_read_it_names)
{
    const line_form forms[] = {
        {"29", R"(File accessed: \"\/Alpha\/agenda.md\")", read_mapping::outcome::pre_read, 14},
        {"29 Nextcloud Office", R"(File accessed: \"\/bob\/files\/Alpha\/agenda.md\")", read_mapping::outcome::pre_read,
         14},
        {"30.0 early", R"(File with id \"15\" accessed: \"\/Projects\/Alpha\/budget.ods\")",
         read_mapping::outcome::pre_read, 15},
        {"30.0 early, a new file", R"(File with id \"99\" accessed: \"\/Projects\/Alpha\/new.md\")",
         read_mapping::outcome::unknown_document, 0},
        {"30.x-34", R"(File with id \"14\" accessed: \"\/bob\/files\/Alpha\/agenda.md\")",
         read_mapping::outcome::pre_read, 14},
        {"30.x-34, a new file", R"(File with id \"99\" accessed: \"\/bob\/files\/Alpha\/new.md\")",
         read_mapping::outcome::unknown_document, 0},
        {"34 not-yet-assigned", R"(File with id \"not-yet-assigned\" accessed: \"\/bob\/files\/Alpha\/budget.ods\")",
         read_mapping::outcome::pre_read, 15},
        {"30.0 early not-yet-assigned",
         R"(File with id \"not-yet-assigned\" accessed: \"\/Projects\/Alpha\/budget.ods\")",
         read_mapping::outcome::not_a_pre_read, 0},  // whose storage is not said: nothing to map by
        {"elsewhere", R"(File with id \"4711\" accessed: \"\/bob\/files\/welcome.txt\")",
         read_mapping::outcome::not_a_pre_read, 0},
    };
    for (const auto& form : forms) {
        const std::string line = std::string(R"({"reqId":"r","time":"2026-11-30T09:28:33+00:00","user":"bob",)") +
                                 R"("url":"\/remote.php\/dav\/files\/bob\/Alpha\/x","message":")" + form.message +
                                 R"(","userAgent":"Mozilla\/5.0"})";
        const auto glance = glance_at_audit_line(line);
        const auto whole = read_audit_line(line);
        ASSERT_TRUE(glance && whole) << form.name;
        EXPECT_EQ(glance->path, whole->path) << form.name;
        EXPECT_EQ(glance->file_id, whole->file_id) << form.name;
        const auto m = map_read(*whole, project, team);
        EXPECT_EQ(m.result, form.expected) << form.name;
        if (form.expected == read_mapping::outcome::pre_read) {
            EXPECT_EQ(m.file_id, form.file_id) << form.name;
        }
    }
}

TEST_F(read_mapping_test, the_recorded_nextcloud_34_lines_map_by_id)
{
    // captures-34/audit-log-sample-34.jsonl: ids 334 (agenda.md) and 335 (budget.ods).
    project.pre_reads = {{334, "agenda.md"}, {335, "budget.ods"}, {336, "slides.pdf"}};
    std::ifstream in(prereadd::test::nextcloud34_recordings() + "/audit-log-sample-34.jsonl");
    std::vector<std::tuple<std::string, std::int64_t, access_kind>> reads;
    for (std::string line; std::getline(in, line);)
        if (auto a = read_audit_line(line); a && a->kind != access_kind::preview) {
            const auto m = map_read(*a, project, team);
            ASSERT_EQ(m.result, read_mapping::outcome::pre_read) << line;
            reads.emplace_back(a->user, m.file_id, a->kind);
        }
    EXPECT_EQ(reads, (std::vector<std::tuple<std::string, std::int64_t, access_kind>>{
                         {"bob", 334, access_kind::opened}, {"bob", 335, access_kind::synced}}))
        << "alice's preview of agenda.md (and its File with id line) is no read";
}

}  // namespace
}  // namespace prereadd::tracking
