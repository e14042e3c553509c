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
        if (auto p = a.find("participantType"); p != a.end() && p->is_number_integer())
            t.participant_type = p->get<int>();
        if (auto c = a.find("inCall"); c != a.end() && c->is_number_integer()) t.in_call = c->get<int>();
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
    auto req = make_request(base, "/apps/spreed/api/v4/room/" + encode_component(token) + "/participants");
    co_return co_await async_exchange(client, std::move(req), what, read_data, parse_talk_participants);
}

namespace {

std::optional<std::int64_t> number(const nlohmann::json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<std::int64_t>();
    return std::nullopt;
}

http::outcome<chat_page> chat_page_of(const http::response& res, const std::string& what)
{
    chat_page page;
    if (res.status == 304) {
        page.not_modified = true;
        return page;
    }
    auto data = read_data(res, what);
    if (!data) return data.error();
    auto messages = parse_chat_messages(*data);
    if (!messages) return http::failure{messages.error(), what};
    page.messages = std::move(*messages);
    if (auto h = res.headers.find("X-Chat-Last-Given"); h != res.headers.end()) {
        try {
            page.last_given = std::stoll(std::string(h->value()));
        } catch (const std::exception&) {
        }
    }
    return page;
}

}  // namespace

boost::system::result<chat_message> parse_chat_message(const nlohmann::json& data)
{
    if (!data.is_object()) return make_error_code(error::unexpected_data);
    auto id = number(data, "id");
    if (!id) return make_error_code(error::unexpected_data);
    chat_message m;
    m.id = *id;
    m.actor_type = string_field(data, "actorType").value_or("");
    m.actor_id = string_field(data, "actorId").value_or("");
    m.timestamp = number(data, "timestamp").value_or(0);
    m.message = string_field(data, "message").value_or("");
    m.system_message = string_field(data, "systemMessage").value_or("");
    m.reference_id = string_field(data, "referenceId").value_or("");
    if (auto parent = data.find("parent"); parent != data.end() && parent->is_object())
        m.parent_id = number(*parent, "id");
    if (auto params = data.find("messageParameters"); params != data.end() && params->is_object())
        for (const auto& [name, value] : params->items())
            if (value.is_object() && string_field(value, "type") == "user")
                if (auto user = string_field(value, "id")) m.users[name] = *user;
    return m;
}

boost::system::result<std::vector<chat_message>> parse_chat_messages(const nlohmann::json& data)
{
    if (!data.is_array()) return make_error_code(error::unexpected_data);
    std::vector<chat_message> out;
    for (const auto& m : data) {
        auto parsed = parse_chat_message(m);
        if (!parsed) return parsed.error();
        out.push_back(std::move(*parsed));
    }
    return out;
}

boost::asio::awaitable<http::outcome<chat_message>> async_post_message(http::client& client, const http::url& base,
                                                                       const std::string& token,
                                                                       const std::string& text,
                                                                       const std::string& reference_id, bool silent,
                                                                       std::optional<std::int64_t> reply_to)
{
    const std::string what = "message to Talk conversation " + token;
    auto req = make_request(base, "/apps/spreed/api/v1/chat/" + encode_component(token));
    req.method = boost::beast::http::verb::post;
    req.headers.set(boost::beast::http::field::content_type, "application/json");
    nlohmann::json body{{"message", text}, {"referenceId", reference_id}, {"silent", silent}};
    if (reply_to) body["replyTo"] = *reply_to;
    req.body = body.dump();
    co_return co_await async_exchange(client, std::move(req), what, read_data, parse_chat_message);
}

boost::asio::awaitable<http::outcome<chat_page>> async_chat_history(http::client& client, const http::url& base,
                                                                    const std::string& token, int limit)
{
    auto req = make_request(base, "/apps/spreed/api/v1/chat/" + encode_component(token),
                            "lookIntoFuture=0&setReadMarker=0&limit=" + std::to_string(limit));
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    co_return chat_page_of(*res, "history of Talk conversation " + token);
}

boost::asio::awaitable<http::outcome<chat_page>> async_chat_since(http::client& client, const http::url& base,
                                                                  const std::string& token, std::int64_t last_known,
                                                                  int limit)
{
    auto req = make_request(base, "/apps/spreed/api/v1/chat/" + encode_component(token),
                            "lookIntoFuture=1&timeout=0&setReadMarker=0&limit=" + std::to_string(limit) +
                                "&lastKnownMessageId=" + std::to_string(last_known));
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    co_return chat_page_of(*res, "new messages in Talk conversation " + token);
}

boost::asio::awaitable<http::outcome<std::string>> async_one_to_one(http::client& client, const http::url& base,
                                                                    const std::string& user)
{
    const std::string what = "one-to-one conversation with " + user;
    auto req = make_request(base, "/apps/spreed/api/v4/room");
    req.method = boost::beast::http::verb::post;
    req.headers.set(boost::beast::http::field::content_type, "application/json");
    req.body = nlohmann::json{{"roomType", 1}, {"invite", user}}.dump();
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    auto data = read_data(*res, what);
    if (!data) co_return data.error();
    const std::string token = data->is_object() ? string_field(*data, "token").value_or("") : std::string();
    if (token.empty()) co_return http::failure{make_error_code(error::unexpected_data), what};
    co_return token;
}

boost::asio::awaitable<http::outcome<void>> async_add_to_conversation(http::client& client, const http::url& base,
                                                                      const std::string& token, const std::string& user)
{
    auto req = make_request(base, "/apps/spreed/api/v4/room/" + token + "/participants");
    req.method = boost::beast::http::verb::post;
    req.headers.set(boost::beast::http::field::content_type, "application/x-www-form-urlencoded");
    req.body = "newParticipant=" + encode_component(user) + "&source=users";
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    auto data = read_data(*res, "adding " + user + " to conversation " + token);
    if (!data) co_return data.error();
    co_return http::outcome<void>{};
}

boost::system::result<std::vector<std::string>> parse_call_peers(const nlohmann::json& data)
{
    auto attendees = parse_talk_participants(data);
    if (!attendees) return attendees.error();
    return talk_users(*attendees);
}

boost::asio::awaitable<http::outcome<std::vector<std::string>>> async_call_peers(http::client& client,
                                                                                 const http::url& base,
                                                                                 const std::string& token)
{
    const std::string what = "peers in the call of Talk conversation " + token;
    auto req = make_request(base, "/apps/spreed/api/v4/call/" + encode_component(token));
    co_return co_await async_exchange(client, std::move(req), what, read_data, parse_call_peers);
}

boost::system::result<talk_room_call> parse_room_call(const nlohmann::json& data)
{
    if (!data.is_object()) return make_error_code(error::unexpected_data);
    talk_room_call out;
    if (auto has = data.find("hasCall"); has != data.end() && has->is_boolean()) out.has_call = has->get<bool>();
    out.call_start = number(data, "callStartTime").value_or(0);
    return out;
}

}  // namespace prereadd::ocs
