// The poll cycle against the simulator: documents, participants, opens from
// the audit log, comments from the activity stream, access problems, the
// cost of an unchanged folder, and a restart in between.
#include "daemon/poll_cycle.hpp"
#include "daemon/status_report.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/support/run.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace prereadd {
namespace {

class poll_cycle_test : public ::testing::Test {
protected:
    poll_cycle_test() : sim(sim_options()), db(dir / "prereadd.sqlite")
    {
        sim.control(nlohmann::json::parse(R"([
          {"op":"user","id":"preread","password":"pw","app_password":"app-pw"},
          {"op":"user","id":"alice","password":"pw"},
          {"op":"user","id":"bob","password":"pw"},
          {"op":"user","id":"carol","password":"pw"},
          {"op":"group","id":"team-alpha","members":["alice","bob"]},
          {"op":"mkdir","user":"preread","path":"/Projects"},
          {"op":"mkdir","user":"preread","path":"/Projects/Alpha"},
          {"op":"put","user":"preread","path":"/Projects/Alpha/agenda.md","content":"# Agenda","mime":"text/markdown"},
          {"op":"put","user":"preread","path":"/Projects/Alpha/budget.ods","content":"ods","mime":"application/vnd.oasis.opendocument.spreadsheet"},
          {"op":"put","user":"preread","path":"/Projects/Alpha/slides.pdf","content":"%PDF","mime":"application/pdf"},
          {"op":"share","user":"preread","path":"/Projects/Alpha","type":"group","with":"team-alpha"}
        ])"));
        sim.with_world([](sim::world& w) { w.add_subadmin("preread", "team-alpha"); });

        config.global.nextcloud.base = *http::parse_url(sim.base_url());
        config.global.nextcloud.base.target.clear();
        config.global.nextcloud.user = "preread";
        daemon::project_config p;
        p.id = "alpha";
        p.folder = "/Projects/Alpha";
        p.participants.users = {"carol"};
        p.participants.groups = {"team-alpha"};
        config.projects.push_back(p);
    }

    sim::options sim_options()
    {
        sim::options o;
        o.audit_log = dir / "audit.log";
        return o;
    }

    daemon::cycle_report cycle(daemon::cycle_context& ctx) { return test::run_awaitable(io, daemon::async_poll_cycle(ctx)); }

    nlohmann::json status()
    {
        store::state st(db);
        return daemon::render_status_json({daemon::load_project_status(st, "alpha", "/Projects/Alpha")})["projects"][0];
    }

    test::temp_dir dir;
    sim::nextcloud sim;
    store::database db;
    boost::asio::io_context io;
    static http::client_config quick_retries()
    {
        http::client_config c;
        c.retry.base_delay = std::chrono::milliseconds(1);
        return c;
    }
    http::client client{io.get_executor(), quick_retries(), {"preread", http::secret("app-pw")}};
    daemon::configuration config;
    std::int64_t clock = 1795610700;
};

TEST_F(poll_cycle_test, who_opened_commented_and_cannot_read_after_one_cycle)
{
    daemon::audit_follower audit(dir / "audit.log");
    daemon::cycle_context ctx{client, config, db, &audit, [&] { return clock; }};
    auto first = cycle(ctx);
    EXPECT_TRUE(first.errors.empty()) << first.errors.front();
    EXPECT_EQ(first.new_problems.size(), 3u);  // carol cannot open any of the three

    sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}});
    sim.control({{"op", "preview"}, {"user", "alice"}, {"path", "/Alpha/slides.pdf"}});
    sim.control({{"op", "comment"}, {"user", "alice"}, {"path", "/Alpha/budget.ods"}, {"message", "Numbers look fine"}});
    auto second = cycle(ctx);
    EXPECT_TRUE(second.errors.empty()) << second.errors.front();
    EXPECT_TRUE(second.new_problems.empty()) << "problems are reported once";

    auto s = status();
    ASSERT_EQ(s["documents"].size(), 3u);
    EXPECT_EQ(s["participants"].size(), 3u);
    const auto& agenda = s["documents"][0];
    EXPECT_EQ(agenda["path"], "agenda.md");
    EXPECT_TRUE(agenda["engagements"]["bob"].contains("opened")) << s.dump(2);
    EXPECT_FALSE(agenda["engagements"].contains("alice"));
    EXPECT_TRUE(s["documents"][1]["engagements"]["alice"].contains("commented")) << s.dump(2);
    EXPECT_TRUE(s["documents"][2]["engagements"].empty()) << "a preview is not an open: " << s.dump(2);
    EXPECT_EQ(s["access_problems"].size(), 3u);
    EXPECT_EQ(s["access_problems"][0]["user"], "carol");
}

TEST_F(poll_cycle_test, an_unchanged_folder_costs_one_request_plus_the_activity_request)
{
    daemon::cycle_context ctx{client, config, db, nullptr, [&] { return clock; }};
    cycle(ctx);
    cycle(ctx);
    const auto before = sim.requests_served();
    auto report = cycle(ctx);
    EXPECT_TRUE(report.errors.empty());
    EXPECT_EQ(sim.requests_served() - before, 2u);  // PROPFIND Depth 0 + activity (304)
}

TEST_F(poll_cycle_test, renamed_and_deleted_pre_reads_follow_the_folder)
{
    daemon::cycle_context ctx{client, config, db, nullptr, [&] { return clock; }};
    cycle(ctx);
    sim.with_world([](sim::world& w) {
        auto* n = w.resolve("preread", "/Projects/Alpha/slides.pdf");
        n->name = "slides-v2.pdf";
        w.touch(*n);
        auto* gone = w.resolve("preread", "/Projects/Alpha/budget.ods");
        auto* folder = w.find_node(gone->parent);
        folder->children.erase(std::find(folder->children.begin(), folder->children.end(), gone->id));
        w.touch(*folder);
    });
    cycle(ctx);
    auto s = status();
    ASSERT_EQ(s["documents"].size(), 2u);
    EXPECT_EQ(s["documents"][0]["path"], "agenda.md");
    EXPECT_EQ(s["documents"][1]["path"], "slides-v2.pdf");
}

TEST_F(poll_cycle_test, a_restart_loses_nothing_and_counts_nothing_twice)
{
    {
        daemon::audit_follower audit(dir / "audit.log");
        daemon::cycle_context ctx{client, config, db, &audit, [&] { return clock; }};
        cycle(ctx);
        sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}});
        EXPECT_EQ(cycle(ctx).engagements_recorded, 1u);
    }
    sim.control({{"op", "sync"}, {"user", "alice"}, {"path", "/Alpha/budget.ods"}});
    // A new process: the audit position comes back from the database.
    store::state st(db);
    auto saved = st.cursor("audit_log");
    ASSERT_TRUE(saved);
    auto colon = saved->find(':');
    daemon::log_position position{std::stoull(saved->substr(0, colon)), std::stoull(saved->substr(colon + 1))};
    daemon::audit_follower audit(dir / "audit.log", position);
    daemon::cycle_context ctx{client, config, db, &audit, [&] { return clock; }};
    auto report = cycle(ctx);
    EXPECT_EQ(report.engagements_recorded, 1u) << "only alice's sync is new";
    auto s = status();
    EXPECT_TRUE(s["documents"][1]["engagements"]["alice"].contains("synced")) << s.dump(2);
}

TEST_F(poll_cycle_test, a_read_during_an_outage_is_counted_after_recovery)
{
    daemon::audit_follower audit(dir / "audit.log");
    daemon::cycle_context ctx{client, config, db, &audit, [&] { return clock; }};
    cycle(ctx);
    sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}});
    sim.set_maintenance(true);
    auto down = cycle(ctx);
    EXPECT_FALSE(down.errors.empty());
    EXPECT_EQ(down.engagements_recorded, 0u);
    sim.set_maintenance(false);
    auto up = cycle(ctx);
    EXPECT_TRUE(up.errors.empty()) << up.errors.front();
    EXPECT_EQ(up.engagements_recorded, 1u) << "bob's open, read during the outage, is not lost";
}

TEST_F(poll_cycle_test, a_group_that_cannot_be_expanded_is_a_reported_problem)
{
    config.projects[0].participants.groups = {"team-beta"};
    sim.control({{"op", "group"}, {"id", "team-beta"}, {"members", {"carol"}}});
    daemon::cycle_context ctx{client, config, db, nullptr, [&] { return clock; }};
    auto report = cycle(ctx);
    bool reported = false;
    for (const auto& [project, problem] : report.new_problems)
        reported = reported || problem.detail.find("team-beta") != std::string::npos;
    EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace prereadd
