// Exactly once with real processes: `prereadd run` against `nextcloud-sim`,
// ten sessions whose reminders, digests and Deck cards fall due within two
// and a half minutes, and the daemon killed with SIGKILL at random moments (at least 200
// times) and started again at once. Afterwards every message and every card
// exists exactly once and none is missing. The seed is printed; the run time
// is in docs/performance.md.
#include "tests/sim/scenarios.hpp"
#include "tests/support/daemon_files.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sim_process.hpp"
#include "tests/support/temp_dir.hpp"

#include <date/date.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <map>
#include <random>
#include <set>
#include <thread>

#include <sys/stat.h>

namespace prereadd {
namespace {

using namespace std::chrono_literals;
using wall = std::chrono::system_clock;

constexpr int sessions = 10;
constexpr auto first_session_after = 100s;
constexpr auto between_sessions = 6s;
constexpr std::size_t min_kills = 200;

// Outbox rows of the state database, by state.
std::map<std::string, int> outbox_states(const std::filesystem::path& db_file)
{
    std::map<std::string, int> out;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT state, count(*) FROM outbox GROUP BY state", -1, &st, nullptr);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        out[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] = sqlite3_column_int(st, 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

TEST(kill_test, every_message_and_card_exactly_once_through_200_sigkills)
{
    test::temp_dir dir;
    auto scenario = dir.write("scenario.json", sim::with(sim::alpha_team("kill-app-pw"), nlohmann::json::parse(R"([
      {"op":"user","id":"dave","password":"pw"},
      {"op":"put","user":"preread","path":"/Projects/Alpha/agenda.md","content":"# Agenda","mime":"text/markdown"},
      {"op":"put","user":"preread","path":"/Projects/Alpha/budget.ods","content":"ods"},
      {"op":"share","user":"preread","path":"/Projects/Alpha/agenda.md","type":"user","with":"carol"}
    ])"))
                                                   .dump());
    test::sim_process sim(NEXTCLOUD_SIM_BINARY, scenario, dir / "audit.log");
    const std::string token = sim.control(
        {{"op", "room"}, {"user", "preread"}, {"name", "Alpha"}, {"members", {"alice", "bob", "carol"}}})["token"];
    const auto board = sim.control({{"op", "board"}, {"user", "preread"}, {"title", "Alpha"}});
    ASSERT_TRUE(board.contains("board")) << board.dump();

    const auto t0 = date::ceil<std::chrono::seconds>(wall::now());
    nlohmann::json session_list = nlohmann::json::array();
    for (int i = 0; i < sessions; ++i)
        session_list.push_back({{"title", "Session " + std::to_string(i + 1)},
                                {"start", date::format("%FT%T", t0 + first_session_after + i * between_sessions)},
                                {"duration", "PT30M"}});
    const auto last_start = t0 + first_session_after + (sessions - 1) * between_sessions;

    test::write_daemon_config(dir.path(), sim.base_url(), "kill-app-pw",
                              [](nlohmann::json& g) { g["poll_interval"] = "PT10S"; });
    dir.write("etc/projects.d/alpha.json",
              nlohmann::json{{"id", "alpha"},
                             {"folder", "/Projects/Alpha"},
                             {"time_zone", "UTC"},
                             {"participants", {{"users", {"alice", "bob", "carol"}}, {"groups", {"team-alpha"}}}},
                             // carol cannot open budget.ods: the facilitator hears it once.
                             {"facilitators", {"dave"}},
                             {"sessions", session_list},
                             {"reminders", {{"lead_times", {"PT90S", "PT70S"}}, {"digest", "PT1M"}}},
                             {"talk", {{"conversation", token}}},
                             {"deck", {{"board", board["board"]}, {"stack", board["stack"]}}}}
                  .dump());
    const std::vector<std::string> argv{PREREADD_BINARY, "--config", (dir / "etc/prereadd.json").string(), "run"};

    // Kill at random moments until the last session has started and 200 kills are done.
    const auto seed = std::random_device{}();
    std::cout << "kill_test seed " << seed << std::endl;
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> alive_ms(0, 600);
    std::size_t kills = 0;
    while (wall::now() < last_start + 5s || kills < min_kills) {
        test::child_process daemon(argv, true);
        std::this_thread::sleep_for(std::chrono::milliseconds(alive_ms(random)));  // the kill's moment, at random
        ::kill(daemon.pid(), SIGKILL);
        ++kills;
    }  // each child is reaped by its destructor before the next starts

    // A last run in peace lets every recovery finish, then it stops cleanly.
    {
        test::child_process daemon(argv, true);
        ASSERT_TRUE(daemon.wait_for("prereadd started", 10s)) << daemon.seen();
        const auto settle_until = std::chrono::steady_clock::now() + 20s;
        while (std::chrono::steady_clock::now() < settle_until) {
            auto states = outbox_states(dir / "state/prereadd.sqlite");
            if (!states.count("intent") && states["sent"] >= sessions * 3 + 1) break;
            (void)daemon.read_line(500ms);
        }
        EXPECT_EQ(daemon.terminate(10s), 0) << daemon.seen();
    }
    std::cout << "kill_test: " << kills << " SIGKILLs" << std::endl;
    EXPECT_GE(kills, min_kills);

    // Talk: two reminders and a digest per session, each exactly once.
    std::map<std::string, int> by_reference;
    std::map<std::string, int> per_session;
    for (const auto& m : sim.control({{"op", "messages"}, {"token", token}})) {
        if (m["actor"] != "preread") continue;
        ++by_reference[m["referenceId"].get<std::string>()];
        const std::string text = m["text"];
        for (int i = sessions; i >= 1; --i)
            if (text.find("**Session " + std::to_string(i) + "**") != std::string::npos) {
                ++per_session["Session " + std::to_string(i)];
                break;
            }
    }
    for (const auto& [reference, n] : by_reference) EXPECT_EQ(n, 1) << "posted " << n << " times: " << reference;
    EXPECT_EQ(by_reference.size(), static_cast<std::size_t>(sessions * 3)) << "none missing";
    for (int i = 1; i <= sessions; ++i) EXPECT_EQ(per_session["Session " + std::to_string(i)], 3) << "Session " << i;

    // The facilitator: carol's access problem, once.
    std::size_t to_dave = 0;
    for (const auto& r : sim.control({{"op", "rooms"}}))
        if (r["type"] == 1 && r["members"].dump().find("\"dave\"") != std::string::npos)
            for (const auto& m : sim.control({{"op", "messages"}, {"token", r["token"]}}))
                to_dave += m["actor"] == "preread";
    EXPECT_EQ(to_dave, 1u);

    // Deck: one card per session.
    std::map<std::string, int> cards;
    for (const auto& c : sim.control({{"op", "cards"}, {"stack", board["stack"]}}))
        ++cards[c["title"].get<std::string>()];
    EXPECT_EQ(cards.size(), static_cast<std::size_t>(sessions));
    for (const auto& [title, n] : cards) EXPECT_EQ(n, 1) << title;

    // The ledger agrees: everything sent, nothing left in flight, nothing missed or superseded.
    const auto states = outbox_states(dir / "state/prereadd.sqlite");
    EXPECT_EQ(states.count("intent"), 0u);
    EXPECT_EQ(states.count("missed"), 0u);
    EXPECT_EQ(states.count("superseded"), 0u);
    EXPECT_EQ(sim.stop(), 0);
}

}  // namespace
}  // namespace prereadd
