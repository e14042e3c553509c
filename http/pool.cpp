// Connection pool for one origin (see pool.hpp). Waiters sleep on their own
// timer set to the deadline; a release wakes the oldest by cancelling it.
#include "http/pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace prereadd::http {

namespace asio = boost::asio;

host_pool::host_pool(asio::any_io_executor executor, origin peer, asio::ssl::context* tls, std::size_t max_connections,
                     std::chrono::milliseconds idle_timeout)
    : executor_(std::move(executor)),
      peer_(std::move(peer)),
      tls_(tls),
      max_(std::max<std::size_t>(1, max_connections)),
      idle_timeout_(idle_timeout)
{
}

asio::awaitable<outcome<std::unique_ptr<connection>>> host_pool::async_acquire(connection::clock::time_point deadline,
                                                                               bool fresh)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    for (;;) {
        const auto now = connection::clock::now();
        while (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            if (!fresh && now - conn->idle_since < idle_timeout_ && !conn->peer_closed()) {
                ++stats_.reused;
                co_return conn;
            }
            ++stats_.stale;
            conn->close();
            --open_;
            if (fresh) break;  // one slot is enough for a fresh connection
        }
        if (open_ < max_) {
            ++open_;
            ++stats_.opened;
            co_return std::make_unique<connection>(executor_, peer_, tls_);
        }

        waiter w{asio::steady_timer(executor_), false};
        w.timer.expires_at(deadline);
        auto position = waiters_.insert(waiters_.end(), &w);
        auto [ec] = co_await w.timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (!w.woken) waiters_.erase(position);
        if (w.woken) continue;
        if (!ec)
            co_return failure{http::error::timeout,
                              "deadline passed waiting for a free connection to " + peer_.to_string()};
        co_return failure{ec, "waiting for a connection to " + peer_.to_string()};
    }
}

void host_pool::release(std::unique_ptr<connection> conn)
{
    if (conn->reusable() && conn->is_open()) {
        conn->idle_since = connection::clock::now();
        idle_.push_back(std::move(conn));
    } else {
        conn->close();
        --open_;
    }
    wake_one();
}

void host_pool::close_idle()
{
    for (auto& conn : idle_) conn->close();
    open_ -= idle_.size();
    idle_.clear();
    while (!waiters_.empty()) wake_one();
}

void host_pool::wake_one()
{
    if (waiters_.empty()) return;
    waiter* w = waiters_.front();
    waiters_.pop_front();
    w->woken = true;
    w->timer.cancel();
}

}  // namespace prereadd::http
