// Hostile names and a hostile audit log, end to end through one poll cycle and
// one reminder: file names with spaces, quotes, %, #, ?, non-ASCII and
// right-to-left characters, a 200-character name, a folder seven levels deep;
// user ids with a space, an apostrophe and an @; audit log lines that are
// garbage, a line of 2 MB, and reads by users nobody configured.
#include "tracking/poll_cycle.hpp"
#include "reminding/reminder_pass.hpp"
#include "daemon/status_report.hpp"
#include "tests/sim/daemon_config.hpp"
#include "tests/sim/daemon_side.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/scenarios.hpp"
#include "tests/support/run.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace prereadd {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> hostile_files = {
    "agenda with spaces.md",
    "quote\"d 'name'.md",
    "100% done.md",
    "#1 issue.md",
    "what?.md",
    "na\u00efve caf\u00e9 \u65e5\u672c.md",
    "invoice \u202egpj.exe",
    std::string(196, 'x') + ".md",
    "a/b/c/d/e/f/g/deep.md",
    // Names that Talk or Deck would turn into a call to everyone, a mention, a link or bold text (15m-15p).
    "file read @all now.md",
    "x @\"alice\" y.md",
    "[x](javascript:alert(1)).md",
    "**bold** and _under_.md",
};

// The session's title is no safer: anyone who can title a calendar event picks it.
const std::string hostile_title = "Kick-off @all [x](http://evil.example/) **now** www.evil.example";

class hostile_names_test : public ::testing::Test, protected sim::daemon_side {
protected:
    // The P1D reminder of the Kick-off is due.
    hostile_names_test() : daemon_side(1796202000 - 86400), sim(sim::audit_to(dir / "audit.log"))
    {
        nlohmann::json ops = sim::alpha_team("app-pw");
        for (const char* user : {"anne marie", "o'brien", "eve@example.org"})
            ops.push_back({{"op", "user"}, {"id", user}, {"password", "pw"}});
        ops.push_back({{"op", "group"},
                       {"id", "team-alpha"},
                       {"members", {"alice", "bob", "anne marie", "o'brien", "eve@example.org"}}});
        std::string folder = "/Projects/Alpha";
        for (const char* level : {"a", "b", "c", "d", "e", "f", "g"}) {
            folder += std::string("/") + level;
            ops.push_back({{"op", "mkdir"}, {"user", "preread"}, {"path", folder}});
        }
        for (const auto& name : hostile_files)
            ops.push_back(
                {{"op", "put"}, {"user", "preread"}, {"path", "/Projects/Alpha/" + name}, {"content", "pre-read"}});
        for (const auto& r : sim.control(ops)) EXPECT_FALSE(r.contains("error")) << r.dump();
        token = sim.control({{"op", "room"},
                             {"user", "preread"},
                             {"name", "Alpha"},
                             {"members", {"anne marie", "o'brien", "eve@example.org"}}})["token"];
        config = sim::alpha_configuration(sim.base_url());
        sim::with_kickoff(config.projects[0], token);
        config.projects[0].sessions[0].title = hostile_title;
        config.projects[0].participants.users = {"anne marie", "o'brien", "eve@example.org"};
        config.projects[0].lead_times = {24h};
    }

    nlohmann::json status() { return sim::alpha_status(db); }

    sim::nextcloud sim;
    std::string token;
};

TEST_F(hostile_names_test, every_name_arrives_intact_and_reads_by_them_count)
{
    // Reads by the hostile users, of hostile files, through their share mounts (Nextcloud 29 lines: paths only).
    for (const auto& [user, file] :
         std::vector<std::pair<std::string, std::string>>{{"anne marie", "agenda with spaces.md"},
                                                          {"o'brien", "quote\"d 'name'.md"},
                                                          {"o'brien", "100% done.md"},
                                                          {"eve@example.org", "na\u00efve caf\u00e9 \u65e5\u672c.md"},
                                                          {"eve@example.org", "a/b/c/d/e/f/g/deep.md"}})
        ASSERT_EQ(sim.control({{"op", "open"}, {"user", user}, {"path", "/Alpha/" + file}})["ok"], true)
            << user << " " << file;
    // And what a hostile or broken log holds besides.
    {
        std::ofstream log(dir / "audit.log", std::ios::app | std::ios::binary);
        log << "\x01\x02garbage \xff\xfe not json\n";
        log << "{\"user\":\"bob\",\"message\":\"File accessed: \\\"/Alpha/" << std::string(2 * 1024 * 1024, 'z')
            << "\\\"\"}\n";
        log << "{\"reqId\":\"x\",\"user\":\"mallory\",\"app\":\"admin_audit\",\"url\":\"/remote.php/dav/files/mallory/Alpha/what%3F.md\","
               "\"message\":\"File accessed: \\\"/Alpha/what?.md\\\"\",\"time\":\"2026-12-01T09:00:00+00:00\"}\n";
        log << "{\"user\":\"bob\",\"message\":\"File accessed: \\\"/Alpha/#1 issue.md\n";  // cut off mid-line, then a
                                                                                           // newline
    }
    sim.with_world([&](sim::world& w) { w.set_clock(clock); });
    auto cycle = test::run_awaitable(io, tracking::async_poll_cycle(poll));
    ASSERT_TRUE(cycle.errors.empty()) << cycle.errors.front();

    auto s = status();
    std::set<std::string> paths;
    for (const auto& d : s["documents"]) paths.insert(d["path"].get<std::string>());
    EXPECT_EQ(paths, std::set<std::string>(hostile_files.begin(), hostile_files.end())) << s.dump(2);
    auto opened_by = [&](const std::string& file, const std::string& user) {
        for (const auto& d : s["documents"])
            if (d["path"] == file) return d["engagements"].contains(user) && d["engagements"][user].contains("opened");
        return false;
    };
    EXPECT_TRUE(opened_by("agenda with spaces.md", "anne marie"));
    EXPECT_TRUE(opened_by("quote\"d 'name'.md", "o'brien"));
    EXPECT_TRUE(opened_by("100% done.md", "o'brien"));
    EXPECT_TRUE(opened_by("na\u00efve caf\u00e9 \u65e5\u672c.md", "eve@example.org"));
    EXPECT_TRUE(opened_by("a/b/c/d/e/f/g/deep.md", "eve@example.org"));
    EXPECT_FALSE(opened_by("what?.md", "mallory")) << "mallory is no participant and has no share";
    EXPECT_EQ(cycle.engagements_recorded, 5u);

    // The reminder names them so Talk resolves the mentions: @"anne marie", @"o'brien", @"eve@example.org".
    reminding::reminder_context ctx{client, config, db, [&] { return clock; }};
    auto sent = test::run_awaitable(io, reminding::async_reminders(ctx));
    EXPECT_EQ(sent.sent, 1u) << (sent.errors.empty() ? "" : sent.errors.front());
    const auto ours = sim::posted_by_service_account(sim, token);
    ASSERT_EQ(ours.size(), 1u);
    // Only the three mentions prereadd means, and no call mention, whatever the names say.
    EXPECT_EQ(ours[0].mentions, (std::vector<std::string>{"anne marie", "eve@example.org", "o'brien"})) << ours[0].text;
    EXPECT_FALSE(ours[0].mentions_call) << ours[0].text;
    // Each name shows as it is, with the Markdown that would format it escaped and
    // the '@' followed by a zero-width space; the right-to-left override that
    // would show "invoice exe.jpg" is dropped, so the real name shows.
    for (const std::string shown :
         {"invoice gpj.exe", "file read @\u200ball now.md", "x @\u200b\"alice\" y.md",
          "\\[x\\](javascript:alert(1)).md", "\\*\\*bold\\*\\* and \\_under\\_.md",
          "**Kick-off @\u200ball \\[x\\](http:\u200b//evil.example/) \\*\\*now\\*\\* www\u200b.evil.example**"})
        EXPECT_THAT(ours[0].text, ::testing::HasSubstr(shown)) << shown << " in\n" << ours[0].text;
    EXPECT_THAT(ours[0].text, ::testing::Not(::testing::HasSubstr("\u202e")));
}

TEST_F(hostile_names_test, a_deck_card_shows_hostile_names_as_they_are)
{
    auto board = sim.control({{"op", "board"}, {"user", "preread"}, {"title", "Alpha"}});
    ASSERT_TRUE(board.contains("board")) << board.dump();
    config.projects[0].deck = config::deck_config{board["board"], board["stack"]};
    sim.with_world([&](sim::world& w) { w.set_clock(clock); });
    auto cycle = test::run_awaitable(io, tracking::async_poll_cycle(poll));
    ASSERT_TRUE(cycle.errors.empty()) << cycle.errors.front();
    reminding::reminder_context ctx{client, config, db, [&] { return clock; }};
    auto sent = test::run_awaitable(io, reminding::async_reminders(ctx));
    ASSERT_TRUE(sent.errors.empty()) << sent.errors.front();

    auto cards = sim.control({{"op", "cards"}, {"stack", board["stack"]}});
    ASSERT_EQ(cards.size(), 1u) << cards.dump();
    const std::string description = cards[0]["description"];
    for (
        const std::string shown :
        {"anne marie: file read @\u200ball now.md", "o'brien: x @\u200b\"alice\" y.md",
         "eve@\u200bexample.org: \\[x\\](javascript:alert(1)).md", ": \\*\\*bold\\*\\* and \\_under\\_.md",
         "Pre-reads for **Kick-off @\u200ball \\[x\\](http:\u200b//evil.example/) \\*\\*now\\*\\* www\u200b.evil.example**"})
        EXPECT_THAT(description, ::testing::HasSubstr(shown)) << shown << " in\n" << description;
    // The title is plain text in Deck: shown as it is.
    EXPECT_EQ(cards[0]["title"], "Pre-reads: " + hostile_title + " (2 Dec 2026)");
    EXPECT_EQ(cards[0]["assigned"].size(), 3u) << "the board was shared with the three, then the card assigned";
}

}  // namespace
}  // namespace prereadd
