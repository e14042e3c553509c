// Parsers of the Moodle answers (see answers.hpp). Moodle mixes ints and
// booleans for flags and sometimes sends numbers as strings (Findings, "Types
// and shapes"): the helpers below accept each form a recording shows.
#include "moodle/answers.hpp"

#include <charconv>

namespace prereadd::moodle {

std::string decode_html_text(std::string_view html)
{
    static const std::pair<std::string_view, std::string_view> named[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\u00a0"}};
    std::string out;
    out.reserve(html.size());
    for (std::size_t at = 0; at < html.size();) {
        const auto semicolon = html[at] == '&' ? html.find(';', at) : std::string_view::npos;
        if (semicolon == std::string_view::npos || semicolon - at > 10) {
            out += html[at++];
            continue;
        }
        const auto name = html.substr(at + 1, semicolon - at - 1);
        std::optional<char32_t> code;
        if (name.size() > 1 && name[0] == '#') {
            const bool hex = name[1] == 'x' || name[1] == 'X';
            std::uint32_t value = 0;
            const auto digits = name.substr(hex ? 2 : 1);
            auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
            // No control characters, surrogates or values past Unicode: those stay as written.
            if (ec == std::errc{} && end == digits.data() + digits.size() && !digits.empty() && value >= 0x20 &&
                value != 0x7f && (value < 0xd800 || value > 0xdfff) && value <= 0x10ffff)
                code = value;
        }
        std::string_view replacement;
        for (const auto& [n, r] : named)
            if (n == name) replacement = r;
        if (!code && replacement.empty()) {
            out += html[at++];  // not an entity Moodle writes: literal
            continue;
        }
        if (code) {
            const auto c = *code;
            if (c < 0x80) {
                out += static_cast<char>(c);
            } else if (c < 0x800) {
                out += static_cast<char>(0xc0 | (c >> 6));
                out += static_cast<char>(0x80 | (c & 0x3f));
            } else if (c < 0x10000) {
                out += static_cast<char>(0xe0 | (c >> 12));
                out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
                out += static_cast<char>(0x80 | (c & 0x3f));
            } else {
                out += static_cast<char>(0xf0 | (c >> 18));
                out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
                out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
                out += static_cast<char>(0x80 | (c & 0x3f));
            }
        } else {
            out += replacement;
        }
        at = semicolon + 1;
    }
    return out;
}

namespace {

using json = nlohmann::json;

std::optional<std::int64_t> integer(const json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<std::int64_t>();
    if (it->is_string()) {
        const auto& s = it->get_ref<const std::string&>();
        std::int64_t value = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (ec == std::errc{} && end == s.data() + s.size()) return value;
    }
    return std::nullopt;
}

std::int64_t integer_or(const json& object, const char* key, std::int64_t fallback)
{
    return integer(object, key).value_or(fallback);
}

std::string text(const json& object, const char* key)
{
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A name Moodle ran through format_string (course, section, module, group):
// HTML-escaped there, decoded here, once, so each channel escapes it once.
std::string formatted(const json& object, const char* key) { return decode_html_text(text(object, key)); }

bool flag(const json& object, const char* key, bool fallback)
{
    auto it = object.find(key);
    if (it == object.end()) return fallback;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_number_integer()) return it->get<std::int64_t>() != 0;
    return fallback;
}

enum tracking tracking_of(std::int64_t value)
{
    if (value == 1) return tracking::manual;
    if (value == 2) return tracking::automatic;
    return tracking::none;
}

boost::system::error_code unexpected() { return make_error_code(error::unexpected_data); }

const json* list_member(const json& answer, const char* key)
{
    if (!answer.is_object()) return nullptr;
    auto it = answer.find(key);
    return it != answer.end() && it->is_array() ? &*it : nullptr;
}

bool has_view_rule(const json& completiondata)
{
    auto details = completiondata.find("details");
    if (details == completiondata.end() || !details->is_array()) return false;
    for (const auto& rule : *details)
        if (rule.is_object() && text(rule, "rulename") == "completionview") return true;
    return false;
}

}  // namespace

http::outcome<json> read_answer(std::string_view body, std::string_view content_type, std::string_view function)
{
    const auto first = body.find_first_not_of(" \t\r\n");
    if (content_type.starts_with("application/xml") || content_type.starts_with("text/xml") ||
        (first != std::string_view::npos && body[first] == '<'))
        return http::failure{error::xml_answer, std::string(function) +
                                                    ": the answer is XML; requests must ask for "
                                                    "moodlewsrestformat=json"};
    auto parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded()) return http::failure{error::malformed_json, std::string(function)};
    if (auto e = exception_of(parsed)) return failure_of(*e, function);
    return parsed;
}

boost::system::result<site_info> parse_site_info(const json& answer)
{
    auto userid = answer.is_object() ? integer(answer, "userid") : std::nullopt;
    if (!userid) return unexpected();
    site_info info;
    info.userid = *userid;
    info.sitename = text(answer, "sitename");
    info.username = text(answer, "username");
    info.siteurl = text(answer, "siteurl");
    info.release = text(answer, "release");
    info.version = text(answer, "version");
    if (const json* functions = list_member(answer, "functions"))
        for (const auto& f : *functions)
            if (f.is_object()) info.functions.insert(text(f, "name"));
    return info;
}

boost::system::result<std::vector<course>> parse_courses(const json& answer)
{
    const json* courses = list_member(answer, "courses");
    if (!courses) return unexpected();
    std::vector<course> out;
    for (const auto& c : *courses) {
        auto id = c.is_object() ? integer(c, "id") : std::nullopt;
        if (!id) return unexpected();
        out.push_back({*id, formatted(c, "shortname"), formatted(c, "fullname"), flag(c, "enablecompletion", false)});
    }
    return out;
}

boost::system::result<std::vector<section>> parse_contents(const json& answer)
{
    if (!answer.is_array()) return unexpected();
    std::vector<section> out;
    for (const auto& s : answer) {
        auto id = s.is_object() ? integer(s, "id") : std::nullopt;
        if (!id) return unexpected();
        section sec;
        sec.id = *id;
        sec.number = static_cast<int>(integer_or(s, "section", 0));
        sec.name = formatted(s, "name");
        sec.visible = flag(s, "visible", true) && flag(s, "uservisible", true);
        if (auto modules = s.find("modules"); modules != s.end() && modules->is_array()) {
            for (const auto& m : *modules) {
                auto cmid = m.is_object() ? integer(m, "id") : std::nullopt;
                if (!cmid) return unexpected();
                module mod;
                mod.cmid = *cmid;
                mod.name = formatted(m, "name");
                mod.modname = text(m, "modname");
                mod.url = text(m, "url");
                mod.visible = flag(m, "visible", true) && flag(m, "uservisible", true);
                mod.tracking = tracking_of(integer_or(m, "completion", 0));
                if (auto data = m.find("completiondata"); data != m.end() && data->is_object())
                    mod.completes_on_view = mod.tracking == tracking::automatic && has_view_rule(*data);
                sec.modules.push_back(std::move(mod));
            }
        }
        out.push_back(std::move(sec));
    }
    return out;
}

boost::system::result<std::vector<enrolled_user>> parse_enrolled_users(const json& answer)
{
    if (!answer.is_array()) return unexpected();
    std::vector<enrolled_user> out;
    for (const auto& u : answer) {
        auto id = u.is_object() ? integer(u, "id") : std::nullopt;
        if (!id) return unexpected();
        enrolled_user user;
        user.id = *id;
        user.username = text(u, "username");
        user.fullname = text(u, "fullname");
        user.email = text(u, "email");
        if (auto roles = u.find("roles"); roles != u.end() && roles->is_array())
            for (const auto& r : *roles)
                if (r.is_object()) user.roles.push_back(text(r, "shortname"));
        if (auto groups = u.find("groups"); groups != u.end() && groups->is_array())
            for (const auto& g : *groups)
                if (auto gid = g.is_object() ? integer(g, "id") : std::nullopt) user.groups.push_back(*gid);
        out.push_back(std::move(user));
    }
    return out;
}

boost::system::result<std::vector<group>> parse_groups(const json& answer)
{
    if (!answer.is_array()) return unexpected();
    std::vector<group> out;
    for (const auto& g : answer) {
        auto id = g.is_object() ? integer(g, "id") : std::nullopt;
        if (!id) return unexpected();
        out.push_back({*id, formatted(g, "name"), text(g, "idnumber")});
    }
    return out;
}

boost::system::result<std::vector<std::int64_t>> parse_group_members(const json& answer, std::int64_t group)
{
    if (!answer.is_array()) return unexpected();
    std::vector<std::int64_t> out;
    for (const auto& entry : answer) {
        if (!entry.is_object() || integer(entry, "groupid") != group) continue;
        const json* ids = list_member(entry, "userids");
        if (!ids) return unexpected();
        for (const auto& id : *ids)
            if (id.is_number_integer()) out.push_back(id.get<std::int64_t>());
    }
    return out;
}

boost::system::result<std::vector<completion_status>> parse_completion(const json& answer)
{
    const json* statuses = list_member(answer, "statuses");
    if (!statuses) return unexpected();
    std::vector<completion_status> out;
    for (const auto& s : *statuses) {
        auto cmid = s.is_object() ? integer(s, "cmid") : std::nullopt;
        if (!cmid) return unexpected();
        completion_status status;
        status.cmid = *cmid;
        status.modname = text(s, "modname");
        status.state = static_cast<int>(integer_or(s, "state", 0));
        status.timecompleted = integer_or(s, "timecompleted", 0);
        status.tracking = tracking_of(integer_or(s, "tracking", 0));
        status.tracked_user = flag(s, "istrackeduser", true);
        out.push_back(std::move(status));
    }
    return out;
}

boost::system::result<std::vector<sent_message>> parse_sent_messages(const json& answer)
{
    if (!answer.is_array()) return unexpected();
    std::vector<sent_message> out;
    for (const auto& m : answer) {
        auto msgid = m.is_object() ? integer(m, "msgid") : std::nullopt;
        if (!msgid) return unexpected();
        sent_message sent;
        sent.msgid = *msgid;
        sent.clientmsgid = text(m, "clientmsgid");
        sent.errormessage = text(m, "errormessage");
        sent.timecreated = integer_or(m, "timecreated", 0);
        sent.conversationid = integer_or(m, "conversationid", 0);
        out.push_back(std::move(sent));
    }
    return out;
}

boost::system::result<std::vector<received_message>> parse_messages(const json& answer)
{
    const json* messages = list_member(answer, "messages");
    if (!messages) return unexpected();
    std::vector<received_message> out;
    for (const auto& m : *messages) {
        auto id = m.is_object() ? integer(m, "id") : std::nullopt;
        if (!id) return unexpected();
        out.push_back({*id, integer_or(m, "useridfrom", 0), integer_or(m, "useridto", 0), text(m, "text"),
                       text(m, "fullmessage"), text(m, "fullmessagehtml"), integer_or(m, "timecreated", 0)});
    }
    return out;
}

}  // namespace prereadd::moodle
