// The daemon's configuration for the simulator's alpha_team scenario, shared
// by the suites that run the daemon's code against it.
#pragma once

#include "daemon/config.hpp"
#include "http/url.hpp"

#include <date/tz.h>

#include <string>

namespace prereadd::sim {

// The service account `preread` at `base_url`, and project alpha on /Projects/Alpha.
inline daemon::configuration alpha_configuration(const std::string& base_url)
{
    daemon::configuration config;
    config.global.nextcloud.base = *http::parse_url(base_url);
    config.global.nextcloud.base.target.clear();
    config.global.nextcloud.user = "preread";
    daemon::project_config p;
    p.id = "alpha";
    p.folder = "/Projects/Alpha";
    config.projects.push_back(p);
    return config;
}

// alpha with its Kick-off (2 December 2026, 10:00 in Berlin, two hours), its
// three participants and its Talk conversation: what the reminder suites plan for.
inline void with_kickoff(daemon::project_config& p, const std::string& token)
{
    using namespace std::chrono_literals;
    p.time_zone_name = "Europe/Berlin";
    p.time_zone = date::locate_zone("Europe/Berlin");
    p.participants.users = {"alice", "bob", "carol"};
    p.sessions = {{"Kick-off", date::local_days{date::year{2026} / 12 / 2} + 10h, 2h}};
    p.talk = daemon::talk_config{token};
}

}  // namespace prereadd::sim
