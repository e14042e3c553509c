// A small HTTP/1.1 server: it accepts on one endpoint, plain or TLS, and
// hands each connection to a coroutine of its user, which reads requests and
// writes responses (or raw bytes, or nothing) as it sees fit. One component
// for the three servers of the project: the metrics endpoint, and the tests'
// Nextcloud simulator and scripted test server.
//
// Threading: everything runs on the executor given; start() and stop() are
// called on it. Ownership: held by a shared_ptr, which the accept loop and
// every connection keep, so the owner may drop or replace the server while a
// connection is being answered (a reload does). Binding throws
// std::system_error (start-up failure); connection failures end the
// connection and are never reported further.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string_view>
#include <variant>

namespace prereadd::http {

using server_request = boost::beast::http::request<boost::beast::http::string_body>;
using server_response = boost::beast::http::response<boost::beast::http::string_body>;

struct server_options {
    std::size_t max_connections = std::numeric_limits<std::size_t>::max();  // beyond: accepted and closed at once
    std::uint32_t header_limit = 8 * 1024;
    std::uint64_t body_limit = 1024 * 1024;
    bool reuse_address = false;  // to listen again on a port just closed
    // Before the TLS handshake, and once the connection is closed (numbers from 1).
    std::function<void(std::size_t connection)> on_accept;
    std::function<void(std::size_t connection)> on_close;
};

// One accepted connection, handshaken when the server speaks TLS.
class server_connection {
public:
    using plain_stream = boost::beast::tcp_stream;
    using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

    server_connection(std::variant<plain_stream, tls_stream> stream, std::size_t number, const server_options& options);

    std::size_t number() const { return number_; }
    // The TCP socket underneath: options (linger), shutdown and close.
    boost::asio::ip::tcp::socket& socket();
    // A deadline for whatever comes next (reads and writes); none by default.
    void expires_after(std::chrono::steady_clock::duration d);

    // The next request; an error when the peer closed, a limit or the deadline was exceeded.
    boost::asio::awaitable<boost::system::result<server_request>> async_read();
    boost::asio::awaitable<boost::system::error_code> async_write(server_response& response);
    boost::asio::awaitable<boost::system::error_code> async_write_raw(std::string_view bytes);
    // Closes as the protocol says: shutdown for TCP, close (no close_notify wait) for TLS.
    void close();

private:
    std::variant<plain_stream, tls_stream> stream_;
    boost::beast::flat_buffer buffer_;
    std::size_t number_;
    std::uint32_t header_limit_;
    std::uint64_t body_limit_;
};

using connection_handler = std::function<boost::asio::awaitable<void>(server_connection&)>;

class server : public std::enable_shared_from_this<server> {
public:
    // Binds and listens at once (throws std::system_error when it cannot).
    static std::shared_ptr<server> listen(boost::asio::any_io_executor ex, const boost::asio::ip::tcp::endpoint& where,
                                          connection_handler handler, server_options options = {},
                                          boost::asio::ssl::context* tls = nullptr);

    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    // Accepts until stop(); each connection on a coroutine of its own.
    void start();
    // Closes the listener: connects are refused; connections in flight finish.
    void stop();
    bool listening() const { return acceptor_.is_open(); }
    std::size_t open_connections() const { return open_; }

    server(boost::asio::any_io_executor ex, connection_handler handler, server_options options,
           boost::asio::ssl::context* tls);

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket, std::size_t number);

    boost::asio::ip::tcp::acceptor acceptor_;
    connection_handler handler_;
    server_options options_;
    boost::asio::ssl::context* tls_;
    std::size_t accepted_ = 0;
    std::size_t open_ = 0;
};

}  // namespace prereadd::http
