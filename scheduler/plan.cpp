// What is due (see plan.hpp).
#include "scheduler/plan.hpp"

#include "scheduler/time.hpp"

#include <algorithm>
#include <map>

namespace prereadd::scheduler {

const char* to_string(item_kind k) noexcept
{
    switch (k) {
    case item_kind::reminder: return "reminder";
    case item_kind::digest: return "digest";
    case item_kind::follow_up: return "follow_up";
    case item_kind::nudge: return "nudge";
    case item_kind::summary: return "summary";
    }
    return "reminder";
}

std::string due_item::id() const
{
    return about->key + "@" + std::to_string(about->start.time_since_epoch().count()) + "/" + to_string(kind) + "/" +
           format_duration(before);
}

plan_result plan(const std::vector<session>& sessions, const std::vector<timing>& timings,
                 const std::set<std::string>& handled, date::sys_seconds now, std::chrono::seconds missed_lookback)
{
    plan_result out;
    for (const auto& s : sessions) {
        if (s.cancelled) continue;
        // Per kind, the overdue items of this session, earliest first.
        std::map<item_kind, std::vector<due_item>> overdue;
        for (const auto& t : timings) {
            const auto deadline = t.after_start ? s.end : t.after_end ? s.end + *t.after_end : s.start;
            const auto due_at = t.after_start ? s.start + *t.after_start : deadline - t.before;
            if (due_at >= deadline) continue;  // a nudge later than a short session's end
            due_item item{t.kind, t.before, due_at, deadline, &s};
            if (handled.count(item.id())) continue;
            if (item.due_at > now) {
                if (!out.next_due || item.due_at < *out.next_due) {
                    out.next_due = item.due_at;
                    out.next_deadline = item.deadline;
                }
                continue;
            }
            if (deadline <= now) {
                if (deadline > now - missed_lookback) out.missed.push_back(item);
                continue;
            }
            overdue[t.kind].push_back(item);
        }
        for (auto& [kind, items] : overdue) {
            std::sort(items.begin(), items.end(),
                      [](const due_item& a, const due_item& b) { return a.due_at < b.due_at; });
            out.superseded.insert(out.superseded.end(), items.begin(), items.end() - 1);
            out.send.push_back(items.back());
        }
    }
    std::sort(out.send.begin(), out.send.end(), [](const due_item& a, const due_item& b) {
        return std::tie(a.due_at, a.about->key) < std::tie(b.due_at, b.about->key);
    });
    return out;
}

}  // namespace prereadd::scheduler
