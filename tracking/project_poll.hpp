// One project's share of a poll cycle (poll_cycle.hpp is the interface):
// what it found, the decisions about which requests it needs, and the
// requests. Internal to the tracking library.
#pragma once

#include "tracking/activity_reads.hpp"
#include "tracking/poll_cycle.hpp"

#include <date/date.h>

namespace prereadd::tracking::detail {

// Everything one project's network work found, applied later in the cycle's transaction.
struct project_update {
    const config::project_config* project = nullptr;
    bool checked = false;                    // the folder's ETag was asked for in this cycle
    bool vouched = false;                    // not asked: its parent's ETag showed it unchanged
    std::optional<std::string> folder_etag;  // set when the folder was listed again
    // What the listing changed, by file id: added, changed or moved (written
    // from `documents`), and gone. Ids, not copies: a first pass adds every
    // document of every project in one transaction.
    std::vector<std::int64_t> upserted;
    std::vector<std::int64_t> removed;
    // The pre-reads after this cycle, when the folder was listed (otherwise
    // the cache's, unchanged: not copied for each of 10,000 projects).
    std::optional<std::vector<known_document>> documents;
    shared_participants participants;  // never null
    bool participants_stored = false;  // the store holds this very set already: nothing to compare or write
    std::vector<store::engagement> engagements;
    std::vector<store::unmapped_read_row> unmapped;
    std::vector<access_problem> problems;
    std::optional<course_update> course;               // the Moodle course's modules, when read this turn
    std::map<std::string, std::string> display_names;  // Moodle participants' names, by user id
    std::optional<std::string> course_error;           // the Moodle course could not be read
    // The course's modules are known (read since the start): its problems were
    // assessed. Otherwise an open Moodle problem stays open: a read that failed
    // says nothing about it (a restart while Moodle was down closed it, and it
    // was raised anew, with a new message, when Moodle came back).
    bool course_known = false;
};

// One project's share of the cycle: an update, or the errors that stopped it.
struct project_result {
    std::optional<project_update> update;
    std::vector<std::string> errors;
};

// What every project reads from, gathered once per cycle.
struct cycle_input {
    std::vector<ocs::activity> activities;
    activity_signal downloads = activity_signal::ignored;  // whether file_downloaded entries are reads
    const std::vector<logged_read>* reads = nullptr;
    // Several daemons: the last of the shared reads given (store::shared_reads), the position each project takes.
    std::optional<std::int64_t> shared_reads_upto;
    const ancestor_findings* ancestors = nullptr;  // what the parent folders said (null: none watched)
    std::int64_t now = 0;
};

// Before any request: whether the project's folder is asked for its ETag in
// this cycle. Between its turns (`due`) a project is not checked, unless a
// read or an activity names a file in it that is not known: then it changed,
// and the read must wait for the listing rather than be dropped.
bool decide_check(bool loaded, bool due, bool names_unknown_file);

// Once the folder's ETag is known: whether to list the folder again and to
// read shares, groups and participants again.
struct poll_facts {
    bool checked = false;       // the ETag was asked for in this cycle
    bool loaded = false;        // the cache has been filled since the start
    bool etag_changed = false;  // differs from the one of the last listing
    bool tag_scoped = false;    // pre-reads chosen by tag: tagging changes no ETag
    unsigned cycles_since_refresh = 0;
    unsigned refresh_every = 10;
    bool full_check = false;  // its parent's full check (ancestor_watch.hpp): shares read again
};
struct poll_decision {
    bool list = false;     // list the folder tree again
    bool refresh = false;  // shares, group members and participants again
    bool count = false;    // one more cycle without a refresh
    // A listing that finds files added or moved in reads the files' shares
    // again (project_poll.cpp); no other change is a reason to read shares.
};
poll_decision decide_poll(const poll_facts& f);

// The decoded href of the service account's files root, without a trailing
// slash; a folder's, with one.
std::string files_root_href(const config::configuration& c);
std::string folder_href(const config::configuration& c, const std::string& folder);

bool member_of(const project_cache& cache, const std::string& user, const std::string& group);

// The project folder and every sub-folder below it (to `max_folder_depth`),
// one Depth 1 PROPFIND each (folder_tree.cpp).
boost::asio::awaitable<http::outcome<std::vector<webdav::file_entry>>> async_list_tree(cycle_context& ctx,
                                                                                       const config::project_config& p,
                                                                                       project_cache& cache);

// Shares, group members and the participant list into the cache (or, with
// `files_only`, the shares of the files in the folder only); the failure that
// stopped it, if one did (folder_tree.cpp).
boost::asio::awaitable<std::optional<std::string>> async_refresh(cycle_context& ctx, const config::project_config& p,
                                                                 project_cache& cache, date::year_month_day today,
                                                                 bool files_only = false);

// The project's Moodle course at its turn (moodle_course.hpp): modules,
// participants merged into `u`, completion as engagements (project_poll.cpp).
boost::asio::awaitable<boost::system::error_code> async_take_course(cycle_context& ctx, const config::project_config& p,
                                                                    project_cache& cache, bool due,
                                                                    const cycle_input& in, project_update& u);

// The watched parent folders at their turn: which project folders changed
// (ancestor_watch.cpp). Network work only; the memory's ETags are the
// caller's to update once the cycle is written.
boost::asio::awaitable<ancestor_findings> async_watch_ancestors(cycle_context& ctx);

// The project's share of the cycle: network work only, nothing written.
boost::asio::awaitable<project_result> async_poll_project(cycle_context& ctx, const config::project_config& p,
                                                          project_cache& cache, const cycle_input& in);

}  // namespace prereadd::tracking::detail
