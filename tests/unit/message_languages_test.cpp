// Every kind of message in every language for one fixed world, against a
// reviewed file per language (tests/unit/golden/languages/<code>.txt;
// PREREADD_UPDATE_GOLDEN=1 rewrites them, to be read in the diff): a changed
// sentence is a visible change in each language.
#include "tests/support/golden.hpp"
#include "reminding/messages.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace prereadd::reminding {
namespace {

using namespace date;
using namespace std::chrono_literals;

// The world: "Kick-off" on Monday, 7 December 2026, 09:00 Berlin; alice read
// everything, bob one of three, carol (in Kolkata) cannot open the budget.
struct world {
    scheduler::session session;
    reminder_input in;
    std::vector<store::engagement> engagements;

    explicit world(const i18n::language& l)
    {
        session.key = "2026-12-07T09:00";
        session.title = "Kick-off";
        session.start = sys_days{2026_y / December / 7} + 8h;
        session.end = session.start + 1h;
        in.session = &session;
        in.zone = locate_zone("Europe/Berlin");
        in.now = session.start - 26h - 30min;
        in.participants = {"alice", "bob", "carol"};
        in.documents = {{7, "agenda.md", 1000}, {8, "budget.ods", 1000}, {9, "slides.pdf", 1000}};
        in.done = {{"alice", 7}, {"alice", 8}, {"alice", 9}, {"bob", 7}};
        in.blocked = {{"carol", 8}};
        in.facilitators = {"dave"};
        in.call_link = "https://cloud.example.org/call/abc123";
        in.zones = {{"carol", locate_zone("Asia/Kolkata")}};
        in.session_folder = "Alpha";
        in.language = &l;
        for (const auto& [user, file] : in.done)
            engagements.push_back({"alpha", user, file, store::engagement_kind::opened, 1000, "audit_log"});
    }
};

std::string render_all(const i18n::language& l)
{
    std::ostringstream out;
    auto section = [&](const char* name, const std::string& text) { out << "== " << name << "\n" << text << "\n\n"; };
    world w(l);
    section("group reminder", reminder_message(w.in)->text);
    section("one-to-one reminder (carol)", personal_reminder(w.in, "carol").text);
    section("Moodle reminder", *[&] {
        auto m = w.in;
        m.documents = {{-42, "Intro video", 1000, {}, "moodle", 1, "Week 1", "https://moodle.example.org/mod/page/view.php?id=42"}};
        return moodle_reminder(m, "moodle:5", "Eve Example");
    }());
    {
        auto ready = w.in;
        ready.blocked.clear();
        for (const auto& u : ready.participants)
            for (const auto& d : ready.documents) ready.done.insert({u, d.file_id});
        ready.when_all_ready = true;
        section("everyone ready", reminder_message(ready)->text);
    }
    section("digest", digest_message({w.in, w.engagements, sys_days{2026_y / November / 30} + 9h,
                                      sys_seconds{std::chrono::seconds(999)}})
                          .text);
    {
        auto after = w.in;
        after.now = w.session.end + 10min;
        after.attendance = session_attendance{};
        after.attendance->call_happened = true;
        after.attendance->present = {{"alice", (w.session.start + 2min).time_since_epoch().count()}};
        section("summary", summary_message(after, {}).text);
        section("follow-up", follow_up_message(after, w.session.end + 48h)->text);
    }
    {
        auto during = w.in;
        during.now = w.session.start + 5min;
        section("nudge", nudge_message(during, {"alice"})->text);
    }
    section("access problems", access_problems_message("alpha", "/Projects/Alpha",
                                                       {{"carol", "budget.ods: not shared with carol"},
                                                        {"bob", "slides.pdf: share expired"}},
                                                       l)
                                   .text);
    section("access problem", access_problems_message("alpha", "/Projects/Alpha",
                                                      {{"carol", "budget.ods: not shared with carol"}}, l)
                                  .text);
    section("Talk members", talk_problem_message("alpha", "abc123", {"carol", "erin"}, l).text);
    section("Talk member", talk_problem_message("alpha", "abc123", {"carol"}, l).text);
    section("Deck", deck_problem_message("alpha", {{"carol", "not a member of board 3"}}, l).text);
    section("Moodle modules", untracked_modules_message("alpha", "Course 101", {"Quiz (Week 1): no view rule"}, l).text);
    section("Deck card", deck_title(w.session, *w.in.zone, l) + "\n" + deck_description("alpha", w.in));
    section("how soon", time_until(3 * 24h, l) + " | " + time_until(25h, l) + " | " + time_until(90min, l) + " | " +
                            time_until(1min, l) + " | " + starts_in(30s, l));
    return out.str();
}

TEST(message_languages, every_kind_in_every_language_as_reviewed)
{
    for (const auto& code : i18n::language::codes()) {
        const auto* l = i18n::language::find(code);
        ASSERT_NE(l, nullptr) << code;
        test::expect_golden("languages/" + code, render_all(*l));
    }
}

}  // namespace
}  // namespace prereadd::reminding
