// What `run` makes of one pass (see pass_outcome.hpp).
#include "daemon/pass_outcome.hpp"

#include "daemon/log.hpp"

#include <date/date.h>

namespace prereadd::daemon {

void log_cycle(const tracking::cycle_report& cycle)
{
    for (const auto& e : cycle.errors) log(priority::warning, e);
    for (const auto& w : cycle.warnings) log(priority::warning, w);
    for (const auto& [project, problem] : cycle.new_problems)
        log(priority::notice, project + ": access problem: " + problem.detail);
}

void log_sent(const reminding::reminder_report& sent)
{
    for (const auto& e : sent.errors) log(priority::warning, e);
    for (const auto& n : sent.notices) log(priority::notice, n);
    if (sent.sent || sent.missed)
        log(priority::info, "messages: " + std::to_string(sent.sent) + " sent (" + std::to_string(sent.late) +
                                " late), " + std::to_string(sent.missed) + " missed");
}

std::string pass_status(const tracking::cycle_report& cycle, const reminding::reminder_report& sent,
                        std::size_t projects, std::chrono::milliseconds took)
{
    std::string status = std::to_string(cycle.projects_ok) + "/" + std::to_string(projects) +
                         " project(s) up to date, " + std::to_string(cycle.polled.size()) + " folder(s) checked in " +
                         std::to_string(took.count()) + " ms";
    if (!cycle.errors.empty() || !sent.errors.empty())
        status += ", " + std::to_string(cycle.errors.size() + sent.errors.size()) +
                  " error(s): " + (cycle.errors.empty() ? sent.errors.front() : cycle.errors.front());
    if (sent.next_due) status += "; next message due " + date::format("%FT%TZ", *sent.next_due);
    return status;
}

std::chrono::system_clock::time_point next_wake(std::chrono::system_clock::time_point now,
                                                std::chrono::steady_clock::time_point steady_now,
                                                std::chrono::steady_clock::time_point next_turn,
                                                std::chrono::seconds poll_interval,
                                                const reminding::reminder_report& sent)
{
    using system_duration = std::chrono::system_clock::duration;
    auto wake = now + (next_turn == std::chrono::steady_clock::time_point::max()
                           ? std::chrono::duration_cast<system_duration>(poll_interval)
                           : std::chrono::duration_cast<system_duration>(
                                 std::max(next_turn - steady_now, std::chrono::steady_clock::duration::zero())));
    if (sent.next_due) wake = std::min(wake, std::chrono::system_clock::time_point(*sent.next_due));
    return wake;
}

}  // namespace prereadd::daemon
