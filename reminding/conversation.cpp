// The project conversation, read from a cursor (see pass.hpp): reactions to
// reminders (acknowledgements), the call's system messages (attendance), and
// questions to the service account (one reply each, through the outbox).
// Read only while it matters — a reminder awaits a reaction, a session is in
// its call window, or it is the project's poll turn and questions are
// answered — so an idle project costs at most one request per poll interval.
#include "reminding/pass.hpp"

#include "reminding/literal.hpp"

#include "ocs/api.hpp"
#include "ocs/talk.hpp"
#include "scheduler/time.hpp"

#include <algorithm>
#include <charconv>

namespace prereadd::reminding {

using scheduler::seconds_of;

namespace {

std::optional<std::int64_t> number(const std::optional<std::string>& text)
{
    if (!text) return std::nullopt;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
    return v;
}

// From the first reminder of a session (or `join_before` its start, if
// earlier) to `grace` after its end, the chat is read at every pass: calls
// are recorded as they happen and the summary has them all.
bool in_call_window(const config::project_config& p, const std::vector<scheduler::session>& sessions,
                    date::sys_seconds now)
{
    const auto ahead = std::max<std::chrono::seconds>(longest_lead(p), p.calls.join_before);
    return std::any_of(sessions.begin(), sessions.end(), [&](const scheduler::session& s) {
        return !s.cancelled && now >= s.start - ahead && now <= s.end + p.calls.grace;
    });
}

constexpr int page_size = 100;
// A question older than this when it is read (the daemon was down, or an old
// cursor is caught up with) is not answered: the answer would be news to nobody.
constexpr std::int64_t question_lifetime = 24 * 3600;
constexpr int pages_per_pass = 10;  // a busy conversation is caught up over a few passes

}  // namespace

boost::asio::awaitable<std::map<std::int64_t, store::outbox_row>> pass::awaiting_acknowledgement(
    const config::project_config& p)
{
    const std::string channel = talk_prefix + p.talk->conversation;
    std::map<std::int64_t, store::outbox_row> awaiting;  // Talk message id -> reminder
    for (const auto& row : need(co_await store_.outbox(p.id)))
        if (row.state == store::outbox_state::sent && row.channel == channel && row.recipient.empty() &&
            row.remote_id && row.session_start && *row.session_start > ctx_.now() &&
            row.item.find("/reminder/") != std::string::npos)
            awaiting.emplace(*row.remote_id, row);
    co_return awaiting;
}

boost::asio::awaitable<void> pass::read_conversation(const config::project_config& p,
                                                     const std::vector<scheduler::session>& sessions)
{
    const auto awaiting = co_await awaiting_acknowledgement(p);
    const bool watching = in_call_window(p, sessions, now());
    const bool questions = p.talk->answer_status && (!ctx_.turn || ctx_.turn->count(p.id));
    if ((awaiting.empty() && !watching && !questions) || ctx_.dry_run || ctx_.nextcloud_away) co_return;
    const std::string token = p.talk->conversation;
    const std::string cursor_name = talk_prefix + token;
    auto cursor = number(need(co_await store_.cursor(cursor_name)));
    if (!cursor && !awaiting.empty()) cursor = awaiting.begin()->first;
    for (int i = 0; i < pages_per_pass; ++i) {
        // Without a cursor the newest messages are where reading starts: older
        // questions are not answered, recent calls are taken.
        const bool first_read = !cursor;
        // Two statements, not one conditional: GCC 12 mishandles co_await inside ?:.
        http::outcome<ocs::chat_page> page = http::failure{};
        if (first_read)
            page = co_await ocs::async_chat_history(ctx_.client, base(), token, page_size);
        else
            page = co_await ocs::async_chat_since(ctx_.client, base(), token, *cursor, page_size);
        if (!page) {
            fail(p, page.error());
            co_return;
        }
        if (page->not_modified) co_return;
        auto& messages = page->messages;
        const std::size_t given = messages.size();
        // The next cursor: the newest message seen. A history page's
        // X-Chat-Last-Given is its oldest message, so it counts only forwards.
        std::int64_t next = cursor.value_or(0);
        for (const auto& m : messages) next = std::max(next, m.id);
        if (page->last_given && !first_read) next = std::max(next, *page->last_given);
        std::sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        if (first_read) {
            const auto since = seconds_of(now()) - (longest_lead(p) + p.calls.join_before).count();
            std::erase_if(messages, [&](const ocs::chat_message& m) { return m.timestamp < since; });
        }
        const auto& service = ctx_.config.global.nextcloud.user;
        const bool asked = !first_read && std::any_of(messages.begin(), messages.end(),
                                                      [&](const auto& m) { return asks_for_status(m, service); });
        // Only acknowledgements and answers need the project's state; calls do not.
        project_state state;
        if (asked || !awaiting.empty()) state = co_await load_project_state(store_, ctx_.config, p);
        if (asked) co_await learn_about_people(p, state);
        std::vector<store::outbox_row> replies;
        {
            need(co_await store_.begin());
            store::transaction_guard tx(store_);
            co_await take_acknowledgements(p, messages, awaiting, state);
            co_await take_calls(p, messages, sessions);
            if (asked) replies = co_await take_questions(p, messages, sessions, state);
            const auto position = std::to_string(next);
            need(co_await store_.set_cursor(cursor_name, position));
            need(co_await store_.commit());
            tx.ended();
            cursor = next;
        }
        // The intents are written with the cursor: a crash now leaves them to recovery.
        for (const auto& row : replies)
            if (co_await post(row)) ++report_.sent;
        if (first_read || static_cast<int>(given) < page_size) co_return;
    }
}

// Reactions to the reminders of sessions still to come count as acknowledged.
boost::asio::awaitable<void> pass::take_acknowledgements(const config::project_config& p,
                                                         const std::vector<ocs::chat_message>& messages,
                                                         const std::map<std::int64_t, store::outbox_row>& awaiting,
                                                         const project_state& state)
{
    for (const auto& m : messages) {
        if (m.system_message != "reaction" || m.actor_type != "users" || !m.parent_id) continue;
        if (m.actor_id == ctx_.config.global.nextcloud.user) continue;
        if (p.acknowledge_with && m.message != *p.acknowledge_with) continue;
        auto it = awaiting.find(*m.parent_id);
        if (it == awaiting.end()) continue;
        scheduler::session s;
        s.key = it->second.session_key;
        s.start = date::sys_seconds{std::chrono::seconds(*it->second.session_start)};
        for (const auto& d : documents_for(s, *p.time_zone, state.documents, p.pre_reads, p.pre_read_tag_prefix,
                                           p.moodle ? p.moodle->modules : scheduler::module_scope::whole_course)) {
            const store::engagement e{p.id,
                                      m.actor_id,
                                      d.file_id,
                                      store::engagement_kind::acknowledged,
                                      m.timestamp ? m.timestamp : ctx_.now(),
                                      "talk"};
            if (need(co_await store_.record(e))) ++report_.acknowledged;
        }
    }
}

// Call messages move the conversation's calls on; each call is matched to its session again.
boost::asio::awaitable<void> pass::take_calls(const config::project_config& p,
                                              const std::vector<ocs::chat_message>& messages,
                                              const std::vector<scheduler::session>& sessions)
{
    const auto events = call_events(messages);
    if (events.empty()) co_return;
    report_.call_events += events.size();
    const auto running = need(co_await store_.running_call(p.id));
    for (auto& call : follow_calls(p.id, running, events)) {
        assign_session(call, match_call(call, sessions, {p.calls.join_before}, ctx_.now()));
        need(co_await store_.save_call(call));
    }
}

// One reply per question, written as an intent (posted by the caller).
boost::asio::awaitable<std::vector<store::outbox_row>> pass::take_questions(
    const config::project_config& p, const std::vector<ocs::chat_message>& messages,
    const std::vector<scheduler::session>& sessions, const project_state& state)
{
    std::vector<store::outbox_row> out;
    for (const auto& m : messages) {
        if (!asks_for_status(m, ctx_.config.global.nextcloud.user)) continue;
        if (m.timestamp + question_lifetime <= ctx_.now()) continue;
        store::outbox_row row;
        row.project = p.id;
        row.item = ask_prefix + std::to_string(m.id);
        row.channel = talk_prefix + p.talk->conversation;
        row.body = status_reply(p, m.actor_id, sessions, state, now()).text;
        row.deadline = m.timestamp + question_lifetime;
        if (co_await write(row, store::outbox_state::intent)) out.push_back(std::move(row));
    }
    co_return out;
}

// The mentioned who are not in the project's conversation: a mention of them
// notifies nobody (issue 27: a member of the participant group who was not in
// the room). prereadd adds them where it is one of the conversation's
// moderators (it created it); else the facilitators are told, once.
boost::asio::awaitable<void> pass::bring_into_conversation(const config::project_config& p,
                                                           const std::vector<std::string>& mentioned)
{
    if (mentioned.empty() || ctx_.dry_run) co_return;
    const auto& token = p.talk->conversation;
    auto attendees = co_await ocs::async_talk_participants(ctx_.client, base(), token);
    if (!attendees) co_return;  // the post that follows says what is wrong
    const auto in_room = ocs::talk_users(*attendees);
    const auto& self = ctx_.config.global.nextcloud.user;
    const bool moderator = std::any_of(attendees->begin(), attendees->end(), [&](const ocs::talk_attendee& a) {
        return a.actor_type == "users" && a.actor_id == self && (a.participant_type == 1 || a.participant_type == 2);
    });
    for (const auto& problem : need(co_await store_.open_problems(p.id)))
        if (problem.problem == talk_not_member && std::binary_search(in_room.begin(), in_room.end(), problem.user_id))
            need(co_await store_.resolve_problem(p.id, problem, ctx_.now()));
    for (const auto& user : mentioned) {
        if (std::binary_search(in_room.begin(), in_room.end(), user)) continue;
        if (moderator) {
            auto added = co_await ocs::async_add_to_conversation(ctx_.client, base(), token, user);
            if (added) {
                report_.notices.push_back(p.id + ": added " + log_text(user) + " to conversation " + token +
                                          ", so that the reminders' mentions reach them");
                continue;
            }
        }
        const store::problem_row row{user, 0, talk_not_member,
                                     "not in conversation " + token + ": mentions do not reach them", ctx_.now()};
        need(co_await store_.record_problem(p.id, row));
    }
}

}  // namespace prereadd::reminding
