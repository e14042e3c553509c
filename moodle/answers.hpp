// The answers of the Moodle web-service functions the daemon calls, parsed
// from their JSON (shapes as recorded in tests/recordings/moodle-api/captures; the
// README's "Findings" say where Moodle mixes types). Every parser first looks
// for the HTTP-200 exception object: an error is a value, never a throw.
#pragma once

#include "http/error.hpp"
#include "moodle/error.hpp"

#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::moodle {

// Text Moodle HTML-escaped (format_string: "Q&amp;A session" for a module
// named "Q&A session"; numeric references too), as plain text: decoded once,
// where it is read. Unknown entities and references to control characters
// stay as written.
std::string decode_html_text(std::string_view html);

// The body of an answer as JSON, or the failure it stands for: XML (13a/13b),
// not JSON, or an exception object (classified, naming `function`).
http::outcome<nlohmann::json> read_answer(std::string_view body, std::string_view content_type,
                                          std::string_view function);

struct site_info {
    std::string sitename;
    std::string username;  // the service user's own
    std::int64_t userid = 0;
    std::string siteurl;
    std::string release;  // "4.5.6 (Build: 20250811)"
    std::string version;  // "2024100706": a string, unlike every id
    std::set<std::string> functions;  // those of the token's service
};
boost::system::result<site_info> parse_site_info(const nlohmann::json& answer);

struct course {
    std::int64_t id = 0;
    std::string shortname;
    std::string fullname;
    bool completion_enabled = false;
};
// core_course_get_courses_by_field: {"courses": [...]} (none: an empty list, 02b).
boost::system::result<std::vector<course>> parse_courses(const nlohmann::json& answer);

// Completion tracking of a course module (`completion` of get_contents).
enum class tracking { none = 0, manual = 1, automatic = 2 };

struct module {
    std::int64_t cmid = 0;  // "id" in get_contents, "cmid" in completion statuses
    std::string name;
    std::string modname;  // resource, page, url, forum, ...
    std::string url;      // the view page, which records the view; empty for labels
    bool visible = true;
    enum tracking tracking = tracking::none;
    // Automatic completion that includes the "view" rule: a view completes it.
    bool completes_on_view = false;
};

struct section {
    std::int64_t id = 0;
    int number = 0;  // "section": 0 is "General"
    std::string name;
    bool visible = true;
    std::vector<module> modules;
};
// core_course_get_contents: a bare array of sections (03).
boost::system::result<std::vector<section>> parse_contents(const nlohmann::json& answer);

struct enrolled_user {
    std::int64_t id = 0;
    std::string username;  // only for the caller, or with moodle/user:viewalldetails (04a)
    std::string fullname;
    std::string email;
    std::vector<std::string> roles;     // shortnames: student, teacher, editingteacher, ...
    std::vector<std::int64_t> groups;   // ids
};
// core_enrol_get_enrolled_users: a bare array (04a, 04b, 04f, 04g).
boost::system::result<std::vector<enrolled_user>> parse_enrolled_users(const nlohmann::json& answer);

struct group {
    std::int64_t id = 0;
    std::string name;
    std::string idnumber;
};
boost::system::result<std::vector<group>> parse_groups(const nlohmann::json& answer);
// core_group_get_group_members: [{"groupid", "userids": [...]}] (05d).
boost::system::result<std::vector<std::int64_t>> parse_group_members(const nlohmann::json& answer,
                                                                     std::int64_t group);

struct completion_status {
    std::int64_t cmid = 0;
    std::string modname;
    int state = 0;                  // 0 incomplete, 1 complete, 2 pass, 3 fail
    std::int64_t timecompleted = 0;  // unix seconds; 0 when not complete
    enum tracking tracking = tracking::none;
    bool tracked_user = true;  // false: the user is not enrolled (11m)

    // Complete in any way: a fail (3) is still a completed activity.
    bool complete() const { return state >= 1 && state <= 3; }
};
// core_completion_get_activities_completion_status: {"statuses": [...]}.
// Modules with completion off are absent (12b).
boost::system::result<std::vector<completion_status>> parse_completion(const nlohmann::json& answer);

struct sent_message {
    std::int64_t msgid = 0;  // -1: not sent to this recipient
    std::string clientmsgid;
    std::string errormessage;
    std::int64_t timecreated = 0;
    std::int64_t conversationid = 0;

    bool sent() const { return msgid > 0; }
};
// core_message_send_instant_messages: one item per message asked (10a).
boost::system::result<std::vector<sent_message>> parse_sent_messages(const nlohmann::json& answer);

struct received_message {
    std::int64_t id = 0;
    std::int64_t from = 0;
    std::int64_t to = 0;
    std::string text;         // as Moodle rewrote it (HTML)
    std::string fullmessage;  // plain text with a "Links:" list
    // The text exactly as it was sent (10c), before Moodle's rewriting: what
    // recovery compares with the outbox's text.
    std::string fullmessagehtml;
    std::int64_t timecreated = 0;
};
// core_message_get_messages: {"messages": [...], "warnings": []} (10c).
boost::system::result<std::vector<received_message>> parse_messages(const nlohmann::json& answer);

}  // namespace prereadd::moodle
