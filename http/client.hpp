// The HTTP client every Nextcloud call goes through.
//
// Contract:
// - One pool per origin (scheme, host, port) with at most
//   `max_connections_per_host` connections; requests beyond that queue in
//   arrival order until a connection is free or their deadline passes.
// - Keep-alive: a connection is reused only after a complete exchange that both
//   sides kept open, and only if a non-blocking peek shows the peer has not
//   closed it meanwhile. If a reused connection still fails before any byte of
//   the response, an idempotent request is resent once on a fresh connection.
// - Every attempt has a deadline covering resolve, connect, TLS handshake,
//   write and read (`request_timeout`, or the request's own `timeout`).
//   Cancelling the awaiting coroutine (a cancellation slot, or `||` with a
//   timer) aborts the request in flight and closes its connection.
// - Retries: only idempotent methods (GET, HEAD, OPTIONS, PROPFIND, REPORT), on
//   transient transport errors, 429, 502, 503 and 504, with full-jitter
//   exponential back-off or the server's Retry-After up to a cap. POST, PUT,
//   DELETE and the rest are sent once, unless the request says it is
//   `safe_to_repeat` (a read sent as a POST form).
// - 401 is `error::unauthorized`; from then on this client refuses to use the
//   credential (`error::credential_rejected`) until `reset_credential()`, since
//   repeating a wrong password trips Nextcloud's brute-force protection for the
//   whole host. 403 is `error::forbidden` with the response body in `detail`.
//   Neither is retried.
// - Redirects (301, 302, 303, 307, 308) to the same origin are followed, at most
//   `max_redirects`; 303 turns the request into a GET. Another origin is an error.
// - Other statuses (2xx, 304, 404, 412, ...) are responses: the caller knows
//   which ones it expects.
// - Threading: a client and its pools belong to one executor, which must not
//   run handlers concurrently (the daemon runs one io_context on one thread).
#pragma once

#include "http/client_config.hpp"
#include "http/error.hpp"
#include "http/message.hpp"
#include "http/pool.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <map>
#include <memory>
#include <random>

namespace prereadd::http {

struct client_stats {
    std::size_t requests = 0;  // calls of async_request
    std::size_t attempts = 0;  // exchanges tried, retries included
    std::size_t retries = 0;
    std::size_t redirects = 0;
};

// One finished call of async_request, for metrics: what was asked, how it ended.
struct exchange_record {
    std::string method;
    std::string path;                 // the URL's path, without the query
    unsigned status = 0;              // 0 when no response arrived
    boost::system::error_code error;  // set when the call failed
    std::chrono::steady_clock::duration took{};
    std::optional<std::chrono::seconds> retry_after;  // the server's, when a failure came with one
};

class client {
public:
    // Throws std::runtime_error when the TLS trust store cannot be loaded.
    client(boost::asio::any_io_executor executor, client_config config, credential cred);
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    boost::asio::awaitable<outcome<response>> async_request(request req);

    // Called after every async_request (retries and redirects included in it).
    void on_exchange(std::function<void(const exchange_record&)> observer) { observer_ = std::move(observer); }

    // Accepts a (new) credential after an earlier 401, e.g. on reload.
    void reset_credential(credential cred);
    bool credential_usable() const noexcept { return !credential_rejected_; }

    // Closes idle keep-alive connections of every pool.
    void close_idle();

    const client_stats& stats() const noexcept { return stats_; }
    // Pool statistics summed over all origins.
    pool_stats connection_stats() const;
    std::size_t open_connections() const;

    // Replaces the random source of the back-off jitter (tests pin it).
    void set_jitter_source(std::function<double()> source) { jitter_ = std::move(source); }

private:
    host_pool& pool_for(const origin& peer);
    using wire_request = boost::beast::http::request<boost::beast::http::string_body>;
    boost::asio::awaitable<outcome<response>> async_attempt(host_pool& pool, wire_request& req,
                                                            std::chrono::milliseconds timeout);
    // One request to one URL with the retries the policy allows; the last
    // attempt's Retry-After is kept for the failure.
    boost::asio::awaitable<outcome<response>> async_with_retries(const url& target, wire_request& req,
                                                                 std::chrono::milliseconds timeout,
                                                                 boost::beast::http::verb retry_as,
                                                                 std::optional<std::chrono::seconds>& retry_after);
    wire_request wire_request_of(request& r, const url& target) const;

    boost::asio::any_io_executor executor_;
    client_config config_;
    credential credential_;
    std::string authorization_;
    bool credential_rejected_ = false;
    boost::asio::ssl::context tls_;
    std::map<origin, std::unique_ptr<host_pool>> pools_;
    client_stats stats_;
    std::function<void(const exchange_record&)> observer_;
    boost::asio::awaitable<outcome<response>> async_request_unobserved(request req);
    std::function<double()> jitter_;
};

}  // namespace prereadd::http
