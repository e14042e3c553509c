// Requests to Nextcloud's OCS API: the v2 endpoint, JSON format and the
// OCS-APIRequest header without which Nextcloud answers 412 (captures 20a/20b).
#pragma once

#include "http/error.hpp"
#include "http/message.hpp"
#include "http/url.hpp"

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

}  // namespace prereadd::ocs
