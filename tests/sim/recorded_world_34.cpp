// Seed data for replaying the Nextcloud 34.0.1 recordings (captures-34):
// the state the recorded server had before them, as its README's "State
// notes" tell it. Ids follow the recordings: /Projects/Alpha is file 333,
// the group share 14, carol's 18, the Talk room sigy2tyw, Deck board 5.
#include "tests/sim/recorded_world.hpp"

#include "http/timestamp.hpp"
#include "tests/sim/routes.hpp"
#include "tests/sim/text.hpp"

namespace prereadd::sim {

options recorded_options_34()
{
    options o;
    o.instance_id = "oc1xenonax6y";
    o.server = dialect::nc34;
    o.audit = audit_format::nc34;
    return o;
}

void seed_recorded_world_34(nextcloud& sim)
{
    sim.with_world([](world& w) {
        for (const auto& [id, name] : {std::pair{"admin", "admin"},
                                       {"alice", "Alice"},
                                       {"bob", "Bob"},
                                       {"carol", "Carol"},
                                       {"preread", "Preread Service"}})
            w.add_user(id, recorded_credentials::password_of(id), name);
        w.add_group("admin", {"admin"});
        w.add_group("team-alpha", {"alice", "bob", "carol"});
        w.add_subadmin("preread", "team-alpha");
        w.find_user("preread")->app_passwords.insert(recorded_credentials::app_password);
        w.first_login(*w.find_user("preread"));
        w.download_activity = true;
        // An acceptance run's project was there before (no 03a): /Projects and its folder.
        w.make_folder("preread", "/Projects");
        w.make_folder("preread", "/Projects/Acc-73cc93");
        // Shared read-only with the team (share 10; a group share takes an id per member too).
        w.set_next_share_id(10);
        (void)handle(w, false,
                     parse_request("POST", "/ocs/v2.php/apps/files_sharing/api/v1/shares?format=json",
                                   {{"authorization", "Basic " + base64_encode(std::string("preread:") +
                                                                               recorded_credentials::app_password)},
                                    {"ocs-apirequest", "true"},
                                    {"content-type", "application/json"}},
                                   R"({"path": "/Projects/Acc-73cc93", "shareType": 1, "shareWith": "team-alpha",
                                       "permissions": 1})"));
        (void)w.take_audit();
        w.deck.initialised.insert("preread");  // the acceptance run opened Deck before
        w.set_next_node_id(333);
        w.set_next_share_id(14);
        w.set_next_activity_id(382);
        w.set_next_comment_id(90);
        w.talk.next_tokens = {"sigy2tyw"};
        w.talk.next_room_id = 5;
        w.talk.next_message_id = 91;
        w.talk.next_attendee_id = 16;
        w.deck.next_board_id = 5;
        w.deck.next_stack_id = 8;
        w.deck.next_card_id = 9;
    });
}

void before_recording_34(nextcloud& sim, const capture& next)
{
    if (auto date = http::parse_http_date(next.response.header("Date")))
        sim.with_world([&](world& w) { w.set_clock(date->time_since_epoch().count()); });
    if (next.name.starts_with("21a")) sim.set_maintenance(true);
    if (next.name.starts_with("22c")) sim.set_maintenance(false);
}

}  // namespace prereadd::sim
