// The simulated endpoints: status.php, OCS (envelopes, capabilities, user),
// WebDAV files (PROPFIND, GET, PUT, MKCOL) and the error answers of each
// family, shaped after the recordings.
#include "tests/sim/routes.hpp"
#include "tests/sim/dialect34.hpp"
#include "tests/sim/routes_detail.hpp"
#include "tests/sim/text.hpp"
#include "http/timestamp.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <date/date.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <sstream>

namespace prereadd::sim {

namespace data {
extern const std::string_view capabilities;
extern const std::string_view capabilities_34;
}  // namespace data

namespace {

// Ordered: OCS XML lists elements in the order the server builds them.
using json = nlohmann::ordered_json;

constexpr const char* dav_header =
    "1, 3, extended-mkcol, access-control, calendarserver-principal-property-search, nextcloud-checksum-update, "
    "nc-calendar-search, nc-enable-birthday-calendar";
constexpr const char* ns_dav = "DAV:";
constexpr const char* ns_oc = "http://owncloud.org/ns";
constexpr const char* ns_nc = "http://nextcloud.org/ns";
constexpr const char* ns_ocs = "http://open-collaboration-services.org/ns";

std::string padded_id(std::int64_t id, const std::string& instance)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%08lld", static_cast<long long>(id));
    return buf + instance;
}

struct auth_result {
    const user* who = nullptr;
    bool sent = false;          // an Authorization: Basic header was present
    bool app_password = false;  // who authenticated with one of their app passwords
};

auth_result authenticate(world& w, const sim_request& req)
{
    auth_result r;
    auto header = req.header("authorization");
    if (!header.starts_with("Basic ")) return r;
    r.sent = true;
    auto decoded = base64_decode(header.substr(6));
    auto colon = decoded.find(':');
    if (colon == std::string::npos) return r;
    const std::string login = decoded.substr(0, colon);
    const std::string secret = decoded.substr(colon + 1);
    r.who = w.authenticate(login, secret);
    // An app password is tried as a login password first: two attempts are logged.
    const user* known = w.find_user(login);
    const bool app_password = known && known->app_passwords.count(secret);
    r.app_password = app_password;
    w.audit("--", "Login attempt: \"" + login + "\"");
    if (app_password) w.audit("--", "Login attempt: \"" + login + "\"");
    if (r.who) {
        w.audit(r.who->id, "Login successful: \"" + r.who->id + "\"");
        w.first_login(*w.find_user(r.who->id));
    } else {
        w.audit("--", "Login failed: \"" + login + "\" (Remote IP: \"127.0.0.1\")");
    }
    return r;
}

// ---- OCS ----------------------------------------------------------------

bool ocs_v1(const sim_request& req) { return req.path.starts_with("/ocs/v1.php/"); }

bool wants_json(const sim_request& req)
{
    auto it = req.query.find("format");
    if (it != req.query.end()) return it->second == "json";
    return req.header("accept").find("application/json") != std::string::npos;
}

void xml_value(std::string& out, const std::string& name, const json& v, int depth)
{
    std::string indent(static_cast<std::size_t>(depth), ' ');
    if (v.is_null() || (v.is_array() && v.empty()) || (v.is_object() && v.empty())) {
        out += indent + "<" + name + "/>\n";
    } else if (v.is_object()) {
        out += indent + "<" + name + ">\n";
        for (const auto& [k, child] : v.items()) xml_value(out, k, child, depth + 1);
        out += indent + "</" + name + ">\n";
    } else if (v.is_array()) {
        out += indent + "<" + name + ">\n";
        for (const auto& child : v) xml_value(out, "element", child, depth + 1);
        out += indent + "</" + name + ">\n";
    } else if (v.is_string()) {
        out += indent + "<" + name + ">" + xml_escape(v.get<std::string>()) + "</" + name + ">\n";
    } else if (v.is_boolean()) {
        out += indent + "<" + name + ">" + (v.get<bool>() ? "1" : "") + "</" + name + ">\n";
    } else {
        out += indent + "<" + name + ">" + v.dump() + "</" + name + ">\n";
    }
}

// The OCS envelope: v1 answers HTTP 200 with statuscode 100 on success (and
// keeps HTTP 200 for most errors), v2 mirrors the status in HTTP.
// `ocs_code` is the envelope's statuscode when it differs from what `status` implies.
sim_response ocs_reply(const sim_request& req, unsigned status, const std::string& message, json payload,
                       bool middleware_xml = false, std::optional<unsigned> ocs_code = std::nullopt)
{
    const bool v1 = ocs_v1(req);
    const bool ok = status < 300;
    json meta = {{"status", ok ? "ok" : "failure"},
                 {"statuscode", ocs_code   ? *ocs_code
                                : ok && v1 ? 100
                                           : status},
                 {"message", message}};
    if (v1) {
        meta["totalitems"] = "";
        meta["itemsperpage"] = "";
    }
    sim_response res;
    res.status = v1 ? (status == 401 || status == 503 ? status : 200) : status;
    if (!middleware_xml && wants_json(req)) {
        res.set("Content-Type", "application/json; charset=utf-8");
        res.body = php_json_slashes(json{{"ocs", {{"meta", meta}, {"data", payload}}}}.dump());
    } else {
        // The API's own XML and the middleware's (maintenance) differ in Content-Type.
        res.set("Content-Type", middleware_xml ? "text/xml; charset=UTF-8" : "application/xml; charset=utf-8");
        std::string body = "<?xml version=\"1.0\"?>\n<ocs>\n <meta>\n";
        for (const char* k : {"status", "statuscode", "message", "totalitems", "itemsperpage"})
            if (meta.contains(k)) xml_value(body, k, meta[k], 2);
        body += " </meta>\n";
        xml_value(body, "data", payload, 1);
        body += "</ocs>\n";
        res.body = std::move(body);
    }
    return res;
}

// An OCS error whose envelope code differs from the HTTP status (e.g. 404 / 998).
sim_response ocs_failure(const sim_request& req, unsigned http_status, unsigned ocs_code, const std::string& message)
{
    return ocs_reply(req, http_status, message, json::array(), false, ocs_code);
}

sim_response ocs_unauthorised(const sim_request& req)
{
    // Always XML, whatever format or OCS version was asked for, and without
    // v1's paging fields (captures 20c, 20d): the login failure comes from a
    // different code path than the API's envelopes.
    sim_response res;
    res.status = 401;
    res.set("WWW-Authenticate", "Basic realm=\"Authorisation Required\"");
    res.set("Content-Type", "text/xml; charset=UTF-8");
    res.body =
        "<?xml version=\"1.0\"?>\n<ocs>\n <meta>\n  <status>failure</status>\n  <statuscode>997</statuscode>\n"
        "  <message>Unauthorised</message>\n </meta>\n <data/>\n</ocs>\n";
    (void)req;
    return res;
}

json user_json(world& w, const user& u)
{
    const node* home = w.find_node(u.home);
    std::int64_t used = home ? w.tree_size(*home) : 0;
    const std::int64_t total = 84051043144;
    return {{"id", u.id},
            {"lastLogin", u.last_login_ms},
            {"backend", "Database"},
            {"subadmin", w.subadmin_groups(u.id)},
            {"quota", {{"free", total - used}, {"used", used}, {"total", total}, {"relative", 0}, {"quota", -3}}},
            {"manager", ""},
            {"avatarScope", "v2-federated"},
            {"email", u.email.empty() ? json(nullptr) : json(u.email)},
            {"emailScope", "v2-federated"},
            {"additional_mail", json::array()},
            {"additional_mailScope", json::array()},
            {"displayname", u.display_name},
            {"display-name", u.display_name},
            {"displaynameScope", "v2-federated"},
            {"phone", ""},
            {"phoneScope", "v2-local"},
            {"address", ""},
            {"addressScope", "v2-local"},
            {"website", ""},
            {"websiteScope", "v2-local"},
            {"twitter", ""},
            {"twitterScope", "v2-local"},
            {"fediverse", ""},
            {"fediverseScope", "v2-local"},
            {"organisation", ""},
            {"organisationScope", "v2-local"},
            {"role", ""},
            {"roleScope", "v2-local"},
            {"headline", ""},
            {"headlineScope", "v2-local"},
            {"biography", ""},
            {"biographyScope", "v2-local"},
            {"profile_enabled", "1"},
            {"profile_enabledScope", "v2-local"},
            {"groups", w.groups_of(u.id)},
            {"language", u.language},
            {"locale", u.locale},
            {"notify_email", nullptr},
            {"backendCapabilities", {{"setDisplayName", true}, {"setPassword", true}}}};
}

bool has_preview(const node& n) { return !n.folder && n.mime != "application/pdf"; }

// A share as the OCS API shows it: to its owner (`recipient_view` false, as
// on creation and in path queries) or to the user it is shared with.
json share_json(world& w, const share& s, bool recipient_view, bool created, const std::string& host)
{
    const node* n = w.find_node(s.node);
    const user* owner = w.find_user(s.owner);
    const std::string owner_name = owner ? owner->display_name : s.owner;
    const std::string owner_path = n ? w.path_of(*n) : std::string();
    json j;
    j["id"] = std::to_string(s.id);
    j["share_type"] = s.type;
    j["uid_owner"] = s.owner;
    j["displayname_owner"] = owner_name;
    j["permissions"] = s.permissions;
    j["can_edit"] = !recipient_view;
    j["can_delete"] = !recipient_view || s.type == share::user_share;
    j["stime"] = s.stime;
    j["parent"] = nullptr;
    j["expiration"] = s.expiration ? json(*s.expiration) : json(nullptr);
    j["token"] = s.type == share::link_share ? json(s.token) : json(nullptr);
    j["uid_file_owner"] = s.owner;
    j["note"] = s.note;
    j["label"] = created || s.type == share::link_share ? json("") : json(nullptr);
    j["displayname_file_owner"] = owner_name;
    j["path"] = recipient_view ? s.file_target : owner_path;
    j["item_type"] = n && n->folder ? "folder" : "file";
    if (!recipient_view) j["item_permissions"] = n && n->folder ? 31 : 27;
    j["mimetype"] = n ? n->mime : "";
    j["has_preview"] = n && has_preview(*n);
    j["storage_id"] = recipient_view ? "shared::" + s.file_target : "home::" + s.owner;
    j["storage"] = 3;
    j["item_source"] = s.node;
    j["file_source"] = s.node;
    j["file_parent"] = n ? n->parent : 0;
    j["file_target"] = s.file_target;
    j["item_size"] = n ? w.tree_size(*n) : 0;
    j["item_mtime"] = n ? n->mtime : 0;
    if (s.type == share::link_share) {
        j["share_with"] = nullptr;
        j["share_with_displayname"] = "(Shared link)";
        j["password"] = nullptr;
        j["send_password_by_talk"] = false;
        j["url"] = "http://" + host + "/s/" + s.token;
    } else {
        const user* with = w.find_user(s.with);
        j["share_with"] = s.with;
        j["share_with_displayname"] = with ? with->display_name : s.with;
        if (s.type == share::user_share) j["share_with_displayname_unique"] = s.with;
    }
    j["mail_send"] = created ? 1 : 0;
    j["hide_download"] = 0;
    j["attributes"] = nullptr;
    return j;
}

std::map<std::string, std::string> form_or_json(const sim_request& req)
{
    std::map<std::string, std::string> out;
    if (req.header("content-type").find("json") != std::string::npos) {
        auto j = json::parse(req.body, nullptr, false);
        if (j.is_object())
            for (const auto& [k, v] : j.items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
        return out;
    }
    auto params = boost::urls::parse_query(req.body);
    if (params)
        for (auto p : *params) {
            boost::urls::encoding_opts form;
            form.space_as_plus = true;
            out[p.key.decode(form)] = p.value.decode(form);
        }
    return out;
}

sim_response handle_shares(world& w, const user& who, const sim_request& req)
{
    const std::string host = req.header("host");
    if (req.method == "POST") {
        auto params = form_or_json(req);
        node* n = w.resolve(who.id, params["path"]);
        if (!n) return ocs_reply(req, 404, "Wrong path, file/folder does not exist", json::array());
        share s;
        s.owner = who.id;
        s.node = n->id;
        s.type = params.count("shareType") ? std::stoi(params["shareType"]) : share::user_share;
        s.with = params["shareWith"];
        if (s.type != share::link_share && s.with.empty())
            return ocs_reply(req, 404, "Please specify a valid user", json::array());
        int permissions = params.count("permissions") ? std::stoi(params["permissions"]) : (n->folder ? 31 : 19);
        if (s.type == share::link_share) permissions |= 16;
        if (!n->folder) permissions &= ~(4 | 8);
        s.permissions = permissions;
        if (params.count("expireDate") && !params["expireDate"].empty())
            s.expiration = params["expireDate"].substr(0, 10) + " 00:00:00";
        s.note = params["note"];
        const share& created = w.add_share(std::move(s));
        return ocs_reply(req, 200, "OK", share_json(w, created, false, true, host));
    }
    json list = json::array();
    auto flag = [&](const char* name) {
        auto it = req.query.find(name);
        return it != req.query.end() && it->second == "true";
    };
    if (flag("shared_with_me")) {
        for (const share* s : w.incoming(who.id)) list.push_back(share_json(w, *s, true, false, host));
        return ocs_reply(req, 200, "OK", list);
    }
    if (auto it = req.query.find("path"); it != req.query.end()) {
        node* n = w.resolve(who.id, it->second);
        if (!n) return ocs_reply(req, 404, "Wrong path, file/folder does not exist", json::array());
        std::vector<std::int64_t> nodes;
        if (flag("subfiles")) {
            if (!n->folder) return ocs_reply(req, 400, "Not a directory", json::array());
            for (const node* child : w.listing(who.id, *n)) nodes.push_back(child->id);
        } else {
            nodes.push_back(n->id);
        }
        for (auto id : nodes)
            for (const share* s : w.shares_on(id)) list.push_back(share_json(w, *s, false, false, host));
        return ocs_reply(req, 200, "OK", list);
    }
    for (const share* s : w.shares_owned_by(who.id)) list.push_back(share_json(w, *s, false, false, host));
    return ocs_reply(req, 200, "OK", list);
}

// webhook_listeners (captures-34 33a-33b2): an admin registers, lists and
// deletes webhooks; anyone else, a sub-admin too, is refused with 403 (the
// admin settings' delegation check).
// ---- Sharees --------------------------------------------------------------

// files_sharing's ShareesAPIController::search for users (shareType 0), as
// its UserPlugin answers with the defaults (shareapi_restrict_user_enumeration_
// full_match*: yes): a user whose id, display name or e-mail address is the
// search (case-insensitive) is in `exact.users`, others containing it in
// `users`; the searching user is left out. `shareWithDisplayNameUnique` is the
// e-mail address when one is set, else the id. From the OpenAPI description
// (server-files_sharing-openapi.json); no recording of it exists.
sim_response handle_sharees(world& w, const user& who, const sim_request& req)
{
    auto param = [&](const std::string& k) {
        auto it = req.query.find(k);
        return it == req.query.end() ? std::string() : it->second;
    };
    if (param("itemType").empty()) return ocs_failure(req, 400, 400, "Missing itemType");
    const std::string search = param("search");
    auto lower = [](std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    const std::string wanted = lower(search);
    json exact = json::array(), partial = json::array();
    for (const auto& [id, u] : w.users()) {
        if (id == who.id || wanted.empty()) continue;
        const std::string label = u.display_name.empty() ? id : u.display_name;
        const std::string unique = u.email.empty() ? id : u.email;
        json entry = {{"label", label},
                      {"subline", ""},
                      {"icon", "icon-user"},
                      {"value", {{"shareType", 0}, {"shareWith", id}}},
                      {"shareWithDisplayNameUnique", unique},
                      {"status", json::array()}};
        if (lower(id) == wanted || lower(u.display_name) == wanted || (!u.email.empty() && lower(u.email) == wanted))
            exact.push_back(entry);
        else if (lower(id).find(wanted) != std::string::npos || lower(u.display_name).find(wanted) != std::string::npos)
            partial.push_back(entry);
    }
    json none = json::array();
    json data = {{"exact",
                  {{"users", exact},
                   {"groups", none},
                   {"remotes", none},
                   {"remote_groups", none},
                   {"emails", none},
                   {"circles", none},
                   {"rooms", none}}},
                 {"users", partial},
                 {"groups", none},
                 {"remotes", none},
                 {"remote_groups", none},
                 {"emails", none},
                 {"lookup", none},
                 {"circles", none},
                 {"rooms", none},
                 {"lookupEnabled", false}};
    return ocs_reply(req, 200, "OK", data);
}

sim_response handle_webhooks(world& w, const user& who, const sim_request& req, const std::string& route)
{
    if (!w.is_admin(who.id))
        return ocs_reply(
            req, 403, "Logged in account must be an admin, a sub admin or gotten special right to access this setting",
            json::array());
    const std::string base = "/apps/webhook_listeners/api/v1/webhooks";
    if (route == base && req.method == "POST") {
        const auto in = json::parse(req.body, nullptr, false);
        if (!in.is_object()) return ocs_reply(req, 400, "", json::array());
        const int id = w.next_webhook_id++;
        json hook = {{"id", id},
                     {"appId", nullptr},
                     {"userId", who.id},
                     {"httpMethod", in.value("httpMethod", "POST")},
                     {"uri", in.value("uri", "")},
                     {"event", in.value("event", "")},
                     {"eventFilter",
                      in.contains("eventFilter") && !in["eventFilter"].empty() ? in["eventFilter"] : json::array()},
                     {"userIdFilter", in.value("userIdFilter", "")},
                     {"headers", in.contains("headers") ? in["headers"] : json(nullptr)},
                     {"authMethod", in.value("authMethod", "none")},
                     {"authData", in.contains("authData") ? in["authData"] : json(nullptr)},
                     {"tokenNeeded", json::array()}};
        w.webhooks[id] = hook.dump();
        return ocs_reply(req, 200, "OK", hook);
    }
    if (route == base && req.method == "GET") {
        json list = json::array();
        for (const auto& [id, text] : w.webhooks) list.push_back(json::parse(text));
        return ocs_reply(req, 200, "OK", list);
    }
    if (route.starts_with(base + "/") && req.method == "DELETE") {
        const int id = std::atoi(route.substr(base.size() + 1).c_str());
        if (!w.webhooks.erase(id)) return ocs_reply(req, 404, "", json::array());
        return ocs_reply(req, 200, "OK", true);
    }
    return ocs_reply(req, 405, "", json::array());
}

// Core's AppPasswordController (not recorded): GET getapppassword turns the
// login password a client sent into a new app password, and refuses with 403
// when the client already uses one ("You cannot request an new apppassword
// with an apppassword"); DELETE apppassword revokes the one sent.
sim_response handle_app_password(world& w, const auth_result& auth, const sim_request& req, const std::string& route)
{
    if (req.method == "GET" && route == "/core/getapppassword") {
        if (auth.app_password) return ocs_reply(req, 403, "", json::array());
        const std::string token = "SimulatedAppPassword" +
                                  std::to_string(w.find_user(auth.who->id)->app_passwords.size()) +
                                  std::string(50, 'x');
        w.find_user(auth.who->id)->app_passwords.insert(token);
        return ocs_reply(req, 200, "OK", {{"apppassword", token}});
    }
    if (req.method == "DELETE" && route == "/core/apppassword") {
        if (!auth.app_password) return ocs_reply(req, 403, "", json::array());
        auto header = req.header("authorization");
        auto decoded = base64_decode(header.substr(6));
        w.find_user(auth.who->id)->app_passwords.erase(decoded.substr(decoded.find(':') + 1));
        return ocs_reply(req, 200, "OK", json::array());
    }
    return ocs_reply(req, 405, "", json::array());
}

sim_response handle_ocs(world& w, bool maintenance, const sim_request& req)
{
    if (maintenance) {
        auto res = ocs_reply(req, 503, "Service unavailable", json::array(),
                             req.query.count("format") == 0 || req.query.at("format") != "json");
        res.status = 503;
        res.set("X-Nextcloud-Maintenance-Mode", "1");
        res.close = true;
        return res;
    }
    auto auth = authenticate(w, req);
    if (auth.sent && !auth.who) return ocs_unauthorised(req);
    if (auth.sent && req.header("ocs-apirequest") != "true") {
        sim_response res;
        res.status = 412;
        res.set("Content-Type", "application/json; charset=utf-8");
        res.body = R"({"message":"CSRF check failed"})";
        return res;
    }
    if (!auth.who) return ocs_unauthorised(req);

    // "/ocs/v1.php" and "/ocs/v2.php" have the same length; one route table serves both.
    const std::string route = req.path.substr(11);
    if (req.method == "GET" && route == "/cloud/capabilities") {
        auto capabilities = json::parse(w.server == dialect::nc34 ? data::capabilities_34 : data::capabilities);
        for (const auto& app : w.disabled_apps) capabilities["capabilities"].erase(app);
        auto res = ocs_reply(req, 200, "OK", capabilities);
        res.set("ETag", "\"" + std::string(32, '0').replace(0, 8, "5e0c0a9b") + "\"");
        return res;
    }
    if (route == "/core/getapppassword" || route == "/core/apppassword")
        return handle_app_password(w, auth, req, route);
    if (route.starts_with("/apps/webhook_listeners/api/v1/webhooks") && w.server == dialect::nc34)
        return handle_webhooks(w, *auth.who, req, route);
    if (route == "/apps/files_sharing/api/v1/shares") return handle_shares(w, *auth.who, req);
    if (req.method == "GET" && route == "/apps/files_sharing/api/v1/sharees") return handle_sharees(w, *auth.who, req);
    if (req.method == "GET" && route.starts_with("/apps/activity/api/v2/activity/"))
        return detail::handle_activity(w, *auth.who, req, route);
    if (route.starts_with("/apps/spreed/api/")) return detail::handle_talk(w, *auth.who, req, route);
    if (route.starts_with("/apps/deck/api/")) return detail::handle_deck_ocs(w, *auth.who, req, route);
    if (req.method == "GET" && route.starts_with("/cloud/groups/") && route.ends_with("/users")) {
        std::string group = route.substr(14, route.size() - 14 - 6);
        if (!w.manages_group(auth.who->id, group))
            return ocs_reply(req, 403, "Logged in account must be at least a sub admin", json::array());
        return ocs_reply(req, 200, "OK", json{{"users", w.group_members(group)}});
    }
    if (req.method == "POST" && route.starts_with("/cloud/users/") && route.ends_with("/subadmins")) {
        std::string target = route.substr(13, route.size() - 13 - 10);
        if (!w.is_admin(auth.who->id)) return ocs_reply(req, 403, "Logged in account must be an admin", json::array());
        auto params = form_or_json(req);
        if (!w.find_user(target)) return ocs_failure(req, 400, 101, "User does not exist");
        w.add_subadmin(target, params["groupid"]);
        return ocs_reply(req, 200, "OK", json::array());
    }
    if (req.method == "GET" && route.starts_with("/cloud/users/") && route.find('/', 13) == std::string::npos) {
        std::string target = route.substr(13);
        user* u = w.find_user(target);
        if (u && u->id == auth.who->id) return ocs_reply(req, 200, "OK", user_json(w, *u));
        if (!u || !w.manages(auth.who->id, target)) return ocs_failure(req, 404, 998, "");
        // What an admin or sub-admin sees: no visibility scopes, plus "enabled".
        json full = user_json(w, *u);
        json j;
        j["enabled"] = true;
        for (const auto& [k, v] : full.items())
            if (!k.ends_with("Scope")) j[k] = v;
        j["subadmin"] = w.subadmin_groups(u->id);
        if (w.server == dialect::nc34 && !u->time_zone.empty()) j["timezone"] = u->time_zone;
        return ocs_reply(req, 200, "OK", j);
    }
    if (req.method == "GET" && route == "/cloud/user") {
        user* u = w.find_user(auth.who->id);
        return ocs_reply(req, 200, "OK", user_json(w, *u));
    }
    return ocs_reply(req, 404,
                     "Invalid query, please check the syntax. API specifications are here: "
                     "http://www.freedesktop.org/wiki/Specifications/open-collaboration-services.\n",
                     json::array());
}

// ---- WebDAV -------------------------------------------------------------

sim_response dav_error(unsigned status, const std::string& exception, const std::string& message)
{
    sim_response res;
    res.status = status;
    res.set("Content-Type", "application/xml; charset=utf-8");
    res.body =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<d:error xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\">\n"
        "  <s:exception>" +
        exception +
        "</s:exception>\n"
        "  <s:message>" +
        xml_escape(message) +
        "</s:message>\n"
        "</d:error>\n";
    return res;
}

sim_response dav_unauthenticated(bool credentials_sent)
{
    auto res = dav_error(
        401, "Sabre\\DAV\\Exception\\NotAuthenticated",
        credentials_sent
            ? "No public access to this resource., Username or password was incorrect, No 'Authorization: Bearer' "
              "header found. Either the client didn't send one, or the server is mis-configured, Username or "
              "password was incorrect"
            : "No public access to this resource., No 'Authorization: Basic' header found. Either the client "
              "didn't send one, or the server is misconfigured, No 'Authorization: Bearer' header found. Either "
              "the client didn't send one, or the server is mis-configured, No 'Authorization: Basic' header "
              "found. Either the client didn't send one, or the server is misconfigured");
    res.set("WWW-Authenticate", "Basic realm=\"Nextcloud\", charset=\"UTF-8\"");
    return res;
}

struct prop_name {
    std::string ns;
    std::string local;
};

std::vector<prop_name> requested_props(const std::string& body)
{
    std::vector<prop_name> props;
    pugi::xml_document doc;
    if (body.empty() || !doc.load_string(body.c_str())) {
        // allprop: what Nextcloud answers for an empty PROPFIND.
        for (const char* p : {"getlastmodified", "getcontentlength", "resourcetype", "getetag", "getcontenttype"})
            props.push_back({ns_dav, p});
        return props;
    }
    auto ns_of = [](const pugi::xml_node& n) {
        std::string name = n.name();
        auto colon = name.find(':');
        std::string attr = colon == std::string::npos ? "xmlns" : "xmlns:" + name.substr(0, colon);
        for (pugi::xml_node p = n; p; p = p.parent())
            if (auto a = p.attribute(attr.c_str())) return std::string(a.value());
        return std::string();
    };
    auto local_of = [](const pugi::xml_node& n) {
        std::string name = n.name();
        auto colon = name.find(':');
        return colon == std::string::npos ? name : name.substr(colon + 1);
    };
    for (auto top : doc.document_element().children()) {
        if (local_of(top) != "prop") continue;
        for (auto p : top.children())
            if (p.type() == pugi::node_element) props.push_back({ns_of(p), local_of(p)});
    }
    return props;
}

std::string prefix_for(const std::string& ns)
{
    if (ns == ns_dav) return "d";
    if (ns == ns_oc) return "oc";
    if (ns == ns_nc) return "nc";
    return "x1";
}

std::string element(const prop_name& p, const std::optional<std::string>& inner)
{
    std::string tag = prefix_for(p.ns) + ":" + p.local;
    std::string decl = prefix_for(p.ns) == "x1" ? " xmlns:x1=\"" + p.ns + "\"" : "";
    if (!inner || inner->empty()) return "<" + tag + decl + "/>";
    return "<" + tag + decl + ">" + *inner + "</" + tag + ">";
}

// The value of a property for a node, or nullopt where Nextcloud answers 404.
// An empty string is a present but empty property.
std::string permission_letters(const node& n, const share* mount)
{
    if (!mount) return n.folder ? "RGDNVCK" : "RGDNVW";
    const int p = mount->permissions;
    std::string out = "S";
    if (p & 16) out += 'R';
    out += 'G';
    if (p & 8) out += 'D';
    if (p & 2) out += "NV";
    if (n.folder) {
        if (p & 4) out += "CK";
    } else if (p & 2) {
        out += 'W';
    }
    return out;
}

// A folder with shares mounted below it has an ETag made of its own and the
// mounts' (lib/private/Files/FileInfo.php, getEtag and addSubEntry): a change
// inside a received share, a share received or one taken away changes the
// recipient's home ETag, though the home itself was not touched. In the
// simulator shares are mounted in the home only.
std::string home_etag(world& w, const std::string& viewer, const node& home)
{
    std::string combined;
    for (const share* s : w.incoming(viewer))
        if (const node* m = w.find_node(s->node))
            combined += "::" + s->file_target + "/" + m->etag + std::to_string(s->permissions);
    return combined.empty() ? home.etag : md5_hex(home.etag + combined);
}

std::optional<std::string> prop_value(world& w, const std::string& viewer, const node& n, const prop_name& p,
                                      bool depth0)
{
    const bool folder = n.folder;
    const user* owner = w.find_user(n.owner);
    const share* mount = w.mount_of(viewer, n);
    const user* viewing = w.find_user(viewer);
    const bool viewer_home = viewing && viewing->home == n.id;
    auto size = [&] {
        std::int64_t total = w.tree_size(n);
        if (viewer_home)
            for (const share* s : w.incoming(viewer))
                if (const node* m = w.find_node(s->node)) total += w.tree_size(*m);
        return total;
    };
    if (p.ns == ns_dav) {
        if (p.local == "getetag") return xml_escape("\"" + (viewer_home ? home_etag(w, viewer, n) : n.etag) + "\"");
        if (p.local == "getlastmodified") return http_date(n.mtime);
        if (p.local == "getcontentlength")
            return folder ? std::nullopt : std::optional(std::to_string(n.content.size()));
        if (p.local == "getcontenttype") return folder ? std::nullopt : std::optional(xml_escape(n.mime));
        if (p.local == "resourcetype") return folder ? "<d:collection/>" : "";
        if (p.local == "displayname") return xml_escape(n.parent == 0 ? n.owner : n.name);
        if (p.local == "creationdate") return "1970-01-01T00:00:00+00:00";
        if (p.local == "quota-available-bytes" && folder) return "-3";
        if (p.local == "quota-used-bytes" && folder) return std::to_string(size());
        return std::nullopt;
    }
    if (p.ns == ns_oc) {
        if (p.local == "fileid") return std::to_string(n.id);
        if (p.local == "id") return padded_id(n.id, w.instance_id());
        if (p.local == "permissions") return permission_letters(n, mount);
        if (p.local == "size") return std::to_string(size());
        if (p.local == "owner-id") return xml_escape(n.owner);
        if (p.local == "owner-display-name") return xml_escape(owner ? owner->display_name : n.owner);
        if (p.local == "share-types") {
            if (mount) return "";
            std::set<int> types;
            for (const share* s : w.shares_on(n.id)) types.insert(s->type);
            std::string out;
            for (int t : types) out += "<oc:share-type>" + std::to_string(t) + "</oc:share-type>";
            return out;
        }
        if (p.local == "comments-count" || p.local == "comments-unread") {
            auto list = w.comments_on(n.id);
            if (p.local == "comments-count") return std::to_string(list.size());
            const auto marker = w.read_marker(viewer, n.id);
            std::size_t unread = 0;
            for (const comment* c : list)
                if (c->created > marker && c->actor != viewer) ++unread;
            return std::to_string(unread);
        }
        if (p.local == "comments-href") return "/remote.php/dav/comments/files/" + std::to_string(n.id);
        if (p.local == "favorite") return "0";
        if (p.local == "tags") return "";
        if (p.local == "data-fingerprint") return "";
        return std::nullopt;
    }
    if (p.ns == ns_nc && w.server == dialect::nc34) {
        // 34 (05, 06): no is-encrypted or note; an empty lock on files, and on
        // a folder only when it is asked for alone (Depth 0).
        if (p.local == "is-encrypted" || p.local == "note") return std::nullopt;
        if (p.local == "lock") return folder && !depth0 ? std::nullopt : std::optional<std::string>("");
    }
    if (p.ns == ns_nc) {
        if (p.local == "sharees") {
            if (mount) return "";
            std::string out;
            for (const share* s : w.shares_on(n.id)) {
                if (s->type == share::link_share) {
                    out += "<nc:sharee><nc:id/><nc:display-name/><nc:type>3</nc:type></nc:sharee>";
                } else {
                    const user* u = w.find_user(s->with);
                    out += "<nc:sharee><nc:id>" + xml_escape(s->with) + "</nc:id><nc:display-name>" +
                           xml_escape(u ? u->display_name : s->with) + "</nc:display-name><nc:type>" +
                           std::to_string(s->type) + "</nc:type></nc:sharee>";
                }
            }
            return out;
        }
        if (p.local == "has-preview") return folder || n.mime == "application/pdf" ? "false" : "true";
        if (p.local == "upload_time") return folder ? std::nullopt : std::optional(std::to_string(n.upload_time));
        if (p.local == "creation_time") return "0";
        if (p.local == "mount-type") return mount ? "shared" : "";
        if (p.local == "is-mount-root") return mount && mount->node == n.id ? "true" : "false";
        if (p.local == "is-encrypted") return folder ? std::optional<std::string>("0") : std::nullopt;
        if (p.local == "share-attributes") return "[]";
        if (p.local == "system-tags") {
            // SystemTagList: one nc:system-tag per tag, attributes in the oc namespace, sorted by name.
            auto names = n.system_tags;
            std::sort(names.begin(), names.end());
            std::string out;
            for (const auto& name : names)
                out += "<nc:system-tag oc:can-assign=\"true\" oc:id=\"" + std::to_string(w.system_tag_id(name)) +
                       "\" oc:user-assignable=\"true\" oc:user-visible=\"true\">" + xml_escape(name) +
                       "</nc:system-tag>";
            return out;
        }
        if (p.local == "contained-file-count" || p.local == "contained-folder-count") {
            if (!folder) return std::nullopt;
            std::size_t count = 0;
            for (const node* child : w.listing(viewer, n))
                if (child->folder == (p.local == "contained-folder-count")) ++count;
            return std::to_string(count);
        }
        if (p.local == "note") return "";
        if (p.local == "hidden") return "false";
        if (p.local == "reminder-due-date") return "";
        return std::nullopt;
    }
    if (p.ns == ns_ocs && p.local == "share-permissions") {
        if (mount) return std::to_string(folder ? mount->permissions : mount->permissions & 19);
        return folder ? "31" : "19";
    }
    return std::nullopt;
}

std::string dav_response_xml(world& w, const std::string& viewer, const node& n, const std::string& href,
                             const std::vector<prop_name>& props, bool depth0 = false)
{
    std::string found, missing;
    for (const auto& p : props) {
        auto v = prop_value(w, viewer, n, p, depth0);
        if (v) {
            // Present-but-empty text properties keep an open/close pair, as Sabre writes them.
            bool text_empty = v->empty() && (p.local == "data-fingerprint" || p.local == "mount-type" ||
                                             p.local == "note" || p.local == "reminder-due-date" || p.local == "lock");
            found += text_empty
                         ? "<" + prefix_for(p.ns) + ":" + p.local + "></" + prefix_for(p.ns) + ":" + p.local + ">"
                         : element(p, v);
        } else {
            missing += element(p, std::nullopt);
        }
    }
    std::string out = "<d:response><d:href>" + xml_escape(href) + "</d:href>";
    if (!found.empty())
        out += "<d:propstat><d:prop>" + found + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>";
    if (!missing.empty())
        out += "<d:propstat><d:prop>" + missing + "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>";
    return out + "</d:response>";
}

sim_response handle_dav_files(world& w, const user& who, const sim_request& req)
{
    // /remote.php/dav/files/<user>/<path>
    const std::string prefix = "/remote.php/dav/files/";
    std::string rest = req.path.substr(prefix.size());
    auto slash = rest.find('/');
    std::string owner = rest.substr(0, slash);
    std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
    if (owner != who.id)
        return dav_error(404, "Sabre\\DAV\\Exception\\NotFound", "Principal with name " + owner + " not found");

    if (req.method == "PROPFIND") {
        node* n = w.resolve(who.id, path);
        if (!n) {
            auto res =
                dav_error(404, "Sabre\\DAV\\Exception\\NotFound", "File with name " + path + " could not be located");
            res.set("DAV", dav_header);
            return res;
        }
        auto props = requested_props(req.body);
        const std::string base_href = "/remote.php/dav/files/" + percent_encode_path(who.id);
        auto href_of = [&](const node& x) {
            std::string p = w.view_path(who.id, x).value_or("/");
            std::string h = base_href + percent_encode_path(p == "/" ? "" : p);
            if (x.folder) h += '/';
            return h;
        };
        std::string body =
            "<?xml version=\"1.0\"?>\n<d:multistatus xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\" "
            "xmlns:oc=\"http://owncloud.org/ns\" xmlns:nc=\"http://nextcloud.org/ns\">";
        body += dav_response_xml(w, who.id, *n, href_of(*n), props, req.header("depth") == "0");
        if (n->folder && req.header("depth") != "0") {
            for (node* child : w.listing(who.id, *n))
                body += dav_response_xml(w, who.id, *child, href_of(*child), props);
        }
        body += "</d:multistatus>\n";
        sim_response res;
        res.status = 207;
        res.set("Vary", "Brief,Prefer");
        res.set("DAV", dav_header);
        res.set("Content-Type", "application/xml; charset=utf-8");
        res.body = std::move(body);
        return res;
    }
    if (req.method == "GET" || req.method == "HEAD") {
        node* n = w.resolve(who.id, path);
        if (!n)
            return dav_error(404, "Sabre\\DAV\\Exception\\NotFound",
                             "File with name " + path + " could not be located");
        sim_response res;
        if (n->folder) {
            res.set("Content-Type", "text/html; charset=UTF-8");
            return res;
        }
        res.set("Last-Modified", http_date(n->mtime));
        res.set("ETag", "\"" + n->etag + "\"");
        res.set("OC-ETag", "\"" + n->etag + "\"");
        res.set("Content-Disposition",
                "attachment; filename*=UTF-8''" + percent_encode_path(n->name) + "; filename=\"" + n->name + "\"");
        res.set("X-Accel-Buffering", "no");
        // Only text gets a charset (12a: text/markdown;charset=UTF-8; 34's 12a2: the ODS type alone).
        res.set("Content-Type", n->mime.starts_with("text/") ? n->mime + ";charset=UTF-8" : n->mime);
        if (req.method == "GET") {
            res.body = n->content;
            w.audit_file_access(who.id, *n);
        }
        return res;
    }
    if (req.method == "PUT") {
        std::int64_t id = 0;
        auto result = w.put_file(who.id, path, req.body, req.header("content-type"), &id);
        if (result == world::write_result::parent_missing)
            return dav_error(409, "Sabre\\DAV\\Exception\\Conflict",
                             "Files can only be created as children of collections");
        if (result == world::write_result::is_folder)
            return dav_error(405, "Sabre\\DAV\\Exception\\MethodNotAllowed", "PUT is not allowed on non-files.");
        const node* n = w.find_node(id);
        sim_response res;
        res.status = result == world::write_result::created ? 201 : 204;
        res.set("OC-FileId", padded_id(id, w.instance_id()));
        res.set("ETag", "\"" + n->etag + "\"");
        res.set("OC-ETag", "\"" + n->etag + "\"");
        if (res.status == 201) res.set("Content-Type", "text/html; charset=UTF-8");
        return res;
    }
    // The owner, or a recipient whose share grants `permission` on what is
    // below the share's root (the root itself is the recipient's mount point).
    auto may_change = [&](const node& n, int permission) {
        if (n.parent == 0) return false;
        if (n.owner == who.id) return true;
        const share* mount = w.mount_of(who.id, n);
        return mount && mount->node != n.id && (mount->permissions & permission) != 0;
    };
    if (req.method == "DELETE") {
        // Nextcloud moves the node to the owner's trash bin and answers 204; the
        // simulator has no trash bin: the node leaves its folder.
        node* n = w.resolve(who.id, path);
        if (!n || !may_change(*n, 8))
            return dav_error(404, "Sabre\\DAV\\Exception\\NotFound",
                             "File with name " + path + " could not be located");
        node* parent = w.find_node(n->parent);
        w.detach(*n);
        w.audit(who.id, "File with id \"" + std::to_string(n->id) + "\" deleted: \"" + path + "\"");
        w.touch(*parent);
        sim_response res;
        res.status = 204;
        return res;
    }
    if (req.method == "MOVE") {
        // A rename or a move within the owner's storage (a move across
        // storages is a copy in Nextcloud; not simulated). The file id stays;
        // both parents, and every folder above them, take new ETags.
        node* n = w.resolve(who.id, path);
        if (!n || !may_change(*n, 2))
            return dav_error(404, "Sabre\\DAV\\Exception\\NotFound",
                             "File with name " + path + " could not be located");
        const std::string destination_header = req.header("destination");  // the url_view below points into it
        const auto destination = boost::urls::parse_uri(destination_header);
        const std::string own = prefix + who.id;
        std::string to = destination ? std::string(destination->path()) : std::string();
        if (!to.starts_with(own + "/"))
            return dav_error(400, "Sabre\\DAV\\Exception\\BadRequest", "The destination header was invalid");
        to = to.substr(own.size());
        while (to.size() > 1 && to.back() == '/') to.pop_back();
        const auto cut = to.rfind('/');
        node* target = w.resolve(who.id, cut == 0 ? "/" : to.substr(0, cut));
        if (!target || !target->folder)
            return dav_error(409, "Sabre\\DAV\\Exception\\Conflict", "The destination node is not found");
        if (target->owner != n->owner)
            return dav_error(501, "Sabre\\DAV\\Exception\\NotImplemented",
                             "a move across storages is not implemented by the simulator");
        if (w.resolve(who.id, to))
            return dav_error(412, "Sabre\\DAV\\Exception\\PreconditionFailed",
                             "The destination node already exists, and the overwrite header is set to false");
        node* from = w.find_node(n->parent);
        w.detach(*n);
        w.attach(*n, *target, to.substr(cut + 1));
        w.touch(*from);
        w.touch(*n);
        sim_response res;
        res.status = 201;
        return res;
    }
    if (req.method == "MKCOL") {
        std::int64_t id = 0;
        auto result = w.make_folder(who.id, path, &id);
        if (result == world::write_result::exists)
            return dav_error(405, "Sabre\\DAV\\Exception\\MethodNotAllowed",
                             "The resource you tried to create already exists");
        if (result == world::write_result::parent_missing)
            return dav_error(409, "Sabre\\DAV\\Exception\\Conflict", "Parent node does not exist");
        sim_response res;
        res.status = 201;
        res.set("OC-FileId", padded_id(id, w.instance_id()));
        res.set("Content-Type", "text/html; charset=UTF-8");
        return res;
    }
    return dav_error(501, "Sabre\\DAV\\Exception\\NotImplemented", req.method + " is not implemented by the simulator");
}

// The daemon's strict parsers: date::parse's "%S" path is where g++ 12 warns at -O2.
std::optional<std::int64_t> parse_http_date(const std::string& text)
{
    auto t = http::parse_http_date(text);
    if (!t) return std::nullopt;
    return t->time_since_epoch().count();
}

std::optional<std::int64_t> parse_iso_date(const std::string& text)
{
    auto t = http::parse_iso8601_timestamp(text);
    if (!t) return std::nullopt;
    return t->time_since_epoch().count();
}

// One comment's properties, by name; nullopt where Nextcloud answers 404.
std::optional<std::string> comment_prop(world& w, const std::string& viewer, const comment& c, const std::string& name)
{
    const user* actor = w.find_user(c.actor);
    if (name == "id") return std::to_string(c.id);
    if (name == "parentId" || name == "topmostParentId" || name == "childrenCount") return "0";
    if (name == "verb") return "comment";
    if (name == "actorType") return "users";
    if (name == "actorId") return xml_escape(c.actor);
    if (name == "creationDateTime") return http_date(c.created);
    if (name == "latestChildDateTime" || name == "referenceId" || name == "reactions") return "";
    if (name == "objectType") return "files";
    if (name == "objectId") return std::to_string(c.object);
    if (name == "message") return xml_escape(c.message);
    if (name == "actorDisplayName") return xml_escape(actor ? actor->display_name : c.actor);
    if (name == "isUnread") return c.actor != viewer && c.created > w.read_marker(viewer, c.object) ? "true" : "false";
    if (name == "mentions") {
        std::string out;
        for (const auto& m : c.mentions) {
            const user* u = w.find_user(m);
            out += "<oc:mention><oc:mentionType>user</oc:mentionType><oc:mentionId>" + xml_escape(m) +
                   "</oc:mentionId><oc:mentionDisplayName>" + xml_escape(u ? u->display_name : m) +
                   "</oc:mentionDisplayName></oc:mention>";
        }
        return out;
    }
    return std::nullopt;
}

sim_response multistatus(std::string responses, bool dav_header_too)
{
    sim_response res;
    res.status = 207;
    if (dav_header_too) {
        res.set("Vary", "Brief,Prefer");
        res.set("DAV", dav_header);
    }
    res.set("Content-Type", "application/xml; charset=utf-8");
    res.body =
        "<?xml version=\"1.0\"?>\n<d:multistatus xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\" "
        "xmlns:oc=\"http://owncloud.org/ns\" xmlns:nc=\"http://nextcloud.org/ns\">" +
        responses + "</d:multistatus>\n";
    return res;
}

sim_response handle_comments(world& w, const user& who, const sim_request& req)
{
    const std::string prefix = "/remote.php/dav/comments/files/";
    std::string rest = req.path.substr(prefix.size());
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    std::int64_t file_id = 0;
    try {
        file_id = std::stoll(rest);
    } catch (...) {
        return dav_error(404, "Sabre\\DAV\\Exception\\NotFound", "Comments for " + rest + " not found");
    }
    node* n = w.find_node(file_id);
    if (!n || !w.can_access(who.id, *n)) return dav_error(404, "Sabre\\DAV\\Exception\\NotFound", "Entity not found");
    const std::string collection = prefix + std::to_string(file_id);

    if (req.method == "POST") {
        auto body = nlohmann::json::parse(req.body, nullptr, false);
        if (!body.is_object() || !body.contains("message") || !body["message"].is_string())
            return dav_error(400, "Sabre\\DAV\\Exception\\BadRequest", "Invalid input values");
        const comment& c = w.add_comment(file_id, who.id, body["message"].get<std::string>());
        sim_response res;
        res.status = 201;
        res.set("Content-Location", collection + "/" + std::to_string(c.id));
        res.set("Content-Type", "text/html; charset=UTF-8");
        return res;
    }
    if (req.method == "REPORT") {
        pugi::xml_document doc;
        std::size_t limit = 20, offset = 0;
        std::optional<std::int64_t> since;
        if (doc.load_string(req.body.c_str())) {
            for (auto child : doc.document_element().children()) {
                std::string name = child.name();
                name = name.substr(name.find(':') == std::string::npos ? 0 : name.find(':') + 1);
                if (name == "limit") limit = static_cast<std::size_t>(child.text().as_llong(20));
                if (name == "offset") offset = static_cast<std::size_t>(child.text().as_llong(0));
                if (name == "datetime") since = parse_iso_date(child.text().as_string());
            }
        }
        static const char* order[] = {"id",
                                      "parentId",
                                      "topmostParentId",
                                      "childrenCount",
                                      "verb",
                                      "actorType",
                                      "actorId",
                                      "creationDateTime",
                                      "latestChildDateTime",
                                      "objectType",
                                      "objectId",
                                      "message",
                                      "actorDisplayName",
                                      "isUnread",
                                      "mentions"};
        std::string responses;
        std::size_t index = 0, emitted = 0;
        for (const comment* c : w.comments_on(file_id)) {
            if (since && c->created < *since) continue;
            if (index++ < offset) continue;
            if (emitted++ >= limit) break;
            std::string props;
            for (const char* name : order) {
                auto v = comment_prop(w, who.id, *c, name);
                props += v && !v->empty() ? "<oc:" + std::string(name) + ">" + *v + "</oc:" + name + ">"
                                          : "<oc:" + std::string(name) + "/>";
            }
            responses += "<d:response><d:href>" + collection + "/" + std::to_string(c->id) +
                         "</d:href><d:propstat><d:prop>" + props +
                         "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>";
        }
        return multistatus(responses, false);
    }
    if (req.method == "PROPFIND") {
        auto props = requested_props(req.body);
        auto respond = [&](const std::string& href, auto value_of) {
            std::string found, missing;
            for (const auto& p : props) {
                auto v = p.ns == ns_oc ? value_of(p.local) : std::nullopt;
                (v ? found : missing) += element(p, v);
            }
            std::string out = "<d:response><d:href>" + href + "</d:href>";
            if (!found.empty())
                out += "<d:propstat><d:prop>" + found + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>";
            if (!missing.empty())
                out += "<d:propstat><d:prop>" + missing +
                       "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>";
            return out + "</d:response>";
        };
        std::string responses = respond(collection + "/", [&](const std::string& name) -> std::optional<std::string> {
            if (name == "readMarker") {
                auto marker = w.read_marker(who.id, file_id);
                return marker ? std::optional(http_date(marker)) : std::optional<std::string>("");
            }
            return std::nullopt;
        });
        if (req.header("depth") != "0") {
            for (const comment* c : w.comments_on(file_id))
                responses += respond(collection + "/" + std::to_string(c->id),
                                     [&](const std::string& name) { return comment_prop(w, who.id, *c, name); });
        }
        return multistatus(responses, true);
    }
    if (req.method == "PROPPATCH") {
        pugi::xml_document doc;
        std::string marker_text;
        if (doc.load_string(req.body.c_str())) {
            for (auto node_it : doc.select_nodes("//*[local-name()='readMarker']"))
                marker_text = node_it.node().text().as_string();
        }
        w.set_read_marker(who.id, file_id, parse_http_date(marker_text).value_or(w.now()));
        auto res = multistatus("<d:response><d:href>" + collection +
                                   "</d:href><d:propstat><d:prop><oc:readMarker/></d:prop><d:status>HTTP/1.1 200 "
                                   "OK</d:status></d:propstat></d:response>",
                               false);
        res.headers.insert(res.headers.begin(), {"Vary", "Brief,Prefer"});
        return res;
    }
    return dav_error(501, "Sabre\\DAV\\Exception\\NotImplemented", req.method + " on comments");
}

sim_response handle_dav(world& w, bool maintenance, const sim_request& req)
{
    if (maintenance) {
        auto res = dav_error(503, "OCA\\DAV\\Exception\\ServerMaintenanceMode", "System is in maintenance mode.");
        res.close = true;
        return res;
    }
    auto auth = authenticate(w, req);
    if (!auth.who) return dav_unauthenticated(auth.sent);
    if (req.path.starts_with("/remote.php/dav/files/")) return handle_dav_files(w, *auth.who, req);
    if (req.path.starts_with("/remote.php/dav/comments/files/")) return handle_comments(w, *auth.who, req);
    if (req.path.starts_with("/remote.php/dav/calendars/")) return detail::handle_caldav(w, *auth.who, req);
    return dav_error(501, "Sabre\\DAV\\Exception\\NotImplemented", "not simulated: " + req.path);
}

// ---- index.php (apps such as Deck) ------------------------------------------

sim_response maintenance_page()
{
    sim_response res;
    res.status = 503;
    res.set("X-Nextcloud-Maintenance-Mode", "1");
    res.set("Retry-After", "120");
    res.set("Content-Type", "text/html; charset=UTF-8");
    res.close = true;
    res.body =
        "<!DOCTYPE html>\n<html class=\"ng-csp\" lang=\"en\">\n<head><meta charset=\"utf-8\"><title>\n\t\t\tNextcloud\t\t"
        "</title></head>\n<body id=\"body-login\">\n<div class=\"guest-box\"><h2>Maintenance mode</h2>\n"
        "<p>This Nextcloud instance is currently in maintenance mode, which may take a while. This page will "
        "refresh itself when the instance is available again.</p>\n</div>\n</body>\n</html>\n";
    return res;
}

std::string preview_date(std::int64_t unix_seconds)
{
    return date::format("%a, %d %b %Y %H:%M:%S +0000", date::sys_seconds{std::chrono::seconds(unix_seconds)});
}

sim_response file_download(const node& n, bool webdav)
{
    sim_response res;
    if (webdav) {
        res.set("Last-Modified", http_date(n.mtime));
        res.set("ETag", "\"" + n.etag + "\"");
        res.set("OC-ETag", "\"" + n.etag + "\"");
    }
    res.set("Content-Disposition",
            "attachment; filename*=UTF-8''" + percent_encode_path(n.name) + "; filename=\"" + n.name + "\"");
    if (!webdav) {
        res.set("Content-Transfer-Encoding", "binary");
        res.set("Expires", "0");
    }
    res.set("X-Accel-Buffering", "no");
    res.set("Content-Type", n.mime);
    res.body = n.content;
    return res;
}

const share* link_share_by_token(world& w, const std::string& token)
{
    for (const share* s : w.all_shares())
        if (s->type == share::link_share && s->token == token) return s;
    return nullptr;
}

std::optional<sim_response> handle_index(world& w, const sim_request& req)
{
    if (req.path.starts_with("/index.php/apps/deck/api/")) {
        // Deck's REST API takes Basic auth without the OCS-APIRequest header (18p).
        auto auth = authenticate(w, req);
        if (!auth.who) {
            sim_response res;
            res.status = 401;
            res.set("Content-Type", "application/json; charset=utf-8");
            res.body = R"({"message":"Current user is not logged in"})";
            return res;
        }
        return detail::handle_deck(w, *auth.who, req);
    }
    // Public link download: /index.php/s/<token>/download (no login).
    if (req.path.starts_with("/index.php/s/") && req.path.ends_with("/download")) {
        std::string token = req.path.substr(13, req.path.size() - 13 - 9);
        const share* s = link_share_by_token(w, token);
        const node* n = s ? w.find_node(s->node) : nullptr;
        if (!n) return std::nullopt;
        w.public_download(*s);
        w.audit("--", "The shared file with the token \"" + token + "\" by \"" + s->owner + "\" has been accessed.");
        w.audit_file_access("--", *n);
        return file_download(*n, false);
    }
    if (req.path == "/index.php/core/preview") {
        auto auth = authenticate(w, req);
        if (!auth.who) return dav_unauthenticated(auth.sent);
        auto it = req.query.find("fileId");
        const node* n = it == req.query.end() ? nullptr : w.find_node(std::atoll(it->second.c_str()));
        const std::string px = req.query.count("x") ? req.query.at("x") : "32";
        const std::string py = req.query.count("y") ? req.query.at("y") : "32";
        const std::string crop = req.query.count("a") && req.query.at("a") == "1" ? "" : "1";
        // 34 (captures-34 12b2): a preview no provider can make leaves no trace at all.
        const bool traceless = w.server == dialect::nc34 && n && !has_preview(*n);
        if (n && w.can_access(auth.who->id, *n) && !traceless) {
            if (w.current_audit_format() == audit_format::nc29) {
                // Nextcloud 29 logs a mangled name: the first letter and the extension.
                auto dot = n->name.rfind('.');
                std::string mangled = n->name.substr(0, 1) + (dot == std::string::npos ? "" : n->name.substr(dot));
                w.audit(auth.who->id, "Preview accessed: \"" + mangled + "\" (width: \"" + px + "\", height: \"" + py +
                                          "\" crop: \"" + crop + "\", mode: \"fill\")");
            } else if (w.current_audit_format() == audit_format::nc34) {
                // captures-34/audit-log-sample-34.jsonl: the reader's absolute path, crop as sent.
                w.audit(auth.who->id, "Preview accessed: (id: \"" + std::to_string(n->id) + "\", width: \"" + px +
                                          "\", height: \"" + py + "\" crop: \"" + crop +
                                          "\", mode: \"fill\", path: \"/" + auth.who->id + "/files" +
                                          w.view_path(auth.who->id, *n).value_or(w.path_of(*n)) + "\")");
            } else {
                w.audit(auth.who->id, "Preview accessed: (id: \"" + std::to_string(n->id) + "\", width: \"" + px +
                                          "\", height: \"" + py + "\" crop: \"" + (crop.empty() ? "0" : "1") +
                                          "\", mode: \"fill\", path: \"" + w.path_of(*n) + "\")");
            }
        }
        // 34 (31a): making the preview reads the file once more than serving it: two rows.
        if (n && w.can_access(auth.who->id, *n) && has_preview(*n) && w.server == dialect::nc34)
            w.downloaded(auth.who->id, *n);
        if (n && w.can_access(auth.who->id, *n) && !has_preview(*n) && !traceless) {
            // Trying to make the preview read the file: files_downloadactivity reports it (31a).
            w.downloaded(auth.who->id, *n);
        }
        if (!n || !w.can_access(auth.who->id, *n) || !has_preview(*n)) {
            sim_response res;
            res.status = 404;
            res.set("Content-Type", "application/json; charset=utf-8");
            res.body = "[]";
            return res;
        }
        sim_response res;
        res.set("Last-Modified", preview_date(w.now()));
        res.set("ETag", "\"" + md5_hex(n->etag + px + py) + "\"");
        res.set("Content-Disposition", "inline; filename=\"" + px + "-" + py + ".png\"");
        res.set("Expires", preview_date(w.now() + 86400));
        res.set("Content-Type", "image/png");
        // A valid 1x1 PNG: what matters to clients is that a preview is not a read.
        static const unsigned char png[] = {
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
            0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
            0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff,
            0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
        res.body.assign(reinterpret_cast<const char*>(png), sizeof png);
        // Serving the preview reads the file: that line follows (12b).
        w.audit_file_access(auth.who->id, *n);
        return res;
    }
    return std::nullopt;
}

sim_response handle_public_webdav(world& w, const sim_request& req)
{
    // Basic auth with the share token as user name; a link without password takes any.
    auto header = req.header("authorization");
    std::string token;
    if (header.starts_with("Basic ")) {
        auto decoded = base64_decode(header.substr(6));
        token = decoded.substr(0, decoded.find(':'));
    }
    const share* s = link_share_by_token(w, token);
    const node* n = s ? w.find_node(s->node) : nullptr;
    if (!n) return dav_unauthenticated(!token.empty());
    // Unlike /s/<token>/download, a public WebDAV read leaves no activity (13a shows one).
    if (req.method == "GET" && !n->folder) {
        w.audit_file_access("--", *n, "/");
        return file_download(*n, true);
    }
    return dav_error(501, "Sabre\\DAV\\Exception\\NotImplemented", req.method + " on public WebDAV");
}

sim_response handle_status(world& w, bool maintenance)
{
    sim_response res;
    res.set("Access-Control-Allow-Origin", "*");
    res.set("Content-Type", "application/json");
    const bool v34 = w.server == dialect::nc34;
    res.body = json{
        {"installed", true},
        {"maintenance", maintenance},
        {"needsDbUpgrade", false},
        {"version", v34 ? "34.0.1.2" : "29.0.6.1"},
        {"versionstring", v34 ? "34.0.1" : "29.0.6"},
        {"edition", ""},
        {"productname", "Nextcloud"},
        {"extendedSupport",
         false}}.dump();
    return res;
}

}  // namespace

namespace detail {

sim_response ocs_reply(const sim_request& req, unsigned status, const std::string& message, json payload)
{
    return prereadd::sim::ocs_reply(req, status, message, std::move(payload));
}

std::map<std::string, std::string> form_or_json(const sim_request& req) { return prereadd::sim::form_or_json(req); }

}  // namespace detail

route_family family_of(const std::string& path)
{
    if (path == "/status.php") return route_family::status;
    if (path.starts_with("/remote.php/")) return route_family::dav;
    if (path.starts_with("/ocs/v1.php/") || path.starts_with("/ocs/v2.php/")) return route_family::ocs;
    if (path.starts_with("/index.php/")) return route_family::index;
    return route_family::other;
}

sim_request parse_request(const std::string& method, const std::string& target,
                          std::map<std::string, std::string> headers, std::string body)
{
    sim_request req;
    req.method = method;
    req.target = target;
    req.headers = std::move(headers);
    req.body = std::move(body);
    auto parsed = boost::urls::parse_origin_form(target);
    if (parsed) {
        req.path = parsed->path();
        for (auto param : parsed->params()) req.query[param.key] = param.value;
    } else {
        req.path = target.substr(0, target.find('?'));
    }
    return req;
}

sim_response error_response(const sim_request& req, unsigned status)
{
    switch (family_of(req.path)) {
    case route_family::dav: return dav_error(status, "Sabre\\DAV\\Exception", "injected fault");
    case route_family::ocs: {
        auto res = ocs_reply(req, status, "injected fault", json::array());
        res.status = status;
        return res;
    }
    default: {
        sim_response res;
        res.status = status;
        res.set("Content-Type", "application/json; charset=utf-8");
        res.body = json{{"status", status}, {"message", "injected fault"}}.dump();
        return res;
    }
    }
}

sim_response malformed_response(const sim_request& req)
{
    sim_response res;
    if (family_of(req.path) == route_family::dav) {
        res.status = req.method == "PROPFIND" ? 207 : 200;
        res.set("Content-Type", "application/xml; charset=utf-8");
        res.body =
            "<?xml version=\"1.0\"?>\n<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/remote.php/dav/files/";
    } else {
        res.set("Content-Type", "application/json; charset=utf-8");
        res.body = R"({"ocs":{"meta":{"status":"ok","statuscode":200,"message":"OK"},"data":{"id":)";
    }
    return res;
}

namespace {

sim_response route(world& w, bool maintenance, const sim_request& req);

}  // namespace

sim_response handle(world& w, bool maintenance, const sim_request& req)
{
    auto res = route(w, maintenance, req);
    // Nextcloud 34 names the logged-in user on every answer past the login (not
    // on 401s, status.php or in maintenance mode: captures-34 README).
    if (w.server == dialect::nc34) {
        std::string viewer;
        const auto header = req.header("authorization");
        if (header.starts_with("Basic ")) {
            const auto decoded = base64_decode(header.substr(6));
            const auto colon = decoded.find(':');
            if (colon != std::string::npos)
                if (const user* u = w.authenticate(decoded.substr(0, colon), decoded.substr(colon + 1))) viewer = u->id;
        }
        if (!viewer.empty() && !maintenance && res.status != 401 && req.path != "/status.php")
            res.set("X-User-Id", viewer);
        speak_nc34(req, viewer, res);
    }
    // Apache (ap_status_drops_connection) closes the connection after these
    // answers whatever the application says: 400 (32a), 413 (17b), 500 (18j), 503 (21b-21e).
    for (unsigned dropping : {400u, 408u, 411u, 413u, 414u, 500u, 501u, 503u})
        if (res.status == dropping) res.close = true;
    return res;
}

namespace {

sim_response route(world& w, bool maintenance, const sim_request& req)
{
    w.request_host = req.header("host");
    w.request_user_agent = req.header("user-agent");
    w.expire_shares();
    switch (family_of(req.path)) {
    case route_family::status: return handle_status(w, maintenance);
    case route_family::dav: return handle_dav(w, maintenance, req);
    case route_family::ocs: return handle_ocs(w, maintenance, req);
    case route_family::index:
        if (maintenance) return maintenance_page();
        if (auto res = handle_index(w, req)) return *res;
        break;
    case route_family::other:
        if (req.path.starts_with("/public.php/webdav")) {
            if (maintenance)
                return dav_error(503, "OCA\\DAV\\Exception\\ServerMaintenanceMode", "System is in maintenance mode.");
            return handle_public_webdav(w, req);
        }
        break;
    }
    sim_response res;
    res.status = 404;
    res.set("Content-Type", "text/html; charset=UTF-8");
    res.body = "<!DOCTYPE html><html><head><title>Nextcloud</title></head><body>Page not found</body></html>";
    return res;
}

}  // namespace

}  // namespace prereadd::sim
