// The small HTTP/1.1 server (see server.hpp).
#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace prereadd::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::beast::get_lowest_layer;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

template <class Stream>
asio::awaitable<boost::system::result<server_request>> read_on(Stream& stream, boost::beast::flat_buffer& buffer,
                                                               std::uint32_t header_limit, std::uint64_t body_limit)
{
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    if (ec) co_return ec;
    co_return parser.release();
}

}  // namespace

server_connection::server_connection(std::variant<plain_stream, tls_stream> stream, std::size_t number,
                                     const server_options& options)
    : stream_(std::move(stream)), number_(number), header_limit_(options.header_limit), body_limit_(options.body_limit)
{
}

tcp::socket& server_connection::socket()
{
    return std::visit([](auto& s) -> tcp::socket& { return get_lowest_layer(s).socket(); }, stream_);
}

void server_connection::expires_after(std::chrono::steady_clock::duration d)
{
    std::visit([&](auto& s) { get_lowest_layer(s).expires_after(d); }, stream_);
}

asio::awaitable<boost::system::result<server_request>> server_connection::async_read()
{
    if (auto* tls = std::get_if<tls_stream>(&stream_))
        co_return co_await read_on(*tls, buffer_, header_limit_, body_limit_);
    co_return co_await read_on(std::get<plain_stream>(stream_), buffer_, header_limit_, body_limit_);
}

asio::awaitable<boost::system::error_code> server_connection::async_write(server_response& response)
{
    if (auto* tls = std::get_if<tls_stream>(&stream_)) {
        auto [ec, n] = co_await bhttp::async_write(*tls, response, use_tuple);
        co_return ec;
    }
    auto [ec, n] = co_await bhttp::async_write(std::get<plain_stream>(stream_), response, use_tuple);
    co_return ec;
}

asio::awaitable<boost::system::error_code> server_connection::async_write_raw(std::string_view bytes)
{
    if (auto* tls = std::get_if<tls_stream>(&stream_)) {
        auto [ec, n] = co_await asio::async_write(*tls, asio::buffer(bytes), use_tuple);
        co_return ec;
    }
    auto [ec, n] = co_await asio::async_write(std::get<plain_stream>(stream_), asio::buffer(bytes), use_tuple);
    co_return ec;
}

void server_connection::close()
{
    boost::system::error_code ignored;
    if (std::holds_alternative<plain_stream>(stream_)) socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
}

server::server(asio::any_io_executor ex, connection_handler handler, server_options options, asio::ssl::context* tls)
    : acceptor_(ex), handler_(std::move(handler)), options_(std::move(options)), tls_(tls)
{
}

std::shared_ptr<server> server::listen(asio::any_io_executor ex, const tcp::endpoint& where, connection_handler handler,
                                       server_options options, asio::ssl::context* tls)
{
    auto s = std::make_shared<server>(std::move(ex), std::move(handler), std::move(options), tls);
    s->acceptor_.open(where.protocol());
    if (s->options_.reuse_address) s->acceptor_.set_option(tcp::acceptor::reuse_address(true));
    s->acceptor_.bind(where);
    s->acceptor_.listen();
    return s;
}

void server::start()
{
    asio::co_spawn(
        acceptor_.get_executor(), [self = shared_from_this()] { return self->accept_loop(); }, asio::detached);
}

void server::stop()
{
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

asio::awaitable<void> server::accept_loop()
{
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (ec) {
            // Out of descriptors or memory: accepting again at once would spin.
            asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(use_tuple);
            continue;
        }
        if (open_ >= options_.max_connections) continue;  // dropped: the client retries
        const std::size_t number = ++accepted_;
        ++open_;
        if (options_.on_accept) options_.on_accept(number);
        asio::co_spawn(
            acceptor_.get_executor(),
            [self = shared_from_this(), s = std::move(socket), number]() mutable {
                return self->session(std::move(s), number);
            },
            asio::detached);
    }
}

asio::awaitable<void> server::session(tcp::socket socket, std::size_t number)
{
    // The count also when the frame is destroyed unfinished (the executor
    // shut down); on_close only for a connection that really ended, as its
    // owner may be gone by then.
    struct leave {
        std::size_t& open;
        ~leave() { --open; }
    } on_exit{open_};
    if (tls_) {
        server_connection::tls_stream stream(std::move(socket), *tls_);
        auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
        server_connection connection(std::move(stream), number, options_);
        if (!ec) co_await handler_(connection);
        connection.close();
    } else {
        server_connection connection(server_connection::plain_stream(std::move(socket)), number, options_);
        co_await handler_(connection);
        connection.close();
    }
    if (options_.on_close) options_.on_close(number);
}

}  // namespace prereadd::http
