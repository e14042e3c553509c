// Leases between daemons (store/leases.hpp): the statements against a real
// PostgreSQL 15 server, two or three daemons' ids on one database.
#include "store/leases.hpp"
#include "tests/store/postgresql_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
namespace leases = store::leases;
namespace pg = store::postgresql;

class lease_statements_test : public test::postgresql_test {
protected:
    void SetUp() override
    {
        test::postgresql_test::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        ASSERT_FALSE(connect(c, server->uri())) << c.server_message();
        ASSERT_FALSE(test::run_awaitable(io, leases::async_create_tables(c, 10s))) << c.server_message();
        ASSERT_TRUE(query(c, "TRUNCATE project_leases, prereadd_daemons"));
    }

    std::vector<leases::lease> take(const std::string& me, const std::vector<std::string>& projects,
                                    std::chrono::seconds lease_for = 60s)
    {
        auto got = test::run_awaitable(io, leases::async_take(c, me, projects, lease_for, 10s));
        EXPECT_TRUE(got) << c.server_message();
        return got ? *got : std::vector<leases::lease>{};
    }
    static std::vector<std::string> names(const std::vector<leases::lease>& held)
    {
        std::vector<std::string> out;
        for (const auto& l : held) out.push_back(l.project);
        return out;
    }

    pg::connection c{io.get_executor()};
};

TEST_F(lease_statements_test, a_held_lease_is_not_taken_by_another_daemon_and_is_renewed_by_its_holder)
{
    EXPECT_EQ(names(take("node-a", {"alpha", "beta"})), (std::vector<std::string>{"alpha", "beta"}));
    EXPECT_EQ(names(take("node-b", {"alpha", "beta", "gamma"})), (std::vector<std::string>{"gamma"}));
    const auto renewed = take("node-a", {"alpha", "beta"});
    ASSERT_EQ(names(renewed), (std::vector<std::string>{"alpha", "beta"}));
    auto all = test::run_awaitable(io, leases::async_current(c, 10s));
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[0].holder, "node-a");
    EXPECT_EQ((*all)[2].holder, "node-b");
    EXPECT_GE((*all)[0].expires, (*all)[0].since + 60);
}

// A killed daemon renews nothing: once its lease is past, another takes it;
// the time it changed hands is the new holder's `since`.
TEST_F(lease_statements_test, an_expired_lease_is_taken_over_and_its_since_is_the_takeover)
{
    ASSERT_EQ(take("node-a", {"alpha"}).size(), 1u);
    ASSERT_TRUE(query(c, "UPDATE project_leases SET expires = expires - 3600, since = since - 3600"));
    const auto taken = take("node-b", {"alpha"});
    ASSERT_EQ(taken.size(), 1u);
    EXPECT_EQ(taken[0].holder, "node-b");
    auto now = query(c, "SELECT floor(extract(epoch FROM clock_timestamp()))::bigint");
    ASSERT_TRUE(now);
    EXPECT_NEAR(static_cast<double>(taken[0].since), std::stod(*now->values[0][0]), 2.0);
    EXPECT_TRUE(take("node-a", {"alpha"}).empty()) << "the old holder, back, does not get it again";
}

TEST_F(lease_statements_test, two_daemons_asking_at_once_never_both_hold_a_project)
{
    pg::connection other(io.get_executor());
    ASSERT_FALSE(connect(other, server->uri()));
    std::vector<std::string> projects;
    for (int i = 0; i < 200; ++i) projects.push_back("p" + std::to_string(i));
    boost::system::result<std::vector<leases::lease>> a = std::vector<leases::lease>{}, b = a;
    boost::asio::co_spawn(io, leases::async_take(c, "node-a", projects, 60s, 10s),
                          [&](std::exception_ptr, auto r) { a = std::move(r); });
    // The other asks in the opposite order: the rows are still locked in one order.
    const std::vector<std::string> reversed(projects.rbegin(), projects.rend());
    boost::asio::co_spawn(io, leases::async_take(other, "node-b", reversed, 60s, 10s),
                          [&](std::exception_ptr, auto r) { b = std::move(r); });
    io.restart();
    io.run_for(20s);
    ASSERT_TRUE(a) << c.server_message();
    ASSERT_TRUE(b) << other.server_message();
    EXPECT_EQ(a->size() + b->size(), projects.size()) << "each project went to exactly one";
    for (const auto& l : *a)
        EXPECT_TRUE(std::none_of(b->begin(), b->end(), [&](const auto& m) { return m.project == l.project; }))
            << l.project;
}

TEST_F(lease_statements_test, released_leases_are_free_at_once_and_sigterm_releases_everything)
{
    take("node-a", {"alpha", "beta", "gamma"});
    ASSERT_FALSE(test::run_awaitable(io, leases::async_release(c, "node-a", {"beta"}, false, 10s)));
    EXPECT_EQ(names(take("node-b", {"alpha", "beta"})), (std::vector<std::string>{"beta"}));
    ASSERT_TRUE(test::run_awaitable(io, leases::async_heartbeat(c, "node-a", "web1", 60s, 10s)));
    ASSERT_FALSE(test::run_awaitable(io, leases::async_release(c, "node-a", {}, true, 10s)));
    EXPECT_EQ(names(take("node-b", {"alpha", "gamma"})), (std::vector<std::string>{"alpha", "gamma"}));
    auto daemons = query(c, "SELECT id FROM prereadd_daemons");
    ASSERT_TRUE(daemons);
    EXPECT_TRUE(daemons->values.empty()) << "its heartbeat went with it";
}

TEST_F(lease_statements_test, the_heartbeat_counts_the_daemons_alive_on_the_database_clock)
{
    auto first = test::run_awaitable(io, leases::async_heartbeat(c, "node-a", "web1", 60s, 10s));
    ASSERT_TRUE(first) << c.server_message();
    EXPECT_EQ(first->live, 1u);
    auto second = test::run_awaitable(io, leases::async_heartbeat(c, "node-b", "web2", 60s, 10s));
    ASSERT_TRUE(second);
    EXPECT_EQ(second->live, 2u);
    ASSERT_TRUE(query(c, "UPDATE prereadd_daemons SET expires = expires - 3600 WHERE id = 'node-a'"));
    auto after = test::run_awaitable(io, leases::async_heartbeat(c, "node-b", "web2", 60s, 10s));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->live, 1u) << "node-a stopped beating";
    EXPECT_NEAR(static_cast<double>(after->now), static_cast<double>(first->now), 5.0);
}

TEST_F(lease_statements_test, project_names_with_quotes_commas_and_braces_are_one_element_each)
{
    const std::vector<std::string> odd{"a,b", "say \"hi\"", "{x}", "back\\slash", "NULL"};
    auto held = take("node-a", odd);
    auto got = names(held);
    auto want = odd;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace prereadd
