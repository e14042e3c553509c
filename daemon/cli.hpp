// The command line: `prereadd [--config FILE] check-config | status | once | run | doctor`.
// Returns the process exit code (sysexits.h values where one fits).
#pragma once

namespace prereadd::daemon {

int run_cli(int argc, char** argv);

}  // namespace prereadd::daemon
