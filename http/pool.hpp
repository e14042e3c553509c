// The connections to one origin: at most `max` open at once, idle ones reused
// most-recent first, and callers beyond the limit queued in arrival order.
// Not thread-safe: a pool lives on the client's single-threaded executor.
#pragma once

#include "http/connection.hpp"
#include "http/error.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <list>
#include <memory>
#include <vector>

namespace prereadd::http {

struct pool_stats {
    std::size_t opened = 0;  // connections created
    std::size_t reused = 0;  // requests served on an idle connection
    std::size_t stale = 0;   // idle connections found closed by the peer or too old
};

class host_pool {
public:
    host_pool(boost::asio::any_io_executor executor, origin peer, boost::asio::ssl::context* tls,
              std::size_t max_connections, std::chrono::milliseconds idle_timeout);
    host_pool(const host_pool&) = delete;
    host_pool& operator=(const host_pool&) = delete;

    // A connection to use for one exchange, or a failure if the deadline passes
    // (or the caller is cancelled) while all connections are busy.
    // `fresh` skips idle connections, for a retry after a stale one failed.
    boost::asio::awaitable<outcome<std::unique_ptr<connection>>> async_acquire(connection::clock::time_point deadline,
                                                                               bool fresh = false);

    // Gives a connection back: kept for reuse when its last exchange allows,
    // otherwise closed. Wakes the first waiter either way.
    void release(std::unique_ptr<connection> conn);

    // Closes every idle connection (reload, shutdown).
    void close_idle();

    std::size_t open_connections() const noexcept { return open_; }
    std::size_t idle_connections() const noexcept { return idle_.size(); }
    const pool_stats& stats() const noexcept { return stats_; }

private:
    struct waiter {
        boost::asio::steady_timer timer;
        bool woken = false;
    };
    void wake_one();

    boost::asio::any_io_executor executor_;
    origin peer_;
    boost::asio::ssl::context* tls_;
    std::size_t max_;
    std::chrono::milliseconds idle_timeout_;
    std::size_t open_ = 0;
    std::vector<std::unique_ptr<connection>> idle_;
    std::list<waiter*> waiters_;
    pool_stats stats_;
};

}  // namespace prereadd::http
