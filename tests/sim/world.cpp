// State operations of the simulated Nextcloud (see world.hpp).
#include "tests/sim/world.hpp"

#include <openssl/evp.h>

#include <algorithm>
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

std::string md5_hex(const std::string& data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), digest, &n, EVP_md5(), nullptr);
    std::string hex;
    char byte[3];
    for (unsigned int i = 0; i < n; ++i) {
        std::snprintf(byte, sizeof byte, "%02x", digest[i]);
        hex += byte;
    }
    return hex;
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
    n.etag = next_etag(folder);
    if (folder) n.mime = "httpd/unix-directory";
    if (parent != 0) nodes_[parent].children.push_back(id);
    return n;
}

std::string world::next_etag(bool folder)
{
    // Deterministic but unique: folders get a uniqid()-like 13 hex digits,
    // files an md5-like 32, the forms the recordings show.
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
    for (const auto& segment : segments(path)) {
        if (!current || !current->folder) return nullptr;
        node* next = nullptr;
        for (auto child : current->children) {
            node* c = find_node(child);
            if (c && c->name == segment) {
                next = c;
                break;
            }
        }
        current = next;
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

void world::touch(node& n)
{
    const auto t = now();
    node* current = &n;
    while (current) {
        current->etag = next_etag(current->folder);
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

world::write_result world::put_file(const std::string& user_id, const std::string& path, std::string content,
                                    const std::string& mime, std::int64_t* id_out)
{
    if (node* existing = resolve(user_id, path)) {
        if (existing->folder) return write_result::is_folder;
        existing->content = std::move(content);
        if (!mime.empty()) existing->mime = mime;
        touch(*existing);
        if (id_out) *id_out = existing->id;
        return write_result::updated;
    }
    auto parts = segments(path);
    if (parts.empty()) return write_result::is_folder;
    std::string parent_path;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) parent_path += "/" + parts[i];
    node* parent = resolve(user_id, parent_path);
    if (!parent || !parent->folder) return write_result::parent_missing;
    const std::string owner = parent->owner;
    const std::int64_t parent_id = parent->id;
    node& n = new_node(owner, parent_id, parts.back(), false);
    n.content = std::move(content);
    n.mime = mime.empty() ? "application/octet-stream" : mime;
    n.upload_time = now();
    if (id_out) *id_out = n.id;
    touch(n);
    return write_result::created;
}

world::write_result world::make_folder(const std::string& user_id, const std::string& path, std::int64_t* id_out)
{
    if (resolve(user_id, path)) return write_result::exists;
    auto parts = segments(path);
    if (parts.empty()) return write_result::exists;
    std::string parent_path;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) parent_path += "/" + parts[i];
    node* parent = resolve(user_id, parent_path);
    if (!parent || !parent->folder) return write_result::parent_missing;
    const std::string owner = parent->owner;
    const std::int64_t parent_id = parent->id;
    node& n = new_node(owner, parent_id, parts.back(), true);
    if (id_out) *id_out = n.id;
    touch(n);
    return write_result::created;
}

}  // namespace prereadd::sim
