// The Moodle simulator's server and control interface (see moodle.hpp).
#include "tests/sim/moodle.hpp"

#include "http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/http.hpp>

#include <thread>

namespace prereadd::sim {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

struct moodle::impl {
    moodle& owner;
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> keep_running{io.get_executor()};
    std::shared_ptr<http::server> server;
    std::shared_ptr<http::server> control_server;
    std::thread thread;

    asio::awaitable<void> serve(http::server_connection& connection);
    asio::awaitable<void> control_session(http::server_connection& connection);
};

namespace {

std::string http_date()
{
    char buffer[64];
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buffer;
}

// A fault of the transport (a slow answer, an answer lost after the work was done) aimed at this request.
std::optional<moodle_fault> take_transport_fault(moodle_world& w, const std::string& body)
{
    for (auto it = w.faults.begin(); it != w.faults.end(); ++it) {
        if (it->what != moodle_fault::kind::delay && it->what != moodle_fault::kind::lose_answer) continue;
        if (!it->function.empty() && body.find("wsfunction=" + it->function) == std::string::npos) continue;
        auto f = *it;
        if (--it->count == 0) w.faults.erase(it);
        return f;
    }
    return std::nullopt;
}

std::int64_t user_of(const moodle_world& w, const json& v)
{
    if (v.is_number_integer()) return v.get<std::int64_t>();
    for (const auto& [id, u] : w.users)
        if (u.username == v.get<std::string>()) return id;
    throw std::runtime_error("no Moodle user " + v.dump());
}

std::int64_t course_of(const moodle_world& w, const json& v)
{
    if (v.is_number_integer()) return v.get<std::int64_t>();
    for (const auto& [id, c] : w.courses)
        if (c.shortname == v.get<std::string>()) return id;
    throw std::runtime_error("no Moodle course " + v.dump());
}

json apply(moodle_world& w, const json& op)
{
    const std::string name = op.at("op");
    if (name == "user") {
        moodle_user u;
        u.id = op.value("id", w.next_id++);
        u.username = op.at("username");
        u.firstname = op.value("firstname", u.username);
        u.lastname = op.value("lastname", "");
        u.email = op.value("email", u.username + "@example.com");
        w.users[u.id] = u;
        if (op.contains("token")) w.tokens[op.at("token")] = {u.id, op.value("service", "prereadd")};
        return {{"id", u.id}};
    }
    if (name == "course") {
        moodle_course c;
        c.id = op.value("id", w.next_id++);
        c.shortname = op.at("shortname");
        c.fullname = op.value("fullname", c.shortname);
        c.startdate = op.value("startdate", w.now());
        c.sections.emplace_back(w.next_id++, "General");
        for (const auto& s : op.value("sections", json::array())) c.sections.emplace_back(w.next_id++, s.get<std::string>());
        w.courses[c.id] = c;
        return {{"id", c.id}};
    }
    if (name == "enrol") {
        w.courses.at(course_of(w, op.at("course"))).enrolments[user_of(w, op.at("user"))] = op.value("role", "student");
        return {{"ok", true}};
    }
    if (name == "unenrol") {
        w.courses.at(course_of(w, op.at("course"))).enrolments.erase(user_of(w, op.at("user")));
        return {{"ok", true}};
    }
    if (name == "module") {
        moodle_module m;
        m.cmid = op.value("cmid", w.next_id++);
        m.course = course_of(w, op.at("course"));
        m.section = op.value("section", 1);
        m.name = op.at("name");
        m.modname = op.value("modname", "resource");
        std::int64_t instance = 0;
        for (const auto& [id, other] : w.modules)
            if (other.modname == m.modname) instance = std::max(instance, other.instance);
        m.instance = op.value("instance", instance + 1);
        const std::string completion = op.value("completion", "view");
        m.completion = completion == "none" ? 0 : completion == "manual" ? 1 : 2;
        m.view_rule = completion == "view";
        m.filename = op.value("filename", "file.pdf");
        m.mimetype = op.value("mimetype", "application/pdf");
        m.filesize = op.value("filesize", 1000);
        m.external_url = op.value("url", "https://example.org/");
        m.contextid = op.value("contextid", m.cmid + 15);
        m.created = op.value("created", w.now());
        w.modules[m.cmid] = m;
        return {{"cmid", m.cmid}, {"url", w.siteurl + "/mod/" + m.modname + "/view.php?id=" + std::to_string(m.cmid)}};
    }
    if (name == "group") {
        moodle_group g;
        g.id = op.value("id", w.next_id++);
        g.course = course_of(w, op.at("course"));
        g.name = op.at("name");
        g.idnumber = op.value("idnumber", g.name);
        g.description = op.value("description", "");
        for (const auto& m : op.value("members", json::array())) g.members.push_back(user_of(w, m));
        w.groups.push_back(g);
        return {{"id", g.id}};
    }
    if (name == "view") {
        w.view(user_of(w, op.at("user")), op.at("cmid"));
        return {{"ok", true}};
    }
    if (name == "complete") {
        const std::int64_t cmid = op.at("cmid");
        if (w.modules.at(cmid).completion != 1) return {{"error", "cannotmanualctrack"}};
        w.completion[{cmid, user_of(w, op.at("user"))}] = {1, w.now()};
        return {{"ok", true}};
    }
    if (name == "capability") {
        if (op.contains("grant")) w.service_capabilities.insert(op.at("grant").get<std::string>());
        if (op.contains("revoke")) w.service_capabilities.erase(op.at("revoke").get<std::string>());
        return {{"capabilities", w.service_capabilities}};
    }
    if (name == "function") {
        if (op.contains("add") && !w.in_service(op.at("add"))) w.service_functions.push_back(op.at("add"));
        if (op.contains("remove")) std::erase(w.service_functions, op.at("remove").get<std::string>());
        return {{"functions", w.service_functions}};
    }
    if (name == "fault") {
        moodle_fault f;
        const std::string kind = op.value("kind", "exception");
        f.what = kind == "status"        ? moodle_fault::kind::status
                 : kind == "delay"       ? moodle_fault::kind::delay
                 : kind == "lose_answer" ? moodle_fault::kind::lose_answer
                                         : moodle_fault::kind::exception;
        f.function = op.value("function", "");
        f.errorcode = op.value("errorcode", "nopermissions");
        f.message = op.value("message", "");
        f.status = op.value("status", 503);
        f.delay = std::chrono::milliseconds(op.value("delay_ms", 0));
        f.count = op.value("count", 1);
        w.faults.push_back(f);
        return {{"ok", true}};
    }
    if (name == "clock") {
        if (op.contains("now")) w.fixed_now = op.at("now").get<std::int64_t>();
        return {{"now", w.now()}};
    }
    if (name == "criteria") {
        w.courses.at(course_of(w, op.at("course"))).criteria_since = w.now();
        return {{"ok", true}};
    }
    if (name == "cron") {
        w.cron();
        return {{"ok", true}};
    }
    if (name == "debug") {
        w.debug = op.value("on", true);
        return {{"ok", true}};
    }
    if (name == "messages") {
        json list = json::array();
        for (const auto& m : w.messages)
            list.push_back({{"id", m.id}, {"from", m.from}, {"to", m.to}, {"text", m.sent_text}, {"time", m.time}});
        return list;
    }
    if (name == "stats") return {{"calls", w.calls}, {"by_function", w.calls_by_function}};
    return {{"error", "unknown operation \"" + name + "\""}};
}

}  // namespace

asio::awaitable<void> moodle::impl::serve(http::server_connection& connection)
{
    for (;;) {
        auto read = co_await connection.async_read();
        if (!read) co_return;
        auto& msg = *read;
        std::optional<moodle_fault> fault;
        {
            std::lock_guard lock(owner.mutex_);
            fault = take_transport_fault(owner.world_, msg.body());
        }
        if (fault && fault->what == moodle_fault::kind::delay) {
            asio::steady_timer pause(io, fault->delay);
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        moodle_answer answer;
        {
            std::lock_guard lock(owner.mutex_);
            answer = answer_moodle(owner.world_, std::string(msg.method_string()), std::string(msg.target()), msg.body());
        }
        // Done, and the answer lost on the way: the connection closes without one.
        if (fault && fault->what == moodle_fault::kind::lose_answer) co_return;
        bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(answer.status), 11};
        out.set(bhttp::field::date, http_date());
        out.set(bhttp::field::server, "Apache/2.4.71 (Debian) (prereadd moodle-sim)");
        if (answer.token_endpoint) {
            out.set("Access-Control-Allow-Origin", "*");
            out.insert(bhttp::field::cache_control, "no-store, no-cache, must-revalidate");
            out.insert(bhttp::field::cache_control, "post-check=0, pre-check=0");
            out.set(bhttp::field::pragma, "no-cache");
            out.set(bhttp::field::expires, "Mon, 20 Aug 1969 09:23:00 GMT");
            out.set(bhttp::field::last_modified, http_date());
            out.set(bhttp::field::accept_ranges, "none");
        } else if (answer.status == 200) {
            if (answer.content_type.starts_with("application/xml"))
                out.set(bhttp::field::content_disposition, "inline; filename=\"response.xml\"");
            out.set(bhttp::field::cache_control, "private, must-revalidate, pre-check=0, post-check=0, max-age=0");
            out.set(bhttp::field::expires, "Thu, 01 Jan 1970 00:00:00 GMT");
            out.set(bhttp::field::pragma, "no-cache");
            out.set(bhttp::field::accept_ranges, "none");
            out.set("Access-Control-Allow-Origin", "*");
        }
        out.set(bhttp::field::content_type, answer.content_type);
        out.keep_alive(msg.keep_alive());
        out.body() = std::move(answer.body);
        out.prepare_payload();
        auto ec = co_await connection.async_write(out);
        if (ec || !out.keep_alive()) co_return;
    }
}

asio::awaitable<void> moodle::impl::control_session(http::server_connection& connection)
{
    for (;;) {
        auto read = co_await connection.async_read();
        if (!read) co_return;
        bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
        res.set(bhttp::field::content_type, "application/json");
        auto op = json::parse(read->body(), nullptr, false);
        if (read->method() != bhttp::verb::post || read->target() != "/control" || op.is_discarded()) {
            res.result(bhttp::status::bad_request);
            res.body() = R"({"error":"POST /control with a JSON operation"})";
        } else {
            res.body() = owner.control(op).dump();
        }
        res.keep_alive(read->keep_alive());
        res.prepare_payload();
        auto ec = co_await connection.async_write(res);
        if (ec || !res.keep_alive()) co_return;
    }
}

moodle::moodle(moodle_options opts) : impl_(std::make_unique<impl>(*this))
{
    http::server_options options;
    options.reuse_address = true;
    auto* impl = impl_.get();
    impl_->server = http::server::listen(
        impl_->io.get_executor(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), opts.port),
        [impl](http::server_connection& c) { return impl->serve(c); }, options, nullptr);
    impl_->server->start();
    port_ = impl_->server->local_endpoint().port();
    world_.siteurl = base_url();
    if (opts.control) {
        impl_->control_server = http::server::listen(
            impl_->io.get_executor(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), opts.control_port),
            [impl](http::server_connection& c) { return impl->control_session(c); }, options, nullptr);
        impl_->control_server->start();
        control_port_ = impl_->control_server->local_endpoint().port();
    }
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

moodle::~moodle()
{
    impl_->io.stop();
    impl_->thread.join();
}

std::string moodle::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

json moodle::control(const json& operation)
{
    std::lock_guard lock(mutex_);
    try {
        if (operation.is_array()) {
            json results = json::array();
            for (const auto& op : operation) results.push_back(apply(world_, op));
            return results;
        }
        return apply(world_, operation);
    } catch (const std::exception& e) {
        return {{"error", std::string("bad operation: ") + e.what()}};
    }
}

}  // namespace prereadd::sim
