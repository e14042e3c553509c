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
#include <utility>
#include <unordered_map>
#include <vector>

namespace prereadd::sim {

struct user {
    std::string id;
    std::string display_name;
    std::string password;                 // login password
    std::set<std::string> app_passwords;  // any of these also authenticates
    std::int64_t home = 0;                // node id of the user's files root
    std::int64_t last_login_ms = 0;
    bool logged_in = false;  // the skeleton files appear at the first login
    std::string time_zone;   // the `core/timezone` preference; in the user details from Nextcloud 30 on (22d of 34)
    std::string language = "en";  // `core/lang`: unset reads "en" (42a); set with occ user:setting (42b)
    std::string locale;           // `core/locale`: unset reads "" (42a)
    std::string email;       // empty: none set (22d shows null)
};

struct share {
    enum type_code { user_share = 0, group_share = 1, link_share = 3 };
    int id = 0;
    int type = user_share;
    std::string owner;
    std::int64_t node = 0;
    std::string with;  // user or group id; empty for links
    int permissions = 31;
    std::int64_t stime = 0;
    std::optional<std::string> expiration;  // "YYYY-MM-DD 00:00:00", as the OCS API writes it
    std::string token;                      // links only
    std::string file_target;                // where recipients see it: "/Alpha"
    std::string note;
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
    std::vector<std::string> system_tags;  // names; assigning one changes no ETag, as in Nextcloud
};

struct comment {
    int id = 0;
    std::int64_t object = 0;  // file id
    std::string actor;
    std::string message;
    std::int64_t created = 0;
    std::vector<std::string> mentions;  // user ids, in the order they appear
};

// One row of the activity app's table: an event as one user (`affected`) sees it.
struct activity {
    int id = 0;
    std::string affected;
    std::string app;      // files, files_sharing, comments, settings
    std::string type;     // file_created, file_changed, shared, comments, public_links, security, group_settings
    std::string subject;  // created_self, created_by, changed_self, changed_by, shared_user_self, ...
    std::string actor;    // who did it ("" for the system)
    std::int64_t object_id = 0;
    std::string with;     // the user or group a share went to
    std::string message;  // a comment's text
    std::vector<std::string> mentions;
    std::int64_t time = 0;
};

// Talk (spreed) as recorded with Talk 17: rooms, attendees, chat messages.
struct talk_message {
    int id = 0;
    std::string token;
    std::string actor_type = "users";  // users, or bots (the changelog)
    std::string actor;
    std::int64_t time = 0;
    std::string text;                     // with {mention-user1}-style placeholders
    std::vector<std::string> mentions;    // user ids, mention-user1 first
    std::string system;                   // "" for comments; conversation_created, user_added, ...
    std::string subject;                  // the user or group a system message is about
    std::vector<std::string> call_users;  // call_ended: who was in the call
    std::int64_t call_duration = 0;       // call_ended: seconds
    bool mentions_call = false;           // "@all" became {mention-call1} (15m)
    std::string reference_id;
    std::optional<int> parent;
    bool silent = false;
    // emoji -> (actor, time), in the order they were given
    std::map<std::string, std::vector<std::pair<std::string, std::int64_t>>> reactions;
};

struct talk_attendee {
    int id = 0;
    std::string type = "users";  // users or groups
    std::string actor;
    int participant_type = 3;  // 1 owner, 3 user
    int last_read = 0;
    // In the conversation (POST .../participants/active) and in its call.
    std::string session_id;
    // Talk 22 binds the session to the PHP session: a join without its cookie
    // opens another one, and the earlier stays listed (34's 30g, 30l).
    std::vector<std::string> earlier_sessions;
    std::int64_t last_ping = 0;
    int in_call = 0;  // flags: 1 audio, 2 video (30b, 30e); 0 not in the call
};

struct talk_room {
    int id = 0;
    std::string token;
    int type = 2;  // 1 one-to-one, 2 group, 3 public, 4 changelog
    std::string name;
    bool read_only = false;
    std::int64_t last_activity = 0;
    std::vector<talk_attendee> attendees;
    // The running call: when it started, the union of its peers' flags, and
    // every user who was in it (call_ended names them all, 30j).
    std::int64_t call_start = 0;
    int call_flag = 0;
    std::vector<std::string> in_this_call;
};

struct talk_state {
    std::vector<talk_room> rooms;
    std::vector<talk_message> messages;
    int next_room_id = 1;
    int next_message_id = 1;
    int next_attendee_id = 1;
    std::vector<std::string> next_tokens;  // tokens to hand out first (reproduce recordings)
};

// Deck as recorded with Deck 1.13: boards, stacks, cards, sharing, assignment.
struct deck_acl {
    int id = 0;
    int type = 0;  // 0 user, 1 group
    std::string participant;
    bool edit = false, share = false, manage = false;
};

struct deck_card {
    int id = 0;
    int stack = 0;
    std::string title;
    std::string description;
    std::optional<std::string> description_prev;
    std::string type = "plain";
    int order = 0;
    std::string owner;
    std::optional<std::string> last_editor;
    std::int64_t created = 0;
    std::int64_t last_modified = 0;
    std::optional<std::string> duedate;  // ISO 8601 "+00:00"
    std::optional<std::string> done;
    bool archived = false;
    std::vector<std::pair<int, std::string>> assigned;  // (assignment id, user)
};

struct deck_stack {
    int id = 0;
    int board = 0;
    std::string title;
    int order = 0;
    std::int64_t last_modified = 0;
};

struct deck_board {
    int id = 0;
    std::string title;
    std::string owner;
    std::string color;
    bool archived = false;
    std::int64_t last_modified = 0;
    std::vector<int> labels;  // label ids; titles and colours are Deck's defaults
    std::vector<deck_acl> acl;
    std::int64_t deleted_at = 0;  // soft-deleted: still listed, with the time (34's 18i)
};

struct deck_state {
    std::vector<deck_board> boards;
    std::vector<deck_stack> stacks;
    std::vector<deck_card> cards;
    std::set<std::string> initialised;  // users whose "Personal" board exists
    int next_board_id = 1, next_stack_id = 1, next_card_id = 1, next_label_id = 1, next_acl_id = 1,
        next_assignment_id = 1;
};

// CalDAV: a user's calendars and their objects (.ics texts as uploaded).
struct calendar_object {
    std::string ics;
    std::string etag;  // unquoted
};

struct calendar {
    std::string display_name;
    std::string color;
    std::vector<std::string> components{"VEVENT"};
    int sync_token = 1;
    std::map<std::string, calendar_object> objects;  // by file name
};

// What admin_audit logs; the server adds the request's context when writing.
struct audit_entry {
    std::string user;  // "--" when anonymous
    std::string message;
};

// Nextcloud 29 writes `File accessed: "<reader's path>"`; early 30.0 adds the
// file id (`File with id "14" accessed: "<storage path>"`); later 30.x to 34
// name the reader's path with its "/<reader>/files" prefix (captures-34).
enum class audit_format { nc29, with_file_ids, nc34 };

// Which server the simulator answers as: the Nextcloud 29 of captures/ or
// the 34.0.1 of captures-34/ (their READMEs list every difference).
enum class dialect { nc29, nc34 };

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
    bool is_admin(const std::string& user) const;
    void add_subadmin(const std::string& user, const std::string& group) { subadmins_[user].insert(group); }
    std::vector<std::string> subadmin_groups(const std::string& user) const;
    // Admins manage everyone; sub-admins the members of their groups.
    bool manages(const std::string& manager, const std::string& user) const;
    bool manages_group(const std::string& manager, const std::string& group) const;

    // Nodes by the path a user sees ("/Projects/Alpha", or "/Alpha" through a
    // share mounted for that user); nullptr when absent.
    node* resolve(const std::string& user, const std::string& path);
    node* find_node(std::int64_t id);
    // The child of `folder` named `name` (indexed: a scale run has folders of 10,000).
    node* child_named(const node& folder, const std::string& name);
    // Takes a node out of its folder, and puts it in one under a name: what a
    // DELETE and a MOVE do. Children change only through these (and new nodes).
    void detach(node& n);
    void attach(node& n, node& folder, const std::string& name);
    std::string path_of(const node& n) const;  // in its owner's view, "/Projects/Alpha"
    // The path `viewer` sees the node at (through a mount if not the owner).
    std::optional<std::string> view_path(const std::string& viewer, const node& n) const;
    // The incoming share through which `viewer` sees `n`, or nullptr (owner, or no access).
    const share* mount_of(const std::string& viewer, const node& n) const;
    // What appears in a folder for `viewer`: own children, then shares mounted in the root.
    std::vector<node*> listing(const std::string& viewer, const node& folder);

    // Shares: ids as Nextcloud assigns them (a group share also takes one id per member).
    share& add_share(share s);
    const share* find_share(int id) const;
    std::vector<const share*> shares_on(std::int64_t node) const;
    std::vector<const share*> shares_owned_by(const std::string& user) const;
    std::vector<const share*> all_shares() const;
    // Shares to the user directly, then to the user's groups.
    std::vector<const share*> incoming(const std::string& user) const;
    // Nextcloud deletes an expired share the first time anything looks at it
    // (Share20\Manager::checkShare), so listings never show one; the simulator
    // does it before each request. Returns how many went.
    std::size_t expire_shares();
    // The token the next link share gets (reproduces a recorded token); random otherwise.
    void set_next_token(std::string token) { next_token_ = std::move(token); }
    std::string make_token();
    // Comments on files. Mentions ("@alice", "@\"bob\"") of existing users are recorded.
    comment& add_comment(std::int64_t file, const std::string& actor, const std::string& message);
    std::vector<const comment*> comments_on(std::int64_t file) const;  // newest first
    void remove_comments(std::int64_t file);
    void set_read_marker(const std::string& user, std::int64_t file, std::int64_t unix_seconds);
    std::int64_t read_marker(const std::string& user, std::int64_t file) const;
    // May `user` see the file (owner, or through a share)?
    bool can_access(const std::string& user, const node& n) const;

    // The activity stream (oldest first). Events below add their rows themselves.
    const std::vector<activity>& activities() const { return activities_; }
    void record_activity(activity a);
    // System tags by name, created on first use with ids from 1.
    int system_tag_id(const std::string& name);
    // The activity app's expiry job (activity_expire_days) removing every row so far.
    void expire_activities() { activities_.clear(); }
    // A public link share's file was downloaded anonymously.
    void public_download(const share& s);
    // Every user who can see the node: its owner and the recipients of shares above it.
    std::vector<std::string> users_with_access(const node& n) const;
    const std::map<std::string, user>& users() const { return users_; }

    // admin_audit lines of the request being handled.
    void set_audit_format(audit_format f) { audit_format_ = f; }
    audit_format current_audit_format() const { return audit_format_; }
    void audit(const std::string& user, std::string message) { audit_.push_back({user, std::move(message)}); }
    std::vector<audit_entry> take_audit() { return std::exchange(audit_, {}); }
    // "File accessed" (and friends) for `n` read by `reader` ("--": anonymous, through `via`).
    void audit_file_access(const std::string& reader, const node& n, const char* suffix = "");
    // `reader` read the file (a download, or making a preview of it): with
    // files_downloadactivity, an activity for its owner.
    void downloaded(const std::string& reader, const node& n);

    // The request being handled: its Host and User-Agent headers.
    std::string request_host;
    std::string request_user_agent;
    // The files_downloadactivity app: a read of a shared file by someone else
    // is an activity of its owner (31a). Off on the recorded server until 2026-11-30.
    bool download_activity = false;
    std::set<std::string> disabled_apps;  // of activity, spreed, deck: left out of the capabilities
    // webhook_listeners (34's 33a-33b2): the registrations as answered, JSON text by id.
    std::map<int, std::string> webhooks;
    int next_webhook_id = 1;
    // 'loglevel' above 1: Nextcloud drops the admin_audit lines (they are written at level 1).
    bool audit_dropped = false;

    talk_state talk;
    deck_state deck;
    // user -> calendar name -> calendar. An API-only user has none until MKCALENDAR (19).
    std::map<std::string, std::map<std::string, calendar>> calendars;

    // The first login creates the user's skeleton files, as Nextcloud does.
    void first_login(user& u);

    enum class write_result { created, updated, parent_missing, is_folder, exists };
    write_result put_file(const std::string& user, const std::string& path, std::string content,
                          const std::string& mime, std::int64_t* id_out = nullptr);
    write_result make_folder(const std::string& user, const std::string& path, std::int64_t* id_out = nullptr);

    // A new ETag for the node and every folder above it, as Nextcloud propagates changes.
    void touch(node& n);
    std::int64_t tree_size(const node& n) const;

    // Ids are assigned in order from here on (to reproduce recorded ids).
    void set_next_node_id(std::int64_t id) { next_node_id_ = id; }
    void set_next_activity_id(int id) { next_activity_id_ = id; }
    void set_next_share_id(int id) { next_share_id_ = id; }
    void set_next_comment_id(int id) { next_comment_id_ = id; }
    dialect server = dialect::nc29;

private:
    node& new_node(const std::string& owner, std::int64_t parent, const std::string& name, bool folder);
    // The folder a new node at `path` goes into (nullptr if missing); `name` gets the last segment.
    node* parent_folder(const std::string& user, const std::string& path, std::string& name);
    std::string next_etag(bool folder);

    std::string instance_id_;
    std::optional<std::int64_t> fixed_now_;
    std::map<std::string, user> users_;
    std::map<std::string, std::vector<std::string>> groups_;
    std::map<std::string, std::set<std::string>> subadmins_;
    std::map<std::int64_t, node> nodes_;
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> child_index_;  // (folder, name) -> node
    std::vector<share> shares_;
    std::size_t shares_version_ = 0;  // counts changes of shares_: the index below follows it
    mutable std::size_t indexed_version_ = static_cast<std::size_t>(-1);
    mutable std::unordered_multimap<std::int64_t, std::size_t> shares_by_node_;
    void index_shares() const;
    std::vector<comment> comments_;
    std::map<std::pair<std::string, std::int64_t>, std::int64_t> read_markers_;
    int next_comment_id_ = 1;
    std::vector<activity> activities_;
    std::map<std::string, int> system_tags_;
    std::vector<audit_entry> audit_;
    audit_format audit_format_ = audit_format::nc29;
    void audit_write(const std::string& actor, const node& n, bool created);
    int next_activity_id_ = 1;
    void file_event(const std::string& actor, const node& n, const std::string& what);  // created, changed
    std::int64_t next_node_id_ = 1;
    int next_share_id_ = 1;
    std::string next_token_;
    std::uint64_t etag_counter_ = 0;
};

}  // namespace prereadd::sim
