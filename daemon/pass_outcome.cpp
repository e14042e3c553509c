// What `run` makes of one pass (see pass_outcome.hpp).
#include "daemon/pass_outcome.hpp"

#include "daemon/log.hpp"

#include <date/date.h>

#include <algorithm>

namespace prereadd::daemon {

failure_memory::news failure_memory::update(const std::vector<std::string>& lines,
                                            const std::function<bool(std::string_view)>& assessed)
{
    news out;
    const std::set<std::string> now(lines.begin(), lines.end());
    for (const auto& line : now)
        if (open_.insert(line).second) out.began.push_back(line);
    for (auto it = open_.begin(); it != open_.end();) {
        const auto colon = it->find(": ");
        const std::string_view prefix =
            colon == std::string::npos ? std::string_view() : std::string_view(*it).substr(0, colon);
        if (!now.count(*it) && assessed(prefix)) {
            out.ended.push_back(*it);
            it = open_.erase(it);
        } else {
            ++it;
        }
    }
    return out;
}

namespace {

void log_news(const failure_memory::news& n)
{
    for (const auto& e : n.began) log(priority::warning, e);
    for (const auto& e : n.ended) log(priority::notice, "resolved: " + e);
}

}  // namespace

void log_cycle(const tracking::cycle_report& cycle, failure_memory& memory, const std::vector<std::string>& projects,
               const std::set<std::string>* due)
{
    // A project's line ends only at its turn, in a pass that polled it: the others
    // were not asked (its Moodle course, say, is read at its turn).
    const std::set<std::string> polled(cycle.polled.begin(), cycle.polled.end());
    log_news(memory.update(cycle.errors, [&](std::string_view prefix) {
        const std::string p(prefix);
        if (std::find(projects.begin(), projects.end(), p) == projects.end()) return true;
        return polled.count(p) != 0 && (!due || due->count(p) != 0);
    }));
    for (const auto& w : cycle.warnings) log(priority::warning, w);
    for (const auto& [project, problem] : cycle.new_problems)
        log(priority::notice, project + ": access problem: " + problem.detail);
}

void log_sent(const reminding::reminder_report& sent, failure_memory& memory)
{
    // The reminder pass goes over every project each time.
    log_news(memory.update(sent.errors, [](std::string_view) { return true; }));
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
