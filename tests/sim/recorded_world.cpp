// Seed data for replaying the captures (see recorded_world.hpp).
// Ids follow the recording: /Projects is file 12, agenda.md 14, slides.pdf 16.
#include "tests/sim/recorded_world.hpp"

#include "tests/sim/routes.hpp"
#include "tests/sim/text.hpp"
#include "http/timestamp.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace prereadd::sim {
options recorded_options()
{
    options o;
    o.instance_id = "ocbzdkb6usbu";
    return o;
}

void seed_recorded_world(nextcloud& sim)
{
    sim.with_world([](world& w) {
        for (const char* id : {"admin", "alice", "bob", "carol", "preread"})
            w.add_user(id, recorded_credentials::password_of(id));
        w.add_group("admin", {"admin"});
        w.add_group("team-alpha", {"alice", "bob", "carol"});
        for (const char* member : {"alice", "bob", "carol"}) {
            activity added;
            added.affected = member;
            added.app = "settings";
            added.type = "group_settings";
            added.subject = "group_added";
            added.with = "team-alpha";
            w.record_activity(added);
        }
        // occ user:add-app-password, then the service account's first login.
        w.find_user("preread")->app_passwords.insert(recorded_credentials::app_password);
        activity token;
        token.affected = "preread";
        token.app = "settings";
        token.type = "security";
        token.subject = "app_token_created";
        token.object_id = 1;
        token.with = "cli";
        w.record_activity(token);
        w.first_login(*w.find_user("preread"));
        w.set_next_node_id(12);
        // Talk: the recorded conversations' tokens; message ids 1-2 went to an earlier test room.
        w.talk.next_tokens = {"4csmt372", "7bnvnrxf", "sb2w2s5s"};
        w.talk.next_message_id = 3;
    });
}

// Runs a request through the routes as `user` would send it, outside the
// recordings (what the recorded server saw between them).
sim_response as_recorded_user(world& w, const std::string& user, const std::string& method, const std::string& target,
                              const std::string& body, const std::string& user_agent)
{
    const std::string secret =
        user == "preread" ? std::string(recorded_credentials::app_password) : recorded_credentials::password_of(user);
    std::map<std::string, std::string> headers{{"authorization", "Basic " + base64_encode(user + ":" + secret)},
                                               {"ocs-apirequest", "true"},
                                               {"host", "127.0.0.1:8080"},
                                               {"user-agent", user_agent}};
    if (!body.empty()) headers["content-type"] = "application/json";
    auto res = handle(w, false, parse_request(method, target, headers, body));
    (void)w.take_audit();
    return res;
}

namespace {

// What the acceptance run of 2026-11-30 left on the recorded server before
// 30a-32f and 15m-15q: display names, its project folder, the "Kick-off call"
// conversation, the Deck board with the session's card, and the
// files_downloadactivity app. Ids are the recorded ones where requests quote them.
void seed_acceptance_run(world& w)
{
    for (const auto& [id, name] : {std::pair{"alice", "Alice"}, {"bob", "Bob"}, {"carol", "Carol"}})
        w.find_user(id)->display_name = name;
    w.download_activity = true;

    w.set_next_node_id(88);
    w.make_folder("preread", "/Projects/Acc-c9cc22");
    w.put_file("preread", "/Projects/Acc-c9cc22/agenda.md", "# Agenda\n", "text/markdown");
    w.put_file("preread", "/Projects/Acc-c9cc22/budget.ods", std::string(408, 'b'),
               "application/vnd.oasis.opendocument.spreadsheet");
    w.put_file("preread", "/Projects/Acc-c9cc22/notes with space \u00fc.md", "notes\n", "text/markdown");
    as_recorded_user(
        w, "preread", "POST", "/ocs/v2.php/apps/files_sharing/api/v1/shares?format=json",
        R"({"path": "/Projects/Acc-c9cc22", "shareType": 1, "shareWith": "team-alpha", "permissions": 1})");

    w.talk.next_room_id = 6;
    w.talk.next_attendee_id = 21;
    w.talk.next_message_id = 37;
    w.talk.next_tokens = {"e8ozjjhw"};
    as_recorded_user(w, "preread", "POST", "/ocs/v2.php/apps/spreed/api/v4/room?format=json",
                     R"({"roomType": 2, "roomName": "Kick-off call"})");
    for (const char* member : {"alice", "bob", "carol"})
        as_recorded_user(w, "preread", "POST", "/ocs/v2.php/apps/spreed/api/v4/room/e8ozjjhw/participants?format=json",
                         std::string(R"({"newParticipant": ")") + member + R"(", "source": "users"})");

    w.deck.next_board_id = 9;
    w.deck.next_stack_id = 17;
    w.deck.next_card_id = 17;
    w.deck.next_label_id = 33;
    as_recorded_user(w, "preread", "POST", "/index.php/apps/deck/api/v1.0/boards",
                     R"({"title": "Acc-c9cc22", "color": "0082c9"})");
    as_recorded_user(w, "preread", "POST", "/index.php/apps/deck/api/v1.0/boards/9/stacks",
                     R"({"title": "Pre-reads", "order": 1})");
    const nlohmann::json card = {
        {"title", "Pre-reads: Acceptance session (30 Nov 2026)"},
        {"type", "plain"},
        {"order", 999},
        {"owner", "preread"},
        {"duedate", "2026-11-30T09:19:00+00:00"},
        {"description",
         "Pre-reads for **Acceptance session** \u2014 Monday 30 November 2026, 10:19 (Europe/Berlin)\n\n"
         "- [x] alice: agenda.md\n- [x] alice: budget.ods\n- [x] alice: notes with space \u00fc.md\n"
         "- [x] bob: agenda.md\n- [x] bob: budget.ods\n- [x] bob: notes with space \u00fc.md\n"
         "- [x] carol: agenda.md\n- [x] carol: budget.ods\n- [ ] carol: notes with space \u00fc.md\n\n"
         "prereadd: acc/2026-11-30T10:19"}};
    as_recorded_user(w, "preread", "POST", "/index.php/apps/deck/api/v1.0/boards/9/stacks/17/cards", card.dump());
    as_recorded_user(w, "preread", "PUT", "/index.php/apps/deck/api/v1.0/boards/9/stacks/17/cards/17", card.dump());
}

// 31a: bob opens budget.ods in a browser, carol's desktop client syncs
// agenda.md, alice fetches a preview of agenda.md (1024 px) and of budget.ods
// (64 px, none made); the stream asked for starts after activity 163.
void reads_before_31a(world& w)
{
    w.set_next_activity_id(164);
    const std::string browser = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    as_recorded_user(w, "bob", "GET", "/remote.php/dav/files/bob/Acc-c9cc22/budget.ods", {}, browser);
    as_recorded_user(
        w, "carol", "GET", "/remote.php/dav/files/carol/Acc-c9cc22/agenda.md", {},
        "Mozilla/5.0 (Linux) mirall/3.14.3daily (Nextcloud, debian-6.1.0 ClientArchitecture: x86_64 OsArchitecture: x86_64)");
    as_recorded_user(w, "alice", "GET", "/index.php/core/preview?fileId=89&x=1024&y=1024&a=1", {}, browser);
    as_recorded_user(w, "alice", "GET", "/index.php/core/preview?fileId=90&x=64&y=64&a=1", {}, browser);
}

void mentions_room(world& w)
{
    w.talk.next_tokens = {"ix97ngyp"};
    w.talk.next_message_id = 70;
    as_recorded_user(w, "preread", "POST", "/ocs/v2.php/apps/spreed/api/v4/room?format=json",
                     R"({"roomType": 2, "roomName": "Mentions"})");
}

}  // namespace

void before_recording(nextcloud& sim, const capture& next)
{
    // The simulated server's clock is the recorded server's at each recording,
    // so dates, share expiry and Deck's "overdue" come out as they did then.
    if (auto date = http::parse_http_date(next.response.header("Date")))
        sim.with_world([&](world& w) { w.set_clock(date->time_since_epoch().count()); });
    if (next.name.starts_with("30a")) sim.with_world(seed_acceptance_run);
    if (next.name.starts_with("31a")) sim.with_world(reads_before_31a);
    if (next.name.starts_with("15m")) sim.with_world(mentions_room);
    if (next.name.starts_with("04a")) {
        // budget.ods and slides.pdf were uploaded between 03c and 04a.
        sim.with_world([](world& w) {
            w.put_file("preread", "/Projects/Alpha/budget.ods", std::string(408, 'b'),
                       "application/vnd.oasis.opendocument.spreadsheet");
            w.put_file("preread", "/Projects/Alpha/slides.pdf", std::string(193, 'p'), "application/pdf");
        });
    }
    if (next.name.starts_with("04c")) sim.with_world([](world& w) { w.set_next_token("4sbXfwb34CS7gyM"); });
    if (next.name.starts_with("14d")) {
        // bob was added to the conversation between 14b and 14d (no recording).
        sim.with_world([](world& w) {
            as_recorded_user(w, "preread", "POST",
                             "/ocs/v2.php/apps/spreed/api/v4/room/4csmt372/participants?format=json",
                             R"({"newParticipant": "bob", "source": "users"})");
        });
    }
    if (next.name.starts_with("21a")) sim.set_maintenance(true);
    if (next.name.starts_with("22a")) sim.set_maintenance(false);
}

std::vector<std::size_t> replay_order(const std::vector<capture>& captures)
{
    // By the Date each was recorded at (the 2026-11-30 recordings, 15m-15q
    // among them, came five days after the rest), in file order within a
    // second. The recording script ran bob's comment (11a) before the ETag
    // study's "after comment" step (10d) in the same second; 10d's comment count shows it.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < captures.size(); ++i) order.push_back(i);
    auto recorded_at = [&](std::size_t i) {
        auto date = http::parse_http_date(captures[i].response.header("Date"));
        return date ? date->time_since_epoch().count() : std::int64_t{0};
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return recorded_at(a) < recorded_at(b); });
    auto index_of = [&](std::string_view prefix) {
        for (std::size_t i = 0; i < order.size(); ++i)
            if (captures[order[i]].name.starts_with(prefix)) return i;
        return order.size();
    };
    auto from = index_of("11a"), to = index_of("10d");
    if (from < order.size() && to < from) {
        auto moved = order[from];
        order.erase(order.begin() + static_cast<std::ptrdiff_t>(from));
        order.insert(order.begin() + static_cast<std::ptrdiff_t>(to), moved);
    }
    return order;
}

std::string authorization_for(const capture& c)
{
    auto recorded = c.request.header("Authorization");
    if (recorded.empty()) return {};
    const bool wrong = c.description.find("wrong password") != std::string::npos ||
                       recorded.find("<wrong-password>") != std::string::npos;
    // "Basic <base64 USER:<app-password>>" or "Basic <base64 USER:<password>>"
    auto start = recorded.find("<base64 ");
    auto colon = recorded.find(':', start);
    if (start == std::string::npos || colon == std::string::npos) return recorded;
    std::string user = recorded.substr(start + 8, colon - start - 8);
    std::string secret = recorded.find("<app-password>") != std::string::npos ? recorded_credentials::app_password
                                                                              : recorded_credentials::password_of(user);
    if (wrong) secret = "wrong-" + secret;
    return "Basic " + base64_encode(user + ":" + secret);
}

}  // namespace prereadd::sim
