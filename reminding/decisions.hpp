// What the reminder pass decides, apart from what it does: which message an
// item becomes and what happens to a session's Deck card. Pure: state in,
// decision out; reminder_pass.cpp and deck_cards.cpp act on the decisions.
#pragma once

#include "config/configuration.hpp"
#include "ocs/deck.hpp"
#include "reminding/messages.hpp"
#include "scheduler/plan.hpp"
#include "store/state.hpp"

#include <optional>
#include <string>
#include <vector>

namespace prereadd::reminding {

// One project's view of the state, read once per pass.
struct project_state {
    std::vector<pre_read_doc> documents;
    std::vector<std::string> participants;
    std::vector<store::engagement> engagements;
    done_set done;        // of the engagements, read once for every session of the pass
    blocked_set blocked;  // open access problems of one participant and one document
    std::vector<store::call_row> calls;                   // the conversation's calls, by start
    std::string call_link;                                // "<base>/call/<token>", or empty
    std::string file_link;                                // "<base>/f/": a file's link is this and its id
    std::map<std::string, const date::time_zone*> zones;  // participants' zones, where known
    std::map<std::string, std::string> display_names;     // Moodle participants without a Nextcloud account
    // The project's language (its conversation's, its Deck card's) and the
    // participants' own where known (docs/languages.md).
    const i18n::language* language = &english();
    std::map<std::string, const i18n::language*> languages;
};

// A tracked document as the messages know it.
pre_read_doc pre_read_of(const store::document_row& d);

// Why a session's own selection chose no pre-read at all: its Moodle section,
// its dated sub-folder or tag, or its dated Moodle section names nothing
// (issue 27: a section named "Q&A week" selected nothing, and the session got
// no reminder and no word). Nothing where an empty selection just means an
// empty project folder.
std::optional<std::string> empty_selection(const config::project_config& p, const scheduler::session& s);

// How far ahead `doctor` and `status` look for sessions whose selection
// chooses nothing: the project's longest lead time, two weeks at least.
std::chrono::seconds selection_horizon(const config::project_config& p);

// The same for a session and the project's tracked `documents`: why it selects
// none of them, or nothing when it selects some (what `status` shows).
std::optional<std::string> selects_nothing(const config::project_config& p, const scheduler::session& s,
                                           const std::vector<pre_read_doc>& documents);

// What the messages about session `s` are made from.
reminder_input input_for(const config::project_config& p, const scheduler::session& s, const project_state& state,
                         date::sys_seconds now);

// When the session's first reminder was composed: the earliest reminder row of
// the session that went out (group or one-to-one).
std::optional<date::sys_seconds> first_reminder_of(const std::vector<store::outbox_row>& outbox,
                                                   const std::string& session_key);

// The group message a due item becomes, or nothing when nobody has anything
// left. `sessions` (sorted by start) give the digest its previous session; a
// nudge needs who is in the call now (`peers`, sorted; nothing: no call).
std::optional<message> compose(const scheduler::due_item& item, reminder_input in, const project_state& state,
                               const std::vector<scheduler::session>& sessions,
                               std::optional<date::sys_seconds> first_reminder_at,
                               const std::vector<std::string>& peers = {});

// The documents added for a session from its start on: its follow-ups.
std::vector<const pre_read_doc*> follow_ups_of(const reminder_input& in);

// A question to the service account in the conversation: a comment by someone
// else that mentions it and has the word "status".
bool asks_for_status(const ocs::chat_message& m, const std::string& service_user);

// The answer: for a facilitator, the next session's table (who has what left,
// who has no access) and the last session's attendance; for anyone else, their own list.
message status_reply(const config::project_config& p, const std::string& asker,
                     const std::vector<scheduler::session>& sessions, const project_state& state,
                     date::sys_seconds now);

// What to do with a session's card, from the row prereadd keeps and the card
// found on the stack (nullptr: none).
enum class deck_step {
    create,               // no card yet: create it
    keep,                 // the card is there: keep its text and assignees up to date
    gone,                 // it had a card that was deleted or archived: not ours to bring back
    done_by_participant,  // ticked done in Deck by a participant: their acknowledgement
};
deck_step decide_deck_card(const store::deck_card_row& row, const ocs::deck_card* card);

// The card of `row` on the stack: by id once known, else by its marker (a
// crash between creating the card and saving its id).
const ocs::deck_card* find_card(const std::vector<ocs::deck_card>& stack, const store::deck_card_row& row,
                                const std::string& marker);

}  // namespace prereadd::reminding
