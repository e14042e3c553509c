// Requests to Nextcloud's OCS API: the v2 endpoint, JSON format and the
// OCS-APIRequest header without which Nextcloud answers 412 (captures 20a/20b).
#pragma once

#include "http/message.hpp"
#include "http/url.hpp"

#include <string_view>

namespace prereadd::ocs {

// GET {base}/ocs/v2.php/{api_path}?{query}&format=json. `query` is already
// percent-encoded ("path=%2FProjects&reshares=true") or empty.
http::request make_request(const http::url& base, std::string_view api_path, std::string_view query = {});

}  // namespace prereadd::ocs
