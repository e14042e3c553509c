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
#include <set>
#include <string>
#include <vector>

namespace prereadd::daemon {

// The projects' turns: those watched through one parent folder share a turn
// (tracking/ancestor_watch.hpp), every other project has its own.
inline std::vector<std::vector<std::string>> turn_units(const config::configuration& c)
{
    std::vector<std::vector<std::string>> units;
    std::set<std::string> grouped;
    for (auto& g : tracking::ancestor_groups(c.projects)) {
        grouped.insert(g.projects.begin(), g.projects.end());
        units.push_back(std::move(g.projects));
    }
    for (const auto& p : c.projects)
        if (!grouped.count(p.id)) units.push_back({p.id});
    return units;
}

struct generation {
    generation(boost::asio::any_io_executor ex, config::configuration c, store::backend& store,
               const run_tuning& tuning)
        : config(std::move(c)),
          client(ex, client_config_of(config), {config.global.nextcloud.user, config.global.nextcloud.app_password}),
          moodle(ex, config),
          poll(client, config, store, nullptr, unix_now, tuning.poll),
          reminders(client, config, store, unix_now, tuning.reminders),
          turns(turn_units(config), config.global.poll_interval, std::chrono::steady_clock::now())
    {
        for (const auto& p : config.projects) project_ids.push_back(p.id);
        poll.moodle = reminders.moodle = moodle.site();
        poll.find_in_nextcloud = users_in_nextcloud(client, config.global.nextcloud.base);
    }
    config::configuration config;
    http::client client;
    moodle_connection moodle;
    std::unique_ptr<tracking::audit_source> audit;
    bool audit_to_open = false;  // opened at the first pass, where the store says how far it was read
    tracking::cycle_context poll;
    reminding::reminder_context reminders;
    scheduler::poll_schedule turns;  // a new configuration starts with every project due
    std::vector<std::string> project_ids;  // the configuration's, in its order
    std::set<std::string> held;            // several daemons: the projects leased for this pass
};

}  // namespace prereadd::daemon
