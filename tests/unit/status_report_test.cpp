// `prereadd status` from a state database: the strongest mark per cell, access
// problems, and the stable JSON form.
#include "daemon/status_report.hpp"
#include "tracking/poll_cycle.hpp"
#include "tests/support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd::daemon {
namespace {

class status_report_test : public ::testing::Test {
protected:
    status_report_test()
    {
        st.upsert_project("alpha", "/Projects/Alpha");
        st.set_last_cycle("alpha", 1795610700);  // 2026-11-25 12:45:00 UTC
        st.upsert_document("alpha", {14, "agenda.md", "e1", 1795610622});
        st.upsert_document("alpha", {15, "budget.ods", "e2", 1795610622});
        st.upsert_document("alpha", {16, "slides.pdf", "e3", 1795610622});
        st.mark_document_removed("alpha", 16, 1795610650);
        for (const char* u : {"alice", "bob", "carol"})
            st.upsert_participant("alpha", {u, store::participant_source::group}, 1795610600);
        st.record({"alpha", "bob", 14, store::engagement_kind::opened, 1795610669, "audit_log"});
        st.record({"alpha", "bob", 14, store::engagement_kind::commented, 1795610680, "activity"});
        st.record({"alpha", "alice", 15, store::engagement_kind::synced, 1795610690, "audit_log"});
        EXPECT_TRUE(
            st.record_problem("alpha", {"carol", 15, "no_share", "budget.ods: not shared with carol", 1795610700}));
        EXPECT_FALSE(
            st.record_problem("alpha", {"carol", 15, "no_share", "budget.ods: not shared with carol", 1795610760}));
    }

    test::temp_dir dir;
    store::database db{dir / "prereadd.sqlite"};
    store::state st{db};
};

TEST_F(status_report_test, text_table_shows_the_strongest_mark_and_problems)
{
    auto text = render_status_text({load_project_status(st, "alpha", "/Projects/Alpha")});
    EXPECT_THAT(text, ::testing::HasSubstr("alpha  /Projects/Alpha  (last cycle 2026-11-25 12:45 UTC)")) << text;
    EXPECT_THAT(text, ::testing::HasSubstr("commented 11-25 12:44")) << text;  // beats bob's open
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("opened"))) << text;
    EXPECT_THAT(text, ::testing::HasSubstr("synced 11-25 12:44")) << text;
    EXPECT_THAT(text, ::testing::HasSubstr("NO ACCESS")) << text;
    EXPECT_THAT(text, ::testing::HasSubstr("carol: budget.ods: not shared with carol")) << text;
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("slides.pdf")))
        << "removed pre-reads are not listed: " << text;
}

TEST_F(status_report_test, json_is_stable_and_complete)
{
    auto j = render_status_json({load_project_status(st, "alpha", "/Projects/Alpha")});
    EXPECT_EQ(j["format"], 1);
    const auto& p = j["projects"][0];
    EXPECT_EQ(p["id"], "alpha");
    EXPECT_EQ(p["last_cycle_at"], "2026-11-25T12:45:00Z");
    EXPECT_EQ(p["participants"].size(), 3u);
    ASSERT_EQ(p["documents"].size(), 2u);
    EXPECT_EQ(p["documents"][0]["path"], "agenda.md");
    EXPECT_EQ(p["documents"][0]["engagements"]["bob"]["opened"]["at"], "2026-11-25T12:44:29Z");
    EXPECT_EQ(p["documents"][0]["engagements"]["bob"]["commented"]["source"], "activity");
    EXPECT_EQ(p["access_problems"][0]["problem"], "no_share");
    EXPECT_EQ(p["access_problems"][0]["since"], "2026-11-25T12:45:00Z");
    EXPECT_TRUE(p["moodle_completion_asked"].is_null()) << "no course, never asked";
}

TEST_F(status_report_test, when_moodle_completion_was_last_asked)
{
    // Asked within reminder windows only: status says when, so a view not shown yet is not
    // taken for no view (issue 27).
    st.set_cursor(tracking::moodle_completion_cursor("alpha"), "1795610700");
    const auto p = load_project_status(st, "alpha", "/Projects/Alpha");
    EXPECT_THAT(render_status_text({p}), ::testing::HasSubstr("Moodle completion last asked 2026-11-25 12:45 UTC"));
    EXPECT_EQ(render_status_json({p})["projects"][0]["moodle_completion_asked"], "2026-11-25T12:45:00Z");
}

TEST_F(status_report_test, a_resolved_problem_disappears_and_counts_as_new_when_it_returns)
{
    st.resolve_problem("alpha", {"carol", 15, "no_share", "", 0}, 1795610800);
    EXPECT_TRUE(st.open_problems("alpha").empty());
    EXPECT_TRUE(st.record_problem("alpha", {"carol", 15, "no_share", "budget.ods: not shared with carol", 1795610900}));
}

TEST_F(status_report_test, readers_open_the_database_read_only)
{
    store::database reader(dir / "prereadd.sqlite", store::database::mode::read_only);
    store::state view(reader);
    EXPECT_EQ(view.documents("alpha").size(), 2u);
    EXPECT_THROW(reader.execute("DELETE FROM documents"), std::runtime_error);
}

}  // namespace
}  // namespace prereadd::daemon

namespace prereadd::daemon {
namespace {

// The column a cell of the participant's column starts at, in display columns.
std::size_t column_of(const std::string& line, const std::string& cell)
{
    const auto at = line.find(cell);
    if (at == std::string::npos) return std::string::npos;
    std::size_t columns = 0;
    for (std::size_t i = 0; i < at;) {
        const auto b = static_cast<unsigned char>(line[i]);
        const std::size_t length = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
        // The test's wide characters are CJK (three bytes from 0xe3 on, two columns); the ellipsis takes one.
        columns += length == 3 && b >= 0xe3 ? 2 : 1;
        i += length;
    }
    return columns;
}

TEST(status_report_layout, columns_line_up_with_non_ascii_wide_and_long_names)
{
    project_status p;
    p.id = "alpha";
    p.folder = "/Projects/Alpha";
    p.participants = {{"alice", store::participant_source::config}, {"bob", store::participant_source::config}};
    p.documents = {{1, "agenda.md", "e", 0},
                   {2, "notes with space \u00fc.md", "e", 0},
                   {3, "\u65e5\u672c\u8a9e\u306e\u8cc7\u6599.md", "e", 0},
                   {4, std::string(80, 'x') + ".md", "e", 0}};
    for (std::int64_t id : {1, 2, 3, 4})
        p.engagements.push_back({"alpha", "bob", id, store::engagement_kind::opened, 0, "audit_log"});
    const auto text = render_status_text({p});
    std::vector<std::string> rows;
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        if (text.compare(start, 5, "  ") == 0 || text.find("opened", start) < end)
            rows.push_back(text.substr(start, end - start));
    std::size_t aligned = std::string::npos;
    std::size_t cells = 0;
    for (const auto& row : rows) {
        const auto at = column_of(row, "opened");
        if (at == std::string::npos) continue;
        ++cells;
        if (aligned == std::string::npos) aligned = at;
        EXPECT_EQ(at, aligned) << "misaligned row: " << row << "\n" << text;
    }
    EXPECT_EQ(cells, 4u) << text;
    // The 83-character name is cut with an ellipsis instead of pushing its row out.
    EXPECT_THAT(text, ::testing::HasSubstr(std::string(47 - 1, 'x') + "\u2026")) << text;
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(std::string(80, 'x')))) << text;
}

TEST(status_report_order, participants_sort_as_people_sort_names)
{
    // (a, b, a before b): ids compared as text put "Extra 10" before "Extra 5" (issue 27).
    const struct {
        const char* a;
        const char* b;
        bool less;
    } cases[] = {
        {"Extra 4", "Extra 20", true},
        {"Extra 20", "Extra 4", false},
        {"bob", "Carol", true},
        {"Carol", "bob", false},
        {"Extra 9", "Extra 10", true},
        {"x007", "x8", true},
        {"Extra", "Extra 1", true},
        {"alice", "alice", false},
        {"Bob", "bob", true},
        {"file2b", "file2a", false},
        {"", "a", true},
        {"\u00c9mile", "Zoe", false},
    };
    for (const auto& c : cases) EXPECT_EQ(natural_less(c.a, c.b), c.less) << c.a << " < " << c.b;
}

TEST_F(status_report_test, participants_are_listed_in_natural_order)
{
    for (const char* u : {"Extra 20", "Extra 4", "Extra 10"})
        st.upsert_participant("alpha", {u, store::participant_source::config}, 1795610600);
    const auto p = load_project_status(st, "alpha", "/Projects/Alpha");
    std::vector<std::string> order;
    for (const auto& u : p.participants) order.push_back(u.user_id);
    EXPECT_EQ(order, (std::vector<std::string>{"alice", "bob", "carol", "Extra 4", "Extra 10", "Extra 20"}));
}

TEST(status_report_layout, a_wide_project_is_shown_a_line_per_participant)
{
    // 23 participants made a 600-column table (issue 27): a line each instead.
    project_status p;
    p.id = "alpha";
    p.folder = "/Projects/Alpha";
    for (int i = 1; i <= 23; ++i)
        p.participants.push_back(
            {"moodle:" + std::to_string(i), store::participant_source::moodle, "Extra " + std::to_string(i)});
    p.documents = {{1, "agenda.md", "e", 0}, {2, "slides.pdf", "e", 0}};
    p.engagements.push_back({"alpha", "moodle:3", 1, store::engagement_kind::opened, 1795610669, "moodle"});
    const auto text = render_status_text({p});
    std::size_t longest = 0;
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        longest = std::max(longest, end - start);
    EXPECT_LE(longest, 160u) << text;
    EXPECT_THAT(text, ::testing::HasSubstr("  Extra 3 (Moodle): agenda.md opened 11-25 12:44, slides.pdf -\n")) << text;
    EXPECT_THAT(text, ::testing::HasSubstr("  Extra 23 (Moodle): agenda.md -, slides.pdf -\n")) << text;
}

}  // namespace
}  // namespace prereadd::daemon

namespace prereadd::daemon {
namespace {

using namespace std::chrono_literals;

// Weekly on Wednesdays at 10:00 Berlin from 2026-12-02, three times.
config::project_config weekly_alpha(scheduler::pre_read_scope scope)
{
    config::project_config p;
    p.id = "alpha";
    p.folder = "/Projects/Alpha";
    p.time_zone = date::locate_zone("Europe/Berlin");
    p.lead_times = {72h, 24h};
    p.pre_reads = scope;
    p.pre_read_tag_prefix = "alpha-";
    config::weekly_series_config w;
    w.title = "Training";
    w.days = {date::Wednesday};
    w.time_of_day = 10h;
    w.first = date::local_days{date::year{2026} / 12 / 2};
    w.count = 3;
    p.weekly = {w};
    return p;
}

project_status polled_with(std::vector<store::document_row> documents)
{
    project_status s;
    s.id = "alpha";
    s.folder = "/Projects/Alpha";
    s.last_cycle_at = 1795610700;
    s.participants = {{"bob", store::participant_source::config}};
    s.documents = std::move(documents);
    return s;
}

const auto before_the_series = date::sys_days{date::year{2026} / 11 / 30} + 8h;

// Issue 27: a session whose own selection chose nothing got no reminder and no word in `status`.
TEST(status_selections, a_session_whose_dated_sub_folder_holds_nothing_is_shown)
{
    auto s = polled_with({{14, "2026-12-02/agenda.md", "e", 0}});
    note_selecting_nothing(s, weekly_alpha(scheduler::pre_read_scope::session_folder), before_the_series);
    // The 16 December session is more than two weeks (and the longest lead) ahead: not yet.
    ASSERT_EQ(s.selecting_nothing.size(), 1u);
    EXPECT_EQ(s.selecting_nothing[0].key, "2026-12-09T10:00");
    EXPECT_EQ(s.selecting_nothing[0].why, "the project folder has no file at its top and none in 2026-12-09/");
    const auto text = render_status_text({s});
    EXPECT_THAT(text,
                ::testing::HasSubstr("  session \"Training\" 2026-12-09 09:00 UTC selects no pre-read, so it gets "
                                     "no reminder: the project folder has no file at its top and none in "
                                     "2026-12-09/\n"))
        << text;
    const auto j = render_status_json({s})["projects"][0]["sessions_selecting_nothing"];
    ASSERT_EQ(j.size(), 1u) << j.dump(2);
    EXPECT_EQ(j[0]["start"], "2026-12-09T09:00:00Z");
    EXPECT_EQ(j[0]["title"], "Training");
}

TEST(status_selections, sessions_that_select_something_are_not_shown)
{
    const struct {
        const char* name;
        scheduler::pre_read_scope scope;
        std::vector<store::document_row> documents;
    } cases[] = {
        {"a file at the folder's top", scheduler::pre_read_scope::session_folder, {{14, "agenda.md", "e", 0}}},
        {"the whole folder, empty", scheduler::pre_read_scope::folder, {}},
        {"an untagged file", scheduler::pre_read_scope::tag, {{14, "agenda.md", "e", 0}}},
    };
    for (const auto& c : cases) {
        auto s = polled_with(c.documents);
        note_selecting_nothing(s, weekly_alpha(c.scope), before_the_series);
        EXPECT_TRUE(s.selecting_nothing.empty()) << c.name << ": " << s.selecting_nothing[0].why;
        EXPECT_THAT(render_status_text({s}), ::testing::Not(::testing::HasSubstr("selects no pre-read"))) << c.name;
    }
}

TEST(status_selections, tags_of_other_dates_select_nothing_and_nothing_is_said_before_the_first_cycle)
{
    store::document_row tagged{14, "agenda.md", "e", 0};
    tagged.tags = {"alpha-2026-12-02"};
    auto s = polled_with({tagged});
    note_selecting_nothing(s, weekly_alpha(scheduler::pre_read_scope::tag), before_the_series);
    ASSERT_EQ(s.selecting_nothing.size(), 1u);
    EXPECT_EQ(s.selecting_nothing[0].why, "no untagged document and none tagged alpha-2026-12-09");

    auto unpolled = polled_with({});
    unpolled.last_cycle_at.reset();
    note_selecting_nothing(unpolled, weekly_alpha(scheduler::pre_read_scope::session_folder), before_the_series);
    EXPECT_TRUE(unpolled.selecting_nothing.empty()) << "nothing is tracked yet: no verdict";
}

}  // namespace
}  // namespace prereadd::daemon
