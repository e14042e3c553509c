// Deck 1.13 as recorded (18a-18p): plain JSON REST under /index.php (no OCS
// envelope, no OCS-APIRequest needed), an OCS endpoint for card comments,
// 403 for a board that does not exist, ETag/If-None-Match on the board list.
#include "tests/sim/routes_detail.hpp"

#include <date/date.h>

#include <algorithm>
#include <sstream>

namespace prereadd::sim::detail {
namespace {

struct default_label {
    const char* title;
    const char* color;
};
// The four of every new board, and the fifth the welcome board of Deck 1.18 has (34's 18i).
constexpr default_label default_labels[] = {{"Finished", "31CC7C"},
                                            {"To review", "317CCC"},
                                            {"Action needed", "FF7A66"},
                                            {"Later", "F1DB50"},
                                            {"Read more inside", "CC317C"}};
constexpr std::size_t new_board_labels = 4;

sim_response plain_json(unsigned status, const json& body)
{
    sim_response res;
    res.status = status;
    res.set("Content-Type", "application/json; charset=utf-8");
    res.body = php_json_slashes(body.dump());
    return res;
}

sim_response permission_denied() { return plain_json(403, {{"status", 403}, {"message", "Permission denied"}}); }

json principal(world& w, const std::string& id, int type)
{
    const user* u = type == 0 ? w.find_user(id) : nullptr;
    return {{"primaryKey", id}, {"uid", id}, {"displayname", u ? u->display_name : id}, {"type", type}};
}

std::string etag_of(std::int64_t modified, int id)
{
    return md5_hex(std::to_string(modified) + ":" + std::to_string(id));
}

deck_board* find_board(world& w, int id)
{
    for (auto& b : w.deck.boards)
        if (b.id == id) return &b;
    return nullptr;
}

deck_stack* find_stack(world& w, int id)
{
    for (auto& s : w.deck.stacks)
        if (s.id == id) return &s;
    return nullptr;
}

deck_card* find_card(world& w, int id)
{
    for (auto& c : w.deck.cards)
        if (c.id == id) return &c;
    return nullptr;
}

// Deck's PermissionService::getPermissions: the owner may do everything; for
// others a user ACL entry decides alone, else the first group entry the user
// is in. Reading needs any entry.
struct deck_permissions {
    bool read = false, edit = false, share = false, manage = false;
};

deck_permissions permissions_of(world& w, const deck_board& b, const std::string& user_id)
{
    if (b.owner == user_id) return {true, true, true, true};
    for (const auto& a : b.acl)
        if (a.type == 0 && a.participant == user_id) return {true, a.edit, a.share, a.manage};
    auto groups = w.groups_of(user_id);
    for (const auto& a : b.acl)
        if (a.type == 1 && std::find(groups.begin(), groups.end(), a.participant) != groups.end())
            return {true, a.edit, a.share, a.manage};
    return {};
}

bool can_read(world& w, const deck_board& b, const std::string& user_id) { return permissions_of(w, b, user_id).read; }

// PermissionService::findUsers: the owner, users with an entry, members of groups with one.
std::vector<std::string> board_members(world& w, const deck_board& b)
{
    std::vector<std::string> out{b.owner};
    for (const auto& a : b.acl) {
        auto members = a.type == 1 ? w.group_members(a.participant) : std::vector<std::string>{a.participant};
        for (const auto& m : members)
            if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
    }
    return out;
}

deck_board& create_board(world& w, const std::string& owner, const std::string& title, const std::string& color)
{
    deck_board b;
    b.id = w.deck.next_board_id++;
    b.title = title;
    b.owner = owner;
    b.color = color;
    b.last_modified = 0;
    for (std::size_t i = 0; i < new_board_labels; ++i) b.labels.push_back(w.deck.next_label_id++);
    w.deck.boards.push_back(std::move(b));
    return w.deck.boards.back();
}

deck_stack& create_stack(world& w, int board, const std::string& title, int order)
{
    deck_stack s;
    s.id = w.deck.next_stack_id++;
    s.board = board;
    s.title = title;
    s.order = order;
    w.deck.stacks.push_back(std::move(s));
    return w.deck.stacks.back();
}

// Deck makes a "Personal" board with three stacks and welcome cards the first
// time a user opens it.
void ensure_personal_board(world& w, const std::string& user_id)
{
    if (!w.deck.initialised.insert(user_id).second) return;
    auto& board = create_board(w, user_id, "Personal", "0087C5");
    const int board_id = board.id;
    const auto now = w.now();
    int first_stack = 0;
    for (const char* title : {"To do", "Doing", "Done"}) {
        auto& s = create_stack(w, board_id, title, 1);
        s.last_modified = now;
        if (!first_stack) first_stack = s.id;
    }
    for (const char* title :
         {"Custom lists - click to rename!", "Drag cards left and right, up and down", "Create your first card!"}) {
        deck_card c;
        c.id = w.deck.next_card_id++;
        c.stack = first_stack;
        c.title = title;
        c.owner = user_id;
        c.created = c.last_modified = now;
        w.deck.cards.push_back(std::move(c));
    }
    find_board(w, board_id)->last_modified = now;
}

json label_json(const deck_board& b, std::size_t index, bool details)
{
    return {{"id", b.labels[index]},
            {"title", default_labels[index].title},
            {"color", default_labels[index].color},
            {"boardId", b.id},
            {"cardId", nullptr},
            {"lastModified", details ? json(b.last_modified) : json(nullptr)},
            {"ETag", details ? etag_of(0, 0) : md5_hex("")}};
}

json acl_json(world& w, const deck_board& b, const deck_acl& a)
{
    return {{"id", a.id},
            {"participant", principal(w, a.participant, a.type)},
            {"type", a.type},
            {"boardId", b.id},
            {"permissionEdit", a.edit},
            {"permissionShare", a.share},
            {"permissionManage", a.manage},
            {"owner", false}};
}

json stack_json(const world& w, const deck_stack& s)
{
    json j = {{"id", s.id},
              {"title", s.title},
              {"boardId", s.board},
              {"deletedAt", 0},
              {"lastModified", s.last_modified},
              {"order", s.order},
              {"ETag", etag_of(s.last_modified, s.id)}};
    if (w.server == dialect::nc34) j["isDoneColumn"] = false;  // Deck 1.18
    return j;
}

json permissions_json(world& w, const deck_board& b, const std::string& viewer)
{
    const auto p = permissions_of(w, b, viewer);
    return {{"PERMISSION_READ", p.read},
            {"PERMISSION_EDIT", p.edit},
            {"PERMISSION_MANAGE", p.manage},
            {"PERMISSION_SHARE", p.share}};
}

enum class board_shape { created, listed, detailed, single };

json board_json(world& w, const deck_board& b, const std::string& viewer, board_shape shape)
{
    json j;
    j["id"] = b.id;
    j["title"] = b.title;
    j["owner"] = principal(w, b.owner, 0);
    j["color"] = b.color;
    j["archived"] = b.archived;
    json labels = json::array();
    if (shape != board_shape::listed)
        for (std::size_t i = 0; i < b.labels.size(); ++i)
            labels.push_back(label_json(
                b, i, shape == board_shape::detailed || shape == board_shape::single || w.server == dialect::nc34));
    j["labels"] = labels;
    json acl = json::array();
    for (const auto& a : b.acl) acl.push_back(acl_json(w, b, a));
    j["acl"] = acl;
    j["permissions"] = permissions_json(w, b, viewer);
    json users = json::array();
    if (shape == board_shape::detailed || shape == board_shape::single)
        for (const auto& m : board_members(w, b)) users.push_back(principal(w, m, 0));
    j["users"] = users;
    // GET /boards/{id} leaves "shared" out (32b); the board list has it (18i).
    if (shape == board_shape::listed || shape == board_shape::detailed) j["shared"] = b.owner == viewer ? 0 : 2;
    json stacks = json::array();
    if (shape == board_shape::detailed || shape == board_shape::single)
        for (const auto& s : w.deck.stacks)
            if (s.board == b.id) stacks.push_back(stack_json(w, s));
    j["stacks"] = stacks;
    j["activeSessions"] = json::array();
    j["deletedAt"] = b.deleted_at;
    j["lastModified"] = b.last_modified;
    j["settings"] = shape == board_shape::detailed || shape == board_shape::single
                        ? json{{"notify-due", "assigned"}, {"calendar", true}}
                        : json::array();
    j["ETag"] = etag_of(b.last_modified, b.id);
    if (w.server == dialect::nc34) {
        j["shareToken"] = nullptr;  // Deck 1.18 (18a, 32b)
        j["externalId"] = nullptr;
    }
    return j;
}

enum class card_shape { created, updated, fetched, in_stack };

json card_json(world& w, const deck_card& c, card_shape shape)
{
    // Deck 1.18 answers every write with the whole card (18c, 18f, 18g on 34).
    const bool v118 = w.server == dialect::nc34;
    const bool full = shape == card_shape::fetched || shape == card_shape::in_stack || v118;
    json j;
    j["id"] = c.id;
    j["title"] = c.title;
    j["description"] = c.description;
    if (!full) j["descriptionPrev"] = c.description_prev ? json(*c.description_prev) : json(nullptr);
    j["stackId"] = c.stack;
    j["type"] = c.type;
    j["lastModified"] = c.last_modified;
    j["lastEditor"] = c.last_editor ? json(*c.last_editor) : json(nullptr);
    j["createdAt"] = c.created;
    if (v118) j["color"] = nullptr;
    j["labels"] = shape == card_shape::created && !v118 ? json(nullptr) : json::array();
    if (full) {
        json assigned = json::array();
        for (const auto& [id, u] : c.assigned)
            assigned.push_back({{"id", id}, {"participant", principal(w, u, 0)}, {"cardId", c.id}, {"type", 0}});
        j["assignedUsers"] = assigned;
    } else {
        // Deck 1.13 answers a write without the assignments (18f, 18g).
        j["assignedUsers"] = nullptr;
    }
    j["attachments"] = shape == card_shape::fetched || v118 ? json::array() : json(nullptr);
    j["attachmentCount"] = full ? json(0) : json(nullptr);
    j["owner"] = shape == card_shape::created && !v118 ? json(c.owner) : principal(w, c.owner, 0);
    j["order"] = c.order;
    j["archived"] = c.archived;
    j["done"] = c.done ? json(*c.done) : json(nullptr);
    j["duedate"] = c.duedate ? json(*c.duedate) : json(nullptr);
    if (v118) j["startdate"] = nullptr;
    if (!full) j["notified"] = false;
    j["deletedAt"] = 0;
    j["commentsUnread"] = 0;
    j["commentsCount"] = 0;
    if (!full) {
        j["relatedStack"] = nullptr;
        j["relatedBoard"] = nullptr;
    }
    if (v118) j["dependentCards"] = json::array();
    j["ETag"] = etag_of(c.last_modified, c.id);
    if (full) j["overdue"] = 0;
    if (v118) j["referenceData"] = nullptr;
    return j;
}

std::vector<std::string> split(const std::string& path)
{
    std::vector<std::string> out;
    std::stringstream in(path);
    for (std::string part; std::getline(in, part, '/');)
        if (!part.empty()) out.push_back(part);
    return out;
}

std::optional<std::string> text_param(const std::map<std::string, std::string>& p, const char* name)
{
    auto it = p.find(name);
    if (it == p.end() || it->second == "null") return std::nullopt;
    return it->second;
}

}  // namespace

sim_response handle_deck(world& w, const user& who, const sim_request& req)
{
    ensure_personal_board(w, who.id);
    // /index.php/apps/deck/api/v1.0/boards[/{id}[/stacks[/{id}[/cards[/{id}[/assignUser]]]]]|/acl]
    auto parts = split(req.path.substr(std::string("/index.php/apps/deck/api/v1.0").size()));
    auto params = form_or_json(req);
    const auto now = w.now();
    if (parts.empty() || parts[0] != "boards") return plain_json(404, {{"status", 404}, {"message", "Not found"}});

    if (parts.size() == 1) {
        if (req.method == "POST") {
            auto& b = create_board(w, who.id, params["title"], params.count("color") ? params["color"] : "0082c9");
            return plain_json(200, board_json(w, b, who.id, board_shape::created));
        }
        if (!req.header("if-modified-since").empty() && w.server == dialect::nc29) {
            // Deck 1.13 calls a Sabre helper missing from Nextcloud 29 (18j); 1.18 on 34 answers the list.
            const std::string request_id = "sim" + md5_hex(std::to_string(now)).substr(0, 17);
            auto res = plain_json(500, {{"status", 500},
                                        {"message",
                                         "Internal server error: Please contact the server administrator if "
                                         "this error reappears multiple times, please include the request "
                                         "ID \"" +
                                             request_id + "\" below in your report."},
                                        {"requestId", request_id}});
            res.close = true;
            return res;
        }
        const bool details = req.query.count("details") && req.query.at("details") == "true";
        // The user's own boards first, then those shared with them (18m).
        json list = json::array();
        for (bool own : {true, false})
            for (const auto& b : w.deck.boards)
                if ((b.owner == who.id) == own && can_read(w, b, who.id))
                    list.push_back(board_json(w, b, who.id, details ? board_shape::detailed : board_shape::listed));
        // Deck's ETag is the boards' own, whatever the details asked for: 34's 18i
        // (details), 18j and 18k (none) give the same one.
        std::string identity;
        for (const auto& b : list)
            identity += std::to_string(b["id"].get<int>()) + ":" +
                        std::to_string(b["lastModified"].get<std::int64_t>()) + ":" + b["acl"].dump() + ";";
        const std::string etag = "\"" + md5_hex(identity) + "\"";
        if (req.header("if-none-match") == etag) {
            sim_response res;
            res.status = 304;
            res.set("ETag", etag);
            return res;
        }
        auto res = plain_json(200, list);
        res.headers.insert(res.headers.begin(), {"ETag", etag});
        return res;
    }

    deck_board* board = find_board(w, std::atoi(parts[1].c_str()));
    if (!board || !can_read(w, *board, who.id)) return permission_denied();
    const auto allowed = permissions_of(w, *board, who.id);
    if (parts.size() == 2 && req.method == "GET") {
        auto res = plain_json(200, board_json(w, *board, who.id, board_shape::single));
        res.headers.insert(res.headers.begin(), {"ETag", "\"" + etag_of(board->last_modified, board->id) + "\""});
        return res;
    }
    if (parts.size() == 3 && parts[2] == "acl" && req.method == "POST") {
        // BoardService::addAcl: sharing needs the share permission.
        if (!allowed.share) return permission_denied();
        deck_acl a;
        a.id = w.deck.next_acl_id++;
        a.type = std::atoi(params["type"].c_str());
        a.participant = params["participant"];
        a.edit = params["permissionEdit"] == "true";
        a.share = params["permissionShare"] == "true";
        a.manage = params["permissionManage"] == "true";
        board->acl.push_back(a);
        board->last_modified = now;
        return plain_json(200, acl_json(w, *board, a));
    }
    if (parts.size() >= 3 && parts[2] == "stacks") {
        if (parts.size() == 3 && req.method == "POST") {
            if (!allowed.manage) return permission_denied();  // StackService::create
            auto& s = create_stack(w, board->id, params["title"], std::atoi(params["order"].c_str()));
            return plain_json(200, stack_json(w, s));
        }
        if (parts.size() == 3 && req.method == "GET") {
            json list = json::array();
            for (const auto& s : w.deck.stacks) {
                if (s.board != board->id) continue;
                json j = stack_json(w, s);
                json cards = json::array();
                for (const auto& c : w.deck.cards)
                    if (c.stack == s.id && !c.archived) cards.push_back(card_json(w, c, card_shape::in_stack));
                json ordered;
                for (const char* key : {"id", "title", "boardId", "deletedAt", "lastModified"}) ordered[key] = j[key];
                ordered["cards"] = cards;
                ordered["order"] = j["order"];
                ordered["ETag"] = j["ETag"];
                if (j.contains("isDoneColumn")) ordered["isDoneColumn"] = j["isDoneColumn"];
                list.push_back(ordered);
            }
            return plain_json(200, list);
        }
        deck_stack* stack = find_stack(w, std::atoi(parts[3].c_str()));
        if (!stack || stack->board != board->id) return permission_denied();
        if (parts.size() == 4 && req.method == "GET") {
            // One stack with its cards (Deck API docs: GET /boards/{boardId}/stacks/{stackId}; not recorded).
            json j = stack_json(w, *stack);
            json cards = json::array();
            for (const auto& c : w.deck.cards)
                if (c.stack == stack->id && !c.archived) cards.push_back(card_json(w, c, card_shape::in_stack));
            json ordered;
            for (const char* key : {"id", "title", "boardId", "deletedAt", "lastModified"}) ordered[key] = j[key];
            ordered["cards"] = cards;
            ordered["order"] = j["order"];
            ordered["ETag"] = j["ETag"];
            return plain_json(200, ordered);
        }
        if (parts.size() == 5 && parts[4] == "cards" && req.method == "POST") {
            if (!allowed.edit) return permission_denied();  // CardService::create
            deck_card c;
            c.id = w.deck.next_card_id++;
            c.stack = stack->id;
            c.title = params["title"];
            c.description = params["description"];
            c.type = params.count("type") ? params["type"] : "plain";
            c.order = std::atoi(params["order"].c_str());
            c.owner = who.id;
            c.created = c.last_modified = now;
            c.duedate = text_param(params, "duedate");
            w.deck.cards.push_back(c);
            stack->last_modified = board->last_modified = now;
            return plain_json(200, card_json(w, w.deck.cards.back(), card_shape::created));
        }
        if (parts.size() >= 6 && parts[4] == "cards") {
            deck_card* card = find_card(w, std::atoi(parts[5].c_str()));
            if (!card || card->stack != stack->id) return permission_denied();
            if (parts.size() == 6 && req.method == "GET") {
                auto res = plain_json(200, card_json(w, *card, card_shape::fetched));
                res.headers.insert(res.headers.begin(), {"ETag", "\"" + etag_of(card->last_modified, card->id) + "\""});
                return res;
            }
            if (parts.size() == 6 && req.method == "PUT") {
                // CardService::update: a read-only member may not change the card, not even mark it done (32f).
                if (!allowed.edit) return permission_denied();
                // descriptionPrev changes only with the description (18g keeps 18f's).
                if (params["description"] != card->description) card->description_prev = card->description;
                card->title = params["title"];
                card->description = params["description"];
                if (params.count("type")) card->type = params["type"];
                card->order = std::atoi(params["order"].c_str());
                card->duedate = text_param(params, "duedate");
                card->done = text_param(params, "done");
                if (params.count("archived")) card->archived = params["archived"] == "true";
                card->last_editor = who.id;
                card->last_modified = now;
                stack->last_modified = board->last_modified = now;
                return plain_json(200, card_json(w, *card, card_shape::updated));
            }
            if (parts.size() == 7 && parts[6] == "unassignUser" && req.method == "PUT") {
                // AssignmentService::unassignUser (not recorded): edit permission, then the
                // removed assignment, or NotFoundException (404) when there was none.
                if (!allowed.edit) return permission_denied();
                const std::string assignee = params["userId"];
                auto it = std::find_if(card->assigned.begin(), card->assigned.end(),
                                       [&](const auto& a) { return a.second == assignee; });
                if (it == card->assigned.end())
                    return plain_json(404, {{"status", 404}, {"message", "No assignment for " + assignee + "found."}});
                json removed = {
                    {"id", it->first}, {"participant", principal(w, assignee, 0)}, {"cardId", card->id}, {"type", 0}};
                card->assigned.erase(it);
                card->last_modified = now;
                return plain_json(200, removed);
            }
            if (parts.size() == 7 && parts[6] == "assignUser" && req.method == "PUT") {
                // AssignmentService::assignUser: edit permission, not assigned yet, and the
                // assignee a member of the board, directly or through a group (32a, 32d).
                if (!allowed.edit) return permission_denied();
                const std::string assignee = params["userId"];
                if (std::any_of(card->assigned.begin(), card->assigned.end(),
                                [&](const auto& a) { return a.second == assignee; }))
                    return plain_json(400, {{"status", 400}, {"message", "The user is already assigned to the card"}});
                const auto members = board_members(w, *board);
                const bool group_named_so = std::count_if(board->acl.begin(), board->acl.end(), [&](const deck_acl& a) {
                                                return a.type == 1 && a.participant == assignee;
                                            }) == 1;
                if (std::find(members.begin(), members.end(), assignee) == members.end() && !group_named_so)
                    return plain_json(400, {{"status", 400}, {"message", "The user is not part of the board"}});
                int id = w.deck.next_assignment_id++;
                card->assigned.emplace_back(id, assignee);
                card->last_modified = now;
                return plain_json(
                    200, {{"id", id}, {"participant", principal(w, assignee, 0)}, {"cardId", card->id}, {"type", 0}});
            }
        }
    }
    return plain_json(404, {{"status", 404}, {"message", "Not found"}});
}

sim_response handle_deck_ocs(world& w, const user& who, const sim_request& req, const std::string& route)
{
    // /apps/deck/api/v1.0/cards/{id}/comments
    auto parts = split(route);
    if (parts.size() == 7 && parts[4] == "cards" && parts[6] == "comments" && req.method == "POST") {
        deck_card* card = find_card(w, std::atoi(parts[5].c_str()));
        if (!card) return ocs_reply(req, 404, "", json::array());
        auto params = form_or_json(req);
        // Deck comments live in Nextcloud's comments table, as file comments do.
        const comment& c = w.add_comment(-card->id, who.id, params["message"]);
        json mentions = json::array();
        for (const auto& m : c.mentions)
            mentions.push_back({{"mentionId", m}, {"mentionType", "user"}, {"mentionDisplayName", m}});
        return ocs_reply(
            req, 200, "OK",
            {{"id", c.id},
             {"objectId", card->id},
             {"message", c.message},
             {"actorId", who.id},
             {"actorType", "users"},
             {"actorDisplayName", who.display_name},
             {"creationDateTime", date::format("%FT%T+00:00", date::sys_seconds{std::chrono::seconds(c.created)})},
             {"mentions", mentions}});
    }
    return ocs_reply(req, 404, "", json::array());
}

}  // namespace prereadd::sim::detail
