// Talk (spreed) over OCS: the members of a conversation. Talk 17 answers
// with an attendee per user, group, guest, e-mail or federated actor
// (capture 14f); a group added to a conversation also adds its members as
// users, so the users are the conversation's people.
#pragma once

#include "http/client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace prereadd::ocs {

struct talk_attendee {
    std::string actor_type;  // users, groups, guests, emails, federated_users, ...
    std::string actor_id;
    int participant_type = 0;  // 1 owner, 2 moderator, 3 user, 4 guest, ...
};

// The data of GET /apps/spreed/api/v4/room/{token}/participants.
boost::system::result<std::vector<talk_attendee>> parse_talk_participants(const nlohmann::json& data);

// The ids of the users in the conversation, sorted and unique.
std::vector<std::string> talk_users(const std::vector<talk_attendee>& attendees);

boost::asio::awaitable<http::outcome<std::vector<talk_attendee>>> async_talk_participants(http::client& client,
                                                                                          const http::url& base,
                                                                                          const std::string& token);

}  // namespace prereadd::ocs
