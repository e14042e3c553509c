// The PostgreSQL state's record of what went out (postgresql_state.hpp): the
// outbox, the sessions' Deck cards and the conversation's calls.
#include "store/postgresql_state.hpp"

#include "store/detail/postgresql_rows.hpp"
#include "store/names.hpp"

#include <map>

namespace prereadd::store::postgresql {
namespace {

using detail::as_lines;
using detail::lines_of;
using namespace columns;

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

}  // namespace prereadd::store::postgresql
