// The messages about sessions: which sessions there are (configured and from
// the calendar), the reminders, digests and follow-ups due for them, and the
// reactions that acknowledge a reminder (see pass.hpp).
#include "reminding/pass.hpp"

#include "reminding/decisions.hpp"
#include "reminding/literal.hpp"

#include "ocs/talk.hpp"
#include "scheduler/calendar.hpp"
#include "scheduler/time.hpp"
#include "webdav/requests.hpp"

#include <algorithm>
#include <charconv>

namespace prereadd::reminding {

using scheduler::seconds_of;

namespace {

std::vector<scheduler::timing> timings_of(const config::project_config& p)
{
    std::vector<scheduler::timing> timings;
    for (auto lead : p.lead_times) timings.push_back({scheduler::item_kind::reminder, lead});
    if (p.digest) timings.push_back({scheduler::item_kind::digest, *p.digest});
    if (p.follow_up) timings.push_back({scheduler::item_kind::follow_up, p.follow_up->reminder, p.follow_up->due});
    if (p.talk && p.calls.nudge_after)
        timings.push_back({scheduler::item_kind::nudge, *p.calls.nudge_after, std::nullopt, *p.calls.nudge_after});
    // The summary is due once the chat has been read for the grace after the
    // end, and may still go out half a day later.
    if (p.talk && p.calls.summary)
        timings.push_back({scheduler::item_kind::summary, std::chrono::hours(12),
                           p.calls.grace + std::chrono::hours(12)});
    return timings;
}

// The outbox row of an item, before its text is known.
store::outbox_row row_for(const config::project_config& p, const scheduler::due_item& item, date::sys_seconds now)
{
    store::outbox_row row;
    row.project = p.id;
    row.item = item.id();
    row.channel = p.talk ? talk_prefix + p.talk->conversation : std::string();
    row.session_key = item.about->key;
    row.session_start = seconds_of(item.about->start);
    row.deadline = seconds_of(item.deadline);
    row.late = item.due_at < now - std::chrono::minutes(1);
    return row;
}

}  // namespace

// Everything the plan says is due for the project's sessions: composed from
// what is known now, posted through the outbox; missed and superseded items
// recorded so they are never planned again.
boost::asio::awaitable<void> pass::send_due(const config::project_config& p,
                                            const std::vector<scheduler::session>& sessions)
{
    const auto t_now = now();
    const auto handled = need(co_await store_.handled_items(p.id));
    const auto planned = scheduler::plan(sessions, timings_of(p), handled, t_now, ctx_.tuning.missed_lookback);
    if (planned.next_due && (!report_.next_due || *planned.next_due < *report_.next_due))
        report_.next_due = planned.next_due;
    if (planned.next_deadline) keep_open(*planned.next_deadline);
    for (const auto& item : planned.missed) {
        auto row = row_for(p, item, t_now);
        co_await record(std::move(row), store::outbox_state::missed);
        ++report_.missed;
    }
    for (const auto& item : planned.superseded) {
        auto row = row_for(p, item, t_now);
        co_await record(std::move(row), store::outbox_state::superseded);
    }
    if (planned.send.empty()) co_return;

    auto state = co_await load_project_state(store_, ctx_.config, p);
    // Whose zone and language: the messages are written in them.
    co_await learn_about_people(p, state);
    for (const auto& item : planned.send) {
        auto row = row_for(p, item, t_now);
        const auto in = input_for(p, *item.about, state, t_now);
        // Participants of the Moodle course without a Nextcloud account get the reminders through Moodle.
        std::vector<store::outbox_row> by_moodle;
        if (item.kind == scheduler::item_kind::reminder) by_moodle = moodle_rows(p, row, in, state);
        if (!p.talk) {
            // Nowhere to post (Deck-only projects get their cards elsewhere).
            co_await deliver_with(row, std::move(by_moodle), false);
            continue;
        }
        std::vector<std::string> peers;
        if (item.kind == scheduler::item_kind::nudge && !ctx_.dry_run) {
            auto now_in_call = co_await ocs::async_call_peers(ctx_.client, base(), p.talk->conversation);
            if (!now_in_call) {
                fail(p, now_in_call.error());
                keep_open(item.deadline);
                continue;
            }
            peers = std::move(*now_in_call);
        }
        const auto outbox = need(co_await store_.outbox(p.id));
        const auto text = compose(item, in, state, sessions, first_reminder_of(outbox, item.about->key), peers);
        if (!text) {
            // Nobody in Talk has anything left: nothing to say there. Or nothing was
            // selected for the session, which is no "everyone ready": said once.
            if (item.kind == scheduler::item_kind::reminder && in.documents.empty())
                if (auto why = empty_selection(p, *item.about);
                    why && ctx_.memory.empty_selections_said.insert(p.id + "/" + item.about->key).second)
                    report_.notices.push_back(p.id + ": session \"" + log_text(item.about->title) + "\" (" +
                                              item.about->key + ") has no pre-read: " + log_text(*why) +
                                              "; no reminder for it (prereadd doctor checks the selections)");
            co_await deliver_with(row, std::move(by_moodle), false);
            ++report_.skipped;
            continue;
        }
        row.body = text->text;
        if (item.kind == scheduler::item_kind::reminder) co_await bring_into_conversation(p, text->mentioned);
        if (!(co_await deliver_with(row, std::move(by_moodle), true))) {
            const auto id = reference_id(row.project, row.item, row.recipient);
            const auto known = need(co_await store_.outbox_entry(id));
            if (!(known && known->done_at)) {
                keep_open(item.deadline);
                ++report_.undelivered;
            }
        }
        if (item.kind == scheduler::item_kind::reminder && p.personal_reminders) co_await send_personal(p, row, in);
    }
}

// The one-to-one reminders that go with a group reminder, to who has something left.
boost::asio::awaitable<void> pass::send_personal(const config::project_config& p, const store::outbox_row& group_row,
                                                 const reminder_input& in)
{
    for (const auto& [user, theirs] : pending(in.participants, in.documents, in.done, in.blocked)) {
        store::outbox_row personal = group_row;
        personal.recipient = user;
        personal.body = personal_reminder(in, user).text;
        const auto id = reference_id(p.id, personal.item, user);
        if (need(co_await store_.outbox_entry(id))) continue;
        if (!(co_await resolve_one_to_one(p, user, personal))) continue;
        co_await deliver(personal);
    }
}

// Configured and calendar sessions from two months back (missed items, the
// digest's "previous session") to a year past the longest lead, so `next_due` is exact.
boost::asio::awaitable<std::vector<scheduler::session>> pass::sessions_of(const config::project_config& p)
{
    const auto t_now = now();
    const auto longest = longest_lead(p);
    auto sessions = scheduler::expand_sessions(p.sessions, p.weekly, *p.time_zone, t_now - ctx_.tuning.history,
                                               t_now + longest + ctx_.tuning.sessions_ahead);
    if (p.calendar) {
        const auto from_calendar = co_await calendar_sessions(p, t_now, longest);
        sessions.insert(sessions.end(), from_calendar.begin(), from_calendar.end());
        std::sort(sessions.begin(), sessions.end(),
                  [](const auto& a, const auto& b) { return std::tie(a.start, a.key) < std::tie(b.start, b.key); });
    }
    co_return sessions;
}
// The project calendar's sessions around now, read again every `calendar_refresh`.
boost::asio::awaitable<std::vector<scheduler::session>> pass::calendar_sessions(const config::project_config& p,
                                                                                date::sys_seconds t_now,
                                                                                std::chrono::seconds longest)
{
    // A copy: the cache may change while the caller waits on later requests.
    auto& cache = ctx_.memory.calendars[p.id];
    if (cache.fetched_at != 0 && ctx_.now() - cache.fetched_at < ctx_.tuning.calendar_refresh.count())
        co_return cache.sessions;
    auto objects = co_await webdav::async_calendar_query(ctx_.client, base(), ctx_.config.global.nextcloud.user,
                                                         p.calendar->name, t_now - ctx_.tuning.history,
                                                         t_now + longest + ctx_.tuning.calendar_ahead);
    if (!objects) {
        fail(p, objects.error());
        co_return cache.sessions;
    }
    cache.sessions.clear();
    const scheduler::calendar_filter filter{p.calendar->category, p.calendar->title_prefix};
    for (const auto& o : *objects) {
        auto found = scheduler::sessions_from_calendar(o.data, filter, *p.time_zone);
        cache.sessions.insert(cache.sessions.end(), found.begin(), found.end());
    }
    cache.fetched_at = ctx_.now();
    co_return cache.sessions;
}

}  // namespace prereadd::reminding
