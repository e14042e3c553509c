// Everything of `run` that lives as long as one configuration: the client,
// the audit log follower, the contexts of the poll cycle and the reminder
// pass, the projects' turns. A reload makes a new generation (keeping the
// reads not yet stored) and drops the old one. Internal to daemon/.
#pragma once

#include "daemon/run.hpp"
#include "daemon/service.hpp"
#include "scheduler/polling.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <optional>
#include <string>
#include <vector>

namespace prereadd::daemon {

inline std::vector<std::string> project_ids(const config::configuration& c)
{
    std::vector<std::string> ids;
    for (const auto& p : c.projects) ids.push_back(p.id);
    return ids;
}

struct generation {
    generation(boost::asio::any_io_executor ex, config::configuration c, store::database& db, const run_tuning& tuning)
        : config(std::move(c)),
          client(ex, client_config_of(config), {config.global.nextcloud.user, config.global.nextcloud.app_password}),
          moodle(ex, config),
          poll(client, config, db, nullptr, unix_now, tuning.poll),
          reminders(client, config, db, unix_now, tuning.reminders),
          turns(project_ids(config), config.global.poll_interval, std::chrono::steady_clock::now())
    {
        poll.moodle = reminders.moodle = moodle.site();
        poll.find_in_nextcloud = users_in_nextcloud(client, config.global.nextcloud.base);
    }
    config::configuration config;
    http::client client;
    moodle_connection moodle;
    std::unique_ptr<tracking::audit_source> audit;
    tracking::cycle_context poll;
    reminding::reminder_context reminders;
    scheduler::poll_schedule turns;  // a new configuration starts with every project due
};

}  // namespace prereadd::daemon
