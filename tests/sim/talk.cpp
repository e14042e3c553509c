// Talk as Talk 17 answers (captures 14a-17d): conversations, participants,
// chat with mentions, replies and referenceId, reactions, read markers.
#include "tests/sim/routes_detail.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

namespace prereadd::sim::detail {
namespace {

constexpr std::size_t max_message_length = 32000;
constexpr const char* changelog_name = "Talk updates \u2705";

talk_room* find_room(world& w, const std::string& token)
{
    for (auto& r : w.talk.rooms)
        if (r.token == token) return &r;
    return nullptr;
}

talk_message* find_message(world& w, int id)
{
    for (auto& m : w.talk.messages)
        if (m.id == id) return &m;
    return nullptr;
}

talk_attendee* attendee_of(talk_room& room, const std::string& user)
{
    for (auto& a : room.attendees)
        if (a.type == "users" && a.actor == user) return &a;
    return nullptr;
}

std::string display_name(world& w, const std::string& id)
{
    const user* u = w.find_user(id);
    return u ? u->display_name : id;
}

std::string make_token(world& w)
{
    if (!w.talk.next_tokens.empty()) {
        auto token = w.talk.next_tokens.front();
        w.talk.next_tokens.erase(w.talk.next_tokens.begin());
        return token;
    }
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    auto hex = md5_hex("talk" + std::to_string(w.talk.next_room_id) + w.instance_id());
    std::string token;
    for (std::size_t i = 0; i < 8; ++i) token += alphabet[static_cast<unsigned char>(hex[i * 2]) * 5 % 36];
    return token;
}

talk_message& post(world& w, talk_room& room, const std::string& actor, std::string system, std::string subject = {})
{
    talk_message m;
    m.id = w.talk.next_message_id++;
    m.token = room.token;
    m.actor = actor;
    m.time = w.now();
    m.system = std::move(system);
    m.subject = std::move(subject);
    room.last_activity = m.time;
    w.talk.messages.push_back(std::move(m));
    return w.talk.messages.back();
}

int last_message_id(world& w, const talk_room& room)
{
    int last = 0;
    for (const auto& m : w.talk.messages)
        if (m.token == room.token) last = std::max(last, m.id);
    return last;
}

// Everyone who reads the conversation: user attendees, and members of group attendees.
std::vector<std::string> readers(world& w, const talk_room& room)
{
    std::vector<std::string> out;
    for (const auto& a : room.attendees) {
        if (a.type == "users")
            out.push_back(a.actor);
        else
            for (const auto& m : w.group_members(a.actor)) out.push_back(m);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// Moves only when every reader has read, group members included.
int last_common_read(world& w, talk_room& room)
{
    int common = last_message_id(w, room);
    for (const auto& r : readers(w, room)) {
        talk_attendee* a = attendee_of(room, r);
        common = std::min(common, a ? a->last_read : 0);
    }
    return common;
}

json user_ref(world& w, const std::string& id) { return {{"type", "user"}, {"id", id}, {"name", display_name(w, id)}}; }

const talk_room* find_room_const(const world& w, const std::string& token)
{
    for (const auto& r : w.talk.rooms)
        if (r.token == token) return &r;
    return nullptr;
}

// Talk's SystemMessage::getDuration: "0:12", "1:02:03".
std::string call_duration(std::int64_t seconds)
{
    char out[32];
    if (seconds >= 3600)
        std::snprintf(out, sizeof out, "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                      static_cast<long long>(seconds % 3600 / 60), static_cast<long long>(seconds % 60));
    else
        std::snprintf(out, sizeof out, "%lld:%02lld", static_cast<long long>(seconds / 60),
                      static_cast<long long>(seconds % 60));
    return out;
}

// Talk's SystemMessage::parseCall for a call of users only (no guests); `users` sorted.
std::string call_ended_text(const std::vector<std::string>& users, std::int64_t seconds)
{
    std::string who;
    switch (users.size()) {
    case 0: who = "0 guests"; break;
    case 1: who = "{user1} and 0 guests"; break;
    case 2: who = "{user1} and {user2}"; break;
    case 3: who = "{user1}, {user2} and {user3}"; break;
    case 4: who = "{user1}, {user2}, {user3} and {user4}"; break;
    case 5: who = "{user1}, {user2}, {user3}, {user4} and {user5}"; break;
    default:
        const auto others = users.size() - 4;
        who = "{user1}, {user2}, {user3}, {user4} and " + std::to_string(others) + (others == 1 ? " other" : " others");
    }
    return "Call with " + who + " (Duration " + call_duration(seconds) + ")";
}

// Talk's session ids are 255 random characters of Base64's alphabet (30a).
std::string make_session_id(world& w, const std::string& user)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::string seed =
        md5_hex(w.instance_id() + user + std::to_string(w.now()) + std::to_string(w.talk.next_message_id));
    while (out.size() < 255) {
        seed = md5_hex(seed);
        for (std::size_t i = 0; i + 1 < seed.size() && out.size() < 255; i += 2)
            out += alphabet[std::stoi(seed.substr(i, 2), nullptr, 16) % 64];
    }
    return out;
}

// `as_last_message`: the shape inside a room's lastMessage, where Talk 17
// leaves out the parent and the referenceId (14e, 15g).
json message_json(world& w, const talk_message& m, const std::string& viewer, bool with_parent = true,
                  bool as_last_message = false)
{
    json params = json::object();
    std::string text = m.text;
    std::string type = m.system.empty() ? "comment" : "system";
    if (m.system == "conversation_created") {
        params["actor"] = user_ref(w, m.actor);
        text = m.actor == viewer ? "You created the conversation" : "{actor} created the conversation";
    } else if (m.system == "user_added") {
        params["actor"] = user_ref(w, m.actor);
        params["user"] = user_ref(w, m.subject);
        text = m.actor == viewer     ? "You added {user}"
               : m.subject == viewer ? "{actor} added you"
                                     : "{actor} added {user}";
    } else if (m.system == "group_added") {
        params["actor"] = user_ref(w, m.actor);
        params["group"] = {{"type", "group"}, {"id", m.subject}, {"name", m.subject}};
        text = m.actor == viewer ? "You added group {group}" : "{actor} added group {group}";
    } else if (m.system == "call_started" || m.system == "call_joined" || m.system == "call_left") {
        params["actor"] = user_ref(w, m.actor);
        const bool self = m.actor == viewer;
        if (m.system == "call_started") text = self ? "You started a call" : "{actor} started a call";
        if (m.system == "call_joined") text = self ? "You joined the call" : "{actor} joined the call";
        if (m.system == "call_left") text = self ? "You left the call" : "{actor} left the call";
    } else if (m.system == "call_ended" || m.system == "call_ended_everyone") {
        params["actor"] = user_ref(w, m.actor);
        text = call_ended_text(m.call_users, m.call_duration);
        if (m.system == "call_ended_everyone") {
            const std::string duration = " (Duration " + call_duration(m.call_duration) + ")";
            text = m.call_users.empty()       ? "{actor} ended the call" + duration
                   : m.call_users.size() == 1 ? "{actor} ended the call with {user1}" + duration
                                              : "{actor} ended the call with " + text.substr(10);
        }
        const std::size_t shown = m.call_users.size() > 5 ? 4 : m.call_users.size();
        for (std::size_t i = 0; i < shown; ++i) params["user" + std::to_string(i + 1)] = user_ref(w, m.call_users[i]);
    } else if (m.system.empty()) {
        for (std::size_t i = 0; i < m.mentions.size(); ++i)
            params["mention-user" + std::to_string(i + 1)] = user_ref(w, m.mentions[i]);
        if (m.mentions_call)
            if (const talk_room* room = find_room_const(w, m.token))
                params["mention-call1"] = {
                    {"type", "call"},
                    {"id", room->token},
                    {"name", room->name},
                    {"call-type", room->type == 1 ? "one2one" : "group"},
                    {"icon-url",
                     "http://" + w.request_host + "/ocs/v2.php/apps/spreed/api/v1/room/" + room->token + "/avatar"}};
    }
    json j;
    j["id"] = m.id;
    j["token"] = m.token;
    j["actorType"] = m.actor_type;
    j["actorId"] = m.actor;
    j["actorDisplayName"] = m.actor_type == "bots" ? std::string(changelog_name) : display_name(w, m.actor);
    j["timestamp"] = m.time;
    j["message"] = text;
    j["messageParameters"] = params.empty() ? json::array() : params;
    j["systemMessage"] = m.system;
    j["messageType"] = type;
    j["isReplyable"] = m.system.empty() && m.actor_type == "users";
    // Talk 17 leaves a conversation's last message without its reference id; Talk 22 gives it (34's 30a).
    j["referenceId"] = as_last_message && w.server == dialect::nc29 ? std::string() : m.reference_id;
    json reactions = json::object();
    json self = json::array();
    for (const auto& [emoji, who] : m.reactions) {
        reactions[emoji] = who.size();
        for (const auto& [actor, when] : who)
            if (actor == viewer) self.push_back(emoji);
    }
    j["reactions"] = reactions;
    if (!self.empty()) j["reactionsSelf"] = self;
    j["expirationTimestamp"] = 0;
    if (m.silent && w.server == dialect::nc34) j["silent"] = true;  // Talk 22 says so (15b)
    if (with_parent && m.parent)
        if (const talk_message* p = find_message(w, *m.parent)) j["parent"] = message_json(w, *p, viewer, false);
    return j;
}

json room_json(world& w, talk_room& room, const std::string& viewer)
{
    talk_attendee* me = attendee_of(room, viewer);
    const bool owner = me && me->participant_type == 1;
    const int last_read = me ? me->last_read : 0;
    int unread = 0;
    bool mention = false;
    for (const auto& m : w.talk.messages) {
        if (m.token != room.token || m.id <= last_read || !m.system.empty() || m.actor == viewer) continue;
        ++unread;
        if (std::find(m.mentions.begin(), m.mentions.end(), viewer) != m.mentions.end()) mention = true;
    }
    std::string name = room.name;
    std::string shown = room.name;
    if (room.type == 1) {
        // A one-to-one conversation is named after the other person.
        for (const auto& a : room.attendees)
            if (a.actor != viewer) name = a.actor, shown = display_name(w, a.actor);
    } else if (room.type == 4) {
        shown = changelog_name;
    }
    json j;
    j["id"] = room.id;
    j["token"] = room.token;
    j["type"] = room.type;
    j["name"] = name;
    j["displayName"] = shown;
    j["objectType"] = "";
    j["objectId"] = "";
    j["participantType"] = me ? me->participant_type : 3;
    j["participantFlags"] = 0;
    j["readOnly"] = room.read_only ? 1 : 0;
    j["hasPassword"] = false;
    j["hasCall"] = room.call_start != 0;
    j["callStartTime"] = room.call_start;
    j["callRecording"] = 0;
    j["canStartCall"] = true;
    j["lastActivity"] = room.last_activity;
    j["lastReadMessage"] = last_read;
    j["unreadMessages"] = unread;
    j["unreadMention"] = mention;
    j["unreadMentionDirect"] = mention;
    j["isFavorite"] = false;
    j["canLeaveConversation"] = true;
    j["canDeleteConversation"] = owner && room.type != 1;
    j["notificationLevel"] = room.type == 1 ? 1 : 2;
    j["notificationCalls"] = 1;
    j["lobbyState"] = 0;
    j["lobbyTimer"] = 0;
    const bool joined = me && !me->session_id.empty();
    j["lastPing"] = joined ? me->last_ping : 0;
    j["sessionId"] = joined ? me->session_id : std::string("0");
    // Reactions are chat entries of their own, but never a conversation's last message.
    const talk_message* last = nullptr;
    for (const auto& m : w.talk.messages)
        if (m.token == room.token && m.system != "reaction" && (!last || m.id > last->id)) last = &m;
    j["lastMessage"] = last ? message_json(w, *last, viewer, false, true) : json::array();
    j["sipEnabled"] = 0;
    j["actorType"] = "users";
    j["actorId"] = viewer;
    j["attendeeId"] = me ? me->id : 0;
    j["permissions"] = owner ? 254 : 246;
    j["attendeePermissions"] = 0;
    j["callPermissions"] = 0;
    j["defaultPermissions"] = 0;
    j["canEnableSIP"] = false;
    j["attendeePin"] = "";
    j["description"] = "";
    j["lastCommonReadMessage"] = last_common_read(w, room);
    j["listable"] = 0;
    j["callFlag"] = room.call_flag;
    j["messageExpiration"] = 0;
    j["avatarVersion"] = "";
    j["breakoutRoomMode"] = 0;
    j["breakoutRoomStatus"] = 0;
    return j;
}

bool can_see(world& w, const talk_room& room, const std::string& user)
{
    auto all = readers(w, room);
    return std::find(all.begin(), all.end(), user) != all.end();
}

sim_response not_found(const sim_request& req) { return ocs_reply(req, 404, "", json::array()); }

std::string talk_hash(const world& w)
{
    // Changes with the configuration Talk hashes (capabilities, settings); constant here.
    return md5_hex(w.instance_id() + "talk") + std::string("0123456789abcdef01234567").substr(0, 8);
}

void add_user(world& w, talk_room& room, const std::string& actor, const std::string& user_id)
{
    if (attendee_of(room, user_id)) return;
    talk_attendee a;
    a.id = w.talk.next_attendee_id++;
    a.actor = user_id;
    a.last_read = last_message_id(w, room);
    room.attendees.push_back(a);
    post(w, room, actor, "user_added", user_id);
}

// The end of the call (Talk's generateCallActivity): one message naming who
// was in it, the actor left out when they ended it for everyone (parseCall).
void end_call(world& w, talk_room& room, const std::string& actor, const char* system)
{
    auto& ended = post(w, room, actor, system);
    for (const auto& user : room.in_this_call)
        if (ended.system == "call_ended" || user != actor) ended.call_users.push_back(user);
    std::sort(ended.call_users.begin(), ended.call_users.end());
    ended.call_duration = w.now() - room.call_start;
    room.call_start = 0;
    room.call_flag = 0;
    room.in_this_call.clear();
}

// Leaving the call; the last one out ends it and names everyone who was in it (30h-30j).
void leave_call(world& w, talk_room& room, talk_attendee& me)
{
    me.in_call = 0;
    post(w, room, me.actor, "call_left");
    if (std::any_of(room.attendees.begin(), room.attendees.end(), [](const auto& a) { return a.in_call != 0; })) return;
    end_call(w, room, me.actor, "call_ended");
}

// A moderator ends the call for all: everyone out, no call_left messages.
void end_for_everyone(world& w, talk_room& room, talk_attendee& me)
{
    for (auto& a : room.attendees) a.in_call = 0;
    end_call(w, room, me.actor, "call_ended_everyone");
}

// Talk parses mentions with the server's comment pattern (Comment::getMentions):
// an '@' at the start or after whitespace, '-', '.', '\'' or '@' (ASCII only:
// a no-break space before it does not count, 15q), then a quoted id
// "[a-z0-9_-@.' ]+" or an unquoted [a-z0-9_-@.']+. A known user becomes
// {mention-userN}, "all" becomes {mention-call1} (15m); anything else after the
// '@', a zero-width space say (15o), leaves the text alone.
void apply_mentions(world& w, talk_message& m, std::string text)
{
    auto id_char = [](unsigned char c, bool quoted) {
        return (c < 0x80 && std::isalnum(c)) || c == '_' || c == '-' || c == '@' || c == '.' || c == '\'' ||
               (quoted && c == ' ');
    };
    auto may_precede = [](unsigned char c) {
        return c == '-' || c == '@' || c == '.' || c == '\'' || c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
               c == '\f' || c == '\r';
    };
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '@' && (i == 0 || may_precede(static_cast<unsigned char>(text[i - 1])))) {
            std::string name;
            std::size_t end = i + 1;
            if (end < text.size() && text[end] == '"') {
                std::size_t close = end + 1;
                while (close < text.size() && id_char(static_cast<unsigned char>(text[close]), true)) ++close;
                if (close < text.size() && text[close] == '"' && close > end + 1) {
                    name = text.substr(end + 1, close - end - 1);
                    end = close + 1;
                }
            } else {
                while (end < text.size() && id_char(static_cast<unsigned char>(text[end]), false)) ++end;
                name = text.substr(i + 1, end - i - 1);
            }
            if (name == "all") {
                m.mentions_call = true;
                out += "{mention-call1}";
                i = end;
                continue;
            }
            if (!name.empty() && w.find_user(name)) {
                auto it = std::find(m.mentions.begin(), m.mentions.end(), name);
                std::size_t index = it == m.mentions.end() ? (m.mentions.push_back(name), m.mentions.size())
                                                           : static_cast<std::size_t>(it - m.mentions.begin()) + 1;
                out += "{mention-user" + std::to_string(index) + "}";
                i = end;
                continue;
            }
        }
        out += text[i++];
    }
    m.text = out;
}

json reactions_json(world& w, const talk_message& m)
{
    json data = json::object();
    for (const auto& [emoji, who] : m.reactions) {
        json list = json::array();
        for (const auto& [actor, when] : who)
            list.push_back({{"actorType", "users"},
                            {"actorId", actor},
                            {"actorDisplayName", display_name(w, actor)},
                            {"timestamp", when}});
        data[emoji] = list;
    }
    return data;
}

}  // namespace

sim_response handle_talk(world& w, const user& who, const sim_request& req, const std::string& route)
{
    auto params = req.method == "GET" ? std::map<std::string, std::string>(req.query.begin(), req.query.end())
                                      : form_or_json(req);
    auto param = [&](const char* name, const std::string& fallback = {}) {
        auto it = params.find(name);
        return it == params.end() ? fallback : it->second;
    };
    auto query = [&](const char* name, const std::string& fallback = {}) {
        auto it = req.query.find(name);
        return it == req.query.end() ? fallback : it->second;
    };
    const std::string v4_room = "/apps/spreed/api/v4/room";
    const std::string v1_chat = "/apps/spreed/api/v1/chat/";
    const std::string v1_reaction = "/apps/spreed/api/v1/reaction/";
    const std::string v4_call = "/apps/spreed/api/v4/call/";

    if (route == v4_room && req.method == "POST") {
        const int type = std::stoi(param("roomType", "2"));
        if (type == 1) {
            const std::string other = param("invite");
            if (!w.find_user(other)) return ocs_reply(req, 404, "", json::array());
            for (auto& r : w.talk.rooms)
                if (r.type == 1 && attendee_of(r, who.id) && attendee_of(r, other)) {
                    auto res = ocs_reply(req, 200, "OK", room_json(w, r, who.id));
                    return res;
                }
        }
        talk_room room;
        room.id = w.talk.next_room_id++;
        room.token = make_token(w);
        room.type = type;
        room.name = type == 1 ? param("invite") : param("roomName");
        talk_attendee owner;
        owner.id = w.talk.next_attendee_id++;
        owner.actor = who.id;
        owner.participant_type = 1;
        room.attendees.push_back(owner);
        if (type == 1) {
            talk_attendee other;
            other.id = w.talk.next_attendee_id++;
            other.actor = param("invite");
            other.participant_type = 1;
            room.attendees.push_back(other);
        }
        w.talk.rooms.push_back(room);
        talk_room& stored = w.talk.rooms.back();
        const auto& created = post(w, stored, who.id, "conversation_created");
        for (auto& a : stored.attendees) a.last_read = created.id;
        return ocs_reply(req, 201, "OK", room_json(w, stored, who.id));
    }
    if (route == v4_room && req.method == "GET") {
        // Talk creates the "Talk updates" changelog conversation at the first listing.
        bool has_changelog = false;
        for (auto& r : w.talk.rooms)
            if (r.type == 4 && attendee_of(r, who.id)) has_changelog = true;
        if (!has_changelog) {
            talk_room changelog;
            changelog.id = w.talk.next_room_id++;
            changelog.token = make_token(w);
            changelog.type = 4;
            changelog.name = who.id;
            changelog.read_only = true;
            talk_attendee a;
            a.id = w.talk.next_attendee_id++;
            a.actor = who.id;
            changelog.attendees.push_back(a);
            w.talk.rooms.push_back(changelog);
            talk_room& stored = w.talk.rooms.back();
            stored.attendees.front().last_read = post(w, stored, who.id, "conversation_created").id;
            for (int i = 1; i <= 48; ++i) {
                auto& m = post(w, stored, "changelog", "");
                m.actor_type = "bots";
                m.text = i == 48 ? "- Calls can now be recorded (requires the external signaling server)"
                                 : "- Talk update " + std::to_string(i);
            }
        }
        json list = json::array();
        for (auto& r : w.talk.rooms)
            if (can_see(w, r, who.id)) list.push_back(room_json(w, r, who.id));
        auto res = ocs_reply(req, 200, "OK", list);
        res.set("X-Nextcloud-Talk-Hash", talk_hash(w));
        res.set("X-Nextcloud-Talk-Modified-Before", std::to_string(w.now()));
        return res;
    }
    if (route.starts_with(v4_room + "/")) {
        std::string rest = route.substr(v4_room.size() + 1);
        std::string token = rest.substr(0, rest.find('/'));
        std::string tail = rest.size() > token.size() ? rest.substr(token.size()) : std::string();
        talk_room* room = find_room(w, token);
        if (!room || !can_see(w, *room, who.id)) return not_found(req);
        if (tail.empty() && req.method == "GET") {
            auto res = ocs_reply(req, 200, "OK", room_json(w, *room, who.id));
            res.set("X-Nextcloud-Talk-Hash", talk_hash(w));
            return res;
        }
        if (tail == "/participants/active" && req.method == "POST") {
            // Joining the conversation opens a session (30a), needed to join its call.
            talk_attendee* me = attendee_of(*room, who.id);
            if (!me) return not_found(req);
            if (!me->session_id.empty() && w.server == dialect::nc34 && req.header("cookie").empty())
                me->earlier_sessions.push_back(std::exchange(me->session_id, {}));
            if (me->session_id.empty()) me->session_id = make_session_id(w, who.id);
            me->last_ping = w.now();
            return ocs_reply(req, 200, "OK", room_json(w, *room, who.id));
        }
        if (tail == "/participants/active" && req.method == "DELETE") {
            talk_attendee* me = attendee_of(*room, who.id);
            if (me && me->in_call) leave_call(w, *room, *me);
            if (me) {
                me->session_id.clear();
                me->earlier_sessions.clear();
            }
            return ocs_reply(req, 200, "OK", json::array());
        }
        if (tail == "/participants" && req.method == "GET") {
            json list = json::array();
            for (const auto& a : room->attendees) {
                json sessions = json::array();
                for (const auto& earlier : a.earlier_sessions) sessions.push_back(earlier);
                if (!a.session_id.empty()) sessions.push_back(a.session_id);
                list.push_back({{"roomToken", room->token},
                                {"inCall", a.in_call},
                                {"lastPing", a.last_ping},
                                {"sessionIds", sessions},
                                {"participantType", a.participant_type},
                                {"attendeeId", a.id},
                                {"actorId", a.actor},
                                {"actorType", a.type},
                                {"displayName", a.type == "users" ? display_name(w, a.actor) : a.actor},
                                {"permissions", a.participant_type == 1 ? 254 : 246},
                                {"attendeePermissions", 0},
                                {"attendeePin", ""}});
            }
            return ocs_reply(req, 200, "OK", list);
        }
        if (tail == "/participants" && req.method == "POST") {
            // RoomController::addParticipantToRoom is #[RequireModeratorParticipant]: anyone
            // else is refused with 403 by the middleware (NotAModeratorException).
            const talk_attendee* me = attendee_of(*room, who.id);
            if (!me || (me->participant_type != 1 && me->participant_type != 2))
                return ocs_reply(req, 403, "", json::array());
            const std::string source = param("source", "users");
            const std::string id = param("newParticipant");
            if (source == "groups") {
                talk_attendee g;
                g.id = w.talk.next_attendee_id++;
                g.type = "groups";
                g.actor = id;
                g.last_read = last_message_id(w, *room);
                room->attendees.push_back(g);
                post(w, *room, who.id, "group_added", id);
                for (const auto& member : w.group_members(id)) add_user(w, *room, who.id, member);
            } else {
                if (!w.find_user(id)) return ocs_reply(req, 404, "", json::array());
                add_user(w, *room, who.id, id);
            }
            return ocs_reply(req, 200, "OK", json::array());
        }
        return not_found(req);
    }
    if (route.starts_with(v4_call)) {
        talk_room* room = find_room(w, route.substr(v4_call.size()));
        if (!room || !can_see(w, *room, who.id)) return not_found(req);
        if (req.method == "GET") {
            // The peers in the call now (30f), by user id.
            std::vector<const talk_attendee*> peers;
            for (const auto& a : room->attendees)
                if (a.in_call) peers.push_back(&a);
            std::sort(peers.begin(), peers.end(), [](auto* a, auto* b) { return a->actor < b->actor; });
            json list = json::array();
            for (const auto* a : peers)
                list.push_back({{"actorType", a->type},
                                {"actorId", a->actor},
                                {"displayName", display_name(w, a->actor)},
                                {"token", room->token},
                                {"lastPing", a->last_ping},
                                {"sessionId", a->session_id}});
            return ocs_reply(req, 200, "OK", list);
        }
        talk_attendee* me = attendee_of(*room, who.id);
        // Joining a call takes a session in the conversation first (30a, 30b).
        if (!me || me->session_id.empty()) return not_found(req);
        if (req.method == "POST") {
            const int flags = std::stoi(param("flags", "7"));
            if (!me->in_call) {
                const bool starts = room->call_start == 0;
                if (starts) room->call_start = w.now();
                post(w, *room, who.id, starts ? "call_started" : "call_joined");
                if (std::find(room->in_this_call.begin(), room->in_this_call.end(), who.id) == room->in_this_call.end())
                    room->in_this_call.push_back(who.id);
            }
            me->in_call = flags;
            room->call_flag |= flags;
            me->last_ping = w.now();
            return ocs_reply(req, 200, "OK", json::array());
        }
        if (req.method == "DELETE") {
            // A moderator may end the call for everyone (`all=true`, Talk's
            // CallController::leaveCall): one call_ended_everyone, no call_left.
            if (param("all") == "true" && room->call_start != 0 &&
                (me->participant_type == 1 || me->participant_type == 2)) {
                end_for_everyone(w, *room, *me);
                return ocs_reply(req, 200, "OK", json::array());
            }
            if (me->in_call) leave_call(w, *room, *me);
            return ocs_reply(req, 200, "OK", json::array());
        }
        return not_found(req);
    }
    if (route.starts_with(v1_chat)) {
        const std::string token = route.substr(v1_chat.size());
        talk_room* room = find_room(w, token);
        if (!room || !can_see(w, *room, who.id)) return not_found(req);
        talk_attendee* me = attendee_of(*room, who.id);
        if (req.method == "POST") {
            const std::string text = param("message");
            if (text.size() > max_message_length) {
                auto res = ocs_reply(req, 413, "", json::array());
                res.close = true;
                return res;
            }
            auto& m = post(w, *room, who.id, "");
            apply_mentions(w, m, text);
            m.reference_id = param("referenceId");
            m.silent = param("silent") == "true";
            if (auto reply_to = param("replyTo"); !reply_to.empty()) m.parent = std::stoi(reply_to);
            if (me) me->last_read = m.id;
            const talk_message stored = m;
            auto res = ocs_reply(req, 201, "OK", message_json(w, stored, who.id));
            res.set("X-Chat-Last-Common-Read", std::to_string(last_common_read(w, *room)));
            return res;
        }
        const bool future = query("lookIntoFuture", "0") == "1";
        const std::size_t limit = std::stoul(query("limit", "100"));
        const bool set_marker = query("setReadMarker", "1") == "1";
        const int known = std::stoi(query("lastKnownMessageId", "0"));
        std::vector<const talk_message*> selected;
        if (future) {
            for (const auto& m : w.talk.messages)
                if (m.token == token && m.id > known && selected.size() < limit) selected.push_back(&m);
            if (set_marker && me) me->last_read = std::max(me->last_read, known);
            if (selected.empty()) {
                // Talk holds the request up to `timeout` seconds first; the simulator answers at once.
                sim_response res;
                res.status = 304;
                return res;
            }
        } else {
            for (auto it = w.talk.messages.rbegin(); it != w.talk.messages.rend(); ++it)
                if (it->token == token && (known == 0 || it->id < known) && selected.size() < limit)
                    selected.push_back(&*it);
        }
        json list = json::array();
        for (const talk_message* m : selected) list.push_back(message_json(w, *m, who.id));
        if (set_marker && me && future && !selected.empty())
            me->last_read = std::max(me->last_read, selected.back()->id);
        if (set_marker && me && !future) {
            // Reading the history marks the newest comment read, not system messages:
            // alice's read of 15d moves her marker (15g), the service account's read of
            // a chat of only call messages leaves its marker where it was (30j, 30k).
            for (const talk_message* m : selected)
                if (m->system.empty()) {
                    me->last_read = std::max(me->last_read, m->id);
                    break;
                }
        }
        auto res = ocs_reply(req, 200, "OK", list);
        res.set("X-Chat-Last-Given", std::to_string(selected.back()->id));
        res.set("X-Chat-Last-Common-Read", std::to_string(last_common_read(w, *room)));
        return res;
    }
    if (route.starts_with(v1_reaction)) {
        std::string rest = route.substr(v1_reaction.size());
        auto slash = rest.find('/');
        talk_room* room = find_room(w, rest.substr(0, slash));
        if (!room || !can_see(w, *room, who.id) || slash == std::string::npos) return not_found(req);
        talk_message* m = find_message(w, std::atoi(rest.substr(slash + 1).c_str()));
        if (!m || m->token != room->token) return not_found(req);
        if (req.method == "POST") {
            const std::string emoji = param("reaction");
            const int target = m->id;
            m->reactions[emoji].push_back({who.id, w.now()});
            auto& system = post(w, *room, who.id, "reaction");
            system.text = emoji;
            system.parent = target;
            return ocs_reply(req, 201, "OK", reactions_json(w, *find_message(w, target)));
        }
        return ocs_reply(req, 200, "OK", reactions_json(w, *m));
    }
    return not_found(req);
}

}  // namespace prereadd::sim::detail
