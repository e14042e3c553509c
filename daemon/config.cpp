// Loading and validating the configuration files (see config.hpp and
// docs/configuration.md). Every problem is collected, not just the first, so
// an admin fixes a file in one round.
#include "daemon/config.hpp"

#include "scheduler/time.hpp"

#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace prereadd::daemon {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

class error_sink {
public:
    error_sink(fs::path file, std::vector<config_error>& errors) : file_(std::move(file)), errors_(errors) {}

    void add(std::string field, std::string message)
    {
        errors_.push_back({file_, 0, 0, std::move(field), std::move(message)});
    }
    void add_at(unsigned line, unsigned column, std::string message)
    {
        errors_.push_back({file_, line, column, {}, std::move(message)});
    }
    const fs::path& file() const { return file_; }

private:
    fs::path file_;
    std::vector<config_error>& errors_;
};

std::string member(const std::string& base, std::string_view key)
{
    return base.empty() ? std::string(key) : base + '.' + std::string(key);
}

std::string element(const std::string& base, std::size_t i) { return base + '[' + std::to_string(i) + ']'; }

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string in_quotes(std::string_view s) { return '"' + std::string(s) + '"'; }

// Reads the members of one JSON object, remembering which keys were asked
// for so that everything else can be reported as unknown.
class object_reader {
public:
    object_reader(const json& value, std::string path, error_sink& sink, std::vector<std::string_view> keys)
        : value_(value), path_(std::move(path)), sink_(sink), keys_(std::move(keys))
    {
        valid_ = value_.is_object();
        if (!valid_)
            sink_.add(path_.empty() ? std::string("(top level)") : path_,
                      std::string("must be an object, not ") + value_.type_name());
    }

    ~object_reader() { report_unknown(); }

    bool valid() const { return valid_; }
    const std::string& path() const { return path_; }
    std::string field(std::string_view key) const { return member(path_, key); }

    const json* get(std::string_view key, bool required)
    {
        if (!valid_) return nullptr;
        auto it = value_.find(key);
        if (it == value_.end()) {
            if (required) sink_.add(field(key), "is required");
            return nullptr;
        }
        return &*it;
    }

    std::optional<std::string> string(std::string_view key, bool required, bool allow_empty = false)
    {
        const json* v = get(key, required);
        if (!v) return std::nullopt;
        if (!v->is_string()) {
            sink_.add(field(key), std::string("must be a string, not ") + v->type_name());
            return std::nullopt;
        }
        auto s = v->get<std::string>();
        if (s.empty() && !allow_empty) {
            sink_.add(field(key), "must not be empty");
            return std::nullopt;
        }
        return s;
    }

    std::optional<bool> boolean(std::string_view key)
    {
        const json* v = get(key, false);
        if (!v) return std::nullopt;
        if (!v->is_boolean()) {
            sink_.add(field(key), std::string("must be true or false, not ") + v->type_name());
            return std::nullopt;
        }
        return v->get<bool>();
    }

    std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min, std::int64_t max)
    {
        const json* v = get(key, required);
        if (!v) return std::nullopt;
        if (!v->is_number_integer()) {
            sink_.add(field(key), std::string("must be a whole number, not ") + v->type_name());
            return std::nullopt;
        }
        std::int64_t n = v->is_number_unsigned() && v->get<std::uint64_t>() > std::uint64_t(INT64_MAX)
                             ? INT64_MAX
                             : v->get<std::int64_t>();
        if (n < min || n > max) {
            sink_.add(field(key), "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                                      ", not " + v->dump());
            return std::nullopt;
        }
        return n;
    }

    std::optional<std::chrono::seconds> duration(std::string_view key, bool required, std::chrono::seconds min,
                                                 std::chrono::seconds max)
    {
        auto text = string(key, required);
        if (!text) return std::nullopt;
        auto d = scheduler::parse_duration(*text);
        if (!d) {
            sink_.add(field(key), d.error().reason);
            return std::nullopt;
        }
        if (*d < min || *d > max) {
            sink_.add(field(key), "must be between " + scheduler::format_duration(min) + " and " +
                                      scheduler::format_duration(max) + ", not " + in_quotes(*text));
            return std::nullopt;
        }
        return *d;
    }

    // An array whose elements are passed to `each(element, path)`.
    template <class Each>
    bool array(std::string_view key, bool required, Each&& each)
    {
        const json* v = get(key, required);
        if (!v) return false;
        if (!v->is_array()) {
            sink_.add(field(key), std::string("must be an array, not ") + v->type_name());
            return false;
        }
        for (std::size_t i = 0; i < v->size(); ++i) each((*v)[i], element(field(key), i));
        return true;
    }

    std::vector<std::string> strings(std::string_view key, bool (*valid)(std::string_view), const char* what)
    {
        std::vector<std::string> out;
        std::set<std::string> seen;
        array(key, false, [&](const json& e, const std::string& path) {
            if (!e.is_string()) {
                sink_.add(path, std::string("must be a string, not ") + e.type_name());
            } else if (!valid(e.get<std::string>())) {
                sink_.add(path, in_quotes(e.get<std::string>()) + " is not " + what);
            } else if (!seen.insert(e.get<std::string>()).second) {
                sink_.add(path, in_quotes(e.get<std::string>()) + " is listed twice");
            } else {
                out.push_back(e.get<std::string>());
            }
        });
        return out;
    }

private:
    void report_unknown()
    {
        if (!valid_) return;
        for (const auto& [key, v] : value_.items()) {
            if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
            std::string message = "unknown field";
            std::string_view best;
            std::size_t best_distance = 3;
            for (auto known : keys_) {
                auto d = edit_distance(key, known);
                if (d < best_distance) best_distance = d, best = known;
            }
            if (!best.empty()) message += " (did you mean " + in_quotes(best) + "?)";
            sink_.add(field(key), message);
        }
    }

    const json& value_;
    std::string path_;
    error_sink& sink_;
    std::vector<std::string_view> keys_;
    bool valid_ = false;
};

// Nextcloud user and group ids: no slashes, control characters or padding.
bool valid_principal(std::string_view s)
{
    if (s.empty() || s.size() > 255 || s.front() == ' ' || s.back() == ' ') return false;
    return std::none_of(s.begin(), s.end(), [](char c) { return c == '/' || static_cast<unsigned char>(c) < 0x20; });
}

bool valid_project_id(std::string_view s)
{
    if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s.front()))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

bool valid_talk_token(std::string_view s)
{
    return s.size() >= 4 && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool is_loopback_host(const std::string& host)
{
    if (host == "localhost") return true;
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(host, ec);
    return !ec && address.is_loopback();
}

// Configuration and credential files are small; a path to a device or a huge
// file (a typo, /dev/zero) is refused rather than read until memory runs out.
constexpr std::size_t max_config_file_size = 1024 * 1024;

std::optional<std::string> read_text_file(const fs::path& path, std::string& why)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = "cannot read " + path.string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    std::string content(max_config_file_size + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    if (in.bad()) {
        why = "cannot read " + path.string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    content.resize(static_cast<std::size_t>(in.gcount()));
    if (content.size() > max_config_file_size) {
        why = path.string() + " is larger than 1 MiB: not a configuration or credential file";
        return std::nullopt;
    }
    return content;
}

// Parses JSON with comments; a syntax error is reported with line and column.
std::optional<json> parse_json_file(const fs::path& path, error_sink& sink)
{
    std::string why;
    auto text = read_text_file(path, why);
    if (!text) {
        sink.add({}, why);
        return std::nullopt;
    }
    try {
        return json::parse(*text, nullptr, true, /*ignore_comments=*/true);
    } catch (const json::parse_error& e) {
        unsigned line = 1, column = 1;
        std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text->size());
        for (std::size_t i = 0; i < end; ++i) {
            if ((*text)[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        std::string message = e.what();
        // nlohmann's text is "[json.exception.parse_error.101] parse error at line L, column C: WHAT".
        if (auto colon = message.find(": "); colon != std::string::npos) message = message.substr(colon + 2);
        sink.add_at(line, column, "invalid JSON: " + message);
        return std::nullopt;
    }
}

fs::path resolve_against(const fs::path& base_directory, const fs::path& p)
{
    return p.is_absolute() ? p.lexically_normal() : (base_directory / p).lexically_normal();
}

void load_app_password(const std::string& field,
                       const std::string& configured,
                       const fs::path& config_directory,
                       const environment& env,
                       nextcloud_config& out,
                       error_sink& sink)
{
    fs::path path(configured);
    if (path.is_relative())
        path = resolve_against(env.credentials_directory ? *env.credentials_directory : config_directory, path);
    out.app_password_file = path;

    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        sink.add(field, "cannot use " + path.string() + ": " + std::strerror(errno));
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        sink.add(field, path.string() + " is not a regular file");
        return;
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        sink.add(field, path.string() + " has mode " + mode +
                            ": the app password must be readable by its owner only (chmod 600 " + path.string() + ")");
        return;
    }
    std::string why;
    auto content = read_text_file(path, why);
    if (!content) {
        sink.add(field, why);
        return;
    }
    while (!content->empty() && (content->back() == '\n' || content->back() == '\r')) content->pop_back();
    if (content->empty()) {
        sink.add(field, path.string() + " is empty");
        return;
    }
    if (content->find_first_of("\r\n") != std::string::npos) {
        sink.add(field, path.string() + " must hold the app password on a single line");
        return;
    }
    out.app_password = http::secret(std::move(*content));
}

void load_nextcloud(object_reader& r, const fs::path& config_directory, const environment& env,
                    nextcloud_config& out, error_sink& sink)
{
    if (auto url = r.string("url", true)) {
        auto parsed = http::parse_url(*url);
        if (!parsed) {
            sink.add(r.field("url"), parsed.error().detail);
        } else if (parsed->target.find_first_of("?#") != std::string::npos) {
            sink.add(r.field("url"), "must not have a query or fragment: " + in_quotes(*url));
        } else if (!parsed->origin.tls && !is_loopback_host(parsed->origin.host)) {
            sink.add(r.field("url"), "plain http is only allowed to a loopback address (the app password would "
                                     "cross the network unencrypted); use https: " + in_quotes(*url));
        } else {
            while (parsed->target.size() > 1 && parsed->target.back() == '/') parsed->target.pop_back();
            if (parsed->target == "/") parsed->target.clear();
            out.url = *url;
            out.base = std::move(*parsed);
        }
    }
    if (auto user = r.string("user", true)) {
        if (!valid_principal(*user))
            sink.add(r.field("user"), in_quotes(*user) + " is not a Nextcloud user id");
        else
            out.user = *user;
    }
    if (auto file = r.string("app_password_file", true))
        load_app_password(r.field("app_password_file"), *file, config_directory, env, out, sink);
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
            sink.add(r.field("listen"), in_quotes(*listen) + " is not an IP address and port such as \"127.0.0.1:9864\"");
        } else if (!address.is_loopback() && !out.allow_non_loopback) {
            sink.add(r.field("listen"), in_quotes(*listen) + " is not a loopback address; metrics stay on loopback "
                                                          "unless \"allow_non_loopback\": true is set");
        } else {
            out.address = address.to_string();
            out.port = static_cast<std::uint16_t>(port_number);
        }
    }
}

std::optional<global_config> load_global(const fs::path& file, const environment& env, error_sink& sink)
{
    auto document = parse_json_file(file, sink);
    if (!document) return std::nullopt;
    global_config g;
    g.file = file;
    const fs::path directory = file.parent_path();
    object_reader r(*document, "", sink,
                    {"nextcloud", "state_directory", "audit_log", "poll_interval", "projects_directory", "metrics"});
    if (!r.valid()) return std::nullopt;

    if (const json* nc = r.get("nextcloud", true)) {
        object_reader n(*nc, "nextcloud", sink,
                        {"url", "user", "app_password_file", "ca_file", "max_connections", "request_timeout"});
        load_nextcloud(n, directory, env, g.nextcloud, sink);
    }
    if (auto dir = r.string("state_directory", false)) {
        if (!fs::path(*dir).is_absolute())
            sink.add("state_directory", "must be an absolute path, not " + in_quotes(*dir));
        else
            g.state_directory = fs::path(*dir).lexically_normal();
    }
    if (const json* audit = r.get("audit_log", false); audit && !audit->is_null()) {
        if (auto path = r.string("audit_log", false)) {
            if (!fs::path(*path).is_absolute())
                sink.add("audit_log", "must be an absolute path, not " + in_quotes(*path));
            else
                g.audit_log = fs::path(*path).lexically_normal();
        }
    }
    if (auto p = r.duration("poll_interval", false, std::chrono::seconds(10), std::chrono::hours(24)))
        g.poll_interval = *p;
    g.projects_directory = resolve_against(directory, r.string("projects_directory", false).value_or("projects.d"));
    if (const json* m = r.get("metrics", false)) {
        object_reader mr(*m, "metrics", sink, {"enabled", "listen", "allow_non_loopback"});
        load_metrics(mr, g.metrics, sink);
    }
    return g;
}

std::optional<date::weekday> parse_weekday(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    static const std::map<std::string, unsigned> names = {
        {"su", 0}, {"sunday", 0},   {"mo", 1}, {"monday", 1},   {"tu", 2}, {"tuesday", 2}, {"we", 3},
        {"wednesday", 3}, {"th", 4}, {"thursday", 4}, {"fr", 5}, {"friday", 5}, {"sa", 6}, {"saturday", 6}};
    auto it = names.find(s);
    if (it == names.end()) return std::nullopt;
    return date::weekday{it->second};
}

void load_sessions(object_reader& r, project_config& p, error_sink& sink)
{
    r.array("sessions", false, [&](const json& e, const std::string& path) {
        object_reader s(e, path, sink, {"title", "start", "duration"});
        if (!s.valid()) return;
        session_config session;
        auto title = s.string("title", true);
        auto start = s.string("start", true);
        if (title) session.title = *title;
        if (start) {
            auto local = scheduler::parse_local_date_time(*start);
            if (!local) {
                sink.add(s.field("start"), local.error().reason);
                start.reset();
            } else {
                session.start = *local;
                if (p.time_zone) {
                    if (auto instant = scheduler::to_instant(*local, *p.time_zone); !instant) {
                        sink.add(s.field("start"), instant.error().reason);
                        start.reset();
                    }
                }
            }
        }
        if (auto d = s.duration("duration", false, std::chrono::minutes(1), std::chrono::hours(24 * 7)))
            session.duration = *d;
        if (title && start) p.sessions.push_back(std::move(session));
    });

    r.array("weekly", false, [&](const json& e, const std::string& path) {
        object_reader w(e, path, sink, {"title", "days", "time", "first", "count", "until", "except", "duration"});
        if (!w.valid()) return;
        weekly_series_config series;
        bool ok = true;
        if (auto title = w.string("title", true)) series.title = *title; else ok = false;
        bool has_days = w.array("days", true, [&](const json& d, const std::string& dpath) {
            auto day = d.is_string() ? parse_weekday(d.get<std::string>()) : std::nullopt;
            if (!day) {
                sink.add(dpath, d.dump() + " is not a weekday (MO, TU, WE, TH, FR, SA, SU or the full English name)");
                ok = false;
            } else if (std::find(series.days.begin(), series.days.end(), *day) == series.days.end()) {
                series.days.push_back(*day);
            }
        });
        if (!has_days) ok = false;
        else if (series.days.empty()) {
            sink.add(w.field("days"), "must name at least one weekday");
            ok = false;
        }
        if (auto t = w.string("time", true)) {
            if (auto tod = scheduler::parse_time_of_day(*t)) series.time_of_day = *tod;
            else { sink.add(w.field("time"), tod.error().reason); ok = false; }
        } else ok = false;
        if (auto f = w.string("first", true)) {
            if (auto d = scheduler::parse_local_date(*f)) series.first = *d;
            else { sink.add(w.field("first"), d.error().reason); ok = false; }
        } else ok = false;
        if (auto c = w.integer("count", false, 1, 1000)) series.count = static_cast<unsigned>(*c);
        if (auto u = w.string("until", false)) {
            if (auto d = scheduler::parse_local_date(*u)) series.until = *d;
            else { sink.add(w.field("until"), d.error().reason); ok = false; }
        }
        if (series.count && series.until) {
            sink.add(w.field("until"), "give either count or until, not both");
            ok = false;
        } else if (!series.count && !series.until && w.get("count", false) == nullptr &&
                   w.get("until", false) == nullptr) {
            sink.add(path, "needs count or until, so the series ends");
            ok = false;
        }
        if (series.until && series.until < series.first) {
            sink.add(w.field("until"), "is before first");
            ok = false;
        }
        w.array("except", false, [&](const json& d, const std::string& dpath) {
            auto day = d.is_string() ? scheduler::parse_local_date(d.get<std::string>())
                                     : scheduler::parsed<date::local_days>(scheduler::invalid_value{
                                           std::string("must be a date string, not ") + d.type_name()});
            if (!day) { sink.add(dpath, day.error().reason); ok = false; }
            else series.except.push_back(*day);
        });
        if (auto d = w.duration("duration", false, std::chrono::minutes(1), std::chrono::hours(24)))
            series.duration = *d;
        if (ok) p.weekly.push_back(std::move(series));
    });
}

std::optional<project_config> load_project(const fs::path& file, error_sink& sink)
{
    auto document = parse_json_file(file, sink);
    if (!document) return std::nullopt;
    project_config p;
    p.file = file;
    object_reader r(*document, "", sink,
                    {"id", "folder", "time_zone", "participants", "facilitators", "sessions", "weekly", "reminders",
                     "pre_reads", "pre_read_tag_prefix", "calendar", "talk", "deck"});
    if (!r.valid()) return std::nullopt;

    if (auto id = r.string("id", true)) {
        if (!valid_project_id(*id))
            sink.add("id", in_quotes(*id) + " is not a project id (lower-case letters, digits, '-' and '_', at most 64)");
        else
            p.id = *id;
    }
    if (auto folder = r.string("folder", true)) {
        if (folder->front() != '/')
            sink.add("folder", "must be a path starting with '/' in the service account's files, not " + in_quotes(*folder));
        else if (folder->find("/../") != std::string::npos || folder->ends_with("/..") ||
                 folder->find('\0') != std::string::npos)
            sink.add("folder", "must not contain \"..\": " + in_quotes(*folder));
        else {
            std::string f = *folder;
            while (f.size() > 1 && f.back() == '/') f.pop_back();
            p.folder = f;
        }
    }
    if (auto tz = r.string("time_zone", true)) {
        if (auto zone = scheduler::find_time_zone(*tz)) {
            p.time_zone = *zone;
            p.time_zone_name = *tz;
        } else {
            sink.add("time_zone", zone.error().reason);
        }
    }

    if (const json* pj = r.get("participants", true)) {
        object_reader pr(*pj, "participants", sink, {"users", "groups", "from_shares", "from_talk"});
        if (pr.valid()) {
            p.participants.users = pr.strings("users", valid_principal, "a Nextcloud user id");
            p.participants.groups = pr.strings("groups", valid_principal, "a Nextcloud group id");
            p.participants.from_shares = pr.boolean("from_shares").value_or(false);
            p.participants.from_talk = pr.boolean("from_talk").value_or(false);
            if (p.participants.users.empty() && p.participants.groups.empty() && !p.participants.from_shares &&
                !p.participants.from_talk && !pr.get("users", false) && !pr.get("groups", false))
                sink.add("participants", "names no participants: give users, groups, from_shares or from_talk");
        }
    }
    p.facilitators = r.strings("facilitators", valid_principal, "a Nextcloud user id");

    load_sessions(r, p, sink);

    if (const json* rem = r.get("reminders", false)) {
        object_reader rr(*rem, "reminders", sink,
                         {"lead_times", "digest", "personal", "when_all_ready", "acknowledge_with", "follow_up"});
        if (const json* f = rr.get("follow_up", false)) {
            object_reader fr(*f, "reminders.follow_up", sink, {"due", "reminder"});
            auto due = fr.duration("due", true, std::chrono::hours(1), std::chrono::hours(24 * 60));
            auto reminder = fr.duration("reminder", true, std::chrono::minutes(1), std::chrono::hours(24 * 60));
            if (due && reminder && *reminder >= *due)
                sink.add("reminders.follow_up.reminder", "must be shorter than follow_up.due");
            else if (due && reminder)
                p.follow_up = project_config::follow_up_config{*due, *reminder};
        }
        p.digest = rr.duration("digest", false, std::chrono::minutes(1), std::chrono::hours(24 * 60));
        p.personal_reminders = rr.boolean("personal").value_or(false);
        p.when_all_ready = rr.boolean("when_all_ready").value_or(false);
        if (auto emoji = rr.string("acknowledge_with", false)) {
            if (emoji->size() > 32)
                sink.add("reminders.acknowledge_with", "must be one emoji, such as \"\u2705\" or \"\U0001F44D\"");
            else
                p.acknowledge_with = *emoji;
        }
        std::set<std::chrono::seconds> seen;
        rr.array("lead_times", false, [&](const json& e, const std::string& path) {
            if (!e.is_string()) {
                sink.add(path, std::string("must be an ISO 8601 duration string, not ") + e.type_name());
                return;
            }
            auto d = scheduler::parse_duration(e.get<std::string>());
            if (!d) sink.add(path, d.error().reason);
            else if (*d <= std::chrono::seconds(0) || *d > std::chrono::hours(24 * 60))
                sink.add(path, "must be more than zero and at most P60D, not " + in_quotes(e.get<std::string>()));
            else if (!seen.insert(*d).second)
                sink.add(path, in_quotes(e.get<std::string>()) + " is listed twice");
        });
        p.lead_times.assign(seen.rbegin(), seen.rend());
    } else {
        p.lead_times = {std::chrono::hours(72), std::chrono::hours(24)};
    }

    if (auto scope = r.string("pre_reads", false)) {
        if (*scope == "folder") p.pre_reads = scheduler::pre_read_scope::folder;
        else if (*scope == "session_folder") p.pre_reads = scheduler::pre_read_scope::session_folder;
        else if (*scope == "tag") p.pre_reads = scheduler::pre_read_scope::tag;
        else sink.add("pre_reads", in_quotes(*scope) + " is not \"folder\", \"session_folder\" or \"tag\"");
    }
    if (auto prefix = r.string("pre_read_tag_prefix", false)) {
        if (p.pre_reads != scheduler::pre_read_scope::tag)
            sink.add("pre_read_tag_prefix", "applies only with \"pre_reads\": \"tag\"");
        else
            p.pre_read_tag_prefix = *prefix;
    }

    if (const json* c = r.get("calendar", false)) {
        object_reader cr(*c, "calendar", sink, {"name", "category", "title_prefix"});
        if (auto name = cr.string("name", true)) {
            if (name->find('/') != std::string::npos || *name == "." || *name == "..")
                sink.add("calendar.name", in_quotes(*name) + " is not a calendar name (the last part of the "
                                                             "calendar's CalDAV link, e.g. \"personal\")");
            else
                p.calendar = calendar_config{*name, cr.string("category", false), cr.string("title_prefix", false)};
        }
    }

    if (const json* t = r.get("talk", false)) {
        object_reader tr(*t, "talk", sink, {"conversation"});
        if (auto token = tr.string("conversation", true)) {
            if (!valid_talk_token(*token))
                sink.add("talk.conversation", in_quotes(*token) + " is not a Talk conversation token "
                                                               "(the lower-case letters and digits at the end of "
                                                               "the conversation's link, e.g. \"4csmt372\")");
            else
                p.talk = talk_config{*token};
        }
    }
    if (p.participants.from_talk && !r.get("talk", false))
        sink.add("participants.from_talk", "needs a Talk conversation (talk.conversation)");

    if (const json* d = r.get("deck", false)) {
        object_reader dr(*d, "deck", sink, {"board", "stack", "share_with_participants"});
        auto board = dr.integer("board", true, 1, INT64_MAX);
        auto stack = dr.integer("stack", true, 1, INT64_MAX);
        auto share = dr.boolean("share_with_participants");
        if (board && stack) p.deck = deck_config{*board, *stack, share.value_or(true)};
    }
    return p;
}

}  // namespace

std::string config_error::to_string() const
{
    std::string text = file.string();
    if (line != 0) text += ':' + std::to_string(line) + ':' + std::to_string(column);
    text += ": ";
    if (!field.empty()) text += field + ": ";
    text += message;
    return text;
}

environment environment::from_process()
{
    environment env;
    if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) env.credentials_directory = dir;
    return env;
}

load_result load_configuration(const fs::path& global_file, const environment& env)
{
    load_result result;
    const fs::path file = fs::absolute(global_file).lexically_normal();
    error_sink global_sink(file, result.errors);
    auto global = load_global(file, env, global_sink);

    configuration config;
    if (global) {
        std::error_code ec;
        if (!fs::is_directory(global->projects_directory, ec)) {
            global_sink.add("projects_directory",
                            global->projects_directory.string() + " does not exist or is not a directory");
        } else {
            std::vector<fs::path> files;
            for (const auto& entry : fs::directory_iterator(global->projects_directory, ec))
                if (entry.path().extension() == ".json" && !entry.path().filename().string().starts_with("."))
                    files.push_back(entry.path());
            std::sort(files.begin(), files.end());
            std::map<std::string, fs::path> ids;
            std::map<std::string, fs::path> folders;
            for (const auto& f : files) {
                error_sink sink(f, result.errors);
                auto project = load_project(f, sink);
                if (!project) continue;
                if (!project->id.empty()) {
                    if (auto [it, fresh] = ids.emplace(project->id, f); !fresh)
                        sink.add("id", in_quotes(project->id) + " is already the id of the project in " +
                                           it->second.string());
                }
                if (!project->folder.empty()) {
                    if (auto [it, fresh] = folders.emplace(project->folder, f); !fresh)
                        sink.add("folder", in_quotes(project->folder) + " is already watched by the project in " +
                                               it->second.string());
                }
                config.projects.push_back(std::move(*project));
            }
        }
        config.global = std::move(*global);
    }
    if (result.errors.empty()) {
        std::sort(config.projects.begin(), config.projects.end(),
                  [](const project_config& a, const project_config& b) { return a.id < b.id; });
        result.config = std::move(config);
    }
    return result;
}

}  // namespace prereadd::daemon
