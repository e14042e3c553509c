// What Moodle's web services can answer instead of data. Moodle says "no" with
// HTTP 200 and a JSON object {"exception", "errorcode", "message"[, "debuginfo"]}
// (captures 11a-11s of tests/recordings/moodle-api): every answer is checked for it,
// and each error code the daemon acts on is a value of its own here.
#pragma once

#include "http/error.hpp"

#include <boost/system/error_code.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace prereadd::moodle {

enum class error {
    invalid_token = 1,   // invalidtoken: the token is unknown, expired or missing (11b, 11c)
    token_rejected,      // an earlier invalidtoken: the token is not sent again until reloaded
    access_exception,    // accessexception: no webservice/rest:use, or the function is not in the service (11a, 11d)
    no_permission,       // nopermissions / cannotviewreport: a capability is missing (04c, 05a, 11q-11s)
    missing_record,      // invalidrecord: no such course (11h-11j) or function (11e)
    invalid_parameter,   // invalidparameter (11f, 11g)
    invalid_user,        // invaliduser (11n)
    other_exception,     // any other errorcode
    xml_answer,          // the answer is XML: the request lacked moodlewsrestformat=json (13a, 13b)
    malformed_json,      // not JSON at all
    unexpected_data,     // JSON, but not the documented shape
    send_failed,         // core_message_send_instant_messages gave msgid -1 for the recipient
};

const boost::system::error_category& error_category() noexcept;
inline boost::system::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace prereadd::moodle

namespace boost::system {
template <>
struct is_error_code_enum<prereadd::moodle::error> : std::true_type {
};
}  // namespace boost::system

namespace prereadd::moodle {

// An exception answer as Moodle wrote it. Its texts come from the server: they
// go to logs only through the project's log sanitising, never into a message.
struct ws_exception {
    std::string exception;  // "core\exception\required_capability_exception", "webservice_access_exception", ...
    std::string errorcode;  // "nopermissions", "invalidtoken", ...
    std::string message;
    std::optional<std::string> debuginfo;  // only with the site's debugging on (11o, 11p)
};

// The exception object of an answer, when the answer is one. Success bodies
// are arrays, objects without "exception", or even bare scalars (10d).
std::optional<ws_exception> exception_of(const nlohmann::json& answer);

// The error value an exception stands for.
error classify(const ws_exception& e);

// A failure that is about the site or its token, not about the user or course a
// call named: the token refused, the service not usable, Moodle down or in
// maintenance. Said once for the site, with the fix, never as one participant's.
bool site_failure(const boost::system::error_code& ec);

// What an admin does about a refused token (issue 27): a new one, and SIGHUP.
inline constexpr const char* token_fix =
    "make a new token for the service user and the prereadd service (Site administration > Server > Web "
    "services > Manage tokens), write it to the token file, then: systemctl reload prereadd";

// The capability a nopermissions answer names. Moodle gives only its display
// name in parentheses ("... permissions to do that (Manage groups)."): the
// ones the daemon's calls can meet are mapped back to the capability an
// administrator grants ("moodle/course:managegroups"); another is returned as
// the display name itself. cannotviewreport names none: it is
// report/completion:view (11s).
std::optional<std::string> missing_capability(const ws_exception& e);

// The failure the caller logs and shows: the function, the error in words,
// the capability to grant when one is missing. Never the token.
http::failure failure_of(const ws_exception& e, std::string_view function);

}  // namespace prereadd::moodle
