// Who attended a session: Talk writes every call into the conversation as
// system messages (captures 30j of Talk 17 and 22): call_started by whoever
// started it, call_joined and call_left for each later join and leave, and at
// the end call_ended (call_ended_everyone when a moderator ended it for all)
// naming the attendees as {user1}..{userN} with the duration. Reading the chat
// from a cursor is enough: no polling during the call. Pure logic; the
// reminder pass reads the messages and keeps the calls in the store.
#pragma once

#include "ocs/talk.hpp"
#include "scheduler/sessions.hpp"
#include "store/state.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace prereadd::reminding {

struct call_event {
    enum class kind { started, joined, left, ended };
    kind what = kind::started;
    std::int64_t message_id = 0;
    std::int64_t at = 0;
    std::string user;                // the actor (users only; guests are not participants)
    std::vector<std::string> named{};  // ended: the attendees the message names (Talk names at most five)
    std::optional<std::int64_t> duration{};  // ended: from "(Duration H:MM:SS)"
};

// The call events among `messages` (oldest first), in order.
std::vector<call_event> call_events(const std::vector<ocs::chat_message>& messages);

// "(Duration 0:12)", "(Duration 1:02:03)" in a call_ended text: seconds.
std::optional<std::int64_t> call_duration(std::string_view text);

// Applies the events to the project's calls: `running` is the call still
// open from before (if any). Returns every call the events touched, the
// running one first. A call whose start was not seen (the daemon began
// reading during it) starts at its first event, or its end minus its duration.
std::vector<store::call_row> follow_calls(const std::string& project, std::optional<store::call_row> running,
                                          const std::vector<call_event>& events);

// When a call counts for a session: from `join_before` its start to its end.
struct attendance_rules {
    std::chrono::seconds join_before{std::chrono::minutes(15)};
};

// The session a call belongs to: of the sessions whose window it overlaps
// (a running call up to `now`), the one whose start is nearest the call's.
// Nothing when none: a call on another day is not any session's.
const scheduler::session* match_call(const store::call_row& call, const std::vector<scheduler::session>& sessions,
                                     const attendance_rules& rules, std::int64_t now);
void assign_session(store::call_row& call, const scheduler::session* s);

struct session_attendance {
    bool call_happened = false;                   // a call was matched to the session
    bool call_running = false;                    // ... and it has not ended yet
    std::map<std::string, std::int64_t> present;  // user -> when they first joined
};

// Attendance of the session `key` (start, end in unix seconds) from the calls
// matched to it: present = in one of its calls at some moment of the window.
session_attendance attendance_of(const std::string& key, std::int64_t start, std::int64_t end,
                                 const std::vector<store::call_row>& calls, const attendance_rules& rules,
                                 std::int64_t now);

}  // namespace prereadd::reminding
