// The daemon's configuration: one global JSON file and one JSON file per
// project in the directory it names. Loading validates everything and reports
// every problem with its file, position (for syntax errors) and field path.
#pragma once

#include "http/client_config.hpp"
#include "http/url.hpp"
#include "scheduler/sessions.hpp"

#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace prereadd::config {

struct nextcloud_config {
    std::string url;                          // base URL, e.g. https://cloud.example.org or .../nextcloud
    http::url base;                           // the same, parsed
    std::string user;                         // the service account
    std::filesystem::path app_password_file;  // as resolved (credentials directory applied)
    http::secret app_password;                // the file's content, trailing newline removed
    std::optional<std::filesystem::path> ca_file;
    std::size_t max_connections = 4;
    std::chrono::seconds request_timeout{30};
};

// A Moodle site whose courses are projects' pre-reads (docs/moodle.md): its
// web services (REST) with the token of a service user.
struct moodle_site_config {
    std::string url;                   // the site's base URL, e.g. https://learn.example.org
    http::url base;                    // the same, parsed
    std::filesystem::path token_file;  // as resolved (credentials directory applied)
    http::secret token;                // the file's content
    std::size_t max_connections = 4;   // requests at once to the Moodle host
    std::chrono::seconds request_timeout{30};
    unsigned refresh_every = 10;  // a course's sections and enrolments are read again every N of its turns
};

struct metrics_config {
    bool enabled = true;
    std::string address = "127.0.0.1";
    std::uint16_t port = 9864;
    bool allow_non_loopback = false;
};

// Where Nextcloud's admin_audit lines are read (Nextcloud's `log_type_audit`):
// one file or several (one per web node), a syslog file (rsyslog or journald
// forwarding: a "<time> <host> <tag>[<pid>]: " prefix before the JSON), or the
// systemd journal (entries whose SYSLOG_IDENTIFIER is the tag).
struct audit_config {
    enum class kind { file, syslog, systemd };
    kind type = kind::file;
    std::vector<std::filesystem::path> files;  // file and syslog
    std::string tag = "Nextcloud";             // syslog and systemd: Nextcloud's `syslog_tag_audit`
    // systemd: a journal directory or files to read instead of the local
    // journal (a journal copied off the web nodes; tests).
    std::vector<std::filesystem::path> journal_files;
    std::optional<std::filesystem::path> journal_directory;

    bool operator==(const audit_config&) const = default;
};

std::string describe(const audit_config& a);

// Where the state lives: absent, SQLite in the state directory (one daemon);
// a PostgreSQL URI, one database shared by a daemon on each web node, who
// lease the projects between them (docs/scaling.md).
struct database_config {
    std::string uri;  // postgresql://user@host/db, never with a password in it
    std::optional<http::secret> password;
    std::filesystem::path password_file;
    std::chrono::seconds lease_time{60};  // a killed daemon's projects are taken over after this
    std::string node;                     // this daemon's name among them (default: the host name)
};

struct global_config {
    std::filesystem::path file;
    nextcloud_config nextcloud;
    std::filesystem::path state_directory = "/var/lib/prereadd";
    std::optional<database_config> database;
    std::optional<audit_config> audit_log;
    std::optional<moodle_site_config> moodle;
    std::chrono::seconds poll_interval{60};
    std::filesystem::path projects_directory;  // absolute after loading
    metrics_config metrics;
    // The language of the projects' conversations and cards ("de"; one of
    // i18n::language::codes()); empty: the service account's in Nextcloud,
    // else English (docs/languages.md).
    std::string language;
};

struct participants_config {
    std::vector<std::string> users;
    std::vector<std::string> groups;
    bool from_shares = false;
    bool from_talk = false;
    // user -> zone their messages give times in; from Nextcloud (its user
    // details' `timezone`, Nextcloud 30+) for those not named here.
    std::map<std::string, const date::time_zone*> time_zones;
    // user -> the language their one-to-one messages are in, over what
    // Nextcloud or Moodle says of them (docs/languages.md).
    std::map<std::string, std::string> languages;
};

using session_config = scheduler::single_session;
using weekly_series_config = scheduler::weekly_series;

struct talk_config {
    std::string conversation;  // the conversation token
    bool answer_status = true;  // a message mentioning the service account with "status" gets a reply
    bool call_link = true;      // reminders and digests carry the link to join the call
};

// The call of each session in the project conversation (docs/reminders.md).
struct calls_config {
    std::chrono::seconds join_before{std::chrono::minutes(15)};  // a join this long before the start counts
    std::chrono::seconds grace{std::chrono::minutes(30)};        // the chat is read this long after the end
    std::optional<std::chrono::seconds> nudge_after;             // after the start: mention who is not in the call
    bool summary = true;                                         // after the session: who attended, follow-ups
};

// Sessions from a calendar of the service account (CalDAV), besides or instead of configured ones.
struct calendar_config {
    std::string name;  // the calendar's URI in the service account's calendar home ("personal")
    std::optional<std::string> category;
    std::optional<std::string> title_prefix;
};

struct deck_config {
    std::int64_t board = 0;
    std::int64_t stack = 0;
    // Deck assigns only members of the board (capture 32a): share the board
    // read-only with participants who are not (their configured groups, else
    // themselves). Off: they are reported to the facilitators instead.
    bool share_with_participants = true;
};

// A project's Moodle course: its modules are pre-reads, its enrolled users
// (of the roles, in the group) participants (docs/moodle.md).
struct moodle_course_config {
    std::optional<std::int64_t> course_id;
    std::string shortname;                        // when no id is given
    std::vector<std::string> roles{"student"};    // role shortnames whose holders are participants
    std::optional<std::string> group;             // only the members of this group (its name)
    enum class mapping { username, email, map };  // how a Moodle user is found in Nextcloud
    mapping map_by = mapping::username;
    // Moodle user (its id as digits, its e-mail address, or its username) ->
    // Nextcloud user id: always wins; with map_by "map" the only way.
    std::map<std::string, std::string> map;
    scheduler::module_scope modules = scheduler::module_scope::whole_course;

    std::string course_name() const { return course_id ? "id " + std::to_string(*course_id) : shortname; }
};

struct project_config {
    std::filesystem::path file;
    std::string id;
    std::string folder;  // path in the service account's files, starting with '/'; empty: a Moodle course only
    std::string time_zone_name;
    const date::time_zone* time_zone = nullptr;
    std::string language;  // of its conversation and cards; empty: the installation's
    participants_config participants;
    std::vector<std::string> facilitators;
    std::vector<session_config> sessions;
    std::vector<weekly_series_config> weekly;
    std::vector<std::chrono::seconds> lead_times;  // longest first
    std::optional<std::chrono::seconds> digest;    // a digest this long before each session
    struct follow_up_config {
        std::chrono::seconds due{0};       // after the session's end
        std::chrono::seconds reminder{0};  // before that
    };
    std::optional<follow_up_config> follow_up;    // documents added from the session's start on
    bool personal_reminders = false;              // also one-to-one messages to each pending participant
    bool when_all_ready = false;                  // a reminder saying so when nobody has anything left
    std::optional<std::string> acknowledge_with;  // the reaction that acknowledges; any when not set
    scheduler::pre_read_scope pre_reads = scheduler::pre_read_scope::folder;
    std::string pre_read_tag_prefix;  // with pre_reads "tag"
    std::optional<calendar_config> calendar;
    std::optional<talk_config> talk;
    calls_config calls;
    std::optional<deck_config> deck;
    std::optional<moodle_course_config> moodle;
};

// The longest lead of any item of the project (reminders, digest): how far
// ahead of a session anything happens.
std::chrono::seconds longest_lead(const project_config& p);

struct configuration {
    global_config global;
    std::vector<project_config> projects;  // sorted by id
};

struct config_error {
    std::filesystem::path file;
    unsigned line = 0;    // 1-based; 0 when unknown
    unsigned column = 0;  // 1-based; 0 when unknown
    std::string field;    // "sessions[2].start"; empty for whole-file problems
    std::string message;

    // "FILE:LINE:COLUMN: FIELD: MESSAGE", leaving out what is unknown.
    std::string to_string() const;
};

// What the loader reads from the process environment, passed in so tests do
// not depend on the real one.
struct environment {
    // $CREDENTIALS_DIRECTORY, set by systemd for LoadCredential=.
    std::optional<std::filesystem::path> credentials_directory;

    static environment from_process();
};

struct load_result {
    std::optional<configuration> config;  // set only when `errors` is empty
    std::vector<config_error> errors;
};

load_result load_configuration(const std::filesystem::path& global_file, const environment& env);

// What a reload cannot change: the database (its connection and leases live as long as the process).
bool same_database(const std::optional<database_config>& a, const std::optional<database_config>& b);

}  // namespace prereadd::config
