// `prereadd doctor` for the Moodle side (see doctor.hpp, docs/operations.md,
// "What Moodle needs"): the token, the service's functions, each project's
// course, its participants' usernames, activity completion of another user,
// and the modules whose completion cannot say who opened them.
#include "daemon/doctor.hpp"

#include "moodle/site.hpp"
#include "scheduler/sessions.hpp"
#include "reminding/literal.hpp"
#include "tracking/moodle_course.hpp"

#include <algorithm>

namespace prereadd::daemon {
namespace {

std::string said(const http::failure& f) { return reminding::log_text(f.message()); }

// The fix a failure of the token or of the site itself needs, else `otherwise`:
// what Moodle's answer means, not what the call was about.
std::string fix_for(const http::failure& f, std::string otherwise)
{
    if (f.code == moodle::error::invalid_token || f.code == moodle::error::token_rejected) return moodle::token_fix;
    if (f.code == moodle::error::access_exception)
        return "give the service user's site role webservice/rest:use (Site administration > Users > Define roles), "
               "and check that the prereadd service has the function (Server > Web services > External services > "
               "Functions)";
    if (f.status == 503)
        return "Moodle answers 503: it is in maintenance mode (or overloaded); once an upgrade is done: php "
               "admin/cli/maintenance.php --disable";
    return otherwise;
}

// A session's Moodle section, by number or name, among the course's sections.
bool has_section(const std::vector<moodle::section>& sections, const scheduler::section_choice& wanted)
{
    return std::any_of(sections.begin(), sections.end(), [&](const moodle::section& s) {
        return wanted.number ? s.number == *wanted.number
                             : scheduler::ascii_lower(s.name) == scheduler::ascii_lower(wanted.name);
    });
}

// What the daemon calls, and why it needs each (operations.md, step 3).
const std::pair<const char*, const char*> needed_functions[] = {
    {"core_webservice_get_site_info", "the service user's id"},
    {"core_course_get_courses_by_field", "the course"},
    {"core_course_get_contents", "its modules"},
    {"core_enrol_get_enrolled_users", "its participants"},
    {"core_completion_get_activities_completion_status", "who opened what"},
    {"core_message_send_instant_messages", "reminders to participants without a Nextcloud account"},
    {"core_message_get_messages", "finding a sent message whose answer was lost"},
};

struct moodle_doctor {
    moodle::site& site;
    std::vector<check_result> out;
    void add(std::string what, verdict v, std::string detail, std::string fix = {})
    {
        out.push_back({std::move(what), v, std::move(detail), std::move(fix)});
    }
};

boost::asio::awaitable<std::optional<moodle::site_info>> async_check_token(moodle_doctor& d,
                                                                           const config::moodle_site_config& m)
{
    auto info = co_await d.site.async_site_info();
    if (!info) {
        d.add("moodle", verdict::problem, m.base.to_string() + ": " + said(info.error()),
              fix_for(info.error(),
                      "check moodle.url, that web services and the REST protocol are on, and the token "
                      "in " +
                          m.token_file.string() + " (Site administration > Server > Web services > Manage tokens)"));
        co_return std::nullopt;
    }
    d.add("moodle", verdict::ok,
          "Moodle " + reminding::log_text(info->release) + ", the token is " + reminding::log_text(info->username) +
              "'s");
    std::vector<std::string> missing;
    for (const auto& [function, why] : needed_functions)
        if (!info->functions.count(function)) missing.push_back(std::string(function) + " (" + why + ")");
    if (missing.empty()) {
        d.add("moodle: functions", verdict::ok, "the token's service has every function prereadd calls");
    } else {
        std::string list;
        for (const auto& f : missing) list += (list.empty() ? "" : ", ") + f;
        d.add("moodle: functions", verdict::problem, "the token's service lacks " + list,
              "add them to the service (Site administration > Server > Web services > External services > "
              "Functions)");
    }
    co_return std::optional<moodle::site_info>(std::move(*info));
}

// Each session's section (moodle_section, a series' moodle_first_section and
// its last) is one the course has: a name that matches none selects nothing,
// and its session would get no reminder.
void check_sections(moodle_doctor& d, const config::project_config& p, const std::vector<moodle::section>& sections)
{
    std::vector<std::pair<std::string, scheduler::section_choice>> wanted;  // (whose, which)
    for (const auto& s : p.sessions)
        if (!s.moodle_section.empty()) wanted.emplace_back("session \"" + s.title + "\"", s.moodle_section);
    for (const auto& w : p.weekly)
        if (w.moodle_first_section) {
            wanted.emplace_back("series \"" + w.title + "\"", scheduler::section_choice{*w.moodle_first_section});
            if (w.count && *w.count > 1)
                wanted.emplace_back(
                    "series \"" + w.title + "\" (its last)",
                    scheduler::section_choice{*w.moodle_first_section + static_cast<int>(*w.count) - 1});
        }
    const std::string name = "project " + p.id + ": Moodle sections";
    std::vector<std::string> missing;
    for (const auto& [whose, which] : wanted)
        if (!has_section(sections, which))
            missing.push_back(
                reminding::log_text(whose) + ": section " +
                (which.number ? std::to_string(*which.number) : "\"" + reminding::log_text(which.name) + "\""));
    if (wanted.empty()) return;
    if (missing.empty()) {
        d.add(name, verdict::ok, "every section the sessions name is in the course");
        return;
    }
    std::string known, list;
    for (const auto& s : sections) known += (known.empty() ? "" : ", ") + reminding::log_text(s.name);
    for (const auto& m : missing) list += (list.empty() ? "" : "; ") + m;
    d.add(name, verdict::problem, list + ": the course has no such section, so it selects no pre-read",
          "name one of the course's sections (" + known + ") in " + p.file.string());
}

boost::asio::awaitable<void> async_check_course(moodle_doctor& d, const config::project_config& p,
                                                std::int64_t service_user)
{
    const auto& c = *p.moodle;
    const std::string name = "project " + p.id + ": Moodle course";
    auto found = co_await tracking::async_lookup_course(d.site, c);
    if (!found || !*found) {
        d.add(name, verdict::problem,
              c.course_name() + (found ? std::string(" is not found") : ": " + said(found.error())),
              "correct moodle.course in " + p.file.string() + ", or enrol the service user in the course");
        co_return;
    }
    const auto course = **found;
    if (!course.completion_enabled)
        d.add(name, verdict::problem, reminding::log_text(course.fullname) + ": completion tracking is off",
              "Course settings > Completion tracking > Enable completion tracking: Yes");
    else
        d.add(name, verdict::ok, reminding::log_text(course.fullname) + " (id " + std::to_string(course.id) + ")");

    auto contents = co_await d.site.async_contents(course.id);
    if (!contents) {
        d.add(name + " modules", verdict::problem, said(contents.error()), fix_for(contents.error(), {}));
    } else {
        check_sections(d, p, *contents);
        const auto modules = tracking::modules_of(*contents, tracking::names_general_section(p), 0);
        if (modules.untracked.empty()) {
            d.add(name + " modules", verdict::ok,
                  std::to_string(modules.pre_reads.size()) + " module(s), each completed by a view or a tick");
        } else {
            std::string list;
            for (const auto& m : modules.untracked)
                list +=
                    (list.empty() ? "" : "; ") + reminding::log_text(m.name + " (" + m.section_name + "): " + m.why);
            d.add(name + " modules", verdict::warning, "who opened these cannot be known: " + list,
                  "in each module: Completion conditions > Add requirements > View");
        }
    }

    auto users = co_await d.site.async_enrolled_users(course.id, std::nullopt);
    if (!users) {
        d.add(name + " participants", verdict::problem, said(users.error()),
              fix_for(users.error(), "give the service user the Non-editing teacher role in the course"));
        co_return;
    }
    auto group = co_await tracking::async_course_group(d.site, c, course.id);
    if (!group) {
        const bool missing = group.error().code == moodle::error::missing_record;
        d.add(name + " group", verdict::problem, said(group.error()),
              missing ? "create the group in the course (Participants > Groups), or correct moodle.group in " +
                            p.file.string()
                      : fix_for(group.error(),
                                "grant moodle/course:managegroups and moodle/site:accessallgroups to the "
                                "service user's role in the course (or its site role)"));
        co_return;
    }
    if (c.group)
        d.add(name + " group", verdict::ok,
              reminding::log_text(*c.group) + ": " + std::to_string((*group)->size()) + " member(s)");
    auto mapped = tracking::participants_of(*users, c, *group, service_user, {});
    if (mapped.error) {
        d.add(name + " participants", verdict::problem, reminding::log_text(*mapped.error),
              "grant moodle/user:viewalldetails to the service user's site role (Site administration > Users > "
              "Define roles)");
        co_return;
    }
    d.add(name + " participants", verdict::ok,
          std::to_string(mapped.participants.size()) + " enrolled user(s) with the role(s) asked for");
    if (mapped.participants.empty()) co_return;
    auto completion = co_await d.site.async_completion(course.id, mapped.participants.front().moodle_id);
    if (!completion)
        d.add(
            name + " completion", verdict::problem, said(completion.error()),
            fix_for(completion.error(),
                    "the service user needs report/progress:view in the course (the Non-editing teacher role has it)"));
    else
        d.add(name + " completion", verdict::ok, "the service user may read another user's activity completion");
}

}  // namespace

boost::asio::awaitable<std::vector<check_result>> async_doctor_moodle(moodle::site& site,
                                                                      const config::configuration& config)
{
    moodle_doctor d{site, {}};
    if (!config.global.moodle) co_return std::move(d.out);
    auto info = co_await async_check_token(d, *config.global.moodle);
    if (!info) co_return std::move(d.out);
    for (const auto& p : config.projects)
        if (p.moodle) co_await async_check_course(d, p, info->userid);
    co_return std::move(d.out);
}

}  // namespace prereadd::daemon
