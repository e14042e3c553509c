// The request a caller hands the client and the response it gets back:
// plain values, so the layers above never touch Beast's parser types.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace prereadd::http {

struct request {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string url;  // absolute: https://host[:port]/path?query, percent-encoded
    boost::beast::http::fields headers;
    std::string body;
    // Adds `OCS-APIRequest: true`, without which OCS answers 412 (captures 20a, 20b).
    bool ocs = false;
    // Sends no Authorization header (status.php needs none).
    bool anonymous = false;
    // A request that only reads although its method is not idempotent (every
    // Moodle web-service call is a POST form): retried like a GET.
    bool safe_to_repeat = false;
    // Overrides the configured per-attempt deadline (a Talk long-poll waits longer).
    std::optional<std::chrono::milliseconds> timeout;
};

struct response {
    unsigned status = 0;
    boost::beast::http::fields headers;
    std::string body;
    unsigned attempts = 1;  // how many times it was sent, retries included

    std::string_view header(std::string_view name) const
    {
        auto it = headers.find(name);
        return it == headers.end() ? std::string_view{} : std::string_view(it->value());
    }
};

}  // namespace prereadd::http
