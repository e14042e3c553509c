// The loopback HTTP server for /metrics (Prometheus text) and /healthz
// (200 or 503 with the reason). Small on purpose: HTTP/1.1, GET only, one
// request per connection, a deadline on each, a bound on connections.
#pragma once

#include "daemon/metrics.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>

namespace prereadd::daemon {

// Owned through a shared_ptr: its coroutines keep it alive until they end, so
// a reload may replace it while a scrape is being answered.
class metrics_server : public std::enable_shared_from_this<metrics_server> {
public:
    // Binds at once (throws std::system_error when the address is taken).
    metrics_server(boost::asio::any_io_executor ex, const boost::asio::ip::tcp::endpoint& where,
                   std::function<std::string()> render, std::function<health()> check);

    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    boost::asio::awaitable<void> serve();
    void stop();  // closes the listener; connections in flight finish

private:
    boost::asio::awaitable<void> answer(boost::asio::ip::tcp::socket socket);

    boost::asio::ip::tcp::acceptor acceptor_;
    std::function<std::string()> render_;
    std::function<health()> check_;
    std::size_t open_ = 0;
};

}  // namespace prereadd::daemon
