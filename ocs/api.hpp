// The OCS calls the daemon makes, as coroutines over the HTTP client: shares
// of a path, members of a group, and the Activity stream from a cursor.
#pragma once

#include "http/client.hpp"
#include "ocs/envelope.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace prereadd::ocs {

// Shares of `path` (and, with `subfiles`, of the files directly in it).
boost::asio::awaitable<http::outcome<std::vector<share>>> async_shares(http::client& client,
                                                                       const http::url& base,
                                                                       const std::string& path,
                                                                       bool subfiles);

// Needs the service account to be an admin or a sub-admin of the group
// (captures 22a-22c); otherwise the failure is http::error::forbidden.
boost::asio::awaitable<http::outcome<std::vector<std::string>>> async_group_members(http::client& client,
                                                                                    const http::url& base,
                                                                                    const std::string& group);

struct activity_page {
    std::vector<activity> items;     // oldest first
    bool not_modified = false;       // 304: nothing after the cursor
    std::optional<std::int64_t> last_given;  // X-Activity-Last-Given: the next cursor
};

// Activities after `since` (0: from the start), oldest first, at most `limit`.
boost::asio::awaitable<http::outcome<activity_page>> async_activities(http::client& client,
                                                                      const http::url& base,
                                                                      std::int64_t since,
                                                                      int limit = 100);

}  // namespace prereadd::ocs
