// A project file (projects.d/*.json): its folder, time zone, participants,
// sessions, reminders, pre-read scope, calendar, Talk and Deck.
#include "config/checks.hpp"
#include "config/loaders.hpp"

#include "scheduler/time.hpp"

#include <functional>
#include <set>

namespace prereadd::config::detail {
namespace {

void load_identity(object_reader& r, project_config& p)
{
    auto& sink = r.sink();
    if (auto id = r.string("id", true)) {
        if (!valid_project_id(*id))
            sink.add("id",
                     in_quotes(*id) + " is not a project id (lower-case letters, digits, '-' and '_', at most 64)");
        else
            p.id = *id;
    }
    // A project whose pre-reads are all in a Moodle course needs no folder.
    if (auto folder = r.string("folder", !r.get("moodle", false))) {
        if (folder->front() != '/')
            sink.add("folder",
                     "must be a path starting with '/' in the service account's files, not " + in_quotes(*folder));
        else if (folder->find("/../") != std::string::npos || folder->ends_with("/..") ||
                 folder->find('\0') != std::string::npos)
            sink.add("folder", "must not contain \"..\": " + in_quotes(*folder));
        else {
            std::string f = *folder;
            while (f.size() > 1 && f.back() == '/') f.pop_back();
            p.folder = f;
        }
    }
    if (auto tz = r.string("time_zone", true)) {
        if (auto zone = scheduler::find_time_zone(*tz)) {
            p.time_zone = *zone;
            p.time_zone_name = *tz;
        } else {
            sink.add("time_zone", zone.error().reason);
        }
    }
}

// An object of user id to a text ("time_zones", "languages"): each entry's
// user id and type checked (`to_what` names the object's values, `what` one
// value), then its text handed to `take` with the entry's field path (which
// reports what it does not accept).
void load_per_user(object_reader& pr, const char* key, const char* to_what, const char* what,
                   const std::function<void(const std::string&, const std::string&, const std::string&)>& take)
{
    const json* entries = pr.get(key, false);
    if (!entries) return;
    const std::string path = pr.field(key);
    if (!entries->is_object()) {
        pr.sink().add(path,
                      std::string("must be an object of user id to ") + to_what + ", not " + entries->type_name());
        return;
    }
    for (const auto& [user, value] : entries->items()) {
        const std::string field = path + "." + user;
        if (!valid_principal(user))
            pr.sink().add(field, in_quotes(user) + " is not a Nextcloud user id");
        else if (!value.is_string())
            pr.sink().add(field, std::string("must be ") + what + ", not " + value.type_name());
        else
            take(user, value.get<std::string>(), field);
    }
}

// "time_zones": {"carol": "Asia/Kolkata"}, each zone checked like the project's;
// "languages": {"carol": "de"}, each a language prereadd has.
void load_per_user_settings(object_reader& pr, participants_config& out)
{
    load_per_user(pr, "time_zones", "time zone", "an IANA time zone name",
                  [&](const std::string& user, const std::string& zone, const std::string& field) {
                      if (auto found = scheduler::find_time_zone(zone))
                          out.time_zones[user] = *found;
                      else
                          pr.sink().add(field, found.error().reason);
                  });
    load_per_user(pr, "languages", "language", "a language code",
                  [&](const std::string& user, const std::string& language, const std::string& field) {
                      if (auto code = checked_language(language, field, pr.sink()); !code.empty())
                          out.languages[user] = code;
                  });
}

void load_participants(object_reader& r, project_config& p)
{
    // A Moodle course brings its participants: the object is optional then.
    if (const json* pj = r.get("participants", !r.get("moodle", false))) {
        object_reader pr(*pj, "participants", r.sink(),
                         {"users", "groups", "from_shares", "from_talk", "time_zones", "languages"});
        if (pr.valid()) {
            p.participants.users = pr.strings("users", valid_principal, "a Nextcloud user id");
            p.participants.groups = pr.strings("groups", valid_principal, "a Nextcloud group id");
            p.participants.from_shares = pr.boolean("from_shares").value_or(false);
            p.participants.from_talk = pr.boolean("from_talk").value_or(false);
            load_per_user_settings(pr, p.participants);
            if (p.participants.users.empty() && p.participants.groups.empty() && !p.participants.from_shares &&
                !p.participants.from_talk && !pr.get("users", false) && !pr.get("groups", false))
                r.sink().add("participants", "names no participants: give users, groups, from_shares or from_talk");
        }
    }
    p.facilitators = r.strings("facilitators", valid_principal, "a Nextcloud user id");
}

// Distinct lead times, longest first.
std::vector<std::chrono::seconds> load_lead_times(object_reader& rr)
{
    std::set<std::chrono::seconds> seen;
    rr.array("lead_times", false, [&](const json& e, const std::string& path) {
        if (!e.is_string()) {
            rr.sink().add(path, std::string("must be an ISO 8601 duration string, not ") + e.type_name());
            return;
        }
        auto d = scheduler::parse_duration(e.get<std::string>());
        if (!d)
            rr.sink().add(path, d.error().reason);
        else if (*d <= std::chrono::seconds(0) || *d > std::chrono::hours(24 * 60))
            rr.sink().add(path, "must be more than zero and at most P60D, not " + in_quotes(e.get<std::string>()));
        else if (!seen.insert(*d).second)
            rr.sink().add(path, in_quotes(e.get<std::string>()) + " is listed twice");
    });
    return {seen.rbegin(), seen.rend()};
}

void load_reminders(object_reader& r, project_config& p)
{
    const json* rem = r.get("reminders", false);
    if (!rem) {
        p.lead_times = {std::chrono::hours(72), std::chrono::hours(24)};
        return;
    }
    auto& sink = r.sink();
    object_reader rr(*rem, "reminders", sink,
                     {"lead_times", "digest", "personal", "when_all_ready", "acknowledge_with", "follow_up"});
    if (const json* f = rr.get("follow_up", false)) {
        object_reader fr(*f, "reminders.follow_up", sink, {"due", "reminder"});
        auto due = fr.duration("due", true, std::chrono::hours(1), std::chrono::hours(24 * 60));
        auto reminder = fr.duration("reminder", true, std::chrono::minutes(1), std::chrono::hours(24 * 60));
        if (due && reminder && *reminder >= *due)
            sink.add("reminders.follow_up.reminder", "must be shorter than follow_up.due");
        else if (due && reminder)
            p.follow_up = project_config::follow_up_config{*due, *reminder};
    }
    p.digest = rr.duration("digest", false, std::chrono::minutes(1), std::chrono::hours(24 * 60));
    p.personal_reminders = rr.boolean("personal").value_or(false);
    p.when_all_ready = rr.boolean("when_all_ready").value_or(false);
    if (auto emoji = rr.string("acknowledge_with", false)) {
        if (emoji->size() > 32)
            sink.add("reminders.acknowledge_with", "must be one emoji, such as \"\u2705\" or \"\U0001F44D\"");
        else
            p.acknowledge_with = *emoji;
    }
    p.lead_times = load_lead_times(rr);
}

void load_pre_reads(object_reader& r, project_config& p)
{
    if (auto scope = r.string("pre_reads", false)) {
        if (*scope == "folder")
            p.pre_reads = scheduler::pre_read_scope::folder;
        else if (*scope == "session_folder")
            p.pre_reads = scheduler::pre_read_scope::session_folder;
        else if (*scope == "tag")
            p.pre_reads = scheduler::pre_read_scope::tag;
        else
            r.sink().add("pre_reads", in_quotes(*scope) + " is not \"folder\", \"session_folder\" or \"tag\"");
    }
    if (auto prefix = r.string("pre_read_tag_prefix", false)) {
        if (p.pre_reads != scheduler::pre_read_scope::tag)
            r.sink().add("pre_read_tag_prefix", "applies only with \"pre_reads\": \"tag\"");
        else
            p.pre_read_tag_prefix = *prefix;
    }
}

// The calendar, the Talk conversation and the Deck board.
void load_channels(object_reader& r, project_config& p)
{
    auto& sink = r.sink();
    if (const json* c = r.get("calendar", false)) {
        object_reader cr(*c, "calendar", sink, {"name", "category", "title_prefix"});
        if (auto name = cr.string("name", true)) {
            if (name->find('/') != std::string::npos || *name == "." || *name == "..")
                sink.add("calendar.name", in_quotes(*name) +
                                              " is not a calendar name (the last part of the "
                                              "calendar's CalDAV link, e.g. \"personal\")");
            else
                p.calendar = calendar_config{*name, cr.string("category", false), cr.string("title_prefix", false)};
        }
    }
    if (const json* t = r.get("talk", false)) {
        object_reader tr(*t, "talk", sink, {"conversation", "answer_status", "call_link"});
        if (auto token = tr.string("conversation", true)) {
            if (!valid_talk_token(*token))
                sink.add("talk.conversation", in_quotes(*token) +
                                                  " is not a Talk conversation token "
                                                  "(the lower-case letters and digits at the end of "
                                                  "the conversation's link, e.g. \"4csmt372\")");
            else
                p.talk = talk_config{*token, tr.boolean("answer_status").value_or(true),
                                     tr.boolean("call_link").value_or(true)};
        }
    }
    if (const json* c = r.get("calls", false)) {
        object_reader cr(*c, "calls", sink, {"join_before", "grace", "nudge_after", "summary"});
        if (!r.get("talk", false)) sink.add("calls", "needs a Talk conversation (talk.conversation)");
        if (auto d = cr.duration("join_before", false, std::chrono::seconds(0), std::chrono::hours(12)))
            p.calls.join_before = *d;
        if (auto d = cr.duration("grace", false, std::chrono::seconds(10), std::chrono::hours(24))) p.calls.grace = *d;
        p.calls.nudge_after = cr.duration("nudge_after", false, std::chrono::seconds(10), std::chrono::hours(12));
        p.calls.summary = cr.boolean("summary").value_or(true);
    }
    if (p.participants.from_talk && !r.get("talk", false))
        sink.add("participants.from_talk", "needs a Talk conversation (talk.conversation)");
    if (const json* d = r.get("deck", false)) {
        object_reader dr(*d, "deck", sink, {"board", "stack", "share_with_participants"});
        auto board = dr.integer("board", true, 1, INT64_MAX);
        auto stack = dr.integer("stack", true, 1, INT64_MAX);
        auto share = dr.boolean("share_with_participants");
        if (board && stack) p.deck = deck_config{*board, *stack, share.value_or(true)};
    }
}

// "moodle": {"course": "ETR-2026" | 42, "roles": ["student"], "group": "Group A",
// "map_by": "username" | "email" | "map", "map": {"dave": "david"},
// "modules": "whole_course" | "section_with_date"}.
void load_moodle_course(object_reader& r, project_config& p)
{
    const json* m = r.get("moodle", false);
    if (!m) return;
    auto& sink = r.sink();
    object_reader mr(*m, "moodle", sink, {"course", "roles", "group", "map_by", "map", "modules"});
    if (!mr.valid()) return;
    moodle_course_config c;
    if (const json* course = mr.get("course", true)) {
        if (course->is_number_integer() && course->get<std::int64_t>() > 0)
            c.course_id = course->get<std::int64_t>();
        else if (course->is_string() && !course->get<std::string>().empty())
            c.shortname = course->get<std::string>();
        else
            sink.add("moodle.course",
                     course->dump() + " is not a course: its short name (\"ETR-2026\") or its id (42)");
    }
    if (mr.get("roles", false)) {
        c.roles = mr.strings(
            "roles", [](std::string_view s) { return !s.empty(); }, "a role's short name");
        if (c.roles.empty()) sink.add("moodle.roles", "names no role: give the short names, e.g. [\"student\"]");
    }
    c.group = mr.string("group", false);
    if (auto by = mr.string("map_by", false)) {
        if (*by == "username")
            c.map_by = moodle_course_config::mapping::username;
        else if (*by == "email")
            c.map_by = moodle_course_config::mapping::email;
        else if (*by == "map")
            c.map_by = moodle_course_config::mapping::map;
        else
            sink.add("moodle.map_by", in_quotes(*by) + " is not \"username\", \"email\" or \"map\"");
    }
    if (const json* map = mr.get("map", false)) {
        if (!map->is_object()) {
            sink.add("moodle.map",
                     std::string("must be an object of Moodle user to Nextcloud user id, not ") + map->type_name());
        } else {
            for (const auto& [who, user] : map->items()) {
                if (!user.is_string() || !valid_principal(user.get<std::string>()))
                    sink.add("moodle.map." + who, user.dump() + " is not a Nextcloud user id");
                else
                    c.map[who] = user.get<std::string>();
            }
        }
    }
    if (c.map_by == moodle_course_config::mapping::map && c.map.empty())
        sink.add("moodle.map", "is needed with \"map_by\": \"map\" (Moodle user -> Nextcloud user id)");
    if (auto modules = mr.string("modules", false)) {
        if (*modules == "whole_course")
            c.modules = scheduler::module_scope::whole_course;
        else if (*modules == "section_with_date")
            c.modules = scheduler::module_scope::section_with_date;
        else
            sink.add("moodle.modules", in_quotes(*modules) + " is not \"whole_course\" or \"section_with_date\"");
    }
    p.moodle = std::move(c);
}

}  // namespace

std::optional<project_config> load_project(const std::filesystem::path& file, error_sink& sink)
{
    auto document = parse_json_file(file, sink);
    if (!document) return std::nullopt;
    project_config p;
    p.file = file;
    object_reader r(*document, "", sink,
                    {"id", "folder", "time_zone", "language", "participants", "facilitators", "sessions", "weekly",
                     "reminders", "pre_reads", "pre_read_tag_prefix", "calendar", "talk", "calls", "deck", "moodle"});
    if (!r.valid()) return std::nullopt;
    load_identity(r, p);
    if (auto language = r.string("language", false)) p.language = checked_language(*language, "language", sink);
    load_participants(r, p);
    load_sessions(r, p);
    load_reminders(r, p);
    load_pre_reads(r, p);
    load_channels(r, p);
    load_moodle_course(r, p);
    return p;
}

}  // namespace prereadd::config::detail
