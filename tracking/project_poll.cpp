// One project's share of a poll cycle (see project_poll.hpp): its folder
// checked, listed and diffed when it changed, the reads and activities of
// the cycle mapped to its pre-reads, comments read, access checked.
#include "tracking/project_poll.hpp"

#include "tracking/audit_line.hpp"
#include "webdav/requests.hpp"

#include <algorithm>
#include <set>

namespace prereadd::tracking::detail {
namespace {

using is_member_fn = std::function<bool(const std::string&, const std::string&)>;

project_view view_of(const cycle_context& ctx, const config::project_config& p, const project_cache& cache,
                     const std::vector<known_document>& documents)
{
    project_view view;
    view.owner = ctx.config.global.nextcloud.user;
    view.folder = p.folder;
    for (const auto& d : documents) view.pre_reads.push_back({d.file_id, d.path});
    view.shares = cache.shares;
    return view;
}

bool names_unknown_file(const cycle_context& ctx, const config::project_config& p, const project_cache& cache,
                        const std::vector<known_document>& documents, const cycle_input& in)
{
    const auto view = view_of(ctx, p, cache, documents);
    auto is_member = [&](const std::string& user, const std::string& group) { return member_of(cache, user, group); };
    for (const auto& r : *in.reads)
        if (map_read(r.glance, view, is_member).result == read_mapping::outcome::unknown_document) return true;
    // The activity stream names files as the service account, the owner, sees them.
    for (const auto& a : in.activities)
        for (const auto& [id, path] : a.objects) {
            file_access owner_view;
            owner_view.user = view.owner;
            owner_view.file_id = id;
            owner_view.path = path;
            if (map_read(owner_view, view, is_member).result == read_mapping::outcome::unknown_document) return true;
        }
    return false;
}

// A read, from either source, as the engagement it is.
store::engagement_kind engagement_of(access_kind k)
{
    return k == access_kind::synced ? store::engagement_kind::synced : store::engagement_kind::opened;
}

// The audit log's reads of this project's pre-reads: engagements, or
// unmapped reads when a read fits several.
void take_reads(const config::project_config& p, const project_view& view, const is_member_fn& is_member,
                const cycle_input& in, project_update& u)
{
    for (const auto& logged : *in.reads) {
        if (logged.glance.user == view.owner) continue;
        auto m = map_read(logged.glance, view, is_member);
        if (m.result != read_mapping::outcome::ambiguous && m.result != read_mapping::outcome::pre_read) continue;
        // The whole line, for the time and the client; a line whose two readings
        // disagree (a key given twice) is not one Nextcloud wrote.
        const auto r = read_audit_line(logged.line);
        if (!r || r->kind == access_kind::preview || r->user != logged.glance.user || r->path != logged.glance.path ||
            r->file_id != logged.glance.file_id)
            continue;
        const auto at = r->time ? r->time->time_since_epoch().count() : in.now;
        if (m.result == read_mapping::outcome::ambiguous) {
            u.unmapped.push_back({r->user, r->path, at, m.reason});
            continue;
        }
        u.engagements.push_back({p.id, r->user, m.file_id, engagement_of(r->kind), at, "audit_log"});
    }
}

// The activity stream's edits of this project's pre-reads, and its reads
// when they count (activity_reads.hpp); the files it says were commented on
// join `commented`.
void take_activities(const config::project_config& p, const std::string& service_user, const cycle_input& in,
                     const std::vector<known_document>& documents, project_update& u, std::set<std::int64_t>& commented)
{
    auto is_pre_read = [&](std::int64_t file) {
        return std::any_of(documents.begin(), documents.end(), [&](const auto& d) { return d.file_id == file; });
    };
    for (const auto& a : in.activities) {
        if (in.downloads != activity_signal::ignored)
            for (const auto& r : reads_of(a, in.now))
                if (is_pre_read(r.file_id) && r.user != service_user)
                    u.engagements.push_back({p.id, r.user, r.file_id, engagement_of(r.kind), r.at, "activity"});
        if (!is_pre_read(a.object_id) || a.user.empty() || a.user == service_user) continue;
        if (a.type == "comments") commented.insert(a.object_id);
        if (a.type == "file_changed")
            u.engagements.push_back({p.id, a.user, a.object_id, store::engagement_kind::edited,
                                     a.datetime ? a.datetime->time_since_epoch().count() : in.now, "activity"});
    }
}

// The cross-check of the activity stream: a comment count that grew (or is
// not known yet) has its comments read, whatever the stream said.
void note_comment_counts(const std::vector<webdav::file_entry>& listing, project_cache& cache,
                         std::set<std::int64_t>& commented)
{
    // Only counts above zero are kept: most pre-reads have no comment, and a
    // missing count is zero (500,000 documents at 10,000 projects).
    for (const auto& e : listing) {
        if (e.collection || !e.file_id || !e.comments_count) continue;
        auto known = cache.comment_counts.find(*e.file_id);
        const int before = known == cache.comment_counts.end() ? 0 : known->second;
        if (*e.comments_count > before) commented.insert(*e.file_id);
        if (*e.comments_count > 0)
            cache.comment_counts.insert_or_assign(*e.file_id, *e.comments_count);
        else if (known != cache.comment_counts.end())
            cache.comment_counts.erase(known);
    }
}

boost::asio::awaitable<void> async_take_comments(cycle_context& ctx, const config::project_config& p,
                                                 const std::set<std::int64_t>& files, const cycle_input& in,
                                                 project_result& out, project_update& u)
{
    const auto& service_user = ctx.config.global.nextcloud.user;
    for (auto file : files) {
        auto comments = co_await webdav::async_comments(ctx.client, ctx.config.global.nextcloud.base, file);
        if (!comments) {
            // The other files' comments still count; the error keeps the cursors back.
            out.errors.push_back(p.id + ": " + comments.error().message());
            continue;
        }
        for (const auto& c : *comments)
            if (c.actor_type == "users" && c.actor_id != service_user)
                u.engagements.push_back({p.id, c.actor_id, file, store::engagement_kind::commented,
                                         c.created ? c.created->time_since_epoch().count() : in.now, "comments"});
    }
}

// The project's pre-reads as the store has them, read once after a start.
boost::asio::awaitable<boost::system::error_code> load_stored_documents(store::backend& st, const std::string& project,
                                                                        project_cache& cache)
{
    if (cache.documents) co_return boost::system::error_code{};
    auto rows = co_await st.documents(project);
    if (!rows) co_return rows.error();
    cache.documents.emplace();
    cache.documents->reserve(rows->size());
    for (auto& d : *rows)
        if (d.source.empty())  // a Moodle module is not the folder's to diff
            cache.documents->push_back({d.file_id, std::move(d.path), std::move(d.etag), std::move(d.tags)});
    co_return boost::system::error_code{};
}

// The Moodle participants merged into the update: a name already given by
// Nextcloud (configured, group, Talk, share) keeps that source.
void merge_course_participants(const std::vector<moodle_participant>& from_course, project_update& u)
{
    auto merged = std::make_shared<participant_map>(*u.participants);
    for (const auto& mp : from_course) {
        merged->emplace(mp.user_id, store::participant_source::moodle);
        if (mp.user_id.starts_with(moodle_user_prefix)) u.display_names[mp.user_id] = mp.fullname;
    }
    u.participants = std::move(merged);
}

}  // namespace

boost::asio::awaitable<boost::system::error_code> async_take_course(cycle_context& ctx, const config::project_config& p,
                                                                    project_cache& cache, bool due,
                                                                    const cycle_input& in, project_update& u)
{
    auto& st = ctx.store;
    auto& course = cache.course;
    std::optional<reminder_windows> window;
    if (course.loaded)
        window = window_modules(p, course.modules.pre_reads, date::sys_seconds{std::chrono::seconds(in.now)});
    if (ctx.moodle && course_due(course, due, window ? window->leads_passed : std::set<std::string>{})) {
        course_poll_input ask{*ctx.moodle, p};
        ask.window = std::move(window);
        ask.refresh_every = ctx.config.global.moodle ? ctx.config.global.moodle->refresh_every : 10;
        ask.max_at_once = ctx.config.global.moodle ? ctx.config.global.moodle->max_connections : 4;
        auto done = co_await st.engagements(p.id);
        if (!done) co_return done.error();
        for (const auto& e : *done) ask.done.insert({e.user_id, e.file_id});
        ask.now = in.now;
        ask.find_in_nextcloud = ctx.find_in_nextcloud;
        auto polled = co_await async_poll_course(std::move(ask), course);
        u.course_error = std::move(polled.error);
        u.course = std::move(polled.update);
    }
    u.course_known = course.loaded;
    if (course.loaded) {
        merge_course_participants(course.participants, u);
    } else {
        // Never read since the start: those the store has stay participants meanwhile.
        auto kept = std::make_shared<participant_map>(*u.participants);
        auto rows = co_await st.participants(p.id);
        if (!rows) co_return rows.error();
        for (const auto& row : *rows)
            if (row.source == store::participant_source::moodle) {
                kept->emplace(row.user_id, row.source);
                if (!row.display_name.empty()) u.display_names[row.user_id] = row.display_name;
            }
        u.participants = std::move(kept);
    }
    if (u.course) u.engagements.insert(u.engagements.end(), u.course->engagements.begin(), u.course->engagements.end());
    for (const auto& m : course.modules.untracked)
        u.problems.push_back({"(moodle)", -m.cmid, access_problem::kind::moodle_untracked,
                              m.name + " (" + m.section_name + "): " + m.why});
    co_return boost::system::error_code{};
}

bool decide_check(bool loaded, bool due, bool names_unknown_file) { return !loaded || due || names_unknown_file; }

poll_decision decide_poll(const poll_facts& f)
{
    poll_decision d;
    if (!f.checked) return d;
    const bool refresh_due = !f.loaded || f.full_check || f.cycles_since_refresh + 1 >= f.refresh_every;
    d.list = f.etag_changed || (f.tag_scoped && refresh_due);
    d.refresh = refresh_due;
    d.count = !d.refresh && f.loaded;
    return d;
}

boost::asio::awaitable<project_result> async_poll_project(cycle_context& ctx, const config::project_config& p,
                                                          project_cache& cache, const cycle_input& in)
{
    project_result out;
    const auto& service_user = ctx.config.global.nextcloud.user;
    auto& st = ctx.store;
    project_update u;
    u.project = &p;
    if (auto ec = co_await load_stored_documents(st, p.id, cache)) {
        out.errors.push_back(p.id + ": state: " + ec.message());
        co_return out;
    }
    const auto& stored = *cache.documents;
    const bool due = !ctx.due || ctx.due->count(p.id);
    const bool has_folder = !p.folder.empty();
    // Its parent's ETag may vouch for the folder (ancestor_watch.hpp); the
    // project's turn still counts for its Moodle course.
    const bool vouched = in.ancestors && in.ancestors->unchanged.count(p.id);
    const bool folder_due = due && !vouched;
    u.checked =
        decide_check(cache.loaded, folder_due,
                     has_folder && cache.loaded && !folder_due && names_unknown_file(ctx, p, cache, stored, in));
    u.vouched = vouched && !u.checked;
    std::string etag = cache.folder_etag;
    const std::string* listed = nullptr;  // by the parent's Depth 1 listing: no Depth 0 of its own
    if (in.ancestors)
        if (auto it = in.ancestors->listed_etags.find(p.id); it != in.ancestors->listed_etags.end())
            listed = &it->second;
    if (u.checked && has_folder && listed) {
        etag = *listed;
    } else if (u.checked && has_folder) {
        auto folder =
            co_await webdav::async_list(ctx.client, ctx.config.global.nextcloud.base, service_user, p.folder, 0);
        if (!folder || folder->empty() || !folder->front().etag) {
            out.errors.push_back(p.id + ": " +
                                 (folder ? std::string("no ETag for ") + p.folder : folder.error().message()));
            co_return out;
        }
        etag = *folder->front().etag;
    }
    // The stored ETag lets a restarted daemon keep the short-cut.
    if (cache.folder_etag.empty()) {
        auto row = co_await st.project(p.id);
        if (!row) {
            out.errors.push_back(p.id + ": state: " + row.error().message());
            co_return out;
        }
        if (*row) cache.folder_etag = (*row)->folder_etag.value_or("");
    }
    const auto decision =
        decide_poll({u.checked, cache.loaded, has_folder && cache.folder_etag != etag,
                     p.pre_reads == scheduler::pre_read_scope::tag, cache.cycles_since_refresh,
                     ctx.tuning.refresh_every, in.ancestors && in.ancestors->full_checks.count(p.id) > 0});
    std::set<std::int64_t> commented;
    bool files_came = false;
    if (decision.list) {
        auto listing = co_await async_list_tree(ctx, p, cache);
        if (!listing) {
            out.errors.push_back(p.id + ": " + listing.error().message());
            co_return out;
        }
        const std::string href = folder_href(ctx.config, p.folder);
        const auto diff = diff_documents(stored, *listing, href);
        for (const auto& d : diff.added) u.upserted.push_back(d.file_id);
        for (const auto& d : diff.changed) u.upserted.push_back(d.file_id);
        for (const auto& [before, after] : diff.moved) u.upserted.push_back(after.file_id);
        for (const auto& d : diff.removed) u.removed.push_back(d.file_id);
        files_came = !diff.added.empty() || !diff.moved.empty();
        u.documents = documents_of(*listing, href);
        u.documents->shrink_to_fit();  // kept as the cache's until the next listing
        u.folder_etag = etag;
        note_comment_counts(*listing, cache, commented);
    }
    const auto& documents = u.documents ? *u.documents : stored;
    const auto today = date::year_month_day{date::floor<date::days>(date::sys_seconds{std::chrono::seconds(in.now)})};
    if (decision.count) ++cache.cycles_since_refresh;
    if (decision.refresh || files_came) {
        if (auto failed = co_await async_refresh(ctx, p, cache, today, !decision.refresh)) {
            out.errors.push_back(p.id + ": " + *failed);
            co_return out;
        }
    }
    cache.folder_etag = etag;
    u.participants = cache.participants;

    const auto view = view_of(ctx, p, cache, documents);
    const is_member_fn is_member = [&](const std::string& user, const std::string& group) {
        return member_of(cache, user, group);
    };
    take_reads(p, view, is_member, in, u);
    take_activities(p, service_user, in, documents, u, commented);
    co_await async_take_comments(ctx, p, commented, in, out, u);
    std::vector<std::string> people;
    for (const auto& [user, source] : *u.participants) people.push_back(user);
    u.problems = check_access(view, people, is_member, today);
    for (const auto& g : cache.unexpandable_groups)
        u.problems.push_back({"(group)", 0, access_problem::kind::no_share,
                              "group " + g + " cannot be expanded: make the service account a sub-admin of it"});
    if (p.moodle)
        if (auto ec = co_await async_take_course(ctx, p, cache, due, in, u)) {
            out.errors.push_back(p.id + ": state: " + ec.message());
            co_return out;
        }
    // A Moodle project's merged set, equal to what was written last, is that set.
    if (const auto& written = cache.participants_stored;
        written && u.participants != written && *u.participants == *written)
        u.participants = written;
    u.participants_stored = u.participants == cache.participants_stored;
    out.update = std::move(u);
    co_return out;
}

}  // namespace prereadd::tracking::detail
