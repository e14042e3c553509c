// What the messages say: reminders that mention only the participants with
// something left to open, the digest before a session, access problems for
// the facilitators. Pure functions of the state; no I/O. Talk renders
// Markdown and turns @"user id" into a mention; every text from elsewhere goes
// through reminding/literal.hpp, so the only mentions are the ones made here.
// Each message is in its reader's language (i18n/language.hpp): the group's
// in the project's, a one-to-one message in its recipient's; English where
// no language is given.
#pragma once

#include "i18n/language.hpp"
#include "reminding/attendance.hpp"
#include "scheduler/sessions.hpp"
#include "store/state.hpp"

#include <date/tz.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prereadd::reminding {

// The mention of a user in a Talk message. The quoted form works for every
// user id Nextcloud allows, including ones with spaces or '@'
// (`@"bob"` in capture 15a; Nextcloud's mention pattern `@"[a-z0-9_\-@.' ]+"`).
std::string mention(const std::string& user_id);

// English, where a function is given no language.
inline const i18n::language& english() { return i18n::language::english(); }

// "Monday, 7 December 2026, 09:00 (Europe/Berlin)", in `l`.
std::string local_time(date::sys_seconds t, const date::time_zone& zone, const i18n::language& l = english());
std::string session_time(const scheduler::session& s, const date::time_zone& zone, const i18n::language& l = english());

// "in 3 days", "in 1 day 2 hours", "in 45 minutes", "in less than a minute".
std::string time_until(std::chrono::seconds remaining, const i18n::language& l = english());
// The same for a session's start: "starting now" within its last minute.
std::string starts_in(std::chrono::seconds remaining, const i18n::language& l = english());

using scheduler::documents_for;
using scheduler::pre_read_doc;
using scheduler::pre_read_scope;

// How a document is named in messages: its path in the project folder, or a
// Moodle module's name with where it is ("Intro video (Moodle, Week 2)").
std::string document_label(const pre_read_doc& d);
std::string document_label(const store::document_row& d);  // the same, as the store has it (status)

// What counts as done with a document: opened, synced, commented, edited or acknowledged.
using done_set = std::set<std::pair<std::string, std::int64_t>>;  // (user, file id)
done_set done_from(const std::vector<store::engagement>& engagements);

// (user, file id) pairs the user cannot open (an open access problem): such a
// document is marked in their messages and does not count as them being behind.
using blocked_set = done_set;

// Participant -> the documents they have not done yet and can open (only those with something left).
std::map<std::string, std::vector<const pre_read_doc*>> pending(const std::vector<std::string>& participants,
                                                                const std::vector<pre_read_doc>& documents,
                                                                const done_set& done, const blocked_set& blocked = {});
// Participant -> the documents they have not done yet and cannot open.
std::map<std::string, std::vector<const pre_read_doc*>> out_of_reach(const std::vector<std::string>& participants,
                                                                     const std::vector<pre_read_doc>& documents,
                                                                     const done_set& done, const blocked_set& blocked);

struct message {
    std::string text;
    std::vector<std::string> mentioned;  // user ids, in the order they appear
};

struct reminder_input {
    const scheduler::session* session = nullptr;
    const date::time_zone* zone = nullptr;
    date::sys_seconds now;
    std::vector<std::string> participants;
    std::vector<pre_read_doc> documents;  // of this session
    done_set done;
    blocked_set blocked;                    // who cannot open what
    std::vector<std::string> facilitators;  // told about each access problem
    bool when_all_ready = false;            // send "everyone is ready" instead of nothing

    // The session as a call (docs/reminders.md).
    std::string call_link;        // "<base>/call/<token>"; empty: not shown
    std::string whiteboard;       // the board worked on in the call (a path), not a pre-read
    std::string whiteboard_link;  // "<base>/f/<file id>" once the board is listed
    std::map<std::string, const date::time_zone*> zones;  // participants' own zones, where known
    std::optional<session_attendance> attendance;         // from the session's window on
    std::string session_folder;  // where its minutes and recording go, as a participant names it
    // The conversation's language (the project's), and the participants' own where known.
    const i18n::language* language = &english();
    std::map<std::string, const i18n::language*> languages;
};

// The language `user` reads: their own, else the conversation's.
const i18n::language& language_of(const reminder_input& in, const std::string& user);

// "Monday, 7 December 2026, 18:30 (Asia/Kolkata) = 14:00 (Europe/Berlin)":
// the time in `zone` and, when it differs, in the project's.
std::string time_in_both(date::sys_seconds t, const date::time_zone& zone, const date::time_zone& project_zone,
                         const i18n::language& l = english());

// During the session, the participants not in its call yet (those in it: `peers`),
// mentioned with the link; nothing when nobody is missing.
std::optional<message> nudge_message(const reminder_input& in, const std::vector<std::string>& peers);

// After a session whose call happened: who attended (from when), who did not,
// and the follow-ups now due. Names only: the follow-up reminder mentions.
message summary_message(const reminder_input& in, const std::vector<const pre_read_doc*>& follow_ups);

// Nothing when everyone is ready (unless `when_all_ready`) or there is nothing to read.
std::optional<message> reminder_message(const reminder_input& in);

// The one-to-one version for one pending participant: no mention, their documents only,
// and those they cannot open yet marked.
message personal_reminder(const reminder_input& in, const std::string& user);

// For a Moodle participant without a Nextcloud account, through Moodle's own
// messages (HTML): the session, and their modules left, each linked to its
// view page (the page that records completion; a file's pluginfile link
// records nothing). Nothing when they have no module left.
std::optional<std::string> moodle_reminder(const reminder_input& in, const std::string& user, const std::string& name);

struct digest_input {
    reminder_input base;
    std::vector<store::engagement> engagements;             // of the project
    std::optional<date::sys_seconds> previous_session_end;  // comments since then are counted
    // When the session's first reminder was composed, if one went out. A document
    // first seen after that second was added after the first reminder; one first
    // seen in the same pass (the poll comes before the reminders) or earlier was in it.
    std::optional<date::sys_seconds> first_reminder_at;
};

message digest_message(const digest_input& in);

// After a session: the documents added for it since it started, to be read by
// `deadline`; mentions who has not read them, and who missed the session's
// call (their follow-up is its folder: minutes, recording). Nothing when
// nobody has anything left.
std::optional<message> follow_up_message(const reminder_input& in, date::sys_seconds deadline);

// For a facilitator, in their language `l`, once for the access problems
// (user, detail) one pass found: one line each where there are several. The
// details are the daemon's own words (English, as in its log).
message access_problems_message(const std::string& project, const std::string& folder,
                                const std::vector<std::pair<std::string, std::string>>& problems,
                                const i18n::language& l = english());

// For a facilitator, once for the participants a reminder mentioned who are
// not in the project's conversation, where prereadd may not add them.
message talk_problem_message(const std::string& project, const std::string& conversation,
                             const std::vector<std::string>& users, const i18n::language& l = english());

// For a facilitator, once for the participants (user, why) the session cards
// could not be assigned to in one pass.
message deck_problem_message(const std::string& project, const std::vector<std::pair<std::string, std::string>>& users,
                             const i18n::language& l = english());

// For a facilitator, once: the course's modules whose completion cannot say who
// opened them ("Name (Section): why"), left out of the reminders until it can.
message untracked_modules_message(const std::string& project, const std::string& course,
                                  const std::vector<std::string>& modules, const i18n::language& l = english());

// A session's Deck card, in the project's language: its title, and a
// description with the checklist participant x document and, last, the
// marker that finds the card again (never translated: it is looked for).
std::string deck_title(const scheduler::session& s, const date::time_zone& zone, const i18n::language& l = english());
std::string deck_marker(const std::string& project, const scheduler::session& s);
std::string deck_description(const std::string& project, const reminder_input& in);

// Talk refuses messages over 32000 characters (capture 17b); longer lists are cut with a note.
constexpr std::size_t max_message_length = 32000;
// `text` cut at a line boundary to fit, with that note in `l`.
std::string fitted(std::string text, const i18n::language& l = english());

}  // namespace prereadd::reminding
