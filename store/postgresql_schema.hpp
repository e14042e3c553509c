// The store's schema on PostgreSQL: the same migration steps as SQLite's
// (store/schema.cpp, database::migrations()), translated, so the two schemas
// cannot drift apart — a step is written once, in SQLite's dialect, and the
// PostgreSQL suite checks that every table comes out with the same columns.
//
// The translation covers what the steps use: STRICT tables, INTEGER (64-bit
// in SQLite: BIGINT), `INTEGER PRIMARY KEY` row ids (an identity column),
// several statements per step. A step that uses anything else fails the
// PostgreSQL suite rather than a daemon.
//
// The version is kept in `prereadd_schema` (PostgreSQL has no user_version).
// Each step runs in its own transaction under an advisory lock, so daemons
// starting together migrate once and none sees a half-made schema.
#pragma once

#include "store/postgresql.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::store::postgresql {

// One SQLite migration step as PostgreSQL statements, one per element.
std::vector<std::string> translate_step(std::string_view sqlite_step);

// Brings the database to the current schema (and the lease tables);
// returns the schema version it is at.
boost::asio::awaitable<boost::system::result<int>> async_migrate(connection& c, std::chrono::milliseconds deadline);

}  // namespace prereadd::store::postgresql
