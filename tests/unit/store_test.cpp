// The database opens durable (WAL, synchronous=FULL) and migrated, and refuses
// a schema newer than the code.
#include "store/database.hpp"
#include "store/state.hpp"
#include "tests/support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

namespace prereadd::store {
namespace {

namespace fs = std::filesystem;

class store_test : public ::testing::Test {
protected:
    test::temp_dir dir;
};

TEST_F(store_test, opens_durable_and_migrated)
{
    database db(dir / "state.sqlite");
    EXPECT_EQ(db.pragma("journal_mode"), "wal");
    EXPECT_EQ(db.pragma("synchronous"), "2");  // FULL
    EXPECT_EQ(db.schema_version(), static_cast<int>(database::migrations().size()));
}

TEST_F(store_test, a_statement_is_prepared_once_and_lent_again)
{
    database db(dir / "state.sqlite");
    const char* sql = "SELECT value FROM cursors WHERE name = ?1";
    auto first = db.acquire(sql);
    ASSERT_NE(first.in_use, nullptr);
    database::release(first);
    auto again = db.acquire(sql);
    EXPECT_EQ(again.stmt, first.stmt);
    database::release(again);
}

TEST_F(store_test, the_same_sql_in_use_twice_gets_a_statement_of_its_own)
{
    database db(dir / "state.sqlite");
    const char* sql = "SELECT name FROM cursors";
    auto outer = db.acquire(sql);
    auto inner = db.acquire(sql);
    EXPECT_NE(inner.stmt, outer.stmt);
    EXPECT_EQ(inner.in_use, nullptr);  // finalized on release, not cached
    database::release(inner);
    database::release(outer);
    auto later = db.acquire(sql);
    EXPECT_EQ(later.stmt, outer.stmt);
    database::release(later);
}

TEST_F(store_test, a_statement_given_back_mid_read_is_reset_and_unbound)
{
    database db(dir / "state.sqlite");
    db.execute("INSERT INTO cursors(name, value) VALUES ('a', '1'), ('b', '2')");
    auto lent = db.acquire("SELECT value FROM cursors WHERE name >= ?1");
    sqlite3_bind_text(lent.stmt, 1, "a", -1, SQLITE_STATIC);
    ASSERT_EQ(sqlite3_step(lent.stmt), SQLITE_ROW);
    EXPECT_NE(sqlite3_stmt_busy(lent.stmt), 0);
    database::release(lent);
    EXPECT_EQ(sqlite3_stmt_busy(lent.stmt), 0);       // no read transaction left open
    EXPECT_EQ(sqlite3_step(lent.stmt), SQLITE_DONE);  // ?1 is NULL again: nothing matches
    sqlite3_reset(lent.stmt);
}

TEST_F(store_test, bad_sql_is_a_programming_error)
{
    database db(dir / "state.sqlite");
    EXPECT_THROW(db.acquire("SELEC nothing"), std::logic_error);
}

TEST_F(store_test, reopening_keeps_data_and_version)
{
    {
        database db(dir / "state.sqlite");
        db.execute("INSERT INTO meta(key, value) VALUES ('k', 'v')");
    }
    database again(dir / "state.sqlite");
    EXPECT_EQ(again.schema_version(), static_cast<int>(database::migrations().size()));
    EXPECT_NO_THROW(again.execute("SELECT value FROM meta WHERE key = 'k'"));
}

TEST_F(store_test, newer_schema_is_refused)
{
    {
        database db(dir / "state.sqlite");
        db.execute("PRAGMA user_version=999");
    }
    EXPECT_THROW(database(dir / "state.sqlite"), std::runtime_error);
}

TEST_F(store_test, a_scratch_copy_starts_from_the_file_and_never_writes_it)
{
    {
        database db(dir / "state.sqlite");
        state(db).set_cursor("activity", "33");
    }
    {
        database scratch(dir / "state.sqlite", database::mode::scratch_copy);
        state st(scratch);
        EXPECT_EQ(st.cursor("activity"), "33") << "the copy starts from the file";
        st.set_cursor("activity", "99");
        st.set_cursor("audit_log", "1:2");
        EXPECT_EQ(st.cursor("activity"), "99");
    }
    database again(dir / "state.sqlite");
    EXPECT_EQ(state(again).cursor("activity"), "33");
    EXPECT_FALSE(state(again).cursor("audit_log"));
    database none(dir / "absent.sqlite", database::mode::scratch_copy);
    EXPECT_FALSE(state(none).cursor("activity"));
    EXPECT_FALSE(fs::exists(dir / "absent.sqlite"));
}

TEST_F(store_test, unopenable_file_names_the_file)
{
    try {
        database db(dir / "missing-dir" / "state.sqlite");
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("missing-dir"));
    }
}

}  // namespace
}  // namespace prereadd::store

namespace prereadd::store {
namespace {

// What only SQLite has: reopening the file, the transaction class the
// reminder pass uses, the schema refusing a hand-written row. The state's
// other cases run over both backends in tests/store/backend_test.cpp.
class state_test : public ::testing::Test {
protected:
    test::temp_dir dir;
    database db{dir / "state.sqlite"};
    state st{db};
};

TEST_F(state_test, cursors_round_trip_and_survive_reopening)
{
    EXPECT_FALSE(st.cursor("activity"));
    st.set_cursor("activity", "33");
    st.set_cursor("activity", "37");
    database again(dir / "state.sqlite");
    EXPECT_EQ(state(again).cursor("activity"), "37");
}

TEST_F(state_test, a_cycle_is_written_whole_or_not_at_all)
{
    st.upsert_project("alpha", "/Projects/Alpha");
    try {
        transaction tx(db);
        st.record({"alpha", "bob", 14, engagement_kind::opened, 1000, "audit_log"});
        st.set_cursor("audit_log", "12:345");
        throw std::runtime_error("the cycle failed half-way");
    } catch (const std::runtime_error&) {
    }
    EXPECT_TRUE(st.engagements("alpha").empty());
    EXPECT_FALSE(st.cursor("audit_log"));
    {
        transaction tx(db);
        st.record({"alpha", "bob", 14, engagement_kind::opened, 1000, "audit_log"});
        st.set_cursor("audit_log", "12:345");
        tx.commit();
    }
    EXPECT_EQ(st.engagements("alpha").size(), 1u);
    EXPECT_EQ(st.cursor("audit_log"), "12:345");
}

TEST_F(state_test, unknown_engagement_kinds_are_refused_by_the_schema)
{
    st.upsert_project("alpha", "/Projects/Alpha");
    EXPECT_THROW(db.execute("INSERT INTO engagements VALUES ('alpha','bob',1,'liked',1,'x')"), std::runtime_error);
}

}  // namespace
}  // namespace prereadd::store
