// One poll cycle: what changed in Nextcloud since the last one, turned into
// documents, participants, engagements and access problems in the state
// database. The network work comes first; everything it learned is then
// written in one transaction together with the cursors, so a crash or a
// failure re-reads rather than loses or double-counts.
#pragma once

#include "tracking/access_check.hpp"
#include "tracking/ancestor_watch.hpp"
#include "tracking/audit_follower.hpp"
#include "tracking/audit_source.hpp"
#include "tracking/audit_line.hpp"
#include "config/configuration.hpp"
#include "tracking/document_diff.hpp"
#include "tracking/moodle_course.hpp"
#include "http/client.hpp"
#include "store/backend.hpp"
#include "store/sqlite_backend.hpp"
#include "store/state.hpp"
#include "webdav/multistatus.hpp"

#include <boost/asio/awaitable.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prereadd::tracking {

// A folder's Depth 1 listing at one ETag (its own entry left out).
struct folder_listing {
    std::string etag;
    std::vector<webdav::file_entry> entries;
};

// Who takes part and by which way. Shared and never changed once made: an
// unchanged project's update points at its cache's map instead of copying
// it (10,000 projects x 30 participants, docs/scaling.md), and a map the
// store holds already is known by its address, not by reading the rows back.
using participant_map = std::map<std::string, store::participant_source>;
using shared_participants = std::shared_ptr<const participant_map>;
// A group's members, read once per cycle and shared by every project the group reaches.
using shared_members = std::shared_ptr<const std::vector<std::string>>;

// What the daemon keeps in memory between cycles (re-fetched after a restart).
struct project_cache {
    std::map<std::string, folder_listing> sub_folders;  // by decoded href; unchanged ETag: not listed again
    std::map<std::int64_t, int> comment_counts;  // file id -> oc:comments-count at the last listing, when above 0
    std::vector<ocs::share> shares;                     // of the folder and of the files directly in it
    std::vector<ocs::share> folder_shares;              // of the folder alone
    shared_participants participants = std::make_shared<const participant_map>();
    shared_participants participants_stored;       // what the store holds since the last commit (null: not known)
    std::map<std::string, shared_members> groups;  // group -> members
    std::vector<std::string> unexpandable_groups;
    std::string folder_etag;
    // The pre-reads as the store has them after the last committed cycle:
    // an unchanged project need not read them back every cycle.
    std::optional<std::vector<known_document>> documents;
    unsigned cycles_since_refresh = 0;
    bool loaded = false;
    course_cache course;  // the project's Moodle course, when it has one
};

// A read from the audit log as glanced at (who, which file: see
// glance_at_audit_line), with its line, read whole only once the read maps
// to a pre-read.
struct logged_read {
    file_access glance;
    std::string line;
};

// The poll cycle's knobs, with their defaults (daemon::run_tuning gathers
// every knob of the daemon).
struct poll_tuning {
    unsigned refresh_every = 10;    // cycles between share and group refreshes of an unchanged folder
    unsigned max_folder_depth = 8;  // sub-folder levels listed below a project folder
    // An audit log silent this long while the Activity stream reports downloads is
    // a warning (tracking/audit_silence.hpp: Nextcloud's log level keeps it empty).
    std::chrono::seconds audit_quiet_for = std::chrono::hours(1);
    // Activity pages of 100 read in one pass: the stream is read to its end
    // (a comment is counted in the next pass, however busy the server was),
    // and a backlog beyond this many entries carries over to the next pass.
    unsigned activity_pages = 20;
};

// What one cycle leaves for the next, in memory (rebuilt after a restart).
struct poll_memory {
    std::map<std::string, project_cache> cache;
    // Reads taken from the audit log while some project could not be polled:
    // applied again next cycle (engagements are idempotent), and the stored
    // log position stays before them, so neither a failure nor a restart loses one.
    std::vector<logged_read> pending_reads;
    std::optional<std::string> pending_from;  // the audit source's saved position before them
    bool audit_grew = false;                  // since the last complete cycle
    // The requests whose reads were taken lately (reqId, user, file): a line
    // seen again — shipped into two files, or in a file and the journal — is
    // dropped. Bounded: the oldest are forgotten first.
    std::set<std::string> recent_requests;
    std::deque<std::string> recent_order;
    // The parent folders watched for their projects (ancestor_watch.hpp), and
    // the projects whose last poll failed: asked directly until one succeeds.
    std::map<std::string, ancestor_memory> ancestors;
    std::set<std::string> failing;
    // Group members read in this cycle: a group shared with a thousand
    // project folders is asked once per cycle, not once per project (or once
    // per connection, by the projects polled side by side before its answer).
    std::map<std::string, shared_members> groups_this_cycle;
};

// Everything a cycle works with, by lifetime: what it depends on (as long as
// one configuration), its knobs, its memory across cycles, and what is given
// for this cycle only.
struct cycle_context {
    // On the daemon's SQLite database, through store::backend.
    cycle_context(http::client& c, const config::configuration& cfg, store::database& database, audit_source* log,
                  std::function<std::int64_t()> clock, poll_tuning knobs = {})
        : client(c),
          config(cfg),
          sqlite_(std::make_unique<store::sqlite_backend>(database)),
          store(*sqlite_),
          audit(log),
          now(std::move(clock)),
          tuning(knobs)
    {
    }
    // On any store (PostgreSQL shared by several daemons: docs/scaling.md).
    cycle_context(http::client& c, const config::configuration& cfg, store::backend& state, audit_source* log,
                  std::function<std::int64_t()> clock, poll_tuning knobs = {})
        : client(c), config(cfg), store(state), audit(log), now(std::move(clock)), tuning(knobs)
    {
    }

    http::client& client;
    const config::configuration& config;

private:
    std::unique_ptr<store::backend> sqlite_;  // declared before `store`, which may refer to it

public:
    store::backend& store;
    audit_source* audit = nullptr;      // null when no audit log is configured
    moodle::site* moodle = nullptr;     // null when no Moodle site is configured
    // Nextcloud's users for Moodle usernames or e-mail addresses (course_poll_input).
    std::function<boost::asio::awaitable<std::map<std::string, std::string>>(std::vector<std::string>, bool)>
        find_in_nextcloud;
    std::function<std::int64_t()> now;  // unix seconds
    poll_tuning tuning;
    poll_memory memory;
    // The projects whose turn it is to have their folder checked (null: all).
    // The others still take this cycle's reads and activity, against their
    // last listing; see scheduler/polling.hpp.
    const std::set<std::string>* due = nullptr;
    // The projects whose lease this daemon holds (null: all, one daemon):
    // the others are neither polled nor written, and what is kept of them
    // is dropped, so a project that comes back is listed afresh.
    const std::set<std::string>* held = nullptr;
    // Several daemons: where this node's reads go and every node's come from
    // (null: the reads are this daemon's own audit log's, kept in memory
    // until every project took them).
    store::shared_reads* shared_reads = nullptr;
    bool holds(const std::string& project) const { return !held || held->count(project); }
};

struct cycle_report {
    std::size_t projects_ok = 0;
    // ids of the projects whose folder was checked without an error, directly or through its parent
    std::vector<std::string> polled;
    std::vector<std::string> errors;  // one line per failed project or source, for the log
    std::vector<std::pair<std::string, access_problem>> new_problems;  // (project, problem): tell the facilitators
    std::size_t engagements_recorded = 0;
    std::size_t unmapped_reads = 0;     // reads that fit several pre-reads, kept in unmapped_reads
    std::size_t audit_reads = 0;        // reads of any file the audit source gave this cycle
    std::size_t audit_reads_again = 0;  // of them, requests already seen (one line in two places): dropped
    std::vector<std::string> warnings;  // new this cycle, for the log (once): a silent audit log
    // Moodle's failures: in `errors` too, but they keep no Nextcloud cursor back.
    std::size_t moodle_errors = 0;
    std::size_t moodle_requests = 0;  // completion requests of this cycle
    std::size_t folders_vouched = 0;  // project folders their parent's ETag showed unchanged
};

// The cursor that holds the warning about a silent audit log while it stands
// (empty when there is none); `prereadd status` shows it.
inline constexpr const char* audit_warning_cursor = "audit_log_warning";

// The cursor that holds when a project's Moodle completion was last asked (unix
// seconds): only within a reminder window, so `status` says when, and a view
// not shown yet is not taken for no view.
inline std::string moodle_completion_cursor(const std::string& project) { return "moodle_completion/" + project; }

// Projects are polled concurrently, as many at once as the configuration
// allows connections to Nextcloud (a request waiting for a connection would
// otherwise spend its deadline in the queue). One project's failure is
// reported (a value in the report) and does not stop the others. A failing
// SQLite statement throws (store/state.hpp): a broken or full database ends
// the cycle, and `run` with it, rather than losing reads.
boost::asio::awaitable<cycle_report> async_poll_cycle(cycle_context& ctx);

namespace detail {

// The activity stream after the stored cursor, page by page to its end (at
// most tuning.activity_pages; a longer backlog goes on next pass), appended
// to `activities`; the cursor to store once every project took them. A fresh
// state starts at the newest entry instead of replaying the whole history,
// and stores that start at once: a pass that fails later must not make the
// next one start afresh and skip what came in between.
boost::asio::awaitable<boost::system::result<std::int64_t>> async_read_activity(cycle_context& ctx, store::backend& st,
                                                                                std::vector<ocs::activity>& activities,
                                                                                cycle_report& report);

}  // namespace detail

}  // namespace prereadd::tracking
