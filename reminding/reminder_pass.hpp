// Everything that goes out: reminders and digests before sessions (in the
// project's Talk conversation, and one-to-one when configured), access
// problems to the facilitators, and the acknowledgements that come back as
// reactions. Exactly once: each message is an outbox row written before it
// is posted (with its reference id as Talk's referenceId) and confirmed
// after; an unconfirmed row is looked up in the conversation's history
// before it is ever posted again. POSTs are not retried blindly.
#pragma once

#include "config/configuration.hpp"
#include "http/client.hpp"
#include "moodle/site.hpp"
#include "i18n/language.hpp"
#include "ocs/deck.hpp"
#include "scheduler/sessions.hpp"
#include "store/backend.hpp"
#include "store/sqlite_backend.hpp"
#include "store/state.hpp"

#include <boost/asio/awaitable.hpp>
#include <date/date.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prereadd::reminding {

// 64 hex digits: sha256 of project, item and recipient. Deterministic, so the
// same message has the same id after any restart.
std::string reference_id(const std::string& project, const std::string& item, const std::string& recipient);

struct outgoing {
    std::string project;
    std::string channel;  // talk:<token>, or moodle:<user id> (Moodle's messages)
    std::string recipient;
    std::string text;
    bool dry_run = false;
};

// The reminder pass's knobs, with their defaults (daemon::run_tuning gathers
// every knob of the daemon).
struct reminder_tuning {
    // An item whose time passed longer ago than this while the daemon was down
    // is recorded as missed rather than sent late.
    std::chrono::seconds missed_lookback = std::chrono::hours(24);
    // Calendar sessions are read again at most this often (moved or cancelled
    // events are noticed within it); a failed read keeps the last good list.
    std::chrono::seconds calendar_refresh = std::chrono::minutes(10);
    // A Deck board's members are read again at most this often while someone
    // wanted on a card is not one (a board shared by hand is noticed within it).
    std::chrono::seconds deck_recheck = std::chrono::minutes(10);
    // Sessions are expanded from this far back (missed items, the digest's
    // "previous session") to a year past the longest lead; the calendar is
    // read to `calendar_ahead` past it.
    std::chrono::hours history{24 * 62};
    std::chrono::hours sessions_ahead{24 * 366};
    std::chrono::hours calendar_ahead{24 * 35};
    // A participant's time zone and language as Nextcloud has them are asked again after this.
    std::chrono::hours user_settings_refresh{24};
};

// What one pass leaves for the next, in memory (read again after a restart).
struct reminder_memory {
    struct calendar_cache {
        std::int64_t fetched_at = 0;
        std::vector<scheduler::session> sessions;
    };
    std::map<std::string, calendar_cache> calendars;  // by project id
    struct deck_board_cache {
        ocs::deck_board board;
        std::int64_t fetched_at = 0;
        bool share_refused = false;  // a share was answered 403 since the board was read
    };
    std::map<std::int64_t, deck_board_cache> deck_boards;  // by board id
    // What Nextcloud's user details say of a person (asked once a day).
    struct user_setting {
        std::int64_t fetched_at = 0;
        const date::time_zone* zone = nullptr;     // none set, or Nextcloud does not say (29)
        std::string unknown_zone;                  // a name Nextcloud gave that is no zone here, logged once
        const i18n::language* language = nullptr;  // none prereadd has, or not said
    };
    std::map<std::string, user_setting> user_settings;  // by user id, the service account's too
    std::set<std::string> empty_selections_said;        // "<project>/<session key>": told once that it selects nothing
};

// Everything a pass works with, by lifetime: what it depends on (as long as
// one configuration), how it runs, its knobs and its memory across passes.
struct reminder_context {
    // On the daemon's SQLite database, through store::backend.
    reminder_context(http::client& c, const config::configuration& cfg, store::database& database,
                     std::function<std::int64_t()> clock, reminder_tuning knobs = {})
        : client(c),
          config(cfg),
          sqlite_(std::make_unique<store::sqlite_backend>(database)),
          store(*sqlite_),
          now(std::move(clock)),
          tuning(knobs)
    {
    }
    // On any store (PostgreSQL shared by several daemons: docs/scaling.md).
    reminder_context(http::client& c, const config::configuration& cfg, store::backend& state,
                     std::function<std::int64_t()> clock, reminder_tuning knobs = {})
        : client(c), config(cfg), store(state), now(std::move(clock)), tuning(knobs)
    {
    }

    http::client& client;
    const config::configuration& config;

private:
    std::unique_ptr<store::backend> sqlite_;  // declared before `store`, which may refer to it

public:
    store::backend& store;
    moodle::site* moodle = nullptr;             // the Moodle site, when one is configured
    std::function<std::int64_t()> now;          // unix seconds
    bool dry_run = false;                       // print instead of post (the database is a scratch copy then)
    std::function<void(const outgoing&)> show;  // each message as it goes out (or would)
    // The projects whose poll turn this pass is (none: all, as in `once`):
    // their conversations are read for questions to the service account.
    std::optional<std::set<std::string>> turn;
    // The poll cycle of this pass found Nextcloud turning every request away:
    // what can wait (reading the conversation, participants' zones) waits for
    // it to answer again; due messages are still tried.
    bool nextcloud_away = false;
    // Several daemons on one database (docs/scaling.md): the projects whose
    // lease this daemon holds (null: all), and whether its leases are still
    // surely its own. Without that the pass posts nothing and says so: a
    // daemon cut off from the database must not post for projects another
    // may have taken.
    const std::set<std::string>* held = nullptr;
    std::function<bool()> may_post;
    reminder_tuning tuning;
    reminder_memory memory;
};

struct reminder_report {
    std::size_t sent = 0;          // messages posted (or, in a dry run, that would be)
    std::size_t late = 0;          // of those, items whose time had passed (daemon or Nextcloud down)
    std::size_t missed = 0;        // items whose session started first
    std::size_t skipped = 0;       // reminders not sent because everyone was ready
    std::size_t acknowledged = 0;  // acknowledgement engagements recorded from reactions
    std::size_t call_events = 0;   // call messages read from the conversations (joins, leaves, ends)
    std::vector<std::string> errors;
    // What an admin should read once: a board shared by prereadd, a participant
    // who cannot be assigned a Deck card (logged once, as the problem is new).
    std::vector<std::string> notices;
    std::optional<date::sys_seconds> next_due;  // when to wake up for the next item
    // The earliest deadline of a message that is due and did not go out, or of
    // the next one due: a daemon resting while Nextcloud is away tries once more before it.
    std::optional<date::sys_seconds> open_deadline;
    std::size_t undelivered = 0;  // messages due now that could not be posted (they stay in the outbox)
};

// One pass over every project. Nextcloud failures are values in the report
// (the message stays in the outbox for the next pass); so is a store that
// cannot be reached (PostgreSQL: "state: ..." in the errors, the pass ends
// there, each outbox row written or not); a failing SQLite statement throws
// (store/state.hpp).
boost::asio::awaitable<reminder_report> async_reminders(reminder_context& ctx);

}  // namespace prereadd::reminding
