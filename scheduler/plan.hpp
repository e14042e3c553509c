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

enum class item_kind { reminder, digest };
const char* to_string(item_kind k) noexcept;

// Something that goes out `before` a session's start.
struct timing {
    item_kind kind = item_kind::reminder;
    std::chrono::seconds before{0};
};

struct due_item {
    item_kind kind = item_kind::reminder;
    std::chrono::seconds before{0};
    date::sys_seconds due_at;
    const session* about = nullptr;  // points into the sessions given to plan()

    // Identity in the ledger: session key, its start (a moved session is
    // reminded again), kind and lead time. "2026-12-09T14:00@1796821200/reminder/P1D"
    std::string id() const;
};

struct plan_result {
    std::vector<due_item> send;        // due now (late, but before the session, if the daemon was down)
    std::vector<due_item> superseded;  // overdue, and a later item of the same kind for the session is due too
    std::vector<due_item> missed;      // the session started before the item could go out
    std::optional<date::sys_seconds> next_due;  // the earliest item still to come
};

// `handled` holds the ids of items sent, missed or superseded before. Only
// sessions that started within `missed_lookback` produce missed items, so a
// first start on an old configuration does not flood the ledger. Cancelled
// sessions produce nothing.
plan_result plan(const std::vector<session>& sessions,
                 const std::vector<timing>& timings,
                 const std::set<std::string>& handled,
                 date::sys_seconds now,
                 std::chrono::seconds missed_lookback = std::chrono::hours(24));

}  // namespace prereadd::scheduler
