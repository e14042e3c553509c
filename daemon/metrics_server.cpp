// The metrics server (see metrics_server.hpp).
#include "daemon/metrics_server.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace prereadd::daemon {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t max_connections = 16;  // more are dropped: a scraper retries

}  // namespace

metrics_server::metrics_server(asio::any_io_executor ex, const asio::ip::tcp::endpoint& where,
                               std::function<std::string()> render, std::function<health()> check)
{
    http::server_options options;
    options.max_connections = max_connections;
    options.body_limit = 0;  // GET and HEAD only
    // The handler holds the functions: it lives as long as the server, which a
    // connection in flight keeps after this object is gone (a reload).
    server_ = http::server::listen(
        std::move(ex), where,
        [render = std::move(render), check = std::move(check)](http::server_connection& c) -> asio::awaitable<void> {
            c.expires_after(std::chrono::seconds(10));
            auto req = co_await c.async_read();
            if (!req) co_return;
            auto res = answer(*req, render, check);
            co_await c.async_write(res);
        },
        options);
}

http::server_response metrics_server::answer(const http::server_request& req,
                                             const std::function<std::string()>& render,
                                             const std::function<health()>& check)
{
    http::server_response res;
    res.version(11);
    res.keep_alive(false);
    res.set(bhttp::field::server, "prereadd");
    const std::string target(req.target().substr(0, req.target().find('?')));
    if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
        res.result(bhttp::status::method_not_allowed);
        res.set(bhttp::field::allow, "GET, HEAD");
    } else if (target == "/metrics") {
        res.result(bhttp::status::ok);
        res.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = render();
    } else if (target == "/healthz") {
        const auto h = check();
        res.result(h.ok ? bhttp::status::ok : bhttp::status::service_unavailable);
        res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
        res.body() = h.reason + "\n";
    } else {
        res.result(bhttp::status::not_found);
        res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
        res.body() = "not found: /metrics and /healthz are here\n";
    }
    res.prepare_payload();
    if (req.method() == bhttp::verb::head) res.body().clear();
    return res;
}

}  // namespace prereadd::daemon
