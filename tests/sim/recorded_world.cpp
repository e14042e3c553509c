// Seed data for replaying the captures (see recorded_world.hpp).
// Ids follow the recording: /Projects is file 12, agenda.md 14, slides.pdf 16.
#include "tests/sim/recorded_world.hpp"

#include "tests/sim/routes.hpp"
#include "tests/sim/text.hpp"

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

void before_recording(nextcloud& sim, const capture& next)
{
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
            auto req = parse_request("POST", "/ocs/v2.php/apps/spreed/api/v4/room/4csmt372/participants?format=json",
                                     {{"authorization", "Basic " + base64_encode(std::string("preread:") +
                                                                           recorded_credentials::app_password)},
                                      {"ocs-apirequest", "true"},
                                      {"content-type", "application/json"}},
                                     R"({"newParticipant": "bob", "source": "users"})");
            (void)handle(w, false, req);
            (void)w.take_audit();
        });
    }
    if (next.name.starts_with("21a")) sim.set_maintenance(true);
    if (next.name.starts_with("22a")) sim.set_maintenance(false);
}

std::vector<std::size_t> replay_order(const std::vector<capture>& captures)
{
    // The recording script ran bob's comment (11a) before the ETag study's
    // "after comment" step (10d); the Date headers and 10d's comment count show it.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < captures.size(); ++i) order.push_back(i);
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
    const bool wrong = c.description.find("wrong password") != std::string::npos;
    // "Basic <base64 USER:<app-password>>" or "Basic <base64 USER:<password>>"
    auto start = recorded.find("<base64 ");
    auto colon = recorded.find(':', start);
    if (start == std::string::npos || colon == std::string::npos) return recorded;
    std::string user = recorded.substr(start + 8, colon - start - 8);
    std::string secret = recorded.find("<app-password>") != std::string::npos
                             ? recorded_credentials::app_password
                             : recorded_credentials::password_of(user);
    if (wrong) secret = "wrong-" + secret;
    return "Basic " + base64_encode(user + ":" + secret);
}

}  // namespace prereadd::sim
