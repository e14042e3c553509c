// One reminder pass over every project (async_reminders in reminder_pass.hpp):
// the state it shares between its steps. Internal to the reminding library;
// its steps live in reminder_pass.cpp (outbox, recovery, problems),
// session_messages.cpp (reminders, digests, follow-ups, acknowledgements) and
// deck_cards.cpp. Every Nextcloud failure is a value, reported in the pass's
// report. A store that cannot be reached (PostgreSQL on the network) ends the
// pass: need() throws store_lost, which only pass::run catches and reports --
// the pass's steps are many and nested, and each outbox row is already its own
// transaction, so unwinding to the project loop writes nothing half. A failing
// SQLite statement throws std::runtime_error as before (store/state.hpp).
#pragma once

#include "reminding/deck_membership.hpp"
#include "reminding/decisions.hpp"
#include "reminding/reminder_pass.hpp"

#include <map>
#include <string>
#include <vector>

namespace prereadd::reminding {

inline const std::string talk_prefix = "talk:";
inline const std::string moodle_prefix = "moodle:";  // a Moodle message's channel: moodle:<Moodle user id>
inline constexpr const char* moodle_untracked = "moodle_untracked";  // a problem: tracking/access_check.hpp
// A participant a reminder mentions who is not in the project's conversation
// (a problem of the reminder pass's own, like Deck's: tracking leaves it alone).
inline constexpr const char* talk_not_member = "talk_not_member";
inline const std::string ask_prefix = "ask/";  // outbox items that answer a question in the conversation

// A store failure inside the pass, carried to pass::run (see above).
struct store_lost {
    boost::system::error_code ec;
};
template <class T>
T need(boost::system::result<T> r)
{
    if (!r) throw store_lost{r.error()};
    return std::move(*r);
}
inline void need(boost::system::error_code ec)
{
    if (ec) throw store_lost{ec};
}

boost::asio::awaitable<project_state> load_project_state(store::backend& st, const config::configuration& config,
                                                         const config::project_config& p);

class pass {
public:
    pass(reminder_context& ctx, reminder_report& report) : ctx_(ctx), report_(report), store_(ctx.store) {}

    boost::asio::awaitable<void> run();

private:
    const http::url& base() const { return ctx_.config.global.nextcloud.base; }
    date::sys_seconds now() const { return date::sys_seconds{std::chrono::seconds(ctx_.now())}; }
    // "<project>: <system>: <failure>"; `system` names Moodle where it failed (Nextcloud's failures name their URL).
    void fail(const config::project_config& p, const http::failure& f, std::string_view system = {});
    bool may_post() const { return !ctx_.may_post || ctx_.may_post(); }

    // The outbox (reminder_pass.cpp).
    boost::asio::awaitable<bool> post(const store::outbox_row& row);
    boost::asio::awaitable<bool> deliver(store::outbox_row row);
    void keep_open(date::sys_seconds deadline);
    boost::asio::awaitable<void> record(store::outbox_row row, store::outbox_state final_state);
    // Stamps `row` (reference id, state, times) and writes it; false when its reference id is known.
    boost::asio::awaitable<bool> write(store::outbox_row& row, store::outbox_state state);
    boost::asio::awaitable<void> recover(const config::project_config& p);
    // An unconfirmed row could not be looked for: tried again while its deadline allows.
    void lookup_failed(const config::project_config& p, const store::outbox_row& row, const http::failure& f,
                       std::string_view system = {});
    // Whether the row's item has rows for other recipients.
    boost::asio::awaitable<bool> has_siblings(const config::project_config& p, const store::outbox_row& row);
    // Records the row missed when its deadline has passed; false otherwise.
    boost::asio::awaitable<bool> missed_if_late(const store::outbox_row& row);

    // Moodle's messages (moodle_messages.cpp), for participants without a Nextcloud account.
    std::vector<store::outbox_row> moodle_rows(const config::project_config& p, const store::outbox_row& group_row,
                                               const reminder_input& in, const project_state& state) const;
    // Writes the Moodle intents and the group row's in one transaction, so a
    // crash never leaves the item handled with one of them unwritten; then sends.
    boost::asio::awaitable<bool> deliver_with(store::outbox_row row, std::vector<store::outbox_row> moodle,
                                              bool group_too);
    boost::asio::awaitable<void> send_moodle(std::vector<store::outbox_row> rows);
    boost::asio::awaitable<std::optional<std::int64_t>> moodle_self(const config::project_config& p);
    boost::asio::awaitable<void> recover_moodle(const config::project_config& p, const store::outbox_row& row);
    boost::asio::awaitable<void> send_problems(const config::project_config& p);
    boost::asio::awaitable<bool> resolve_one_to_one(const config::project_config& p, const std::string& user,
                                                    store::outbox_row& row);

    // The project conversation (conversation.cpp): acknowledgements, calls, questions.
    boost::asio::awaitable<void> read_conversation(const config::project_config& p,
                                                   const std::vector<scheduler::session>& sessions);
    boost::asio::awaitable<std::map<std::int64_t, store::outbox_row>> awaiting_acknowledgement(
        const config::project_config& p);
    boost::asio::awaitable<void> take_acknowledgements(const config::project_config& p,
                                                       const std::vector<ocs::chat_message>& messages,
                                                       const std::map<std::int64_t, store::outbox_row>& awaiting,
                                                       const project_state& state);
    boost::asio::awaitable<void> take_calls(const config::project_config& p,
                                            const std::vector<ocs::chat_message>& messages,
                                            const std::vector<scheduler::session>& sessions);
    boost::asio::awaitable<std::vector<store::outbox_row>> take_questions(
        const config::project_config& p, const std::vector<ocs::chat_message>& messages,
        const std::vector<scheduler::session>& sessions, const project_state& state);
    // The zones and languages of the state's participants and of `others`
    // (facilitators), and the project's language (people.cpp).
    boost::asio::awaitable<void> learn_about_people(const config::project_config& p, project_state& state,
                                                    const std::vector<std::string>& others = {});
    boost::asio::awaitable<void> learn_project_language(const config::project_config& p, project_state& state);
    boost::asio::awaitable<void> learn_service_language();
    bool stale(const reminder_memory::user_setting& known) const;  // never asked, or a day ago
    // The language of `user` as the state knows it, else the project's.
    static const i18n::language& language_for(const project_state& state, const std::string& user);
    boost::asio::awaitable<void> bring_into_conversation(const config::project_config& p,
                                                         const std::vector<std::string>& mentioned);

    // Messages about sessions (session_messages.cpp).
    boost::asio::awaitable<std::vector<scheduler::session>> sessions_of(const config::project_config& p);
    boost::asio::awaitable<std::vector<scheduler::session>> calendar_sessions(const config::project_config& p,
                                                                              date::sys_seconds t_now,
                                                                              std::chrono::seconds longest);
    boost::asio::awaitable<void> send_due(const config::project_config& p,
                                          const std::vector<scheduler::session>& sessions);
    boost::asio::awaitable<void> send_personal(const config::project_config& p, const store::outbox_row& group_row,
                                               const reminder_input& in);

    // Deck cards (deck_cards.cpp).
    boost::asio::awaitable<void> update_deck(const config::project_config& p,
                                             const std::vector<scheduler::session>& sessions);
    boost::asio::awaitable<void> update_card(const config::project_config& p, const scheduler::session& s,
                                             const reminder_input& in, const std::vector<ocs::deck_card>& stack,
                                             store::deck_card_row& row);
    boost::asio::awaitable<void> assign_card(const config::project_config& p, store::deck_card_row& row,
                                             const std::map<std::string, std::vector<const pre_read_doc*>>& open,
                                             const std::vector<std::string>& participants);
    boost::asio::awaitable<std::vector<std::string>> assignable_of(const config::project_config& p,
                                                                   const std::vector<std::string>& to_assign,
                                                                   const std::vector<std::string>& participants);
    boost::asio::awaitable<bool> share_board(const config::project_config& p, const deck_membership_plan& plan,
                                             reminder_memory::deck_board_cache& cache);
    boost::asio::awaitable<void> record_deck_problem(const config::project_config& p, const std::string& user,
                                                     const std::string& why);
    boost::asio::awaitable<void> resolve_deck_problems(const config::project_config& p,
                                                       const std::vector<std::string>& members,
                                                       const std::vector<std::string>& participants);
    void show_deck(const config::project_config& p, const std::string& what, const std::string& description);

    reminder_context& ctx_;
    reminder_report& report_;
    store::backend& store_;
    std::map<std::string, std::string> one_to_one_;  // user -> channel, for this pass
};

using config::longest_lead;

}  // namespace prereadd::reminding
