// The loopback HTTP server for /metrics (Prometheus text) and /healthz
// (200 or 503 with the reason). Small on purpose: HTTP/1.1, GET only, one
// request per connection, a deadline on each, a bound on connections; the
// accepting and TLS-free connection handling are http/server.hpp's.
#pragma once

#include "daemon/metrics.hpp"
#include "http/server.hpp"

#include <functional>
#include <memory>
#include <string>

namespace prereadd::daemon {

class metrics_server {
public:
    // Binds at once (throws std::system_error when the address is taken).
    metrics_server(boost::asio::any_io_executor ex, const boost::asio::ip::tcp::endpoint& where,
                   std::function<std::string()> render, std::function<health()> check);

    boost::asio::ip::tcp::endpoint local_endpoint() const { return server_->local_endpoint(); }
    void start() { server_->start(); }
    void stop() { server_->stop(); }  // closes the listener; connections in flight finish

    // The answer to one request (pure, for the tests too).
    static http::server_response answer(const http::server_request& req, const std::function<std::string()>& render,
                                        const std::function<health()>& check);

private:
    std::shared_ptr<http::server> server_;
};

}  // namespace prereadd::daemon
