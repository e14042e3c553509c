// State operations of the simulated Nextcloud (see world.hpp).
#include "tests/sim/world.hpp"

#include "tests/sim/text.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <utility>
#include <cstdio>

namespace prereadd::sim {
namespace {

std::vector<std::string> segments(const std::string& path)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < path.size()) {
        auto slash = path.find('/', start);
        auto end = slash == std::string::npos ? path.size() : slash;
        if (end > start) out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace

world::world(std::string instance_id) : instance_id_(std::move(instance_id)) {}

std::int64_t world::now() const
{
    if (fixed_now_) return *fixed_now_;
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

user& world::add_user(const std::string& id, const std::string& password, const std::string& display_name)
{
    user& u = users_[id];
    u.id = id;
    u.password = password;
    u.display_name = display_name.empty() ? id : display_name;
    if (u.home == 0) {
        node& home = new_node(id, 0, "", true);
        u.home = home.id;
    }
    return u;
}

user* world::find_user(const std::string& id)
{
    auto it = users_.find(id);
    return it == users_.end() ? nullptr : &it->second;
}

const user* world::authenticate(const std::string& id, const std::string& secret) const
{
    auto it = users_.find(id);
    if (it == users_.end() || secret.empty()) return nullptr;
    const user& u = it->second;
    if (u.password == secret || u.app_passwords.count(secret)) return &u;
    return nullptr;
}

void world::add_group(const std::string& id, const std::vector<std::string>& members) { groups_[id] = members; }

std::vector<std::string> world::group_members(const std::string& id) const
{
    auto it = groups_.find(id);
    return it == groups_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> world::groups_of(const std::string& user) const
{
    std::vector<std::string> out;
    for (const auto& [g, members] : groups_)
        if (std::find(members.begin(), members.end(), user) != members.end()) out.push_back(g);
    return out;
}

bool world::is_admin(const std::string& user_id) const
{
    auto members = group_members("admin");
    return std::find(members.begin(), members.end(), user_id) != members.end();
}

std::vector<std::string> world::subadmin_groups(const std::string& user_id) const
{
    auto it = subadmins_.find(user_id);
    return it == subadmins_.end() ? std::vector<std::string>{}
                                  : std::vector<std::string>(it->second.begin(), it->second.end());
}

bool world::manages_group(const std::string& manager, const std::string& group) const
{
    if (is_admin(manager)) return true;
    auto it = subadmins_.find(manager);
    return it != subadmins_.end() && it->second.count(group);
}

bool world::manages(const std::string& manager, const std::string& user_id) const
{
    if (is_admin(manager)) return true;
    for (const auto& g : groups_of(user_id))
        if (manages_group(manager, g)) return true;
    return false;
}

node& world::new_node(const std::string& owner, std::int64_t parent, const std::string& name, bool folder)
{
    std::int64_t id = next_node_id_++;
    node& n = nodes_[id];
    n.id = id;
    n.owner = owner;
    n.parent = parent;
    n.name = name;
    n.folder = folder;
    n.mtime = now();
    n.etag = next_etag(folder && parent != 0);
    if (folder) n.mime = "httpd/unix-directory";
    if (parent != 0) {
        nodes_[parent].children.push_back(id);
        child_index_[{parent, name}] = id;
    }
    return n;
}

node* world::child_named(const node& folder, const std::string& name)
{
    auto it = child_index_.find({folder.id, name});
    return it == child_index_.end() ? nullptr : find_node(it->second);
}

void world::detach(node& n)
{
    if (n.parent == 0) return;
    node& folder = nodes_[n.parent];
    std::erase(folder.children, n.id);
    if (auto it = child_index_.find({folder.id, n.name}); it != child_index_.end() && it->second == n.id)
        child_index_.erase(it);
}

void world::attach(node& n, node& folder, const std::string& name)
{
    n.parent = folder.id;
    n.name = name;
    folder.children.push_back(n.id);
    child_index_[{folder.id, name}] = n.id;
}

std::string world::next_etag(bool folder)
{
    // Deterministic but unique: folders get a uniqid()-like 13 hex digits,
    // files and home roots an md5-like 32, the forms the recordings show.
    std::string hex = md5_hex(instance_id_ + std::to_string(++etag_counter_));
    return folder ? hex.substr(0, 13) : hex;
}

node* world::find_node(std::int64_t id)
{
    auto it = nodes_.find(id);
    return it == nodes_.end() ? nullptr : &it->second;
}

node* world::resolve(const std::string& user_id, const std::string& path)
{
    user* u = find_user(user_id);
    if (!u) return nullptr;
    node* current = find_node(u->home);
    auto parts = segments(path);
    if (!parts.empty()) {
        if (!child_named(*current, parts.front())) {
            for (const share* s : incoming(user_id)) {
                if (s->file_target == "/" + parts.front()) {
                    current = find_node(s->node);
                    parts.erase(parts.begin());
                    break;
                }
            }
        }
    }
    for (const auto& segment : parts) {
        if (!current || !current->folder) return nullptr;
        current = child_named(*current, segment);
    }
    return current;
}

std::string world::path_of(const node& n) const
{
    std::string path;
    const node* current = &n;
    while (current && current->parent != 0) {
        path = "/" + current->name + path;
        auto it = nodes_.find(current->parent);
        current = it == nodes_.end() ? nullptr : &it->second;
    }
    return path.empty() ? "/" : path;
}

// Shares by the node they share, rebuilt after the share list changed: a
// scale run of 10,000 shared folders asks who may see each of its 500,000
// uploads, and a scan of every share for each made loading it quadratic.
void world::index_shares() const
{
    if (indexed_version_ == shares_version_) return;
    shares_by_node_.clear();
    for (std::size_t i = 0; i < shares_.size(); ++i) shares_by_node_.emplace(shares_[i].node, i);
    indexed_version_ = shares_version_;
}

// As incoming() orders them: at the nearest shared ancestor, the first share
// to the viewer, else the first to one of the viewer's groups.
const share* world::mount_of(const std::string& viewer, const node& n) const
{
    if (n.owner == viewer) return nullptr;
    index_shares();
    std::optional<std::vector<std::string>> groups;
    for (const node* current = &n; current;) {
        std::size_t user_at = shares_.size(), group_at = shares_.size();
        auto [from, to] = shares_by_node_.equal_range(current->id);
        for (auto it = from; it != to; ++it) {
            const share& s = shares_[it->second];
            if (s.type == share::user_share && s.with == viewer) user_at = std::min(user_at, it->second);
            if (s.type == share::group_share && s.owner != viewer) {
                if (!groups) groups = groups_of(viewer);
                if (std::find(groups->begin(), groups->end(), s.with) != groups->end())
                    group_at = std::min(group_at, it->second);
            }
        }
        if (user_at < shares_.size()) return &shares_[user_at];
        if (group_at < shares_.size()) return &shares_[group_at];
        auto parent = nodes_.find(current->parent);
        current = current->parent != 0 && parent != nodes_.end() ? &parent->second : nullptr;
    }
    return nullptr;
}

std::optional<std::string> world::view_path(const std::string& viewer, const node& n) const
{
    if (n.owner == viewer) return path_of(n);
    const share* mount = mount_of(viewer, n);
    if (!mount) return std::nullopt;
    auto it = nodes_.find(mount->node);
    std::string base = path_of(it->second);
    std::string own = path_of(n);
    return mount->file_target + own.substr(base.size());
}

std::vector<node*> world::listing(const std::string& viewer, const node& folder)
{
    std::vector<node*> own;
    for (auto c : folder.children)
        if (node* child = find_node(c)) own.push_back(child);
    std::sort(own.begin(), own.end(), [](node* a, node* b) { return a->name < b->name; });
    user* u = find_user(viewer);
    if (u && folder.id == u->home) {
        for (const share* s : incoming(viewer))
            if (node* mounted = find_node(s->node)) own.push_back(mounted);
    }
    return own;
}

share& world::add_share(share s)
{
    s.id = next_share_id_;
    // A group share is stored with one sub-share per member, each taking an id.
    next_share_id_ += 1 + (s.type == share::group_share ? static_cast<int>(group_members(s.with).size()) : 0);
    if (s.stime == 0) s.stime = now();
    if (s.type == share::link_share && s.token.empty()) s.token = make_token();
    if (s.file_target.empty())
        if (const node* n = find_node(s.node)) s.file_target = "/" + n->name;
    shares_.push_back(std::move(s));
    ++shares_version_;
    const share& added = shares_.back();
    activity owner_row;
    owner_row.affected = added.owner;
    owner_row.app = "files_sharing";
    owner_row.type = "shared";
    owner_row.actor = added.owner;
    owner_row.object_id = added.node;
    owner_row.with = added.with;
    owner_row.subject = added.type == share::link_share    ? "shared_link_self"
                        : added.type == share::group_share ? "shared_group_self"
                                                           : "shared_user_self";
    record_activity(owner_row);
    std::vector<std::string> recipients = added.type == share::group_share  ? group_members(added.with)
                                          : added.type == share::user_share ? std::vector<std::string>{added.with}
                                                                            : std::vector<std::string>{};
    for (const auto& r : recipients) {
        if (r == added.owner) continue;
        activity row = owner_row;
        row.affected = r;
        row.subject = "shared_with_by";
        record_activity(row);
    }
    return shares_.back();
}

const share* world::find_share(int id) const
{
    for (const auto& s : shares_)
        if (s.id == id) return &s;
    return nullptr;
}

std::vector<const share*> world::shares_on(std::int64_t node_id) const
{
    std::vector<const share*> out;
    for (const auto& s : shares_)
        if (s.node == node_id) out.push_back(&s);
    return out;
}

std::vector<const share*> world::shares_owned_by(const std::string& user_id) const
{
    std::vector<const share*> out;
    for (const auto& s : shares_)
        if (s.owner == user_id) out.push_back(&s);
    return out;
}

std::vector<const share*> world::all_shares() const
{
    std::vector<const share*> out;
    for (const auto& s : shares_) out.push_back(&s);
    return out;
}

int world::system_tag_id(const std::string& name)
{
    auto [it, added] = system_tags_.emplace(name, static_cast<int>(system_tags_.size()) + 1);
    return it->second;
}

std::size_t world::expire_shares()
{
    // "YYYY-MM-DD 00:00:00" in the server's time zone (UTC here) sorts like the
    // day it names; the share is valid through its expiration day.
    const auto today = iso_date(now()).substr(0, 10) + " 00:00:00";
    const auto before = shares_.size();
    std::erase_if(shares_, [&](const share& s) { return s.expiration && *s.expiration < today; });
    if (shares_.size() != before) ++shares_version_;
    return before - shares_.size();
}

std::vector<const share*> world::incoming(const std::string& user_id) const
{
    std::vector<const share*> out;
    for (const auto& s : shares_)
        if (s.type == share::user_share && s.with == user_id) out.push_back(&s);
    auto groups = groups_of(user_id);
    for (const auto& s : shares_)
        if (s.type == share::group_share && std::find(groups.begin(), groups.end(), s.with) != groups.end() &&
            s.owner != user_id)
            out.push_back(&s);
    return out;
}

std::string world::make_token()
{
    if (!next_token_.empty()) return std::exchange(next_token_, std::string());
    static constexpr char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string hex = md5_hex(instance_id_ + "token" + std::to_string(++etag_counter_));
    std::string token;
    for (std::size_t i = 0; i < 15; ++i)
        token += alphabet[static_cast<unsigned char>(hex[i * 2]) * 7 % (sizeof alphabet - 1)];
    return token;
}

comment& world::add_comment(std::int64_t file, const std::string& actor, const std::string& message)
{
    comment c;
    c.id = next_comment_id_++;
    c.object = file;
    c.actor = actor;
    c.message = message;
    c.created = now();
    for (std::size_t at = message.find('@'); at != std::string::npos; at = message.find('@', at + 1)) {
        std::string name;
        if (at + 1 < message.size() && message[at + 1] == '"') {
            auto end = message.find('"', at + 2);
            if (end == std::string::npos) continue;
            name = message.substr(at + 2, end - at - 2);
        } else {
            std::size_t end = at + 1;
            while (end < message.size() && (std::isalnum(static_cast<unsigned char>(message[end])) ||
                                            message[end] == '_' || message[end] == '-' || message[end] == '.'))
                ++end;
            name = message.substr(at + 1, end - at - 1);
            while (!name.empty() && name.back() == '.') name.pop_back();
        }
        if (users_.count(name) && std::find(c.mentions.begin(), c.mentions.end(), name) == c.mentions.end())
            c.mentions.push_back(name);
    }
    comments_.push_back(std::move(c));
    const comment& added = comments_.back();
    if (const node* n = find_node(file)) {
        for (const auto& u : users_with_access(*n)) {
            activity row;
            row.affected = u;
            row.app = "comments";
            row.type = "comments";
            row.actor = actor;
            row.subject = u == actor ? "comment_self" : "comment_by";
            row.object_id = file;
            row.message = added.message;
            row.mentions = added.mentions;
            record_activity(row);
        }
    }
    return comments_.back();
}

std::vector<const comment*> world::comments_on(std::int64_t file) const
{
    std::vector<const comment*> out;
    for (const auto& c : comments_)
        if (c.object == file) out.push_back(&c);
    std::reverse(out.begin(), out.end());
    return out;
}

void world::remove_comments(std::int64_t file)
{
    comments_.erase(
        std::remove_if(comments_.begin(), comments_.end(), [&](const comment& c) { return c.object == file; }),
        comments_.end());
}

void world::set_read_marker(const std::string& user_id, std::int64_t file, std::int64_t unix_seconds)
{
    read_markers_[{user_id, file}] = unix_seconds;
}

std::int64_t world::read_marker(const std::string& user_id, std::int64_t file) const
{
    auto it = read_markers_.find({user_id, file});
    return it == read_markers_.end() ? 0 : it->second;
}

bool world::can_access(const std::string& user_id, const node& n) const
{
    return n.owner == user_id || mount_of(user_id, n) != nullptr;
}

void world::first_login(user& u)
{
    if (u.logged_in) return;
    u.logged_in = true;
    u.last_login_ms = now() * 1000;
    node* home = find_node(u.home);
    if (!home) return;
    // The skeleton is copied, then written: one "created" and one "changed" activity.
    node& welcome = new_node(u.id, home->id, "welcome.txt", false);
    welcome.mime = "text/plain";
    welcome.content = std::string(164, 'w');
    file_event(u.id, welcome, "created");
    file_event(u.id, welcome, "changed");
}

void world::record_activity(activity a)
{
    a.id = next_activity_id_++;
    if (a.time == 0) a.time = now();
    activities_.push_back(std::move(a));
}

std::vector<std::string> world::users_with_access(const node& n) const
{
    std::vector<std::string> out{n.owner};
    for (const auto& [id, u] : users_) {
        if (id == n.owner) continue;
        if (mount_of(id, n)) out.push_back(id);
    }
    return out;
}

void world::downloaded(const std::string& reader, const node& n)
{
    // files_downloadactivity's Listener::readFile: a logged-in reader who is not the owner.
    if (!download_activity || reader == "--" || reader == n.owner || n.folder) return;
    // IRequest::USER_AGENT_CLIENT_DESKTOP and the Android/iOS client patterns.
    const auto& ua = request_user_agent;
    const bool desktop = ua.starts_with("Mozilla/5.0 (") &&
                         (ua.find(") mirall/") != std::string::npos || ua.find(") csyncoC/") != std::string::npos);
    const bool mobile = ua.find("Nextcloud-android") != std::string::npos ||
                        ua.find("Nextcloud-iOS") != std::string::npos ||
                        ua.find("(Android) ownCloud-android") != std::string::npos;
    activity row;
    row.affected = n.owner;
    row.app = "files_downloadactivity";
    row.type = "file_downloaded";
    row.actor = reader;
    row.subject = desktop ? "desktop" : mobile ? "mobile" : "web";
    row.object_id = n.id;
    record_activity(row);
}

void world::audit_file_access(const std::string& reader, const node& n, const char* suffix)
{
    downloaded(reader, n);
    if (audit_format_ == audit_format::nc34 && reader != "--") {
        const std::string shown = view_path(reader, n).value_or(path_of(n));
        audit(reader, "File with id \"" + std::to_string(n.id) + "\" accessed: \"/" + reader + "/files" + shown +
                          suffix + "\"");
        return;
    }
    if (audit_format_ == audit_format::with_file_ids) {
        audit(reader, "File with id \"" + std::to_string(n.id) + "\" accessed: \"" + path_of(n) + suffix + "\"");
        return;
    }
    const std::string shown = reader == "--" ? path_of(n) : view_path(reader, n).value_or(path_of(n));
    audit(reader, "File accessed: \"" + shown + suffix + "\"");
}

void world::audit_write(const std::string& actor, const node& n, bool created)
{
    const std::string path = view_path(actor, n).value_or(path_of(n));
    if (audit_format_ == audit_format::nc34) {
        // 34 writes one line, the reader's absolute path (captures-34/audit-log-other-34.jsonl).
        const std::string id = "File with id \"" + std::to_string(n.id) + "\" ";
        audit(actor, id + (created ? "created: \"/" : "written to: \"/") + actor + "/files" + path + "\"");
        return;
    }
    const std::string id =
        audit_format_ == audit_format::with_file_ids ? "with id \"" + std::to_string(n.id) + "\" " : "";
    audit(actor, "File " + id + (created ? "created: \"" : "updated: \"") + path + "\"");
    audit(actor, "File " + id + "written to: \"" + path + "\"");
}

void world::file_event(const std::string& actor, const node& n, const std::string& what)
{
    audit_write(actor, n, what == "created");
    for (const auto& u : users_with_access(n)) {
        activity row;
        row.affected = u;
        row.app = "files";
        row.type = "file_" + what;
        row.actor = actor;
        row.subject = what + (u == actor ? "_self" : "_by");
        row.object_id = n.id;
        record_activity(row);
    }
}

void world::public_download(const share& s)
{
    activity row;
    row.affected = s.owner;
    row.app = "files_sharing";
    row.type = "public_links";
    row.subject = "public_download";
    row.object_id = s.node;
    record_activity(row);
}

void world::touch(node& n)
{
    const auto t = now();
    node* current = &n;
    while (current) {
        current->etag = next_etag(current->folder && current->parent != 0);
        current->mtime = t;
        current = current->parent != 0 ? find_node(current->parent) : nullptr;
    }
}

std::int64_t world::tree_size(const node& n) const
{
    if (!n.folder) return static_cast<std::int64_t>(n.content.size());
    std::int64_t total = 0;
    for (auto child : n.children) {
        auto it = nodes_.find(child);
        if (it != nodes_.end()) total += tree_size(it->second);
    }
    return total;
}

node* world::parent_folder(const std::string& user_id, const std::string& path, std::string& name)
{
    auto parts = segments(path);
    if (parts.empty()) {
        name.clear();
        return nullptr;
    }
    name = parts.back();
    std::string parent_path;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) parent_path += "/" + parts[i];
    node* parent = resolve(user_id, parent_path);
    return parent && parent->folder ? parent : nullptr;
}

world::write_result world::put_file(const std::string& user_id, const std::string& path, std::string content,
                                    const std::string& mime, std::int64_t* id_out)
{
    if (node* existing = resolve(user_id, path)) {
        if (existing->folder) return write_result::is_folder;
        existing->content = std::move(content);
        if (!mime.empty()) existing->mime = mime;
        touch(*existing);
        if (id_out) *id_out = existing->id;
        file_event(user_id, *existing, "changed");
        return write_result::updated;
    }
    std::string name;
    node* parent = parent_folder(user_id, path, name);
    if (name.empty()) return write_result::is_folder;
    if (!parent) return write_result::parent_missing;
    const std::string owner = parent->owner;
    const std::int64_t parent_id = parent->id;
    node& n = new_node(owner, parent_id, name, false);
    n.content = std::move(content);
    n.mime = mime.empty() ? "application/octet-stream" : mime;
    n.upload_time = now();
    if (id_out) *id_out = n.id;
    touch(n);
    file_event(user_id, n, "created");
    return write_result::created;
}

world::write_result world::make_folder(const std::string& user_id, const std::string& path, std::int64_t* id_out)
{
    if (resolve(user_id, path)) return write_result::exists;
    std::string name;
    node* parent = parent_folder(user_id, path, name);
    if (name.empty()) return write_result::exists;
    if (!parent) return write_result::parent_missing;
    const std::string owner = parent->owner;
    const std::int64_t parent_id = parent->id;
    node& n = new_node(owner, parent_id, name, true);
    if (id_out) *id_out = n.id;
    touch(n);
    file_event(user_id, n, "created");
    return write_result::created;
}

}  // namespace prereadd::sim
