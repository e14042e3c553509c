// The daemon's state through store::backend, on both backends: SQLite
// (store/sqlite_backend.hpp, over store::state) and a real PostgreSQL 15
// (store/postgresql_state.hpp). The same cases, the same answers; where the
// two differ by design (a failure thrown or returned) the test says which.
#include "store/backend.hpp"
#include "store/database.hpp"
#include "store/postgresql_schema.hpp"
#include "store/postgresql_state.hpp"
#include "store/sqlite_backend.hpp"
#include "tests/store/postgresql_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

namespace prereadd::store {
namespace {

using namespace std::chrono_literals;
namespace pg = store::postgresql;

class backend_test : public test::postgresql_test, public ::testing::WithParamInterface<std::string> {
protected:
    void SetUp() override
    {
        if (GetParam() == "sqlite") {
            sqlite = std::make_unique<database>(dir / "state.sqlite");
            st = std::make_unique<sqlite_backend>(*sqlite);
            return;
        }
        test::postgresql_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        const auto uri = fresh_database("state_");
        ASSERT_FALSE(HasFailure());
        ASSERT_FALSE(connect(c, uri)) << c.server_message();
        ASSERT_TRUE(test::run_awaitable(io, pg::async_migrate(c, 30s), 120s)) << c.server_message();
        st = std::make_unique<pg::state>(c, 10s);
    }
    bool postgresql() const { return GetParam() == "postgresql"; }
    // One member's answer, its failure a test failure.
    template <class T>
    T got(boost::asio::awaitable<boost::system::result<T>> a)
    {
        auto r = test::run_awaitable(io, std::move(a));
        if (!r) ADD_FAILURE() << r.error().message() << ": " << c.server_message();
        return r ? std::move(*r) : T{};
    }
    void ok(boost::asio::awaitable<boost::system::error_code> a)
    {
        auto ec = test::run_awaitable(io, std::move(a));
        EXPECT_FALSE(ec) << ec.message() << ": " << c.server_message();
    }
    // Whether the schema refuses a statement written around the store.
    bool refused(const std::string& sql)
    {
        if (postgresql()) return !query(c, sql);
        try {
            sqlite->execute(sql);
            return false;
        } catch (const std::runtime_error&) {
            return true;
        }
    }

    test::temp_dir dir;
    std::unique_ptr<database> sqlite;
    pg::connection c{io.get_executor()};
    std::unique_ptr<backend> st;
};

INSTANTIATE_TEST_SUITE_P(both, backend_test, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& which) { return which.param; });

TEST_P(backend_test, an_engagement_keeps_the_time_it_first_happened)
{
    ok(st->upsert_project("alpha", "/Projects/Alpha"));
    EXPECT_TRUE(got(st->record({"alpha", "bob", 14, engagement_kind::opened, 1000, "audit_log"})));
    EXPECT_FALSE(got(st->record({"alpha", "bob", 14, engagement_kind::opened, 2000, "audit_log"})));
    EXPECT_TRUE(got(st->record({"alpha", "bob", 14, engagement_kind::commented, 3000, "activity"})));
    auto all = got(st->engagements("alpha"));
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].kind, engagement_kind::commented);
    EXPECT_EQ(all[1].kind, engagement_kind::opened);
    EXPECT_EQ(all[1].first_at, 1000);
}

// Refused by the schema's foreign key on both; PostgreSQL says so as a value,
// SQLite throws (a statement the daemon's own code got wrong: state.hpp).
TEST_P(backend_test, an_engagement_for_an_unknown_project_is_refused)
{
    if (!postgresql()) {
        EXPECT_THROW(
            test::run_awaitable(io, st->record({"nowhere", "bob", 1, engagement_kind::opened, 1, "audit_log"})),
            std::runtime_error);
        return;
    }
    auto r = test::run_awaitable(io, st->record({"nowhere", "bob", 1, engagement_kind::opened, 1, "audit_log"}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), pg::error::query_failed);
    EXPECT_NE(c.server_message().find("foreign key"), std::string::npos) << c.server_message();
}

TEST_P(backend_test, a_cycle_is_written_whole_or_not_at_all)
{
    ok(st->upsert_project("alpha", "/Projects/Alpha"));
    ok(st->begin());
    got(st->record({"alpha", "bob", 14, engagement_kind::opened, 1000, "audit_log"}));
    ok(st->set_cursor("audit_log", "12:345"));
    ok(st->rollback());
    EXPECT_TRUE(got(st->engagements("alpha")).empty());
    EXPECT_FALSE(got(st->cursor("audit_log")));
    ok(st->begin());
    got(st->record({"alpha", "bob", 14, engagement_kind::opened, 1000, "audit_log"}));
    ok(st->set_cursor("audit_log", "12:345"));
    ok(st->commit());
    EXPECT_EQ(got(st->engagements("alpha")).size(), 1u);
    EXPECT_EQ(got(st->cursor("audit_log")), "12:345");
}

TEST_P(backend_test, a_participant_who_leaves_and_comes_back_is_current_again)
{
    ok(st->upsert_project("alpha", "/Projects/Alpha"));
    ok(st->upsert_participant("alpha", {"bob", participant_source::group}, 1000));
    ok(st->upsert_participant("alpha", {"carol", participant_source::config}, 1000));
    ok(st->mark_participant_removed("alpha", "bob", 2000));
    auto now = got(st->participants("alpha"));
    ASSERT_EQ(now.size(), 1u);
    EXPECT_EQ(now[0].user_id, "carol");
    ok(st->upsert_participant("alpha", {"bob", participant_source::talk}, 3000));
    now = got(st->participants("alpha"));
    ASSERT_EQ(now.size(), 2u);
    EXPECT_EQ(now[0].source, participant_source::talk);
}

TEST_P(backend_test, an_unmapped_read_is_kept_once)
{
    ok(st->record_unmapped_read("alpha", {"bob", "/Alpha/notes.md", 1000, "fits 2 pre-reads"}));
    ok(st->record_unmapped_read("alpha", {"bob", "/Alpha/notes.md", 1000, "fits 2 pre-reads"}));
    ok(st->record_unmapped_read("alpha", {"bob", "/Alpha/notes.md", 1500, "fits 2 pre-reads"}));
    ok(st->record_unmapped_read("beta", {"bob", "/Alpha/notes.md", 1000, "fits 2 pre-reads"}));
    auto alpha = got(st->unmapped_reads("alpha"));
    ASSERT_EQ(alpha.size(), 2u);
    EXPECT_EQ(alpha[0].at, 1000);
    EXPECT_EQ(alpha[1].at, 1500);
    EXPECT_EQ(got(st->unmapped_reads("beta")).size(), 1u);
}

TEST_P(backend_test, an_outbox_intent_is_written_once_and_confirmed_later)
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
    EXPECT_TRUE(got(st->add_outbox(r)));
    EXPECT_FALSE(got(st->add_outbox(r))) << "the same message is never queued twice";
    ASSERT_EQ(got(st->unconfirmed("alpha")).size(), 1u);
    EXPECT_EQ(got(st->handled_items("alpha")), std::set<std::string>{r.item});
    ok(st->finish_outbox(r.reference_id, outbox_state::sent, 1005, 42));
    EXPECT_TRUE(got(st->unconfirmed("alpha")).empty());
    auto row = got(st->outbox_entry(r.reference_id));
    ASSERT_TRUE(row);
    EXPECT_EQ(row->state, outbox_state::sent);
    EXPECT_EQ(row->remote_id, 42);
    EXPECT_EQ(row->done_at, 1005);
    EXPECT_EQ(row->session_start, 1796630400);
    EXPECT_EQ(row->deadline, std::nullopt);
    EXPECT_TRUE(refused("UPDATE outbox SET state = 'lost'")) << "the schema's CHECK";
    r.reference_id = std::string(64, 'b');
    EXPECT_TRUE(got(st->add_outbox(r)));
    ok(st->withdraw_intent(r.reference_id));
    EXPECT_FALSE(got(st->outbox_entry(r.reference_id))) << "an intent withdrawn is composed again";
}

TEST_P(backend_test, a_problem_is_new_once_until_resolved)
{
    ok(st->upsert_project("alpha", "/Projects/Alpha"));
    const problem_row p{"carol", 14, "no_share", "agenda.md is not shared with carol", 1000};
    EXPECT_TRUE(got(st->record_problem("alpha", p)));
    EXPECT_FALSE(got(st->record_problem("alpha", p))) << "told once";
    ASSERT_EQ(got(st->open_problems("alpha")).size(), 1u);
    ok(st->resolve_problem("alpha", p, 2000));
    EXPECT_TRUE(got(st->open_problems("alpha")).empty());
    EXPECT_TRUE(got(st->record_problem("alpha", p))) << "back again: told again";
}

TEST_P(backend_test, documents_projects_deck_cards_and_calls_round_trip)
{
    ok(st->upsert_project("alpha", "/Projects/Alpha"));
    ok(st->set_project_error("alpha", "PROPFIND: 503", 1000));
    ok(st->set_project_error("alpha", "PROPFIND: 503 again", 1100));
    ok(st->set_folder_etag("alpha", "6929b2e9c5a1f"));
    auto project = got(st->project("alpha"));
    ASSERT_TRUE(project);
    EXPECT_EQ(project->failing_since, 1000) << "the first failure of the run is kept";
    EXPECT_EQ(project->last_error, "PROPFIND: 503 again");
    EXPECT_EQ(project->folder_etag, "6929b2e9c5a1f");
    EXPECT_FALSE(got(st->project("nowhere")));

    ok(st->upsert_document("alpha", {14, "b.md", "e1", 1000, {"pre-read", "session-2"}}));
    ok(st->upsert_document("alpha", {15, "B.md", "e2", 1000}));
    ok(st->upsert_document("alpha", {16, "a.md", "e3", 1000}));
    ok(st->mark_document_removed("alpha", 16, 1200));
    auto docs = got(st->documents("alpha"));
    ASSERT_EQ(docs.size(), 2u);
    EXPECT_EQ(docs[0].path, "B.md") << "byte order, as SQLite's";
    EXPECT_EQ(docs[1].tags, (std::vector<std::string>{"pre-read", "session-2"}));

    deck_card_row card{"alpha",          "2026-12-07T09:00",    1796630400, std::nullopt, "marker",
                       {"bob", "carol"}, deck_card_state::open, 1000};
    ok(st->save_deck_card(card));
    card.card_id = 77;
    card.state = deck_card_state::done;
    ok(st->save_deck_card(card));
    auto saved = got(st->deck_card("alpha", "2026-12-07T09:00"));
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->card_id, 77);
    EXPECT_EQ(saved->state, deck_card_state::done);
    EXPECT_EQ(saved->assigned, (std::vector<std::string>{"bob", "carol"}));

    call_row call{"alpha", 501, 1796630400, std::nullopt, "2026-12-07T09:00", 1796630400, 1796634000, "Kick-off", {}};
    call.attendees["bob"] = {1796630400, 1796630400, std::nullopt};
    ok(st->save_call(call));
    auto running = got(st->running_call("alpha"));
    ASSERT_TRUE(running);
    EXPECT_EQ(*running, call);
    call.ended_at = 1796634000;
    call.attendees["bob"].last_left = 1796634000;
    call.attendees["carol"] = {1796630500, 1796630500, 1796633000};
    ok(st->save_call(call));
    EXPECT_FALSE(got(st->running_call("alpha")));
    auto calls = got(st->calls("alpha"));
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0], call);
}

using postgresql_state_test = backend_test;
INSTANTIATE_TEST_SUITE_P(postgresql, postgresql_state_test, ::testing::Values("postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& which) { return which.param; });

TEST_P(postgresql_state_test, a_server_gone_is_a_value_not_an_exception)
{
    server->stop();
    auto r = test::run_awaitable(io, st->cursor("activity"));
    server->start();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), pg::error::connection_lost);
}

}  // namespace
}  // namespace prereadd::store
