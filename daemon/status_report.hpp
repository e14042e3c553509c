// `prereadd status`: the participant x document table of each project, read
// from the state database alone, as text for people and as stable JSON.
#pragma once

#include "config/configuration.hpp"
#include "store/backend.hpp"
#include "store/state.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

#include <string>
#include <string_view>
#include <vector>

namespace prereadd::daemon {

// A project as the store has it (its row: when it was last polled, why not),
// with what `status` shows of it.
struct project_status : store::project_row {
    std::vector<store::participant_row> participants;
    std::vector<store::document_row> documents;
    std::vector<store::engagement> engagements;
    std::vector<store::problem_row> problems;
    std::vector<store::call_row> calls;  // the conversation's calls, matched to sessions or not
    std::chrono::seconds join_before{std::chrono::minutes(15)};
    // Several daemons on PostgreSQL (`leased`): which one holds the project's
    // lease and since when; none while it is free or expired.
    bool leased = false;
    std::optional<std::string> holder;
    std::optional<std::int64_t> held_since;
    // A Moodle course's completion, asked only within reminder windows: when last.
    std::optional<std::int64_t> moodle_completion_asked;
    // The coming sessions whose own selection chose none of the documents (note_selecting_nothing).
    struct empty_session {
        std::string key;
        std::string title;
        std::int64_t start = 0;
        std::string why;
    };
    std::vector<empty_session> selecting_nothing;
};

// Names as people sort them: without regard to ASCII case, and digit runs by
// value ("Extra 4" before "Extra 20"). Participants are listed in this order.
bool natural_less(std::string_view a, std::string_view b);

// From any store (PostgreSQL shared by several daemons); the first, on SQLite, runs the second to its end.
project_status load_project_status(const store::state& st, const std::string& id, const std::string& folder,
                                   std::chrono::seconds join_before = std::chrono::minutes(15));
boost::asio::awaitable<boost::system::result<project_status>> async_load_project_status(
    store::backend& st, std::string id, std::string folder, std::chrono::seconds join_before);

// Fills `status.selecting_nothing` from the configuration: the sessions of the
// next two weeks (or the longest lead time) whose dated sub-folder, tag or
// Moodle section selects none of the tracked documents. Nothing before the
// first poll cycle.
void note_selecting_nothing(project_status& status, const config::project_config& p, date::sys_seconds now);

// A session's call as `status` shows it: who attended (first joined), who did not.
struct session_calls {
    std::string key;
    std::string title;
    std::int64_t start = 0;
    std::int64_t end = 0;
    bool running = false;
    std::vector<std::pair<std::string, std::int64_t>> attended;  // user, first joined
    std::vector<std::string> absent;                             // participants who were not in it
};
std::vector<session_calls> sessions_with_calls(const project_status& p);

// What concerns the whole installation, first in the status: an audit log
// Nextcloud's log level keeps silent (tracking/audit_silence.hpp).
std::vector<std::string> load_status_warnings(const store::state& st);
boost::asio::awaitable<boost::system::result<std::vector<std::string>>> async_load_status_warnings(store::backend& st);

// One table per project: a row per document, a column per participant, each
// cell the strongest mark (acknowledged > commented > edited > opened > synced)
// and its date; a project too wide for a terminal, a line per participant
// instead; the installation's warnings above them.
std::string render_status_text(const std::vector<project_status>& projects,
                               const std::vector<std::string>& warnings = {});

// Documented in docs/status-json.md; "format": 1 changes only with a new version number
// (fields are only ever added to it).
nlohmann::json render_status_json(const std::vector<project_status>& projects,
                                  const std::vector<std::string>& warnings = {});

}  // namespace prereadd::daemon
