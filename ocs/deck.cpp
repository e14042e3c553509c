// Deck calls (see deck.hpp).
#include "ocs/deck.hpp"

#include "ocs/envelope.hpp"
#include "ocs/request.hpp"

namespace prereadd::ocs {
namespace {

namespace bhttp = boost::beast::http;
using json = nlohmann::json;

http::request deck_request(const http::url& base, bhttp::verb method, const std::string& path,
                           const json* body = nullptr)
{
    http::request req;
    req.method = method;
    req.url = base.with_path("/index.php/apps/deck/api/v1.0" + path);
    req.ocs = true;  // not needed by Deck (18p), but it keeps Nextcloud's CSRF check out of the way
    req.headers.set(bhttp::field::accept, "application/json");
    if (body) {
        req.headers.set(bhttp::field::content_type, "application/json");
        req.body = body->dump();
    }
    return req;
}

// Deck answers errors with their own JSON ({"status":403,"message":"Permission denied"}).
http::outcome<json> deck_json(const http::response& res, const std::string& what)
{
    json j = json::parse(res.body, nullptr, false);
    if (res.status != 200) {
        std::string detail = what + " answered " + std::to_string(res.status);
        if (j.is_object() && j.contains("message") && j["message"].is_string())
            detail += ": " + j["message"].get<std::string>();
        return http::failure{make_error_code(error::request_failed), detail, res.status};
    }
    if (j.is_discarded()) return http::failure{make_error_code(error::malformed_json), what};
    return j;
}

std::string card_path(deck_place where)
{
    return "/boards/" + std::to_string(where.board) + "/stacks/" + std::to_string(where.stack) + "/cards";
}

json body_of(const card_fields& f)
{
    json j{
        {"title", f.title}, {"type", "plain"}, {"order", 999}, {"description", f.description}, {"duedate", f.duedate}};
    if (!f.owner.empty()) j["owner"] = f.owner;
    if (f.done) j["done"] = *f.done;
    return j;
}

}  // namespace

boost::system::result<deck_card> parse_deck_card(const json& j)
{
    if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer())
        return make_error_code(error::unexpected_data);
    deck_card c;
    c.id = j["id"].get<std::int64_t>();
    if (auto it = j.find("stackId"); it != j.end() && it->is_number_integer()) c.stack_id = it->get<std::int64_t>();
    c.title = string_field(j, "title").value_or("");
    c.description = string_field(j, "description").value_or("");
    c.done = string_field(j, "done");
    c.duedate = string_field(j, "duedate");
    c.last_editor = string_field(j, "lastEditor");
    if (auto it = j.find("archived"); it != j.end() && it->is_boolean()) c.archived = it->get<bool>();
    if (auto it = j.find("assignedUsers"); it != j.end() && it->is_array())
        for (const auto& a : *it)
            if (a.is_object() && a.contains("participant") && a["participant"].is_object())
                c.assigned.push_back(string_field(a["participant"], "uid").value_or(""));
    return c;
}

boost::system::result<std::vector<deck_card>> parse_deck_stack_cards(const json& j)
{
    if (!j.is_object()) return make_error_code(error::unexpected_data);
    std::vector<deck_card> out;
    auto cards = j.find("cards");
    if (cards == j.end() || cards->is_null()) return out;  // Deck leaves "cards" out of an empty stack
    if (!cards->is_array()) return make_error_code(error::unexpected_data);
    for (const auto& c : *cards) {
        auto card = parse_deck_card(c);
        if (!card) return card.error();
        out.push_back(std::move(*card));
    }
    return out;
}

boost::system::result<deck_board> parse_deck_board(const json& j)
{
    if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer())
        return make_error_code(error::unexpected_data);
    deck_board b;
    b.id = j["id"].get<std::int64_t>();
    if (auto it = j.find("users"); it != j.end() && it->is_array())
        for (const auto& u : *it)
            if (auto uid = u.is_object() ? string_field(u, "uid") : std::nullopt) b.members.push_back(*uid);
    if (auto it = j.find("acl"); it != j.end() && it->is_array())
        for (const auto& a : *it) {
            if (!a.is_object() || !a.contains("participant") || !a["participant"].is_object()) continue;
            deck_acl_entry e;
            if (auto t = a.find("type"); t != a.end() && t->is_number_integer()) e.type = t->get<int>();
            e.participant = string_field(a["participant"], "uid").value_or("");
            if (auto edit = a.find("permissionEdit"); edit != a.end() && edit->is_boolean()) e.edit = edit->get<bool>();
            b.acl.push_back(std::move(e));
        }
    if (auto it = j.find("permissions"); it != j.end() && it->is_object()) {
        b.may_edit = it->value("PERMISSION_EDIT", false);
        b.may_share = it->value("PERMISSION_SHARE", false);
    }
    return b;
}

boost::asio::awaitable<http::outcome<deck_board>> async_board(http::client& client, const http::url& base,
                                                              std::int64_t board)
{
    co_return co_await async_exchange(client, deck_request(base, bhttp::verb::get, "/boards/" + std::to_string(board)),
                                      "Deck board " + std::to_string(board), deck_json, &parse_deck_board);
}

boost::asio::awaitable<http::outcome<void>> async_share_board(http::client& client, const http::url& base,
                                                              std::int64_t board, int type,
                                                              const std::string& participant, bool edit)
{
    const json body{{"type", type},
                    {"participant", participant},
                    {"permissionEdit", edit},
                    {"permissionShare", false},
                    {"permissionManage", false}};
    const std::string what =
        "sharing Deck board " + std::to_string(board) + " with " + (type == 1 ? "group " : "") + participant;
    auto res = co_await client.async_request(
        deck_request(base, bhttp::verb::post, "/boards/" + std::to_string(board) + "/acl", &body));
    if (!res) co_return res.error();
    auto j = deck_json(*res, what);
    if (!j) co_return j.error();
    co_return http::outcome<void>{};
}

boost::asio::awaitable<http::outcome<deck_card>> async_create_card(http::client& client, const http::url& base,
                                                                   deck_place where, const card_fields& fields)
{
    const json body = body_of(fields);
    co_return co_await async_exchange(client, deck_request(base, bhttp::verb::post, card_path(where), &body),
                                      "new Deck card", deck_json, &parse_deck_card);
}

boost::asio::awaitable<http::outcome<deck_card>> async_update_card(http::client& client, const http::url& base,
                                                                   deck_place where, std::int64_t card,
                                                                   const card_fields& fields)
{
    const json body = body_of(fields);
    co_return co_await async_exchange(
        client, deck_request(base, bhttp::verb::put, card_path(where) + "/" + std::to_string(card), &body),
        "Deck card " + std::to_string(card), deck_json, &parse_deck_card);
}

boost::asio::awaitable<http::outcome<void>> async_assign(http::client& client, const http::url& base, deck_place where,
                                                         std::int64_t card, const std::string& user, bool assign)
{
    const json body{{"userId", user}};
    const std::string what =
        std::string(assign ? "assigning " : "unassigning ") + user + " on Deck card " + std::to_string(card);
    auto res = co_await client.async_request(deck_request(
        base, bhttp::verb::put,
        card_path(where) + "/" + std::to_string(card) + (assign ? "/assignUser" : "/unassignUser"), &body));
    if (!res) co_return res.error();
    auto j = deck_json(*res, what);
    if (!j) co_return j.error();
    co_return http::outcome<void>{};
}

boost::asio::awaitable<http::outcome<std::vector<deck_card>>> async_stack_cards(http::client& client,
                                                                                const http::url& base, deck_place where)
{
    co_return co_await async_exchange(
        client,
        deck_request(base, bhttp::verb::get,
                     "/boards/" + std::to_string(where.board) + "/stacks/" + std::to_string(where.stack)),
        "Deck stack " + std::to_string(where.stack), deck_json, &parse_deck_stack_cards);
}

}  // namespace prereadd::ocs
