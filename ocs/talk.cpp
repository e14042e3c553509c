// Talk calls (see talk.hpp).
#include "ocs/talk.hpp"

#include "ocs/envelope.hpp"
#include "ocs/request.hpp"

#include <algorithm>

namespace prereadd::ocs {

boost::system::result<std::vector<talk_attendee>> parse_talk_participants(const nlohmann::json& data)
{
    if (!data.is_array()) return make_error_code(error::unexpected_data);
    std::vector<talk_attendee> out;
    for (const auto& a : data) {
        if (!a.is_object()) return make_error_code(error::unexpected_data);
        auto type = a.find("actorType");
        auto id = a.find("actorId");
        if (type == a.end() || id == a.end() || !type->is_string() || !id->is_string())
            return make_error_code(error::unexpected_data);
        talk_attendee t{type->get<std::string>(), id->get<std::string>(), 0};
        if (auto p = a.find("participantType"); p != a.end() && p->is_number_integer()) t.participant_type = p->get<int>();
        out.push_back(std::move(t));
    }
    return out;
}

std::vector<std::string> talk_users(const std::vector<talk_attendee>& attendees)
{
    std::vector<std::string> users;
    for (const auto& a : attendees)
        if (a.actor_type == "users") users.push_back(a.actor_id);
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    return users;
}

boost::asio::awaitable<http::outcome<std::vector<talk_attendee>>> async_talk_participants(http::client& client,
                                                                                          const http::url& base,
                                                                                          const std::string& token)
{
    const std::string what = "members of Talk conversation " + token;
    auto req = make_request(base, "/apps/spreed/api/v4/room/" +
                                      encode_component(token) + "/participants");
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    auto data = read_data(*res, what);
    if (!data) co_return data.error();
    auto attendees = parse_talk_participants(*data);
    if (!attendees) co_return http::failure{attendees.error(), what};
    co_return std::move(*attendees);
}

}  // namespace prereadd::ocs
