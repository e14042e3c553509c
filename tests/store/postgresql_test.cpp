// The asynchronous PostgreSQL connection against a real PostgreSQL 15 server
// of the test's own (tests/support/postgres_server.hpp): statements with
// parameters, errors as values, and a slow statement that leaves the
// io_context free.
#include "store/postgresql.hpp"
#include "tests/store/postgresql_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <memory>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
namespace pg = store::postgresql;
using test::postgresql_test;

TEST_F(postgresql_test, statements_with_parameters_and_their_rows)
{
    pg::connection c(io.get_executor());
    ASSERT_FALSE(connect(c, server->uri())) << c.server_message();
    ASSERT_TRUE(query(c, "CREATE TABLE IF NOT EXISTS reads (who TEXT, file BIGINT, note TEXT)"));
    ASSERT_TRUE(query(c, "TRUNCATE reads"));
    // A value that would break a statement spliced together is only a value.
    auto inserted = query(c, "INSERT INTO reads VALUES ($1, $2, $3), ($4, $5, NULL)",
                          {"bob'); DROP TABLE reads; --", "14", "agenda", "alice", "15"});
    ASSERT_TRUE(inserted) << c.server_message();
    EXPECT_EQ(inserted->affected, 2u);
    auto got = query(c, "SELECT who, file, note FROM reads ORDER BY file");
    ASSERT_TRUE(got) << c.server_message();
    EXPECT_EQ(got->columns, (std::vector<std::string>{"who", "file", "note"}));
    ASSERT_EQ(got->values.size(), 2u);
    EXPECT_EQ(got->values[0][0], "bob'); DROP TABLE reads; --");
    EXPECT_EQ(got->values[0][1], "14");
    EXPECT_EQ(got->values[1][2], std::nullopt);
}

TEST_F(postgresql_test, a_refused_statement_is_a_value_and_the_connection_goes_on)
{
    pg::connection c(io.get_executor());
    ASSERT_FALSE(connect(c, server->uri()));
    auto bad = query(c, "SELECT * FROM no_such_table");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), pg::error::query_failed);
    EXPECT_NE(c.server_message().find("no_such_table"), std::string::npos) << c.server_message();
    EXPECT_TRUE(c.open());
    auto one = query(c, "SELECT 1");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->values[0][0], "1");
}

TEST_F(postgresql_test, a_wrong_password_is_a_connect_error)
{
    pg::connection c(io.get_executor());
    EXPECT_EQ(connect(c, server->uri("wrong")), pg::error::connect_failed);
    EXPECT_NE(c.server_message().find("password authentication failed"), std::string::npos) << c.server_message();
    EXPECT_FALSE(c.open());
}

// The loop is free while the server works: a timer set for 50 ms fires while
// a statement of 600 ms runs.
TEST_F(postgresql_test, a_slow_statement_does_not_block_the_loop)
{
    pg::connection c(io.get_executor());
    ASSERT_FALSE(connect(c, server->uri()));
    bool fired_during = false;
    bool done = false;
    boost::asio::steady_timer tick(io, 50ms);
    tick.async_wait([&](boost::system::error_code) { fired_during = !done; });
    auto slept = query(c, "SELECT pg_sleep(0.6)");
    done = true;
    ASSERT_TRUE(slept) << c.server_message();
    EXPECT_TRUE(fired_during);
}

TEST_F(postgresql_test, a_deadline_that_passes_closes_the_connection)
{
    pg::connection c(io.get_executor());
    ASSERT_FALSE(connect(c, server->uri()));
    auto slow = test::run_awaitable(io, c.async_query("SELECT pg_sleep(5)", {}, 200ms));
    ASSERT_FALSE(slow);
    EXPECT_EQ(slow.error(), pg::error::timed_out);
    EXPECT_FALSE(c.open());
    EXPECT_EQ(query(c, "SELECT 1").error(), pg::error::connection_lost);
    ASSERT_FALSE(connect(c, server->uri())) << "connecting again";
    EXPECT_TRUE(query(c, "SELECT 1"));
}

TEST_F(postgresql_test, a_server_gone_is_connection_lost_then_refused)
{
    pg::connection c(io.get_executor());
    ASSERT_FALSE(connect(c, server->uri()));
    server->stop();
    auto gone = query(c, "SELECT 1");
    server->start();
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error(), pg::error::connection_lost);
    EXPECT_FALSE(c.open());
    ASSERT_FALSE(connect(c, server->uri())) << c.server_message();
    EXPECT_TRUE(query(c, "SELECT 1"));
}

// The poll cycle polls several projects at once on one connection: their
// statements take turns instead of failing ("another command is already in
// progress"), each answer going to its own asker.
TEST_F(postgresql_test, statements_asked_at_once_take_turns_and_each_gets_its_own_answer)
{
    pg::connection c(io.get_executor());
    ASSERT_FALSE(connect(c, server->uri()));
    constexpr int asked = 20;
    std::vector<std::optional<std::string>> answers(asked);
    int failures = 0;
    for (int i = 0; i < asked; ++i)
        boost::asio::co_spawn(
            io,
            [&c, &answers, &failures, i]() -> boost::asio::awaitable<void> {
                std::vector<std::optional<std::string>> params{std::to_string(i)};
                auto r = co_await c.async_query("SELECT pg_sleep(0.01), $1::integer * 2", std::move(params), 10s);
                if (!r) {
                    ++failures;
                    co_return;
                }
                answers[static_cast<std::size_t>(i)] = r->values.at(0).at(1);
            },
            boost::asio::detached);
    io.restart();
    io.run_for(30s);
    EXPECT_EQ(failures, 0) << c.server_message();
    for (int i = 0; i < asked; ++i) EXPECT_EQ(answers[static_cast<std::size_t>(i)], std::to_string(i * 2)) << i;
    EXPECT_TRUE(c.open());
}

}  // namespace
}  // namespace prereadd
