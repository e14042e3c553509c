// The parent-folder watch (ancestor_watch.hpp) and its requests.
#include "tracking/ancestor_watch.hpp"

#include "tracking/project_poll.hpp"
#include "webdav/requests.hpp"

#include <algorithm>

namespace prereadd::tracking {

std::string parent_folder(const std::string& folder)
{
    std::string f = folder;
    while (f.size() > 1 && f.back() == '/') f.pop_back();
    const auto slash = f.rfind('/');
    if (slash == std::string::npos || slash == 0) return "/";
    return f.substr(0, slash);
}

std::vector<ancestor_group> ancestor_groups(const std::vector<config::project_config>& projects)
{
    std::map<std::string, std::vector<std::string>> by_parent;
    for (const auto& p : projects)
        if (!p.folder.empty()) by_parent[parent_folder(p.folder)].push_back(p.id);
    std::vector<ancestor_group> groups;
    for (auto& [folder, ids] : by_parent)
        if (ids.size() >= 2) groups.push_back({folder, std::move(ids)});
    return groups;
}

ancestor_step decide_ancestor_step(const ancestor_memory& memory, unsigned refresh_every)
{
    if (memory.etag.empty() || memory.turns + 1 >= std::max(refresh_every, 1u)) return ancestor_step::full_check;
    return ancestor_step::ask_parent;
}

namespace detail {

boost::asio::awaitable<ancestor_findings> async_watch_ancestors(cycle_context& ctx)
{
    ancestor_findings found;
    const auto& base = ctx.config.global.nextcloud.base;
    const auto& user = ctx.config.global.nextcloud.user;
    std::map<std::string, const config::project_config*> by_id;
    for (const auto& p : ctx.config.projects) by_id[p.id] = &p;
    for (const auto& group : ancestor_groups(ctx.config.projects)) {
        // The group shares one turn (daemon::turn_units); between turns nothing is asked.
        if (ctx.due && std::none_of(group.projects.begin(), group.projects.end(),
                                    [&](const auto& id) { return ctx.due->count(id); }))
            continue;
        if (std::none_of(group.projects.begin(), group.projects.end(), [&](const auto& id) { return ctx.holds(id); }))
            continue;
        auto& memory = ctx.memory.ancestors[group.folder];
        const auto step = decide_ancestor_step(memory, ctx.tuning.refresh_every);
        // A project never listed, or whose last poll failed, is asked directly
        // whatever its parent says: its folder's ETag is not one it took.
        auto vouched_for = [&](const std::string& id) {
            return (!ctx.due || ctx.due->count(id)) && ctx.memory.cache[id].loaded && !ctx.memory.failing.count(id);
        };
        // Asked first, also for a full check: a change after this answer is then seen next time.
        auto parent = co_await webdav::async_list(ctx.client, base, user, group.folder, 0, webdav::properties::etags);
        const bool parent_known = parent && !parent->empty() && parent->front().etag;
        if (step == ancestor_step::full_check) {
            found.full_checks.insert(group.projects.begin(), group.projects.end());
            memory.turns = 0;
            if (parent_known) found.pending_etags[group.folder] = *parent->front().etag;
            continue;
        }
        ++memory.turns;
        // The parent cannot be asked (gone, renamed, Nextcloud failing): each
        // project folder is asked directly, which reports what is wrong.
        if (!parent_known) continue;
        const auto& etag = *parent->front().etag;
        if (etag == memory.etag) {
            for (const auto& id : group.projects)
                if (vouched_for(id)) found.unchanged.insert(id);
            continue;
        }
        auto listing = co_await webdav::async_list(ctx.client, base, user, group.folder, 1, webdav::properties::etags);
        if (!listing) continue;
        std::map<std::string, std::string> etag_of;  // by decoded href
        for (const auto& e : *listing)
            if (e.collection && e.etag) etag_of[e.href] = *e.etag;
        for (const auto& id : group.projects) {
            auto it = etag_of.find(folder_href(ctx.config, by_id.at(id)->folder));
            if (it == etag_of.end()) continue;  // not in the listing: asked directly
            if (it->second == ctx.memory.cache[id].folder_etag && vouched_for(id))
                found.unchanged.insert(id);
            else
                found.listed_etags[id] = it->second;
        }
        found.pending_etags[group.folder] = etag;
    }
    co_return found;
}

}  // namespace detail
}  // namespace prereadd::tracking
