// Requests to Nextcloud's OCS API: the v2 endpoint, JSON format and the
// OCS-APIRequest header without which Nextcloud answers 412 (captures 20a/20b).
#pragma once

#include "http/client.hpp"
#include "http/error.hpp"
#include "http/message.hpp"
#include "http/url.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include <string_view>

namespace prereadd::ocs {

// GET {base}/ocs/v2.php/{api_path}?{query}&format=json. `query` is already
// percent-encoded ("path=%2FProjects&reshares=true") or empty.
http::request make_request(const http::url& base, std::string_view api_path, std::string_view query = {});

// `value` percent-encoded for a path segment or a query value.
std::string encode_component(std::string_view value);

// The data of an OCS answer that arrived with any HTTP status; a failure
// envelope becomes a failure naming `what` and the OCS status and message.
http::outcome<nlohmann::json> read_data(const http::response& res, const std::string& what);

// The member `key` of a JSON object when it is a string (Talk and Deck are strict about types).
std::optional<std::string> string_field(const nlohmann::json& object, const char* key);

// How an app's answer becomes JSON: read_data for OCS envelopes, Deck's own
// for its plain JSON.
using read_fn = http::outcome<nlohmann::json> (*)(const http::response&, const std::string&);

// One call whose answer is read by `read` and parsed into T: transport
// failures, error answers and data that does not parse all become failures
// naming `what`.
template <class T>
boost::asio::awaitable<http::outcome<T>> async_exchange(http::client& client, http::request req, std::string what,
                                                        read_fn read,
                                                        boost::system::result<T> (*parse)(const nlohmann::json&))
{
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    auto data = read(*res, what);
    if (!data) co_return data.error();
    auto parsed = parse(*data);
    if (!parsed) co_return http::failure{parsed.error(), what};
    co_return std::move(*parsed);
}

}  // namespace prereadd::ocs
