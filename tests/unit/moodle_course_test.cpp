// A Moodle course as pre-reads, the pure part: which modules are pre-reads
// (the recorded course's contents, 03), who is a participant and who they
// are in Nextcloud (04a, 04b), completion as engagements (07d, 07g, 12b),
// whose completion to ask for, which modules belong to which session, and
// what the messages say of modules.
#include "tests/support/source_tree.hpp"
#include "moodle/answers.hpp"
#include "ocs/api.hpp"
#include "reminding/literal.hpp"
#include "reminding/messages.hpp"
#include "scheduler/sessions.hpp"
#include "tests/sim/capture.hpp"
#include "tracking/moodle_course.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

nlohmann::json recorded_answer(const std::string& name)
{
    const auto c = sim::load_capture(prereadd::test::moodle_recordings() + "/" + name + ".http");
    return nlohmann::json::parse(c.response.body);
}

std::vector<moodle::section> recorded_contents()
{
    auto sections = moodle::parse_contents(recorded_answer("03-course-contents"));
    EXPECT_TRUE(sections);
    return sections ? *sections : std::vector<moodle::section>{};
}

TEST(moodle_course, the_recorded_course_has_five_pre_reads_and_one_module_nobody_can_be_seen_opening)
{
    const auto m = tracking::modules_of(recorded_contents(), false, 1000);
    std::vector<std::int64_t> ids;
    for (const auto& d : m.pre_reads) ids.push_back(d.file_id);
    // 1, 2 (week 1), 3, 4 (week 2), 5 and 6 (week 3, the forum and the manual page); 7 has completion off.
    EXPECT_EQ(ids, (std::vector<std::int64_t>{-1, -2, -3, -4, -5, -6}));
    ASSERT_EQ(m.untracked.size(), 1u);
    EXPECT_EQ(m.untracked[0].cmid, 7);
    EXPECT_EQ(m.untracked[0].section_name, "Week 3");
    EXPECT_EQ(m.untracked[0].why, "completion is off");
    const auto& handbook = m.pre_reads[0];
    EXPECT_TRUE(handbook.from_moodle());
    EXPECT_EQ(handbook.path, "Course handbook (PDF)");
    EXPECT_EQ(handbook.section, 1);
    EXPECT_EQ(handbook.section_name, "Week 1");
    EXPECT_THAT(handbook.link, HasSubstr("/mod/resource/view.php?id=1")) << "the view page, which records completion";
    EXPECT_EQ(handbook.first_seen, 1000);
}

TEST(moodle_course, an_automatic_module_without_the_view_rule_cannot_say_who_opened_it)
{
    auto sections = recorded_contents();
    sections[1].modules[0].completes_on_view = false;  // e.g. a grade rule only
    const auto m = tracking::modules_of(sections, false, 0);
    ASSERT_EQ(m.untracked.size(), 2u);
    EXPECT_EQ(m.untracked[0].why, "its completion has no \"view\" rule");
}

std::vector<moodle::enrolled_user> team()
{
    return {{3, "preread", "Preread Service", "preread@example.com", {"editingteacher"}, {}},
            {4, "alice", "Alice Anders", "Alice@Example.com", {"student"}, {1}},
            {5, "bob", "Bob Brown", "bob@example.com", {"student"}, {1}},
            {6, "carol", "Carol Clark", "carol@example.com", {"student"}, {}},
            {7, "dave", "Dave Dunn", "dave@example.org", {"student"}, {}},
            {8, "tina", "Tina Teacher", "tina@example.com", {"teacher"}, {}}};
}

TEST(moodle_course, participants_are_the_students_mapped_by_username_where_nextcloud_has_the_user)
{
    config::moodle_course_config c;
    const std::map<std::string, std::string> in_nextcloud{{"alice", "alice"}, {"bob", "bob"}, {"carol", "carol"}};
    auto mapped = tracking::participants_of(team(), c, std::nullopt, 3, in_nextcloud);
    ASSERT_FALSE(mapped.error);
    std::vector<std::string> ids;
    for (const auto& p : mapped.participants) ids.push_back(p.user_id);
    EXPECT_EQ(ids, (std::vector<std::string>{"alice", "bob", "carol", "moodle:7"})) << "no teacher, no service user";
    EXPECT_EQ(mapped.participants[3].fullname, "Dave Dunn");
    EXPECT_EQ(tracking::lookups_for(team(), c, 3), (std::vector<std::string>{"alice", "bob", "carol", "dave"}));

    // One group; the explicit map wins (by Moodle id here).
    c.group = "team-alpha";
    c.map = {{"5", "robert"}};
    mapped = tracking::participants_of(team(), c, std::set<std::int64_t>{4, 5}, 3, in_nextcloud);
    ASSERT_EQ(mapped.participants.size(), 2u);
    EXPECT_EQ(mapped.participants[1].user_id, "robert");

    // By e-mail, without regard to case.
    c = {};
    c.map_by = config::moodle_course_config::mapping::email;
    EXPECT_EQ(tracking::lookups_for(team(), c, 3)[0], "alice@example.com");
    mapped = tracking::participants_of(team(), c, std::nullopt, 3, {{"alice@example.com", "alice"}});
    EXPECT_EQ(mapped.participants[0].user_id, "alice");
    EXPECT_EQ(mapped.participants[1].user_id, "moodle:5");

    // Only the map.
    c = {};
    c.map_by = config::moodle_course_config::mapping::map;
    c.map = {{"carol@example.com", "carol"}};
    EXPECT_TRUE(tracking::lookups_for(team(), c, 3).empty());
    mapped = tracking::participants_of(team(), c, std::nullopt, 3, in_nextcloud);
    EXPECT_EQ(mapped.participants[0].user_id, "moodle:4");
    EXPECT_EQ(mapped.participants[2].user_id, "carol");
}

TEST(moodle_course, withheld_usernames_are_the_missing_capability_not_users_without_an_account)
{
    // 04a: the service user sees its own username only.
    auto users = moodle::parse_enrolled_users(recorded_answer("04a-enrolled-users"));
    ASSERT_TRUE(users);
    auto mapped = tracking::participants_of(*users, {}, std::nullopt, 3, {});
    ASSERT_TRUE(mapped.error);
    EXPECT_THAT(*mapped.error, HasSubstr("moodle/user:viewalldetails"));
}

TEST(moodle_course, views_are_opened_and_a_manual_tick_acknowledged_from_the_recorded_completion)
{
    const std::set<std::int64_t> pre_reads{1, 2, 3, 4, 5, 6};
    auto bob = moodle::parse_completion(recorded_answer("07d-completion-bob-after"));
    ASSERT_TRUE(bob);
    auto opened = tracking::engagements_of("alpha", "bob", *bob, pre_reads, 99);
    ASSERT_FALSE(opened.empty());
    for (const auto& e : opened) {
        EXPECT_EQ(e.kind, store::engagement_kind::opened);
        EXPECT_EQ(e.source, "moodle");
        EXPECT_LT(e.file_id, 0);
        EXPECT_GT(e.first_at, 1700000000) << "timecompleted, not now";
    }
    auto carol = moodle::parse_completion(recorded_answer("07g-completion-carol-after-manual"));
    ASSERT_TRUE(carol);
    auto ticked = tracking::engagements_of("alpha", "carol", *carol, pre_reads, 99);
    ASSERT_EQ(ticked.size(), 1u);
    EXPECT_EQ(ticked[0].file_id, -6);
    EXPECT_EQ(ticked[0].kind, store::engagement_kind::acknowledged);
    // 12b: bob viewed the module without completion: it is not in the answer at all.
    auto after = moodle::parse_completion(recorded_answer("12b-completion-bob-after-nocompl-view"));
    ASSERT_TRUE(after);
    for (const auto& e : tracking::engagements_of("alpha", "bob", *after, pre_reads, 99)) EXPECT_NE(e.file_id, -7);
    EXPECT_TRUE(tracking::engagements_of("alpha", "alice",
                                         *moodle::parse_completion(recorded_answer("07e-completion-alice-untouched")),
                                         pre_reads, 99)
                    .empty());
}

TEST(moodle_course, only_participants_with_a_module_left_are_asked_for)
{
    const auto modules = tracking::modules_of(recorded_contents(), false, 0).pre_reads;
    const std::vector<scheduler::pre_read_doc> week_1(modules.begin(), modules.begin() + 2);
    const std::vector<tracking::moodle_participant> people{{4, "Alice", "alice"}, {5, "Bob", "bob"}};
    const std::set<std::pair<std::string, std::int64_t>> done{{"bob", -1}, {"bob", -2}, {"alice", -1}};
    auto asked = tracking::to_ask(people, week_1, done);
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0]->user_id, "alice");
    EXPECT_TRUE(tracking::to_ask(people, {}, done).empty()) << "no session in its reminder window: nobody";
}

config::project_config weekly_project()
{
    config::project_config p;
    p.id = "alpha";
    p.time_zone = date::locate_zone("Europe/Berlin");
    p.lead_times = {72h, 24h};
    config::weekly_series_config w;
    w.title = "Training";
    w.days = {date::Wednesday};
    w.time_of_day = 10h;
    w.first = date::local_days{date::year{2026} / 12 / 2};
    w.count = 3;
    w.moodle_first_section = 1;
    p.weekly = {w};
    p.moodle = config::moodle_course_config{};
    return p;
}

TEST(moodle_course, completion_is_asked_for_from_the_first_reminder_window_to_the_start)
{
    const auto p = weekly_project();
    const auto modules = tracking::modules_of(recorded_contents(), false, 0).pre_reads;
    const date::sys_seconds week_1{std::chrono::seconds(1796202000)};  // 2 December, 10:00 Berlin
    EXPECT_TRUE(tracking::window_modules(p, modules, week_1 - 73h).modules.empty()) << "before the P3D window";
    EXPECT_EQ(tracking::window_modules(p, modules, week_1 - 72h).modules.size(), 2u) << "the second it opens";
    auto in_window = tracking::window_modules(p, modules, week_1 - 71h);
    ASSERT_EQ(in_window.modules.size(), 2u);
    EXPECT_EQ(in_window.modules[0].section_name, "Week 1");
    EXPECT_EQ(in_window.leads_passed, std::set<std::string>{"2026-12-02T10:00@1"});
    EXPECT_TRUE(tracking::window_modules(p, modules, week_1 + 1h).modules.empty())
        << "started: week 2's window not open";
    auto week_2 = tracking::window_modules(p, modules, week_1 + 24h * 5);
    ASSERT_EQ(week_2.modules.size(), 2u);
    EXPECT_EQ(week_2.modules[0].section_name, "Week 2");

    // Between turns, completion is asked for when a lead time passes: a reminder is due.
    tracking::course_cache cache;
    EXPECT_TRUE(tracking::course_due(cache, false, {})) << "never read";
    cache.loaded = true;
    cache.leads_asked = in_window.leads_passed;
    EXPECT_FALSE(tracking::course_due(cache, false, in_window.leads_passed));
    EXPECT_TRUE(tracking::course_due(cache, true, in_window.leads_passed)) << "its turn";
    const auto p1d = tracking::window_modules(p, modules, week_1 - 23h).leads_passed;
    EXPECT_EQ(p1d, std::set<std::string>{"2026-12-02T10:00@2"});
    EXPECT_TRUE(tracking::course_due(cache, false, p1d)) << "the P1D reminder is due";
}

TEST(moodle_course, a_session_takes_its_section_by_number_name_or_date_else_the_whole_course)
{
    const auto modules = tracking::modules_of(recorded_contents(), false, 0).pre_reads;
    std::vector<scheduler::pre_read_doc> all = modules;
    all.push_back({42, "agenda.md", 0, {}});
    const auto* zone = date::locate_zone("Europe/Berlin");
    scheduler::session s;
    s.start = date::sys_days{date::year{2026} / 12 / 9} + 9h;
    auto names = [&](scheduler::module_scope scope) {
        std::vector<std::string> out;
        for (const auto& d : scheduler::documents_for(s, *zone, all, scheduler::pre_read_scope::folder, "", scope))
            out.push_back(d.path);
        return out;
    };
    EXPECT_EQ(names(scheduler::module_scope::whole_course).size(), 7u);
    EXPECT_EQ(names(scheduler::module_scope::section_with_date), std::vector<std::string>{"agenda.md"})
        << "no section names 9 December";
    s.moodle_section.number = 2;
    EXPECT_EQ(names(scheduler::module_scope::whole_course),
              (std::vector<std::string>{"Moodle docs link", "Intro video (MP4)", "agenda.md"}));
    s.moodle_section = {std::nullopt, "week 3"};
    EXPECT_EQ(names(scheduler::module_scope::whole_course).size(), 3u) << "by name, without regard to case";
}

TEST(moodle_course, a_section_name_holds_the_session_date_in_the_forms_authors_write)
{
    const date::year_month_day day{date::year{2026} / 12 / 9};
    for (const char* name : {"Week 2 (2026-12-09)", "9 December 2026", "Session of December 9, 2026",
                             "09.12.2026: Review", "Am 9.12.2026", "12/9/2026"})
        EXPECT_TRUE(scheduler::section_names_date(name, day)) << name;
    for (const char* name : {"19 December 2026", "2026-12-19", "9 November", "Week 9", "29.12.2026"})
        EXPECT_FALSE(scheduler::section_names_date(name, day)) << name;
}

TEST(moodle_course, messages_name_a_module_with_its_section_and_link_it_only_in_moodle)
{
    scheduler::pre_read_doc module{
        -4, "Intro <video>", 0, {}, "moodle", 2, "Week 2", "https://learn.example.org/mod/resource/view.php?id=4&x=1"};
    EXPECT_EQ(reminding::document_label(module), "Intro <video> (Moodle, Week 2)");
    EXPECT_EQ(reminding::document_label(scheduler::pre_read_doc{7, "agenda.md", 0, {}}), "agenda.md");

    scheduler::session s;
    s.key = "k";
    s.title = "Review & plan";
    s.start = date::sys_days{date::year{2026} / 12 / 9} + 9h;
    s.end = s.start + 1h;
    reminding::reminder_input in;
    in.session = &s;
    in.zone = date::locate_zone("Europe/Berlin");
    in.now = s.start - 24h;
    in.documents = {module, {7, "agenda.md", 0, {}}};
    auto html = reminding::moodle_reminder(in, "moodle:7", "Dave <b>Dunn</b>");
    ASSERT_TRUE(html);
    EXPECT_THAT(*html, HasSubstr("Hello Dave &lt;b&gt;Dunn&lt;/b&gt;"));
    EXPECT_THAT(*html, HasSubstr("Review &amp; plan"));
    EXPECT_THAT(*html, HasSubstr("<a href=\"https://learn.example.org/mod/resource/view.php?id=4&amp;x=1\">"
                                 "Intro &lt;video&gt;</a> (Week 2)"));
    EXPECT_THAT(*html, Not(HasSubstr("agenda.md"))) << "a file they have no account to open";
    in.done = {{"moodle:7", -4}};
    EXPECT_FALSE(reminding::moodle_reminder(in, "moodle:7", "Dave"));
}

TEST(moodle_course, the_deck_card_and_the_digest_list_modules_like_documents_with_their_source)
{
    scheduler::pre_read_doc module{-4, "Intro video (MP4)", 0, {}, "moodle", 2, "Week 2", "https://l/mod/x"};
    scheduler::session s;
    s.key = "k";
    s.title = "Review";
    s.start = date::sys_days{date::year{2026} / 12 / 9} + 9h;
    s.end = s.start + 1h;
    reminding::reminder_input in;
    in.session = &s;
    in.zone = date::locate_zone("Europe/Berlin");
    in.now = s.start - 2h;
    in.participants = {"alice", "bob"};
    in.documents = {{7, "agenda.md", 0, {}}, module};
    in.done = {{"bob", -4}};
    const auto card = reminding::deck_description("alpha", in);
    EXPECT_THAT(card, HasSubstr("- [ ] alice: Intro video (MP4) (Moodle, Week 2)"));
    EXPECT_THAT(card, HasSubstr("- [x] bob: Intro video (MP4) (Moodle, Week 2)"));
    reminding::digest_input d;
    d.base = in;
    d.engagements = {{"alpha", "bob", -4, store::engagement_kind::opened, 1, "moodle"}};
    const auto digest = reminding::digest_message(d).text;
    EXPECT_THAT(digest, HasSubstr("Intro video (MP4) (Moodle, Week 2): opened by bob"));
}

TEST(moodle_course, a_name_in_a_moodle_message_is_never_markup_or_a_link)
{
    const auto text = reminding::html_text("<script>x</script> \"a\" & 'b' https://evil.example www.evil.example\n");
    EXPECT_THAT(text, Not(HasSubstr("<")));
    EXPECT_THAT(text, Not(HasSubstr("://")));
    EXPECT_THAT(text, Not(HasSubstr("www.")));
    EXPECT_THAT(text, Not(HasSubstr("\n")));
    EXPECT_THAT(text, HasSubstr("&quot;a&quot; &amp; &#39;b&#39;"));
}

TEST(moodle_course, the_sharee_search_gives_its_exact_users)
{
    auto found = ocs::parse_exact_users(nlohmann::json::parse(R"({
      "exact": {"users": [{"label": "Alice", "value": {"shareType": 0, "shareWith": "alice"},
                           "shareWithDisplayNameUnique": "alice@example.com"}], "groups": []},
      "users": [{"label": "Alicia", "value": {"shareType": 0, "shareWith": "alicia"}}]})"));
    ASSERT_TRUE(found);
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0].id, "alice");
    EXPECT_EQ((*found)[0].unique, "alice@example.com");
    EXPECT_FALSE(ocs::parse_exact_users(nlohmann::json::parse(R"({"users": []})")));
    EXPECT_TRUE(ocs::parse_exact_users(nlohmann::json::parse(R"({"exact": {"groups": []}})"))->empty());
}

}  // namespace
}  // namespace prereadd
