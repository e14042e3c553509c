// What is due: given the sessions, the times before each session something
// goes out (reminders at each lead time, the digest), what was handled
// already, and now, which items to send, which were missed, and when to wake
// up next. Pure logic: the daemon sleeps until `next_due` and acts on `send`.
#pragma once

#include "scheduler/sessions.hpp"

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prereadd::scheduler {

// nudge: during the session, to who is not in its call yet; summary: after it.
enum class item_kind { reminder, digest, follow_up, nudge, summary };
const char* to_string(item_kind k) noexcept;

// Something that goes out `before` its deadline: the session's start, or for
// follow-ups (documents added for after the session) `after_end` past its end.
// With `after_start` it is due that long after the start and its deadline is
// the session's end (the nudge; `before` is then only its name).
struct timing {
    item_kind kind = item_kind::reminder;
    std::chrono::seconds before{0};
    std::optional<std::chrono::seconds> after_end{};
    std::optional<std::chrono::seconds> after_start{};
};

struct due_item {
    item_kind kind = item_kind::reminder;
    std::chrono::seconds before{0};
    date::sys_seconds due_at;
    date::sys_seconds deadline;      // after it the item is missed rather than late
    const session* about = nullptr;  // points into the sessions given to plan()

    // Identity in the ledger: session key, its start (a moved session is
    // reminded again), kind and lead time. "2026-12-09T14:00@1796821200/reminder/P1D"
    std::string id() const;
};

struct plan_result {
    std::vector<due_item> send;        // due now (late, but before the session, if the daemon was down)
    std::vector<due_item> superseded;  // overdue, and a later item of the same kind for the session is due too
    std::vector<due_item> missed;      // the deadline (session start, follow-up due) passed before it could go out
    std::optional<date::sys_seconds> next_due;       // the earliest item still to come
    std::optional<date::sys_seconds> next_deadline;  // ... and its deadline
};

// `handled` holds the ids of items sent, missed or superseded before. Only
// items whose deadline passed within `missed_lookback` are reported missed, so a
// first start on an old configuration does not flood the ledger. Cancelled
// sessions produce nothing.
plan_result plan(const std::vector<session>& sessions, const std::vector<timing>& timings,
                 const std::set<std::string>& handled, date::sys_seconds now,
                 std::chrono::seconds missed_lookback = std::chrono::hours(24));

}  // namespace prereadd::scheduler
