// `prereadd doctor` against the simulator: all ok on a good setup (the probe
// read seen in the audit log), and each mistake an admin makes found with its
// fix: a wrong or login password, a missing app, a folder shared with nobody,
// a group the service account cannot expand, a Deck board the participants
// are not members of, a wrong audit log path, a silent audit log.
#include "daemon/doctor.hpp"
#include "tests/sim/daemon_config.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/support/run.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd {
namespace {

using ::testing::HasSubstr;

class doctor_test : public ::testing::Test {
protected:
    doctor_test() : sim(sim::audit_to(dir / "audit.log"))
    {
        sim.control(sim::with(sim::alpha_team("app-pw"), sim::agenda_and_budget_for_carol()));
        const auto token = sim.control({{"op", "room"},
                                        {"user", "preread"},
                                        {"name", "Alpha"},
                                        {"members", {"alice", "bob", "carol"}}})["token"]
                               .get<std::string>();
        const auto board =
            sim.control({{"op", "board"}, {"user", "preread"}, {"title", "Alpha"}, {"stack", "Pre-reads"}});
        config = sim::alpha_configuration(sim.base_url());
        auto& p = config.projects[0];
        p.participants.groups = {"team-alpha"};
        p.talk = config::talk_config{token};
        p.deck = config::deck_config{board["board"].get<std::int64_t>(), board["stack"].get<std::int64_t>(), true};
        config::audit_config audit;
        audit.files = {dir / "audit.log"};
        config.global.audit_log = audit;
        config.global.nextcloud.app_password_file = dir / "app-password";
    }

    std::vector<daemon::check_result> doctor(const std::string& password = "app-pw")
    {
        http::client client{io.get_executor(), {}, {"preread", http::secret(password)}};
        daemon::doctor_options options;
        options.probe_wait = std::chrono::milliseconds(1500);
        return test::run_awaitable(io, daemon::async_doctor(client, config, options));
    }

    // The one check named `what`; fails the test when there is none.
    static daemon::check_result find(const std::vector<daemon::check_result>& checks, const std::string& what)
    {
        for (const auto& c : checks)
            if (c.what == what) return c;
        ADD_FAILURE() << "no check " << what << " in:\n" << daemon::render_doctor_text(checks);
        return {};
    }

    static std::vector<std::string> problems(const std::vector<daemon::check_result>& checks)
    {
        std::vector<std::string> out;
        for (const auto& c : checks)
            if (c.result == daemon::verdict::problem) out.push_back(c.what);
        return out;
    }

    test::temp_dir dir;
    sim::nextcloud sim;
    boost::asio::io_context io;
    config::configuration config;
};

TEST_F(doctor_test, a_good_setup_is_all_ok_and_the_probe_read_is_seen_in_the_audit_log)
{
    const auto checks = doctor();
    const auto text = daemon::render_doctor_text(checks);
    EXPECT_TRUE(daemon::all_ok(checks)) << text;
    EXPECT_THAT(text, ::testing::EndsWith("all ok\n"));
    EXPECT_THAT(find(checks, "audit log").detail, HasSubstr("the probe read reached")) << text;
    EXPECT_EQ(find(checks, "app password").result, daemon::verdict::ok);
    EXPECT_EQ(find(checks, "project alpha: Deck").result, daemon::verdict::ok) << "prereadd shares the board itself";
    // Read-only apart from the probe, which is gone again.
    EXPECT_FALSE(sim.with_world([](sim::world& w) {
        for (auto id : w.resolve("preread", "/")->children)
            if (w.find_node(id)->name.starts_with(".prereadd-doctor-")) return true;
        return false;
    }));
    const auto json = daemon::render_doctor_json(checks);
    EXPECT_EQ(json["ok"], true);
    EXPECT_EQ(json["checks"][0]["check"], "server");
}

TEST_F(doctor_test, a_participant_the_folder_is_not_shared_with_cannot_open_its_files)
{
    // Issue 27: participants team-alpha plus dave, the folder shared with team-alpha only. Doctor
    // said "shares: 1 share(s)" and "all ok" while the daemon reported "dave cannot open agenda.md".
    sim.control({{"op", "user"}, {"id", "dave"}, {"password", "pw"}});
    config.projects[0].participants.users.push_back("dave");
    const auto checks = doctor();
    const auto text = daemon::render_doctor_text(checks);
    EXPECT_FALSE(daemon::all_ok(checks)) << text;
    const auto access = find(checks, "project alpha: access");
    EXPECT_EQ(access.result, daemon::verdict::problem) << text;
    EXPECT_EQ(access.detail,
              "dave cannot open 2 of 2 file(s) in /Projects/Alpha: agenda.md and budget.ods (not shared with dave)");
    EXPECT_EQ(access.fix, "share /Projects/Alpha with dave or a group of theirs (Files > Share), as preread");
    // dave is no member of the board (prereadd shares it) and not in the conversation.
    EXPECT_THAT(text, HasSubstr("alice, bob and dave are not members yet; prereadd shares the board with each "
                                "(read-only) before assigning a card"))
        << text;
    EXPECT_THAT(text, HasSubstr("WARNING  project alpha: Talk: dave is not in conversation")) << text;
    EXPECT_THAT(text, ::testing::EndsWith("1 problem(s), 1 warning(s)\n")) << text;
    EXPECT_EQ(text.find(" \n"), std::string::npos) << "a line ends in a space:\n" << text;
}

TEST_F(doctor_test, warnings_alone_are_no_problems_but_not_all_ok_either)
{
    sim.control({{"op", "user"}, {"id", "erin"}, {"password", "pw"}});
    sim.control(
        {{"op", "share"}, {"user", "preread"}, {"path", "/Projects/Alpha"}, {"type", "user"}, {"with", "erin"}});
    config.projects[0].participants.users.push_back("erin");
    config.projects[0].deck.reset();
    const auto checks = doctor();
    const auto text = daemon::render_doctor_text(checks);
    EXPECT_TRUE(daemon::all_ok(checks)) << text;
    EXPECT_THAT(text, HasSubstr("WARNING  project alpha: Talk: erin is not in conversation")) << text;
    EXPECT_THAT(text, ::testing::EndsWith("no problems, 1 warning(s)\n")) << text;
}

TEST_F(doctor_test, a_session_whose_dated_sub_folder_holds_nothing_selects_no_pre_read)
{
    // Issue 27: a selection that matches nothing gave no reminder and no word. The session is two
    // days from now (the doctor looks at what the next reminders would list), in an empty folder.
    sim.control({{"op", "mkdir"}, {"user", "preread"}, {"path", "/Projects/Gamma"}});
    sim.control(
        {{"op", "share"}, {"user", "preread"}, {"path", "/Projects/Gamma"}, {"type", "group"}, {"with", "team-alpha"}});
    auto& p = config.projects[0];
    p.folder = "/Projects/Gamma";
    p.pre_reads = scheduler::pre_read_scope::session_folder;
    p.deck.reset();
    p.time_zone_name = "Europe/Berlin";
    p.time_zone = date::locate_zone("Europe/Berlin");
    using namespace std::chrono_literals;
    const date::local_seconds local =
        date::floor<std::chrono::minutes>(p.time_zone->to_local(std::chrono::system_clock::now())) + 48h;
    const std::string day = date::format("%F", date::floor<date::days>(local));
    p.sessions = {{"Planning", local, 1h}};
    auto selection = find(doctor(), "project alpha: pre-reads");
    EXPECT_EQ(selection.result, daemon::verdict::problem) << selection.detail;
    EXPECT_THAT(selection.detail, HasSubstr("\"Planning\" (" + date::format("%FT%H:%M", local) + ") selects no file"));
    EXPECT_THAT(selection.fix, HasSubstr("/Projects/Gamma/<YYYY-MM-DD of the session>/"));

    sim.control({{"op", "mkdir"}, {"user", "preread"}, {"path", "/Projects/Gamma/" + day}});
    sim.control(
        {{"op", "put"}, {"user", "preread"}, {"path", "/Projects/Gamma/" + day + "/plan.md"}, {"content", "#"}});
    EXPECT_EQ(find(doctor(), "project alpha: pre-reads").result, daemon::verdict::ok);
}

TEST_F(doctor_test, a_board_deck_refuses_may_have_been_deleted)
{
    // Deck answers 403 for a deleted board, also to its owner (issue 27: it was described as
    // a sharing problem to the board's own owner).
    config.projects[0].deck->board = 999;
    const auto checks = doctor();
    const auto deck = find(checks, "project alpha: Deck");
    EXPECT_EQ(deck.result, daemon::verdict::problem);
    EXPECT_EQ(deck.detail,
              "Deck refuses board 999 to preread: it may have been deleted, or it is not shared with preread");
    EXPECT_THAT(deck.fix, HasSubstr("restore it in Deck (Deleted boards) or set deck.board in "));
}

TEST_F(doctor_test, a_wrong_app_password_is_found_and_nothing_else_is_tried)
{
    const auto checks = doctor("wrong");
    EXPECT_EQ(problems(checks), std::vector<std::string>{"credential"}) << daemon::render_doctor_text(checks);
    EXPECT_THAT(find(checks, "credential").fix, HasSubstr("occ user:add-app-password preread"));
}

TEST_F(doctor_test, a_login_password_is_found_and_the_app_password_it_made_revoked)
{
    const auto checks = doctor("pw");
    EXPECT_EQ(problems(checks), std::vector<std::string>{"app password"}) << daemon::render_doctor_text(checks);
    EXPECT_EQ(sim.with_world([](sim::world& w) { return w.find_user("preread")->app_passwords.size(); }), 1u)
        << "only the configured app password is left";
}

TEST_F(doctor_test, a_missing_app_the_configuration_needs)
{
    sim.control({{"op", "app"}, {"id", "deck"}, {"enabled", false}});
    const auto checks = doctor();
    EXPECT_THAT(problems(checks), ::testing::Contains("app deck")) << daemon::render_doctor_text(checks);
    EXPECT_EQ(find(checks, "app deck").fix, "occ app:enable deck");
}

TEST_F(doctor_test, a_folder_shared_with_nobody_and_a_group_that_cannot_be_expanded)
{
    sim.control({{"op", "mkdir"}, {"user", "preread"}, {"path", "/Projects/Beta"}});
    sim.control({{"op", "group"}, {"id", "team-beta"}, {"members", {"carol"}}});
    config::project_config beta;
    beta.id = "beta";
    beta.folder = "/Projects/Beta";
    beta.participants.groups = {"team-beta"};
    config.projects.push_back(beta);
    const auto checks = doctor();
    EXPECT_EQ(problems(checks), (std::vector<std::string>{"project beta: shares", "project beta: group team-beta"}))
        << daemon::render_doctor_text(checks);
    EXPECT_THAT(find(checks, "project beta: group team-beta").fix, HasSubstr("sub-admin of team-beta"));
    EXPECT_THAT(find(checks, "project beta: shares").fix, HasSubstr("share /Projects/Beta"));
}

TEST_F(doctor_test, a_deck_board_the_participants_are_not_members_of)
{
    config.projects[0].deck->share_with_participants = false;
    const auto checks = doctor();
    EXPECT_EQ(problems(checks), std::vector<std::string>{"project alpha: Deck"}) << daemon::render_doctor_text(checks);
    EXPECT_THAT(find(checks, "project alpha: Deck").detail, HasSubstr("alice and bob"));
}

TEST_F(doctor_test, an_audit_log_path_that_is_wrong)
{
    config.global.audit_log->files = {dir / "nextcloud" / "audit.log"};
    const auto checks = doctor();
    EXPECT_EQ(problems(checks), std::vector<std::string>{"audit log"}) << daemon::render_doctor_text(checks);
    EXPECT_THAT(find(checks, "audit log").detail, HasSubstr("cannot read"));
}

TEST_F(doctor_test, a_silent_audit_log_is_caught_by_the_probe)
{
    sim.control({{"op", "loglevel"}, {"level", 2}});
    const auto checks = doctor();
    EXPECT_EQ(problems(checks), std::vector<std::string>{"audit log"}) << daemon::render_doctor_text(checks);
    EXPECT_THAT(find(checks, "audit log").detail, HasSubstr("did not reach"));
    EXPECT_THAT(find(checks, "audit log").fix, HasSubstr("'log.condition' => ['apps' => ['admin_audit']]"));
}

TEST_F(doctor_test, without_an_audit_log_the_activity_signal_is_the_source)
{
    config.global.audit_log.reset();
    auto checks = doctor();
    EXPECT_TRUE(daemon::all_ok(checks)) << daemon::render_doctor_text(checks);
    EXPECT_EQ(find(checks, "app files_downloadactivity").result, daemon::verdict::warning) << "no download seen yet";
    sim.control({{"op", "app"}, {"id", "files_downloadactivity"}, {"enabled", true}});
    sim.control({{"op", "open"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}});
    checks = doctor();
    EXPECT_EQ(find(checks, "app files_downloadactivity").result, daemon::verdict::ok)
        << daemon::render_doctor_text(checks);
}

}  // namespace
}  // namespace prereadd
