// What the commands that talk to Nextcloud share: the HTTP client, the state
// database and the audit log follower, made from the configuration; and
// `prereadd once`: one poll cycle and everything due, printed for a human.
#pragma once

#include "config/configuration.hpp"
#include "tracking/poll_cycle.hpp"
#include "http/client_config.hpp"

#include <cstdint>
#include <filesystem>
#include <system_error>
#include <iosfwd>

namespace prereadd::reminding {
struct reminder_report;
}

namespace prereadd::daemon {

// The state database inside the configured state directory.
std::filesystem::path state_file(const config::configuration& config);

// Creates the state directory if missing, owner-only: who read what is nobody
// else's business. The error says why it could not be made.
std::error_code make_state_directory(const config::configuration& config);

// The wall clock in unix seconds, as the poll cycle and the reminders take it.
std::int64_t unix_now();

http::client_config client_config_of(const config::configuration& config);

// Where the audit log is to be read from next, as the database remembers it.
std::string saved_audit_position(const store::state& st);

struct once_options {
    bool dry_run = false;  // an in-memory copy of the state: nothing is written anywhere
};

// sysexits codes: 0 when every project was polled (messages that could not be
// posted are reported on `err` and stay in the outbox), 75 (EX_TEMPFAIL) when
// some project could not be polled, 73 (EX_CANTCREAT) when the state directory
// cannot be made. What happened goes to `out`, failures to `err`.
int run_once(const config::configuration& config, const once_options& options, std::ostream& out, std::ostream& err);

// The report of one cycle as the lines `once` prints (and `run` logs).
std::string describe(const tracking::cycle_report& report, std::size_t projects);
std::string describe(const reminding::reminder_report& report);

}  // namespace prereadd::daemon
