// OCS calls (see api.hpp): request building, status handling, parsing.
#include "ocs/api.hpp"

#include "ocs/request.hpp"

#include <charconv>

namespace prereadd::ocs {

boost::asio::awaitable<http::outcome<std::vector<share>>> async_shares(http::client& client, const http::url& base,
                                                                       const std::string& path, bool subfiles)
{
    auto req = make_request(base, "/apps/files_sharing/api/v1/shares",
                            "path=" + encode_component(path) + (subfiles ? "&subfiles=true" : "") + "&reshares=true");
    co_return co_await async_exchange(client, std::move(req), "shares of " + path, read_data, parse_shares);
}

boost::asio::awaitable<http::outcome<std::vector<std::string>>> async_group_members(http::client& client,
                                                                                    const http::url& base,
                                                                                    const std::string& group)
{
    auto req = make_request(base, "/cloud/groups/" + encode_component(group) + "/users");
    co_return co_await async_exchange(client, std::move(req), "members of group " + group, read_data,
                                      parse_group_members);
}

boost::system::result<user_settings> parse_user_settings(const nlohmann::json& data)
{
    if (!data.is_object()) return make_error_code(error::unexpected_data);
    user_settings out;
    out.zone_offered = data.contains("timezone");
    if (auto zone = string_field(data, "timezone"); zone && !zone->empty()) out.zone = zone;
    out.language = string_field(data, "language").value_or("");
    out.locale = string_field(data, "locale").value_or("");
    return out;
}

boost::asio::awaitable<http::outcome<user_settings>> async_user_settings(http::client& client, const http::url& base,
                                                                         const std::string& user)
{
    auto req = make_request(base, "/cloud/users/" + encode_component(user));
    co_return co_await async_exchange(client, std::move(req), "details of user " + user, read_data,
                                      parse_user_settings);
}

boost::system::result<std::vector<exact_user>> parse_exact_users(const nlohmann::json& data)
{
    if (!data.is_object()) return make_error_code(error::unexpected_data);
    auto exact = data.find("exact");
    if (exact == data.end() || !exact->is_object()) return make_error_code(error::unexpected_data);
    std::vector<exact_user> out;
    auto users = exact->find("users");
    if (users == exact->end()) return out;
    if (!users->is_array()) return make_error_code(error::unexpected_data);
    for (const auto& u : *users) {
        auto value = u.is_object() ? u.find("value") : u.end();
        auto id = value != u.end() && value->is_object() ? string_field(*value, "shareWith") : std::nullopt;
        if (!id) return make_error_code(error::unexpected_data);
        out.push_back({*id, string_field(u, "shareWithDisplayNameUnique").value_or(*id)});
    }
    return out;
}

boost::asio::awaitable<http::outcome<std::vector<exact_user>>> async_exact_users(http::client& client,
                                                                                 const http::url& base,
                                                                                 const std::string& search)
{
    auto req = make_request(base, "/apps/files_sharing/api/v1/sharees",
                            "search=" + encode_component(search) + "&itemType=file&shareType%5B%5D=0&perPage=5");
    co_return co_await async_exchange(client, std::move(req), "the sharee search for " + search, read_data,
                                      parse_exact_users);
}

namespace {

// An activity id the app sends in a header, when it is a whole number.
std::optional<std::int64_t> activity_id_header(const http::response& res, std::string_view name)
{
    const auto text = res.header(name);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

boost::asio::awaitable<http::outcome<activity_page>> async_activities(http::client& client, const http::url& base,
                                                                      std::int64_t since, int limit)
{
    std::string query = "sort=asc&limit=" + std::to_string(limit);
    if (since > 0) query += "&since=" + std::to_string(since);
    auto req = make_request(base, "/apps/activity/api/v2/activity/all", query);
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    activity_page page;
    if (res->status == 304) {
        page.not_modified = true;
        co_return page;
    }
    auto data = read_data(*res, "activity");
    if (!data) co_return data.error();
    auto items = parse_activities(*data);
    if (!items) co_return http::failure{items.error(), "activity"};
    page.items = std::move(*items);
    page.last_given = activity_id_header(*res, "X-Activity-Last-Given");
    page.more = res->header("Link").find("rel=\"next\"") != std::string_view::npos;
    co_return page;
}

boost::asio::awaitable<http::outcome<std::int64_t>> async_newest_activity(http::client& client, const http::url& base)
{
    auto req = make_request(base, "/apps/activity/api/v2/activity/all", "sort=desc&limit=1");
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    if (res->status == 304) co_return std::int64_t{0};
    auto data = read_data(*res, "activity");
    if (!data) co_return data.error();
    auto items = parse_activities(*data);
    if (!items) co_return http::failure{items.error(), "activity"};
    // Without `since` the app names the newest id it knows (13a, 13b).
    if (auto newest = activity_id_header(*res, "X-Activity-First-Known")) co_return *newest;
    co_return items->empty() ? std::int64_t{0} : items->front().id;
}

boost::system::result<server_status> parse_server_status(std::string_view body)
{
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded()) return make_error_code(error::malformed_json);
    if (!j.is_object() || !j.contains("maintenance") || !j["maintenance"].is_boolean())
        return make_error_code(error::unexpected_data);
    server_status s;
    s.maintenance = j["maintenance"].get<bool>();
    if (auto it = j.find("installed"); it != j.end() && it->is_boolean()) s.installed = it->get<bool>();
    if (auto it = j.find("version"); it != j.end() && it->is_string()) s.version = it->get<std::string>();
    return s;
}

boost::asio::awaitable<http::outcome<server_status>> async_server_status(http::client& client, const http::url& base,
                                                                         std::chrono::milliseconds timeout)
{
    http::request req;
    req.url = base.with_path("/status.php");
    req.anonymous = true;
    req.timeout = timeout;
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    if (res->status != 200)
        co_return http::failure{make_error_code(error::request_failed),
                                "status.php answered " + std::to_string(res->status), res->status};
    auto parsed = parse_server_status(res->body);
    if (!parsed) co_return http::failure{parsed.error(), "status.php"};
    co_return *parsed;
}

}  // namespace prereadd::ocs
