// `prereadd run`: the long-running daemon. A poll cycle and a reminder pass
// at every wake-up; it sleeps until the next poll or the next item due,
// whichever is first, so a reminder goes out within a second of its time.
// SIGTERM/SIGINT stop it (in-flight requests are cancelled, the database is
// closed cleanly, exit 0); SIGHUP reloads the configuration, keeping the
// running one when the new one is invalid. systemd Type=notify: READY=1,
// STATUS=, RELOADING=1, STOPPING=1, WATCHDOG=1 when WatchdogSec= is set.
// While Nextcloud turns every request away it rests (doubling), watching
// status.php when it says it is in maintenance mode, and resumes the moment
// maintenance ends; a message still due is tried once more before its deadline.
#pragma once

#include "config/configuration.hpp"
#include "reminding/reminder_pass.hpp"
#include "tracking/poll_cycle.hpp"

#include <chrono>
#include <filesystem>

namespace prereadd::daemon {

// Every knob of the daemon, with its default, in one place; tests shrink them.
// What an admin sets is in the configuration; these are the engineers'.
struct run_tuning {
    tracking::poll_tuning poll;
    reminding::reminder_tuning reminders;
    // Resting after a pass Nextcloud turned away (daemon/host_rest.hpp).
    std::chrono::seconds rest_base{10};
    std::chrono::seconds rest_max{std::chrono::minutes(10)};
    std::chrono::seconds retry_after_cap{std::chrono::hours(1)};
    // While status.php says "maintenance": asked again this often (±20 % jitter,
    // so several daemons do not come back in step); the first pass runs the
    // moment it says false.
    std::chrono::milliseconds maintenance_watch{std::chrono::seconds(10)};
    // A message still due gets one more try at least this long before its deadline.
    std::chrono::seconds deadline_margin{30};
};

// Returns the process exit code (0 after SIGTERM/SIGINT).
int run_daemon(const std::filesystem::path& config_file, const run_tuning& tuning = {});

}  // namespace prereadd::daemon
