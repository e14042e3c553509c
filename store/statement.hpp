// One use of one of the database's cached statements, with typed binds and
// columns. Internal to the store. A statement that fails to step is a
// programming error (or a broken database) and throws std::runtime_error.
#pragma once

#include "store/database.hpp"
#include "store/names.hpp"
#include "store/state.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prereadd::store::detail {

struct statement {
    database::lent_statement lent;
    sqlite3_stmt* stmt;

    statement(const database& db, std::string_view sql) : lent(db.acquire(sql)), stmt(lent.stmt) {}
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
    ~statement() { database::release(lent); }

    statement& bind(int i, const std::string& v)
    {
        sqlite3_bind_text(stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    statement& bind(int i, std::int64_t v)
    {
        sqlite3_bind_int64(stmt, i, v);
        return *this;
    }
    int step()
    {
        int rc = sqlite3_step(stmt);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            throw std::runtime_error(std::string("database: ") + sqlite3_errmsg(sqlite3_db_handle(stmt)));
        return rc;
    }
    std::string text(int col) const
    {
        auto p = sqlite3_column_text(stmt, col);
        return p ? reinterpret_cast<const char*>(p) : std::string();
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(stmt, col); }
    statement& bind(int i, const std::optional<std::int64_t>& v)
    {
        if (v)
            sqlite3_bind_int64(stmt, i, *v);
        else
            sqlite3_bind_null(stmt, i);
        return *this;
    }
    std::optional<std::int64_t> optional_integer(int col) const
    {
        if (sqlite3_column_type(stmt, col) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_int64(stmt, col);
    }
};

// Every row a query on one project's rows yields (the project bound as ?1),
// each made by `read` from the statement.
template <class Read>
auto project_rows(const database& db, std::string_view sql, const std::string& project, Read read)
{
    statement s(db, sql);
    s.bind(1, project);
    std::vector<decltype(read(std::as_const(s)))> out;
    while (s.step() == SQLITE_ROW) out.push_back(read(std::as_const(s)));
    return out;
}

}  // namespace prereadd::store::detail
