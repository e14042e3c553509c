// Mapping audit log reads to pre-reads (see read_mapping.hpp).
#include "tracking/read_mapping.hpp"

#include <algorithm>
#include <set>

namespace prereadd::tracking {
namespace {

// `path` inside `base` ("/Projects/Alpha"), or nothing.
std::optional<std::string> inside(const std::string& path, const std::string& base)
{
    if (path.size() <= base.size() + 1 || path.compare(0, base.size(), base) != 0 || path[base.size()] != '/')
        return std::nullopt;
    return path.substr(base.size() + 1);
}

// The paths inside the project folder a path in the reader's view can be.
std::set<std::string> candidate_paths(const file_access& read, const project_view& project,
                                      const group_membership& is_member)
{
    std::set<std::string> candidates;
    if (read.user == project.owner)
        if (auto rel = inside(read.path, project.folder)) candidates.insert(*rel);
    for (const auto& s : project.shares) {
        const bool to_reader = (s.type == ocs::share_with_user && s.share_with == read.user) ||
                               (s.type == ocs::share_with_group && is_member(read.user, s.share_with));
        if (!to_reader || s.file_target.empty()) continue;
        std::string owner_path;
        if (read.path == s.file_target)
            owner_path = s.path;
        else if (auto rest = inside(read.path, s.file_target))
            owner_path = s.path + "/" + *rest;
        else
            continue;
        if (auto rel = inside(owner_path, project.folder)) candidates.insert(*rel);
    }
    return candidates;
}

}  // namespace

read_mapping map_read(const file_access& read, const project_view& project, const group_membership& is_member)
{
    read_mapping out;
    // Every way the reader's path can lead into the project folder. A
    // storage-internal path does not say whose storage it is: only the id maps it.
    std::set<std::string> candidates;
    if (read.view == path_view::reader) candidates = candidate_paths(read, project, is_member);
    if (read.file_id) {
        for (const auto& d : project.pre_reads)
            if (d.file_id == *read.file_id) {
                out.result = read_mapping::outcome::pre_read;
                out.file_id = d.file_id;
            }
        if (out.result != read_mapping::outcome::pre_read &&
            (!candidates.empty() || (read.view == path_view::storage && inside(read.path, project.folder))))
            out.result = read_mapping::outcome::unknown_document;
        return out;
    }

    std::set<std::int64_t> files;
    for (const auto& rel : candidates)
        for (const auto& d : project.pre_reads)
            if (d.path == rel) files.insert(d.file_id);
    if (files.size() == 1) {
        out.result = read_mapping::outcome::pre_read;
        out.file_id = *files.begin();
    } else if (files.size() > 1) {
        out.result = read_mapping::outcome::ambiguous;
        out.reason = "\"" + read.path + "\" read by " + read.user + " fits " + std::to_string(files.size()) +
                     " pre-reads through different shares";
    } else if (!candidates.empty()) {
        out.result = read_mapping::outcome::unknown_document;
    }
    return out;
}

}  // namespace prereadd::tracking
