// The daemon's side of a suite that runs its code against the simulator: a
// temporary directory, the state database in it, an HTTP client as the
// service account, the configuration and the poll context, all at `clock`,
// which the test moves. A fixture derives from it and adds the simulator
// (writing its audit log to dir / "audit.log", where `audit` follows it).
#pragma once

#include "config/configuration.hpp"
#include "http/client.hpp"
#include "store/database.hpp"
#include "tests/support/temp_dir.hpp"
#include "tracking/audit_follower.hpp"
#include "tracking/poll_cycle.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdint>

namespace prereadd::sim {

struct daemon_side {
    explicit daemon_side(std::int64_t start) : clock(start) {}

    test::temp_dir dir;
    store::database db{dir / "prereadd.sqlite"};
    boost::asio::io_context io;
    http::client client{io.get_executor(), http::client_config{}, {"preread", http::secret("app-pw")}};
    config::configuration config;
    std::int64_t clock;
    tracking::audit_follower audit{dir / "audit.log"};
    tracking::cycle_context poll{client, config, db, &audit, [this] { return clock; }};
};

}  // namespace prereadd::sim
