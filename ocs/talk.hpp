// Talk (spreed) over OCS: the members of a conversation. Talk 17 answers
// with an attendee per user, group, guest, e-mail or federated actor
// (capture 14f); a group added to a conversation also adds its members as
// users, so the users are the conversation's people.
#pragma once

#include "http/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace prereadd::ocs {

struct talk_attendee {
    std::string actor_type;  // users, groups, guests, emails, federated_users, ...
    std::string actor_id;
    int participant_type = 0;  // 1 owner, 2 moderator, 3 user, 4 guest, ...
    int in_call = 0;           // flags of the session in the call (30g); 0: not in it (30l)
};

// The data of GET /apps/spreed/api/v4/room/{token}/participants.
boost::system::result<std::vector<talk_attendee>> parse_talk_participants(const nlohmann::json& data);

// The ids of the users in the conversation, sorted and unique.
std::vector<std::string> talk_users(const std::vector<talk_attendee>& attendees);

boost::asio::awaitable<http::outcome<std::vector<talk_attendee>>> async_talk_participants(http::client& client,
                                                                                          const http::url& base,
                                                                                          const std::string& token);

struct chat_message {
    std::int64_t id = 0;
    std::string actor_type;
    std::string actor_id;
    std::int64_t timestamp = 0;
    std::string message;         // with {mention-user1} placeholders
    std::string system_message;  // "" for comments; "reaction", "reaction_revoked", ...
    std::string reference_id;
    std::optional<std::int64_t> parent_id;  // for a reaction: the message reacted to
    // The users a message names, by parameter: "actor", "user1".."userN" of
    // call_ended (30j), "mention-user1".. of a comment (15a). Other kinds
    // (guests, groups, calls, files) are left out.
    std::map<std::string, std::string> users;
};

// The data of a chat request: one message (POST) or a list (GET).
boost::system::result<chat_message> parse_chat_message(const nlohmann::json& data);
boost::system::result<std::vector<chat_message>> parse_chat_messages(const nlohmann::json& data);

// Posts a message with a referenceId (64 hex digits: the outbox's key). A
// POST is never retried by the client; the caller checks the history by
// referenceId before trying again (capture 15a).
boost::asio::awaitable<http::outcome<chat_message>> async_post_message(http::client& client, const http::url& base,
                                                                       const std::string& token,
                                                                       const std::string& text,
                                                                       const std::string& reference_id,
                                                                       bool silent = false,
                                                                       std::optional<std::int64_t> reply_to = {});

struct chat_page {
    std::vector<chat_message> messages;
    bool not_modified = false;               // 304: nothing after the cursor
    std::optional<std::int64_t> last_given;  // X-Chat-Last-Given
};

// The newest `limit` messages, newest first, without moving the read marker (capture 15c).
boost::asio::awaitable<http::outcome<chat_page>> async_chat_history(http::client& client, const http::url& base,
                                                                    const std::string& token, int limit = 100);

// Messages after `last_known`, oldest first, without waiting (timeout=0) and
// without moving the read marker; 304 when there are none (capture 15i).
boost::asio::awaitable<http::outcome<chat_page>> async_chat_since(http::client& client, const http::url& base,
                                                                  const std::string& token, std::int64_t last_known,
                                                                  int limit = 100);

// Adds `user` to the conversation (41b: a moderator's right; 403 otherwise).
boost::asio::awaitable<http::outcome<void>> async_add_to_conversation(http::client& client, const http::url& base,
                                                                      const std::string& token,
                                                                      const std::string& user);

// The one-to-one conversation with `user`, created if missing: Talk answers
// an existing one with 200, a new one with 201 (capture 16a).
boost::asio::awaitable<http::outcome<std::string>> async_one_to_one(http::client& client, const http::url& base,
                                                                    const std::string& user);

// The users in the conversation's call now, sorted and unique: GET
// /apps/spreed/api/v4/call/{token} (30f; empty when no call runs).
boost::system::result<std::vector<std::string>> parse_call_peers(const nlohmann::json& data);
boost::asio::awaitable<http::outcome<std::vector<std::string>>> async_call_peers(http::client& client,
                                                                                 const http::url& base,
                                                                                 const std::string& token);

// A conversation's call as GET /apps/spreed/api/v4/room/{token} shows it (30c, 30k).
struct talk_room_call {
    bool has_call = false;
    std::int64_t call_start = 0;  // unix seconds; 0 when no call runs
};
boost::system::result<talk_room_call> parse_room_call(const nlohmann::json& data);

}  // namespace prereadd::ocs
