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

class state_test : public ::testing::Test {
protected:
    test::temp_dir dir;
    database db{dir / "state.sqlite"};
    state st{db};
};

TEST_F(state_test, an_engagement_keeps_the_time_it_first_happened)
{
    st.upsert_project("alpha", "/Projects/Alpha");
    EXPECT_TRUE(st.record({"alpha", "bob", 14, engagement_kind::opened, 1000, "audit_log"}));
    EXPECT_FALSE(st.record({"alpha", "bob", 14, engagement_kind::opened, 2000, "audit_log"}));
    EXPECT_TRUE(st.record({"alpha", "bob", 14, engagement_kind::commented, 3000, "activity"}));
    auto all = st.engagements("alpha");
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].kind, engagement_kind::commented);
    EXPECT_EQ(all[1].kind, engagement_kind::opened);
    EXPECT_EQ(all[1].first_at, 1000);
}

TEST_F(state_test, engagements_need_a_known_project)
{
    EXPECT_THROW(st.record({"nowhere", "bob", 1, engagement_kind::opened, 1, "audit_log"}), std::runtime_error);
}

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

TEST_F(state_test, a_participant_who_leaves_and_comes_back_is_current_again)
{
    st.upsert_project("alpha", "/Projects/Alpha");
    st.upsert_participant("alpha", {"bob", store::participant_source::group}, 1000);
    st.upsert_participant("alpha", {"carol", store::participant_source::config}, 1000);
    st.mark_participant_removed("alpha", "bob", 2000);
    auto now = st.participants("alpha");
    ASSERT_EQ(now.size(), 1u);
    EXPECT_EQ(now[0].user_id, "carol");
    st.upsert_participant("alpha", {"bob", store::participant_source::talk}, 3000);
    now = st.participants("alpha");
    ASSERT_EQ(now.size(), 2u);
    EXPECT_EQ(now[0].source, store::participant_source::talk);
}

TEST_F(state_test, an_unmapped_read_is_kept_once)
{
    st.record_unmapped_read("alpha", {"bob", "/Alpha/notes.md", 1000, "fits 2 pre-reads"});
    st.record_unmapped_read("alpha", {"bob", "/Alpha/notes.md", 1000, "fits 2 pre-reads"});
    st.record_unmapped_read("alpha", {"bob", "/Alpha/notes.md", 1500, "fits 2 pre-reads"});
    st.record_unmapped_read("beta", {"bob", "/Alpha/notes.md", 1000, "fits 2 pre-reads"});
    auto alpha = st.unmapped_reads("alpha");
    ASSERT_EQ(alpha.size(), 2u);
    EXPECT_EQ(alpha[0].at, 1000);
    EXPECT_EQ(alpha[1].at, 1500);
    EXPECT_EQ(st.unmapped_reads("beta").size(), 1u);
}

TEST_F(state_test, an_outbox_intent_is_written_once_and_confirmed_later)
{
    outbox_row r;
    r.reference_id = std::string(64, 'a');
    r.project = "alpha";
    r.item = "2026-12-07T09:00@1796630400/reminder/P3D";
    r.channel = "talk:4csmt372";
    r.body = "Still to read";
    r.session_key = "2026-12-07T09:00";
    r.session_start = 1796630400;
    r.created_at = 1000;
    EXPECT_TRUE(st.add_outbox(r));
    EXPECT_FALSE(st.add_outbox(r)) << "the same message is never queued twice";
    ASSERT_EQ(st.unconfirmed("alpha").size(), 1u);
    EXPECT_EQ(st.handled_items("alpha"), std::set<std::string>{r.item});
    st.finish_outbox(r.reference_id, outbox_state::sent, 1005, 42);
    EXPECT_TRUE(st.unconfirmed("alpha").empty());
    auto row = st.outbox_entry(r.reference_id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->state, outbox_state::sent);
    EXPECT_EQ(row->remote_id, 42);
    EXPECT_EQ(row->done_at, 1005);
    EXPECT_EQ(row->session_start, 1796630400);
    EXPECT_THROW(db.execute("UPDATE outbox SET state = 'lost'"), std::runtime_error);
}

TEST_F(state_test, unknown_engagement_kinds_are_refused_by_the_schema)
{
    st.upsert_project("alpha", "/Projects/Alpha");
    EXPECT_THROW(db.execute("INSERT INTO engagements VALUES ('alpha','bob',1,'liked',1,'x')"), std::runtime_error);
}

}  // namespace
}  // namespace prereadd::store
