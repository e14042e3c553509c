// A project's Moodle course as pre-reads and participants (docs/moodle.md):
// its modules are documents (file id = -cmid), its enrolled users of the
// configured roles are participants (mapped to Nextcloud users, or
// "moodle:<id>" when they have no account), and activity completion is the
// engagement ("view" rule complete: opened; manual: acknowledged). The pure
// decisions are here; async_poll_course is the glue the poll cycle runs.
#pragma once

#include "config/configuration.hpp"
#include "moodle/site.hpp"
#include "scheduler/sessions.hpp"
#include "store/state.hpp"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::tracking {

using store::moodle_user_id;
using store::moodle_user_key;
using store::moodle_user_prefix;

struct moodle_participant {
    std::int64_t moodle_id = 0;
    std::string fullname;
    std::string user_id;  // the Nextcloud user, or moodle_user_key(moodle_id)

    bool operator==(const moodle_participant&) const = default;
};

// A module prereadd cannot follow: who opened it is not in its completion.
struct untracked_module {
    std::int64_t cmid = 0;
    std::string name;
    std::string section_name;
    std::string why;  // "completion is off", "completes without a view"

    bool operator==(const untracked_module&) const = default;
};

// The course's pre-reads: visible modules with a view page (labels have
// none) in sections after "General" (0, the course's announcements) unless
// `with_general`; those whose completion says nothing about opening them apart.
struct course_modules {
    std::vector<scheduler::pre_read_doc> pre_reads;
    std::vector<untracked_module> untracked;
};
course_modules modules_of(const std::vector<moodle::section>& sections, bool with_general, std::int64_t now);

// Whether any session names section 0 (then General's modules are pre-reads too).
bool names_general_section(const config::project_config& p);

// The enrolled users holding one of the roles (in `group_members` when a
// group is configured), mapped to Nextcloud: the explicit map first (by id,
// e-mail or username), then by username or e-mail as Nextcloud found them
// (`in_nextcloud`: the username or the lower-case e-mail -> the Nextcloud user
// id; missing: no account). The service user is never one.
// An error when usernames are withheld (no moodle/user:viewalldetails): every
// participant would look like one without an account.
struct mapped_participants {
    std::vector<moodle_participant> participants;
    std::optional<std::string> error;
};
// The configured course as Moodle has it: by its id, else by its shortname;
// nothing when Moodle has no such course (or the service user is not enrolled).
boost::asio::awaitable<http::outcome<std::optional<moodle::course>>> async_lookup_course(
    moodle::site& site, const config::moodle_course_config& c);

// The members of the course group moodle.group names (nothing when it names
// none); a group the course does not have is a missing_record failure.
boost::asio::awaitable<http::outcome<std::optional<std::set<std::int64_t>>>> async_course_group(
    moodle::site& site, const config::moodle_course_config& c, std::int64_t course);

mapped_participants participants_of(const std::vector<moodle::enrolled_user>& users,
                                    const config::moodle_course_config& c,
                                    const std::optional<std::set<std::int64_t>>& group_members,
                                    std::int64_t service_user, const std::map<std::string, std::string>& in_nextcloud);

// What to ask Nextcloud for, by map_by: the participants' usernames or
// lower-case e-mail addresses that the explicit map does not settle.
std::vector<std::string> lookups_for(const std::vector<moodle::enrolled_user>& users,
                                     const config::moodle_course_config& c, std::int64_t service_user);

// Completion as engagements: a complete automatic module was opened (at
// `timecompleted`), a ticked manual one acknowledged. Only pre-reads count.
std::vector<store::engagement> engagements_of(const std::string& project, const std::string& user_id,
                                              const std::vector<moodle::completion_status>& statuses,
                                              const std::set<std::int64_t>& pre_read_cmids, std::int64_t now);

// Whose completion to ask for: the participants with a module left among
// those of the sessions whose first reminder window is open (from the longest
// lead before the start to the start). Moodle has no bulk call: one request each.
std::vector<const moodle_participant*> to_ask(const std::vector<moodle_participant>& participants,
                                              const std::vector<scheduler::pre_read_doc>& window_modules,
                                              const std::set<std::pair<std::string, std::int64_t>>& done);

// The modules of the sessions in their reminder window now (calendar
// sessions are not known to the poll cycle: a project with a calendar asks
// for every module at its turns), and the lead times passed so far
// ("<session key>@<n>"): a new one means a reminder is due about now, and
// completion is asked for before it even between the project's turns.
struct reminder_windows {
    std::vector<scheduler::pre_read_doc> modules;
    std::set<std::string> leads_passed;
};
reminder_windows window_modules(const config::project_config& p, const std::vector<scheduler::pre_read_doc>& modules,
                                date::sys_seconds now);

// What the course's structure and enrolments were when last read.
struct course_cache {
    std::int64_t course_id = 0;
    std::int64_t service_user = 0;
    course_modules modules;
    std::vector<moodle_participant> participants;
    // Usernames or e-mail addresses Nextcloud has a user for (kept: an account
    // does not go away between refreshes); those it had none for are asked again.
    std::map<std::string, std::string> in_nextcloud;
    unsigned turns_since_refresh = 0;
    bool loaded = false;
    std::set<std::string> leads_asked;  // reminder_windows::leads_passed when completion was last asked
};

// Whether the course is read at this cycle: at the project's turn, before it
// was ever read, or when a lead time has passed since completion was last asked.
bool course_due(const course_cache& cache, bool turn, const std::set<std::string>& leads_passed);

// What one turn found, applied in the cycle's transaction.
struct course_update {
    std::vector<store::document_row> modules;  // the pre-reads now (the rest are removed)
    std::vector<moodle_participant> participants;
    std::vector<store::engagement> engagements;
    std::vector<untracked_module> untracked;
    std::size_t completion_requests = 0;
};

struct course_result {
    std::optional<course_update> update;
    std::optional<std::string> error;  // for the log and `prereadd status`
};

struct course_poll_input {
    moodle::site& site;
    const config::project_config& project;
    unsigned refresh_every = 10;
    std::size_t max_at_once = 4;
    std::set<std::pair<std::string, std::int64_t>> done{};  // (user, file id) engagements known
    std::int64_t now = 0;
    // Nextcloud's users for usernames or e-mail addresses (`by_email`), as
    // Nextcloud's sharee search finds them exactly (the caller's).
    std::function<boost::asio::awaitable<std::map<std::string, std::string>>(std::vector<std::string>, bool by_email)>
        find_in_nextcloud{};
    // The caller's window_modules of the course as cached, which decided that the
    // course is due; computed anew only where the course is refreshed first.
    std::optional<reminder_windows> window{};
};

boost::asio::awaitable<course_result> async_poll_course(course_poll_input in, course_cache& cache);

}  // namespace prereadd::tracking
