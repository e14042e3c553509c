// `prereadd run`: the long-running daemon. A poll cycle and a reminder pass
// at every wake-up; it sleeps until the next poll or the next item due,
// whichever is first, so a reminder goes out within a second of its time.
// SIGTERM/SIGINT stop it (in-flight requests are cancelled, the database is
// closed cleanly, exit 0); SIGHUP reloads the configuration, keeping the
// running one when the new one is invalid. systemd Type=notify: READY=1,
// STATUS=, RELOADING=1, STOPPING=1, WATCHDOG=1 when WatchdogSec= is set.
#pragma once

#include "daemon/config.hpp"

#include <filesystem>

namespace prereadd::daemon {

// Returns the process exit code (0 after SIGTERM/SIGINT).
int run_daemon(const std::filesystem::path& config_file);

}  // namespace prereadd::daemon
