// The reminder pass: its order per project, the outbox that makes every
// message go out exactly once, recovery of what a crash left unconfirmed,
// and the facilitators' problem messages (see reminder_pass.hpp, pass.hpp).
#include "reminding/pass.hpp"

#include "ocs/talk.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace prereadd::reminding {
namespace {

// A reply to a question asked in the conversation ("ask/<message id>") is
// posted as a reply to it, also when it is posted again after a crash.
std::optional<std::int64_t> reply_to(const store::outbox_row& row)
{
    if (!row.item.starts_with(ask_prefix)) return std::nullopt;
    try {
        return std::stoll(row.item.substr(ask_prefix.size()));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

boost::asio::awaitable<project_state> load_project_state(store::backend& st, const config::configuration& config,
                                                         const config::project_config& p)
{
    const std::string& project = p.id;
    project_state out;
    std::string base = config.global.nextcloud.base.to_string();
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (p.talk) out.call_link = base + "/call/" + p.talk->conversation;
    out.file_link = base + "/f/";
    out.zones = p.participants.time_zones;
    if (p.talk) out.calls = need(co_await st.calls(project));
    for (const auto& d : need(co_await st.documents(project))) out.documents.push_back(pre_read_of(d));
    for (const auto& row : need(co_await st.participants(project))) {
        out.participants.push_back(row.user_id);
        if (!row.display_name.empty()) out.display_names[row.user_id] = row.display_name;
    }
    out.engagements = need(co_await st.engagements(project));
    out.done = done_from(out.engagements);
    for (const auto& problem : need(co_await st.open_problems(project)))
        if (problem.file_id != 0) out.blocked.insert({problem.user_id, problem.file_id});
    co_return out;
}

boost::asio::awaitable<void> pass::run()
{
    std::optional<store_lost> lost;
    try {
        for (const auto& p : ctx_.config.projects) {
            if (!p.time_zone || (ctx_.held && !ctx_.held->count(p.id))) continue;
            if (!may_post()) {
                report_.errors.push_back("leases not renewed in time: nothing posted until they are");
                break;
            }
            co_await recover(p);
            const auto sessions = co_await sessions_of(p);
            if (p.talk) co_await read_conversation(p, sessions);
            co_await send_due(p, sessions);
            if (p.deck) co_await update_deck(p, sessions);
            co_await send_problems(p);
        }
    } catch (const store_lost& e) {
        lost = e;
    }
    // The store is gone for this pass (its connection is closed): the next pass starts afresh.
    if (lost) report_.errors.push_back("state: " + lost->ec.message());
}
void pass::fail(const config::project_config& p, const http::failure& f, std::string_view system)
{
    report_.errors.push_back(p.id + ": " + (system.empty() ? std::string() : std::string(system) + ": ") + f.message());
}
// Posts one outbox row that is already written as an intent.
boost::asio::awaitable<bool> pass::post(const store::outbox_row& row)
{
    if (!may_post()) {
        report_.errors.push_back(row.project + ": leases not renewed in time: left in the outbox");
        co_return false;
    }
    if (ctx_.show) ctx_.show({row.project, row.channel, row.recipient, row.body, ctx_.dry_run});
    if (ctx_.dry_run) {
        need(co_await store_.finish_outbox(row.reference_id, store::outbox_state::sent, ctx_.now()));
        co_return true;
    }
    const std::string token = row.channel.substr(talk_prefix.size());
    auto posted = co_await ocs::async_post_message(ctx_.client, base(), token, row.body, row.reference_id, false,
                                                   reply_to(row));
    if (!posted) {
        // Left as an intent: the next pass looks for it in the history before posting again.
        report_.errors.push_back(row.project + ": " + posted.error().message());
        co_return false;
    }
    const auto posted_id = posted->id;
    need(co_await store_.finish_outbox(row.reference_id, store::outbox_state::sent, ctx_.now(), posted_id));
    co_return true;
}
// Writes the intent, then posts it. False when it was known already or could not be posted.
boost::asio::awaitable<bool> pass::deliver(store::outbox_row row)
{
    if (!(co_await write(row, store::outbox_state::intent))) co_return false;
    const bool ok = co_await post(row);
    if (ok) {
        ++report_.sent;
        if (row.late) ++report_.late;
    }
    co_return ok;
}
void pass::keep_open(date::sys_seconds deadline)
{
    if (!report_.open_deadline || deadline < *report_.open_deadline) report_.open_deadline = deadline;
}
boost::asio::awaitable<void> pass::record(store::outbox_row row, store::outbox_state final_state)
{
    co_await write(row, final_state);
}
boost::asio::awaitable<bool> pass::write(store::outbox_row& row, store::outbox_state state)
{
    row.reference_id = reference_id(row.project, row.item, row.recipient);
    row.state = state;
    row.created_at = ctx_.now();
    if (state != store::outbox_state::intent) row.done_at = ctx_.now();
    co_return need(co_await store_.add_outbox(row));
}
// Intents a crash or a failure left unconfirmed: found in the history, or posted now if still useful.
boost::asio::awaitable<void> pass::recover(const config::project_config& p)
{
    for (const auto& row : need(co_await store_.unconfirmed(p.id))) {
        if (row.channel.starts_with(moodle_prefix)) {
            co_await recover_moodle(p, row);
            continue;
        }
        if (!row.channel.starts_with(talk_prefix)) continue;
        const std::string token = row.channel.substr(talk_prefix.size());
        if (!ctx_.dry_run) {
            auto history = co_await ocs::async_chat_history(ctx_.client, base(), token, 200);
            if (!history) {
                lookup_failed(p, row, history.error());
                continue;
            }
            auto found = std::find_if(history->messages.begin(), history->messages.end(),
                                      [&](const auto& m) { return m.reference_id == row.reference_id; });
            if (found != history->messages.end()) {
                const auto found_id = found->id;
                need(co_await store_.finish_outbox(row.reference_id, store::outbox_state::sent, ctx_.now(), found_id));
                continue;
            }
        }
        if (co_await missed_if_late(row)) continue;
        // Not in the conversation: a planned message is composed again by this pass from what
        // is known now (whoever read during the outage is no longer reminded), under the same
        // reference id; other messages go out as written. So does a planned one whose item
        // has other rows (Moodle messages, one-to-one reminders): the plan takes an item
        // with any row as handled and would never compose it again.
        if (row.session_start && !(co_await has_siblings(p, row))) {
            need(co_await store_.withdraw_intent(row.reference_id));
            continue;
        }
        if (co_await post(row)) {
            ++report_.sent;
            // Posted by a later pass than the one that wrote it: after its time, so late.
            if (row.late || ctx_.now() - row.created_at > 60) ++report_.late;
        }
    }
}
void pass::lookup_failed(const config::project_config& p, const store::outbox_row& row, const http::failure& f,
                         std::string_view system)
{
    fail(p, f, system);
    if (row.deadline && *row.deadline > ctx_.now()) {
        keep_open(date::sys_seconds{std::chrono::seconds(*row.deadline)});
        ++report_.undelivered;
    }
}
boost::asio::awaitable<bool> pass::has_siblings(const config::project_config& p, const store::outbox_row& row)
{
    const auto rows = need(co_await store_.outbox(p.id));
    co_return std::any_of(rows.begin(), rows.end(), [&](const store::outbox_row& other) {
        return other.item == row.item && other.reference_id != row.reference_id;
    });
}
boost::asio::awaitable<bool> pass::missed_if_late(const store::outbox_row& row)
{
    if (!row.deadline || *row.deadline > ctx_.now()) co_return false;
    need(co_await store_.finish_outbox(row.reference_id, store::outbox_state::missed, ctx_.now()));
    ++report_.missed;
    co_return true;
}
// Access problems, once per problem and facilitator, in a one-to-one conversation.
boost::asio::awaitable<void> pass::send_problems(const config::project_config& p)
{
    if (p.facilitators.empty()) co_return;
    // The problems a pass found, in one message per kind (access, Deck
    // membership, Moodle completion): someone without access to nine
    // documents, or a board nobody was added to, is one message, not nine.
    using user_details = std::vector<std::pair<std::string, std::string>>;  // (user, detail)
    using wording = std::function<message(const i18n::language&)>;
    std::vector<std::pair<std::string, wording>> notes;  // item, its text in a facilitator's language
    std::map<std::int64_t, user_details> access;         // first seen -> problems
    std::map<std::int64_t, user_details> deck;
    std::map<std::int64_t, std::vector<std::string>> talk;       // first seen -> users
    std::map<std::int64_t, std::vector<std::string>> untracked;  // first seen -> modules
    for (const auto& problem : need(co_await store_.open_problems(p.id))) {
        if (problem.problem == deck_not_member)
            deck[problem.first_seen].emplace_back(problem.user_id, problem.detail);
        else if (problem.problem == talk_not_member)
            talk[problem.first_seen].push_back(problem.user_id);
        else if (problem.problem == moodle_untracked)
            untracked[problem.first_seen].push_back(problem.detail);
        else
            access[problem.first_seen].emplace_back(problem.user_id, problem.detail);
    }
    // Keyed by when they were first seen: someone resolved later changes nothing, someone new is a new message.
    for (const auto& [first_seen, problems] : access)
        notes.emplace_back("problem/access/" + std::to_string(first_seen), [&](const i18n::language& l) {
            return access_problems_message(p.id, p.folder, problems, l);
        });
    for (const auto& [first_seen, users] : deck)
        notes.emplace_back("problem/" + std::string(deck_not_member) + "/" + std::to_string(first_seen),
                           [&](const i18n::language& l) { return deck_problem_message(p.id, users, l); });
    for (const auto& [first_seen, users] : talk)
        notes.emplace_back("problem/" + std::string(talk_not_member) + "/" + std::to_string(first_seen),
                           [&](const i18n::language& l) {
                               return talk_problem_message(p.id, p.talk ? p.talk->conversation : "", users, l);
                           });
    // The modules whose completion cannot tell who opened them, in one message per pass that found them.
    for (const auto& [first_seen, modules] : untracked)
        notes.emplace_back("problem/" + std::string(moodle_untracked) + "/" + std::to_string(first_seen),
                           [&](const i18n::language& l) {
                               return untracked_modules_message(p.id, p.moodle ? p.moodle->course_name() : "", modules,
                                                                l);
                           });
    if (notes.empty()) co_return;
    project_state people;  // only the facilitators' languages
    co_await learn_about_people(p, people, p.facilitators);
    for (const auto& [item, text_in] : notes)
        for (const auto& facilitator : p.facilitators) {
            store::outbox_row row;
            row.project = p.id;
            row.item = item;
            row.recipient = facilitator;
            const auto id = reference_id(row.project, row.item, row.recipient);
            if (need(co_await store_.outbox_entry(id))) continue;
            row.body = text_in(language_for(people, facilitator)).text;
            if (!(co_await resolve_one_to_one(p, facilitator, row))) continue;
            co_await deliver(row);
        }
}
// Sets row.channel to the one-to-one conversation with `user` (created if missing).
boost::asio::awaitable<bool> pass::resolve_one_to_one(const config::project_config& p, const std::string& user,
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
        fail(p, token.error());
        co_return false;
    }
    row.channel = one_to_one_[user] = talk_prefix + *token;
    co_return true;
}

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

}  // namespace prereadd::reminding
