// What `run` makes of one pass (a poll cycle and a reminder pass): the log
// lines, the systemd status line and when to wake up next. Pure but for
// log_cycle and log_sent, which write the lines.
#pragma once

#include "reminding/reminder_pass.hpp"
#include "tracking/poll_cycle.hpp"

#include <chrono>
#include <string>

namespace prereadd::daemon {

// Errors, warnings, new access problems, notices and the message count, each
// at its level (once: the reports carry only what is new).
void log_cycle(const tracking::cycle_report& cycle);
void log_sent(const reminding::reminder_report& sent);

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
