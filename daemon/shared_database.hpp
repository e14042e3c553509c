// One daemon among several on one PostgreSQL database (docs/scaling.md):
// the connection, the state on it, and the projects this daemon leases.
// Internal to daemon/: `run` makes one when the configuration names a
// database, and gives the poll cycle and the reminder pass its store, the
// projects held and whether it may post.
//
// Two callers, one io thread: the main loop takes its share at the start of
// each pass (async_take_share), and keep_renewing() renews what is held every
// third of the lease time, also while the loop sleeps or rests. They take
// turns, so a renewal never takes back a project the pass just gave away.
#pragma once

#include "config/configuration.hpp"
#include "store/leases.hpp"
#include "store/postgresql.hpp"
#include "store/postgresql_state.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace prereadd::daemon {

// Connects to the configured database, the password given apart from the URI.
boost::asio::awaitable<boost::system::error_code> async_connect(store::postgresql::connection& c,
                                                                const config::database_config& d,
                                                                std::chrono::milliseconds deadline);
// A failure as the log and `status` say it: the error and what the server said (never the password).
std::string failure_text(const boost::system::error_code& ec, const store::postgresql::connection& c);

class shared_database {
public:
    shared_database(boost::asio::any_io_executor ex, config::database_config config);

    store::backend& store() noexcept { return state_; }
    store::shared_reads& reads() noexcept { return state_; }
    // This daemon's name in the leases: "<node>/<pid>/<start time>", so a
    // restarted daemon on the same node is a new holder.
    const std::string& id() const noexcept { return id_; }

    // Connected (the schema migrated once per process), alive, and holding
    // its fair share of `projects`; what is beyond it given back. A failure
    // leaves nothing held: the pass then polls and posts for nothing.
    boost::asio::awaitable<boost::system::error_code> async_take_share(std::vector<std::string> projects);
    // Renews every third of the lease time until stop(); a failure is
    // logged once per run of failures, and may_post() runs out by itself.
    boost::asio::awaitable<void> keep_renewing();
    // SIGTERM: every lease and the heartbeat given back, so the others take
    // the projects at their next pass instead of after the lease time.
    boost::asio::awaitable<boost::system::error_code> async_release_all();
    void stop();

    const std::set<std::string>& held() const noexcept { return held_; }
    const std::vector<store::leases::lease>& leases() const noexcept { return keeper_.held(); }
    bool may_post() const { return keeper_.may_post(std::chrono::steady_clock::now()); }
    std::string why(const boost::system::error_code& ec) const { return failure_text(ec, connection_); }

private:
    boost::asio::awaitable<boost::system::error_code> async_ready();
    boost::asio::awaitable<boost::system::error_code> async_renew(std::vector<std::string> projects,
                                                                  bool keep_only_these);
    boost::asio::awaitable<void> take_turn();
    void give_turn();

    config::database_config config_;
    std::chrono::milliseconds deadline_;
    store::postgresql::connection connection_;
    store::postgresql::state state_;
    std::string id_;
    bool migrated_ = false;
    store::leases::lease_keeper keeper_;
    std::set<std::string> held_;
    bool busy_ = false;
    bool stopping_ = false;
    boost::asio::steady_timer turn_;   // cancelled when a caller gives its turn back
    boost::asio::steady_timer sleep_;  // between renewals
};

}  // namespace prereadd::daemon
