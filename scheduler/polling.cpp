// The projects' turns within the poll interval (see polling.hpp).
#include "scheduler/polling.hpp"

#include <algorithm>
#include <stdexcept>

namespace prereadd::scheduler {

poll_schedule::poll_schedule(std::vector<std::string> project_ids, std::chrono::seconds interval,
                             clock::time_point start, std::chrono::seconds min_slot)
    : interval_(interval), start_(start)
{
    if (interval <= std::chrono::seconds::zero()) throw std::invalid_argument("poll interval must be positive");
    std::sort(project_ids.begin(), project_ids.end());
    project_ids.erase(std::unique(project_ids.begin(), project_ids.end()), project_ids.end());
    const auto n = static_cast<std::int64_t>(project_ids.size());
    const std::chrono::milliseconds spacing = n > 0 ? interval_ / n : interval_;
    const std::chrono::milliseconds slot = std::clamp<std::chrono::milliseconds>(
        std::max<std::chrono::milliseconds>(spacing, min_slot), std::chrono::milliseconds(1), interval_);
    for (std::int64_t i = 0; i < n; ++i) {
        const auto even = interval_ * i / n;
        turns_[project_ids[static_cast<std::size_t>(i)]] = {even / slot * slot, start};
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
