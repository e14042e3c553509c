// The poll cycle (see poll_cycle.hpp and docs/ARCHITECTURE.md, "One poll cycle").
// Unchanged folders cost one PROPFIND Depth 0 per parent folder of several
// projects (ancestor_watch.hpp), else one each; the activity stream is one
// request for all projects; the audit log is read locally.
#include "tracking/poll_cycle.hpp"

#include "tracking/audit_line.hpp"
#include "tracking/audit_silence.hpp"
#include "tracking/project_poll.hpp"
#include "ocs/api.hpp"

#include "tracking/bounded_each.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace prereadd::tracking {
namespace {

using detail::cycle_input;
using detail::project_result;
using detail::project_update;

bool cancelled(boost::asio::cancellation_state state)
{
    return state.cancelled() != boost::asio::cancellation_type::none;
}

// Every write below goes through store::backend: with PostgreSQL a failure
// is a value, and the first one ends the write (the caller rolls back).
boost::asio::awaitable<boost::system::error_code> apply(store::backend& st, const project_update& u, std::int64_t now,
                                                        cycle_report& report)
{
    const auto& id = u.project->id;  // its row is written by the caller
    if (u.folder_etag) {
        if (auto ec = co_await st.set_folder_etag(id, *u.folder_etag)) co_return ec;
        const std::set<std::int64_t> upserted(u.upserted.begin(), u.upserted.end());
        if (u.documents)
            for (const auto& d : *u.documents)
                if (upserted.count(d.file_id)) {
                    const store::document_row row{d.file_id, d.path, d.etag, now, d.tags};
                    if (auto ec = co_await st.upsert_document(id, row)) co_return ec;
                }
        for (const auto file_id : u.removed)
            if (auto ec = co_await st.mark_document_removed(id, file_id, now)) co_return ec;
    }
    // Only who joined, left or came by another way is written: most cycles change nobody.
    participant_map stored;
    if (!u.participants_stored) {
        auto rows = co_await st.participants(id);
        if (!rows) co_return rows.error();
        for (auto& known : *rows) stored.emplace(std::move(known.user_id), std::move(known.source));
        for (const auto& [user, source] : stored)
            if (!u.participants->count(user))
                if (auto ec = co_await st.mark_participant_removed(id, user, now)) co_return ec;
        for (const auto& [user, source] : *u.participants)
            if (auto it = stored.find(user); it == stored.end() || it->second != source) {
                const store::participant_row row{user, source};
                if (auto ec = co_await st.upsert_participant(id, row, now)) co_return ec;
            }
    }
    if (u.course) {
        // Only what changed is written: most turns change no module.
        auto rows = co_await st.documents(id);
        if (!rows) co_return rows.error();
        std::map<std::int64_t, store::document_row> known;
        for (auto& d : *rows)
            if (d.source == "moodle") known.emplace(d.file_id, std::move(d));
        for (const auto& m : u.course->modules) {
            auto it = known.find(m.file_id);
            if (it == known.end() || it->second.path != m.path || it->second.section != m.section ||
                it->second.section_name != m.section_name || it->second.link != m.link) {
                auto row = m;
                row.first_seen = now;  // kept by the upsert when the module is known
                if (auto ec = co_await st.upsert_document(id, row)) co_return ec;
            }
            if (it != known.end()) known.erase(it);
        }
        for (const auto& [file_id, gone] : known)
            if (auto ec = co_await st.mark_document_removed(id, file_id, now)) co_return ec;
        report.moodle_requests += u.course->completion_requests;
        if (u.course->completion_requests > 0)
            if (auto ec = co_await st.set_cursor(moodle_completion_cursor(id), std::to_string(now))) co_return ec;
    }
    for (const auto& [user, name] : u.display_names)
        if (auto it = u.participants->find(user);
            !u.participants_stored && it != u.participants->end() && !stored.count(user)) {
            const store::participant_row row{user, it->second, name};
            if (auto ec = co_await st.upsert_participant(id, row, now)) co_return ec;
        }
    for (const auto& e : u.engagements) {
        auto recorded = co_await st.record(e);
        if (!recorded) co_return recorded.error();
        if (*recorded) ++report.engagements_recorded;
    }
    for (const auto& r : u.unmapped)
        if (auto ec = co_await st.record_unmapped_read(id, r)) co_return ec;
    report.unmapped_reads += u.unmapped.size();
    std::set<std::tuple<std::string, std::int64_t, std::string>> current;
    for (const auto& pr : u.problems) {
        current.insert({pr.user, pr.file_id, to_string(pr.what)});
        const store::problem_row row{pr.user, pr.file_id, to_string(pr.what), pr.detail, now};
        auto fresh = co_await st.record_problem(id, row);
        if (!fresh) co_return fresh.error();
        if (*fresh) report.new_problems.emplace_back(id, pr);
    }
    // A problem is closed only when it is seen resolved: Deck and Talk membership
    // ones by the reminder pass, which resolves them itself; a Moodle course's only by a
    // pass that knows the course.
    auto open = co_await st.open_problems(id);
    if (!open) co_return open.error();
    const std::string moodle_problem = to_string(access_problem::kind::moodle_untracked);
    for (const auto& problem : *open)
        if (!problem.problem.starts_with("deck_") && !problem.problem.starts_with("talk_") &&
            (u.course_known || problem.problem != moodle_problem) &&
            !current.count({problem.user_id, problem.file_id, problem.problem}))
            if (auto ec = co_await st.resolve_problem(id, problem, now)) co_return ec;
    if (u.checked || u.vouched)
        if (auto ec = co_await st.set_last_cycle(id, now)) co_return ec;
    co_return boost::system::error_code{};
}

// The silent-log watch's state (audit_silence.hpp), kept in the cursors table.
constexpr const char* audit_silence_cursor = "audit_log_silence";

boost::asio::awaitable<boost::system::result<audit_silence>> stored_silence(store::backend& st)
{
    auto text = co_await st.cursor(audit_silence_cursor);
    if (!text) co_return text.error();
    co_return parse_audit_silence(text->value_or("")).value_or(audit_silence{});
}

// A silent audit log while the Activity stream shows downloads: Nextcloud's
// log level is dropping the audit lines (audit_silence.hpp).
boost::asio::awaitable<boost::system::error_code> watch_the_audit_log(const cycle_context& ctx, store::backend& st,
                                                                      bool grew, const cycle_input& in,
                                                                      cycle_report& report)
{
    std::int64_t downloads = 0;
    for (const auto& a : in.activities) downloads += a.type == "file_downloaded" || a.type == "public_links";
    const auto before = co_await stored_silence(st);
    if (!before) co_return before.error();
    const auto step = watch_audit_silence(*before, grew, downloads, in.now, ctx.tuning.audit_quiet_for);
    if (step.next != *before) {
        const std::string next = to_string(step.next);
        if (auto ec = co_await st.set_cursor(audit_silence_cursor, next)) co_return ec;
    }
    if (step.warn_now) {
        const auto warning = audit_silence_warning(ctx.audit->name(), step.next);
        if (auto ec = co_await st.set_cursor(audit_warning_cursor, warning)) co_return ec;
        report.warnings.push_back(warning);
    }
    if (step.cleared) {
        const std::string none;
        if (auto ec = co_await st.set_cursor(audit_warning_cursor, none)) co_return ec;
    }
    co_return boost::system::error_code{};
}

// False for a read whose request was taken already: one line in two places.
bool first_sight(poll_memory& memory, const file_access& a)
{
    constexpr std::size_t remembered = 1 << 16;
    if (a.request_id.empty()) return true;
    auto key = a.request_id + '\n' + a.user + '\n' + (a.file_id ? std::to_string(*a.file_id) : "") + '\n' + a.path;
    if (!memory.recent_requests.insert(key).second) return false;
    memory.recent_order.push_back(std::move(key));
    if (memory.recent_order.size() > remembered) {
        memory.recent_requests.erase(memory.recent_order.front());
        memory.recent_order.pop_front();
    }
    return true;
}

// 1. The activity stream to its end (one request, 304, when nothing is new), and
// 2. the new lines of the audit log. Returns the activity cursor to store
// once every project took what it covers.
boost::asio::awaitable<boost::system::result<std::int64_t>> async_gather(cycle_context& ctx, store::backend& st,
                                                                         cycle_input& in, cycle_report& report)
{
    auto activity_cursor = co_await detail::async_read_activity(ctx, st, in.activities, report);
    if (!activity_cursor) co_return activity_cursor.error();
    const auto silence = co_await stored_silence(st);
    if (!silence) co_return silence.error();
    in.downloads = weigh_activity(ctx.audit != nullptr, silence->warned);
    if (ctx.audit) {
        if (!ctx.memory.pending_from) ctx.memory.pending_from = ctx.audit->saved_position();
        auto lines = ctx.audit->read_lines();
        ctx.memory.audit_grew = ctx.memory.audit_grew || !lines.empty();
        for (auto& line : lines) {
            auto a = glance_at_audit_line(line);
            if (!a) continue;
            ++report.audit_reads;
            if (!first_sight(ctx.memory, *a)) {
                ++report.audit_reads_again;
                continue;
            }
            ctx.memory.pending_reads.push_back({std::move(*a), std::move(line)});
        }
    }
    in.reads = &ctx.memory.pending_reads;
    co_return *activity_cursor;
}

// Several daemons: this node's new reads into the shared table with its log
// position (one transaction, so a read is stored once whatever fails after),
// then every node's reads that a held project has not taken yet.
boost::asio::awaitable<boost::system::error_code> async_share_reads(cycle_context& ctx, cycle_input& in,
                                                                    std::vector<logged_read>& taken)
{
    auto& st = ctx.store;
    auto& shared = *ctx.shared_reads;
    if (ctx.audit && !ctx.memory.pending_reads.empty()) {
        std::vector<std::string> lines;
        lines.reserve(ctx.memory.pending_reads.size());
        for (const auto& r : ctx.memory.pending_reads) lines.push_back(r.line);
        if (auto ec = co_await st.begin()) co_return ec;
        store::transaction_guard tx(st);
        const std::string position = ctx.audit->saved_position();
        auto ec = co_await shared.append_reads(lines, in.now);
        if (!ec) ec = co_await st.set_cursor("audit_log", position);
        if (!ec) ec = co_await st.commit();
        tx.ended();
        if (ec) {
            co_await st.rollback();
            co_return ec;
        }
        ctx.memory.pending_reads.clear();
    } else if (ctx.audit) {
        const std::string position = ctx.audit->saved_position();
        if (auto ec = co_await st.set_cursor("audit_log", position)) co_return ec;
    }
    ctx.memory.pending_from.reset();
    auto positions = co_await shared.read_positions();
    if (!positions) co_return positions.error();
    // From the least advanced held project; a project that took none yet takes them all.
    std::int64_t from = std::numeric_limits<std::int64_t>::max();
    for (const auto& p : ctx.config.projects) {
        if (!ctx.holds(p.id)) continue;
        auto it = positions->find(p.id);
        from = std::min(from, it == positions->end() ? 0 : it->second);
    }
    if (from == std::numeric_limits<std::int64_t>::max()) co_return boost::system::error_code{};  // none held
    auto reads = co_await shared.reads_after(from);
    if (!reads) co_return reads.error();
    std::int64_t upto = from;
    for (auto& r : *reads) {
        upto = std::max(upto, r.seq);
        if (auto a = glance_at_audit_line(r.line)) taken.push_back({std::move(*a), std::move(r.line)});
    }
    in.reads = &taken;
    in.shared_reads_upto = upto;
    co_return boost::system::error_code{};
}

// 3. The projects, as many at once as there are connections to use.
boost::asio::awaitable<std::vector<project_result>> async_poll_projects(cycle_context& ctx, const cycle_input& in)
{
    const auto& projects = ctx.config.projects;
    for (const auto& p : projects)
        if (ctx.holds(p.id))
            ctx.memory.cache[p.id];  // map nodes stay put while the workers run
        else
            ctx.memory.cache.erase(p.id);
    std::vector<project_result> results(projects.size());
    co_await async_each_at_most(
        projects.size(), ctx.config.global.nextcloud.max_connections,
        [&](std::size_t i) -> boost::asio::awaitable<bool> {
            if (ctx.holds(projects[i].id))
                results[i] =
                    co_await detail::async_poll_project(ctx, projects[i], ctx.memory.cache[projects[i].id], in);
            co_return true;  // a project's failure is its own: the others are polled all the same
        });
    co_return results;
}

// 4. Everything in one transaction (the caller's), cursors included.
// `complete` when every project took what the cursors cover. `report` is
// filled only when everything was written.
boost::asio::awaitable<boost::system::error_code> write_cycle(cycle_context& ctx, store::backend& st,
                                                              std::vector<project_result>& results,
                                                              const cycle_input& in, std::int64_t activity_cursor,
                                                              cycle_report& report, bool& complete)
{
    const auto& projects = ctx.config.projects;
    cycle_report staged = report;
    std::size_t held = 0;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!ctx.holds(projects[i].id)) continue;
        ++held;
        auto& r = results[i];
        staged.errors.insert(staged.errors.end(), r.errors.begin(), r.errors.end());
        // The state says why a project is not being polled, for `prereadd status`.
        if (auto ec = co_await st.upsert_project(projects[i].id, projects[i].folder)) co_return ec;
        std::optional<std::string> why;
        if (!r.errors.empty()) why = r.errors.front();
        if (r.update && r.update->course_error) {
            ++staged.moodle_errors;
            if (r.errors.empty()) why = r.update->course_error;
        }
        if (auto ec = co_await st.set_project_error(projects[i].id, why, in.now)) co_return ec;
        if (!r.update) continue;
        if (auto ec = co_await apply(st, *r.update, in.now, staged)) co_return ec;
        ++staged.projects_ok;
        if (r.errors.empty() && (r.update->checked || r.update->vouched))
            staged.polled.push_back(r.update->project->id);
        staged.folders_vouched += r.update->vouched;
    }
    // Cursors move only when every project took what they cover: a project that
    // could not be polled gets the same activity and reads again next cycle.
    complete = staged.projects_ok == held && staged.errors.empty();
    for (const auto& r : results)
        if (r.update && r.update->course_error)
            staged.errors.push_back(r.update->project->id + ": " + *r.update->course_error);
    if (complete) {
        const std::string cursor = std::to_string(activity_cursor);
        if (auto ec = co_await st.set_cursor("activity", cursor)) co_return ec;
    }
    // Several daemons: each project polled takes the shared reads given (its
    // node's log position was stored with them); one that failed takes them again.
    if (ctx.shared_reads && in.shared_reads_upto)
        for (const auto& r : results)
            if (r.update && r.errors.empty()) {
                const auto upto = *in.shared_reads_upto;
                if (auto ec = co_await ctx.shared_reads->set_read_position(r.update->project->id, upto)) co_return ec;
            }
    if (ctx.audit) {
        if (!ctx.shared_reads) {
            const std::string position = complete ? ctx.audit->saved_position() : *ctx.memory.pending_from;
            if (auto ec = co_await st.set_cursor("audit_log", position)) co_return ec;
        }
        if (complete) {
            const bool grew = ctx.memory.audit_grew;
            if (auto ec = co_await watch_the_audit_log(ctx, st, grew, in, staged)) co_return ec;
            ctx.memory.audit_grew = false;
        }
    }
    report = std::move(staged);
    co_return boost::system::error_code{};
}

}  // namespace

boost::asio::awaitable<cycle_report> async_poll_cycle(cycle_context& ctx)
{
    cycle_report report;
    auto& st = ctx.store;
    ctx.memory.groups_this_cycle.clear();
    cycle_input in;
    in.now = ctx.now();
    const auto gathered = co_await async_gather(ctx, st, in, report);
    if (!gathered) {
        report.errors.push_back("state: " + gathered.error().message());
        co_return report;
    }
    const auto activity_cursor = *gathered;
    std::vector<logged_read> shared_reads;  // several daemons: every node's reads, for the held projects
    if (ctx.shared_reads) {
        if (auto ec = co_await async_share_reads(ctx, in, shared_reads)) {
            report.errors.push_back("state: " + ec.message());
            co_return report;
        }
    }
    // Stopped meanwhile (SIGTERM): no new work; nothing is written, so the next start reads the same input.
    if (cancelled(co_await boost::asio::this_coro::cancellation_state)) {
        report.errors.push_back("poll cycle cancelled");
        co_return report;
    }
    const auto ancestors = co_await detail::async_watch_ancestors(ctx);
    in.ancestors = &ancestors;
    auto results = co_await async_poll_projects(ctx, in);
    if (cancelled(co_await boost::asio::this_coro::cancellation_state)) {
        report.errors.push_back("poll cycle cancelled");
        co_return report;
    }
    // Written whole or not at all: a failure (or an exception, or SIGTERM
    // mid-write) leaves the state as the last cycle left it. The memory the
    // polling updated (a folder's new ETag, its listing) then speaks of what
    // was never written: those projects are forgotten and listed afresh, or an
    // unchanged ETag would keep their documents out of the store (a database
    // cut off during the first cycle's write left a project without pre-reads).
    const auto forget_polled = [&] {
        for (const auto& r : results)
            if (r.update) ctx.memory.cache.erase(r.update->project->id);
    };
    if (auto ec = co_await st.begin()) {
        forget_polled();
        report.errors.push_back("state: " + ec.message());
        co_return report;
    }
    store::transaction_guard tx(st);
    bool complete = false;
    auto failed = co_await write_cycle(ctx, st, results, in, activity_cursor, report, complete);
    if (!failed) failed = co_await st.commit();
    tx.ended();
    if (failed) {
        co_await st.rollback();
        forget_polled();
        report.errors.push_back("state: " + failed.message());
        co_return report;
    }
    for (auto& r : results)
        if (r.update) {
            auto& cache = ctx.memory.cache[r.update->project->id];
            if (r.update->documents) cache.documents = std::move(r.update->documents);
            cache.participants_stored = std::move(r.update->participants);
        }
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!ctx.holds(ctx.config.projects[i].id))
            ctx.memory.failing.erase(ctx.config.projects[i].id);
        else if (results[i].update && results[i].errors.empty())
            ctx.memory.failing.erase(ctx.config.projects[i].id);
        else
            ctx.memory.failing.insert(ctx.config.projects[i].id);
    }
    for (const auto& [folder, etag] : ancestors.pending_etags) ctx.memory.ancestors[folder].etag = etag;
    if (complete) {
        ctx.memory.pending_reads.clear();
        ctx.memory.pending_from.reset();
    }
    co_return report;
}

}  // namespace prereadd::tracking
