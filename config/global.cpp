// The global file: Nextcloud, its credential, the state directory, the
// audit log, the poll interval, metrics (see docs/configuration.md).
#include "config/loaders.hpp"

#include "config/checks.hpp"

#include <boost/asio/ip/address.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace prereadd::config::detail {
namespace {

namespace fs = std::filesystem;

// A credential in a file of its own (the app password, the Moodle token):
// relative to $CREDENTIALS_DIRECTORY when systemd gives one, readable by its
// owner only, one line.
std::optional<http::secret> load_secret_file(const std::string& field, const std::string& configured,
                                             const fs::path& config_directory, const environment& env, const char* what,
                                             fs::path& resolved, error_sink& sink)
{
    fs::path path(configured);
    if (path.is_relative())
        path = resolve_against(env.credentials_directory ? *env.credentials_directory : config_directory, path);
    resolved = path;

    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        sink.add(field, "cannot use " + path.string() + ": " + std::strerror(errno));
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        sink.add(field, path.string() + " is not a regular file");
        return std::nullopt;
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        sink.add(field, path.string() + " has mode " + mode + ": the " + what +
                            " must be readable by its owner only (chmod 600 " + path.string() + ")");
        return std::nullopt;
    }
    std::string why;
    auto content = read_text_file(path, why);
    if (!content) {
        sink.add(field, why);
        return std::nullopt;
    }
    while (!content->empty() && (content->back() == '\n' || content->back() == '\r')) content->pop_back();
    if (content->empty()) {
        sink.add(field, path.string() + " is empty");
        return std::nullopt;
    }
    if (content->find_first_of("\r\n") != std::string::npos) {
        sink.add(field, path.string() + " must hold the " + std::string(what) + " on a single line");
        return std::nullopt;
    }
    return http::secret(std::move(*content));
}

// A site's base URL: https, or plain http to a loopback address only (a
// credential would otherwise cross the network unencrypted).
std::optional<http::url> load_base_url(object_reader& r, const char* credential, error_sink& sink)
{
    auto url = r.string("url", true);
    if (!url) return std::nullopt;
    auto parsed = http::parse_url(*url);
    if (!parsed) {
        sink.add(r.field("url"), parsed.error().detail);
    } else if (parsed->target.find_first_of("?#") != std::string::npos) {
        sink.add(r.field("url"), "must not have a query or fragment: " + in_quotes(*url));
    } else if (!parsed->origin.tls && !is_loopback_host(parsed->origin.host)) {
        sink.add(r.field("url"), std::string("plain http is only allowed to a loopback address (the ") + credential +
                                     " would cross the network unencrypted); use https: " + in_quotes(*url));
    } else {
        while (parsed->target.size() > 1 && parsed->target.back() == '/') parsed->target.pop_back();
        if (parsed->target == "/") parsed->target.clear();
        return std::move(*parsed);
    }
    return std::nullopt;
}

void load_nextcloud(object_reader& r, const fs::path& config_directory, const environment& env, nextcloud_config& out,
                    error_sink& sink)
{
    if (auto base = load_base_url(r, "app password", sink)) {
        out.url = *r.string("url", true);
        out.base = std::move(*base);
    }
    if (auto user = r.string("user", true)) {
        if (!valid_principal(*user))
            sink.add(r.field("user"), in_quotes(*user) + " is not a Nextcloud user id");
        else
            out.user = *user;
    }
    if (auto file = r.string("app_password_file", true))
        if (auto secret = load_secret_file(r.field("app_password_file"), *file, config_directory, env, "app password",
                                           out.app_password_file, sink))
            out.app_password = std::move(*secret);
    if (auto ca = r.string("ca_file", false)) {
        fs::path path = resolve_against(config_directory, *ca);
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            sink.add(r.field("ca_file"), path.string() + " does not exist or is not a file");
        else
            out.ca_file = path;
    }
    if (auto n = r.integer("max_connections", false, 1, 64)) out.max_connections = static_cast<std::size_t>(*n);
    if (auto t = r.duration("request_timeout", false, std::chrono::seconds(1), std::chrono::seconds(600)))
        out.request_timeout = *t;
}

// "moodle": {"url", "token_file", "max_connections", "request_timeout", "refresh_every"}.
void load_moodle(object_reader& r, const fs::path& config_directory, const environment& env, moodle_site_config& out,
                 error_sink& sink)
{
    if (auto base = load_base_url(r, "Moodle token", sink)) {
        out.url = *r.string("url", true);
        out.base = std::move(*base);
    }
    if (auto file = r.string("token_file", true))
        if (auto secret = load_secret_file(r.field("token_file"), *file, config_directory, env, "Moodle token",
                                           out.token_file, sink))
            out.token = std::move(*secret);
    if (auto n = r.integer("max_connections", false, 1, 64)) out.max_connections = static_cast<std::size_t>(*n);
    if (auto t = r.duration("request_timeout", false, std::chrono::seconds(1), std::chrono::seconds(600)))
        out.request_timeout = *t;
    if (auto n = r.integer("refresh_every", false, 1, 1000)) out.refresh_every = static_cast<unsigned>(*n);
}

void load_metrics(object_reader& r, metrics_config& out, error_sink& sink)
{
    if (auto e = r.boolean("enabled")) out.enabled = *e;
    if (auto a = r.boolean("allow_non_loopback")) out.allow_non_loopback = *a;
    if (auto listen = r.string("listen", false)) {
        auto colon = listen->rfind(':');
        std::string host = colon == std::string::npos ? std::string() : listen->substr(0, colon);
        std::string port = colon == std::string::npos ? std::string() : listen->substr(colon + 1);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        boost::system::error_code ec;
        auto address = boost::asio::ip::make_address(host, ec);
        unsigned port_number = 0;
        auto [end, pec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
        if (ec || pec != std::errc() || end != port.data() + port.size() || port_number > 65535) {
            sink.add(r.field("listen"),
                     in_quotes(*listen) + " is not an IP address and port such as \"127.0.0.1:9864\"");
        } else if (!address.is_loopback() && !out.allow_non_loopback) {
            sink.add(r.field("listen"), in_quotes(*listen) +
                                            " is not a loopback address; metrics stay on loopback "
                                            "unless \"allow_non_loopback\": true is set");
        } else {
            out.address = address.to_string();
            out.port = static_cast<std::uint16_t>(port_number);
        }
    }
}

bool absolute_path(std::string_view p) { return fs::path(p).is_absolute(); }

std::vector<fs::path> normal_paths(const std::vector<std::string>& paths)
{
    std::vector<fs::path> out;
    for (const auto& p : paths) out.push_back(fs::path(p).lexically_normal());
    return out;
}

// "audit_log": "/path" (one file), ["/node1/audit.log", "/node2/audit.log"],
// or {"type": "file" | "syslog" | "systemd", "files": [...], "tag": "Nextcloud",
// "journal_directory": "/path", "journal_files": [...]}.
void load_audit(object_reader& r, const json& value, global_config& g, error_sink& sink)
{
    audit_config a;
    if (value.is_string()) {
        if (auto path = r.string("audit_log", false)) {
            if (!absolute_path(*path)) {
                sink.add("audit_log", "must be an absolute path, not " + in_quotes(*path));
                return;
            }
            a.files.push_back(fs::path(*path).lexically_normal());
        }
    } else if (value.is_array()) {
        a.files = normal_paths(r.strings("audit_log", absolute_path, "an absolute path"));
        if (value.empty()) sink.add("audit_log", "lists no file");
    } else if (value.is_object()) {
        object_reader ar(value, "audit_log", sink, {"type", "files", "tag", "journal_directory", "journal_files"});
        const auto type = ar.string("type", false).value_or("file");
        if (type == "file" || type == "syslog")
            a.type = type == "file" ? audit_config::kind::file : audit_config::kind::syslog;
        else if (type == "systemd")
            a.type = audit_config::kind::systemd;
        else
            sink.add(ar.field("type"),
                     in_quotes(type) + " is not \"file\", \"syslog\" or \"systemd\" " + "(Nextcloud's log_type_audit)");
        a.files = normal_paths(ar.strings("files", absolute_path, "an absolute path"));
        if (auto tag = ar.string("tag", false)) a.tag = *tag;
        a.journal_files = normal_paths(ar.strings("journal_files", absolute_path, "an absolute path"));
        if (auto dir = ar.string("journal_directory", false)) {
            if (absolute_path(*dir))
                a.journal_directory = fs::path(*dir).lexically_normal();
            else
                sink.add(ar.field("journal_directory"), "must be an absolute path, not " + in_quotes(*dir));
        }
        if (a.type != audit_config::kind::systemd && a.files.empty())
            sink.add(ar.field("files"), "is needed for the " + type + " type: the audit log file(s) to read");
        if (a.type == audit_config::kind::systemd && !a.files.empty())
            sink.add(ar.field("files"),
                     "is for the file and syslog types; the journal is read through "
                     "journal_directory or journal_files, or the local journal without them");
    } else {
        sink.add("audit_log", std::string("must be a path, an array of paths or an object, not ") + value.type_name());
        return;
    }
    g.audit_log = std::move(a);
}

// "database": "postgresql://…" or {"url", "password_file", "lease_time", "node"}.
void load_database(const json& value, const fs::path& config_directory, const environment& env, global_config& g,
                   error_sink& sink)
{
    database_config d;
    std::optional<std::string> password_file;
    std::string field = "database";
    if (value.is_string()) {
        d.uri = value.get<std::string>();
    } else if (value.is_object()) {
        object_reader dr(value, "database", sink, {"url", "password_file", "lease_time", "node"});
        if (!dr.valid()) return;
        d.uri = dr.string("url", true).value_or("");
        field = dr.field("url");
        password_file = dr.string("password_file", false);
        if (auto t = dr.duration("lease_time", false, std::chrono::seconds(10), std::chrono::hours(1)))
            d.lease_time = *t;
        if (auto node = dr.string("node", false)) d.node = *node;
        if (password_file)
            if (auto secret = load_secret_file(dr.field("password_file"), *password_file, config_directory, env,
                                               "database password", d.password_file, sink))
                d.password = std::move(*secret);
    } else {
        sink.add("database", std::string("must be a postgresql:// URI or an object, not ") + value.type_name());
        return;
    }
    if (d.uri.empty()) return;  // reported by the reader
    if (!d.uri.starts_with("postgresql://") && !d.uri.starts_with("postgres://")) {
        // Not repeated: a mistaken URI may hold a password.
        sink.add(field, "is not a postgresql:// URI (leave \"database\" out for SQLite in the state directory)");
        return;
    }
    // A password in the URI would be in a world-readable configuration file and in `check-config`'s output.
    const auto authority = d.uri.substr(d.uri.find("://") + 3);
    const auto at = authority.find('@');
    if ((at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos) ||
        d.uri.find("password=") != std::string::npos) {
        sink.add(field, "holds a password: put it in a file of its own and name it in database.password_file");
        return;
    }
    if (d.node.empty()) {
        char host[256] = {};
        if (::gethostname(host, sizeof host - 1) == 0) d.node = host;
        if (d.node.empty()) d.node = "prereadd";
    }
    g.database = std::move(d);
}

}  // namespace

std::optional<global_config> load_global(const fs::path& file, const environment& env, error_sink& sink)
{
    auto document = parse_json_file(file, sink);
    if (!document) return std::nullopt;
    global_config g;
    g.file = file;
    const fs::path directory = file.parent_path();
    object_reader r(*document, "", sink,
                    {"nextcloud", "state_directory", "database", "audit_log", "poll_interval", "projects_directory",
                     "metrics", "moodle", "language"});
    if (!r.valid()) return std::nullopt;

    if (const json* nc = r.get("nextcloud", true)) {
        object_reader n(*nc, "nextcloud", sink,
                        {"url", "user", "app_password_file", "ca_file", "max_connections", "request_timeout"});
        load_nextcloud(n, directory, env, g.nextcloud, sink);
    }
    if (const json* m = r.get("moodle", false)) {
        object_reader mr(*m, "moodle", sink,
                         {"url", "token_file", "max_connections", "request_timeout", "refresh_every"});
        // Any problem fails the whole load, so a half-read site is never used.
        if (mr.valid()) load_moodle(mr, directory, env, g.moodle.emplace(), sink);
    }
    if (auto dir = r.string("state_directory", false)) {
        if (!fs::path(*dir).is_absolute())
            sink.add("state_directory", "must be an absolute path, not " + in_quotes(*dir));
        else
            g.state_directory = fs::path(*dir).lexically_normal();
    }
    if (const json* db = r.get("database", false); db && !db->is_null()) load_database(*db, directory, env, g, sink);
    if (const json* audit = r.get("audit_log", false); audit && !audit->is_null()) load_audit(r, *audit, g, sink);
    if (auto p = r.duration("poll_interval", false, std::chrono::seconds(10), std::chrono::hours(24)))
        g.poll_interval = *p;
    g.projects_directory = resolve_against(directory, r.string("projects_directory", false).value_or("projects.d"));
    if (const json* m = r.get("metrics", false)) {
        object_reader mr(*m, "metrics", sink, {"enabled", "listen", "allow_non_loopback"});
        load_metrics(mr, g.metrics, sink);
    }
    if (auto language = r.string("language", false)) g.language = checked_language(*language, "language", sink);
    return g;
}

}  // namespace prereadd::config::detail
