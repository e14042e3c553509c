// What the commands that talk to Nextcloud share: the HTTP client, the state
// database and the audit log follower, made from the configuration; and
// `prereadd once`: one poll cycle and everything due, printed for a human.
#pragma once

#include "config/configuration.hpp"
#include "tracking/poll_cycle.hpp"
#include "http/client_config.hpp"
#include "moodle/site.hpp"

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
// CLOCK_MONOTONIC in microseconds, as systemd's MONOTONIC_USEC= wants it.
std::string monotonic_usec();

http::client_config client_config_of(const config::configuration& config);

// The configuration's Moodle site, if it has one: its own HTTP client (its
// max_connections is the cap on requests at once to the Moodle host) and
// the site. Lives as long as the contexts that point at it.
class moodle_connection {
public:
    moodle_connection(boost::asio::any_io_executor ex, const config::configuration& config);
    moodle::site* site() { return site_ ? &*site_ : nullptr; }

private:
    std::optional<http::client> client_;
    std::optional<moodle::site> site_;
};

// Nextcloud's users for Moodle usernames or e-mail addresses
// (tracking::course_poll_input::find_in_nextcloud): the sharee search's exact
// match whose id (or, by e-mail, whose address) is the one asked, and only
// when one user is. An address or username Nextcloud has no user for is left out.
std::function<boost::asio::awaitable<std::map<std::string, std::string>>(std::vector<std::string>, bool)>
users_in_nextcloud(http::client& client, const http::url& base);

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
