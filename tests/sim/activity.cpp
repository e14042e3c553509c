// The Activity app's stream as recorded (13a-13g): rows per affected user,
// grouped like the app groups them, since/limit/sort paging, 304, object filter.
#include "tests/sim/routes_detail.hpp"

#include <algorithm>

namespace prereadd::sim {
namespace data {
extern const std::string_view activity_filters;
}

namespace detail {
namespace {

struct activity_view {
    world& w;
    const std::string& viewer;
    std::string host;  // "http://127.0.0.1:PORT"
    bool short_form;   // the object filter's subjects ("Changed by {user}")

    std::string relative_path(std::int64_t id) const
    {
        const node* n = w.find_node(id);
        if (!n) return {};
        auto p = w.view_path(viewer, *n).value_or(w.path_of(*n));
        return p.size() > 1 ? p.substr(1) : std::string();
    }

    json file_param(std::int64_t id, bool numeric_id) const
    {
        const node* n = w.find_node(id);
        return {{"type", "file"},
                {"id", numeric_id ? json(id) : json(std::to_string(id))},
                {"name", n ? n->name : ""},
                {"path", relative_path(id)},
                {"link", host + "/f/" + std::to_string(id)}};
    }

    json user_param(const std::string& id) const
    {
        const user* u = w.find_user(id);
        return {{"type", "user"}, {"id", id}, {"name", u ? u->display_name : id}};
    }

    // The Files app link: the containing folder, or a shared folder itself.
    std::string files_link(std::int64_t id, bool folder_itself) const
    {
        const node* n = w.find_node(id);
        std::string dir = "/";
        if (n) {
            std::string p = "/" + relative_path(id);
            dir = n->folder && folder_itself ? p : p.substr(0, p.rfind('/'));
            if (dir.empty()) dir = "/";
        }
        return host + "/apps/files/?dir=" + dir;
    }

    // Renders a rich subject: "{file} and {user}" with the parameters' names.
    std::string plain(std::string text, const json& params) const
    {
        for (const auto& [key, value] : params.items()) {
            std::string shown = value.value("type", "") == "file" ? value.value("path", "") : value.value("name", "");
            if (value.value("type", "") == "user" && key != "author") shown = "@" + shown;
            // The comments app names the author plainly, except in the short form.
            if (key == "author") shown = (short_form ? "@" : "") + value.value("name", "");
            if (key == "actor") shown = "@" + value.value("name", "");
            for (auto at = text.find("{" + key + "}"); at != std::string::npos; at = text.find("{" + key + "}"))
                text.replace(at, key.size() + 2, shown);
        }
        return text;
    }

    // One entry; `group` holds the rows merged into it, newest first.
    json entry(const std::vector<const activity*>& group) const
    {
        const activity& a = *group.back();  // the oldest names the entry
        json params = json::object();
        std::string subject;
        json j;
        j["activity_id"] = a.id;
        j["app"] = a.app;
        j["type"] = a.type;
        j["user"] = a.actor;
        std::string icon;
        std::string link;
        std::string object_name = "/" + relative_path(a.object_id);
        json objects = json::object();
        objects[std::to_string(a.object_id)] = object_name;
        json message_rich = json::array({"", json::array()});
        std::string message;

        if (a.app == "files") {
            const bool self = a.subject.ends_with("_self");
            const std::string verb = a.type == "file_created" ? "created" : "changed";
            icon = host + (verb == "created" ? "/apps/files/img/add-color.svg" : "/apps/files/img/change.svg");
            link = files_link(a.object_id, false);
            if (group.size() == 1) {
                params["file"] = file_param(a.object_id, false);
                if (!self) params["user"] = user_param(a.actor);
                subject = self ? "You " + verb + " {file}"
                               : (short_form ? std::string("Changed by {user}") : "{user} " + verb + " {file}");
                if (!self && short_form && verb == "created") subject = "Created by {user}";
            } else {
                std::string list;
                const std::size_t n = group.size();
                for (std::size_t i = 0; i < n; ++i) {
                    const std::size_t number = n - i;  // file1 is the oldest
                    params["file" + std::to_string(number)] = file_param(group[i]->object_id, false);
                    objects[std::to_string(group[i]->object_id)] = "/" + relative_path(group[i]->object_id);
                    list += "{file" + std::to_string(number) + "}";
                    if (i + 2 < n)
                        list += ", ";
                    else if (i + 2 == n)
                        list += " and ";
                }
                if (!self) params["user"] = user_param(a.actor);
                subject = (self ? "You " + verb + " " : "{user} " + verb + " ") + list;
            }
        } else if (a.app == "files_downloadactivity") {
            // Provider::parseLongVersion; merged reads of one reader (EventMerger) list
            // the files in the plain subject without their leading '/' (31a).
            icon = host + "/core/img/actions/share.svg";
            const std::string path = object_name;
            const auto slash = path.rfind('/');
            link = host + "/index.php/apps/files/?dir=" + (slash == 0 ? std::string("/") : path.substr(0, slash)) +
                   "&scrollto=" + path.substr(slash + 1);
            auto download_param = [&](std::int64_t id) {
                const node* n = w.find_node(id);
                const std::string p = n ? w.path_of(*n) : "";
                return json{{"type", "file"},
                            {"id", id},
                            {"name", n ? n->name : ""},
                            {"path", p},
                            {"link", host + "/index.php/f/" + std::to_string(id)}};
            };
            const std::string via = a.subject == "desktop"  ? "via the desktop client"
                                    : a.subject == "mobile" ? "via the mobile app"
                                                            : "via the browser";
            std::string files = "{file}";
            std::string plain_files;
            if (w.server == dialect::nc34) {
                // Activity 7 merges the reads of one file, naming the readers {actor1}, ... (34's 31a).
                params["file"] = download_param(a.object_id);
                params["file"]["id"] = std::to_string(a.object_id);
                plain_files = relative_path(a.object_id);
                if (group.size() == 1) plain_files = "/" + plain_files;
                std::vector<std::string> readers;
                for (auto it = group.rbegin(); it != group.rend(); ++it)
                    if (std::find(readers.begin(), readers.end(), (*it)->actor) == readers.end())
                        readers.push_back((*it)->actor);
                std::string names;
                std::string keys;
                for (std::size_t i = 0; i < readers.size(); ++i) {
                    const std::string key = group.size() == 1 ? "actor" : "actor" + std::to_string(i + 1);
                    params[key] = user_param(readers[i]);
                    keys += (i ? ", {" : "{") + key + "}";
                    names += (i ? ", " : "") + params[key]["name"].get<std::string>();
                }
                subject = "Shared file {file} was downloaded by " + keys + " " + via;
                j["subject"] = "Shared file " + plain_files + " was downloaded by " + names + " " + via;
            } else if (group.size() == 1) {
                params["file"] = download_param(a.object_id);
                plain_files = params["file"]["path"].get<std::string>();
            } else {
                files.clear();
                const std::size_t n = group.size();
                for (std::size_t i = 0; i < n; ++i) {
                    const std::size_t number = n - i;  // file1 is the oldest
                    params["file" + std::to_string(number)] = download_param(group[i]->object_id);
                    objects[std::to_string(group[i]->object_id)] = "/" + relative_path(group[i]->object_id);
                    const std::string sep = i + 2 < n ? ", " : i + 2 == n ? " and " : "";
                    files += "{file" + std::to_string(number) + "}" + sep;
                    plain_files += relative_path(group[i]->object_id) + sep;
                }
            }
            if (w.server != dialect::nc34) {
                params["actor"] = user_param(a.actor);
                subject = "Shared file " + files + " was downloaded by {actor} " + via;
                j["subject"] = "Shared file " + plain_files + " was downloaded by " +
                               params["actor"]["name"].get<std::string>() + " " + via;
            }
        } else if (a.app == "files_sharing" && a.type == "shared") {
            icon = host + "/core/img/actions/share.svg";
            link = files_link(a.object_id, true);
            params["file"] = file_param(a.object_id, false);
            if (a.subject == "shared_user_self") {
                params["user"] = user_param(a.with);
                subject = short_form ? "Shared with {user}" : "You shared {file} with {user}";
            } else if (a.subject == "shared_group_self") {
                params["group"] = {{"type", "user-group"}, {"id", a.with}, {"name", a.with}};
                subject = short_form ? "Shared with group {group}" : "You shared {file} with group {group}";
            } else if (a.subject == "shared_link_self") {
                subject = short_form ? "Shared as public link" : "You shared {file} as public link";
            } else {
                params["actor"] = user_param(a.actor);
                subject = short_form ? "Shared by {actor}" : "{actor} shared {file} with you";
            }
        } else if (a.app == "comments") {
            icon = host + "/core/img/actions/comment.svg";
            const bool self = a.subject == "comment_self";
            if (!self) params["author"] = user_param(a.actor);
            if (!short_form) params["file"] = file_param(a.object_id, true);
            subject = short_form ? (self ? "You commented" : "{author} commented")
                                 : (self ? "You commented on {file}" : "{author} commented on {file}");
            object_name.clear();
            objects = json::object();
            objects[std::to_string(a.object_id)] = "";
            message = a.message;
            std::string rich = a.message;
            json mentions = json::object();
            int k = 0;
            for (const auto& m : a.mentions) {
                const std::string key = "mention" + std::to_string(++k);
                for (const std::string& form : {"@\"" + m + "\"", "@" + m}) {
                    if (auto at = rich.find(form); at != std::string::npos) {
                        rich.replace(at, form.size(), "{" + key + "}");
                        break;
                    }
                }
                mentions[key] = user_param(m);
            }
            message_rich = json::array({rich, mentions.empty() ? json::array() : mentions});
        } else if (a.type == "public_links") {
            icon = host + "/core/img/actions/download.svg";
            params["file"] = file_param(a.object_id, true);
            const std::string hash = md5_hex("127.0.0.1");
            params["remote-address-hash"] = {{"type", "highlight"}, {"id", hash}, {"name", hash}, {"link", ""}};
            subject = "{file} downloaded via public link";
        } else if (a.type == "security") {
            icon = host + "/apps/settings/img/personal.svg";
            params["token"] = {{"type", "highlight"}, {"id", a.object_id}, {"name", a.with}};
            subject = "An administrator created an app password for a session named \"{token}\"";
            object_name.clear();
            objects = json::object();
            objects[std::to_string(a.object_id)] = "";
        } else if (a.type == "group_settings") {
            icon = host + "/apps/settings/img/personal.svg";
            params["user"] = user_param(a.affected);
            params["group"] = {{"type", "user-group"}, {"id", a.with}, {"name", a.with}};
            subject = "An administrator added you to group {group}";
            object_name.clear();
            objects = json::array();
        }
        if (a.app != "files_downloadactivity") j["subject"] = plain(subject, params);
        j["subject_rich"] = json::array({subject, params});
        j["message"] = message;
        j["message_rich"] = message_rich;
        j["object_type"] = a.app == "settings" ? (a.type == "security" ? "app_token" : "") : "files";
        j["object_id"] = a.object_id;
        j["object_name"] = object_name;
        j["objects"] = objects;
        j["link"] = a.app == "comments" || a.type == "public_links" || a.app == "settings" ? std::string() : link;
        j["icon"] = icon;
        j["datetime"] = iso_date(a.time);
        return j;
    }
};

}  // namespace

sim_response handle_activity(world& w, const user& who, const sim_request& req, const std::string& route)
{
    const std::string host = "http://" + req.header("host");
    auto query = [&](const char* name, const std::string& fallback) {
        auto it = req.query.find(name);
        return it == req.query.end() ? fallback : it->second;
    };
    if (route == "/apps/activity/api/v2/activity/filters") {
        std::string text(data::activity_filters);
        for (auto at = text.find("{{host}}"); at != std::string::npos; at = text.find("{{host}}"))
            text.replace(at, 8, host);
        return ocs_reply(req, 200, "OK", json::parse(text));
    }
    const std::string filter = route.substr(std::string("/apps/activity/api/v2/activity/").size());
    const bool by_object = filter == "filter";
    const std::int64_t object_id = by_object ? std::stoll(query("object_id", "0")) : 0;
    const std::size_t limit = std::stoul(query("limit", "50"));
    const bool ascending = query("sort", "desc") == "asc";
    const bool has_since = req.query.count("since") != 0;
    const int since = std::stoi(query("since", "0"));

    // The user's rows, newest first, merged where the activity app groups them.
    std::vector<std::vector<const activity*>> entries;
    int newest = 0;
    for (auto it = w.activities().rbegin(); it != w.activities().rend(); ++it) {
        const activity& a = *it;
        if (a.affected != who.id) continue;
        if (by_object && (a.object_id != object_id || a.app == "settings")) continue;
        newest = std::max(newest, a.id);
        // The app asks its table for the rows after (or before) `since` and
        // merges those: no entry merges across the cursor.
        if (has_since && (ascending ? a.id <= since : a.id >= since)) continue;
        const bool mergeable = a.app == "files" || a.app == "files_downloadactivity";
        bool merge = !by_object && !entries.empty() && mergeable && entries.back().front()->app == a.app &&
                     entries.back().front()->type == a.type && entries.back().front()->subject == a.subject &&
                     entries.back().front()->actor == a.actor;
        // Activity 7 on 34 merges downloads of one file, not one reader's files (31a).
        if (merge && w.server == dialect::nc34 && a.app == "files_downloadactivity")
            merge = entries.back().front()->object_id == a.object_id;
        if (merge)
            entries.back().push_back(&a);
        else
            entries.push_back({&a});
    }
    auto entry_id = [](const std::vector<const activity*>& g) { return g.back()->id; };
    // The app reads `limit` rows and merges them afterwards: a merged entry
    // uses up one row of the limit per row it holds (34's 13b: limit=2, one entry).
    std::vector<std::vector<const activity*>> selected;
    std::size_t rows = 0;
    auto take = [&](const std::vector<const activity*>& g) {
        selected.push_back(g);
        rows += g.size();
    };
    if (ascending) {
        for (auto it = entries.rbegin(); it != entries.rend() && rows < limit; ++it)
            if (!has_since || entry_id(*it) > since) take(*it);
    } else {
        for (const auto& g : entries) {
            if (rows >= limit) break;
            if (!has_since || entry_id(g) < since) take(g);
        }
    }
    if (selected.empty()) {
        sim_response res;
        res.status = 304;
        res.set("ETag", md5_hex(who.id + "empty" + std::to_string(since)));
        return res;
    }
    activity_view view{w, who.id, host, by_object};
    json list = json::array();
    for (const auto& g : selected) list.push_back(view.entry(g));
    auto res = ocs_reply(req, 200, "OK", list);
    if (!has_since) res.set("X-Activity-First-Known", std::to_string(newest));
    const int last = entry_id(selected.back());
    res.set("X-Activity-Last-Given", std::to_string(last));
    bool more = false;
    for (const auto& g : entries)
        if (ascending ? entry_id(g) > last : entry_id(g) < last) more = true;
    if (more && rows >= limit) {
        res.set("Link", "<" + host + "/ocs/v2.php" + route + "?since=" + std::to_string(last) +
                            "&limit=" + std::to_string(limit) + "&sort=" + (ascending ? "asc" : "desc") +
                            "&format=json>; rel=\"next\"");
    }
    res.set("ETag", md5_hex(res.body));
    return res;
}

}  // namespace detail
}  // namespace prereadd::sim
