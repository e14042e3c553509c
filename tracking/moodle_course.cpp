// A Moodle course as pre-reads and participants (see moodle_course.hpp).
#include "tracking/moodle_course.hpp"

#include "tracking/bounded_each.hpp"

#include <algorithm>
#include <cctype>

namespace prereadd::tracking {
namespace {

// "Moodle course ALPHA: <failure>", and the fix where the token was refused.
std::string course_failure(const std::string& course, const http::failure& e)
{
    std::string text = "Moodle course " + course + ": " + e.message();
    if (e.code == moodle::error::invalid_token || e.code == moodle::error::token_rejected)
        text += "; " + std::string(moodle::token_fix);
    return text;
}

using scheduler::ascii_lower;

bool has_role(const moodle::enrolled_user& u, const std::vector<std::string>& roles)
{
    return std::any_of(u.roles.begin(), u.roles.end(),
                       [&](const std::string& r) { return std::find(roles.begin(), roles.end(), r) != roles.end(); });
}

// The explicit map's entry for a user: by id, e-mail or username.
std::optional<std::string> mapped(const config::moodle_course_config& c, const moodle::enrolled_user& u)
{
    for (const std::string& key : {std::to_string(u.id), ascii_lower(u.email), u.username}) {
        if (key.empty()) continue;
        if (auto it = c.map.find(key); it != c.map.end()) return it->second;
        // E-mail addresses are compared without case, as mail servers do.
        for (const auto& [k, v] : c.map)
            if (k.find('@') != std::string::npos && ascii_lower(k) == key) return v;
    }
    return std::nullopt;
}

}  // namespace

course_modules modules_of(const std::vector<moodle::section>& sections, bool with_general, std::int64_t now)
{
    course_modules out;
    for (const auto& s : sections) {
        if (!s.visible || (s.number == 0 && !with_general)) continue;
        for (const auto& m : s.modules) {
            if (!m.visible || m.url.empty()) continue;
            if (m.tracking == moodle::tracking::none ||
                (m.tracking == moodle::tracking::automatic && !m.completes_on_view)) {
                out.untracked.push_back({m.cmid, m.name, s.name,
                                         m.tracking == moodle::tracking::none ? "completion is off"
                                                                              : "its completion has no \"view\" rule"});
                continue;
            }
            scheduler::pre_read_doc d;
            d.file_id = -m.cmid;
            d.path = m.name;
            d.first_seen = now;
            d.source = "moodle";
            d.section = s.number;
            d.section_name = s.name;
            d.link = m.url;
            out.pre_reads.push_back(std::move(d));
        }
    }
    return out;
}

bool names_general_section(const config::project_config& p)
{
    return std::any_of(p.sessions.begin(), p.sessions.end(),
                       [](const auto& s) { return s.moodle_section.number == 0; }) ||
           std::any_of(p.weekly.begin(), p.weekly.end(), [](const auto& w) { return w.moodle_first_section == 0; });
}

mapped_participants participants_of(const std::vector<moodle::enrolled_user>& users,
                                    const config::moodle_course_config& c,
                                    const std::optional<std::set<std::int64_t>>& group_members,
                                    std::int64_t service_user, const std::map<std::string, std::string>& in_nextcloud)
{
    using mapping = config::moodle_course_config::mapping;
    mapped_participants out;
    std::size_t withheld = 0;
    for (const auto& u : users) {
        if (u.id == service_user || !has_role(u, c.roles)) continue;
        if (group_members && !group_members->count(u.id)) continue;
        moodle_participant p{u.id, u.fullname, moodle_user_key(u.id)};
        if (auto nc = mapped(c, u)) {
            p.user_id = *nc;
        } else if (c.map_by == mapping::username) {
            if (u.username.empty())
                ++withheld;
            else if (auto it = in_nextcloud.find(u.username); it != in_nextcloud.end())
                p.user_id = it->second;
        } else if (c.map_by == mapping::email && !u.email.empty()) {
            if (auto it = in_nextcloud.find(ascii_lower(u.email)); it != in_nextcloud.end()) p.user_id = it->second;
        }
        out.participants.push_back(std::move(p));
    }
    if (withheld > 0)
        out.error = "Moodle withholds the usernames of " + std::to_string(withheld) +
                    " participant(s) from the service user: grant it moodle/user:viewalldetails in the course "
                    "(or map by e-mail: \"map_by\": \"email\")";
    return out;
}

std::vector<std::string> lookups_for(const std::vector<moodle::enrolled_user>& users,
                                     const config::moodle_course_config& c, std::int64_t service_user)
{
    using mapping = config::moodle_course_config::mapping;
    std::vector<std::string> out;
    if (c.map_by == mapping::map) return out;
    for (const auto& u : users) {
        if (u.id == service_user || !has_role(u, c.roles) || mapped(c, u)) continue;
        const std::string key = c.map_by == mapping::username ? u.username : ascii_lower(u.email);
        if (!key.empty()) out.push_back(key);
    }
    return out;
}

std::vector<store::engagement> engagements_of(const std::string& project, const std::string& user_id,
                                              const std::vector<moodle::completion_status>& statuses,
                                              const std::set<std::int64_t>& pre_read_cmids, std::int64_t now)
{
    std::vector<store::engagement> out;
    for (const auto& s : statuses) {
        if (!s.complete() || !s.tracked_user || !pre_read_cmids.count(s.cmid)) continue;
        const auto kind = s.tracking == moodle::tracking::manual ? store::engagement_kind::acknowledged
                                                                 : store::engagement_kind::opened;
        out.push_back({project, user_id, -s.cmid, kind, s.timecompleted > 0 ? s.timecompleted : now, "moodle"});
    }
    return out;
}

std::vector<const moodle_participant*> to_ask(const std::vector<moodle_participant>& participants,
                                              const std::vector<scheduler::pre_read_doc>& window_modules,
                                              const std::set<std::pair<std::string, std::int64_t>>& done)
{
    std::vector<const moodle_participant*> out;
    for (const auto& p : participants)
        if (std::any_of(window_modules.begin(), window_modules.end(), [&](const auto& m) {
                return !done.count({p.user_id, m.file_id});
            }))
            out.push_back(&p);
    return out;
}

reminder_windows window_modules(const config::project_config& p, const std::vector<scheduler::pre_read_doc>& modules,
                                date::sys_seconds now)
{
    reminder_windows out;
    if (p.calendar || !p.time_zone) {
        out.modules = modules;
        return out;
    }
    const auto lead = config::longest_lead(p);
    const auto scope = p.moodle ? p.moodle->modules : scheduler::module_scope::whole_course;
    std::set<std::int64_t> seen;
    // To one second past the longest lead: a reminder falls due at its exact second.
    for (const auto& s :
         scheduler::expand_sessions(p.sessions, p.weekly, *p.time_zone, now, now + lead + std::chrono::seconds(1))) {
        if (s.start <= now || s.start - lead > now) continue;
        std::size_t passed = 0;
        for (auto l : p.lead_times) passed += now >= s.start - l;
        if (p.digest) passed += now >= s.start - *p.digest;
        out.leads_passed.insert(s.key + "@" + std::to_string(passed));
        for (auto& d : scheduler::documents_for(s, *p.time_zone, modules, p.pre_reads, p.pre_read_tag_prefix, scope))
            if (seen.insert(d.file_id).second) out.modules.push_back(std::move(d));
    }
    return out;
}

bool course_due(const course_cache& cache, bool turn, const std::set<std::string>& leads_passed)
{
    if (turn || !cache.loaded) return true;
    return std::any_of(leads_passed.begin(), leads_passed.end(),
                       [&](const std::string& l) { return !cache.leads_asked.count(l); });
}

namespace {

// The course's id: configured, or found by its shortname.
boost::asio::awaitable<std::optional<std::string>> async_find_course(moodle::site& site,
                                                                     const config::moodle_course_config& c,
                                                                     course_cache& cache)
{
    auto course = co_await async_lookup_course(site, c);
    if (!course) co_return course_failure(c.course_name(), course.error());
    if (!*course) co_return "Moodle has no course " + c.course_name() + " (or the service user is not enrolled in it)";
    cache.course_id = (*course)->id;
    co_return std::nullopt;
}

// The group's members, when one is configured.
// Sections and enrolments: at the first turn and every `refresh_every` turns.
boost::asio::awaitable<std::optional<std::string>> async_refresh_course(const course_poll_input& in,
                                                                        course_cache& cache)
{
    const auto& c = *in.project.moodle;
    if (cache.service_user == 0) {
        auto self = co_await in.site.async_service_user();
        if (!self) co_return "Moodle: " + self.error().message();
        cache.service_user = *self;
    }
    if (cache.course_id == 0)
        if (auto failed = co_await async_find_course(in.site, c, cache)) co_return failed;
    auto contents = co_await in.site.async_contents(cache.course_id);
    if (!contents) co_return course_failure(c.course_name(), contents.error());
    auto group = co_await async_course_group(in.site, c, cache.course_id);
    if (!group) co_return course_failure(c.course_name(), group.error());
    auto users = co_await in.site.async_enrolled_users(cache.course_id, std::nullopt);
    if (!users) co_return course_failure(c.course_name(), users.error());
    if (in.find_in_nextcloud) {
        std::vector<std::string> unknown;
        for (auto& key : lookups_for(*users, c, cache.service_user))
            if (!cache.in_nextcloud.count(key)) unknown.push_back(std::move(key));
        if (!unknown.empty()) {
            const bool by_email = c.map_by == config::moodle_course_config::mapping::email;
            auto found = co_await in.find_in_nextcloud(std::move(unknown), by_email);
            cache.in_nextcloud.merge(found);
        }
    }
    auto mapped = participants_of(*users, c, *group, cache.service_user, cache.in_nextcloud);
    if (mapped.error) co_return "Moodle course " + c.course_name() + ": " + *mapped.error;
    cache.modules = modules_of(*contents, names_general_section(in.project), in.now);
    cache.participants = std::move(mapped.participants);
    cache.turns_since_refresh = 0;
    cache.loaded = true;
    co_return std::nullopt;
}

}  // namespace

boost::asio::awaitable<course_result> async_poll_course(course_poll_input in, course_cache& cache)
{
    course_result out;
    if (!cache.loaded || ++cache.turns_since_refresh >= in.refresh_every) {
        if (auto failed = co_await async_refresh_course(in, cache)) {
            out.error = std::move(failed);
            co_return out;
        }
        in.window.reset();  // the modules may have changed
    }
    course_update u;
    for (const auto& d : cache.modules.pre_reads)
        u.modules.push_back({d.file_id, d.path, "", d.first_seen, {}, d.source, d.section, d.section_name, d.link});
    u.participants = cache.participants;
    u.untracked = cache.modules.untracked;

    auto window = in.window ? std::move(*in.window)
                            : window_modules(in.project, cache.modules.pre_reads,
                                             date::sys_seconds{std::chrono::seconds(in.now)});
    std::set<std::int64_t> cmids;
    for (const auto& d : cache.modules.pre_reads) cmids.insert(-d.file_id);
    const auto asking = to_ask(cache.participants, window.modules, in.done);
    // As many at once as the Moodle host may take.
    std::optional<std::string> failure;
    co_await async_each_at_most(asking.size(), in.max_at_once, [&](std::size_t i) -> boost::asio::awaitable<bool> {
        const auto* p = asking[i];
        auto statuses = co_await in.site.async_completion(cache.course_id, p->moodle_id);
        ++u.completion_requests;
        if (!statuses) {
            // A refused token or Moodle down is the site's failure, not this participant's.
            const auto& e = statuses.error();
            if (!failure)
                failure = moodle::site_failure(e.code) ? course_failure(in.project.moodle->course_name(), e)
                                                       : "Moodle course " + in.project.moodle->course_name() +
                                                             ", completion of " + p->fullname + ": " + e.message();
            co_return false;
        }
        auto found = engagements_of(in.project.id, p->user_id, *statuses, cmids, in.now);
        u.engagements.insert(u.engagements.end(), found.begin(), found.end());
        co_return true;
    });
    // What was learnt before a failure still counts (engagements are idempotent).
    if (!failure) cache.leads_asked = std::move(window.leads_passed);
    out.error = std::move(failure);
    out.update = std::move(u);
    co_return out;
}

boost::asio::awaitable<http::outcome<std::optional<moodle::course>>> async_lookup_course(
    moodle::site& site, const config::moodle_course_config& c)
{
    using result = http::outcome<std::optional<moodle::course>>;
    // Two statements: g++ 12 miscompiles co_await inside ?: (a double free).
    const std::string field = c.course_id ? "id" : "shortname";
    const std::string value = c.course_id ? std::to_string(*c.course_id) : c.shortname;
    auto courses = co_await site.async_courses(field, value);
    if (!courses) co_return result(boost::system::in_place_error, courses.error());
    if (courses->empty()) co_return result(std::optional<moodle::course>{});
    co_return result(std::optional<moodle::course>(courses->front()));
}

boost::asio::awaitable<http::outcome<std::optional<std::set<std::int64_t>>>> async_course_group(
    moodle::site& site, const config::moodle_course_config& c, std::int64_t course)
{
    using result = http::outcome<std::optional<std::set<std::int64_t>>>;
    if (!c.group) co_return result(std::optional<std::set<std::int64_t>>{});
    auto groups = co_await site.async_groups(course);
    if (!groups) co_return result(boost::system::in_place_error, groups.error());
    auto it = std::find_if(groups->begin(), groups->end(), [&](const auto& g) { return g.name == *c.group; });
    if (it == groups->end()) {
        http::failure f;
        f.code = moodle::make_error_code(moodle::error::missing_record);
        f.detail = "the course has no group named \"" + *c.group + "\"";
        co_return result(boost::system::in_place_error, std::move(f));
    }
    auto members = co_await site.async_group_members(it->id);
    if (!members) co_return result(boost::system::in_place_error, members.error());
    co_return result(std::optional<std::set<std::int64_t>>(std::set<std::int64_t>(members->begin(), members->end())));
}

}  // namespace prereadd::tracking
