// The recorded Moodle site (see recorded_moodle.hpp and the README's "How the
// data was made").
#include "tests/support/source_tree.hpp"
#include "tests/sim/recorded_moodle.hpp"

#include <algorithm>
#include <fstream>
#include <numeric>

namespace prereadd::sim {
namespace {

const std::set<std::string> all_capabilities{
    "webservice/rest:use",        "moodle/course:managegroups", "moodle/site:accessallgroups",
    "moodle/course:enrolreview",  "moodle/course:viewparticipants", "report/progress:view",
    "report/completion:view"};

// The group's description is the data generator's lorem ipsum: taken from
// the recording rather than copied here.
std::string recorded_group_description()
{
    const auto c = load_capture(prereadd::test::moodle_recordings() + "/05b-course-groups.http");
    auto groups = nlohmann::json::parse(c.response.body);
    return groups.at(0).at("description").get<std::string>();
}

}  // namespace

std::string recorded_token(const std::string& user)
{
    if (user == "preread") return "5a1d00c0ffee5a1d00c0ffee5a1d0003";
    if (user == "alice") return "5a1d00c0ffee5a1d00c0ffee5a1d0004";
    if (user == "bob") return "5a1d00c0ffee5a1d00c0ffee5a1d0005";
    if (user == "carol") return "5a1d00c0ffee5a1d00c0ffee5a1d0006";
    return {};
}

void seed_recorded_moodle(moodle_world& w)
{
    w.users[2] = {2, "admin", "Admin", "User", "admin@example.com"};
    w.users[3] = {3, "preread", "Preread", "Service", "preread@example.com"};
    w.users[4] = {4, "alice", "Alice", "Anders", "alice@example.com"};
    w.users[5] = {5, "bob", "Bob", "Brown", "bob@example.com"};
    w.users[6] = {6, "carol", "Carol", "Clark", "carol@example.com"};
    w.service_user = 3;
    w.tokens[recorded_token("preread")] = {3, "prereadd"};
    for (const char* student : {"alice", "bob", "carol"})
        w.tokens[recorded_token(student)] = {student[0] == 'a' ? 4 : student[0] == 'b' ? 5 : 6, "moodle_mobile_app"};
    w.service_functions = {"core_webservice_get_site_info",
                           "core_course_get_courses_by_field",
                           "core_course_get_contents",
                           "core_enrol_get_enrolled_users",
                           "core_enrol_get_enrolled_users_with_capability",
                           "core_group_get_course_groups",
                           "core_group_get_group_members",
                           "core_completion_get_activities_completion_status",
                           "core_completion_get_course_completion_status",
                           "core_message_send_instant_messages",
                           "core_user_get_users_by_field",
                           "core_course_get_updates_since",
                           "core_course_check_updates",
                           "core_course_get_recent_courses",
                           "block_recentlyaccesseditems_get_recent_items"};
    w.service_capabilities = all_capabilities;
    moodle_course alpha;
    alpha.id = 2;
    alpha.shortname = "ALPHA";
    alpha.fullname = "Alpha Training";
    alpha.startdate = 1795996800;
    alpha.sections = {{1, "General"}, {2, "Week 1"}, {3, "Week 2"}, {4, "Week 3"}};
    alpha.enrolments = {{3, "teacher"}, {4, "student"}, {5, "student"}, {6, "student"}};
    w.courses[2] = alpha;
    const std::int64_t made = 1796029338;
    auto module = [&](std::int64_t cmid, std::int64_t instance, int section, const char* name, const char* modname,
                      int completion) {
        moodle_module m;
        m.cmid = cmid;
        m.instance = instance;
        m.course = 2;
        m.section = section;
        m.name = name;
        m.modname = modname;
        m.completion = completion;
        m.contextid = cmid + 15;
        m.created = made;
        return m;
    };
    w.modules[1] = module(1, 1, 1, "Course handbook (PDF)", "resource", 2);
    w.modules[1].filename = "handbook.pdf";
    w.modules[1].mimetype = "application/pdf";
    w.modules[1].filesize = 53;
    w.modules[2] = module(2, 1, 1, "Welcome page", "page", 2);
    w.modules[3] = module(3, 1, 2, "Moodle docs link", "url", 2);
    w.modules[3].external_url = "https://docs.moodle.org/405/en/Main_page";
    w.modules[4] = module(4, 2, 2, "Intro video (MP4)", "resource", 2);
    w.modules[4].filename = "intro.mp4";
    w.modules[4].mimetype = "video/mp4";
    w.modules[4].filesize = 23;
    w.modules[5] = module(5, 1, 3, "Discussion forum", "forum", 2);
    w.modules[6] = module(6, 2, 3, "Self-check (manual completion)", "page", 1);
    w.modules[7] = module(7, 3, 3, "Extra reading (no completion)", "page", 0);
    w.groups.push_back({1, 2, "team-alpha", "team-alpha", recorded_group_description(), {4, 5}});
    // Each user's self-conversation came first (ids 1-4): 10b shows bob's as 3.
    for (std::int64_t user = 3; user <= 6; ++user) w.conversations[{user, user}] = user - 2;
    w.next_conversation = 5;
}

void before_moodle_recording(moodle_world& w, const capture& c)
{
    const std::string id = c.name.substr(0, c.name.find('-'));
    w.service_capabilities = all_capabilities;
    if (id == "11a") w.service_capabilities.erase("webservice/rest:use");
    if (id == "04c") w.service_capabilities.erase("moodle/site:accessallgroups");
    if (id == "04e") w.service_capabilities.erase("moodle/course:enrolreview");
    if (id == "05a" || id == "05c") w.service_capabilities.erase("moodle/course:managegroups");
    if (id == "11q" || id == "11r" || id == "11s")
        for (const char* teacher : {"moodle/course:viewparticipants", "report/progress:view", "report/completion:view"})
            w.service_capabilities.erase(teacher);
    w.debug = id == "11o" || id == "11p";
    // Criteria were added after 08a; alice made her first four views (not
    // recorded) before 07i, her fifth; cron ran between 08c and 08d.
    if (id == "08b" && !w.courses.at(2).criteria_since) w.courses.at(2).criteria_since = w.now();
    if (id == "07i")
        for (std::int64_t cmid = 1; cmid <= 4; ++cmid) w.view(4, cmid);
    if (id == "08d") w.cron();
}

std::vector<std::size_t> moodle_replay_order(const std::vector<capture>& captures)
{
    std::vector<std::size_t> order(captures.size());
    std::iota(order.begin(), order.end(), 0);
    auto when = [&](std::size_t i) { return captures[i].response.header("Date").substr(17, 8); };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return when(a) < when(b); });
    return order;
}

}  // namespace prereadd::sim
