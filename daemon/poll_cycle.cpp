// The poll cycle (see poll_cycle.hpp and docs/ARCHITECTURE.md, "One poll cycle").
// Unchanged folders cost one PROPFIND Depth 0 each; the activity stream is one
// request for all projects; the audit log is read locally.
#include "daemon/poll_cycle.hpp"

#include "daemon/audit_line.hpp"
#include "daemon/audit_silence.hpp"
#include "daemon/document_diff.hpp"
#include "ocs/api.hpp"
#include "ocs/talk.hpp"
#include "webdav/requests.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <utility>

namespace prereadd::daemon {
namespace {

// Everything one project's network work found, applied later in the cycle's transaction.
struct project_update {
    const project_config* project = nullptr;
    bool checked = false;                    // the folder's ETag was asked for in this cycle
    std::optional<std::string> folder_etag;  // set when the folder was listed again
    document_diff diff;
    std::vector<known_document> documents;   // the pre-reads after this cycle
    std::map<std::string, std::string> participants;  // user -> source
    std::vector<store::engagement> engagements;
    std::vector<store::unmapped_read_row> unmapped;
    std::vector<access_problem> problems;
};

// One project's share of the cycle: an update, or the errors that stopped it.
struct project_result {
    std::optional<project_update> update;
    std::vector<std::string> errors;
};

// What every project reads from, gathered once per cycle.
struct cycle_input {
    std::vector<ocs::activity> activities;
    const std::vector<logged_read>* reads = nullptr;
    std::int64_t now = 0;
};

// The decoded href of the service account's files root, without a trailing slash.
std::string files_root_href(const configuration& c)
{
    return c.global.nextcloud.base.target + "/remote.php/dav/files/" + c.global.nextcloud.user;
}

std::string folder_href(const configuration& c, const std::string& folder)
{
    std::string href = files_root_href(c) + folder;
    if (href.back() != '/') href += '/';
    return href;
}

// The project folder and every sub-folder below it (to `max_folder_depth`),
// one Depth 1 PROPFIND each. A sub-folder whose ETag is the one of its last
// listing is not listed again: Nextcloud propagates ETags upwards, so nothing
// below it changed either, and its remembered listings are used.
boost::asio::awaitable<http::outcome<std::vector<webdav::file_entry>>> async_list_tree(cycle_context& ctx,
                                                                                      const project_config& p,
                                                                                      project_cache& cache)
{
    const auto& base = ctx.config.global.nextcloud.base;
    const auto& user = ctx.config.global.nextcloud.user;
    const std::string root = files_root_href(ctx.config);
    std::vector<webdav::file_entry> all;
    std::map<std::string, folder_listing> listed;
    std::vector<std::pair<std::string, unsigned>> pending{{p.folder, 0}};  // path as the user sees it, depth
    while (!pending.empty()) {
        auto [path, depth] = pending.back();
        pending.pop_back();
        auto listing = co_await webdav::async_list(ctx.client, base, user, path, 1);
        if (!listing) co_return listing.error();
        std::string self = root + path;
        if (self.back() != '/') self += '/';
        folder_listing here;
        for (auto& e : *listing) {
            if (e.href == self) {
                if (depth == 0) all.push_back(e);
                here.etag = e.etag.value_or("");
                continue;
            }
            // Only a sub-folder's own listing is remembered; the project folder's is the listing.
            if (depth > 0) here.entries.push_back(e);
            const bool descend = e.collection && depth + 1 <= ctx.max_folder_depth;
            const std::string folder = descend ? e.href : std::string();
            const std::optional<std::string> folder_etag = descend ? e.etag : std::nullopt;
            all.push_back(std::move(e));
            if (!descend) continue;
            auto known = cache.sub_folders.find(folder);
            if (known != cache.sub_folders.end() && folder_etag && known->second.etag == *folder_etag) {
                for (const auto& [href, sub] : cache.sub_folders)
                    if (href.starts_with(folder)) {
                        listed[href] = sub;
                        all.insert(all.end(), sub.entries.begin(), sub.entries.end());
                    }
                continue;
            }
            std::string sub_path = folder.substr(root.size());
            if (sub_path.size() > 1 && sub_path.back() == '/') sub_path.pop_back();
            pending.emplace_back(sub_path, depth + 1);
        }
        if (depth > 0) listed[self] = std::move(here);
    }
    cache.sub_folders = std::move(listed);
    co_return all;
}

bool member_of(const project_cache& cache, const std::string& user, const std::string& group)
{
    auto it = cache.groups.find(group);
    return it != cache.groups.end() && std::find(it->second.begin(), it->second.end(), user) != it->second.end();
}

// Shares, group members and the participant list: at the first cycle, when the
// folder changed, and every `refresh_every` cycles.
boost::asio::awaitable<std::optional<std::string>> async_refresh(cycle_context& ctx, const project_config& p,
                                                                 project_cache& cache, date::year_month_day today)
{
    const auto& base = ctx.config.global.nextcloud.base;
    auto folder_shares = co_await ocs::async_shares(ctx.client, base, p.folder, false);
    if (!folder_shares) co_return "shares of " + p.folder + ": " + folder_shares.error().message();
    auto file_shares = co_await ocs::async_shares(ctx.client, base, p.folder, true);
    if (!file_shares) co_return "shares in " + p.folder + ": " + file_shares.error().message();
    std::vector<ocs::share> shares = std::move(*folder_shares);
    shares.insert(shares.end(), file_shares->begin(), file_shares->end());
    // Nextcloud deletes a share once it has expired, so it vanishes from the
    // listing; one seen before with a past expiration date is kept, so the
    // facilitator hears "expired" rather than "not shared".
    for (const auto& old : cache.shares)
        if (old.expiration && *old.expiration < today &&
            std::none_of(shares.begin(), shares.end(), [&](const auto& s) { return s.id == old.id; }))
            shares.push_back(old);

    // Where each participant comes from; the first source named wins, in the
    // order an admin would look for it: configured, configured group, Talk, share.
    std::map<std::string, std::string> participants;
    for (const auto& u : p.participants.users) participants.emplace(u, "config");
    if (p.participants.from_talk && p.talk) {
        auto members = co_await ocs::async_talk_participants(ctx.client, base, p.talk->conversation);
        if (!members) co_return members.error().message();
        for (const auto& u : ocs::talk_users(*members)) participants.emplace(u, "talk");
    }

    // Every group a participant may come from or a share may reach them through.
    std::set<std::string> groups(p.participants.groups.begin(), p.participants.groups.end());
    for (const auto& s : shares) {
        if (s.type == 1) groups.insert(s.share_with);
        if (s.type == 0 && p.participants.from_shares) participants.emplace(s.share_with, "share");
    }
    std::map<std::string, std::vector<std::string>> members_of;
    std::vector<std::string> unexpandable;
    for (const auto& g : groups) {
        auto members = co_await ocs::async_group_members(ctx.client, base, g);
        if (!members) {
            // A group that cannot be expanded is a reported problem, not an empty set.
            unexpandable.push_back(g + " (" + members.error().message() + ")");
            continue;
        }
        members_of[g] = std::move(*members);
    }
    for (const auto& g : p.participants.groups)
        if (auto it = members_of.find(g); it != members_of.end())
            for (const auto& u : it->second) participants.emplace(u, "group");
    if (p.participants.from_shares)
        for (const auto& s : shares)
            if (auto it = members_of.find(s.share_with); s.type == 1 && it != members_of.end())
                for (const auto& u : it->second) participants.emplace(u, "share");
    participants.erase(ctx.config.global.nextcloud.user);

    cache.shares = std::move(shares);
    cache.groups = std::move(members_of);
    cache.unexpandable_groups = std::move(unexpandable);
    cache.participants = std::move(participants);
    cache.cycles_since_refresh = 0;
    cache.loaded = true;
    co_return std::nullopt;
}

project_view view_of(const cycle_context& ctx, const project_config& p, const project_cache& cache,
                     const std::vector<known_document>& documents)
{
    project_view view;
    view.owner = ctx.config.global.nextcloud.user;
    view.folder = p.folder;
    for (const auto& d : documents) view.pre_reads.push_back({d.file_id, d.path});
    view.shares = cache.shares;
    return view;
}

bool names_unknown_file(const cycle_context& ctx, const project_config& p, const project_cache& cache,
                        const std::vector<known_document>& documents, const cycle_input& in)
{
    const auto view = view_of(ctx, p, cache, documents);
    auto is_member = [&](const std::string& user, const std::string& group) { return member_of(cache, user, group); };
    for (const auto& r : *in.reads)
        if (map_read(r.glance, view, is_member).result == read_mapping::outcome::unknown_document) return true;
    // The activity stream names files as the service account, the owner, sees them.
    for (const auto& a : in.activities)
        for (const auto& [id, path] : a.objects)
            if (map_read({access_kind::opened, view.owner, id, path, {}, {}, {}}, view, is_member).result ==
                read_mapping::outcome::unknown_document)
                return true;
    return false;
}

boost::asio::awaitable<project_result> async_poll_project(cycle_context& ctx, const project_config& p,
                                                          project_cache& cache, const cycle_input& in)
{
    project_result out;
    const auto& base = ctx.config.global.nextcloud.base;
    const auto& service_user = ctx.config.global.nextcloud.user;
    store::state st(ctx.db);
    project_update u;
    u.project = &p;
    if (!cache.documents) {
        cache.documents.emplace();
        for (auto& d : st.documents(p.id))
            cache.documents->push_back({d.file_id, std::move(d.path), std::move(d.etag), std::move(d.tags)});
    }
    const std::vector<known_document>& stored = *cache.documents;

    // Between its turns a project's folder is not checked, unless a read or an
    // activity names a file in it that is not known: then it changed, and the
    // read must wait for the listing rather than be dropped.
    u.checked = !cache.loaded || !ctx.due || ctx.due->count(p.id) || names_unknown_file(ctx, p, cache, stored, in);
    std::string etag = cache.folder_etag;
    if (u.checked) {
        auto folder = co_await webdav::async_list(ctx.client, base, service_user, p.folder, 0);
        if (!folder || folder->empty() || !folder->front().etag) {
            out.errors.push_back(p.id + ": " +
                                 (folder ? std::string("no ETag for ") + p.folder : folder.error().message()));
            co_return out;
        }
        etag = *folder->front().etag;
    }
    // The stored ETag lets a restarted daemon keep the short-cut.
    if (cache.folder_etag.empty())
        if (auto row = st.project(p.id)) cache.folder_etag = row->folder_etag.value_or("");
    // Tagging changes no ETag: a tag-scoped project lists its folder again at each refresh.
    const bool refresh_due = !cache.loaded || cache.cycles_since_refresh + 1 >= ctx.refresh_every;
    const bool changed =
        u.checked && (cache.folder_etag != etag || (p.pre_reads == scheduler::pre_read_scope::tag && refresh_due));
    std::set<std::int64_t> commented_files;
    if (changed) {
        auto listing = co_await async_list_tree(ctx, p, cache);
        if (!listing) {
            out.errors.push_back(p.id + ": " + listing.error().message());
            co_return out;
        }
        const std::string href = folder_href(ctx.config, p.folder);
        u.diff = diff_documents(stored, *listing, href);
        u.documents = documents_of(*listing, href);
        u.folder_etag = etag;
        // The cross-check of the activity stream: a comment count that grew
        // (or is not known yet) has its comments read, whatever the stream said.
        for (const auto& e : *listing) {
            if (e.collection || !e.file_id || !e.comments_count) continue;
            auto& known = cache.comment_counts[*e.file_id];
            if (*e.comments_count > known) commented_files.insert(*e.file_id);
            known = *e.comments_count;
        }
    }
    if (!changed) u.documents = stored;
    const auto today = date::year_month_day{date::floor<date::days>(date::sys_seconds{std::chrono::seconds(in.now)})};
    if (u.checked && (changed || !cache.loaded || ++cache.cycles_since_refresh >= ctx.refresh_every)) {
        if (auto failed = co_await async_refresh(ctx, p, cache, today)) {
            out.errors.push_back(p.id + ": " + *failed);
            co_return out;
        }
    }
    cache.folder_etag = etag;
    u.participants = cache.participants;

    const auto view = view_of(ctx, p, cache, u.documents);
    auto is_member = [&](const std::string& user, const std::string& group) { return member_of(cache, user, group); };

    for (const auto& logged : *in.reads) {
        if (logged.glance.user == service_user) continue;
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
        u.engagements.push_back({p.id, r->user, m.file_id,
                                 r->kind == access_kind::synced ? store::engagement_kind::synced
                                                                : store::engagement_kind::opened,
                                 at, "audit_log"});
    }
    for (const auto& a : in.activities) {
        const bool ours = std::any_of(u.documents.begin(), u.documents.end(),
                                      [&](const auto& d) { return d.file_id == a.object_id; });
        if (!ours || a.user.empty() || a.user == service_user) continue;
        if (a.type == "comments") commented_files.insert(a.object_id);
        if (a.type == "file_changed")
            u.engagements.push_back({p.id, a.user, a.object_id, store::engagement_kind::edited,
                                     a.datetime ? a.datetime->time_since_epoch().count() : in.now, "activity"});
    }
    for (auto file : commented_files) {
        auto comments = co_await webdav::async_comments(ctx.client, base, file);
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
    std::vector<std::string> people;
    for (const auto& [user, source] : u.participants) people.push_back(user);
    u.problems = check_access(view, people, is_member, today);
    for (const auto& g : cache.unexpandable_groups)
        u.problems.push_back({"(group)", 0, access_problem::kind::no_share,
                              "group " + g + " cannot be expanded: make the service account a sub-admin of it"});
    out.update = std::move(u);
    co_return out;
}

void apply(store::state& st, const project_update& u, std::int64_t now, cycle_report& report)
{
    const auto& id = u.project->id;  // its row is written by the caller
    if (u.folder_etag) {
        st.set_folder_etag(id, *u.folder_etag);
        for (const auto& d : u.diff.added) st.upsert_document(id, {d.file_id, d.path, d.etag, now, d.tags});
        for (const auto& d : u.diff.changed) st.upsert_document(id, {d.file_id, d.path, d.etag, now, d.tags});
        for (const auto& [before, after] : u.diff.moved)
            st.upsert_document(id, {after.file_id, after.path, after.etag, now, after.tags});
        for (const auto& d : u.diff.removed) st.mark_document_removed(id, d.file_id, now);
    }
    // Only who joined, left or came by another way is written: most cycles change nobody.
    std::map<std::string, std::string> stored;
    for (auto& known : st.participants(id)) stored.emplace(std::move(known.user_id), std::move(known.source));
    for (const auto& [user, source] : stored)
        if (!u.participants.count(user)) st.mark_participant_removed(id, user, now);
    for (const auto& [user, source] : u.participants)
        if (auto it = stored.find(user); it == stored.end() || it->second != source)
            st.upsert_participant(id, {user, source}, now);
    for (const auto& e : u.engagements)
        if (st.record(e)) ++report.engagements_recorded;
    for (const auto& r : u.unmapped) st.record_unmapped_read(id, r);
    report.unmapped_reads += u.unmapped.size();
    std::set<std::tuple<std::string, std::int64_t, std::string>> current;
    for (const auto& pr : u.problems) {
        current.insert({pr.user, pr.file_id, to_string(pr.what)});
        if (st.record_problem(id, {pr.user, pr.file_id, to_string(pr.what), pr.detail, now}))
            report.new_problems.emplace_back(id, pr);
    }
    // Deck membership problems belong to the reminder pass, which resolves them itself.
    for (const auto& open : st.open_problems(id))
        if (!open.problem.starts_with("deck_") && !current.count({open.user_id, open.file_id, open.problem}))
            st.resolve_problem(id, open, now);
    if (u.checked) st.set_last_cycle(id, now);
}

// A silent audit log while the Activity stream shows downloads: Nextcloud's
// log level is dropping the audit lines (audit_silence.hpp).
void watch_the_audit_log(const cycle_context& ctx, store::state& st, bool grew, const cycle_input& in,
                         cycle_report& report)
{
    std::int64_t downloads = 0;
    for (const auto& a : in.activities) downloads += a.type == "file_downloaded" || a.type == "public_links";
    const auto before = parse_audit_silence(st.cursor("audit_log_silence").value_or("")).value_or(audit_silence{});
    const auto step = watch_audit_silence(before, grew, downloads, in.now, ctx.audit_quiet_for);
    if (step.next != before) st.set_cursor("audit_log_silence", to_string(step.next));
    if (step.warn_now) {
        const auto warning = audit_silence_warning(ctx.audit->path(), step.next);
        st.set_cursor(audit_warning_cursor, warning);
        report.warnings.push_back(warning);
    }
    if (step.cleared) st.set_cursor(audit_warning_cursor, "");
}

}  // namespace

boost::asio::awaitable<cycle_report> async_poll_cycle(cycle_context& ctx)
{
    cycle_report report;
    const auto& base = ctx.config.global.nextcloud.base;
    store::state st(ctx.db);
    cycle_input in;
    in.now = ctx.now();

    // 1. One activity request for all projects (304 when nothing is new).
    std::int64_t activity_cursor = 0;
    if (auto c = st.cursor("activity")) std::from_chars(c->data(), c->data() + c->size(), activity_cursor);
    {
        auto page = co_await ocs::async_activities(ctx.client, base, activity_cursor);
        if (!page) {
            report.errors.push_back("activity: " + page.error().message());
        } else if (!page->not_modified) {
            in.activities = std::move(page->items);
            if (page->last_given) activity_cursor = std::max(activity_cursor, *page->last_given);
        }
    }

    // 2. New lines of the audit log.
    if (ctx.audit) {
        if (!ctx.pending_from) ctx.pending_from = ctx.audit->position();
        auto batch = ctx.audit->read_new();
        ctx.audit_grew = ctx.audit_grew || !batch.lines.empty();
        for (auto& line : batch.lines)
            if (auto a = glance_at_audit_line(line)) ctx.pending_reads.push_back({std::move(*a), std::move(line)});
    }
    in.reads = &ctx.pending_reads;

    // 3. The projects, as many at once as there are connections to use.
    const auto& projects = ctx.config.projects;
    for (const auto& p : projects) ctx.cache[p.id];  // map nodes stay put while the workers run
    std::vector<project_result> results(projects.size());
    std::size_t next = 0;
    // Stopped meanwhile (SIGTERM): no new work; nothing is written, so the next start reads the same input.
    if ((co_await boost::asio::this_coro::cancellation_state).cancelled() != boost::asio::cancellation_type::none) {
        report.errors.push_back("poll cycle cancelled");
        co_return report;
    }
    auto worker = [&]() -> boost::asio::awaitable<void> {
        while (next < projects.size()) {
            if ((co_await boost::asio::this_coro::cancellation_state).cancelled() != boost::asio::cancellation_type::none)
                co_return;
            const std::size_t i = next++;
            results[i] = co_await async_poll_project(ctx, projects[i], ctx.cache[projects[i].id], in);
        }
    };
    const std::size_t workers = std::clamp<std::size_t>(ctx.config.global.nextcloud.max_connections, 1,
                                                        std::max<std::size_t>(projects.size(), 1));
    auto executor = co_await boost::asio::this_coro::executor;
    using spawned = decltype(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
    std::vector<spawned> running;
    for (std::size_t w = 0; w < workers; ++w) running.push_back(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
    auto [order, failures] = co_await boost::asio::experimental::make_parallel_group(std::move(running))
                                 .async_wait(boost::asio::experimental::wait_for_all(), boost::asio::use_awaitable);
    for (const auto& failure : failures)
        if (failure) std::rethrow_exception(failure);  // a programming error, not a Nextcloud failure

    // 4. Everything in one transaction, cursors included.
    store::transaction tx(ctx.db);
    if ((co_await boost::asio::this_coro::cancellation_state).cancelled() != boost::asio::cancellation_type::none) {
        report.errors.push_back("poll cycle cancelled");
        co_return report;
    }
    for (std::size_t i = 0; i < results.size(); ++i) {
        auto& r = results[i];
        report.errors.insert(report.errors.end(), r.errors.begin(), r.errors.end());
        // The state says why a project is not being polled, for `prereadd status`.
        st.upsert_project(projects[i].id, projects[i].folder);
        st.set_project_error(projects[i].id, r.errors.empty() ? std::nullopt : std::optional(r.errors.front()), in.now);
        if (!r.update) continue;
        apply(st, *r.update, in.now, report);
        ++report.projects_ok;
        if (r.errors.empty() && r.update->checked) report.polled.push_back(r.update->project->id);
    }
    // Cursors move only when every project took what they cover: a project that
    // could not be polled gets the same activity and reads again next cycle.
    const bool complete = report.projects_ok == projects.size() && report.errors.empty();
    if (complete) st.set_cursor("activity", std::to_string(activity_cursor));
    if (ctx.audit) {
        const auto pos = complete ? ctx.audit->position() : *ctx.pending_from;
        st.set_cursor("audit_log", to_string(pos));
        if (complete) watch_the_audit_log(ctx, st, std::exchange(ctx.audit_grew, false), in, report);
    }
    tx.commit();
    for (auto& r : results)
        if (r.update) ctx.cache[r.update->project->id].documents = std::move(r.update->documents);
    if (complete) {
        ctx.pending_reads.clear();
        ctx.pending_from.reset();
    }
    co_return report;
}

}  // namespace prereadd::daemon
