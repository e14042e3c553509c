// Engagements, cursors and transactions on SQLite (see state.hpp), with
// prepared statements; statement errors are programming errors and throw.
#include "store/state.hpp"

#include <charconv>

#include "store/statement.hpp"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace prereadd::store {
namespace {

using detail::as_lines;
using detail::deck_card_state_from;
using detail::kind_from;
using detail::lines_of;
using detail::outbox_state_from;
using detail::participant_source_from;
using detail::project_rows;
using detail::statement;

constexpr const char* outbox_columns =
    "reference_id, project, item, channel, recipient, session_key, session_start, body, state, late, created_at, "
    "done_at, remote_id, deadline";

outbox_row outbox_row_of(const statement& s)
{
    outbox_row r;
    r.reference_id = s.text(0);
    r.project = s.text(1);
    r.item = s.text(2);
    r.channel = s.text(3);
    r.recipient = s.text(4);
    r.session_key = s.text(5);
    r.session_start = s.optional_integer(6);
    r.body = s.text(7);
    r.state = outbox_state_from(s.text(8));
    r.late = s.integer(9) != 0;
    r.created_at = s.integer(10);
    r.done_at = s.optional_integer(11);
    r.remote_id = s.optional_integer(12);
    r.deadline = s.optional_integer(13);
    return r;
}

}  // namespace

bool state::add_outbox(const outbox_row& r)
{
    statement s(db_,
                "INSERT OR IGNORE INTO outbox(reference_id, project, item, channel, recipient, session_key, "
                "session_start, body, state, late, created_at, done_at, remote_id, deadline) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    s.bind(1, r.reference_id).bind(2, r.project).bind(3, r.item).bind(4, r.channel).bind(5, r.recipient);
    s.bind(6, r.session_key).bind(7, r.session_start).bind(8, r.body).bind(9, std::string(to_string(r.state)));
    s.bind(10, std::int64_t{r.late ? 1 : 0})
        .bind(11, r.created_at)
        .bind(12, r.done_at)
        .bind(13, r.remote_id)
        .bind(14, r.deadline);
    s.step();
    return sqlite3_changes(db_.handle()) == 1;
}

void state::finish_outbox(const std::string& reference_id, outbox_state final_state, std::int64_t at,
                          std::optional<std::int64_t> remote_id)
{
    statement s(
        db_, "UPDATE outbox SET state = ?2, done_at = ?3, remote_id = coalesce(?4, remote_id) WHERE reference_id = ?1");
    s.bind(1, reference_id).bind(2, std::string(to_string(final_state))).bind(3, at).bind(4, remote_id).step();
}

void state::withdraw_intent(const std::string& reference_id)
{
    statement s(db_, "DELETE FROM outbox WHERE reference_id = ?1 AND state = 'intent'");
    s.bind(1, reference_id).step();
}

std::optional<outbox_row> state::outbox_entry(const std::string& reference_id) const
{
    statement s(db_, std::string("SELECT ") + outbox_columns + " FROM outbox WHERE reference_id = ?1");
    s.bind(1, reference_id);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return outbox_row_of(s);
}

std::vector<outbox_row> state::outbox(const std::string& project) const { return outbox_rows(project, false); }

std::vector<outbox_row> state::unconfirmed(const std::string& project) const { return outbox_rows(project, true); }

std::vector<outbox_row> state::outbox_rows(const std::string& project, bool intents_only) const
{
    const std::string sql = std::string("SELECT ") + outbox_columns + " FROM outbox WHERE project = ?1" +
                            (intents_only ? " AND state = 'intent'" : "") + " ORDER BY created_at, rowid";
    return project_rows(db_, sql, project, [](const statement& s) { return outbox_row_of(s); });
}

std::set<std::string> state::handled_items(const std::string& project) const
{
    statement s(db_, "SELECT DISTINCT item FROM outbox WHERE project = ?1");
    s.bind(1, project);
    std::set<std::string> out;
    while (s.step() == SQLITE_ROW) out.insert(s.text(0));
    return out;
}

std::optional<deck_card_row> state::deck_card(const std::string& project, const std::string& session_key) const
{
    statement s(db_,
                "SELECT session_start, card_id, description, assigned, state, created_at FROM deck_cards "
                "WHERE project = ?1 AND session_key = ?2");
    s.bind(1, project).bind(2, session_key);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    deck_card_row r;
    r.project = project;
    r.session_key = session_key;
    r.session_start = s.integer(0);
    r.card_id = s.optional_integer(1);
    r.description = s.text(2);
    r.assigned = lines_of(s.text(3));
    r.state = deck_card_state_from(s.text(4));
    r.created_at = s.integer(5);
    return r;
}

void state::save_deck_card(const deck_card_row& r)
{
    statement s(
        db_,
        "INSERT OR REPLACE INTO deck_cards(project, session_key, session_start, card_id, description, assigned, "
        "state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind(1, r.project).bind(2, r.session_key).bind(3, r.session_start).bind(4, r.card_id).bind(5, r.description);
    s.bind(6, as_lines(r.assigned)).bind(7, std::string(to_string(r.state))).bind(8, r.created_at).step();
}

transaction::transaction(database& db) : db_(db) { db_.execute("BEGIN IMMEDIATE"); }

transaction::~transaction()
{
    if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void transaction::commit()
{
    db_.execute("COMMIT");
    done_ = true;
}

void state::upsert_project(const std::string& id, const std::string& folder)
{
    statement s(
        db_, "INSERT INTO projects(id, folder) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET folder = excluded.folder");
    s.bind(1, id).bind(2, folder).step();
}

std::optional<project_row> state::project(const std::string& id) const
{
    statement s(db_,
                "SELECT folder, last_cycle_at, folder_etag, last_error, failing_since FROM projects WHERE id = ?1");
    s.bind(1, id);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    project_row row{id, s.text(0), s.optional_integer(1), std::nullopt, std::nullopt, s.optional_integer(4)};
    if (sqlite3_column_type(s.stmt, 2) != SQLITE_NULL) row.folder_etag = s.text(2);
    if (sqlite3_column_type(s.stmt, 3) != SQLITE_NULL) row.last_error = s.text(3);
    return row;
}

void state::set_last_cycle(const std::string& project, std::int64_t at)
{
    statement s(db_, "UPDATE projects SET last_cycle_at = ?2 WHERE id = ?1");
    s.bind(1, project).bind(2, at).step();
}

void state::set_project_error(const std::string& project, const std::optional<std::string>& error, std::int64_t at)
{
    if (!error) {
        statement s(db_, "UPDATE projects SET last_error = NULL, failing_since = NULL WHERE id = ?1");
        s.bind(1, project).step();
        return;
    }
    statement s(db_, "UPDATE projects SET last_error = ?2, failing_since = coalesce(failing_since, ?3) WHERE id = ?1");
    s.bind(1, project).bind(2, *error).bind(3, at).step();
}

void state::set_folder_etag(const std::string& project, const std::string& etag)
{
    statement s(db_, "UPDATE projects SET folder_etag = ?2 WHERE id = ?1");
    s.bind(1, project).bind(2, etag).step();
}

std::optional<std::int64_t> moodle_user_id(std::string_view user_id)
{
    if (!user_id.starts_with(moodle_user_prefix)) return std::nullopt;
    user_id.remove_prefix(moodle_user_prefix.size());
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(user_id.data(), user_id.data() + user_id.size(), id);
    if (ec != std::errc() || end != user_id.data() + user_id.size() || id <= 0) return std::nullopt;
    return id;
}

void state::upsert_document(const std::string& project, const document_row& d)
{
    statement s(db_,
                "INSERT INTO documents(project, file_id, path, etag, first_seen, tags, source, section, section_name, "
                "link) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                "ON CONFLICT(project, file_id) DO UPDATE SET path = excluded.path, etag = excluded.etag, "
                "tags = excluded.tags, source = excluded.source, section = excluded.section, "
                "section_name = excluded.section_name, link = excluded.link, removed_at = NULL");
    s.bind(1, project).bind(2, d.file_id).bind(3, d.path).bind(4, d.etag).bind(5, d.first_seen);
    s.bind(6, as_lines(d.tags)).bind(7, d.source).bind(8, std::int64_t{d.section}).bind(9, d.section_name);
    s.bind(10, d.link).step();
}

void state::mark_document_removed(const std::string& project, std::int64_t file_id, std::int64_t at)
{
    statement s(db_, "UPDATE documents SET removed_at = ?3 WHERE project = ?1 AND file_id = ?2");
    s.bind(1, project).bind(2, file_id).bind(3, at).step();
}

std::vector<document_row> state::documents(const std::string& project) const
{
    return project_rows(db_,
                        "SELECT file_id, path, etag, first_seen, tags, source, section, section_name, link "
                        "FROM documents WHERE project = ?1 AND removed_at IS NULL ORDER BY source, section, path",
                        project, [](const statement& s) {
                            return document_row{s.integer(0),
                                                s.text(1),
                                                s.text(2),
                                                s.integer(3),
                                                lines_of(s.text(4)),
                                                s.text(5),
                                                static_cast<int>(s.integer(6)),
                                                s.text(7),
                                                s.text(8)};
                        });
}

void state::upsert_participant(const std::string& project, const participant_row& p, std::int64_t at)
{
    statement s(db_,
                "INSERT INTO participants(project, user_id, source, first_seen, display_name) "
                "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(project, user_id) DO UPDATE SET source = excluded.source, "
                "display_name = excluded.display_name, removed_at = NULL");
    s.bind(1, project).bind(2, p.user_id).bind(3, std::string(to_string(p.source))).bind(4, at);
    s.bind(5, p.display_name).step();
}

std::vector<participant_row> state::participants(const std::string& project) const
{
    return project_rows(db_,
                        "SELECT user_id, source, display_name FROM participants WHERE project = ?1 AND "
                        "removed_at IS NULL ORDER BY user_id",
                        project, [](const statement& s) {
                            return participant_row{s.text(0), participant_source_from(s.text(1)), s.text(2)};
                        });
}

void state::mark_participant_removed(const std::string& project, const std::string& user_id, std::int64_t at)
{
    statement s(db_,
                "UPDATE participants SET removed_at = ?3 WHERE project = ?1 AND user_id = ?2 AND removed_at IS NULL");
    s.bind(1, project).bind(2, user_id).bind(3, at).step();
}

void state::record_unmapped_read(const std::string& project, const unmapped_read_row& r)
{
    statement s(db_,
                "INSERT OR IGNORE INTO unmapped_reads(project, user_id, path, at, reason) VALUES (?1, ?2, ?3, ?4, ?5)");
    s.bind(1, project).bind(2, r.user_id).bind(3, r.path).bind(4, r.at).bind(5, r.reason).step();
}

std::vector<unmapped_read_row> state::unmapped_reads(const std::string& project) const
{
    return project_rows(db_, "SELECT user_id, path, at, reason FROM unmapped_reads WHERE project = ?1 ORDER BY at, id",
                        project, [](const statement& s) {
                            return unmapped_read_row{s.text(0), s.text(1), s.integer(2), s.text(3)};
                        });
}

bool state::record_problem(const std::string& project, const problem_row& p)
{
    statement open(db_,
                   "SELECT resolved_at IS NULL FROM access_problems "
                   "WHERE project = ?1 AND user_id = ?2 AND file_id = ?3 AND problem = ?4");
    open.bind(1, project).bind(2, p.user_id).bind(3, p.file_id).bind(4, p.problem);
    if (open.step() == SQLITE_ROW && open.integer(0) == 1) return false;
    statement s(db_,
                "INSERT INTO access_problems(project, user_id, file_id, problem, detail, first_seen) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(project, user_id, file_id, problem) DO UPDATE SET "
                "detail = excluded.detail, first_seen = excluded.first_seen, resolved_at = NULL");
    s.bind(1, project)
        .bind(2, p.user_id)
        .bind(3, p.file_id)
        .bind(4, p.problem)
        .bind(5, p.detail)
        .bind(6, p.first_seen)
        .step();
    return true;
}

void state::resolve_problem(const std::string& project, const problem_row& p, std::int64_t at)
{
    statement s(db_,
                "UPDATE access_problems SET resolved_at = ?5 WHERE project = ?1 AND user_id = ?2 AND file_id = ?3 "
                "AND problem = ?4 AND resolved_at IS NULL");
    s.bind(1, project).bind(2, p.user_id).bind(3, p.file_id).bind(4, p.problem).bind(5, at).step();
}

std::vector<problem_row> state::open_problems(const std::string& project) const
{
    return project_rows(db_,
                        "SELECT user_id, file_id, problem, detail, first_seen FROM access_problems "
                        "WHERE project = ?1 AND resolved_at IS NULL ORDER BY user_id, file_id",
                        project, [](const statement& s) {
                            return problem_row{s.text(0), s.integer(1), s.text(2), s.text(3), s.integer(4)};
                        });
}

bool state::record(const engagement& e)
{
    statement s(db_,
                "INSERT OR IGNORE INTO engagements(project, user_id, file_id, kind, first_at, source) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    s.bind(1, e.project)
        .bind(2, e.user_id)
        .bind(3, e.file_id)
        .bind(4, std::string(to_string(e.kind)))
        .bind(5, e.first_at)
        .bind(6, e.source)
        .step();
    return sqlite3_changes(db_.handle()) == 1;
}

std::vector<engagement> state::engagements(const std::string& project) const
{
    return project_rows(db_,
                        "SELECT user_id, file_id, kind, first_at, source FROM engagements WHERE project = ?1 "
                        "ORDER BY user_id, file_id, kind",
                        project, [&](const statement& s) {
                            return engagement{project,      s.text(0), s.integer(1), kind_from(s.text(2)),
                                              s.integer(3), s.text(4)};
                        });
}

std::optional<std::string> state::cursor(const std::string& name) const
{
    statement s(db_, "SELECT value FROM cursors WHERE name = ?1");
    s.bind(1, name);
    if (s.step() != SQLITE_ROW) return std::nullopt;
    return s.text(0);
}

void state::set_cursor(const std::string& name, const std::string& value)
{
    statement s(
        db_, "INSERT INTO cursors(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    s.bind(1, name).bind(2, value).step();
}

}  // namespace prereadd::store
