// admin_audit line classification (see audit_line.hpp). The log carries a line
// for every login of every request, the daemon's own included, so the common
// case must be cheap: a substring test rejects it before JSON is parsed.
#include "daemon/audit_line.hpp"

#include "http/timestamp.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace prereadd::daemon {
namespace {

// "File accessed: \"/Alpha/agenda.md\"" -> /Alpha/agenda.md (the message is JSON-decoded already).
std::optional<std::string> quoted_after(std::string_view message, std::string_view prefix)
{
    if (!message.starts_with(prefix)) return std::nullopt;
    message.remove_prefix(prefix.size());
    if (message.size() < 2 || message.front() != '"' || message.back() != '"') return std::nullopt;
    return std::string(message.substr(1, message.size() - 2));
}

}  // namespace

bool is_sync_client(std::string_view agent)
{
    for (std::string_view marker : {"mirall/", "Nextcloud-desktop", "csyncoC", "rclone/", "davfs2/"})
        if (agent.find(marker) != std::string_view::npos) return true;
    return false;
}

std::optional<file_access> read_audit_line(std::string_view line)
{
    // Cheap refusal: only three messages matter.
    const bool accessed = line.find("\"message\":\"File accessed: ") != std::string_view::npos ||
                          (line.find("\"message\":\"File with id ") != std::string_view::npos &&
                           line.find(" accessed: ") != std::string_view::npos);
    const bool preview = line.find("\"message\":\"Preview accessed: ") != std::string_view::npos;
    if (!accessed && !preview) return std::nullopt;
    if (line.find("\"user\":\"--\"") != std::string_view::npos) return std::nullopt;  // anonymous public link

    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    auto field = [&](const char* key) {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    file_access a;
    a.user = field("user");
    if (a.user.empty() || a.user == "--") return std::nullopt;
    a.request_id = field("reqId");
    a.url = field("url");
    const std::string message = field("message");
    const std::string agent = field("userAgent");

    if (message.starts_with("Preview accessed: ")) {
        a.kind = access_kind::preview;
        // Newer: Preview accessed: (id: "14", width: ..., path: "/Projects/Alpha/agenda.md")
        if (auto id_at = message.find("(id: \""); id_at != std::string::npos) {
            std::int64_t id = 0;
            auto start = message.data() + id_at + 6;
            auto [end, ec] = std::from_chars(start, message.data() + message.size(), id);
            if (ec == std::errc() && *end == '"') a.file_id = id;
            if (auto path_at = message.rfind("path: \""); path_at != std::string::npos && message.ends_with("\")"))
                a.path = message.substr(path_at + 7, message.size() - path_at - 9);
        }
    } else if (auto path = quoted_after(message, "File accessed: ")) {
        a.path = *path;
    } else if (message.starts_with("File with id \"")) {
        // File with id "14" accessed: "/Projects/Alpha/agenda.md"
        std::int64_t id = 0;
        auto start = message.data() + 14;
        auto [end, ec] = std::from_chars(start, message.data() + message.size(), id);
        if (ec != std::errc() || *end != '"') return std::nullopt;
        auto rest = std::string_view(message).substr(static_cast<std::size_t>(end - message.data()) + 1);
        auto p = quoted_after(rest, " accessed: ");
        if (!p) return std::nullopt;
        a.file_id = id;
        a.path = *p;
    } else {
        return std::nullopt;
    }
    if (a.kind != access_kind::preview) {
        // The File accessed line a preview request writes after serving it is no read.
        if (a.url.starts_with("/index.php/core/preview") || a.url.starts_with("/ocs/v2.php/core/preview"))
            a.kind = access_kind::preview;
        else if (is_sync_client(agent))
            a.kind = access_kind::synced;
        else
            a.kind = access_kind::opened;
    }
    a.time = http::parse_iso8601_timestamp(field("time"));
    return a;
}

}  // namespace prereadd::daemon
