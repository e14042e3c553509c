// A Moodle site as the daemon talks to it: its URL, the web-service token and
// the typed calls. Every call is a POST form to
// /webservice/rest/server.php?moodlewsrestformat=json (the token in the body,
// never in a URL that a proxy or access log keeps), read with read_answer.
//
// The HTTP client is the site's own: its max_connections_per_host is the cap
// on requests at once to that Moodle. Reads are marked safe to repeat, so
// they are retried like GETs (503, timeouts); sending messages is not.
// An invalidtoken answer latches: the token is not sent again until
// reset_token (a reload), as a 401 latches Nextcloud's app password.
#pragma once

#include "http/client.hpp"
#include "http/client_config.hpp"
#include "http/url.hpp"
#include "moodle/answers.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <utility>
#include <vector>

namespace prereadd::moodle {

// Form parameters in order; array members spelled as Moodle reads them
// ("options[0][name]"). Values are encoded when the body is made.
using parameters = std::vector<std::pair<std::string, std::string>>;

// The form body of a call (wstoken, wsfunction, then the parameters),
// application/x-www-form-urlencoded as PHP decodes it (01a, 04b, 10a).
std::string form_body(const http::secret& token, std::string_view function, const parameters& params);

struct outgoing_message {
    std::int64_t to = 0;
    std::string text;         // HTML (textformat 1)
    std::string clientmsgid;  // echoed back: which answer item is which
};

class site {
public:
    site(http::client& client, http::url base, http::secret token);

    // One call; an exception answer is a failure (moodle::error), XML too.
    boost::asio::awaitable<http::outcome<nlohmann::json>> async_call(std::string function, parameters params,
                                                                     bool safe_to_repeat = true);

    boost::asio::awaitable<http::outcome<site_info>> async_site_info();
    // The service user's id (site info's userid), asked once per token: the
    // poll cycle and the reminder pass share it.
    boost::asio::awaitable<http::outcome<std::int64_t>> async_service_user();
    // By shortname (nothing found: an empty list) or by id.
    boost::asio::awaitable<http::outcome<std::vector<course>>> async_courses(std::string field, std::string value);
    boost::asio::awaitable<http::outcome<std::vector<section>>> async_contents(std::int64_t course);
    // Every enrolled user, asked `page_size` at a time (limitfrom/limitnumber)
    // until a short page; `group` filters (needs moodle/site:accessallgroups
    // unless the service user is a member: 04c).
    boost::asio::awaitable<http::outcome<std::vector<enrolled_user>>> async_enrolled_users(
        std::int64_t course, std::optional<std::int64_t> group, int page_size = 200);
    boost::asio::awaitable<http::outcome<std::vector<group>>> async_groups(std::int64_t course);
    boost::asio::awaitable<http::outcome<std::vector<std::int64_t>>> async_group_members(std::int64_t group);
    boost::asio::awaitable<http::outcome<std::vector<completion_status>>> async_completion(std::int64_t course,
                                                                                           std::int64_t user);
    // Sent once, never retried: an answer lost on the way is found again by
    // async_messages_to before anything is sent again.
    boost::asio::awaitable<http::outcome<std::vector<sent_message>>> async_send(
        const std::vector<outgoing_message>& messages);
    // The newest messages the service user (`self`) sent to `user`, read and
    // unread (core_message_get_messages read=2).
    boost::asio::awaitable<http::outcome<std::vector<received_message>>> async_messages_to(std::int64_t user,
                                                                                           std::int64_t self,
                                                                                           int limit = 50);

    bool token_usable() const noexcept { return !token_rejected_; }
    void reset_token(http::secret token);
    const http::url& base() const noexcept { return base_; }

private:
    http::client& client_;
    http::url base_;
    http::secret token_;
    bool token_rejected_ = false;
    std::int64_t service_user_ = 0;  // 0: not asked yet with this token
};

}  // namespace prereadd::moodle
