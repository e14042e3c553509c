// How Nextcloud 34.0.1 answers where it differs from the Nextcloud 29 the
// simulator's routes were written after (captures-34/README.md, "Differences
// from the 29 recordings"): the 29 answer, then these changes. Kept in one
// place so each difference is read next to the recording that shows it.
#include "tests/sim/dialect34.hpp"

#include "tests/sim/text.hpp"

#include <nlohmann/json.hpp>

namespace prereadd::sim {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* dav_29 =
    "1, 3, extended-mkcol, access-control, calendarserver-principal-property-search, nextcloud-checksum-update, "
    "nc-calendar-search, nc-enable-birthday-calendar";
constexpr const char* dav_34 =
    "1, 3, extended-mkcol, access-control, calendarserver-principal-property-search, nc-paginate, "
    "nextcloud-checksum-update, nc-calendar-search, nc-enable-birthday-calendar, 2";

std::string header(const sim_response& res, const std::string& name)
{
    for (const auto& [n, v] : res.headers)
        if (n == name) return v;
    return {};
}

void set_header(sim_response& res, const std::string& name, const std::string& value)
{
    for (auto& [n, v] : res.headers)
        if (n == name) {
            v = value;
            return;
        }
    res.set(name, value);
}

// 05-10d: the DAV header adds nc-paginate and a trailing 2.
void dav_header(sim_response& res)
{
    if (header(res, "DAV") == dav_29) set_header(res, "DAV", dav_34);
}

// 08/08b: two more authentication backends say why they did not pass.
void dav_unauthenticated(sim_response& res)
{
    constexpr std::string_view first = "No public access to this resource., ";
    if (res.status != 401) return;
    if (auto at = res.body.find(first); at != std::string::npos)
        res.body.insert(at + first.size(), "AppAPIAuth has not passed, This request is not for a federated calendar, ");
}

// 20c: a failed OCS login is a JSON envelope now (29: XML whatever was asked).
// 21d: Talk in maintenance mode answers JSON too.
void ocs_json_failures(const sim_request& req, sim_response& res)
{
    const bool xml = header(res, "Content-Type").starts_with("text/xml");
    const bool login = res.status == 401 && xml;
    const bool talk_maintenance = res.status == 503 && xml && req.path.find("/apps/spreed/") != std::string::npos;
    if (!login && !talk_maintenance) return;
    const json meta = login ? json{{"status", "failure"}, {"statuscode", 997}, {"message", "Unauthorised"}}
                            : json{{"status", "failure"}, {"statuscode", 503}, {"message", "Service unavailable"}};
    set_header(res, "Content-Type", "application/json; charset=utf-8");
    res.body = json{{"ocs", {{"meta", meta}, {"data", json::array()}}}}.dump();
}

// Shares (04a-09d): the mount fields, and "" where 29 had a null label.
void share_fields(json& share, const std::string& viewer)
{
    if (!share.is_object() || !share.contains("share_type")) return;
    const bool owner = share.value("uid_owner", std::string()) == viewer;
    share["mount-type"] = owner ? "" : "shared";
    share["is-mount-root"] = !owner;
    const bool folder = share.value("item_type", std::string()) == "folder";
    share["item_permissions"] = owner ? (folder ? 31 : 27) : share.value("permissions", 1) | 8;
    if (share.contains("label") && share["label"].is_null()) share["label"] = "";
}

void message_fields(json& m);

// Talk 22's room: what a conversation gained since Talk 17 (14a, 14e, 30c).
void room_fields(json& room)
{
    if (!room.is_object() || !room.contains("token") || !room.contains("lastActivity")) return;
    if (room.contains("lastMessage")) message_fields(room["lastMessage"]);
    room["avatarVersion"] = "f6a091a5";
    for (const char* flag : {"isArchived", "isImportant", "isSensitive", "isCustomAvatar"}) room[flag] = false;
    room["mentionPermissions"] = 0;
    room["recordingConsent"] = 0;
}

void participant_fields(json& p)
{
    if (!p.is_object() || !p.contains("roomToken")) return;
    p["phoneNumber"] = "";
    p["callId"] = "";
}

// Talk 22's chat message: markdown, threadId, silent, mention-id (15a-15j, 30j).
void message_fields(json& m)
{
    if (!m.is_object() || !m.contains("messageType")) return;
    const bool comment = m.value("systemMessage", std::string()).empty();
    m["markdown"] = comment;
    std::int64_t thread = m.value("id", std::int64_t{0});
    if (m.contains("parent") && m["parent"].is_object()) {
        message_fields(m["parent"]);
        thread = m["parent"].value("threadId", m["parent"].value("id", thread));
    }
    m["threadId"] = thread;
    if (auto params = m.find("messageParameters"); params != m.end() && params->is_object())
        for (auto& [name, p] : params->items())
            if (p.is_object() && p.value("type", std::string()) == "user")
                p["mention-id"] = p.value("id", std::string());
    if (m.value("systemMessage", std::string()) == "call_ended") {
        auto text = m.value("message", std::string());
        if (auto at = text.find(" (Duration"); at != std::string::npos) m["message"] = text.insert(at, " ended");
    }
}

bool is_message_list(const json& data)
{
    return data.is_array() && !data.empty() && data[0].is_object() && data[0].contains("messageType");
}

void talk_fields(const sim_request& req, json& data)
{
    auto each = [&](auto&& f) {
        if (data.is_array())
            for (auto& item : data) f(item);
        else
            f(data);
    };
    if (req.path.find("/api/v1/chat/") != std::string::npos || is_message_list(data)) {
        each(message_fields);
        return;
    }
    each(participant_fields);
    each(room_fields);
    // A call joined or left: data null (29: []).
    if (req.path.find("/api/v4/call/") != std::string::npos && req.method != "GET" && data.is_array() && data.empty())
        data = nullptr;
}

// 20e, 22d: the user's new account properties.
void user_fields(json& user, bool own)
{
    if (!user.is_object() || !user.contains("id")) return;
    user["enabled"] = true;
    user["firstLoginTimestamp"] = 1796030465;
    user["lastLoginTimestamp"] = 1796031043;
    user["bluesky"] = "";
    user["pronouns"] = "";
    if (!user.contains("timezone")) user["timezone"] = "";
    if (own) {
        user["blueskyScope"] = "v2-local";
        user["pronounsScope"] = "v2-federated";
    }
}

// Activity 7 (13b, 31a): file parameters carry their id as a string and link
// through index.php ("http://host/index.php/f/334"; 29: an int, "/f/14").
void activity_fields(json& data)
{
    if (!data.is_array()) return;
    for (auto& entry : data)
        for (const char* rich : {"subject_rich", "message_rich"}) {
            if (!entry.is_object() || !entry.contains(rich) || !entry[rich].is_array() || entry[rich].size() != 2)
                continue;
            auto& params = entry[rich][1];
            if (!params.is_object()) continue;
            for (auto& [name, p] : params.items()) {
                if (!p.is_object() || p.value("type", std::string()) != "file") continue;
                if (p["id"].is_number_integer()) p["id"] = std::to_string(p["id"].get<std::int64_t>());
                auto link = p.value("link", std::string());
                if (auto at = link.find("/f/");
                    at != std::string::npos && link.find("/index.php/f/") == std::string::npos)
                    p["link"] = link.insert(at, "/index.php");
            }
        }
}

void ocs_payload(const sim_request& req, sim_response& res, const std::string& viewer)
{
    if (!header(res, "Content-Type").starts_with("application/json")) return;
    auto body = json::parse(res.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("ocs")) return;
    auto& data = body["ocs"]["data"];
    const std::string route = req.path.size() > 11 ? req.path.substr(11) : std::string();
    if (route.starts_with("/apps/files_sharing/api/v1/shares")) {
        if (data.is_array())
            for (auto& s : data) share_fields(s, viewer);
        else
            share_fields(data, viewer);
    } else if (route.starts_with("/apps/spreed/")) {
        talk_fields(req, data);
        // The same last message has its reference id over OCS v2 (30a) and not over v1 (17c).
        if (req.path.starts_with("/ocs/v1.php/") && data.is_object() && data.contains("lastMessage") &&
            data["lastMessage"].is_object() && data["lastMessage"].contains("referenceId"))
            data["lastMessage"]["referenceId"] = "";
    } else if (route.starts_with("/apps/activity/api/v2/activity")) {
        activity_fields(data);
    } else if (route == "/cloud/user" || route.starts_with("/cloud/users/")) {
        user_fields(data, route == "/cloud/user");
    } else {
        return;
    }
    res.body = php_json_slashes(body.dump());
}

// 12b: the preview's dates in the GMT form ("+0000" on 29).
void preview_dates(const sim_request& req, sim_response& res)
{
    if (!req.path.starts_with("/index.php/core/preview")) return;
    for (auto& [name, value] : res.headers)
        if ((name == "Last-Modified" || name == "Expires") && value.ends_with(" +0000"))
            value.replace(value.size() - 5, 5, "GMT");
}

}  // namespace

void speak_nc34(const sim_request& req, const std::string& viewer, sim_response& res)
{
    dav_header(res);
    dav_unauthenticated(res);
    ocs_json_failures(req, res);
    preview_dates(req, res);
    if (req.path.starts_with("/ocs/")) ocs_payload(req, res, viewer);
}

}  // namespace prereadd::sim
