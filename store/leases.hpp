// Projects leased between daemons that share one PostgreSQL database
// (docs/scaling.md, "Leases"). Each pass a daemon says it is alive, takes
// its fair share of the projects whose lease is free or expired, renews its
// own, and gives back what is beyond its share; on SIGTERM it gives back all.
// Only the holder of a project's lease polls it and posts for it.
//
// Times are the database server's clock (seconds since the epoch), never the
// daemons': two web nodes whose clocks disagree still agree on who holds
// what. A daemon that cannot renew knows it from its own steady clock
// (`lease_keeper::may_post`), so a partition from the database stops its
// posting before its leases can expire and be taken by another.
#pragma once

#include "store/postgresql.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace prereadd::store::leases {

struct lease {
    std::string project;
    std::string holder;        // the daemon's id (daemon_id below)
    std::int64_t since = 0;    // when this holder took it
    std::int64_t expires = 0;  // renewed every pass

    bool operator==(const lease&) const = default;
};

// --- What to ask for (pure) -------------------------------------------------

struct lease_plan {
    std::vector<std::string> keep;     // held and renewed
    std::vector<std::string> take;     // free or expired: asked for (another daemon may win it)
    std::vector<std::string> release;  // held beyond the fair share, or no longer configured
};

// `projects` are the configured ones; `live` counts the daemons alive now
// (this one included). A daemon's fair share is ceil(projects / live): the
// first to start takes everything, and gives back down to its share as
// others come, so no project waits for a daemon to die. Among the free
// projects each daemon starts at a place of its own in the list, so two
// taking at once mostly ask for different ones. What it gives back is what it
// took last (the longest held stay where they are).
lease_plan plan_leases(const std::vector<lease>& current, const std::vector<std::string>& projects,
                       const std::string& me, std::size_t live, std::int64_t now);

// --- The statements (PostgreSQL) -------------------------------------------
// Arguments are taken by value: a coroutine may run after its caller's
// temporaries are gone (co_spawn), as Asio's own operations copy theirs.

// The tables, created when missing (part of the PostgreSQL schema).
boost::asio::awaitable<boost::system::error_code> async_create_tables(postgresql::connection& c,
                                                                      std::chrono::milliseconds deadline);

struct heartbeat {
    std::int64_t now = 0;  // the database's clock
    std::size_t live = 1;  // daemons alive, this one included
};

// Records that `me` (on `node`) is alive for `lease_for` more seconds.
boost::asio::awaitable<boost::system::result<heartbeat>> async_heartbeat(postgresql::connection& c, std::string me,
                                                                         std::string node,
                                                                         std::chrono::seconds lease_for,
                                                                         std::chrono::milliseconds deadline);

// Every lease row, by project; `held_now`: only those not expired by the database's clock (`status`).
boost::asio::awaitable<boost::system::result<std::vector<lease>>> async_current(postgresql::connection& c,
                                                                                std::chrono::milliseconds deadline,
                                                                                bool held_now = false);

// Takes each project whose lease is free, expired or already `me`'s, in one
// statement (two daemons asking at once: one wins each project), and
// renews it for `lease_for`. Returns the leases `me` holds among them now.
boost::asio::awaitable<boost::system::result<std::vector<lease>>> async_take(postgresql::connection& c, std::string me,
                                                                             std::vector<std::string> projects,
                                                                             std::chrono::seconds lease_for,
                                                                             std::chrono::milliseconds deadline);

// Gives back `me`'s leases of `projects` (all of them when `projects` is
// empty and `all` is set), and with `all` its heartbeat too (SIGTERM).
boost::asio::awaitable<boost::system::error_code> async_release(postgresql::connection& c, std::string me,
                                                                std::vector<std::string> projects, bool all,
                                                                std::chrono::milliseconds deadline);

// A text[] parameter as PostgreSQL's array literal: every element quoted.
std::string array_literal(const std::vector<std::string>& items);

// --- One daemon's side ------------------------------------------------------

// What a pass may do, kept from one pass to the next. `renewed(sent_at)`
// after a successful renewal; `may_post(now)` is false from the moment the
// last renewal sent at `sent_at` could have expired, less a margin for the
// post on its way — measured on this daemon's steady clock from when the
// renewal was sent, so a slow answer shortens it and never lengthens it.
class lease_keeper {
public:
    lease_keeper(std::chrono::seconds lease_for, std::chrono::seconds margin) : lease_for_(lease_for), margin_(margin)
    {
    }

    void renewed(std::vector<lease> held, std::chrono::steady_clock::time_point sent_at);
    void lost() { held_.clear(); }
    bool may_post(std::chrono::steady_clock::time_point now) const { return valid_ && now < valid_until_; }
    bool holds(const std::string& project) const;
    const std::vector<lease>& held() const { return held_; }

private:
    std::chrono::seconds lease_for_;
    std::chrono::seconds margin_;
    std::vector<lease> held_;
    std::chrono::steady_clock::time_point valid_until_{};
    bool valid_ = false;
};

}  // namespace prereadd::store::leases
