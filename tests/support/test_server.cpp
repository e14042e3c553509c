// The scripted test server (see test_server.hpp): one io_context on its own
// thread, one coroutine per connection, the test's handler deciding each reply.
#include "tests/support/test_server.hpp"

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
    tcp::acceptor acceptor{io};
    std::optional<asio::ssl::context> tls;
    handler on_request;
    std::thread thread;

    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::vector<received_request> requests;
    std::size_t accepted = 0;
    std::size_t open = 0;
    std::size_t max_concurrent = 0;
    std::size_t closed = 0;

    template <class Stream>
    asio::awaitable<void> serve(Stream& stream, std::size_t connection);
    asio::awaitable<void> session(tcp::socket socket, std::size_t connection);
    asio::awaitable<void> accept_loop();
};

template <class Stream>
asio::awaitable<void> test_server::impl::serve(Stream& stream, std::size_t connection)
{
    beast::flat_buffer buffer;
    auto& socket = beast::get_lowest_layer(stream).socket();
    for (;;) {
        bhttp::request<bhttp::string_body> req;
        auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, use_tuple);
        if (ec) co_return;

        received_request seen;
        seen.method = std::string(req.method_string());
        seen.target = std::string(req.target());
        for (const auto& field : req) {
            std::string name(field.name_string());
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            seen.headers[name] = std::string(field.value());
        }
        seen.body = req.body();
        seen.connection = connection;
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
        case reply::action::close:
            co_return;
        case reply::action::raw: {
            auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(r.raw), use_tuple);
            if (wec || r.close_after_raw) {
                beast::error_code ignored;
                socket.shutdown(tcp::socket::shutdown_both, ignored);
                co_return;
            }
            continue;
        }
        case reply::action::respond: {
            bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), 11};
            res.set(bhttp::field::server, "prereadd-test");
            for (const auto& [name, value] : r.headers) res.set(name, value);
            res.body() = r.body;
            res.keep_alive(r.keep_alive && req.keep_alive());
            res.prepare_payload();
            auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
            if (wec || !res.keep_alive()) co_return;
            break;
        }
        }
    }
}

asio::awaitable<void> test_server::impl::session(tcp::socket socket, std::size_t connection)
{
    beast::error_code ignored;
    if (tls) {
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
        auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
        if (!hec) co_await serve(stream, connection);
        beast::get_lowest_layer(stream).socket().close(ignored);
    } else {
        beast::tcp_stream stream(std::move(socket));
        co_await serve(stream, connection);
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.socket().close(ignored);
    }
    {
        std::lock_guard lock(mutex);
        --open;
        ++closed;
    }
    changed.notify_all();
}

asio::awaitable<void> test_server::impl::accept_loop()
{
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec) co_return;
        std::size_t number;
        {
            std::lock_guard lock(mutex);
            number = ++accepted;
            max_concurrent = std::max(max_concurrent, ++open);
        }
        asio::co_spawn(io, session(std::move(socket), number), asio::detached);
    }
}

test_server::test_server(handler h, const tls_identity* tls) : impl_(std::make_unique<impl>()), tls_(tls != nullptr)
{
    impl_->on_request = std::move(h);
    if (tls) {
        impl_->tls.emplace(asio::ssl::context::tls_server);
        impl_->tls->use_certificate_chain(asio::buffer(tls->certificate_pem));
        impl_->tls->use_private_key(asio::buffer(tls->private_key_pem), asio::ssl::context::pem);
    }
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen();
    port_ = impl_->acceptor.local_endpoint().port();
    asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
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
