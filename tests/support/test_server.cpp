// The scripted test server (see test_server.hpp): one io_context on its own
// thread, one coroutine per connection, the test's handler deciding each reply.
#include "tests/support/test_server.hpp"

#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace prereadd::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

struct test_server::impl {
    asio::io_context io;
    std::optional<asio::ssl::context> tls;
    std::shared_ptr<http::server> server;
    handler on_request;
    std::thread thread;

    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::vector<received_request> requests;
    std::size_t accepted = 0;
    std::size_t open = 0;
    std::size_t max_concurrent = 0;
    std::size_t closed = 0;

    asio::awaitable<void> serve(http::server_connection& connection);
    http::server_options options();
};

asio::awaitable<void> test_server::impl::serve(http::server_connection& connection)
{
    for (;;) {
        auto req = co_await connection.async_read();
        if (!req) co_return;

        received_request seen;
        seen.method = std::string(req->method_string());
        seen.target = std::string(req->target());
        for (const auto& field : *req) {
            std::string name(field.name_string());
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            seen.headers[name] = std::string(field.value());
        }
        seen.body = req->body();
        seen.connection = connection.number();
        reply r = on_request(seen);
        {
            std::lock_guard lock(mutex);
            requests.push_back(std::move(seen));
        }
        changed.notify_all();

        if (r.delay.count() > 0) {
            asio::steady_timer pause(io, r.delay);
            co_await pause.async_wait(use_tuple);
        }
        switch (r.what) {
        case reply::action::stall: {
            asio::steady_timer forever(io, asio::steady_timer::time_point::max());
            co_await forever.async_wait(use_tuple);
            co_return;
        }
        case reply::action::close: co_return;
        case reply::action::raw: {
            auto wec = co_await connection.async_write_raw(r.raw);
            if (wec || r.close_after_raw) {
                beast::error_code ignored;
                connection.socket().shutdown(tcp::socket::shutdown_both, ignored);
                co_return;
            }
            continue;
        }
        case reply::action::respond: {
            bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), 11};
            res.set(bhttp::field::server, "prereadd-test");
            for (const auto& [name, value] : r.headers) res.set(name, value);
            res.body() = r.body;
            res.keep_alive(r.keep_alive && req->keep_alive());
            res.prepare_payload();
            auto wec = co_await connection.async_write(res);
            if (wec || !res.keep_alive()) co_return;
            break;
        }
        }
    }
}

http::server_options test_server::impl::options()
{
    http::server_options o;
    o.on_accept = [this](std::size_t) {
        std::lock_guard lock(mutex);
        ++accepted;
        max_concurrent = std::max(max_concurrent, ++open);
    };
    o.on_close = [this](std::size_t) {
        {
            std::lock_guard lock(mutex);
            --open;
            ++closed;
        }
        changed.notify_all();
    };
    return o;
}

test_server::test_server(handler h, const tls_identity* tls) : impl_(std::make_unique<impl>()), tls_(tls != nullptr)
{
    impl_->on_request = std::move(h);
    if (tls) {
        impl_->tls.emplace(asio::ssl::context::tls_server);
        impl_->tls->use_certificate_chain(asio::buffer(tls->certificate_pem));
        impl_->tls->use_private_key(asio::buffer(tls->private_key_pem), asio::ssl::context::pem);
    }
    impl_->server = http::server::listen(
        impl_->io.get_executor(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
        [impl = impl_.get()](http::server_connection& c) { return impl->serve(c); }, impl_->options(),
        impl_->tls ? &*impl_->tls : nullptr);
    port_ = impl_->server->local_endpoint().port();
    impl_->server->start();
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

test_server::~test_server()
{
    impl_->io.stop();
    impl_->thread.join();
}

std::string test_server::url(const std::string& target, const std::string& host) const
{
    return std::string(tls_ ? "https://" : "http://") + host + ':' + std::to_string(port_) + target;
}

std::size_t test_server::connections_accepted() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->accepted;
}

std::size_t test_server::max_concurrent_connections() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->max_concurrent;
}

std::size_t test_server::connections_closed() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->closed;
}

std::vector<received_request> test_server::requests() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->requests;
}

std::size_t test_server::request_count() const
{
    std::lock_guard lock(impl_->mutex);
    return impl_->requests.size();
}

bool test_server::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(impl_->mutex);
    return impl_->changed.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

bool test_server::wait_for_closed(std::size_t n, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(impl_->mutex);
    return impl_->changed.wait_for(lock, timeout, [&] { return impl_->closed >= n; });
}

std::uint16_t unused_port()
{
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    auto port = acceptor.local_endpoint().port();
    acceptor.close();
    return port;
}

}  // namespace prereadd::test
