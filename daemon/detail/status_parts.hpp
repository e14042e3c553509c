// What the two halves of `status` share (status_report.cpp: the documents and
// participants; status_sessions.cpp: the sessions, their calls and their
// selections).
#pragma once

#include "daemon/status_report.hpp"

#include <date/date.h>

#include <cstdint>
#include <ostream>
#include <string>

namespace prereadd::daemon::detail {

// The admin's terminal and the JSON read UTC; messages to people use the session's zone.
inline std::string utc(std::int64_t t, const char* format = "%Y-%m-%d %H:%M")
{
    return date::format(format, date::sys_seconds{std::chrono::seconds(t)});
}

// The sessions' calls (who attended, who did not), the calls near no session,
// and the coming sessions that select no pre-read.
void render_sessions(std::ostream& out, const project_status& p);
nlohmann::ordered_json sessions_json(const project_status& p);
nlohmann::ordered_json unmatched_calls_json(const project_status& p);
nlohmann::ordered_json selecting_nothing_json(const project_status& p);

}  // namespace prereadd::daemon::detail
