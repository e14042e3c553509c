// One connection's life: resolve, connect, TLS handshake, exchanges, close.
// Every step runs under the caller's deadline; a failed step closes the socket.
#include "http/connection.hpp"

#include "http/tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/socket.h>

#include <cerrno>

namespace prereadd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Turns what a Beast/Asio step reported into the failure the caller sees.
failure describe(const error_code& ec, const origin& peer, const char* stage)
{
    const std::string where = std::string(stage) + " " + peer.to_string();
    if (ec == beast::error::timeout) return {http::error::timeout, "deadline passed while " + where};
    if (ec == bhttp::error::body_limit) return {http::error::body_too_large, "response body from " + peer.to_string()};
    if (ec == bhttp::error::header_limit)
        return {http::error::malformed_response, "response header block too large from " + peer.to_string()};
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated ||
        ec == asio::error::broken_pipe)
        return {http::error::connection_closed, ec.message() + " while " + where};
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category())
        return {http::error::malformed_response, ec.message() + " from " + peer.to_string()};
    return {ec, where};
}

}  // namespace

connection::connection(asio::any_io_executor executor, origin peer, asio::ssl::context* tls)
    : executor_(std::move(executor)), peer_(std::move(peer)), tls_context_(tls)
{
    if (peer_.tls)
        secure_.emplace(executor_, *tls_context_);
    else
        plain_.emplace(executor_);
}

connection::~connection() { close(); }

beast::tcp_stream& connection::tcp() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }

const beast::tcp_stream& connection::tcp() const { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }

bool connection::is_open() const { return connected_ && tcp().socket().is_open(); }

bool connection::peer_closed() const
{
    if (!is_open()) return true;
    if (buffer_.size() != 0) return true;
    char byte;
    ssize_t n =
        ::recv(const_cast<beast::tcp_stream&>(tcp()).socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n >= 0) return true;  // EOF, or bytes nobody asked for
    return !(errno == EAGAIN || errno == EWOULDBLOCK);
}

void connection::close()
{
    reusable_ = false;
    connected_ = false;
    error_code ignored;
    auto& stream = tcp();
    if (stream.socket().is_open()) {
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        stream.socket().close(ignored);
    }
}

asio::awaitable<std::optional<failure>> connection::async_connect(clock::time_point deadline)
{
    using namespace asio::experimental::awaitable_operators;
    co_await asio::this_coro::throw_if_cancelled(false);

    asio::ip::tcp::resolver resolver(executor_);
    asio::steady_timer timer(executor_);
    timer.expires_at(deadline);
    auto resolved = co_await (resolver.async_resolve(peer_.host, std::to_string(peer_.port), use_tuple) ||
                              timer.async_wait(use_tuple));
    if (resolved.index() == 1) {
        auto [ec] = std::get<1>(resolved);
        if (ec == asio::error::operation_aborted) co_return failure{ec, "resolving " + peer_.host};
        co_return failure{http::error::timeout, "deadline passed while resolving " + peer_.host};
    }
    auto [resolve_ec, endpoints] = std::get<0>(resolved);
    if (resolve_ec) co_return failure{resolve_ec, "resolving " + peer_.host};

    auto& stream = tcp();
    stream.expires_at(deadline);
    auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, use_tuple);
    if (connect_ec) co_return describe(connect_ec, peer_, "connecting to");
    stream.socket().set_option(asio::ip::tcp::no_delay(true));

    if (secure_) {
        if (!prepare_tls_connection(secure_->native_handle(), peer_))
            co_return failure{http::error::tls_verification_failed,
                              "cannot set up host name verification for " + peer_.host};
        stream.expires_at(deadline);
        auto [hs_ec] = co_await secure_->async_handshake(asio::ssl::stream_base::client, use_tuple);
        if (hs_ec) {
            if (auto problem = tls_verification_problem(secure_->native_handle()); !problem.empty())
                co_return failure{http::error::tls_verification_failed,
                                  "certificate of " + peer_.to_string() + ": " + problem};
            co_return describe(hs_ec, peer_, "TLS handshake with");
        }
    }
    connected_ = true;
    co_return std::nullopt;
}

template <class Stream>
asio::awaitable<outcome<response>> connection::async_exchange_on(Stream& stream,
                                                                 bhttp::request<bhttp::string_body>& req,
                                                                 clock::time_point deadline, exchange_limits limits)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    auto& lowest = tcp();

    lowest.expires_at(deadline);
    auto [write_ec, written] = co_await bhttp::async_write(stream, req, use_tuple);
    if (write_ec) co_return describe(write_ec, peer_, "sending to");

    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(limits.max_body_size);
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_size));
    if (req.method() == bhttp::verb::head) parser.skip(true);

    lowest.expires_at(deadline);
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer_, parser, use_tuple);
    nothing_received_ = !parser.got_some();
    bool closed_by_peer = false;
    if (read_ec == asio::ssl::error::stream_truncated && parser.is_header_done() && !parser.is_done() &&
        !parser.chunked() && !parser.content_length()) {
        // A body delimited by the connection closing, from a TLS peer that
        // skipped close_notify: complete as far as HTTP is concerned.
        error_code eof_ec;
        parser.put_eof(eof_ec);
        if (eof_ec) co_return describe(eof_ec, peer_, "reading from");
        closed_by_peer = true;
    } else if (read_ec) {
        co_return describe(read_ec, peer_, "reading from");
    }
    lowest.expires_never();

    auto message = parser.release();
    reusable_ = !closed_by_peer && message.keep_alive() && !parser.need_eof() && buffer_.size() == 0;
    ++exchanges_;

    response res;
    res.status = message.result_int();
    res.body = std::move(message.body());
    res.headers = std::move(static_cast<bhttp::fields&>(message));
    co_return res;
}

asio::awaitable<outcome<response>> connection::async_exchange(bhttp::request<bhttp::string_body>& req,
                                                              clock::time_point deadline, exchange_limits limits)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    reusable_ = false;
    nothing_received_ = true;
    if (!connected_) {
        if (auto f = co_await async_connect(deadline)) {
            close();
            co_return std::move(*f);
        }
    }
    // Two statements, not a conditional expression: g++ 12 miscompiles
    // co_await inside ?: (the temporary is destroyed twice).
    outcome<response> result = failure{};
    if (secure_)
        result = co_await async_exchange_on(*secure_, req, deadline, limits);
    else
        result = co_await async_exchange_on(*plain_, req, deadline, limits);
    if (!result || !reusable_) close();
    co_return result;
}

}  // namespace prereadd::http
