// Audit logs where clusters put them, against the simulator: two web nodes'
// files (the same request shipped into both counted once), the systemd
// journal (a journal file written by systemd's own writer, read through
// sd-journal with a saved cursor), and a syslog file with its prefixes and
// other programs' lines.
#include "tracking/audit_source.hpp"
#include "tracking/poll_cycle.hpp"
#include "tests/sim/daemon_config.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/support/run.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace prereadd {
namespace {

std::string read_all(const std::filesystem::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class audit_sources_test : public ::testing::Test {
protected:
    // The simulator as the test needs it; alpha's three documents, shared with the team.
    void start(sim::options opts)
    {
        sim.emplace(std::move(opts));
        sim->control(sim::with(sim::alpha_team("app-pw"), sim::agenda_and_budget_for_carol()));
        config = sim::alpha_configuration(sim->base_url());
        config.projects[0].participants.groups = {"team-alpha"};
    }

    tracking::cycle_report cycle(tracking::audit_source& audit)
    {
        tracking::cycle_context ctx{client, config, db, &audit, [&] { return clock; }};
        return test::run_awaitable(io, tracking::async_poll_cycle(ctx));
    }

    // Who has which engagement, from the store: "bob opened agenda.md".
    std::vector<std::string> engagements()
    {
        store::state st(db);
        std::map<std::int64_t, std::string> names;
        for (const auto& d : st.documents("alpha")) names[d.file_id] = d.path;
        std::vector<std::string> out;
        for (const auto& e : st.engagements("alpha"))
            out.push_back(e.user_id + " " + store::to_string(e.kind) + " " + names[e.file_id]);
        std::sort(out.begin(), out.end());
        return out;
    }

    std::string saved_position()
    {
        store::state st(db);
        return st.cursor("audit_log").value_or("");
    }

    test::temp_dir dir;
    std::optional<sim::nextcloud> sim;
    store::database db{dir / "prereadd.sqlite"};
    boost::asio::io_context io;
    http::client client{io.get_executor(), {}, {"preread", http::secret("app-pw")}};
    config::configuration config;
    std::int64_t clock = 1795610700;
};

TEST_F(audit_sources_test, two_web_nodes_each_with_its_log_and_a_request_shipped_into_both_counted_once)
{
    sim::options o;
    o.audit_log = dir / "web1-audit.log";
    o.audit_nodes = {dir / "web2-audit.log"};
    start(o);
    config::audit_config source;
    source.files = {dir / "web1-audit.log", dir / "web2-audit.log"};
    config.global.audit_log = source;
    auto audit = tracking::open_audit_source(source, "");

    ASSERT_EQ(sim->control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}})["ok"], true);
    ASSERT_EQ(sim->control({{"op", "open"}, {"user", "alice"}, {"path", "/Alpha/budget.ods"}})["ok"], true);
    const auto web1 = read_all(dir / "web1-audit.log");
    const auto web2 = read_all(dir / "web2-audit.log");
    ASSERT_FALSE(web1.empty());
    ASSERT_FALSE(web2.empty()) << "the second request was served by the second node";
    // A log shipper copies web1's lines into web2's file as well.
    std::ofstream(dir / "web2-audit.log", std::ios::app) << web1;

    auto first = cycle(*audit);
    EXPECT_TRUE(first.errors.empty()) << first.errors.front();
    EXPECT_EQ(first.audit_reads, 3u);
    EXPECT_EQ(first.audit_reads_again, 1u) << "bob's request, seen in both files";
    EXPECT_EQ(engagements(), (std::vector<std::string>{"alice opened budget.ods", "bob opened agenda.md"}));

    // Each file keeps its own position across a restart.
    ASSERT_EQ(sim->control({{"op", "sync"}, {"user", "carol"}, {"path", "/agenda.md"}})["ok"], true);
    auto restarted = tracking::open_audit_source(source, saved_position());
    auto second = cycle(*restarted);
    EXPECT_EQ(second.audit_reads, 1u) << "only carol's sync is new";
    EXPECT_EQ(second.engagements_recorded, 1u);
}

TEST_F(audit_sources_test, the_systemd_journal_read_from_a_saved_cursor)
{
    sim::options o;
    o.audit_log = dir / "audit.journal";
    o.audit_writes = sim::options::audit_sink::journal;
    start(o);
    config::audit_config source;
    source.type = config::audit_config::kind::systemd;
    source.journal_files = {dir / "audit.journal"};
    config.global.audit_log = source;

    ASSERT_EQ(sim->control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}})["ok"], true);
    auto audit = tracking::open_audit_source(source, "");
    auto first = cycle(*audit);
    EXPECT_TRUE(first.errors.empty()) << first.errors.front();
    EXPECT_EQ(engagements(), std::vector<std::string>{"bob opened agenda.md"});
    EXPECT_THAT(saved_position(), ::testing::StartsWith("s=")) << "the journal's cursor is kept";

    ASSERT_EQ(sim->control({{"op", "open"}, {"user", "alice"}, {"path", "/Alpha/budget.ods"}})["ok"], true);
    auto second = cycle(*audit);
    EXPECT_EQ(second.engagements_recorded, 1u) << "the journal grew under the open reader";

    ASSERT_EQ(sim->control({{"op", "sync"}, {"user", "carol"}, {"path", "/agenda.md"}})["ok"], true);
    auto restarted = tracking::open_audit_source(source, saved_position());
    auto third = cycle(*restarted);
    EXPECT_EQ(third.audit_reads, 1u) << "a restart resumes after the last entry taken";
    EXPECT_EQ(engagements(),
              (std::vector<std::string>{"alice opened budget.ods", "bob opened agenda.md", "carol synced agenda.md"}));
}

TEST_F(audit_sources_test, a_syslog_file_with_prefixes_and_other_programs_lines)
{
    sim::options o;
    o.audit_log = dir / "nextcloud-audit.log";
    o.audit_writes = sim::options::audit_sink::syslog;
    start(o);
    std::ofstream(dir / "nextcloud-audit.log") << "Nov 30 09:00:01 web1 CRON[4711]: (www-data) CMD (php -f cron.php)\n";
    config::audit_config source;
    source.type = config::audit_config::kind::syslog;
    source.files = {dir / "nextcloud-audit.log"};
    config.global.audit_log = source;

    ASSERT_EQ(sim->control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}})["ok"], true);
    EXPECT_THAT(read_all(dir / "nextcloud-audit.log"), ::testing::HasSubstr(" web1 Nextcloud[812]: {\"reqId\""));
    auto audit = tracking::open_audit_source(source, "");
    auto report = cycle(*audit);
    EXPECT_TRUE(report.errors.empty()) << report.errors.front();
    EXPECT_EQ(report.audit_reads, 1u);
    EXPECT_EQ(engagements(), std::vector<std::string>{"bob opened agenda.md"});
}

}  // namespace
}  // namespace prereadd
