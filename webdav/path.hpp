// Building WebDAV URLs from Nextcloud paths: every segment percent-encoded,
// so names with spaces, '#', '?', '%' or non-ASCII characters address the
// right file.
#pragma once

#include "http/url.hpp"

#include <string>
#include <string_view>

namespace prereadd::webdav {

// Percent-encodes each '/'-separated segment of a path (RFC 3986 pchar).
std::string encode_path(std::string_view path);

// {base}/remote.php/dav/files/{user}{path}
std::string files_url(const http::url& base, std::string_view user, std::string_view path);

}  // namespace prereadd::webdav
