// The PostgreSQL suites' fixture: one real PostgreSQL 15 server per suite
// (tests/support/postgres_server.hpp), started before its first test and
// stopped after its last; a test skips, saying why, only where the server's
// programs are not installed (never in CI: scripts/setup installs them).
#pragma once

#include "store/postgresql.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/run.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace prereadd::test {

using namespace std::chrono_literals;
namespace pg = store::postgresql;

class postgresql_test : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        if (!postgres_server::binaries()) return;
        try {
            server = std::make_unique<postgres_server>();
        } catch (const std::exception& e) {
            start_failure = e.what();
        }
    }
    static void TearDownTestSuite() { server.reset(); }
    void SetUp() override
    {
        ASSERT_TRUE(start_failure.empty()) << start_failure;
        if (!server) GTEST_SKIP() << "PostgreSQL 15 is not installed here: scripts/setup installs postgresql-15";
    }

    boost::system::error_code connect(pg::connection& c, const std::string& uri)
    {
        return run_awaitable(io, c.async_connect(uri, 10s));
    }
    // An empty database of the server's for the running test, named after it
    // (made again when a run before left it); its URI.
    std::string fresh_database(const std::string& prefix)
    {
        pg::connection admin(io.get_executor());
        EXPECT_FALSE(connect(admin, server->uri())) << admin.server_message();
        std::string name = prefix + ::testing::UnitTest::GetInstance()->current_test_info()->name();
        for (auto& ch : name)
            if (ch == '/') ch = '_';  // a parameterised test's name
        EXPECT_TRUE(query(admin, "DROP DATABASE IF EXISTS \"" + name + "\""));
        EXPECT_TRUE(query(admin, "CREATE DATABASE \"" + name + "\"")) << admin.server_message();
        return server->database_uri(name);
    }
    boost::system::result<pg::rows> query(pg::connection& c, std::string sql,
                                          std::vector<std::optional<std::string>> params = {})
    {
        return run_awaitable(io, c.async_query(std::move(sql), std::move(params), 10s));
    }

    static inline std::unique_ptr<postgres_server> server;
    static inline std::string start_failure;
    boost::asio::io_context io;
};

}  // namespace prereadd::test
