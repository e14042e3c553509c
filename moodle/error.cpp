// The prereadd.moodle error category and the reading of Moodle's exception answers.
#include "moodle/error.hpp"

#include <array>
#include <utility>

namespace prereadd::moodle {
namespace {

constexpr const char* words[] = {
    "Moodle rejected the token (invalidtoken)",
    "Moodle token not used after an earlier invalidtoken",
    "Moodle refused the web service call (accessexception)",
    "the Moodle service user lacks a capability",
    "no such record in Moodle (invalidrecord)",
    "Moodle refused a parameter (invalidparameter)",
    "no such Moodle user (invaliduser)",
    "Moodle answered with an exception",
    "Moodle answered in XML, not JSON",
    "Moodle's answer is not JSON",
    "Moodle's answer does not have the documented shape",
    "Moodle did not deliver the message to the recipient",
};
static_assert(std::size(words) == static_cast<std::size_t>(error::send_failed));

// Display names (lang/en/role.php and the plugins' access strings) of the
// capabilities the daemon's calls need, as nopermissions prints them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> capabilities{{
    {"View activity completion reports", "report/progress:view"},
    {"View participants", "moodle/course:viewparticipants"},
    {"Manage groups", "moodle/course:managegroups"},
    {"Access all groups", "moodle/site:accessallgroups"},
    {"Review course enrolments", "moodle/course:enrolreview"},
    {"View course completion report", "report/completion:view"},
    {"Send messages to any user", "moodle/site:sendmessage"},
    {"Read all messages on site", "moodle/site:readallmessages"},
}};

std::string string_member(const nlohmann::json& object, const char* key)
{
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const boost::system::error_category& error_category() noexcept
{
    static const http::words_category instance("prereadd.moodle", words);
    return instance;
}

std::optional<ws_exception> exception_of(const nlohmann::json& answer)
{
    if (!answer.is_object()) return std::nullopt;
    auto code = answer.find("errorcode");
    if (!answer.contains("exception") || code == answer.end() || !code->is_string()) return std::nullopt;
    ws_exception e;
    e.exception = string_member(answer, "exception");
    e.errorcode = code->get<std::string>();
    e.message = string_member(answer, "message");
    if (auto it = answer.find("debuginfo"); it != answer.end() && it->is_string()) e.debuginfo = it->get<std::string>();
    return e;
}

error classify(const ws_exception& e)
{
    const auto& c = e.errorcode;
    if (c == "invalidtoken") return error::invalid_token;
    if (c == "accessexception") return error::access_exception;
    if (c == "nopermissions" || c == "cannotviewreport") return error::no_permission;
    if (c == "invalidrecord") return error::missing_record;
    if (c == "invalidparameter") return error::invalid_parameter;
    if (c == "invaliduser") return error::invalid_user;
    return error::other_exception;
}

std::optional<std::string> missing_capability(const ws_exception& e)
{
    if (e.errorcode == "cannotviewreport") return std::string("report/completion:view");
    if (e.errorcode != "nopermissions") return std::nullopt;
    const auto open = e.message.rfind('(');
    const auto close = e.message.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
    const std::string_view shown = std::string_view(e.message).substr(open + 1, close - open - 1);
    for (const auto& [display, capability] : capabilities)
        if (shown == display) return std::string(capability);
    return std::string(shown);
}

http::failure failure_of(const ws_exception& e, std::string_view function)
{
    const error value = classify(e);
    std::string detail(function);
    detail += ": ";
    if (auto capability = missing_capability(e)) {
        detail += "the service user needs the capability " + *capability;
        detail += " (Moodle: \"" + e.message + "\")";
    } else if (value == error::access_exception) {
        detail += "the service user lacks webservice/rest:use, or the function is not in the token's service";
    } else {
        detail += e.errorcode + ": " + e.message;
    }
    return http::failure{value, std::move(detail)};
}

bool site_failure(const boost::system::error_code& ec)
{
    if (ec == error::invalid_token || ec == error::token_rejected || ec == error::access_exception) return true;
    // Not Moodle's words at all: the HTTP layer's (down, maintenance, refused connection, timeout).
    return ec.category() != error_category();
}

}  // namespace prereadd::moodle
