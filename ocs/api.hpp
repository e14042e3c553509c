// The OCS calls the daemon makes, as coroutines over the HTTP client: shares
// of a path, members of a group, the Activity stream from a cursor, and
// status.php (is Nextcloud in maintenance mode).
#pragma once

#include "http/client.hpp"
#include "ocs/envelope.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace prereadd::ocs {

// Shares of `path` (and, with `subfiles`, of the files directly in it).
boost::asio::awaitable<http::outcome<std::vector<share>>> async_shares(http::client& client, const http::url& base,
                                                                       const std::string& path, bool subfiles);

// Needs the service account to be an admin or a sub-admin of the group
// (captures 22a-22c); otherwise the failure is http::error::forbidden.
boost::asio::awaitable<http::outcome<std::vector<std::string>>> async_group_members(http::client& client,
                                                                                    const http::url& base,
                                                                                    const std::string& group);

// What a user's details say of how to write to them: their time zone (the
// `timezone` of their details, captures-34/22d; `zone_offered` is false on
// Nextcloud 29, whose details have no such field, 22d of 29: nothing when
// unset), their language and locale (42a-42d: an unset language is "en",
// an unset locale ""). Needs the same rights as the group members above
// (22e: refused); one's own details need none (42h).
struct user_settings {
    bool zone_offered = false;
    std::optional<std::string> zone;
    std::string language;  // "de", "pt_BR"
    std::string locale;    // "de_DE", or empty
};
boost::system::result<user_settings> parse_user_settings(const nlohmann::json& data);
boost::asio::awaitable<http::outcome<user_settings>> async_user_settings(http::client& client, const http::url& base,
                                                                         const std::string& user);

// The users the sharee search gives as exact matches for a text: a user
// whose id, display name or e-mail address is the text, as Nextcloud offers
// them to the service account (shareapi_restrict_user_enumeration_full_match*
// on, the default). Works for any account: no admin rights needed.
struct exact_user {
    std::string id;      // value.shareWith
    std::string unique;  // shareWithDisplayNameUnique: the e-mail address when set, else the id
};
boost::system::result<std::vector<exact_user>> parse_exact_users(const nlohmann::json& data);
boost::asio::awaitable<http::outcome<std::vector<exact_user>>> async_exact_users(http::client& client,
                                                                                 const http::url& base,
                                                                                 const std::string& search);

struct activity_page {
    std::vector<activity> items;             // oldest first
    bool not_modified = false;               // 304: nothing after the cursor
    std::optional<std::int64_t> last_given;  // X-Activity-Last-Given: the next cursor
    bool more = false;  // Link rel="next": the app filled its limit, and more may follow (13b, 13c)
};

// Activities after `since` (0: from the start), oldest first, at most `limit`.
boost::asio::awaitable<http::outcome<activity_page>> async_activities(http::client& client, const http::url& base,
                                                                      std::int64_t since, int limit = 100);

// The id of the newest activity the service account can see (0 when it sees
// none: the app answers 304): where a fresh state starts reading, so that it
// does not replay the whole history. One request, `sort=desc&limit=1`.
boost::asio::awaitable<http::outcome<std::int64_t>> async_newest_activity(http::client& client, const http::url& base);

// GET /status.php (captures 01, 21a): unauthenticated and cheap, and it still
// answers 200 while everything else answers 503 in maintenance mode.
struct server_status {
    bool installed = false;
    bool maintenance = false;
    std::string version;  // "29.0.6.1"
};

boost::system::result<server_status> parse_server_status(std::string_view body);

boost::asio::awaitable<http::outcome<server_status>> async_server_status(http::client& client, const http::url& base,
                                                                         std::chrono::milliseconds timeout);

}  // namespace prereadd::ocs
