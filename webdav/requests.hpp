// The WebDAV requests the daemon makes, as coroutines over the HTTP client:
// a folder listing (PROPFIND Depth 0 or 1) and a file's comments (REPORT).
// Failures, transport or parse, come back as http::failure values.
#pragma once

#include "http/client.hpp"
#include "webdav/multistatus.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace prereadd::webdav {

// The properties the daemon asks for in every PROPFIND.
extern const char* const propfind_body;

// Only what tells a change: the ETag, and whether an entry is a folder. A
// parent of thousands of project folders is listed this way
// (tracking/ancestor_watch.hpp): Nextcloud computes a property only when it
// is asked for, and share types, comments and tags cost it queries.
extern const char* const propfind_etags_body;

enum class properties { all, etags };

// `path` as `user` sees it ("/Projects/Alpha"); depth 0 answers the folder only.
boost::asio::awaitable<http::outcome<std::vector<file_entry>>> async_list(http::client& client, const http::url& base,
                                                                          const std::string& user,
                                                                          const std::string& path, int depth,
                                                                          properties asked = properties::all);

// Newest first; `since` limits to comments after that time, `limit` caps the count.
boost::asio::awaitable<http::outcome<std::vector<comment_entry>>> async_comments(
    http::client& client, const http::url& base, std::int64_t file_id,
    std::optional<date::sys_seconds> since = std::nullopt, int limit = 100);

// The events of `calendar` (its URI in the user's calendar home, "personal")
// that overlap [from, to), recurrences expanded by the server (capture 19d).
boost::asio::awaitable<http::outcome<std::vector<calendar_object>>> async_calendar_query(
    http::client& client, const http::url& base, const std::string& user, const std::string& calendar,
    date::sys_seconds from, date::sys_seconds to);

}  // namespace prereadd::webdav
