// Deck's REST API (index.php/apps/deck/api/v1.0, captures 18a-18p, 32a-32f):
// cards on a board's stack, their assignees and done state, the board's members. Plain JSON, not OCS
// envelopes; errors come as {"status":403,"message":"Permission denied"}.
#pragma once

#include "http/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prereadd::ocs {

struct deck_card {
    std::int64_t id = 0;
    std::int64_t stack_id = 0;
    std::string title;
    std::string description;
    std::optional<std::string> done;  // ISO 8601 time it was marked done
    std::optional<std::string> duedate;
    std::optional<std::string> last_editor;
    std::vector<std::string> assigned;  // user ids
    bool archived = false;
};

boost::system::result<deck_card> parse_deck_card(const nlohmann::json& j);
// GET .../stacks/{id}: the stack with its cards.
boost::system::result<std::vector<deck_card>> parse_deck_stack_cards(const nlohmann::json& j);

struct deck_place {
    std::int64_t board = 0;
    std::int64_t stack = 0;
};

struct card_fields {
    std::string title;
    std::string description;
    std::string duedate;              // ISO 8601 with offset, "2026-12-02T09:00:00+00:00"
    std::optional<std::string> done;  // set to mark done
    std::string owner;                // Deck wants it on PUT (capture 18f)
};

// GET /boards/{id} (32b): who is a member (Deck's findUsers: owner, users
// shared with, members of groups shared with) and what the asking user may do.
struct deck_acl_entry {
    int type = 0;  // 0 user, 1 group
    std::string participant;
    bool edit = false;
};

struct deck_board {
    std::int64_t id = 0;
    std::vector<std::string> members;  // user ids
    std::vector<deck_acl_entry> acl;
    bool may_edit = false;
    bool may_share = false;
};

boost::system::result<deck_board> parse_deck_board(const nlohmann::json& j);

boost::asio::awaitable<http::outcome<deck_board>> async_board(http::client& client, const http::url& base,
                                                              std::int64_t board);
// POST /boards/{id}/acl (32c): shares the board with a user (type 0) or a group
// (type 1), read-only unless `edit`. 403 when the asking user may not share it.
boost::asio::awaitable<http::outcome<void>> async_share_board(http::client& client, const http::url& base,
                                                              std::int64_t board, int type,
                                                              const std::string& participant, bool edit);

boost::asio::awaitable<http::outcome<deck_card>> async_create_card(http::client& client, const http::url& base,
                                                                   deck_place where, const card_fields& fields);
boost::asio::awaitable<http::outcome<deck_card>> async_update_card(http::client& client, const http::url& base,
                                                                   deck_place where, std::int64_t card,
                                                                   const card_fields& fields);
boost::asio::awaitable<http::outcome<void>> async_assign(http::client& client, const http::url& base, deck_place where,
                                                         std::int64_t card, const std::string& user, bool assign);
boost::asio::awaitable<http::outcome<std::vector<deck_card>>> async_stack_cards(http::client& client,
                                                                                const http::url& base,
                                                                                deck_place where);

}  // namespace prereadd::ocs
