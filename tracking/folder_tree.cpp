// Listing a project's folder tree and refreshing who may read it (see
// project_poll.hpp).
#include "tracking/project_poll.hpp"

#include "ocs/api.hpp"
#include "ocs/talk.hpp"
#include "webdav/requests.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace prereadd::tracking::detail {

// The decoded href of the service account's files root, without a trailing slash.
std::string files_root_href(const config::configuration& c)
{
    return c.global.nextcloud.base.target + "/remote.php/dav/files/" + c.global.nextcloud.user;
}

std::string folder_href(const config::configuration& c, const std::string& folder)
{
    std::string href = files_root_href(c) + folder;
    if (href.back() != '/') href += '/';
    return href;
}

// A sub-folder whose ETag is the one of its last
// listing is not listed again: Nextcloud propagates ETags upwards, so nothing
// below it changed either, and its remembered listings are used.
boost::asio::awaitable<http::outcome<std::vector<webdav::file_entry>>> async_list_tree(cycle_context& ctx,
                                                                                       const config::project_config& p,
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
            const bool descend = e.collection && depth + 1 <= ctx.tuning.max_folder_depth;
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
    return it != cache.groups.end() && std::find(it->second->begin(), it->second->end(), user) != it->second->end();
}

// Shares, group members and the participant list: at the first cycle and
// every `refresh_every` cycles (`files_only` false); when files were added or
// moved in, only the files' shares (a file may come shared on its own), the
// folder's shares, Talk's members and the known groups' members as they were.
boost::asio::awaitable<std::optional<std::string>> async_refresh(cycle_context& ctx, const config::project_config& p,
                                                                 project_cache& cache, date::year_month_day today,
                                                                 bool files_only)
{
    const auto& base = ctx.config.global.nextcloud.base;
    std::vector<ocs::share> shares;
    std::vector<ocs::share> folder_shares = files_only ? cache.folder_shares : std::vector<ocs::share>{};
    if (!p.folder.empty()) {  // a project of a Moodle course only has no folder to share
        if (!files_only) {
            auto asked = co_await ocs::async_shares(ctx.client, base, p.folder, false);
            if (!asked) co_return "shares of " + p.folder + ": " + asked.error().message();
            folder_shares = std::move(*asked);
        }
        auto file_shares = co_await ocs::async_shares(ctx.client, base, p.folder, true);
        if (!file_shares) co_return "shares in " + p.folder + ": " + file_shares.error().message();
        shares = folder_shares;
        shares.insert(shares.end(), file_shares->begin(), file_shares->end());
    }
    // Nextcloud deletes a share once it has expired, so it vanishes from the
    // listing; one seen before with a past expiration date is kept, so the
    // facilitator hears "expired" rather than "not shared".
    for (const auto& old : cache.shares)
        if (old.expiration && *old.expiration < today &&
            std::none_of(shares.begin(), shares.end(), [&](const auto& s) { return s.id == old.id; }))
            shares.push_back(old);

    // Where each participant comes from; the first source named wins, in the
    // order an admin would look for it: configured, configured group, Talk, share.
    participant_map participants;
    for (const auto& u : p.participants.users) participants.emplace(u, store::participant_source::config);
    if (files_only) {
        for (const auto& [user, source] : *cache.participants)
            if (source == store::participant_source::talk) participants.emplace(user, source);
    } else if (p.participants.from_talk && p.talk) {
        auto members = co_await ocs::async_talk_participants(ctx.client, base, p.talk->conversation);
        if (!members) co_return members.error().message();
        for (const auto& u : ocs::talk_users(*members)) participants.emplace(u, store::participant_source::talk);
    }

    // Every group a participant may come from or a share may reach them through.
    std::set<std::string> groups(p.participants.groups.begin(), p.participants.groups.end());
    for (const auto& s : shares) {
        if (s.type == ocs::share_with_group) groups.insert(s.share_with);
        if (s.type == ocs::share_with_user && p.participants.from_shares)
            participants.emplace(s.share_with, store::participant_source::share);
    }
    std::map<std::string, shared_members> members_of;
    std::vector<std::string> unexpandable;
    for (const auto& g : groups) {
        if (auto known = cache.groups.find(g); files_only && known != cache.groups.end()) {
            members_of[g] = known->second;
            continue;
        }
        if (auto read = ctx.memory.groups_this_cycle.find(g); read != ctx.memory.groups_this_cycle.end()) {
            members_of[g] = read->second;
            continue;
        }
        auto members = co_await ocs::async_group_members(ctx.client, base, g);
        if (!members) {
            // A group that cannot be expanded is a reported problem, not an empty set.
            unexpandable.push_back(g + " (" + members.error().message() + ")");
            continue;
        }
        auto shared = std::make_shared<const std::vector<std::string>>(std::move(*members));
        ctx.memory.groups_this_cycle[g] = shared;
        members_of[g] = std::move(shared);
    }
    for (const auto& g : p.participants.groups)
        if (auto it = members_of.find(g); it != members_of.end())
            for (const auto& u : *it->second) participants.emplace(u, store::participant_source::group);
    if (p.participants.from_shares)
        for (const auto& s : shares)
            if (auto it = members_of.find(s.share_with); s.type == ocs::share_with_group && it != members_of.end())
                for (const auto& u : *it->second) participants.emplace(u, store::participant_source::share);
    participants.erase(ctx.config.global.nextcloud.user);

    cache.shares = std::move(shares);
    cache.folder_shares = std::move(folder_shares);
    cache.groups = std::move(members_of);
    if (!files_only) cache.unexpandable_groups = std::move(unexpandable);
    // An unchanged set keeps its map, so the cycle knows the store has it already.
    if (participants != *cache.participants)
        cache.participants = std::make_shared<const participant_map>(std::move(participants));
    if (!files_only) cache.cycles_since_refresh = 0;
    cache.loaded = true;
    co_return std::nullopt;
}

}  // namespace prereadd::tracking::detail
