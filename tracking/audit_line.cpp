// admin_audit line classification (see audit_line.hpp). The log carries a line
// for every login of every request, the daemon's own included, so the common
// case must be cheap: a substring test rejects it before JSON is parsed, and
// a read is first only glanced at (user and file), parsed whole only when it
// turns out to be of a pre-read.
#include "tracking/audit_line.hpp"

#include "http/timestamp.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace prereadd::tracking {
namespace {

// "File accessed: \"/Alpha/agenda.md\"" -> /Alpha/agenda.md (the message is JSON-decoded already).
std::optional<std::string> quoted_after(std::string_view message, std::string_view prefix)
{
    if (!message.starts_with(prefix)) return std::nullopt;
    message.remove_prefix(prefix.size());
    if (message.size() < 2 || message.front() != '"' || message.back() != '"') return std::nullopt;
    return std::string(message.substr(1, message.size() - 2));
}

// The top-level string fields a line is read for, taken by a SAX pass: most
// lines about files are about files outside every project, and building a
// JSON tree for each of them was most of the cost of ingesting the log.
struct audit_fields {
    std::string user, request_id, url, message, user_agent, time;
    bool object = false;  // the line is a JSON object

    bool key(std::string& k)
    {
        target_ = nullptr;
        if (depth_ != 1) return true;
        if (k == "user")
            target_ = &user;
        else if (k == "reqId")
            target_ = &request_id;
        else if (k == "url")
            target_ = &url;
        else if (k == "message")
            target_ = &message;
        else if (k == "userAgent")
            target_ = &user_agent;
        else if (k == "time")
            target_ = &time;
        return true;
    }
    bool string(std::string& v)
    {
        if (depth_ == 1 && target_) *target_ = std::move(v);
        target_ = nullptr;
        return true;
    }
    bool start_object(std::size_t)
    {
        if (depth_ == 0) object = true;
        ++depth_;
        target_ = nullptr;
        return true;
    }
    bool start_array(std::size_t)
    {
        ++depth_;
        target_ = nullptr;
        return true;
    }
    bool end_object() { return --depth_, true; }
    bool end_array() { return --depth_, true; }
    bool null() { return target_ = nullptr, true; }
    bool boolean(bool) { return target_ = nullptr, true; }
    bool number_integer(std::int64_t) { return target_ = nullptr, true; }
    bool number_unsigned(std::uint64_t) { return target_ = nullptr, true; }
    bool number_float(double, const std::string&) { return target_ = nullptr, true; }
    bool binary(nlohmann::json::binary_t&) { return target_ = nullptr, true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) { return false; }

private:
    int depth_ = 0;
    std::string* target_ = nullptr;
};

}  // namespace

bool is_sync_client(std::string_view agent)
{
    for (std::string_view marker : {"mirall/", "Nextcloud-desktop", "csyncoC", "rclone/", "davfs2/"})
        if (agent.find(marker) != std::string_view::npos) return true;
    return false;
}

namespace {

// The cheap refusal: only three messages matter, and logins, writes and
// anonymous (public link) reads are most of a busy server's log.
bool about_a_read(std::string_view line)
{
    constexpr std::string_view key = "\"message\":\"";
    const auto at = line.find(key);
    if (at == std::string_view::npos) return false;
    const auto message = line.substr(at + key.size());
    const bool read = message.starts_with("File accessed: ") || message.starts_with("Preview accessed: ") ||
                      (message.starts_with("File with id ") && message.find(" accessed: ") != std::string_view::npos);
    return read && line.find("\"user\":\"--\"") == std::string_view::npos;
}

// "/bob/files/Alpha/agenda.md" -> "/Alpha/agenda.md" when the prefix is the reader's own.
bool strip_files_prefix(const std::string& user, std::string& path)
{
    const std::string prefix = "/" + user + "/files/";
    if (user.empty() || !path.starts_with(prefix)) return false;
    path.erase(0, prefix.size() - 1);
    return true;
}

// `File with id "14"` / `(id: "14"`: the id, nothing for "not-yet-assigned"
// (a node not in the file cache yet), false for anything else.
bool quoted_id(std::string_view text, std::optional<std::int64_t>& id, std::size_t& end_of_quote)
{
    constexpr std::string_view unassigned = "not-yet-assigned\"";
    if (text.starts_with(unassigned)) {
        end_of_quote = unassigned.size();
        return true;
    }
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data() + text.size() || *end != '"') return false;
    id = value;
    end_of_quote = static_cast<std::size_t>(end - text.data()) + 1;
    return true;
}

// The file named by the message, with the kind a message alone tells (a
// preview); false for any other message. Every form in use is in docs/opened.md.
bool read_message(const std::string& message, file_access& a)
{
    if (message.starts_with("Preview accessed: ")) {
        a.kind = access_kind::preview;
        // 30 and newer: Preview accessed: (id: "334", width: ..., path: "/alice/files/Alpha/agenda.md")
        if (auto id_at = message.find("(id: \""); id_at != std::string::npos) {
            std::size_t end = 0;
            std::optional<std::int64_t> id;
            if (quoted_id(std::string_view(message).substr(id_at + 6), id, end)) a.file_id = id;
            if (auto path_at = message.rfind("path: \""); path_at != std::string::npos && message.ends_with("\")"))
                a.path = message.substr(path_at + 7, message.size() - path_at - 9);
            if (!strip_files_prefix(a.user, a.path)) a.view = path_view::storage;
        }
        return true;
    }
    if (auto path = quoted_after(message, "File accessed: ")) {
        // 29: the reader's view; Nextcloud Office on 29: the absolute "/<reader>/files/..." path.
        a.path = *path;
        strip_files_prefix(a.user, a.path);
        return true;
    }
    constexpr std::string_view with_id = "File with id \"";
    if (message.starts_with(with_id)) {
        // File with id "334" accessed: "/bob/files/Alpha/agenda.md" (later 30.x and newer), or
        // File with id "14" accessed: "/Projects/Alpha/agenda.md" (early 30.0: storage-internal).
        const auto rest_of_message = std::string_view(message).substr(with_id.size());
        std::size_t end = 0;
        std::optional<std::int64_t> id;
        if (!quoted_id(rest_of_message, id, end)) return false;
        auto p = quoted_after(rest_of_message.substr(end), " accessed: ");
        if (!p) return false;
        a.file_id = id;
        a.path = *p;
        if (!strip_files_prefix(a.user, a.path)) a.view = path_view::storage;
        return true;
    }
    return false;
}

// A JSON string literal's value. The escapes Nextcloud's lines carry (\" and
// \/ in every message) are undone here; one with \u is left to the JSON
// parser, which knows UTF-16 surrogates.
std::optional<std::string> json_string_value(std::string_view literal)
{
    std::string out;
    out.reserve(literal.size());
    for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
        if (literal[i] != '\\') {
            out += literal[i];
            continue;
        }
        switch (literal[++i]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
            auto value = nlohmann::json::parse(literal, nullptr, false);
            if (!value.is_string()) return std::nullopt;
            return value.get<std::string>();
        }
        default: return std::nullopt;
        }
    }
    return out;
}

// A top-level string field found without parsing the line. In valid JSON
// every quote inside a string is escaped, so `"key":"` can only be a key and
// its value's end is the first unescaped quote; Nextcloud writes each key
// once, the nested "data" object last.
std::optional<std::string> glance_at_field(std::string_view line, std::string_view key_colon_quote)
{
    const auto at = line.find(key_colon_quote);
    if (at == std::string_view::npos) return std::nullopt;
    const std::size_t open = at + key_colon_quote.size() - 1;
    for (std::size_t i = open + 1; i < line.size(); ++i) {
        if (line[i] == '\\') {
            ++i;
            continue;
        }
        if (line[i] == '"') return json_string_value(line.substr(open, i - open + 1));
    }
    return std::nullopt;
}

}  // namespace

std::optional<file_access> read_audit_line(std::string_view line)
{
    if (!about_a_read(line)) return std::nullopt;
    audit_fields f;
    if (!nlohmann::json::sax_parse(line, &f) || !f.object) return std::nullopt;
    file_access a;
    a.user = std::move(f.user);
    if (a.user.empty() || a.user == "--") return std::nullopt;
    a.request_id = std::move(f.request_id);
    a.url = std::move(f.url);
    if (!read_message(f.message, a)) return std::nullopt;
    if (a.kind != access_kind::preview) {
        // The File accessed line a preview request writes after serving it is no read.
        if (a.url.starts_with("/index.php/core/preview") || a.url.starts_with("/ocs/v2.php/core/preview"))
            a.kind = access_kind::preview;
        else if (is_sync_client(f.user_agent))
            a.kind = access_kind::synced;
        else
            a.kind = access_kind::opened;
    }
    a.time = http::parse_iso8601_timestamp(f.time);
    return a;
}

std::optional<file_access> glance_at_audit_line(std::string_view line)
{
    if (!about_a_read(line)) return std::nullopt;
    auto user = glance_at_field(line, "\"user\":\"");
    auto message = glance_at_field(line, "\"message\":\"");
    if (!user || !message || user->empty() || *user == "--") return std::nullopt;
    file_access a;
    a.user = std::move(*user);
    if (!read_message(*message, a) || a.kind == access_kind::preview) return std::nullopt;
    a.request_id = glance_at_field(line, "\"reqId\":\"").value_or("");
    return a;
}

}  // namespace prereadd::tracking
