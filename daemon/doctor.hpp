// `prereadd doctor`: the live installation checked against what the
// configuration needs, one line per check with the exact fix. Read-only but
// for one probe file the doctor writes, reads and deletes as the service
// account, to see its own read arrive in the audit source (this catches a
// wrong path, a wrong log_type_audit and the silent log level at once), and
// — only when the credential turns out to be a login password — the app
// password Nextcloud makes from it, which is revoked at once.
#pragma once

#include "config/configuration.hpp"
#include "http/client.hpp"
#include "moodle/site.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace prereadd::daemon {

enum class verdict { ok, warning, problem };

struct check_result {
    std::string what;  // "app password", "project alpha: folder", ...
    verdict result = verdict::ok;
    std::string detail;  // what was found
    std::string fix;     // for a warning or a problem: the command or the config.php line
};

struct doctor_options {
    // How long the probe's read may take to appear in the audit source.
    std::chrono::milliseconds probe_wait{10000};
};

boost::asio::awaitable<std::vector<check_result>> async_doctor(http::client& client,
                                                               const config::configuration& config,
                                                               doctor_options options = {});

// The Moodle site's checks (doctor_moodle.cpp): the token and its service's
// functions, each project's course, its modules' completion settings, the
// participants' usernames, another user's completion. Part of async_doctor.
boost::asio::awaitable<std::vector<check_result>> async_doctor_moodle(moodle::site& site,
                                                                      const config::configuration& config);

// One line per check ("ok", "WARNING", "PROBLEM"), the fix indented below.
std::string render_doctor_text(const std::vector<check_result>& checks);
// {"ok": bool, "checks": [{"check", "result": "ok"|"warning"|"problem", "detail", "fix"}]}
nlohmann::json render_doctor_json(const std::vector<check_result>& checks);
bool all_ok(const std::vector<check_result>& checks);  // no problem (warnings allowed)

}  // namespace prereadd::daemon
