// Reminders, digests, access problems and acknowledgements (see reminders.hpp).
#include "daemon/reminders.hpp"

#include "daemon/deck_membership.hpp"
#include "daemon/literal.hpp"
#include "daemon/messages.hpp"
#include "ocs/deck.hpp"
#include "ocs/talk.hpp"
#include "scheduler/calendar.hpp"
#include "scheduler/plan.hpp"
#include "webdav/requests.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace prereadd::daemon {
namespace {

const std::string talk_prefix = "talk:";

std::int64_t seconds_of(date::sys_seconds t) { return t.time_since_epoch().count(); }

std::optional<std::int64_t> number(const std::optional<std::string>& text)
{
    if (!text) return std::nullopt;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
    return v;
}

// One project's view of the state, read once per pass.
struct project_state {
    std::vector<pre_read_doc> documents;
    std::vector<std::string> participants;
    std::vector<store::engagement> engagements;
    blocked_set blocked;  // open access problems of one participant and one document
};

project_state load(const store::state& st, const std::string& project)
{
    project_state out;
    for (const auto& d : st.documents(project)) out.documents.push_back({d.file_id, d.path, d.first_seen, d.tags});
    for (const auto& p : st.participants(project)) out.participants.push_back(p.user_id);
    out.engagements = st.engagements(project);
    for (const auto& problem : st.open_problems(project))
        if (problem.file_id != 0) out.blocked.insert({problem.user_id, problem.file_id});
    return out;
}

// When the session's first reminder was composed: the earliest reminder row of
// the session that went out (group or one-to-one).
std::optional<date::sys_seconds> first_reminder_of(const std::vector<store::outbox_row>& outbox,
                                                   const std::string& session_key)
{
    std::optional<std::int64_t> first;
    for (const auto& row : outbox)
        if (row.session_key == session_key && row.state == store::outbox_state::sent &&
            row.item.find("/reminder/") != std::string::npos && (!first || row.created_at < *first))
            first = row.created_at;
    if (!first) return std::nullopt;
    return date::sys_seconds{std::chrono::seconds(*first)};
}

class pass {
public:
    pass(reminder_context& ctx, reminder_report& report) : ctx_(ctx), report_(report), st_(ctx.db) {}

    boost::asio::awaitable<void> run()
    {
        for (const auto& p : ctx_.config.projects) {
            if (!p.time_zone) continue;
            co_await recover(p);
            if (p.talk) co_await collect_acknowledgements(p);
            const auto sessions = co_await sessions_of(p);
            co_await send_due(p, sessions);
            if (p.deck) co_await update_deck(p, sessions);
            co_await send_problems(p);
        }
    }

private:
    const http::url& base() const { return ctx_.config.global.nextcloud.base; }
    date::sys_seconds now() const { return date::sys_seconds{std::chrono::seconds(ctx_.now())}; }

    // Posts one outbox row that is already written as an intent.
    boost::asio::awaitable<bool> post(const store::outbox_row& row)
    {
        if (ctx_.show) ctx_.show({row.project, row.channel, row.recipient, row.body, ctx_.dry_run});
        if (ctx_.dry_run) {
            st_.finish_outbox(row.reference_id, store::outbox_state::sent, ctx_.now());
            co_return true;
        }
        const std::string token = row.channel.substr(talk_prefix.size());
        auto posted = co_await ocs::async_post_message(ctx_.client, base(), token, row.body, row.reference_id);
        if (!posted) {
            // Left as an intent: the next pass looks for it in the history before posting again.
            report_.errors.push_back(row.project + ": " + posted.error().message());
            co_return false;
        }
        st_.finish_outbox(row.reference_id, store::outbox_state::sent, ctx_.now(), posted->id);
        co_return true;
    }

    // Writes the intent, then posts it. False when it was known already or could not be posted.
    boost::asio::awaitable<bool> deliver(store::outbox_row row)
    {
        row.reference_id = reference_id(row.project, row.item, row.recipient);
        row.state = store::outbox_state::intent;
        row.created_at = ctx_.now();
        if (!st_.add_outbox(row)) co_return false;
        const bool ok = co_await post(row);
        if (ok) {
            ++report_.sent;
            if (row.late) ++report_.late;
        }
        co_return ok;
    }

    void keep_open(date::sys_seconds deadline)
    {
        if (!report_.open_deadline || deadline < *report_.open_deadline) report_.open_deadline = deadline;
    }

    void record(store::outbox_row row, store::outbox_state final_state)
    {
        row.reference_id = reference_id(row.project, row.item, row.recipient);
        row.state = final_state;
        row.created_at = ctx_.now();
        row.done_at = ctx_.now();
        st_.add_outbox(row);
    }

    // Intents a crash or a failure left unconfirmed: found in the history, or posted now if still useful.
    boost::asio::awaitable<void> recover(const project_config& p)
    {
        for (const auto& row : st_.unconfirmed(p.id)) {
            if (!row.channel.starts_with(talk_prefix)) continue;
            const std::string token = row.channel.substr(talk_prefix.size());
            if (!ctx_.dry_run) {
                auto history = co_await ocs::async_chat_history(ctx_.client, base(), token, 200);
                if (!history) {
                    report_.errors.push_back(p.id + ": " + history.error().message());
                    if (row.deadline && *row.deadline > ctx_.now()) {
                        keep_open(date::sys_seconds{std::chrono::seconds(*row.deadline)});
                        ++report_.undelivered;
                    }
                    continue;
                }
                auto found = std::find_if(history->messages.begin(), history->messages.end(),
                                          [&](const auto& m) { return m.reference_id == row.reference_id; });
                if (found != history->messages.end()) {
                    st_.finish_outbox(row.reference_id, store::outbox_state::sent, ctx_.now(), found->id);
                    continue;
                }
            }
            if (row.deadline && *row.deadline <= ctx_.now()) {
                st_.finish_outbox(row.reference_id, store::outbox_state::missed, ctx_.now());
                ++report_.missed;
                continue;
            }
            // Not in the conversation: a planned message is composed again by this pass from what
            // is known now (whoever read during the outage is no longer reminded), under the same
            // reference id; other messages go out as written.
            if (row.session_start) {
                st_.withdraw_intent(row.reference_id);
                continue;
            }
            if (co_await post(row)) ++report_.sent;
        }
    }

    // Reactions to the reminders of sessions still to come count as acknowledged.
    boost::asio::awaitable<void> collect_acknowledgements(const project_config& p)
    {
        const std::string channel = talk_prefix + p.talk->conversation;
        std::map<std::int64_t, store::outbox_row> awaiting;  // Talk message id -> reminder
        for (const auto& row : st_.outbox(p.id))
            if (row.state == store::outbox_state::sent && row.channel == channel && row.recipient.empty() &&
                row.remote_id && row.session_start && *row.session_start > ctx_.now() &&
                row.item.find("/reminder/") != std::string::npos)
                awaiting.emplace(*row.remote_id, row);
        // Only while a reminder awaits acknowledgement is the chat read: an idle
        // project costs no request for it.
        if (awaiting.empty() || ctx_.dry_run) co_return;
        const std::string cursor_name = "talk:" + p.talk->conversation;
        const std::int64_t cursor = number(st_.cursor(cursor_name)).value_or(awaiting.begin()->first);
        auto page = co_await ocs::async_chat_since(ctx_.client, base(), p.talk->conversation, cursor);
        if (!page) {
            report_.errors.push_back(p.id + ": " + page.error().message());
            co_return;
        }
        if (page->not_modified) co_return;
        const auto state = load(st_, p.id);
        store::transaction tx(ctx_.db);
        for (const auto& m : page->messages) {
            if (m.system_message != "reaction" || m.actor_type != "users" || !m.parent_id) continue;
            if (m.actor_id == ctx_.config.global.nextcloud.user) continue;
            if (p.acknowledge_with && m.message != *p.acknowledge_with) continue;
            auto it = awaiting.find(*m.parent_id);
            if (it == awaiting.end()) continue;
            scheduler::session s;
            s.key = it->second.session_key;
            s.start = date::sys_seconds{std::chrono::seconds(*it->second.session_start)};
            for (const auto& d : documents_for(s, *p.time_zone, state.documents, p.pre_reads, p.pre_read_tag_prefix))
                if (st_.record({p.id, m.actor_id, d.file_id, store::engagement_kind::acknowledged,
                                m.timestamp ? m.timestamp : ctx_.now(), "talk"}))
                    ++report_.acknowledged;
        }
        std::int64_t next = cursor;
        for (const auto& m : page->messages) next = std::max(next, m.id);
        if (page->last_given) next = std::max(next, *page->last_given);
        st_.set_cursor(cursor_name, std::to_string(next));
        tx.commit();
    }

    static std::chrono::seconds longest_lead(const project_config& p)
    {
        std::chrono::seconds longest{0};
        for (auto lead : p.lead_times) longest = std::max(longest, lead);
        if (p.digest) longest = std::max(longest, *p.digest);
        return longest;
    }

    // Configured and calendar sessions from two months back (missed items, the
    // digest's "previous session") to a year past the longest lead, so `next_due` is exact.
    boost::asio::awaitable<std::vector<scheduler::session>> sessions_of(const project_config& p)
    {
        const auto t_now = now();
        const auto longest = longest_lead(p);
        auto sessions = scheduler::expand_sessions(p.sessions, p.weekly, *p.time_zone,
                                                   t_now - std::chrono::hours(24 * 62),
                                                   t_now + longest + std::chrono::hours(24 * 366));
        if (p.calendar) {
            const auto from_calendar = co_await calendar_sessions(p, t_now, longest);
            sessions.insert(sessions.end(), from_calendar.begin(), from_calendar.end());
            std::sort(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) {
                return std::tie(a.start, a.key) < std::tie(b.start, b.key);
            });
        }
        co_return sessions;
    }

    boost::asio::awaitable<void> send_due(const project_config& p, const std::vector<scheduler::session>& sessions)
    {
        std::vector<scheduler::timing> timings;
        for (auto lead : p.lead_times) timings.push_back({scheduler::item_kind::reminder, lead});
        if (p.digest) timings.push_back({scheduler::item_kind::digest, *p.digest});
        if (p.follow_up) timings.push_back({scheduler::item_kind::follow_up, p.follow_up->reminder, p.follow_up->due});
        const auto longest = longest_lead(p);
        const auto t_now = now();
        const auto planned = scheduler::plan(sessions, timings, st_.handled_items(p.id), t_now, ctx_.missed_lookback);
        if (planned.next_due && (!report_.next_due || *planned.next_due < *report_.next_due))
            report_.next_due = planned.next_due;
        if (planned.next_deadline) keep_open(*planned.next_deadline);
        const std::string channel = p.talk ? talk_prefix + p.talk->conversation : std::string();

        auto row_for = [&](const scheduler::due_item& item) {
            store::outbox_row row;
            row.project = p.id;
            row.item = item.id();
            row.channel = channel;
            row.session_key = item.about->key;
            row.session_start = seconds_of(item.about->start);
            row.deadline = seconds_of(item.deadline);
            row.late = item.due_at < t_now - std::chrono::minutes(1);
            return row;
        };
        for (const auto& item : planned.missed) {
            record(row_for(item), store::outbox_state::missed);
            ++report_.missed;
        }
        for (const auto& item : planned.superseded) record(row_for(item), store::outbox_state::superseded);
        if (planned.send.empty()) co_return;

        const auto state = load(st_, p.id);
        const auto done = done_from(state.engagements);
        for (const auto& item : planned.send) {
            reminder_input in;
            in.session = item.about;
            in.zone = p.time_zone;
            in.now = t_now;
            in.participants = state.participants;
            in.documents = documents_for(*item.about, *p.time_zone, state.documents, p.pre_reads, p.pre_read_tag_prefix);
            in.done = done;
            in.blocked = state.blocked;
            in.facilitators = p.facilitators;
            in.when_all_ready = p.when_all_ready;
            auto row = row_for(item);
            if (!p.talk) {
                // Nowhere to post (Deck-only projects get their cards elsewhere).
                record(row, store::outbox_state::skipped);
                continue;
            }
            std::optional<message> text;
            if (item.kind == scheduler::item_kind::follow_up) {
                // The documents that appeared from the session's start on are its follow-ups.
                std::erase_if(in.documents, [&](const pre_read_doc& d) { return d.first_seen < seconds_of(item.about->start); });
                text = follow_up_message(in, item.deadline);
            } else if (item.kind == scheduler::item_kind::digest) {
                digest_input d{in, state.engagements, std::nullopt, first_reminder_of(st_.outbox(p.id), item.about->key)};
                for (const auto& s : sessions)
                    if (s.end <= item.about->start && !s.cancelled) d.previous_session_end = s.end;
                text = digest_message(d);
            } else {
                text = reminder_message(in);
            }
            if (!text) {
                // Nobody has anything left: nothing to say.
                record(row, store::outbox_state::skipped);
                ++report_.skipped;
                continue;
            }
            row.body = text->text;
            const auto known = [&] { return st_.outbox_entry(reference_id(row.project, row.item, row.recipient)); };
            if (!(co_await deliver(row)) && !(known() && known()->done_at)) {
                keep_open(item.deadline);
                ++report_.undelivered;
            }
            if (item.kind != scheduler::item_kind::reminder || !p.personal_reminders) continue;
            for (const auto& [user, theirs] : pending(in.participants, in.documents, in.done, in.blocked)) {
                store::outbox_row personal = row;
                personal.recipient = user;
                personal.body = personal_reminder(in, user).text;
                if (st_.outbox_entry(reference_id(p.id, personal.item, user))) continue;
                if (!(co_await resolve_one_to_one(p, user, personal))) continue;
                co_await deliver(personal);
            }
        }
    }

    // One card per session whose first reminder is due: assigned to who has
    // something left, its checklist kept up to date, done when everyone is.
    boost::asio::awaitable<void> update_deck(const project_config& p, const std::vector<scheduler::session>& sessions)
    {
        const auto t_now = now();
        const auto longest = longest_lead(p);
        const ocs::deck_place where{p.deck->board, p.deck->stack};
        const auto& service_user = ctx_.config.global.nextcloud.user;
        std::optional<project_state> state;
        std::optional<std::vector<ocs::deck_card>> on_stack;
        for (const auto& s : sessions) {
            if (s.cancelled || s.start <= t_now || s.start - longest > t_now) continue;
            auto row = st_.deck_card(p.id, s.key);
            if (row && row->state != "open") continue;
            if (!state) state = load(st_, p.id);
            reminder_input in;
            in.session = &s;
            in.zone = p.time_zone;
            in.now = t_now;
            in.participants = state->participants;
            in.documents = documents_for(s, *p.time_zone, state->documents, p.pre_reads, p.pre_read_tag_prefix);
            in.done = done_from(state->engagements);
            in.blocked = state->blocked;
            if (in.documents.empty() || in.participants.empty()) continue;
            const auto open = pending(in.participants, in.documents, in.done, in.blocked);
            const bool out_of_reach_left = !out_of_reach(in.participants, in.documents, in.done, in.blocked).empty();
            const std::string description = deck_description(p.id, in);
            ocs::card_fields fields{deck_title(s, *p.time_zone), description,
                                    date::format("%FT%T+00:00", s.start), std::nullopt, service_user};
            if (ctx_.dry_run) {
                if (!row || row->description != description)
                    show_deck(p, std::string(row ? "would update" : "would create") + " Deck card \"" + fields.title + "\"",
                              description);
                continue;
            }
            if (!on_stack) {
                auto cards = co_await ocs::async_stack_cards(ctx_.client, base(), where);
                if (!cards) {
                    report_.errors.push_back(p.id + ": " + cards.error().message());
                    co_return;
                }
                on_stack = std::move(*cards);
            }
            const std::string marker = deck_marker(p.id, s);
            if (!row) {
                // Written before the card is created: a crash in between finds it again by its marker.
                row = store::deck_card_row{p.id, s.key, s.start.time_since_epoch().count(), std::nullopt, "", {}, "open", ctx_.now()};
                st_.save_deck_card(*row);
            }
            const ocs::deck_card* card = nullptr;
            for (const auto& c : *on_stack)
                if (row->card_id ? c.id == *row->card_id : c.description.find(marker) != std::string::npos) card = &c;
            if (row->card_id && !card) {
                // Deleted or archived by someone: not ours to bring back.
                row->state = "gone";
                st_.save_deck_card(*row);
                continue;
            }
            if (card && card->done) {
                // Marked done in Deck by a participant: their acknowledgement.
                if (card->last_editor && *card->last_editor != service_user)
                    for (const auto& d : in.documents)
                        if (st_.record({p.id, *card->last_editor, d.file_id, store::engagement_kind::acknowledged,
                                        ctx_.now(), "deck"}))
                            ++report_.acknowledged;
                row->state = "done_by_participant";
                st_.save_deck_card(*row);
                continue;
            }
            if (!card) {
                show_deck(p, "creating Deck card \"" + fields.title + "\"", description);
                auto created = co_await ocs::async_create_card(ctx_.client, base(), where, fields);
                if (!created) {
                    report_.errors.push_back(p.id + ": " + created.error().message());
                    continue;
                }
                row->card_id = created->id;
                row->description = created->description;
                st_.save_deck_card(*row);
            } else {
                row->card_id = card->id;
                row->assigned = card->assigned;
            }
            if (row->description != description) {
                auto updated = co_await ocs::async_update_card(ctx_.client, base(), where, *row->card_id, fields);
                if (!updated) {
                    report_.errors.push_back(p.id + ": " + updated.error().message());
                    continue;
                }
                row->description = description;
                st_.save_deck_card(*row);
            }
            co_await assign_card(p, *row, open, state->participants);
            // Done when everyone has read what they can open and nobody is kept from a document.
            if (open.empty() && !out_of_reach_left) {
                fields.done = date::format("%FT%T+00:00", date::floor<std::chrono::seconds>(t_now));
                auto done = co_await ocs::async_update_card(ctx_.client, base(), where, *row->card_id, fields);
                if (!done) report_.errors.push_back(p.id + ": " + done.error().message());
                else row->state = "done";
            }
            st_.save_deck_card(*row);
        }
    }

    // Assigns the card to who has something left and unassigns the others.
    // Deck assigns only members of the board (32a): those who are not are made
    // members or reported (assignable_of); the row keeps what Deck confirmed.
    boost::asio::awaitable<void> assign_card(const project_config& p, store::deck_card_row& row,
                                             const std::map<std::string, std::vector<const pre_read_doc*>>& open,
                                             const std::vector<std::string>& participants)
    {
        const ocs::deck_place where{p.deck->board, p.deck->stack};
        auto has = [](const std::vector<std::string>& list, const std::string& user) {
            return std::find(list.begin(), list.end(), user) != list.end();
        };
        std::vector<std::string> to_assign;
        for (const auto& [user, docs] : open)
            if (!has(row.assigned, user)) to_assign.push_back(user);
        for (const auto& user : co_await assignable_of(p, to_assign, participants)) {
            auto assigned = co_await ocs::async_assign(ctx_.client, base(), where, *row.card_id, user, true);
            if (assigned) {
                row.assigned.push_back(user);
            } else if (assigned.error().status == 400 && assigned.error().detail.find("not part of the board") != std::string::npos) {
                // The board changed since it was read: reported like any non-member, read again next time.
                ctx_.deck_boards.erase(p.deck->board);
                record_deck_problem(p, user, "not a member of Deck board " + std::to_string(p.deck->board) + " (Deck: " +
                                                 assigned.error().detail.substr(assigned.error().detail.rfind(": ") + 2) + ")");
            } else {
                report_.errors.push_back(p.id + ": " + assigned.error().message());
            }
        }
        for (const auto& user : std::vector<std::string>(row.assigned)) {
            if (open.count(user)) continue;
            auto unassigned = co_await ocs::async_assign(ctx_.client, base(), where, *row.card_id, user, false);
            // 404: no such assignment (any more), which is what was wanted.
            if (unassigned || unassigned.error().status == 404) std::erase(row.assigned, user);
            else report_.errors.push_back(p.id + ": " + unassigned.error().message());
        }
    }

    // Of `to_assign`, those who are members of the project's board, after
    // sharing the board with the others where prereadd may; the rest are
    // reported once. The board is read when a wanted assignee is not known as
    // a member, at most every `deck_recheck` (a fix by hand is noticed then).
    boost::asio::awaitable<std::vector<std::string>> assignable_of(const project_config& p,
                                                                   const std::vector<std::string>& to_assign,
                                                                   const std::vector<std::string>& participants)
    {
        if (to_assign.empty()) co_return std::vector<std::string>{};
        auto& cache = ctx_.deck_boards[p.deck->board];
        const bool all_known = std::all_of(to_assign.begin(), to_assign.end(), [&](const auto& u) {
            return std::find(cache.board.members.begin(), cache.board.members.end(), u) != cache.board.members.end();
        });
        bool read = cache.fetched_at == 0 || (!all_known && ctx_.now() - cache.fetched_at >= ctx_.deck_recheck.count());
        for (int round = 0; round < 3; ++round) {
            if (read) {
                auto board = co_await ocs::async_board(ctx_.client, base(), p.deck->board);
                if (!board) {
                    report_.errors.push_back(p.id + ": " + board.error().message());
                    co_return std::vector<std::string>{};
                }
                cache = {std::move(*board), ctx_.now(), false};
                resolve_deck_problems(p, cache.board.members, participants);
            }
            const auto plan = decide_deck_membership({p.deck->board, to_assign, cache.board.members, cache.board.acl,
                                                      p.participants.groups, p.deck->share_with_participants,
                                                      cache.board.may_share, cache.share_refused});
            if (plan.share_groups.empty() && plan.share_users.empty()) {
                for (const auto& user : plan.unreachable) record_deck_problem(p, user, plan.why);
                co_return plan.assign;
            }
            for (int type : {1, 0})
                for (const auto& who : type == 1 ? plan.share_groups : plan.share_users) {
                    if (cache.share_refused) break;
                    auto shared = co_await ocs::async_share_board(ctx_.client, base(), p.deck->board, type, who, false);
                    if (shared) {
                        report_.notices.push_back(p.id + ": shared Deck board " + std::to_string(p.deck->board) +
                                                  " read-only with " + (type == 1 ? "group " : "") + log_text(who) +
                                                  " so the session card can be assigned");
                    } else if (shared.error().status == 403) {
                        cache.share_refused = true;
                    } else {
                        report_.errors.push_back(p.id + ": " + shared.error().message());
                        co_return plan.assign;
                    }
                }
            read = !cache.share_refused;  // who is a member now
        }
        co_return std::vector<std::string>{};
    }

    void record_deck_problem(const project_config& p, const std::string& user, const std::string& why)
    {
        if (ctx_.dry_run) return;
        if (st_.record_problem(p.id, {user, 0, deck_not_member, why, ctx_.now()}))
            report_.notices.push_back(p.id + ": the session card cannot be assigned to " + log_text(user) + ", " + why);
    }

    void resolve_deck_problems(const project_config& p, const std::vector<std::string>& members,
                               const std::vector<std::string>& participants)
    {
        for (const auto& problem : st_.open_problems(p.id)) {
            if (problem.problem != deck_not_member) continue;
            const bool member = std::find(members.begin(), members.end(), problem.user_id) != members.end();
            const bool participant =
                std::find(participants.begin(), participants.end(), problem.user_id) != participants.end();
            if (member || !participant) st_.resolve_problem(p.id, problem, ctx_.now());
        }
    }

    void show_deck(const project_config& p, const std::string& what, const std::string& description)
    {
        if (ctx_.show)
            ctx_.show({p.id, "deck:" + std::to_string(p.deck->board) + "/" + std::to_string(p.deck->stack), what,
                       description, ctx_.dry_run});
    }

    // The project calendar's sessions around now, read again every `calendar_refresh`.
    boost::asio::awaitable<std::vector<scheduler::session>> calendar_sessions(const project_config& p,
                                                                                     date::sys_seconds t_now,
                                                                                     std::chrono::seconds longest)
    {
        // A copy: the cache may change while the caller waits on later requests.
        auto& cache = ctx_.calendars[p.id];
        if (cache.fetched_at != 0 && ctx_.now() - cache.fetched_at < ctx_.calendar_refresh.count()) co_return cache.sessions;
        auto objects = co_await webdav::async_calendar_query(ctx_.client, base(), ctx_.config.global.nextcloud.user,
                                                             p.calendar->name, t_now - std::chrono::hours(24 * 62),
                                                             t_now + longest + std::chrono::hours(24 * 35));
        if (!objects) {
            report_.errors.push_back(p.id + ": " + objects.error().message());
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

    // Access problems, once per problem and facilitator, in a one-to-one conversation.
    boost::asio::awaitable<void> send_problems(const project_config& p)
    {
        if (p.facilitators.empty()) co_return;
        // One message per access problem; Deck membership problems seen in the
        // same pass in one message, so a board nobody was added to does not
        // send a message per participant.
        std::vector<std::pair<std::string, std::string>> notes;  // item, text
        std::map<std::int64_t, std::vector<std::pair<std::string, std::string>>> deck;  // first seen -> (user, detail)
        for (const auto& problem : st_.open_problems(p.id)) {
            if (problem.problem == deck_not_member) {
                deck[problem.first_seen].emplace_back(problem.user_id, problem.detail);
                continue;
            }
            notes.emplace_back("problem/" + problem.user_id + "/" + std::to_string(problem.file_id) + "/" +
                                   problem.problem + "/" + std::to_string(problem.first_seen),
                               access_problem_message(p.id, p.folder, problem.user_id, problem.detail).text);
        }
        // Keyed by when they were first seen: someone resolved later changes nothing, someone new is a new message.
        for (const auto& [first_seen, users] : deck)
            notes.emplace_back("problem/" + std::string(deck_not_member) + "/" + std::to_string(first_seen),
                               deck_problem_message(p.id, users).text);
        for (const auto& [item, text] : notes)
            for (const auto& facilitator : p.facilitators) {
                store::outbox_row row;
                row.project = p.id;
                row.item = item;
                row.recipient = facilitator;
                if (st_.outbox_entry(reference_id(row.project, row.item, row.recipient))) continue;
                row.body = text;
                if (!(co_await resolve_one_to_one(p, facilitator, row))) continue;
                co_await deliver(row);
            }
    }

    // Sets row.channel to the one-to-one conversation with `user` (created if missing).
    boost::asio::awaitable<bool> resolve_one_to_one(const project_config& p, const std::string& user,
                                                    store::outbox_row& row)
    {
        if (auto known = one_to_one_.find(user); known != one_to_one_.end()) {
            row.channel = known->second;
            co_return true;
        }
        if (ctx_.dry_run) {
            row.channel = talk_prefix + "(one-to-one with " + user + ")";
            co_return true;
        }
        auto token = co_await ocs::async_one_to_one(ctx_.client, base(), user);
        if (!token) {
            report_.errors.push_back(p.id + ": " + token.error().message());
            co_return false;
        }
        row.channel = one_to_one_[user] = talk_prefix + *token;
        co_return true;
    }

    reminder_context& ctx_;
    reminder_report& report_;
    store::state st_;
    std::map<std::string, std::string> one_to_one_;  // user -> channel, for this pass
};

}  // namespace

std::string reference_id(const std::string& project, const std::string& item, const std::string& recipient)
{
    const std::string input = project + '\n' + item + '\n' + recipient;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("sha256 is not available from OpenSSL");
    static const char* const hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

boost::asio::awaitable<reminder_report> async_reminders(reminder_context& ctx)
{
    reminder_report report;
    pass p(ctx, report);
    co_await p.run();
    co_return report;
}

}  // namespace prereadd::daemon
