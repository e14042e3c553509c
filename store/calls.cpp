// The calls of a project's conversation and who was in them (see state.hpp).
#include "store/state.hpp"
#include "store/statement.hpp"

namespace prereadd::store {

using detail::statement;

void state::save_call(const call_row& c)
{
    statement call(db_,
                   "INSERT OR REPLACE INTO calls(project, call_id, started_at, ended_at, session_key, session_start, "
                   "session_end, session_title) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    call.bind(1, c.project).bind(2, c.id).bind(3, c.started_at).bind(4, c.ended_at).bind(5, c.session_key);
    call.bind(6, c.session_start).bind(7, c.session_end).bind(8, c.session_title).step();
    statement gone(db_, "DELETE FROM call_attendees WHERE project = ?1 AND call_id = ?2");
    gone.bind(1, c.project).bind(2, c.id).step();
    for (const auto& [user, p] : c.attendees) {
        statement a(db_,
                    "INSERT INTO call_attendees(project, call_id, user_id, first_joined, last_joined, last_left) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        a.bind(1, c.project).bind(2, c.id).bind(3, user).bind(4, p.first_joined).bind(5, p.last_joined);
        a.bind(6, p.last_left).step();
    }
}

std::vector<call_row> state::calls(const std::string& project) const
{
    auto rows = detail::project_rows(
        db_,
        "SELECT call_id, started_at, ended_at, session_key, session_start, session_end, session_title FROM calls "
        "WHERE project = ?1 ORDER BY started_at, call_id",
        project, [&](const statement& s) {
            call_row c;
            c.project = project;
            c.id = s.integer(0);
            c.started_at = s.integer(1);
            c.ended_at = s.optional_integer(2);
            c.session_key = s.text(3);
            c.session_start = s.integer(4);
            c.session_end = s.integer(5);
            c.session_title = s.text(6);
            return c;
        });
    statement a(db_,
                "SELECT call_id, user_id, first_joined, last_joined, last_left FROM call_attendees WHERE project = ?1");
    a.bind(1, project);
    std::map<std::int64_t, call_row*> by_id;
    for (auto& c : rows) by_id[c.id] = &c;
    while (a.step() == SQLITE_ROW)
        if (auto it = by_id.find(a.integer(0)); it != by_id.end())
            it->second->attendees[a.text(1)] = {a.integer(2), a.integer(3), a.optional_integer(4)};
    return rows;
}

std::optional<call_row> state::running_call(const std::string& project) const
{
    auto all = calls(project);
    for (auto it = all.rbegin(); it != all.rend(); ++it)
        if (!it->ended_at) return std::move(*it);
    return std::nullopt;
}

}  // namespace prereadd::store
