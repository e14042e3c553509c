// Seed data for replaying the Nextcloud 34.0.1 recordings (captures-34):
// the state the recorded server had before them, as its README's "State
// notes" tell it. Ids follow the recordings: /Projects/Alpha is file 333,
// the group share 14, carol's 18, the Talk room sigy2tyw, Deck board 5.
#include "tests/sim/recorded_world.hpp"

#include "http/timestamp.hpp"

namespace prereadd::sim {

options recorded_options_34()
{
    options o;
    o.instance_id = "oc1xenonax6y";
    o.server = dialect::nc34;
    o.audit = audit_format::nc34;
    return o;
}

namespace {

// preread's Deck before the recordings (18i): Deck 1.18's welcome board, two
// "Alpha Board"s of earlier tries, shared with the team and soft-deleted, and
// the acceptance run's board. Ids as recorded; Alpha is board 5, stack 8, label 18.
void seed_boards(world& w)
{
    struct seeded {
        const char* title;
        const char* color;
        std::int64_t modified, deleted;
        std::size_t labels;
        std::vector<std::pair<const char*, std::int64_t>> stacks;  // title, lastModified
        bool shared;
    };
    const seeded boards[] = {
        {"Welcome to Nextcloud Deck!",
         "bf678b",
         1796030517,
         0,
         5,
         {{"Custom lists - click to rename!", 1796030517},
          {"To Do", 1796030517},
          {"In Progress", 1796030517},
          {"Done", 1796030517}},
         false},
        {"Alpha Board", "0082c9", 1796030533, 1796030533, 4, {{"Todo", 1796030522}}, true},
        {"Alpha Board", "0082c9", 1796030562, 1796030562, 4, {{"Todo", 1796030558}}, true},
        {"Acc-73cc93", "0082c9", 1796030734, 0, 4, {{"Pre-reads", 1796030734}}, false},
    };
    for (const auto& b : boards) {
        deck_board board;
        board.id = w.deck.next_board_id++;
        board.title = b.title;
        board.owner = "preread";
        board.color = b.color;
        board.last_modified = b.modified;
        board.deleted_at = b.deleted;
        for (std::size_t i = 0; i < b.labels; ++i) board.labels.push_back(w.deck.next_label_id++);
        if (b.shared) board.acl.push_back({w.deck.next_acl_id++, 1, "team-alpha", true, false, false});
        int order = b.stacks.size() > 1 ? 0 : 1;
        for (const auto& [title, modified] : b.stacks)
            w.deck.stacks.push_back({w.deck.next_stack_id++, board.id, title, order++, modified});
        w.deck.boards.push_back(std::move(board));
    }
}

}  // namespace

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
        as_recorded_user(w, "preread", "POST", "/ocs/v2.php/apps/files_sharing/api/v1/shares?format=json",
                         R"({"path": "/Projects/Acc-73cc93", "shareType": 1, "shareWith": "team-alpha",
                             "permissions": 1})");
        w.deck.initialised.insert("preread");  // the acceptance run opened Deck before
        w.set_next_node_id(333);
        w.set_next_share_id(14);
        w.set_next_activity_id(382);
        w.set_next_comment_id(90);
        w.talk.next_tokens = {"sigy2tyw"};
        w.talk.next_room_id = 5;
        w.talk.next_message_id = 91;
        w.talk.next_attendee_id = 16;
        seed_boards(w);
        w.deck.next_card_id = 9;
        w.next_webhook_id = 3;
    });
}

void before_recording_34(nextcloud& sim, const capture& next)
{
    // bob and alice had each joined the conversation once before, without the
    // session cookie (the 30b0 experiment): Talk 22 keeps that session too, so
    // 30g and 30l list two session ids for each.
    for (const auto& [recording, user] : {std::pair{"30a", "bob"}, std::pair{"30d", "alice"}})
        if (next.name.starts_with(recording))
            sim.with_world([&](world& w) {
                as_recorded_user(w, user, "POST",
                                 "/ocs/v2.php/apps/spreed/api/v4/room/sigy2tyw/participants/active?format=json");
            });
    if (auto date = http::parse_http_date(next.response.header("Date")))
        sim.with_world([&](world& w) { w.set_clock(date->time_since_epoch().count()); });
    if (next.name.starts_with("21a")) sim.set_maintenance(true);
    if (next.name.starts_with("22c")) sim.set_maintenance(false);
}

std::vector<std::size_t> replay_order_34(const std::vector<capture>& captures)
{
    // By Date as the 29 set; within 09:31:05 the script assigned carol
    // (32a-32d) before the checklist and done updates (18f, 18g show her).
    auto order = replay_order(captures);
    auto index_of = [&](std::string_view prefix) {
        for (std::size_t i = 0; i < order.size(); ++i)
            if (captures[order[i]].name.starts_with(prefix)) return i;
        return order.size();
    };
    for (const char* moved : {"32a", "32b", "32c", "32d"}) {
        const auto from = index_of(moved), to = index_of("18f");
        if (from >= order.size() || to >= order.size() || from < to) continue;
        const auto item = order[from];
        order.erase(order.begin() + static_cast<std::ptrdiff_t>(from));
        order.insert(order.begin() + static_cast<std::ptrdiff_t>(to), item);
    }
    return order;
}

}  // namespace prereadd::sim
