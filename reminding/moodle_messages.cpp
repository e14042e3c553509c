// Reminders through Moodle's own messages, for participants of a Moodle
// course who have no Nextcloud account (see pass.hpp, docs/moodle.md).
// Exactly once as for Talk: the intent is written first; an unconfirmed one
// is looked for among the messages already sent to that user (its HTML is
// kept as sent in `fullmessagehtml`, 10c) before it is ever sent again.
#include "reminding/pass.hpp"

#include <algorithm>

namespace prereadd::reminding {

std::vector<store::outbox_row> pass::moodle_rows(const config::project_config& p, const store::outbox_row& group_row,
                                                 const reminder_input& in, const project_state& state) const
{
    std::vector<store::outbox_row> out;
    if (!p.moodle) return out;
    for (const auto& user : state.participants) {
        const auto id = store::moodle_user_id(user);
        if (!id) continue;
        auto name = state.display_names.find(user);
        auto html = moodle_reminder(in, user, name == state.display_names.end() ? std::string() : name->second);
        if (!html) continue;
        store::outbox_row row = group_row;
        row.channel = moodle_prefix + std::to_string(*id);
        row.recipient = user;
        row.body = std::move(*html);
        out.push_back(std::move(row));
    }
    return out;
}

boost::asio::awaitable<bool> pass::deliver_with(store::outbox_row row, std::vector<store::outbox_row> moodle,
                                                bool group_too)
{
    bool fresh = false;
    std::vector<store::outbox_row> to_send;
    {
        need(co_await store_.begin());
        store::transaction_guard tx(store_);
        for (auto& m : moodle)
            if (co_await write(m, store::outbox_state::intent)) to_send.push_back(m);
        if (group_too)
            fresh = co_await write(row, store::outbox_state::intent);
        else
            co_await record(row, store::outbox_state::skipped);
        need(co_await store_.commit());
        tx.ended();
    }
    co_await send_moodle(std::move(to_send));
    if (!fresh) co_return false;
    const bool ok = co_await post(row);
    if (ok) {
        ++report_.sent;
        if (row.late) ++report_.late;
    }
    co_return ok;
}

// One call for the rows of one item; each recipient's answer is its own
// (msgid -1: refused for that one, e.g. they block messages).
boost::asio::awaitable<void> pass::send_moodle(std::vector<store::outbox_row> rows)
{
    if (rows.empty()) co_return;
    std::vector<moodle::outgoing_message> batch;
    for (const auto& row : rows) {
        if (ctx_.show) ctx_.show({row.project, row.channel, row.recipient, row.body, ctx_.dry_run});
        if (ctx_.dry_run) {
            need(co_await store_.finish_outbox(row.reference_id, store::outbox_state::sent, ctx_.now()));
            ++report_.sent;
            continue;
        }
        batch.push_back({*store::moodle_user_id(row.recipient), row.body, row.reference_id});
    }
    if (batch.empty()) co_return;
    if (!ctx_.moodle) {
        report_.errors.push_back(rows.front().project + ": no Moodle site is configured for its Moodle messages");
        co_return;
    }
    if (!may_post()) {
        report_.errors.push_back(rows.front().project + ": leases not renewed in time: left in the outbox");
        co_return;
    }
    auto answer = co_await ctx_.moodle->async_send(batch);
    if (!answer) {
        // Left as intents: the next pass looks for them before sending again.
        report_.errors.push_back(rows.front().project + ": Moodle messages: " + answer.error().message());
        for (const auto& row : rows)
            if (row.deadline) keep_open(date::sys_seconds{std::chrono::seconds(*row.deadline)});
        report_.undelivered += batch.size();
        co_return;
    }
    for (const auto& row : rows) {
        auto it = std::find_if(answer->begin(), answer->end(),
                               [&](const auto& m) { return m.clientmsgid == row.reference_id; });
        if (it == answer->end()) continue;  // not answered for: recovery looks for it
        if (it->sent()) {
            const std::optional<std::int64_t> msgid = it->msgid;
            need(co_await store_.finish_outbox(row.reference_id, store::outbox_state::sent, ctx_.now(), msgid));
            ++report_.sent;
            if (row.late) ++report_.late;
        } else {
            need(co_await store_.finish_outbox(row.reference_id, store::outbox_state::missed, ctx_.now()));
            ++report_.missed;
            report_.errors.push_back(row.project + ": Moodle refused the message to " + row.recipient + ": " +
                                     it->errormessage);
        }
    }
}

boost::asio::awaitable<std::optional<std::int64_t>> pass::moodle_self(const config::project_config& p)
{
    auto self = co_await ctx_.moodle->async_service_user();
    if (!self) {
        fail(p, self.error(), "Moodle");
        co_return std::nullopt;
    }
    co_return *self;
}

boost::asio::awaitable<void> pass::recover_moodle(const config::project_config& p, const store::outbox_row& row)
{
    const auto to = store::moodle_user_id(row.recipient);
    if (!ctx_.moodle || !to) co_return;
    if (!ctx_.dry_run) {
        const auto self = co_await moodle_self(p);
        if (!self) co_return;
        auto sent = co_await ctx_.moodle->async_messages_to(*to, *self);
        if (!sent) {
            lookup_failed(p, row, sent.error(), "Moodle");
            co_return;
        }
        auto found =
            std::find_if(sent->begin(), sent->end(), [&](const auto& m) { return m.fullmessagehtml == row.body; });
        if (found != sent->end()) {
            const std::optional<std::int64_t> found_id = found->id;
            need(co_await store_.finish_outbox(row.reference_id, store::outbox_state::sent, ctx_.now(), found_id));
            co_return;
        }
    }
    if (co_await missed_if_late(row)) co_return;
    // Not among the messages Moodle has: sent as written (its item is handled, so never composed again).
    std::vector<store::outbox_row> again{row};
    co_await send_moodle(std::move(again));
}

}  // namespace prereadd::reminding
