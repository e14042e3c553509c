// Parsing of WebDAV multistatus bodies (PROPFIND, comments REPORT) as
// Nextcloud writes them: names resolved by namespace URI, 200 and 404
// propstats, percent-encoded hrefs, quoted ETags, RFC 1123 dates.
#pragma once

#include <boost/system/result.hpp>
#include <date/date.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::webdav {

namespace ns {
inline constexpr std::string_view dav = "DAV:";
inline constexpr std::string_view owncloud = "http://owncloud.org/ns";
inline constexpr std::string_view nextcloud = "http://nextcloud.org/ns";
inline constexpr std::string_view ocs = "http://open-collaboration-services.org/ns";
inline constexpr std::string_view caldav = "urn:ietf:params:xml:ns:caldav";
}  // namespace ns

// One file or folder of a PROPFIND answer. Properties the server did not
// return, or answered 404 (an app that is off), are empty optionals.
struct file_entry {
    std::string href;  // percent-decoded path, e.g. "/remote.php/dav/files/preread/Projects/Alpha/"
    bool collection = false;
    std::optional<std::string> etag;  // without the quotes
    std::optional<std::int64_t> file_id;
    std::optional<std::int64_t> size;
    std::optional<std::int64_t> content_length;
    std::optional<std::string> content_type;
    std::optional<date::sys_seconds> last_modified;
    std::optional<std::string> display_name;
    std::optional<std::string> permissions;  // "RGDNVW", "SRGDNVCK", ...
    std::optional<std::string> owner_id;
    std::vector<int> share_types;
    std::optional<int> comments_count;
    std::optional<int> comments_unread;
    std::optional<std::string> mount_type;  // "" for own files, "shared" for a share recipient
    std::vector<std::string> system_tags;   // collaborative tags by name (nc:system-tags)
};

struct mention {
    std::string type;  // "user"
    std::string id;
    std::string display_name;
};

// One comment of a comments REPORT or PROPFIND.
struct comment_entry {
    std::string href;
    std::int64_t id = 0;
    std::int64_t object_id = 0;
    std::string object_type;
    std::string actor_type;
    std::string actor_id;
    std::string actor_display_name;
    std::string verb;
    std::string message;
    std::optional<date::sys_seconds> created;
    bool unread = false;
    std::vector<mention> mentions;
};

boost::system::result<std::vector<file_entry>> parse_files(std::string_view body);
// The same, parsed in the body's own buffer rather than a copy of it (a
// listing can be megabytes); the body is left unreadable.
boost::system::result<std::vector<file_entry>> parse_files_in_place(std::string& body);

// Entries that are not comments (the collection itself in a PROPFIND) are skipped.
boost::system::result<std::vector<comment_entry>> parse_comments(std::string_view body);

// One calendar object of a calendar-query REPORT (captures 19d, 19e).
struct calendar_object {
    std::string href;
    std::optional<std::string> etag;  // without the quotes
    std::string data;                 // the iCalendar text (CRLF or LF line ends)
};

boost::system::result<std::vector<calendar_object>> parse_calendar_objects(std::string_view body);

}  // namespace prereadd::webdav
