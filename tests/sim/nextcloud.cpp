// The simulator's server: accepts on 127.0.0.1, reads requests with Beast,
// applies injected faults, and lets routes.cpp answer under the state lock.
#include "tests/sim/nextcloud.hpp"

#include "http/server.hpp"

#include "tests/sim/routes.hpp"
#include "tests/sim/text.hpp"
#include "tests/support/certificates.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <fstream>
#include <future>
#include <thread>
#include <utility>

namespace prereadd::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

struct nextcloud::impl {
    nextcloud& owner;
    asio::io_context io;
    // While the acceptor is closed (set_listening(false)) and no connection
    // is left, the thread must still be there to open it again.
    asio::executor_work_guard<asio::io_context::executor_type> keep_running{io.get_executor()};
    std::shared_ptr<http::server> server;
    std::atomic<bool> refusing{false};  // set_listening(false)
    std::shared_ptr<http::server> control_server;
    std::optional<asio::ssl::context> tls;
    std::thread thread;
    bool maintenance = false;
    std::deque<fault> faults;
    std::size_t served = 0;
    std::vector<std::string> served_log;  // "METHOD path" of each request over the network
    bool keep_requests = false;
    std::vector<sim_request> kept;
    std::filesystem::path audit_path;
    std::vector<std::filesystem::path> audit_nodes;
    options::audit_sink audit_writes = options::audit_sink::file;
    std::deque<std::string> audit_lines;  // the last audit_lines_kept
    std::size_t audit_lines_written = 0;
    std::uint64_t request_counter = 0;
    std::uint64_t journal_sequence = 0;

    // Writes the request's admin_audit lines with its context, as Nextcloud does.
    void flush_audit(const sim_request& req)
    {
        auto entries = owner.world_.take_audit();
        if (entries.empty() || owner.world_.audit_dropped) return;
        static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        std::string req_id;
        std::uint64_t seed = ++request_counter * 2654435761u;
        for (int i = 0; i < 20; ++i) {
            req_id += alphabet[seed % (sizeof alphabet - 1)];
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        }
        const std::string time = iso_date(owner.world_.now());
        // The web node that served the request writes its lines.
        const std::size_t node = audit_nodes.empty() ? 0 : request_counter % (audit_nodes.size() + 1);
        const auto& path = node == 0 ? audit_path : audit_nodes[node - 1];
        std::string written;
        for (const auto& e : entries) {
            nlohmann::ordered_json line = {
                {"reqId", req_id},
                {"level", 1},
                {"time", time},
                {"remoteAddr", "127.0.0.1"},
                {"user", e.user},
                {"app", "admin_audit"},
                {"method", req.method},
                {"url", req.target},
                {"message", e.message},
                {"userAgent", req.header("user-agent").empty() ? "--" : req.header("user-agent")},
                {"version", "29.0.6.1"},
                {"data", {{"app", "admin_audit"}}}};
            std::string text;
            if (owner.world_.server == dialect::nc34) {
                // 34 adds scriptName after url and no longer escapes slashes (captures-34 README).
                nlohmann::ordered_json with_script;
                for (const auto& [key, value] : line.items()) {
                    with_script[key] = value;
                    if (key == "url") with_script["scriptName"] = "/" + req.path.substr(1, req.path.find('/', 1) - 1);
                }
                with_script["version"] = "34.0.1.2";
                text = with_script.dump();
            } else {
                text = php_json_slashes(line.dump());
            }
            written += sink_form(text, node) + '\n';
            audit_lines.push_back(std::move(text));
            ++audit_lines_written;
            if (audit_lines.size() > audit_lines_kept) audit_lines.pop_front();
        }
        if (path.empty()) return;
        if (audit_writes == options::audit_sink::journal) {
            write_journal(path, written);
        } else {
            std::ofstream file(path, std::ios::app);
            file << written;
        }
    }

    // One line as the sink writes it: syslog puts rsyslog's traditional prefix before it.
    std::string sink_form(const std::string& json, std::size_t node)
    {
        const date::sys_seconds now{std::chrono::seconds(owner.world_.now())};
        if (audit_writes == options::audit_sink::syslog)
            return date::format("%b %e %H:%M:%S", now) + " web" + std::to_string(node + 1) + " Nextcloud[812]: " + json;
        if (audit_writes == options::audit_sink::journal) {
            // Journal export format: one entry per line, fields as NAME=value, a blank line after each.
            const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
            return "__REALTIME_TIMESTAMP=" + std::to_string(micros) +
                   "\n__MONOTONIC_TIMESTAMP=" + std::to_string(++journal_sequence) +
                   "\n_BOOT_ID=5e1ec7ed5e1ec7ed5e1ec7ed5e1ec7ed\n" +
                   "SYSLOG_IDENTIFIER=Nextcloud\nPRIORITY=6\nMESSAGE=" + json + "\n";
        }
        return json;
    }

    // Appends the entries to the journal file the way a journal is written,
    // through systemd's own writer (systemd-journal-remote reads the export format).
    static void write_journal(const std::filesystem::path& path, const std::string& entries)
    {
        const std::string command = "/lib/systemd/systemd-journal-remote -o '" + path.string() + "' - 2>/dev/null";
        FILE* pipe = ::popen(command.c_str(), "w");
        if (!pipe) throw std::runtime_error("cannot run systemd-journal-remote (scripts/setup installs it)");
        std::fwrite(entries.data(), 1, entries.size(), pipe);
        if (::pclose(pipe) != 0) throw std::runtime_error("systemd-journal-remote failed to write " + path.string());
    }

    explicit impl(nextcloud& o) : owner(o) {}

    std::optional<fault> take_fault(const std::string& path)
    {
        std::lock_guard lock(owner.mutex_);
        const auto now = std::chrono::steady_clock::now();
        for (auto it = faults.begin(); it != faults.end();) {
            if (it->until && now >= *it->until) {
                it = faults.erase(it);
                continue;
            }
            if (!it->route.empty() && !path.starts_with(it->route)) {
                ++it;
                continue;
            }
            fault f = *it;
            if (it->count != 0 && --it->count == 0 && !it->until) faults.erase(it);
            return f;
        }
        return std::nullopt;
    }

    asio::awaitable<void> serve(http::server_connection& connection);
    void listen(const tcp::endpoint& endpoint);
    asio::awaitable<void> control_session(http::server_connection& connection);
    // Runs a request through the routes as if a client had sent it (control "open").
    sim_response run_as_client(const std::string& method, const std::string& target, const std::string& user,
                               const std::string& user_agent, std::string body = {},
                               bool session_cookie = false);
};

asio::awaitable<void> nextcloud::impl::serve(http::server_connection& connection)
{
    auto& socket = connection.socket();
    for (;;) {
        auto read = co_await connection.async_read();
        if (!read) co_return;
        // Gone (set_listening(false)): a server that went away answers nothing on the connections it had either.
        if (refusing) co_return;
        auto& msg = *read;
        std::map<std::string, std::string> headers;
        for (const auto& field : msg) {
            std::string name(field.name_string());
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            headers[name] = std::string(field.value());
        }
        sim_request req = parse_request(std::string(msg.method_string()), std::string(msg.target()), std::move(headers),
                                        std::move(msg.body()));
        const bool keep_alive = msg.keep_alive();

        auto injected = take_fault(req.path);
        sim_response res;
        bool truncate = false;
        if (injected) {
            switch (injected->what) {
            case fault::kind::stall: {
                asio::steady_timer forever(io, asio::steady_timer::time_point::max());
                co_await forever.async_wait(use_tuple);
                co_return;
            }
            case fault::kind::reset: {
                socket.set_option(asio::socket_base::linger(true, 0));
                beast::error_code ignored;
                socket.close(ignored);
                co_return;
            }
            case fault::kind::delay: {
                asio::steady_timer pause(io, injected->delay);
                co_await pause.async_wait(use_tuple);
                break;
            }
            default: break;
            }
        }
        {
            std::lock_guard lock(owner.mutex_);
            ++served;
            served_log.push_back(req.method + " " + req.path);
            if (keep_requests) kept.push_back(req);
            if (injected && injected->what == fault::kind::status) {
                res = error_response(req, injected->status);
                if (injected->retry_after) res.set("Retry-After", *injected->retry_after);
            } else if (injected && injected->what == fault::kind::malformed) {
                res = malformed_response(req);
            } else if (injected && injected->what == fault::kind::oversized) {
                res = malformed_response(req);
                res.body.assign(injected->oversized_bytes, ' ');
            } else {
                res = handle(owner.world_, maintenance, req);
                truncate = injected && injected->what == fault::kind::truncated;
            }
            flush_audit(req);
        }
        owner.answered_.notify_all();

        bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), 11};
        out.set(bhttp::field::server, "Apache/2.4 (prereadd nextcloud-sim)");
        for (const auto& [name, value] : res.headers) out.insert(name, value);
        out.keep_alive(keep_alive && !res.close);
        if (truncate && res.body.size() >= 2) {
            // Promise the whole body, deliver half of it, hang up.
            out.content_length(res.body.size());
            auto header_text = [&] {
                std::ostringstream head;
                head << out.base();
                return head.str();
            }();
            std::string partial = header_text + res.body.substr(0, res.body.size() / 2);
            co_await connection.async_write_raw(partial);
            beast::error_code ignored;
            socket.shutdown(tcp::socket::shutdown_both, ignored);
            co_return;
        }
        out.body() = std::move(res.body);
        out.prepare_payload();
        auto wec = co_await connection.async_write(out);
        if (wec || !out.keep_alive()) co_return;
    }
}

void nextcloud::impl::listen(const tcp::endpoint& endpoint)
{
    http::server_options options;
    options.body_limit = 64 * 1024 * 1024;
    options.reuse_address = true;
    server = http::server::listen(
        io.get_executor(), endpoint, [this](http::server_connection& c) { return serve(c); }, options,
        tls ? &*tls : nullptr);
    server->start();
}

asio::awaitable<void> nextcloud::impl::control_session(http::server_connection& connection)
{
    for (;;) {
        auto read = co_await connection.async_read();
        if (!read) break;
        auto& req = *read;
        bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
        res.set(bhttp::field::content_type, "application/json");
        if (req.method() == bhttp::verb::post && req.target() == "/control") {
            auto op = nlohmann::json::parse(req.body(), nullptr, false);
            if (op.is_discarded()) {
                res.result(bhttp::status::bad_request);
                res.body() = R"({"error":"the body is not JSON"})";
            } else {
                auto result = owner.control(op);
                if (result.is_object() && result.contains("error")) res.result(bhttp::status::bad_request);
                res.body() = result.dump();
            }
        } else if (req.method() == bhttp::verb::get && req.target() == "/healthz") {
            res.body() = R"({"ok":true})";
        } else {
            res.result(bhttp::status::not_found);
            res.body() = R"({"error":"POST /control with a JSON operation"})";
        }
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        auto wec = co_await connection.async_write(res);
        if (wec || !res.keep_alive()) break;
    }
}

sim_response nextcloud::impl::run_as_client(const std::string& method, const std::string& target,
                                            const std::string& user_id, const std::string& user_agent, std::string body,
                                            bool session_cookie)
{
    std::map<std::string, std::string> headers{
        {"user-agent", user_agent}, {"host", "127.0.0.1"}, {"ocs-apirequest", "true"}, {"accept", "application/json"}};
    // A browser keeps its PHP session, which Talk 22 binds the call session to (30b0).
    if (session_cookie) headers["cookie"] = "cookie_test=test";
    if (!body.empty()) headers["content-type"] = "application/json";
    if (const user* u = owner.world_.find_user(user_id)) {
        headers["authorization"] = "Basic " + base64_encode(u->id + ":" + u->password);
    }
    auto req = parse_request(method, target, std::move(headers), std::move(body));
    auto res = handle(owner.world_, maintenance, req);
    flush_audit(req);
    return res;
}

nlohmann::json nextcloud::control(const nlohmann::json& operation)
{
    using json = nlohmann::json;
    if (operation.is_array()) {
        json results = json::array();
        for (const auto& op : operation) results.push_back(control(op));
        return results;
    }
    if (!operation.is_object() || !operation.contains("op") || !operation["op"].is_string())
        return {{"error", "an operation is an object with \"op\""}};
    const std::string op = operation["op"];
    auto text = [&](const char* key, const std::string& fallback = {}) {
        return operation.contains(key) && operation[key].is_string() ? operation[key].get<std::string>() : fallback;
    };
    try {
        if (op == "fault") {
            static const std::map<std::string, fault::kind> kinds = {
                {"status", fault::kind::status},       {"delay", fault::kind::delay},
                {"stall", fault::kind::stall},         {"reset", fault::kind::reset},
                {"truncated", fault::kind::truncated}, {"malformed", fault::kind::malformed},
                {"oversized", fault::kind::oversized}};
            auto kind = kinds.find(text("kind"));
            if (kind == kinds.end()) return {{"error", "unknown fault kind \"" + text("kind") + "\""}};
            fault f = fault::of(kind->second).on(text("route"));
            f.status = operation.value("status", 503u);
            if (operation.contains("retry_after"))
                f.with_retry_after(operation["retry_after"].is_string() ? operation["retry_after"].get<std::string>()
                                                                        : operation["retry_after"].dump());
            f.after(std::chrono::milliseconds(operation.value("delay_ms", 0)));
            f.sized(operation.value("bytes", std::size_t{32 * 1024 * 1024}));
            f.times(operation.value("count", std::size_t{1}));
            if (operation.contains("window_ms"))
                f.for_window(std::chrono::milliseconds(operation["window_ms"].get<long>()));
            inject(f);
            return {{"ok", true}};
        }
        if (op == "clear_faults") {
            clear_faults();
            return {{"ok", true}};
        }
        if (op == "maintenance") {
            set_maintenance(operation.value("on", true));
            return {{"ok", true}};
        }
        std::lock_guard lock(mutex_);
        world& w = world_;
        if (op == "user") {
            user& u = w.add_user(text("id"), text("password", "password"), text("display_name"));
            if (auto app = text("app_password"); !app.empty()) u.app_passwords.insert(app);
            u.time_zone = text("timezone");
            u.language = text("language", "en");
            u.locale = text("locale");
            u.email = text("email");
            return {{"ok", true}};
        }
        if (op == "group") {
            w.add_group(text("id"), operation.value("members", std::vector<std::string>{}));
            return {{"ok", true}};
        }
        if (op == "subadmin") {
            // occ group:addsubadmin (capture 22b does it over OCS): lets `user` list the group's members.
            if (!w.find_user(text("user"))) return {{"error", "no such user"}};
            w.add_subadmin(text("user"), text("group"));
            return {{"ok", true}};
        }
        if (op == "mkdir" || op == "put") {
            std::int64_t id = 0;
            auto result = op == "mkdir" ? w.make_folder(text("user"), text("path"), &id)
                                        : w.put_file(text("user"), text("path"), text("content"),
                                                     text("mime", "text/plain"), &id);
            if (result == world::write_result::parent_missing) return {{"error", "the parent folder does not exist"}};
            if (result == world::write_result::exists) return {{"error", "already exists"}};
            auto audit = w.take_audit();  // writes by the control interface are not client requests
            return {{"ok", true}, {"file_id", id}};
        }
        if (op == "share") {
            node* n = w.resolve(text("user"), text("path"));
            if (!n) return {{"error", "no such path"}};
            share s;
            s.owner = text("user");
            s.node = n->id;
            const std::string type = text("type", "user");
            s.type = type == "group" ? share::group_share : type == "link" ? share::link_share : share::user_share;
            s.with = text("with");
            s.permissions = operation.value("permissions", n->folder ? 31 : 19);
            if (auto expire = text("expire"); !expire.empty()) s.expiration = expire + " 00:00:00";
            const share& added = w.add_share(std::move(s));
            return {{"ok", true}, {"share_id", added.id}, {"token", added.token}};
        }
        if (op == "open" || op == "sync" || op == "preview") {
            // A read as the user's browser, desktop client or file list would make it.
            const std::string agent =
                op == "sync"
                    ? "Mozilla/5.0 (Linux) mirall/3.13.0 (Nextcloud, debian-6.1.0 ClientArchitecture: x86_64 OsArchitecture: x86_64)"
                    : "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
            node* n = w.resolve(text("user"), text("path"));
            if (!n) return {{"error", "no such path for that user"}};
            std::string target =
                op == "preview"
                    ? "/index.php/core/preview?fileId=" + std::to_string(n->id) + "&x=250&y=250&a=1"
                    : "/remote.php/dav/files/" + percent_encode_path(text("user")) + percent_encode_path(text("path"));
            auto res = impl_->run_as_client("GET", target, text("user"), agent);
            ++impl_->served;
            return {{"ok", res.status < 300}, {"status", res.status}};
        }
        if (op == "comment") {
            node* n = w.resolve(text("user"), text("path"));
            if (!n) return {{"error", "no such path for that user"}};
            const comment& c = w.add_comment(n->id, text("user"), text("message"));
            return {{"ok", true}, {"comment_id", c.id}};
        }
        if (op == "say" || op == "react") {
            // A Talk message or reaction by a participant, as their client would send it.
            const std::string token = text("token");
            std::string target, body;
            if (op == "say") {
                target = "/ocs/v2.php/apps/spreed/api/v1/chat/" + token;
                body = json{{"message", text("message")}}.dump();
            } else {
                int message = operation.value("message_id", 0);
                if (message == 0)  // the newest comment in the conversation
                    for (const auto& m : w.talk.messages)
                        if (m.token == token && m.system.empty()) message = std::max(message, m.id);
                target = "/ocs/v2.php/apps/spreed/api/v1/reaction/" + token + "/" + std::to_string(message);
                body = json{{"reaction", text("reaction", "\u2705")}}.dump();
            }
            auto res = impl_->run_as_client("POST", target, text("user"),
                                            "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", body);
            ++impl_->served;
            if (res.status >= 300)
                return {{"error", "Talk answered " + std::to_string(res.status)}, {"body", res.body}};
            return {{"ok", true}, {"status", res.status}};
        }
        if (op == "room") {
            // A group conversation created by `user` with its members, through the Talk API as the web UI does.
            const std::string owner_id = text("user");
            const std::string agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
            auto created = impl_->run_as_client("POST", "/ocs/v2.php/apps/spreed/api/v4/room", owner_id, agent,
                                                json{{"roomType", 2}, {"roomName", text("name")}}.dump());
            ++impl_->served;
            if (created.status >= 300) return {{"error", "Talk answered " + std::to_string(created.status)}};
            const std::string token = json::parse(created.body)["ocs"]["data"]["token"];
            for (const auto& [field, source] : {std::pair{"members", "users"}, std::pair{"groups", "groups"}})
                for (const auto& id : operation.value(field, std::vector<std::string>{})) {
                    auto added =
                        impl_->run_as_client("POST", "/ocs/v2.php/apps/spreed/api/v4/room/" + token + "/participants",
                                             owner_id, agent, json{{"newParticipant", id}, {"source", source}}.dump());
                    ++impl_->served;
                    if (added.status >= 300)
                        return {{"error", "adding " + id + ": Talk answered " + std::to_string(added.status)}};
                }
            return {{"ok", true}, {"token", token}};
        }
        if (op == "call") {
            // A participant's Talk client in the conversation's call: "join"
            // (the conversation first, then the call, 30a/30b), "leave" (30h),
            // or "end" for everyone (a moderator). Times are the world's clock.
            const std::string token = text("token"), action = text("action", "join");
            const std::string agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
            const std::string room = "/ocs/v2.php/apps/spreed/api/v4/room/" + token + "/participants/active";
            const std::string call = "/ocs/v2.php/apps/spreed/api/v4/call/" + token;
            std::vector<std::pair<std::string, std::string>> steps;
            if (action == "join") {
                steps = {{"POST", room},
                         {"POST", call + "?flags=" + std::to_string(operation.value("flags", 3))}};
            } else if (action == "leave") {
                steps = {{"DELETE", call}};
            } else if (action == "end") {
                steps = {{"DELETE", call + "?all=true"}};
            } else {
                return {{"error", "action is join, leave or end"}};
            }
            for (const auto& [method, target] : steps) {
                auto res = impl_->run_as_client(method, target, text("user"), agent, {}, true);
                ++impl_->served;
                if (res.status >= 300)
                    return {{"error", "Talk answered " + std::to_string(res.status)}, {"body", res.body}};
            }
            return {{"ok", true}};
        }
        if (op == "event") {
            // An iCalendar object put into a user's calendar (created if missing), as a CalDAV client would.
            auto& cal = w.calendars[text("user")][text("calendar", "personal")];
            if (cal.display_name.empty()) cal.display_name = text("calendar", "personal");
            const std::string ics = text("ics");
            cal.objects[text("name", "event.ics")] = {ics, md5_hex(ics)};
            ++cal.sync_token;
            return {{"ok", true}};
        }
        if (op == "tag") {
            // A collaborative tag assigned to a file (systemtags); no ETag changes, as in Nextcloud.
            node* n = w.resolve(text("user"), text("path"));
            if (!n) return {{"error", "no such path"}};
            if (std::find(n->system_tags.begin(), n->system_tags.end(), text("tag")) == n->system_tags.end())
                n->system_tags.push_back(text("tag"));
            w.system_tag_id(text("tag"));
            return {{"ok", true}};
        }
        if (op == "audit_format") {
            const std::string format = text("format");
            if (format != "nc29" && format != "with_file_ids" && format != "nc34")
                return {{"error", "format is nc29, with_file_ids or nc34"}};
            w.set_audit_format(format == "nc29"            ? audit_format::nc29
                               : format == "with_file_ids" ? audit_format::with_file_ids
                                                           : audit_format::nc34);
            return {{"ok", true}};
        }
        if (op == "loglevel") {
            // config.php's 'loglevel': admin_audit writes at level 1, so from 2 on its lines are dropped.
            w.audit_dropped = operation.value("level", 2) > 1;
            return {{"ok", true}};
        }
        if (op == "app") {
            // files_downloadactivity (31a) off by default; activity, spreed and deck on,
            // and when disabled gone from the capabilities (what prereadd doctor reads).
            const auto id = text("id");
            const bool enabled = operation.value("enabled", true);
            if (id == "files_downloadactivity") {
                w.download_activity = enabled;
            } else if (id == "activity" || id == "spreed" || id == "deck") {
                if (enabled)
                    w.disabled_apps.erase(id);
                else
                    w.disabled_apps.insert(id);
            } else {
                return {{"error", "apps simulated: files_downloadactivity, activity, spreed, deck"}};
            }
            return {{"ok", true}};
        }
        if (op == "board") {
            // A Deck board with one stack, made by `user` through Deck's API (captures 18a, 18b).
            const std::string owner_id = text("user");
            const std::string agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
            auto board = impl_->run_as_client("POST", "/index.php/apps/deck/api/v1.0/boards", owner_id, agent,
                                              json{{"title", text("title", "Board")}, {"color", "0087C5"}}.dump());
            ++impl_->served;
            if (board.status != 200) return {{"error", "Deck answered " + std::to_string(board.status)}};
            const int board_id = json::parse(board.body)["id"];
            auto stack = impl_->run_as_client(
                "POST", "/index.php/apps/deck/api/v1.0/boards/" + std::to_string(board_id) + "/stacks", owner_id, agent,
                json{{"title", text("stack", "To do")}, {"order", 1}}.dump());
            ++impl_->served;
            if (stack.status != 200) return {{"error", "Deck answered " + std::to_string(stack.status)}};
            return {{"ok", true}, {"board", board_id}, {"stack", json::parse(stack.body)["id"]}};
        }
        if (op == "cards") {
            // The cards of a Deck stack as a person would look at them.
            json list = json::array();
            for (const auto& c : w.deck.cards) {
                if (c.stack != operation.value("stack", 0) || c.archived) continue;
                json assigned = json::array();
                for (const auto& [id, u] : c.assigned) assigned.push_back(u);
                list.push_back({{"id", c.id},
                                {"title", c.title},
                                {"description", c.description},
                                {"assigned", assigned},
                                {"done", c.done ? json(*c.done) : json(nullptr)},
                                {"duedate", c.duedate ? json(*c.duedate) : json(nullptr)}});
            }
            return list;
        }
        if (op == "messages") {
            // The comments of a Talk conversation, oldest first (system messages left out).
            json list = json::array();
            for (const auto& m : w.talk.messages)
                if (m.token == text("token") && m.system.empty()) {
                    // "text": the message as a person reads it, {mention-userN} shown as @id.
                    std::string shown = m.text;
                    for (std::size_t i = 0; i < m.mentions.size(); ++i) {
                        const std::string placeholder = "{mention-user" + std::to_string(i + 1) + "}";
                        for (auto at = shown.find(placeholder); at != std::string::npos; at = shown.find(placeholder))
                            shown.replace(at, placeholder.size(), "@" + m.mentions[i]);
                    }
                    list.push_back({{"id", m.id},
                                    {"actor", m.actor},
                                    {"message", m.text},
                                    {"text", shown},
                                    {"mentions", m.mentions},
                                    {"referenceId", m.reference_id},
                                    {"timestamp", m.time}});
                }
            return list;
        }
        if (op == "rooms") {
            // Every conversation: token, type (1 one-to-one, 2 group), name and user members.
            json list = json::array();
            for (const auto& r : w.talk.rooms) {
                json members = json::array();
                for (const auto& a : r.attendees)
                    if (a.type == "users") members.push_back(a.actor);
                list.push_back({{"token", r.token}, {"type", r.type}, {"name", r.name}, {"members", members}});
            }
            return list;
        }
        if (op == "stats") {
            return {{"requests", impl_->served},
                    {"audit_lines", impl_->audit_lines_written},
                    {"maintenance", impl_->maintenance}};
        }
        return {{"error", "unknown operation \"" + op + "\" (not simulated yet, or a typo)"}};
    } catch (const std::exception& e) {
        return {{"error", std::string("bad operation: ") + e.what()}};
    }
}

nextcloud::nextcloud(options opts) : impl_(std::make_unique<impl>(*this)), world_(opts.instance_id), tls_(opts.tls)
{
    world_.set_audit_format(opts.audit);
    world_.server = opts.server;
    impl_->audit_path = opts.audit_log;
    impl_->audit_nodes = opts.audit_nodes;
    impl_->audit_writes = opts.audit_writes;
    if (opts.tls) {
        test::test_ca ca("nextcloud-sim CA");
        auto identity = ca.issue({"DNS:localhost", "IP:127.0.0.1"});
        ca_pem_ = ca.certificate_pem();
        impl_->tls.emplace(asio::ssl::context::tls_server);
        impl_->tls->use_certificate_chain(asio::buffer(identity.certificate_pem));
        impl_->tls->use_private_key(asio::buffer(identity.private_key_pem), asio::ssl::context::pem);
    }
    impl_->listen(tcp::endpoint(asio::ip::make_address("127.0.0.1"), opts.port));
    port_ = impl_->server->local_endpoint().port();
    if (opts.control) {
        http::server_options control_options;
        control_options.reuse_address = true;
        auto* impl = impl_.get();
        impl_->control_server = http::server::listen(
            impl_->io.get_executor(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), opts.control_port),
            [impl](http::server_connection& c) { return impl->control_session(c); }, control_options);
        control_port_ = impl_->control_server->local_endpoint().port();
        impl_->control_server->start();
    }
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

nextcloud::~nextcloud()
{
    impl_->io.stop();
    impl_->thread.join();
}

std::string nextcloud::base_url() const
{
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void nextcloud::set_listening(bool on)
{
    // The acceptor belongs to the server's thread: it is closed (a connect is
    // refused) or opened again on the same port there, and this thread waits.
    impl_->refusing = !on;
    auto change = [this, on] {
        if (on == impl_->server->listening()) return;
        if (!on) {
            impl_->server->stop();
            return;
        }
        impl_->listen(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    };
    if (impl_->io.get_executor().running_in_this_thread()) return change();
    std::promise<void> done;
    asio::post(impl_->io, [&] {
        try {
            change();
            done.set_value();
        } catch (...) {
            done.set_exception(std::current_exception());
        }
    });
    done.get_future().get();
}

void nextcloud::set_maintenance(bool on)
{
    std::lock_guard lock(mutex_);
    impl_->maintenance = on;
}

void nextcloud::inject(fault f)
{
    std::lock_guard lock(mutex_);
    impl_->faults.push_back(std::move(f));
}

void nextcloud::clear_faults()
{
    std::lock_guard lock(mutex_);
    impl_->faults.clear();
}

std::vector<std::string> nextcloud::audit_lines() const
{
    std::lock_guard lock(mutex_);
    return {impl_->audit_lines.begin(), impl_->audit_lines.end()};
}

std::size_t nextcloud::audit_lines_written() const
{
    std::lock_guard lock(mutex_);
    return impl_->audit_lines_written;
}

std::vector<std::string> nextcloud::requests_log() const
{
    std::lock_guard lock(mutex_);
    return impl_->served_log;
}

void nextcloud::keep_requests(bool on)
{
    std::lock_guard lock(mutex_);
    impl_->keep_requests = on;
}

std::vector<sim_request> nextcloud::take_kept_requests()
{
    std::lock_guard lock(mutex_);
    return std::exchange(impl_->kept, {});
}

std::size_t nextcloud::requests_served() const
{
    std::lock_guard lock(mutex_);
    return impl_->served;
}

}  // namespace prereadd::sim
