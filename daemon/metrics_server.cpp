// The metrics server (see metrics_server.hpp).
#include "daemon/metrics_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace prereadd::daemon {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
constexpr std::size_t max_connections = 16;
}

metrics_server::metrics_server(asio::any_io_executor ex, const asio::ip::tcp::endpoint& where,
                               std::function<std::string()> render, std::function<health()> check)
    : acceptor_(ex, where), render_(std::move(render)), check_(std::move(check))
{
}

void metrics_server::stop()
{
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

asio::awaitable<void> metrics_server::serve()
{
    const auto self = shared_from_this();
    for (;;) {
        boost::system::error_code ec;
        auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (ec) continue;
        if (open_ >= max_connections) continue;  // dropped: a scraper retries
        asio::co_spawn(acceptor_.get_executor(), answer(std::move(socket)), asio::detached);
    }
}

asio::awaitable<void> metrics_server::answer(asio::ip::tcp::socket socket)
{
    const auto self = shared_from_this();
    ++open_;
    struct leave {
        std::size_t& n;
        ~leave() { --n; }
    } on_exit{open_};
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(10));
    beast::flat_buffer buffer;
    bhttp::request_parser<bhttp::empty_body> parser;
    parser.header_limit(8 * 1024);
    boost::system::error_code ec;
    co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const auto& req = parser.get();
    bhttp::response<bhttp::string_body> res;
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
        res.body() = render_();
    } else if (target == "/healthz") {
        const auto h = check_();
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
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

}  // namespace prereadd::daemon
