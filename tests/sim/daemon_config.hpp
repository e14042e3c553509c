// The daemon's configuration for the simulator's alpha_team scenario, shared
// by the suites that run the daemon's code against it.
#pragma once

#include "config/configuration.hpp"
#include "daemon/status_report.hpp"
#include "http/url.hpp"
#include "store/state.hpp"
#include "tests/sim/nextcloud.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace prereadd::sim {

// The service account `preread` at `base_url`, and project alpha on /Projects/Alpha.
inline config::configuration alpha_configuration(const std::string& base_url)
{
    config::configuration config;
    config.global.nextcloud.base = *http::parse_url(base_url);
    config.global.nextcloud.base.target.clear();
    config.global.nextcloud.user = "preread";
    config::project_config p;
    p.id = "alpha";
    p.folder = "/Projects/Alpha";
    config.projects.push_back(p);
    return config;
}

// alpha with its Kick-off (2 December 2026, 10:00 in Berlin, two hours), its
// three participants and its Talk conversation: what the reminder suites plan for.
inline void with_kickoff(config::project_config& p, const std::string& token)
{
    using namespace std::chrono_literals;
    p.time_zone_name = "Europe/Berlin";
    p.time_zone = date::locate_zone("Europe/Berlin");
    p.participants.users = {"alice", "bob", "carol"};
    p.sessions = {{"Kick-off", date::local_days{date::year{2026} / 12 / 2} + 10h, 2h}};
    p.talk = config::talk_config{token};
}

// A simulator writing its admin_audit lines to `log`, where the daemon follows them.
inline options audit_to(const std::filesystem::path& log)
{
    options o;
    o.audit_log = log;
    return o;
}

// What `prereadd status --json` says of project alpha.
inline nlohmann::json alpha_status(store::database& db)
{
    store::state st(db);
    return daemon::render_status_json({daemon::load_project_status(st, "alpha", "/Projects/Alpha")})["projects"][0];
}

// The comments the service account posted to the conversation `token` (system messages left out).
inline std::vector<talk_message> posted_by_service_account(const world& w, const std::string& token)
{
    std::vector<talk_message> out;
    for (const auto& m : w.talk.messages)
        if (m.token == token && m.actor == "preread" && m.system.empty()) out.push_back(m);
    return out;
}

inline std::vector<talk_message> posted_by_service_account(nextcloud& sim, const std::string& token)
{
    return sim.with_world([&](const world& w) { return posted_by_service_account(w, token); });
}

}  // namespace prereadd::sim
