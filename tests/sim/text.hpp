// Text encodings the simulated server writes the way Nextcloud's PHP does:
// hashes, Base64, percent-encoded paths, XML escapes, json_encode's "\/",
// and its two date formats.
#pragma once

#include <cstdint>
#include <string>

namespace prereadd::sim {

std::string md5_hex(const std::string& data);
std::string base64_encode(const std::string& plain);
std::string base64_decode(const std::string& encoded);  // "" when not Base64
// Percent-encodes everything but unreserved characters and '/'.
std::string percent_encode_path(const std::string& path);
// &, <, >, " escaped; with `carriage_returns`, \r as &#13; too (Sabre's calendar-data).
std::string xml_escape(const std::string& text, bool carriage_returns = false);
// PHP's json_encode escapes '/' as "\/"; the recordings show it everywhere.
std::string php_json_slashes(const std::string& json_text);
std::string http_date(std::int64_t unix_seconds);  // "Wed, 25 Nov 2026 12:43:42 GMT"
std::string iso_date(std::int64_t unix_seconds);   // "2026-11-25T12:43:42+00:00"

}  // namespace prereadd::sim
