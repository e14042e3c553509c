// Which projects a daemon asks to lease (store/leases.hpp, plan_leases) and
// when it may post (lease_keeper): pure logic, no database.
#include "store/leases.hpp"

#include <gtest/gtest.h>

#include <set>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
namespace leases = store::leases;

std::vector<std::string> projects(int n)
{
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back("p" + std::to_string(10 + i));
    return out;
}

constexpr std::int64_t now = 1'800'000'000;

TEST(lease_plan, the_only_daemon_takes_every_project)
{
    const auto plan = leases::plan_leases({}, projects(30), "a", 1, now);
    EXPECT_EQ(plan.take.size(), 30u);
    EXPECT_TRUE(plan.keep.empty());
    EXPECT_TRUE(plan.release.empty());
}

TEST(lease_plan, a_second_daemon_takes_nothing_held_and_the_first_gives_back_down_to_its_share)
{
    std::vector<leases::lease> current;
    for (const auto& p : projects(30)) current.push_back({p, "a", now - 100, now + 60});
    const auto b = leases::plan_leases(current, projects(30), "b", 2, now);
    EXPECT_TRUE(b.take.empty()) << "every project is held";
    const auto a = leases::plan_leases(current, projects(30), "a", 2, now);
    EXPECT_EQ(a.keep.size(), 15u);
    EXPECT_EQ(a.release.size(), 15u);
    // Once a has given them back, b takes its share of the free ones.
    std::vector<leases::lease> after;
    for (const auto& p : a.keep) after.push_back({p, "a", now - 100, now + 60});
    const auto b_again = leases::plan_leases(after, projects(30), "b", 2, now);
    ASSERT_EQ(b_again.take.size(), 15u);
    for (const auto& p : b_again.take) EXPECT_TRUE(std::find(a.keep.begin(), a.keep.end(), p) == a.keep.end()) << p;
}

TEST(lease_plan, what_goes_back_is_what_was_taken_last)
{
    const std::vector<leases::lease> current{{"p10", "a", now - 500, now + 60},
                                             {"p11", "a", now - 10, now + 60},
                                             {"p12", "a", now - 900, now + 60},
                                             {"p13", "a", now - 300, now + 60}};
    const auto plan = leases::plan_leases(current, {"p10", "p11", "p12", "p13"}, "a", 2, now);
    EXPECT_EQ(plan.keep, (std::vector<std::string>{"p12", "p10"}));
    EXPECT_EQ(plan.release, (std::vector<std::string>{"p13", "p11"}));
}

TEST(lease_plan, an_expired_lease_is_free_whoever_held_it)
{
    const std::vector<leases::lease> current{{"p10", "killed", now - 500, now - 1}, {"p11", "b", now - 500, now + 5}};
    const auto plan = leases::plan_leases(current, {"p10", "p11"}, "a", 2, now);
    EXPECT_EQ(plan.take, (std::vector<std::string>{"p10"}));
}

TEST(lease_plan, a_project_no_longer_configured_is_given_back)
{
    const std::vector<leases::lease> current{{"gone", "a", now - 500, now + 60}, {"p10", "a", now - 500, now + 60}};
    const auto plan = leases::plan_leases(current, {"p10"}, "a", 1, now);
    EXPECT_EQ(plan.keep, (std::vector<std::string>{"p10"}));
    EXPECT_EQ(plan.release, (std::vector<std::string>{"gone"}));
}

// Three daemons starting at once over free projects mostly ask for different
// ones: each starts at a place of its own in the list.
TEST(lease_plan, daemons_starting_together_ask_from_different_places)
{
    const auto all = projects(30);
    std::set<std::string> firsts;
    for (const std::string me : {"web1:4711:9f2c", "web2:4711:13ab", "web3:812:77e0"})
        firsts.insert(leases::plan_leases({}, all, me, 3, now).take.front());
    EXPECT_GE(firsts.size(), 2u);
    for (const auto& me : {"web1:4711:9f2c", "web2:4711:13ab"})
        EXPECT_EQ(leases::plan_leases({}, all, me, 3, now).take.size(), 10u);
}

TEST(lease_keeper, posting_stops_when_the_last_renewal_could_have_expired_counted_from_when_it_was_sent)
{
    leases::lease_keeper keeper(60s, 10s);
    const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
    EXPECT_FALSE(keeper.may_post(t0)) << "nothing renewed yet";
    keeper.renewed({{"p10", "a", now, now + 60}}, t0);
    EXPECT_TRUE(keeper.holds("p10"));
    EXPECT_FALSE(keeper.holds("p11"));
    EXPECT_TRUE(keeper.may_post(t0 + 49s));
    EXPECT_FALSE(keeper.may_post(t0 + 50s)) << "60 s lease, 10 s margin: the database could give it away soon";
    keeper.renewed({{"p10", "a", now, now + 90}}, t0 + 30s);
    EXPECT_TRUE(keeper.may_post(t0 + 79s));
    EXPECT_FALSE(keeper.may_post(t0 + 80s));
}

}  // namespace
}  // namespace prereadd
