// One HTTP/1.1 connection to one origin, plain TCP or TLS, carrying one
// request at a time; whether it may be reused is decided after each exchange.
#pragma once

#include "http/error.hpp"
#include "http/message.hpp"
#include "http/url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace prereadd::http {

struct exchange_limits {
    std::size_t max_body_size;
    std::size_t max_header_size;
};

class connection {
public:
    using clock = std::chrono::steady_clock;

    connection(boost::asio::any_io_executor executor, origin peer, boost::asio::ssl::context* tls);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection();

    // Connects first when not connected, then writes the request and reads the
    // response, all before `deadline`. Any failure closes the connection.
    boost::asio::awaitable<outcome<response>> async_exchange(
        boost::beast::http::request<boost::beast::http::string_body>& req, clock::time_point deadline,
        exchange_limits limits);

    bool is_open() const;
    // The last exchange completed and both sides agreed to keep the connection.
    bool reusable() const noexcept { return reusable_; }
    // A request was carried before the current one: a failure with no byte of
    // response may just mean the server had closed the idle connection.
    bool carried_requests() const noexcept { return exchanges_ > 0; }
    // The last failed exchange received no byte of a response.
    bool nothing_received() const noexcept { return nothing_received_; }
    // Non-blocking check that an idle connection was not closed by the peer
    // (EOF, reset, or unsolicited bytes such as a 408 all disqualify it).
    bool peer_closed() const;
    void close();

    clock::time_point idle_since{};

private:
    boost::beast::tcp_stream& tcp();
    const boost::beast::tcp_stream& tcp() const;
    template <class Stream>
    boost::asio::awaitable<outcome<response>> async_exchange_on(
        Stream& stream, boost::beast::http::request<boost::beast::http::string_body>& req, clock::time_point deadline,
        exchange_limits limits);
    boost::asio::awaitable<std::optional<failure>> async_connect(clock::time_point deadline);

    boost::asio::any_io_executor executor_;
    origin peer_;
    boost::asio::ssl::context* tls_context_;
    std::optional<boost::beast::tcp_stream> plain_;
    std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure_;
    boost::beast::flat_buffer buffer_;
    bool connected_ = false;
    bool reusable_ = false;
    bool nothing_received_ = false;
    unsigned exchanges_ = 0;
};

}  // namespace prereadd::http
