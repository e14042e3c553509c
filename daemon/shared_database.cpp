// The shared database and this daemon's leases (shared_database.hpp).
#include "daemon/shared_database.hpp"

#include "daemon/log.hpp"
#include "reminding/literal.hpp"
#include "store/postgresql_schema.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <algorithm>
#include <ctime>

namespace prereadd::daemon {
namespace {

namespace asio = boost::asio;
namespace leases = store::leases;
using boost::system::error_code;

// Statements end well within the margin a post keeps from the lease's end.
std::chrono::milliseconds statement_deadline(std::chrono::seconds lease_time)
{
    return std::min<std::chrono::milliseconds>(std::chrono::seconds(10), lease_time / 6);
}

std::string daemon_id(const std::string& node)
{
    return node + "/" + std::to_string(::getpid()) + "/" + std::to_string(std::time(nullptr));
}

}  // namespace

shared_database::shared_database(asio::any_io_executor ex, config::database_config config)
    : config_(std::move(config)),
      deadline_(statement_deadline(config_.lease_time)),
      connection_(ex),
      state_(connection_, deadline_, config_.node),
      id_(daemon_id(config_.node)),
      // A post starts only while the last renewal has a quarter of the lease
      // time left: room for the post itself and for clocks that run apart.
      keeper_(config_.lease_time, config_.lease_time / 4),
      turn_(ex),
      sleep_(ex)
{
}

asio::awaitable<error_code> async_connect(store::postgresql::connection& c, const config::database_config& d,
                                          std::chrono::milliseconds deadline)
{
    const std::string password = d.password ? d.password->reveal_for_authorization() : std::string();
    co_return co_await c.async_connect(d.uri, deadline, password);
}

std::string failure_text(const error_code& ec, const store::postgresql::connection& c)
{
    const auto& said = c.server_message();
    return ec.message() + (said.empty() ? "" : ": " + reminding::log_text(said));
}

asio::awaitable<void> shared_database::take_turn()
{
    while (busy_) {
        turn_.expires_at(std::chrono::steady_clock::time_point::max());
        error_code ignored;
        co_await turn_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    busy_ = true;
}

void shared_database::give_turn()
{
    busy_ = false;
    turn_.cancel();
}

asio::awaitable<error_code> shared_database::async_ready()
{
    if (!connection_.open())
        if (auto ec = co_await async_connect(connection_, config_, deadline_)) co_return ec;
    if (!migrated_) {
        // Several daemons starting at once migrate once: the schema takes an advisory lock.
        auto migrated = co_await store::postgresql::async_migrate(connection_, std::chrono::seconds(60));
        if (!migrated) co_return migrated.error();
        migrated_ = true;
    }
    co_return error_code{};
}

asio::awaitable<error_code> shared_database::async_renew(std::vector<std::string> projects, bool plan)
{
    if (auto ec = co_await async_ready()) co_return ec;
    // Validity counts from before the renewal was sent: a slow answer shortens it.
    const auto sent = std::chrono::steady_clock::now();
    auto beat = co_await leases::async_heartbeat(connection_, id_, config_.node, config_.lease_time, deadline_);
    if (!beat) co_return beat.error();
    std::vector<std::string> wanted = std::move(projects);
    std::vector<std::string> release;
    if (plan) {
        auto current = co_await leases::async_current(connection_, deadline_);
        if (!current) co_return current.error();
        auto p = leases::plan_leases(*current, wanted, id_, beat->live, beat->now);
        wanted = std::move(p.keep);
        wanted.insert(wanted.end(), p.take.begin(), p.take.end());
        release = std::move(p.release);
    }
    auto taken = co_await leases::async_take(connection_, id_, wanted, config_.lease_time, deadline_);
    if (!taken) co_return taken.error();
    held_.clear();
    for (const auto& l : *taken) held_.insert(l.project);
    keeper_.renewed(std::move(*taken), sent);
    // Given back after the renewal: a failure here leaves them to expire.
    co_return co_await leases::async_release(connection_, id_, std::move(release), false, deadline_);
}

asio::awaitable<error_code> shared_database::async_take_share(std::vector<std::string> projects)
{
    co_await take_turn();
    auto ec = co_await async_renew(std::move(projects), true);
    if (ec) {
        // Cut off from the database (or refused): nothing is polled or posted until it answers.
        held_.clear();
        keeper_.lost();
    }
    give_turn();
    co_return ec;
}

asio::awaitable<void> shared_database::keep_renewing()
{
    bool failing = false;
    while (!stopping_) {
        sleep_.expires_after(config_.lease_time / 3);
        error_code slept;
        co_await sleep_.async_wait(asio::redirect_error(asio::use_awaitable, slept));
        if (stopping_) break;
        co_await take_turn();
        const std::vector<std::string> mine(held_.begin(), held_.end());
        const auto ec = co_await async_renew(mine, false);
        give_turn();
        if (ec && !failing)
            log(priority::warning, "database: leases not renewed (" + why(ec) +
                                       "); posting stops when they may have run out, until the database answers");
        else if (!ec && failing)
            log(priority::notice, "database: leases renewed again");
        failing = static_cast<bool>(ec);
    }
}

asio::awaitable<error_code> shared_database::async_release_all()
{
    co_await take_turn();
    error_code ec;
    if (connection_.open()) ec = co_await leases::async_release(connection_, id_, {}, true, deadline_);
    held_.clear();
    keeper_.lost();
    give_turn();
    co_return ec;
}

void shared_database::stop()
{
    stopping_ = true;
    sleep_.cancel();
}

}  // namespace prereadd::daemon
