// The daemon's state on PostgreSQL (postgresql_state.hpp): state.cpp's
// statements in PostgreSQL's dialect. Parameters go as text apart from the
// statement; the server infers their types from the columns.
#include "store/postgresql_state.hpp"

#include "store/detail/postgresql_rows.hpp"

#include "store/leases.hpp"

#include "store/names.hpp"

#include <map>

namespace prereadd::store::postgresql {
namespace {

using detail::as_lines;
using detail::lines_of;
using namespace columns;

}  // namespace

answer<rows> state::run(std::string sql, params p) { return c_.async_query(std::move(sql), std::move(p), deadline_); }

done state::execute(std::string sql, params p)
{
    auto r = co_await run(std::move(sql), std::move(p));
    co_return r ? boost::system::error_code{} : r.error();
}

answer<bool> state::wrote_one(std::string sql, params p)
{
    auto r = co_await run(std::move(sql), std::move(p));
    if (!r)
        co_return boost::system::result<bool>(boost::system::in_place_error, r.error());  // an error_code is a bool too
    co_return r->affected == 1;
}

done state::begin() { return execute("BEGIN", {}); }
done state::commit() { return execute("COMMIT", {}); }
done state::rollback() { return execute("ROLLBACK", {}); }

done state::upsert_project(const std::string& id, const std::string& folder)
{
    return execute(
        "INSERT INTO projects(id, folder) VALUES ($1, $2) "
        "ON CONFLICT(id) DO UPDATE SET folder = excluded.folder",
        {id, folder});
}

answer<std::optional<project_row>> state::project(const std::string& id)
{
    return one_row<project_row>(
        "SELECT folder, last_cycle_at, folder_etag, last_error, failing_since FROM projects WHERE id = $1", {id},
        [id](const auto& v) {
            return project_row{id, text(v[0]), optional_integer(v[1]), v[2], v[3], optional_integer(v[4])};
        });
}

done state::set_last_cycle(const std::string& project, std::int64_t at)
{
    return execute("UPDATE projects SET last_cycle_at = $2 WHERE id = $1", {project, num(at)});
}

done state::set_folder_etag(const std::string& project, const std::string& etag)
{
    return execute("UPDATE projects SET folder_etag = $2 WHERE id = $1", {project, etag});
}

done state::set_project_error(const std::string& project, const std::optional<std::string>& error, std::int64_t at)
{
    if (!error) return execute("UPDATE projects SET last_error = NULL, failing_since = NULL WHERE id = $1", {project});
    return execute("UPDATE projects SET last_error = $2, failing_since = coalesce(failing_since, $3) WHERE id = $1",
                   {project, *error, num(at)});
}

done state::upsert_document(const std::string& project, const document_row& d)
{
    return execute(
        "INSERT INTO documents(project, file_id, path, etag, first_seen, tags, source, section, section_name, link) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "ON CONFLICT(project, file_id) DO UPDATE SET path = excluded.path, etag = excluded.etag, "
        "tags = excluded.tags, source = excluded.source, section = excluded.section, "
        "section_name = excluded.section_name, link = excluded.link, removed_at = NULL",
        {project, num(d.file_id), d.path, d.etag, num(d.first_seen), as_lines(d.tags), d.source, num(d.section),
         d.section_name, d.link});
}

done state::mark_document_removed(const std::string& project, std::int64_t file_id, std::int64_t at)
{
    return execute("UPDATE documents SET removed_at = $3 WHERE project = $1 AND file_id = $2",
                   {project, num(file_id), num(at)});
}

answer<std::vector<document_row>> state::documents(const std::string& project)
{
    // COLLATE "C": byte order, as SQLite's BINARY orders the paths.
    return project_rows<document_row>(
        "SELECT file_id, path, etag, first_seen, tags, source, section, section_name, link "
        "FROM documents WHERE project = $1 AND removed_at IS NULL "
        "ORDER BY source COLLATE \"C\", section, path COLLATE \"C\"",
        project, [](const auto& v) {
            return document_row{integer(v[0]),
                                text(v[1]),
                                text(v[2]),
                                integer(v[3]),
                                lines_of(text(v[4])),
                                text(v[5]),
                                static_cast<int>(integer(v[6])),
                                text(v[7]),
                                text(v[8])};
        });
}

done state::upsert_participant(const std::string& project, const participant_row& p, std::int64_t at)
{
    return execute(
        "INSERT INTO participants(project, user_id, source, first_seen, display_name) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT(project, user_id) DO UPDATE SET source = excluded.source, "
        "display_name = excluded.display_name, removed_at = NULL",
        {project, p.user_id, std::string(to_string(p.source)), num(at), p.display_name});
}

answer<std::vector<participant_row>> state::participants(const std::string& project)
{
    return project_rows<participant_row>(
        "SELECT user_id, source, display_name FROM participants WHERE project = $1 AND "
        "removed_at IS NULL ORDER BY user_id COLLATE \"C\"",
        project, [](const auto& v) {
            return participant_row{text(v[0]), detail::participant_source_from(text(v[1])), text(v[2])};
        });
}

done state::mark_participant_removed(const std::string& project, const std::string& user_id, std::int64_t at)
{
    return execute(
        "UPDATE participants SET removed_at = $3 WHERE project = $1 AND user_id = $2 "
        "AND removed_at IS NULL",
        {project, user_id, num(at)});
}

done state::record_unmapped_read(const std::string& project, const unmapped_read_row& r)
{
    return execute(
        "INSERT INTO unmapped_reads(project, user_id, path, at, reason) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT DO NOTHING",
        {project, r.user_id, r.path, num(r.at), r.reason});
}

answer<std::vector<unmapped_read_row>> state::unmapped_reads(const std::string& project)
{
    return project_rows<unmapped_read_row>(
        "SELECT user_id, path, at, reason FROM unmapped_reads WHERE project = $1 ORDER BY at, id", project,
        [](const auto& v) {
            return unmapped_read_row{text(v[0]), text(v[1]), integer(v[2]), text(v[3])};
        });
}

answer<bool> state::record_problem(const std::string& project, const problem_row& pr)
{
    // One statement: a problem open already is left alone (false), a new or
    // resolved one is (re)opened (true).
    return wrote_one(
        "INSERT INTO access_problems(project, user_id, file_id, problem, detail, first_seen) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT(project, user_id, file_id, problem) DO UPDATE "
        "SET detail = excluded.detail, first_seen = excluded.first_seen, resolved_at = NULL "
        "WHERE access_problems.resolved_at IS NOT NULL",
        {project, pr.user_id, num(pr.file_id), pr.problem, pr.detail, num(pr.first_seen)});
}

done state::resolve_problem(const std::string& project, const problem_row& p, std::int64_t at)
{
    return execute(
        "UPDATE access_problems SET resolved_at = $5 WHERE project = $1 AND user_id = $2 "
        "AND file_id = $3 AND problem = $4 AND resolved_at IS NULL",
        {project, p.user_id, num(p.file_id), p.problem, num(at)});
}

answer<std::vector<problem_row>> state::open_problems(const std::string& project)
{
    return project_rows<problem_row>(
        "SELECT user_id, file_id, problem, detail, first_seen FROM access_problems "
        "WHERE project = $1 AND resolved_at IS NULL ORDER BY user_id COLLATE \"C\", file_id",
        project, [](const auto& v) {
            return problem_row{text(v[0]), integer(v[1]), text(v[2]), text(v[3]), integer(v[4])};
        });
}

answer<std::size_t> state::open_problem_count(const std::vector<std::string>& projects)
{
    std::string sql = "SELECT count(*) FROM access_problems WHERE resolved_at IS NULL AND project = ANY($1::text[])";
    params p{leases::array_literal(projects)};
    auto r = co_await run(std::move(sql), std::move(p));
    if (!r) co_return r.error();
    co_return static_cast<std::size_t>(integer(r->values.at(0).at(0)));
}

answer<bool> state::record(const engagement& e)
{
    return wrote_one(
        "INSERT INTO engagements(project, user_id, file_id, kind, first_at, source) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        {e.project, e.user_id, num(e.file_id), std::string(to_string(e.kind)), num(e.first_at), e.source});
}

answer<std::vector<engagement>> state::engagements(const std::string& project)
{
    return project_rows<engagement>(
        "SELECT user_id, file_id, kind, first_at, source FROM engagements WHERE project = $1 "
        "ORDER BY user_id COLLATE \"C\", file_id, kind COLLATE \"C\"",
        project, [project](const auto& v) {
            return engagement{project,       text(v[0]), integer(v[1]), detail::kind_from(text(v[2])),
                              integer(v[3]), text(v[4])};
        });
}

std::string state::cursor_key(const std::string& name) const
{
    if (node_.empty() || name.starts_with("talk:")) return name;
    return node_ + "/" + name;
}

answer<std::optional<std::string>> state::cursor(const std::string& name)
{
    return one_row<std::string>("SELECT value FROM cursors WHERE name = $1", {cursor_key(name)},
                                [](const auto& v) { return text(v[0]); });
}

done state::set_cursor(const std::string& name, const std::string& value)
{
    return execute(
        "INSERT INTO cursors(name, value) VALUES ($1, $2) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        {cursor_key(name), value});
}

done state::append_reads(const std::vector<std::string>& lines, std::int64_t at)
{
    if (lines.empty()) co_return boost::system::error_code{};
    // One statement for all of them, in their order in the log.
    // Appended one node at a time, each until its transaction ends: numbers
    // are then committed in their order, and a holder that read up to 105
    // never sees a 103 committed after it.
    std::string lock = "LOCK TABLE logged_reads IN EXCLUSIVE MODE";
    params none;
    if (auto ec = co_await execute(std::move(lock), std::move(none))) co_return ec;
    std::string sql =
        "INSERT INTO logged_reads(node, logged_at, line) "
        "SELECT $1, $2::bigint, l FROM unnest($3::text[]) WITH ORDINALITY AS t(l, n) ORDER BY n";
    params p{node_, std::to_string(at), leases::array_literal(lines)};
    co_return co_await execute(std::move(sql), std::move(p));
}

answer<std::map<std::string, std::int64_t>> state::read_positions()
{
    std::string sql = "SELECT project, seq FROM read_positions";
    params none;
    auto r = co_await run(std::move(sql), std::move(none));
    if (!r) co_return r.error();
    std::map<std::string, std::int64_t> out;
    for (const auto& row : r->values) out[text(row.at(0))] = integer(row.at(1));
    co_return out;
}

answer<std::vector<shared_reads::logged>> state::reads_after(std::int64_t seq)
{
    std::string sql = "SELECT seq, line FROM logged_reads WHERE seq > $1::bigint ORDER BY seq";
    params p{std::to_string(seq)};
    auto r = co_await run(std::move(sql), std::move(p));
    if (!r) co_return r.error();
    std::vector<logged> out;
    out.reserve(r->values.size());
    for (const auto& row : r->values) out.push_back({integer(row.at(0)), text(row.at(1))});
    co_return out;
}

done state::set_read_position(const std::string& project, std::int64_t seq)
{
    return execute(
        "INSERT INTO read_positions(project, seq) VALUES ($1, $2::bigint) "
        "ON CONFLICT(project) DO UPDATE SET seq = GREATEST(read_positions.seq, excluded.seq)",
        {project, std::to_string(seq)});
}

done state::forget_reads(const std::vector<std::string>& projects)
{
    // A project that has taken no read yet holds every read back (its first
    // holder maps the reads from before its first cycle too).
    return execute(
        "DELETE FROM logged_reads WHERE seq <= (SELECT CASE WHEN count(r.project) < cardinality($1::text[]) "
        "THEN 0 ELSE min(r.seq) END FROM read_positions r WHERE r.project = ANY($1::text[]))",
        {leases::array_literal(projects)});
}

}  // namespace prereadd::store::postgresql
