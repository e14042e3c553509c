// The daemon's state on top of the database: engagements recorded once with
// the time they first happened, cursors that make reading resumable, and
// transactions so one poll cycle is written whole or not at all.
//
// What throws: every member throws std::runtime_error when SQLite fails (a
// full disk, a broken file, a database locked past its busy timeout). Nothing
// here is an expected failure the caller could route around: the poll cycle
// and the reminder pass let it end `run` (the journal says why, systemd
// restarts it, and the outbox makes the restart safe). Expected outcomes
// ("already recorded", "no such row") are return values.
#pragma once

#include "store/database.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::store {

// BEGIN IMMEDIATE on construction, ROLLBACK unless commit() was called.
class transaction {
public:
    explicit transaction(database& db);
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    ~transaction();
    void commit();

private:
    database& db_;
    bool done_ = false;
};

enum class engagement_kind { synced, opened, commented, edited, acknowledged };
const char* to_string(engagement_kind k) noexcept;

struct engagement {
    std::string project;
    std::string user_id;
    std::int64_t file_id = 0;
    engagement_kind kind = engagement_kind::opened;
    std::int64_t first_at = 0;
    std::string source;
};

struct document_row {
    std::int64_t file_id = 0;
    std::string path;
    std::string etag;
    std::int64_t first_seen = 0;
    std::vector<std::string> tags{};
    // A Moodle module (source "moodle", file id = -cmid): its section and view page.
    std::string source{};
    int section = -1;
    std::string section_name{};
    std::string link{};
};

// Where a participant comes from; the first that names someone wins, in the
// order an admin would look for it.
enum class participant_source { config, group, talk, share, moodle };
const char* to_string(participant_source s) noexcept;

// A Moodle participant without a Nextcloud account is "moodle:<id>" here
// (docs/moodle.md): Nextcloud user ids have no ':', so it names nobody there.
inline constexpr std::string_view moodle_user_prefix = "moodle:";
inline std::string moodle_user_key(std::int64_t moodle_id)
{
    return std::string(moodle_user_prefix) + std::to_string(moodle_id);
}
std::optional<std::int64_t> moodle_user_id(std::string_view user_id);  // its Moodle id, if it is one

struct participant_row {
    std::string user_id;
    participant_source source = participant_source::config;
    std::string display_name{};  // kept for Moodle participants ("moodle:<id>" says nothing to a reader)
};

struct unmapped_read_row {
    std::string user_id;
    std::string path;  // as the audit log gave it, in the reader's view
    std::int64_t at = 0;
    std::string reason;
};

struct problem_row {
    std::string user_id;
    std::int64_t file_id = 0;
    std::string problem;
    std::string detail;
    std::int64_t first_seen = 0;
};

struct project_row {
    std::string id;
    std::string folder;
    std::optional<std::int64_t> last_cycle_at;
    std::optional<std::string> folder_etag;
    std::optional<std::string> last_error;      // why the last cycle could not poll it
    std::optional<std::int64_t> failing_since;  // first failed cycle of the current run of failures
};

enum class outbox_state { intent, sent, missed, superseded, skipped };
const char* to_string(outbox_state s) noexcept;

struct outbox_row {
    std::string reference_id;
    std::string project;
    std::string item;
    std::string channel;
    std::string recipient;
    std::string session_key;
    std::optional<std::int64_t> session_start;
    std::optional<std::int64_t> deadline;  // after it the message is missed, not sent late
    std::string body;
    outbox_state state = outbox_state::intent;
    bool late = false;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> done_at;
    std::optional<std::int64_t> remote_id;
};

// A session's Deck card as prereadd last left it: still being kept up to
// date (open), finished by prereadd (done) or by a participant ticking it
// (done_by_participant), or deleted/archived by someone (gone, left alone).
enum class deck_card_state { open, done, done_by_participant, gone };
const char* to_string(deck_card_state s) noexcept;

struct deck_card_row {
    std::string project;
    std::string session_key;
    std::int64_t session_start = 0;
    std::optional<std::int64_t> card_id;
    std::string description;
    std::vector<std::string> assigned;
    deck_card_state state = deck_card_state::open;
    std::int64_t created_at = 0;
};

// One user's presence in a call: joined first and last, left last (none:
// never left, or the call's end was not seen for them).
struct call_presence {
    std::int64_t first_joined = 0;
    std::int64_t last_joined = 0;
    std::optional<std::int64_t> last_left;

    bool operator==(const call_presence&) const = default;
};

// A call in a project's conversation and the session it was matched to.
struct call_row {
    std::string project;
    std::int64_t id = 0;  // the Talk message that showed it first
    std::int64_t started_at = 0;
    std::optional<std::int64_t> ended_at;
    std::string session_key;  // "" when no session was near it
    std::int64_t session_start = 0;
    std::int64_t session_end = 0;
    std::string session_title;
    std::map<std::string, call_presence> attendees;  // by user id

    bool operator==(const call_row&) const = default;
};

class state {
public:
    explicit state(database& db) : db_(db) {}
    database& db() const noexcept { return db_; }

    void upsert_project(const std::string& id, const std::string& folder);
    std::optional<project_row> project(const std::string& id) const;
    void set_last_cycle(const std::string& project, std::int64_t at);
    void set_folder_etag(const std::string& project, const std::string& etag);
    // Records why a cycle failed for the project (keeping when it started failing), or clears it.
    void set_project_error(const std::string& project, const std::optional<std::string>& error, std::int64_t at);

    void upsert_document(const std::string& project, const document_row& d);
    void mark_document_removed(const std::string& project, std::int64_t file_id, std::int64_t at);
    std::vector<document_row> documents(const std::string& project) const;  // not removed, by path

    void upsert_participant(const std::string& project, const participant_row& p, std::int64_t at);
    std::vector<participant_row> participants(const std::string& project) const;  // by user id
    void mark_participant_removed(const std::string& project, const std::string& user_id, std::int64_t at);

    // A read that could not be tied to one pre-read; kept once per (user, path, time).
    void record_unmapped_read(const std::string& project, const unmapped_read_row& r);
    std::vector<unmapped_read_row> unmapped_reads(const std::string& project) const;  // oldest first

    // True when the problem is new (or came back after being resolved): tell the facilitator once.
    bool record_problem(const std::string& project, const problem_row& p);
    void resolve_problem(const std::string& project, const problem_row& p, std::int64_t at);
    std::vector<problem_row> open_problems(const std::string& project) const;

    // Records the engagement unless it is known already; the first time wins.
    // Returns true when it was new.
    bool record(const engagement& e);
    std::vector<engagement> engagements(const std::string& project) const;

    // The outbox. add_outbox() writes a row once (false when the reference id
    // is known); finish_outbox() moves it to its final state.
    bool add_outbox(const outbox_row& row);
    void finish_outbox(const std::string& reference_id, outbox_state final_state, std::int64_t at,
                       std::optional<std::int64_t> remote_id = std::nullopt);
    // Forgets an intent that never reached Nextcloud, so it is composed again (same reference id).
    void withdraw_intent(const std::string& reference_id);
    std::optional<outbox_row> outbox_entry(const std::string& reference_id) const;
    std::vector<outbox_row> outbox(const std::string& project) const;  // oldest first
    std::vector<outbox_row> unconfirmed(const std::string& project) const;
    std::set<std::string> handled_items(const std::string& project) const;

    // Deck cards, one per session; save() inserts or replaces.
    std::optional<deck_card_row> deck_card(const std::string& project, const std::string& session_key) const;
    void save_deck_card(const deck_card_row& row);

    // Calls (store/calls.cpp): save() inserts or replaces a call with its attendees.
    void save_call(const call_row& call);
    std::vector<call_row> calls(const std::string& project) const;  // by start
    std::optional<call_row> running_call(const std::string& project) const;

    std::optional<std::string> cursor(const std::string& name) const;
    void set_cursor(const std::string& name, const std::string& value);

private:
    std::vector<outbox_row> outbox_rows(const std::string& project, bool intents_only) const;

    database& db_;
};

}  // namespace prereadd::store
