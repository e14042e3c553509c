// A Deck card per session (see pass.hpp): created when the first reminder is
// due, its checklist kept up to date, assigned to who has something left
// (members of the board only: recording 32a), done when everyone is.
#include "reminding/pass.hpp"

#include "reminding/literal.hpp"
#include "ocs/envelope.hpp"

#include <algorithm>

namespace prereadd::reminding {

// One card per session whose first reminder is due: assigned to who has
// something left, its checklist kept up to date, done when everyone is.
boost::asio::awaitable<void> pass::update_deck(const config::project_config& p,
                                               const std::vector<scheduler::session>& sessions)
{
    const auto t_now = now();
    const auto longest = longest_lead(p);
    std::optional<project_state> state;
    std::optional<std::vector<ocs::deck_card>> on_stack;
    for (const auto& s : sessions) {
        if (s.cancelled || s.start <= t_now || s.start - longest > t_now) continue;
        auto row = need(co_await store_.deck_card(p.id, s.key));
        if (row && row->state != store::deck_card_state::open) continue;
        if (!state) {
            state = co_await load_project_state(store_, ctx_.config, p);
            co_await learn_project_language(p, *state);
        }
        const auto in = input_for(p, s, *state, t_now);
        if (in.documents.empty() || in.participants.empty()) continue;
        if (ctx_.dry_run) {
            const std::string description = deck_description(p.id, in);
            if (!row || row->description != description)
                show_deck(p,
                          std::string(row ? "would update" : "would create") + " Deck card \"" +
                              deck_title(s, *p.time_zone, *in.language) + "\"",
                          description);
            continue;
        }
        if (!on_stack) {
            auto cards = co_await ocs::async_stack_cards(ctx_.client, base(), {p.deck->board, p.deck->stack});
            if (!cards) {
                fail(p, cards.error());
                co_return;
            }
            on_stack = std::move(*cards);
        }
        if (!row) {
            // Written before the card is created: a crash in between finds it again by its marker.
            row = store::deck_card_row{p.id, s.key, s.start.time_since_epoch().count(), std::nullopt,
                                       "",   {},    store::deck_card_state::open,       ctx_.now()};
            need(co_await store_.save_deck_card(*row));
        }
        co_await update_card(p, s, in, *on_stack, *row);
    }
}

// One session's card, as decide_deck_card says.
boost::asio::awaitable<void> pass::update_card(const config::project_config& p, const scheduler::session& s,
                                               const reminder_input& in, const std::vector<ocs::deck_card>& stack,
                                               store::deck_card_row& row)
{
    if (!may_post()) {
        report_.errors.push_back(p.id + ": leases not renewed in time: Deck card left as it is");
        co_return;
    }
    const ocs::deck_place where{p.deck->board, p.deck->stack};
    const auto& service_user = ctx_.config.global.nextcloud.user;
    const std::string description = deck_description(p.id, in);
    ocs::card_fields fields{deck_title(s, *p.time_zone, *in.language), description,
                            date::format("%FT%T+00:00", s.start), std::nullopt, service_user};
    const ocs::deck_card* card = find_card(stack, row, deck_marker(p.id, s));
    switch (decide_deck_card(row, card)) {
    case deck_step::gone:
        row.state = store::deck_card_state::gone;
        need(co_await store_.save_deck_card(row));
        co_return;
    case deck_step::done_by_participant:
        if (card->last_editor && *card->last_editor != service_user)
            for (const auto& d : in.documents) {
                const store::engagement e{
                    p.id, *card->last_editor, d.file_id, store::engagement_kind::acknowledged, ctx_.now(), "deck"};
                if (need(co_await store_.record(e))) ++report_.acknowledged;
            }
        row.state = store::deck_card_state::done_by_participant;
        need(co_await store_.save_deck_card(row));
        co_return;
    case deck_step::create: {
        show_deck(p, "creating Deck card \"" + fields.title + "\"", description);
        auto created = co_await ocs::async_create_card(ctx_.client, base(), where, fields);
        if (!created) co_return fail(p, created.error());
        row.card_id = created->id;
        row.description = created->description;
        need(co_await store_.save_deck_card(row));
        break;
    }
    case deck_step::keep:
        row.card_id = card->id;
        row.assigned = card->assigned;
        break;
    }
    if (row.description != description) {
        auto updated = co_await ocs::async_update_card(ctx_.client, base(), where, *row.card_id, fields);
        if (!updated) co_return fail(p, updated.error());
        row.description = description;
        need(co_await store_.save_deck_card(row));
    }
    const auto open = pending(in.participants, in.documents, in.done, in.blocked);
    co_await assign_card(p, row, open, in.participants);
    // Done when everyone has read what they can open and nobody is kept from a document.
    if (open.empty() && out_of_reach(in.participants, in.documents, in.done, in.blocked).empty()) {
        fields.done = date::format("%FT%T+00:00", date::floor<std::chrono::seconds>(in.now));
        auto done = co_await ocs::async_update_card(ctx_.client, base(), where, *row.card_id, fields);
        if (!done)
            fail(p, done.error());
        else
            row.state = store::deck_card_state::done;
    }
    need(co_await store_.save_deck_card(row));
}

// Assigns the card to who has something left and unassigns the others.
// Deck assigns only members of the board (32a): those who are not are made
// members or reported (assignable_of); the row keeps what Deck confirmed.
boost::asio::awaitable<void> pass::assign_card(const config::project_config& p, store::deck_card_row& row,
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
        } else if (assigned.error().status == 400 &&
                   assigned.error().detail.find("not part of the board") != std::string::npos) {
            // The board changed since it was read: reported like any non-member, read again next time.
            ctx_.memory.deck_boards.erase(p.deck->board);
            co_await record_deck_problem(
                p, user,
                "not a member of Deck board " + std::to_string(p.deck->board) +
                    " (Deck: " + assigned.error().detail.substr(assigned.error().detail.rfind(": ") + 2) + ")");
        } else {
            fail(p, assigned.error());
        }
    }
    for (const auto& user : std::vector<std::string>(row.assigned)) {
        if (open.count(user)) continue;
        auto unassigned = co_await ocs::async_assign(ctx_.client, base(), where, *row.card_id, user, false);
        // 404: no such assignment (any more), which is what was wanted.
        if (unassigned || unassigned.error().status == 404)
            std::erase(row.assigned, user);
        else
            fail(p, unassigned.error());
    }
}
// Of `to_assign`, those who are members of the project's board, after
// sharing the board with the others where prereadd may; the rest are
// reported once. The board is read when a wanted assignee is not known as
// a member, at most every `deck_recheck` (a fix by hand is noticed then).
boost::asio::awaitable<std::vector<std::string>> pass::assignable_of(const config::project_config& p,
                                                                     const std::vector<std::string>& to_assign,
                                                                     const std::vector<std::string>& participants)
{
    if (to_assign.empty()) co_return std::vector<std::string>{};
    auto& cache = ctx_.memory.deck_boards[p.deck->board];
    const bool all_known = std::all_of(to_assign.begin(), to_assign.end(), [&](const auto& u) {
        return std::find(cache.board.members.begin(), cache.board.members.end(), u) != cache.board.members.end();
    });
    bool read =
        cache.fetched_at == 0 || (!all_known && ctx_.now() - cache.fetched_at >= ctx_.tuning.deck_recheck.count());
    for (int round = 0; round < 3; ++round) {
        if (read) {
            auto board = co_await ocs::async_board(ctx_.client, base(), p.deck->board);
            if (!board) {
                fail(p, board.error());
                co_return std::vector<std::string>{};
            }
            cache = {std::move(*board), ctx_.now(), false};
            co_await resolve_deck_problems(p, cache.board.members, participants);
        }
        const auto plan = decide_deck_membership({p.deck->board, to_assign, cache.board.members, cache.board.acl,
                                                  p.participants.groups, p.deck->share_with_participants,
                                                  cache.board.may_share, cache.share_refused});
        if (plan.share_groups.empty() && plan.share_users.empty()) {
            for (const auto& user : plan.unreachable) co_await record_deck_problem(p, user, plan.why);
            co_return plan.assign;
        }
        if (!(co_await share_board(p, plan, cache))) co_return plan.assign;
        read = !cache.share_refused;  // who is a member now
    }
    co_return std::vector<std::string>{};
}

// Shares the board read-only as the plan says, groups first. False when a
// share failed for another reason than being refused (403, remembered).
boost::asio::awaitable<bool> pass::share_board(const config::project_config& p, const deck_membership_plan& plan,
                                               reminder_memory::deck_board_cache& cache)
{
    for (const auto type : {ocs::share_with_group, ocs::share_with_user})
        for (const auto& who : type == ocs::share_with_group ? plan.share_groups : plan.share_users) {
            if (cache.share_refused) co_return true;
            auto shared = co_await ocs::async_share_board(ctx_.client, base(), p.deck->board, type, who, false);
            if (shared) {
                report_.notices.push_back(p.id + ": shared Deck board " + std::to_string(p.deck->board) +
                                          " read-only with " + (type == ocs::share_with_group ? "group " : "") +
                                          log_text(who) + " so the session card can be assigned");
            } else if (shared.error().status == 403) {
                cache.share_refused = true;
            } else {
                fail(p, shared.error());
                co_return false;
            }
        }
    co_return true;
}

boost::asio::awaitable<void> pass::record_deck_problem(const config::project_config& p, const std::string& user,
                                                       const std::string& why)
{
    if (ctx_.dry_run) co_return;
    const store::problem_row problem{user, 0, deck_not_member, why, ctx_.now()};
    if (need(co_await store_.record_problem(p.id, problem)))
        report_.notices.push_back(p.id + ": the session card cannot be assigned to " + log_text(user) + ", " + why);
}
boost::asio::awaitable<void> pass::resolve_deck_problems(const config::project_config& p,
                                                         const std::vector<std::string>& members,
                                                         const std::vector<std::string>& participants)
{
    for (const auto& problem : need(co_await store_.open_problems(p.id))) {
        if (problem.problem != deck_not_member) continue;
        const bool member = std::find(members.begin(), members.end(), problem.user_id) != members.end();
        const bool participant =
            std::find(participants.begin(), participants.end(), problem.user_id) != participants.end();
        if (member || !participant) need(co_await store_.resolve_problem(p.id, problem, ctx_.now()));
    }
}
void pass::show_deck(const config::project_config& p, const std::string& what, const std::string& description)
{
    if (ctx_.show)
        ctx_.show({p.id, "deck:" + std::to_string(p.deck->board) + "/" + std::to_string(p.deck->stack), what,
                   description, ctx_.dry_run});
}

}  // namespace prereadd::reminding
