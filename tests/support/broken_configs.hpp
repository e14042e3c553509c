// The configuration corpus shared by the loader's unit tests and the e2e test
// of the binary: a valid global and project file, and broken variants of them,
// each with the one field its error must name. Pure data.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace prereadd::test {

using json = nlohmann::json;

inline const char* const valid_global = R"({
  // comments are allowed
  "nextcloud": {
    "url": "https://cloud.example.org/nextcloud/",
    "user": "preread",
    "app_password_file": "app-password",
    "max_connections": 4
  },
  "state_directory": "/var/lib/prereadd",
  "audit_log": "/var/www/nextcloud/data/audit.log",
  "poll_interval": "PT1M",
  "metrics": {"listen": "127.0.0.1:9864"}
})";

inline const char* const valid_project = R"({
  "id": "alpha",
  "folder": "/Projects/Alpha",
  "time_zone": "Europe/Berlin",
  "participants": {"users": ["alice"], "groups": ["team-alpha"], "from_shares": true},
  "facilitators": ["alice"],
  "sessions": [
    {"title": "Kick-off", "start": "2026-12-02T10:00", "duration": "PT2H"},
    {"title": "Review", "start": "2026-12-09T10:00"},
    {"title": "Close", "start": "2026-12-16T10:00:30"}
  ],
  "weekly": [{"title": "Sync", "days": ["WE", "friday"], "time": "14:00", "first": "2026-12-09", "count": 4,
              "except": ["2026-12-23"]}],
  "reminders": {"lead_times": ["P1D", "P3D"], "digest": "PT2H", "personal": true, "acknowledge_with": "\u2705"},
  "pre_reads": "session_folder",
  "talk": {"conversation": "4csmt372"},
  "deck": {"board": 2, "stack": 4}
})";

struct broken_case {
    const char* name;
    bool in_project;  // which file is edited
    std::function<void(json&)> change;
    const char* field;
    const char* words;
};

inline void PrintTo(const broken_case& c, std::ostream* os) { *os << c.name; }

inline const broken_case broken_cases[] = {
    {"unknown_top_level_field", false, [](json& j) { j["pol_interval"] = "PT1M"; }, "pol_interval",
     "did you mean \"poll_interval\""},
    {"unknown_nested_field", false, [](json& j) { j["nextcloud"]["usr"] = "x"; }, "nextcloud.usr", "unknown field"},
    {"missing_url", false, [](json& j) { j["nextcloud"].erase("url"); }, "nextcloud.url", "is required"},
    {"url_not_http", false, [](json& j) { j["nextcloud"]["url"] = "ftp://cloud.example.org"; }, "nextcloud.url",
     "only http and https"},
    {"plain_http_to_remote_host", false, [](json& j) { j["nextcloud"]["url"] = "http://cloud.example.org"; },
     "nextcloud.url", "loopback"},
    {"credentials_in_url", false, [](json& j) { j["nextcloud"]["url"] = "https://u:p@cloud.example.org"; },
     "nextcloud.url", "credentials in URLs"},
    {"url_wrong_type", false, [](json& j) { j["nextcloud"]["url"] = 42; }, "nextcloud.url", "must be a string"},
    {"missing_user", false, [](json& j) { j["nextcloud"].erase("user"); }, "nextcloud.user", "is required"},
    {"missing_password_file", false, [](json& j) { j["nextcloud"]["app_password_file"] = "nope"; },
     "nextcloud.app_password_file", "No such file"},
    {"missing_ca_file", false, [](json& j) { j["nextcloud"]["ca_file"] = "/nonexistent/ca.pem"; }, "nextcloud.ca_file",
     "does not exist"},
    {"max_connections_zero", false, [](json& j) { j["nextcloud"]["max_connections"] = 0; }, "nextcloud.max_connections",
     "between 1 and 64"},
    {"max_connections_fraction", false, [](json& j) { j["nextcloud"]["max_connections"] = 2.5; },
     "nextcloud.max_connections", "whole number"},
    {"poll_interval_not_iso", false, [](json& j) { j["poll_interval"] = "60s"; }, "poll_interval", "ISO 8601 duration"},
    {"poll_interval_too_short", false, [](json& j) { j["poll_interval"] = "PT1S"; }, "poll_interval", "between PT10S"},
    {"state_directory_relative", false, [](json& j) { j["state_directory"] = "state"; }, "state_directory", "absolute"},
    {"audit_log_relative", false, [](json& j) { j["audit_log"] = "audit.log"; }, "audit_log", "absolute"},
    {"audit_log_relative_node", false,
     [](json& j) {
         j["audit_log"] = {"/srv/web1/audit.log", "web2.log"};
     },
     "audit_log[1]", "absolute"},
    {"audit_log_type_unknown", false,
     [](json& j) {
         j["audit_log"] = {{"type", "errorlog"}, {"files", {"/a"}}};
     },
     "audit_log.type", "log_type_audit"},
    {"audit_log_syslog_without_file", false,
     [](json& j) {
         j["audit_log"] = {{"type", "syslog"}};
     },
     "audit_log.files", "needed"},
    {"audit_log_journal_with_files", false,
     [](json& j) {
         j["audit_log"] = {{"type", "systemd"}, {"files", {"/var/log/audit.log"}}};
     },
     "audit_log.files", "journal"},
    {"audit_log_number", false, [](json& j) { j["audit_log"] = 5; }, "audit_log", "path"},
    {"metrics_not_loopback", false, [](json& j) { j["metrics"]["listen"] = "0.0.0.0:9864"; }, "metrics.listen",
     "not a loopback"},
    {"metrics_bad_address", false, [](json& j) { j["metrics"]["listen"] = "localhost"; }, "metrics.listen",
     "IP address and port"},
    {"projects_directory_missing", false, [](json& j) { j["projects_directory"] = "nowhere.d"; }, "projects_directory",
     "does not exist"},
    {"top_level_not_object", false, [](json& j) { j = json::array(); }, "(top level)", "must be an object"},
    {"missing_project_id", true, [](json& j) { j.erase("id"); }, "id", "is required"},
    {"bad_project_id", true, [](json& j) { j["id"] = "Alpha Project"; }, "id", "not a project id"},
    {"missing_folder", true, [](json& j) { j.erase("folder"); }, "folder", "is required"},
    {"relative_folder", true, [](json& j) { j["folder"] = "Projects/Alpha"; }, "folder", "starting with '/'"},
    {"folder_escapes", true, [](json& j) { j["folder"] = "/Projects/../../etc"; }, "folder", ".."},
    {"unknown_time_zone", true, [](json& j) { j["time_zone"] = "Europe/Berlinn"; }, "time_zone", "not a time zone"},
    {"missing_time_zone", true, [](json& j) { j.erase("time_zone"); }, "time_zone", "is required"},
    {"no_participants", true, [](json& j) { j["participants"] = json::object(); }, "participants",
     "names no participants"},
    {"participant_not_string", true,
     [](json& j) {
         j["participants"]["users"] = {"alice", 7};
     },
     "participants.users[1]", "must be a string"},
    {"participant_twice", true,
     [](json& j) {
         j["participants"]["users"] = {"alice", "alice"};
     },
     "participants.users[1]", "listed twice"},
    {"from_talk_without_talk", true,
     [](json& j) {
         j.erase("talk");
         j["participants"]["from_talk"] = true;
     },
     "participants.from_talk", "Talk conversation"},
    {"session_start_invalid", true, [](json& j) { j["sessions"][2]["start"] = "2026-12-16 10:00"; },
     "sessions[2].start", "YYYY-MM-DDTHH:MM"},
    {"session_start_not_a_date", true, [](json& j) { j["sessions"][1]["start"] = "2026-02-30T10:00"; },
     "sessions[1].start", "not a calendar date"},
    {"session_start_in_dst_gap", true, [](json& j) { j["sessions"][0]["start"] = "2026-03-29T02:30"; },
     "sessions[0].start", "does not exist in Europe/Berlin"},
    {"session_without_title", true, [](json& j) { j["sessions"][0].erase("title"); }, "sessions[0].title",
     "is required"},
    {"session_unknown_field", true, [](json& j) { j["sessions"][1]["end"] = "2026-12-09T11:00"; }, "sessions[1].end",
     "unknown field"},
    {"session_duration_zero", true, [](json& j) { j["sessions"][0]["duration"] = "PT0S"; }, "sessions[0].duration",
     "between PT1M"},
    {"weekly_bad_day", true,
     [](json& j) {
         j["weekly"][0]["days"] = {"WE", "XX"};
     },
     "weekly[0].days[1]", "not a weekday"},
    {"weekly_count_and_until", true, [](json& j) { j["weekly"][0]["until"] = "2027-01-31"; }, "weekly[0].until",
     "not both"},
    {"weekly_endless", true, [](json& j) { j["weekly"][0].erase("count"); }, "weekly[0]", "count or until"},
    {"weekly_bad_time", true, [](json& j) { j["weekly"][0]["time"] = "25:00"; }, "weekly[0].time", "time of day"},
    {"lead_time_in_months", true, [](json& j) { j["reminders"]["lead_times"] = {"P1M"}; }, "reminders.lead_times[0]",
     "years and months"},
    {"lead_time_garbage", true,
     [](json& j) {
         j["reminders"]["lead_times"] = {"P3D", "three days"};
     },
     "reminders.lead_times[1]", "ISO 8601 duration"},
    {"lead_time_twice", true,
     [](json& j) {
         j["reminders"]["lead_times"] = {"P1D", "PT24H"};
     },
     "reminders.lead_times[1]", "listed twice"},
    {"digest_not_a_duration", true, [](json& j) { j["reminders"]["digest"] = "an hour before"; }, "reminders.digest",
     "ISO 8601 duration"},
    {"personal_not_boolean", true, [](json& j) { j["reminders"]["personal"] = "yes"; }, "reminders.personal",
     "must be true or false"},
    {"acknowledge_with_empty", true, [](json& j) { j["reminders"]["acknowledge_with"] = ""; },
     "reminders.acknowledge_with", "must not be empty"},
    {"acknowledge_with_a_sentence", true,
     [](json& j) { j["reminders"]["acknowledge_with"] = "a thumbs up or a check mark, whatever you like"; },
     "reminders.acknowledge_with", "one emoji"},
    {"pre_reads_unknown_scope", true, [](json& j) { j["pre_reads"] = "labels"; }, "pre_reads",
     "\"folder\", \"session_folder\" or \"tag\""},
    {"tag_prefix_without_tag_scope", true, [](json& j) { j["pre_read_tag_prefix"] = "alpha-"; }, "pre_read_tag_prefix",
     "applies only with"},
    {"talk_token_invalid", true, [](json& j) { j["talk"]["conversation"] = "https://cloud/call/4csmt372"; },
     "talk.conversation", "not a Talk conversation token"},
    {"participant_zone_unknown", true,
     [](json& j) { j["participants"]["time_zones"] = {{"carol", "Asia/Calcutta "}}; },
     "participants.time_zones.carol", "time zone"},
    {"participant_zones_not_an_object", true,
     [](json& j) { j["participants"]["time_zones"] = {"Asia/Kolkata"}; }, "participants.time_zones",
     "user id to time zone"},
    {"whiteboard_not_a_board", true, [](json& j) { j["sessions"][0]["whiteboard"] = "../notes.md"; },
     "sessions[0].whiteboard", "not a board"},
    {"weekly_whiteboard_not_a_board", true, [](json& j) { j["weekly"][0]["whiteboard"] = "board.png"; },
     "weekly[0].whiteboard", "not a board"},
    {"calls_nudge_not_a_duration", true, [](json& j) { j["calls"] = {{"nudge_after", "five minutes"}}; },
     "calls.nudge_after", "ISO 8601 duration"},
    {"calls_unknown_field", true, [](json& j) { j["calls"] = {{"nudge_afer", "PT5M"}}; }, "calls.nudge_afer",
     "did you mean \"nudge_after\""},
    {"calls_without_talk", true,
     [](json& j) {
         j.erase("talk");
         j["calls"] = {{"grace", "PT1H"}};
     },
     "calls", "needs a Talk conversation"},
    {"talk_answer_status_not_boolean", true, [](json& j) { j["talk"]["answer_status"] = "yes"; },
     "talk.answer_status", "must be true or false"},
    {"deck_board_not_positive", true, [](json& j) { j["deck"]["board"] = -2; }, "deck.board", "between 1"},
    {"deck_stack_missing", true, [](json& j) { j["deck"].erase("stack"); }, "deck.stack", "is required"},
    {"password_file_is_a_device", false, [](json& j) { j["nextcloud"]["app_password_file"] = "/dev/zero"; },
     "nextcloud.app_password_file", ""},
    {"folder_with_nul", true, [](json& j) { j["folder"] = std::string("/Projects/\0Alpha", 16); }, "folder", ""},
    {"id_right_to_left", true, [](json& j) { j["id"] = "alpha\u202egnp.exe"; }, "id", "not a project id"},
};

// Broken at the text level: not JSON, too big, hostile bytes. `field` is ""
// when the problem is the whole file (then the message gives line and column
// or says why the file cannot be read).
struct raw_broken_case {
    const char* name;
    bool in_project;
    std::string text;
    const char* field;
    const char* words;
};

inline void PrintTo(const raw_broken_case& c, std::ostream* os) { *os << c.name; }

inline std::vector<raw_broken_case> raw_broken_cases()
{
    // A valid project with an unknown field holding arrays nested 100,000 deep.
    std::string deep = valid_project;
    deep.insert(1, "\"x\": " + std::string(100000, '[') + std::string(100000, ']') + ",");
    return {
        {"empty_file", true, "", "", "invalid JSON"},
        {"binary_garbage", true,
         std::string("\x7f"
                     "ELF\x02\x01\x01\0\0\0",
                     10),
         "", "invalid JSON"},
        {"trailing_comma", false, "{\"poll_interval\": \"PT1M\",}", "", "invalid JSON"},
        {"unterminated_string", true, "{\"id\": \"alpha", "", "invalid JSON"},
        {"ill_formed_utf8", true, "{\"id\": \"\xff\xfe\"}", "", "invalid JSON"},
        {"huge_file", true, "{" + std::string(2 * 1024 * 1024, ' ') + "}", "", "larger than 1 MiB"},
        {"nesting_100000_deep", true, deep, "x", "unknown field"},
    };
}

}  // namespace prereadd::test
