// The projects' turns within the poll interval (see polling.hpp).
#include "scheduler/polling.hpp"

#include <algorithm>
#include <stdexcept>

namespace prereadd::scheduler {

namespace {

std::vector<std::vector<std::string>> one_unit_each(std::vector<std::string> ids)
{
    std::vector<std::vector<std::string>> units;
    for (auto& id : ids) units.push_back({std::move(id)});
    return units;
}

}  // namespace

poll_schedule::poll_schedule(std::vector<std::string> project_ids, std::chrono::seconds interval,
                             clock::time_point start, std::chrono::seconds min_slot)
    : poll_schedule(one_unit_each(std::move(project_ids)), interval, start, min_slot)
{
}

poll_schedule::poll_schedule(std::vector<std::vector<std::string>> units, std::chrono::seconds interval,
                             clock::time_point start, std::chrono::seconds min_slot)
    : interval_(interval), start_(start)
{
    if (interval <= std::chrono::seconds::zero()) throw std::invalid_argument("poll interval must be positive");
    for (auto& u : units) std::sort(u.begin(), u.end());
    std::erase_if(units, [](const auto& u) { return u.empty(); });
    std::sort(units.begin(), units.end());
    units.erase(std::unique(units.begin(), units.end()), units.end());
    const auto n = static_cast<std::int64_t>(units.size());
    const std::chrono::milliseconds spacing = n > 0 ? interval_ / n : interval_;
    const std::chrono::milliseconds slot = std::clamp<std::chrono::milliseconds>(
        std::max<std::chrono::milliseconds>(spacing, min_slot), std::chrono::milliseconds(1), interval_);
    for (std::int64_t i = 0; i < n; ++i) {
        const auto even = interval_ * i / n;
        for (const auto& id : units[static_cast<std::size_t>(i)])
            turns_.emplace(id, turn{even / slot * slot, start});  // a project in two units keeps its first turn
    }
}

std::set<std::string> poll_schedule::take_due(clock::time_point now)
{
    std::set<std::string> due;
    for (auto& [id, t] : turns_) {
        if (t.next > now) continue;
        due.insert(id);
        // The first turn after `now` on this project's grid start + offset + k * interval.
        const auto first = start_ + t.offset;
        const auto k = now < first ? 0 : (now - first) / interval_ + 1;
        t.next = first + k * interval_;
    }
    return due;
}

poll_schedule::clock::time_point poll_schedule::next() const
{
    auto earliest = clock::time_point::max();
    for (const auto& [id, t] : turns_) earliest = std::min(earliest, t.next);
    return earliest;
}

std::chrono::milliseconds poll_schedule::offset_of(const std::string& project_id) const
{
    auto it = turns_.find(project_id);
    if (it == turns_.end()) throw std::out_of_range("not a scheduled project: " + project_id);
    return it->second.offset;
}

}  // namespace prereadd::scheduler
