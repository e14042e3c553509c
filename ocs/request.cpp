// OCS request construction and answer unwrapping (see request.hpp).
#include "ocs/request.hpp"

#include "ocs/envelope.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace prereadd::ocs {

http::request make_request(const http::url& base, std::string_view api_path, std::string_view query)
{
    http::request req;
    req.ocs = true;
    while (!api_path.empty() && api_path.front() == '/') api_path.remove_prefix(1);
    req.url = base.with_path("/ocs/v2.php/" + std::string(api_path));
    req.url += '?';
    if (!query.empty()) {
        req.url += query;
        req.url += '&';
    }
    req.url += "format=json";
    req.headers.set(boost::beast::http::field::accept, "application/json");
    return req;
}

std::string encode_component(std::string_view value)
{
    return boost::urls::encode(value, boost::urls::unreserved_chars);
}

std::optional<std::string> string_field(const nlohmann::json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

http::outcome<nlohmann::json> read_data(const http::response& res, const std::string& what)
{
    auto data = parse_ok_data(res.body);
    if (!data) {
        auto envelope = parse_envelope(res.body);
        std::string detail = what;
        if (envelope) detail += ": OCS status " + std::to_string(envelope->statuscode) + " " + envelope->message;
        return http::failure{data.error(), detail, res.status};
    }
    return std::move(*data);
}

}  // namespace prereadd::ocs
