// What `run` makes of one pass (a poll cycle and a reminder pass): the log
// lines, the systemd status line and when to wake up next. Pure but for
// log_cycle and log_sent, which write the lines.
#pragma once

#include "reminding/reminder_pass.hpp"
#include "tracking/poll_cycle.hpp"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::daemon {

// Which of a pass's failure lines are news. A line is logged when a run of
// passes reporting it begins, and its end once, when a pass that assessed its
// project (polled it; for a line of no project, any pass) no longer reports
// it: Moodle down for an hour is two lines, not one per project and turn.
class failure_memory {
public:
    struct news {
        std::vector<std::string> began;
        std::vector<std::string> ended;
    };
    // `assessed(prefix)`: whether this pass would have reported a line
    // starting "<prefix>: " again (a project polled; true for other prefixes).
    news update(const std::vector<std::string>& lines, const std::function<bool(std::string_view)>& assessed);

private:
    std::set<std::string> open_;
};

// Errors (once per run of passes, through `memory`), warnings, new access
// problems, notices and the message count, each at its level. `projects`:
// the configured project ids, the prefixes a line's project is known by.
// `due`: the projects whose turn it was (null: all).
void log_cycle(const tracking::cycle_report& cycle, failure_memory& memory, const std::vector<std::string>& projects,
               const std::set<std::string>* due);
void log_sent(const reminding::reminder_report& sent, failure_memory& memory);

// "2/2 project(s) up to date, 1 folder(s) checked in 40 ms; next message due ..."
std::string pass_status(const tracking::cycle_report& cycle, const reminding::reminder_report& sent,
                        std::size_t projects, std::chrono::milliseconds took);

// The next project's turn (`next_turn`, steady clock; max: none, then a poll
// interval from now), or the next message, whichever comes first.
std::chrono::system_clock::time_point next_wake(std::chrono::system_clock::time_point now,
                                                std::chrono::steady_clock::time_point steady_now,
                                                std::chrono::steady_clock::time_point next_turn,
                                                std::chrono::seconds poll_interval,
                                                const reminding::reminder_report& sent);

}  // namespace prereadd::daemon
