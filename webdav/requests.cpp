// PROPFIND and comments REPORT (see requests.hpp). The bodies ask for what
// the poll cycle uses and nothing more, so listings stay small.
#include "webdav/requests.hpp"

#include "webdav/error.hpp"
#include "webdav/path.hpp"

#include <boost/asio/this_coro.hpp>

namespace prereadd::webdav {

namespace bhttp = boost::beast::http;

const char* const propfind_body =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    R"(<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:prop>)"
    R"(<d:getetag/><d:getlastmodified/><d:getcontentlength/><d:getcontenttype/><d:resourcetype/><d:displayname/>)"
    R"(<oc:fileid/><oc:permissions/><oc:size/><oc:owner-id/><oc:share-types/><oc:comments-count/>)"
    R"(<oc:comments-unread/><nc:mount-type/><nc:system-tags/></d:prop></d:propfind>)";

const char* const propfind_etags_body =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    R"(<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop></d:propfind>)";

namespace {

// Turns a non-207 answer into the failure the caller sees.
http::failure status_failure(const http::response& res, const std::string& what)
{
    if (res.status == 404) return {make_error_code(error::not_found), what, res.status};
    return {make_error_code(error::unexpected_status), what + " answered " + std::to_string(res.status), res.status};
}

}  // namespace

boost::asio::awaitable<http::outcome<std::vector<file_entry>>> async_list(http::client& client, const http::url& base,
                                                                          const std::string& user,
                                                                          const std::string& path, int depth,
                                                                          properties asked)
{
    http::request req;
    req.method = bhttp::verb::propfind;
    req.url = files_url(base, user, path);
    req.headers.set("Depth", depth == 0 ? "0" : "1");
    req.headers.set(bhttp::field::content_type, "application/xml; charset=utf-8");
    req.body = asked == properties::etags ? propfind_etags_body : propfind_body;
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    if (res->status != 207) co_return status_failure(*res, "PROPFIND " + path);
    auto entries = parse_files_in_place(res->body);
    if (!entries) co_return http::failure{entries.error(), "PROPFIND " + path};
    co_return std::move(*entries);
}

boost::asio::awaitable<http::outcome<std::vector<comment_entry>>> async_comments(http::client& client,
                                                                                 const http::url& base,
                                                                                 std::int64_t file_id,
                                                                                 std::optional<date::sys_seconds> since,
                                                                                 int limit)
{
    http::request req;
    req.method = bhttp::verb::report;
    req.url = base.with_path("/remote.php/dav/comments/files/" + std::to_string(file_id));
    req.headers.set(bhttp::field::content_type, "application/xml; charset=utf-8");
    req.body =
        R"(<?xml version="1.0" encoding="utf-8"?><oc:filter-comments xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">)"
        "<oc:limit>" +
        std::to_string(limit) + "</oc:limit><oc:offset>0</oc:offset>";
    if (since) req.body += "<oc:datetime>" + date::format("%FT%T+00:00", *since) + "</oc:datetime>";
    req.body += "</oc:filter-comments>";
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    const std::string what = "comments of file " + std::to_string(file_id);
    if (res->status != 207) co_return status_failure(*res, what);
    auto comments = parse_comments(res->body);
    if (!comments) co_return http::failure{comments.error(), what};
    co_return std::move(*comments);
}

boost::asio::awaitable<http::outcome<std::vector<calendar_object>>> async_calendar_query(
    http::client& client, const http::url& base, const std::string& user, const std::string& calendar,
    date::sys_seconds from, date::sys_seconds to)
{
    const std::string start = date::format("%Y%m%dT%H%M%SZ", from);
    const std::string end = date::format("%Y%m%dT%H%M%SZ", to);
    http::request req;
    req.method = bhttp::verb::report;
    req.url = base.with_path("/remote.php/dav/calendars" + encode_path("/" + user + "/" + calendar) + "/");
    req.headers.set("Depth", "1");
    req.headers.set(bhttp::field::content_type, "application/xml; charset=utf-8");
    req.body = R"(<?xml version="1.0" encoding="utf-8"?>)"
               R"(<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/>)"
               R"(<c:calendar-data><c:expand start=")" +
               start + R"(" end=")" + end +
               R"("/></c:calendar-data></d:prop>)"
               R"(<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start=")" +
               start + R"(" end=")" + end + R"("/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>)";
    auto res = co_await client.async_request(std::move(req));
    if (!res) co_return res.error();
    const std::string what = "events of calendar " + calendar;
    if (res->status != 207) co_return status_failure(*res, what);
    auto objects = parse_calendar_objects(res->body);
    if (!objects) co_return http::failure{objects.error(), what};
    co_return std::move(*objects);
}

}  // namespace prereadd::webdav
