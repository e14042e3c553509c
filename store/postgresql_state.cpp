// The daemon's state on PostgreSQL (postgresql_state.hpp): state.cpp's
// statements in PostgreSQL's dialect. Parameters go as text apart from the
// statement; the server infers their types from the columns.
#include "store/postgresql_state.hpp"

#include "store/leases.hpp"

#include "store/names.hpp"

#include <map>

namespace prereadd::store::postgresql {
namespace {

using detail::as_lines;
using detail::lines_of;

std::string num(std::int64_t v) { return std::to_string(v); }
std::optional<std::string> num(const std::optional<std::int64_t>& v)
{
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}
std::string text(const std::optional<std::string>& v) { return v.value_or(""); }
std::int64_t integer(const std::optional<std::string>& v) { return v ? std::stoll(*v) : 0; }
std::optional<std::int64_t> optional_integer(const std::optional<std::string>& v)
{
    return v ? std::optional<std::int64_t>(std::stoll(*v)) : std::nullopt;
}

constexpr const char* outbox_columns =
    "reference_id, project, item, channel, recipient, session_key, session_start, body, state, late, created_at, "
    "done_at, remote_id, deadline";

outbox_row outbox_row_of(const std::vector<std::optional<std::string>>& r)
{
    outbox_row o;
    o.reference_id = text(r[0]);
    o.project = text(r[1]);
    o.item = text(r[2]);
    o.channel = text(r[3]);
    o.recipient = text(r[4]);
    o.session_key = text(r[5]);
    o.session_start = optional_integer(r[6]);
    o.body = text(r[7]);
    o.state = detail::outbox_state_from(text(r[8]));
    o.late = integer(r[9]) != 0;
    o.created_at = integer(r[10]);
    o.done_at = optional_integer(r[11]);
    o.remote_id = optional_integer(r[12]);
    o.deadline = optional_integer(r[13]);
    return o;
}

}  // namespace

answer<rows> state::run(std::string sql, params p) { return c_.async_query(std::move(sql), std::move(p), deadline_); }

done state::execute(std::string sql, params p)
{
    auto r = co_await run(std::move(sql), std::move(p));
    co_return r ? boost::system::error_code{} : r.error();
}

template <class Row, class Read>
answer<std::vector<Row>> state::project_rows(std::string sql, std::string project, Read read)
{
    params p{std::move(project)};
    auto r = co_await run(std::move(sql), std::move(p));
    if (!r) co_return r.error();
    std::vector<Row> out;
    out.reserve(r->values.size());
    for (const auto& v : r->values) out.push_back(read(v));
    co_return out;
}

template <class Row, class Read>
answer<std::optional<Row>> state::one_row(std::string sql, params p, Read read)
{
    auto r = co_await run(std::move(sql), std::move(p));
    if (!r) co_return r.error();
    if (r->values.empty()) co_return std::optional<Row>{};
    co_return std::optional<Row>(read(r->values[0]));
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

answer<bool> state::add_outbox(const outbox_row& o)
{
    return wrote_one(
        "INSERT INTO outbox(reference_id, project, item, channel, recipient, session_key, "
        "session_start, body, state, late, created_at, done_at, remote_id, deadline) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
        "ON CONFLICT DO NOTHING",
        {o.reference_id, o.project, o.item, o.channel, o.recipient, o.session_key, num(o.session_start), o.body,
         std::string(to_string(o.state)), num(o.late ? 1 : 0), num(o.created_at), num(o.done_at), num(o.remote_id),
         num(o.deadline)});
}

done state::finish_outbox(const std::string& reference_id, outbox_state final_state, std::int64_t at,
                          std::optional<std::int64_t> remote_id)
{
    return execute(
        "UPDATE outbox SET state = $2, done_at = $3, remote_id = coalesce($4, remote_id) "
        "WHERE reference_id = $1",
        {reference_id, std::string(to_string(final_state)), num(at), num(remote_id)});
}

done state::withdraw_intent(const std::string& reference_id)
{
    return execute("DELETE FROM outbox WHERE reference_id = $1 AND state = 'intent'", {reference_id});
}

answer<std::optional<outbox_row>> state::outbox_entry(const std::string& reference_id)
{
    return one_row<outbox_row>(std::string("SELECT ") + outbox_columns + " FROM outbox WHERE reference_id = $1",
                               {reference_id}, [](const auto& v) { return outbox_row_of(v); });
}

answer<std::vector<outbox_row>> state::outbox(const std::string& project) { return outbox_rows(project, false); }
answer<std::vector<outbox_row>> state::unconfirmed(const std::string& project) { return outbox_rows(project, true); }

answer<std::vector<outbox_row>> state::outbox_rows(const std::string& project, bool intents_only)
{
    // SQLite orders rows of the same second by rowid (insertion); PostgreSQL
    // has none, so by reference id — docs/scaling.md lists it to settle
    // (an insertion number in both schemas).
    return project_rows<outbox_row>(std::string("SELECT ") + outbox_columns + " FROM outbox WHERE project = $1" +
                                        (intents_only ? " AND state = 'intent'" : "") +
                                        " ORDER BY created_at, reference_id",
                                    project, [](const auto& v) { return outbox_row_of(v); });
}

answer<std::set<std::string>> state::handled_items(const std::string& project)
{
    params p{project};
    auto r = co_await run("SELECT DISTINCT item FROM outbox WHERE project = $1", std::move(p));
    if (!r) co_return r.error();
    std::set<std::string> out;
    for (const auto& v : r->values) out.insert(text(v[0]));
    co_return out;
}

answer<std::optional<deck_card_row>> state::deck_card(const std::string& project, const std::string& session_key)
{
    return one_row<deck_card_row>(
        "SELECT session_start, card_id, description, assigned, state, created_at FROM deck_cards "
        "WHERE project = $1 AND session_key = $2",
        {project, session_key}, [project, session_key](const auto& v) {
            deck_card_row d;
            d.project = project;
            d.session_key = session_key;
            d.session_start = integer(v[0]);
            d.card_id = optional_integer(v[1]);
            d.description = text(v[2]);
            d.assigned = lines_of(text(v[3]));
            d.state = detail::deck_card_state_from(text(v[4]));
            d.created_at = integer(v[5]);
            return d;
        });
}

done state::save_deck_card(const deck_card_row& d)
{
    return execute(
        "INSERT INTO deck_cards(project, session_key, session_start, card_id, description, assigned, "
        "state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT(project, session_key) DO UPDATE SET session_start = excluded.session_start, "
        "card_id = excluded.card_id, description = excluded.description, assigned = excluded.assigned, "
        "state = excluded.state, created_at = excluded.created_at",
        {d.project, d.session_key, num(d.session_start), num(d.card_id), d.description, as_lines(d.assigned),
         std::string(to_string(d.state)), num(d.created_at)});
}

done state::save_call(const call_row& c)
{
    params call{c.project,          num(c.id),      num(c.started_at),
                num(c.ended_at),    c.session_key,  num(c.session_start),
                num(c.session_end), c.session_title};
    auto saved = co_await run(
        "INSERT INTO calls(project, call_id, started_at, ended_at, session_key, session_start, "
        "session_end, session_title) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "ON CONFLICT(project, call_id) DO UPDATE SET started_at = excluded.started_at, "
        "ended_at = excluded.ended_at, session_key = excluded.session_key, "
        "session_start = excluded.session_start, session_end = excluded.session_end, "
        "session_title = excluded.session_title",
        std::move(call));
    if (!saved) co_return saved.error();
    params which{c.project, num(c.id)};
    auto gone = co_await run("DELETE FROM call_attendees WHERE project = $1 AND call_id = $2", std::move(which));
    if (!gone) co_return gone.error();
    for (const auto& [user, a] : c.attendees) {
        params one{c.project, num(c.id), user, num(a.first_joined), num(a.last_joined), num(a.last_left)};
        auto added = co_await run(
            "INSERT INTO call_attendees(project, call_id, user_id, first_joined, last_joined, "
            "last_left) VALUES ($1, $2, $3, $4, $5, $6)",
            std::move(one));
        if (!added) co_return added.error();
    }
    co_return boost::system::error_code{};
}

answer<std::vector<call_row>> state::calls(const std::string& project)
{
    params p{project};
    auto r = co_await run(
        "SELECT call_id, started_at, ended_at, session_key, session_start, session_end, "
        "session_title FROM calls WHERE project = $1 ORDER BY started_at, call_id",
        std::move(p));
    if (!r) co_return r.error();
    std::vector<call_row> out;
    std::map<std::int64_t, std::size_t> by_id;
    for (const auto& v : r->values) {
        call_row c;
        c.project = project;
        c.id = integer(v[0]);
        c.started_at = integer(v[1]);
        c.ended_at = optional_integer(v[2]);
        c.session_key = text(v[3]);
        c.session_start = integer(v[4]);
        c.session_end = integer(v[5]);
        c.session_title = text(v[6]);
        by_id[c.id] = out.size();
        out.push_back(std::move(c));
    }
    params q{project};
    auto a = co_await run(
        "SELECT call_id, user_id, first_joined, last_joined, last_left FROM call_attendees "
        "WHERE project = $1",
        std::move(q));
    if (!a) co_return a.error();
    for (const auto& v : a->values)
        if (auto it = by_id.find(integer(v[0])); it != by_id.end())
            out[it->second].attendees[text(v[1])] = {integer(v[2]), integer(v[3]), optional_integer(v[4])};
    co_return out;
}

answer<std::optional<call_row>> state::running_call(const std::string& project)
{
    auto all = co_await calls(project);
    if (!all) co_return all.error();
    for (auto it = all->rbegin(); it != all->rend(); ++it)
        if (!it->ended_at) co_return std::optional<call_row>(std::move(*it));
    co_return std::optional<call_row>{};
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
