// The simulated Nextcloud's state: users, groups, the file tree with ETags
// that propagate upwards, and (as they are added) shares, comments and apps.
// Plain data plus operations; the server locks it around every request.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prereadd::sim {

struct user {
    std::string id;
    std::string display_name;
    std::string password;                 // login password
    std::set<std::string> app_passwords;  // any of these also authenticates
    std::int64_t home = 0;                // node id of the user's files root
    std::int64_t last_login_ms = 0;
};

struct node {
    std::int64_t id = 0;
    std::int64_t parent = 0;  // 0 for a home root
    std::string owner;
    std::string name;
    bool folder = false;
    std::string content;
    std::string mime;
    std::string etag;  // unquoted; 13 hex for folders, 32 for files, as Nextcloud does
    std::int64_t mtime = 0;
    std::int64_t upload_time = 0;
    std::vector<std::int64_t> children;
};

class world {
public:
    explicit world(std::string instance_id = "ocsimulator1");

    const std::string& instance_id() const { return instance_id_; }

    // Clock of the simulated server (unix seconds); tests may pin it.
    std::int64_t now() const;
    void set_clock(std::int64_t unix_seconds) { fixed_now_ = unix_seconds; }

    user& add_user(const std::string& id, const std::string& password, const std::string& display_name = {});
    user* find_user(const std::string& id);
    // The user whose login or app password this is, or nullptr.
    const user* authenticate(const std::string& id, const std::string& secret) const;
    void add_group(const std::string& id, const std::vector<std::string>& members);
    std::vector<std::string> group_members(const std::string& id) const;
    std::vector<std::string> groups_of(const std::string& user) const;

    // Nodes by the path a user sees ("/Projects/Alpha"); nullptr when absent.
    node* resolve(const std::string& user, const std::string& path);
    node* find_node(std::int64_t id);
    std::string path_of(const node& n) const;  // in its owner's view, "/Projects/Alpha"

    enum class write_result { created, updated, parent_missing, is_folder, exists };
    write_result put_file(const std::string& user, const std::string& path, std::string content,
                          const std::string& mime, std::int64_t* id_out = nullptr);
    write_result make_folder(const std::string& user, const std::string& path, std::int64_t* id_out = nullptr);

    // A new ETag for the node and every folder above it, as Nextcloud propagates changes.
    void touch(node& n);
    std::int64_t tree_size(const node& n) const;

    // Ids are assigned in order from here on (to reproduce recorded ids).
    void set_next_node_id(std::int64_t id) { next_node_id_ = id; }

private:
    node& new_node(const std::string& owner, std::int64_t parent, const std::string& name, bool folder);
    std::string next_etag(bool folder);

    std::string instance_id_;
    std::optional<std::int64_t> fixed_now_;
    std::map<std::string, user> users_;
    std::map<std::string, std::vector<std::string>> groups_;
    std::map<std::int64_t, node> nodes_;
    std::int64_t next_node_id_ = 1;
    std::uint64_t etag_counter_ = 0;
};

}  // namespace prereadd::sim
