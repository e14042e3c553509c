// OCS request construction (see request.hpp); envelopes are parsed elsewhere.
#include "ocs/request.hpp"

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

}  // namespace prereadd::ocs
