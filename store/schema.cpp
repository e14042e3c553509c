// The schema, as the list of migrations that build it: step N brings a
// database from user_version N-1 to N. Steps are only ever appended; a
// released step is never edited (a database made with it would differ).
#include "store/database.hpp"

#include <iterator>

namespace prereadd::store {
namespace {

constexpr std::string_view steps[] = {
    // 1: what the daemon knows about itself; the tables for documents,
    // participants, engagements and the outbox follow with their features.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
    // 2: what the daemon watches and what it saw (issue 4). Times are unix seconds.
    R"sql(
        CREATE TABLE projects (
            id TEXT PRIMARY KEY,
            folder TEXT NOT NULL,
            folder_etag TEXT,
            last_cycle_at INTEGER
        ) STRICT;
        CREATE TABLE documents (
            project TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            file_id INTEGER NOT NULL,
            path TEXT NOT NULL,              -- inside the project folder
            etag TEXT,
            first_seen INTEGER NOT NULL,
            removed_at INTEGER,
            PRIMARY KEY (project, file_id)
        ) STRICT;
        CREATE TABLE participants (
            project TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            source TEXT NOT NULL,            -- config, group, share, talk
            first_seen INTEGER NOT NULL,
            removed_at INTEGER,
            PRIMARY KEY (project, user_id)
        ) STRICT;
        CREATE TABLE engagements (
            project TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            file_id INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('synced', 'opened', 'commented', 'edited', 'acknowledged')),
            first_at INTEGER NOT NULL,
            source TEXT NOT NULL,            -- audit_log, activity, comments, talk, deck
            PRIMARY KEY (project, user_id, file_id, kind)
        ) STRICT;
        CREATE TABLE access_problems (
            project TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            file_id INTEGER NOT NULL,
            problem TEXT NOT NULL,           -- no_share, share_expired, no_read_permission
            detail TEXT NOT NULL DEFAULT '',
            first_seen INTEGER NOT NULL,
            resolved_at INTEGER,
            PRIMARY KEY (project, user_id, file_id, problem)
        ) STRICT;
        CREATE TABLE unmapped_reads (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            path TEXT NOT NULL,
            file_id INTEGER,
            at INTEGER,
            reason TEXT NOT NULL
        ) STRICT;
        CREATE TABLE cursors (
            name TEXT PRIMARY KEY,           -- audit_log, activity
            value TEXT NOT NULL
        ) STRICT;
        )sql",
    // 3: an audit log read that fits several pre-reads belongs to a project,
    // and is kept once however often the cycle that saw it is repeated.
    R"sql(
        ALTER TABLE unmapped_reads ADD COLUMN project TEXT NOT NULL DEFAULT '';
        CREATE UNIQUE INDEX unmapped_reads_once ON unmapped_reads(project, user_id, path, at);
        )sql",
    // 4: the outbox (issue 5): every message prereadd sends, written as an
    // intent before it goes out and confirmed after, so none goes twice.
    R"sql(
        CREATE TABLE outbox (
            reference_id TEXT PRIMARY KEY,   -- sha256 hex, sent as Talk's referenceId
            project TEXT NOT NULL,
            item TEXT NOT NULL,              -- what it is about: a plan item id, or problem/...
            channel TEXT NOT NULL,           -- talk:<token>
            recipient TEXT NOT NULL,         -- '' for the project conversation, else a user id
            session_key TEXT NOT NULL DEFAULT '',
            session_start INTEGER,
            deadline INTEGER,                -- after it the message is missed: the session start, or a follow-up's due time
            body TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL CHECK (state IN ('intent', 'sent', 'missed', 'superseded', 'skipped')),
            late INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            done_at INTEGER,
            remote_id INTEGER                -- the Talk message id once sent
        ) STRICT;
        CREATE INDEX outbox_by_project ON outbox(project, state);
        )sql",
    // 5: one Deck card per session; card_id is NULL while its creation is
    // in flight (found again by the marker in its description).
    R"sql(
        CREATE TABLE deck_cards (
            project TEXT NOT NULL,
            session_key TEXT NOT NULL,
            session_start INTEGER NOT NULL,
            card_id INTEGER,
            description TEXT NOT NULL DEFAULT '',
            assigned TEXT NOT NULL DEFAULT '',  -- user ids, one per line, as last set
            state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'done_by_participant', 'gone')),
            created_at INTEGER NOT NULL,
            PRIMARY KEY (project, session_key)
        ) STRICT;
        )sql",
    // 6: a document's collaborative tags (one per line), for tag-scoped sessions.
    "ALTER TABLE documents ADD COLUMN tags TEXT NOT NULL DEFAULT ''",
    // 7: why a project could not be polled, and since when, for `prereadd status`.
    "ALTER TABLE projects ADD COLUMN last_error TEXT; ALTER TABLE projects ADD COLUMN failing_since INTEGER",
    // 8: the calls in a project's conversation (issue 16), from Talk's call
    // system messages, and the session each was matched to ('' when none).
    R"sql(
        CREATE TABLE calls (
            project TEXT NOT NULL,
            call_id INTEGER NOT NULL,        -- the Talk message id that showed it first (call_started)
            started_at INTEGER NOT NULL,
            ended_at INTEGER,                -- NULL while it runs
            session_key TEXT NOT NULL DEFAULT '',
            session_start INTEGER NOT NULL DEFAULT 0,
            session_end INTEGER NOT NULL DEFAULT 0,
            session_title TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (project, call_id)
        ) STRICT;
        CREATE TABLE call_attendees (
            project TEXT NOT NULL,
            call_id INTEGER NOT NULL,
            user_id TEXT NOT NULL,
            first_joined INTEGER NOT NULL,
            last_joined INTEGER NOT NULL,
            last_left INTEGER,               -- NULL: never left (or still in the call)
            PRIMARY KEY (project, call_id, user_id),
            FOREIGN KEY (project, call_id) REFERENCES calls(project, call_id) ON DELETE CASCADE
        ) STRICT;
        )sql",
    // 9: Moodle courses as pre-reads (issue 17). A document's source ('' for
    // a file in the project folder, 'moodle' for a course module, whose file
    // id is minus its cmid), its course section (number, name) and the link
    // a participant follows; a participant's name as its source shows it
    // (a Moodle participant without a Nextcloud account is "moodle:<id>").
    R"sql(
        ALTER TABLE documents ADD COLUMN source TEXT NOT NULL DEFAULT '';
        ALTER TABLE documents ADD COLUMN section INTEGER NOT NULL DEFAULT -1;
        ALTER TABLE documents ADD COLUMN section_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE documents ADD COLUMN link TEXT NOT NULL DEFAULT '';
        ALTER TABLE participants ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
        )sql",
};

}  // namespace

const std::vector<std::string_view>& database::migrations()
{
    static const std::vector<std::string_view> all(std::begin(steps), std::end(steps));
    return all;
}

}  // namespace prereadd::store
