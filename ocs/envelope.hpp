// The OCS envelope ({"ocs":{"meta":{...},"data":...}}) and the typed payloads
// the daemon reads from it: shares, group members, activities. Parse errors
// and OCS failures are values (prereadd.ocs category), never exceptions.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <date/date.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::ocs {

enum class error {
    malformed_json = 1,  // not JSON at all
    not_an_envelope,     // JSON, but without ocs.meta
    request_failed,      // meta.status "failure" (the code is in the envelope)
    unexpected_data,     // the data does not have the documented shape
};

const boost::system::error_category& error_category() noexcept;
inline boost::system::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), error_category()}; }

struct envelope {
    std::string status;  // "ok" or "failure"
    int statuscode = 0;  // v1: 100 on success; v2: the HTTP status; 997, 998... on errors
    std::string message;
    nlohmann::json data;

    bool ok() const { return status == "ok"; }
};

// Any envelope, failures included (a v1 failure arrives with HTTP 200).
boost::system::result<envelope> parse_envelope(std::string_view body);
// The data of a successful envelope; a failure envelope is error::request_failed.
boost::system::result<nlohmann::json> parse_ok_data(std::string_view body);

// Share types as Nextcloud numbers them (OCS shares and Deck's ACL alike).
inline constexpr int share_with_user = 0;
inline constexpr int share_with_group = 1;

struct share {
    std::string id;
    int type = 0;  // 0 user, 1 group, 3 public link, ...
    std::string owner;
    std::string share_with;    // user or group id; empty for links
    std::string path;          // in the requesting user's view
    std::string file_target;   // where the recipient sees it ("/Alpha")
    std::int64_t file_id = 0;  // file_source
    std::string item_type;     // "file" or "folder"
    int permissions = 0;       // 1 read, 2 update, 4 create, 8 delete, 16 share
    std::optional<date::year_month_day> expiration;
    std::string token;

    bool readable() const { return (permissions & 1) != 0; }
};

boost::system::result<std::vector<share>> parse_shares(const nlohmann::json& data);

// /cloud/groups/{id}/users: {"users": [...]}
boost::system::result<std::vector<std::string>> parse_group_members(const nlohmann::json& data);

struct activity {
    std::int64_t id = 0;
    std::string app;
    std::string type;  // comments, file_changed, file_created, shared, public_links, ...
    std::string user;  // who did it ("" for the system)
    std::string subject;
    std::string message;
    std::string object_type;
    std::int64_t object_id = 0;
    std::map<std::int64_t, std::string> objects;  // every file id the entry names
    std::optional<date::sys_seconds> datetime;
    // From subject_rich: its template ("Shared file {file} was downloaded by
    // {actor} via the browser"), the files of the {file}, {file1}, ...
    // parameters and the users of {actor}, {actor1}, ... . An entry groups
    // several: one reader's files on Nextcloud 29, several reads of one file on 34.
    std::string subject_template;
    std::vector<std::int64_t> rich_files;
    std::vector<std::string> rich_actors;
};

boost::system::result<std::vector<activity>> parse_activities(const nlohmann::json& data);

}  // namespace prereadd::ocs

namespace boost::system {
template <>
struct is_error_code_enum<prereadd::ocs::error> : std::true_type {
};
}  // namespace boost::system
