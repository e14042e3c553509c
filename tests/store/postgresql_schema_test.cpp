// The store's schema on a real PostgreSQL 15 (store/postgresql_schema.hpp):
// every SQLite migration step runs there, the tables come out with SQLite's
// columns, and daemons starting together migrate once.
#include "store/database.hpp"
#include "store/postgresql_schema.hpp"
#include "tests/store/postgresql_fixture.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
namespace pg = store::postgresql;

class postgresql_schema_test : public test::postgresql_test {
protected:
    boost::system::result<int> migrate(pg::connection& c)
    {
        return test::run_awaitable(io, pg::async_migrate(c, 30s), std::chrono::seconds(120));
    }
};

// table -> its columns in order, "name type-class not-null" (INTEGER and BIGINT both "integer").
using columns = std::map<std::string, std::vector<std::string>>;

columns sqlite_columns()
{
    store::database db(":memory:");
    columns out;
    sqlite3_stmt* tables = nullptr;
    sqlite3_prepare_v2(db.handle(), "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", -1, &tables,
                       nullptr);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        const std::string table = reinterpret_cast<const char*>(sqlite3_column_text(tables, 0));
        sqlite3_stmt* info = nullptr;
        sqlite3_prepare_v2(db.handle(), ("PRAGMA table_info(" + table + ")").c_str(), -1, &info, nullptr);
        while (sqlite3_step(info) == SQLITE_ROW) {
            const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(info, 1));
            const std::string type = reinterpret_cast<const char*>(sqlite3_column_text(info, 2));
            const bool not_null = sqlite3_column_int(info, 3) != 0 || sqlite3_column_int(info, 5) != 0;
            out[table].push_back(name + " " + (type == "INTEGER" ? "integer" : "text") + (not_null ? " not-null" : ""));
        }
        sqlite3_finalize(info);
    }
    sqlite3_finalize(tables);
    return out;
}

TEST_F(postgresql_schema_test, every_step_runs_and_the_tables_have_sqlites_columns)
{
    pg::connection c(io.get_executor());
    ASSERT_FALSE(connect(c, fresh_database("schema_"))) << c.server_message();
    auto version = migrate(c);
    ASSERT_TRUE(version) << c.server_message();
    EXPECT_EQ(*version, static_cast<int>(store::database::migrations().size()));

    auto rows = query(c,
                      "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, "
                      "  EXISTS (SELECT 1 FROM information_schema.key_column_usage k "
                      "          JOIN information_schema.table_constraints t USING (constraint_name, table_name) "
                      "          WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name "
                      "            AND k.column_name = c.column_name) "
                      "FROM information_schema.columns c WHERE c.table_schema = 'public' "
                      // Only several daemons need these: leases and every node's reads.
                      "  AND c.table_name NOT IN ('prereadd_schema', 'prereadd_daemons', 'project_leases',"
                      "                           'logged_reads', 'read_positions') "
                      "ORDER BY c.table_name, c.ordinal_position");
    ASSERT_TRUE(rows) << c.server_message();
    columns on_postgresql;
    for (const auto& r : rows->values) {
        const bool integer = *r[2] == "bigint" || *r[2] == "integer";
        // SQLite's table_info says a primary key column's NOT NULL only when written; both count here.
        const bool not_null = *r[3] == "NO" || *r[4] == "t";
        on_postgresql[*r[0]].push_back(*r[1] + (integer ? " integer" : " text") + (not_null ? " not-null" : ""));
    }
    ASSERT_GE(on_postgresql.size(), 12u) << "projects, documents, the outbox, calls...";
    EXPECT_EQ(on_postgresql, sqlite_columns());
}

TEST_F(postgresql_schema_test, migrating_again_changes_nothing)
{
    pg::connection c(io.get_executor());
    ASSERT_FALSE(connect(c, fresh_database("schema_")));
    ASSERT_TRUE(migrate(c)) << c.server_message();
    auto again = migrate(c);
    ASSERT_TRUE(again) << c.server_message();
    EXPECT_EQ(*again, static_cast<int>(store::database::migrations().size()));
    auto versions = query(c, "SELECT count(*) FROM prereadd_schema");
    ASSERT_TRUE(versions);
    EXPECT_EQ(versions->values[0][0], "1");
}

TEST_F(postgresql_schema_test, three_daemons_starting_together_migrate_once)
{
    const auto uri = fresh_database("schema_");
    std::vector<std::unique_ptr<pg::connection>> daemons;
    std::vector<boost::system::result<int>> results(3, boost::system::result<int>(0));
    for (int i = 0; i < 3; ++i) {
        daemons.push_back(std::make_unique<pg::connection>(io.get_executor()));
        ASSERT_FALSE(connect(*daemons.back(), uri));
    }
    for (int i = 0; i < 3; ++i)
        boost::asio::co_spawn(io, pg::async_migrate(*daemons[static_cast<std::size_t>(i)], 30s),
                              [&results, i](std::exception_ptr, boost::system::result<int> r) {
                                  results[static_cast<std::size_t>(i)] = std::move(r);
                              });
    io.restart();
    io.run_for(60s);
    for (std::size_t i = 0; i < 3; ++i) {
        ASSERT_TRUE(results[i]) << daemons[i]->server_message();
        EXPECT_EQ(*results[i], static_cast<int>(store::database::migrations().size()));
    }
    pg::connection c(io.get_executor());
    ASSERT_FALSE(connect(c, uri));
    auto versions = query(c, "SELECT version FROM prereadd_schema");
    ASSERT_TRUE(versions);
    ASSERT_EQ(versions->values.size(), 1u);
}

}  // namespace
}  // namespace prereadd
