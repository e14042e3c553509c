// Project folders watched through their common parent. Nextcloud gives a
// folder a new ETag whenever anything below it changes (a file added,
// changed, renamed or deleted, by its owner or through a share; a share
// mounted below it, received or taken away: captures-34 10c2a/10c2b,
// lib/private/Files/FileInfo.php), so one PROPFIND Depth 0 on /Projects says
// whether any of the project folders in it changed, and one Depth 1 on it
// which. An idle interval then costs one request per parent folder instead of
// one per project (docs/scaling.md).
//
// What no ETag shows — shares and group members, collaborative tags — is
// still read at the slow full check: every `refresh_every` turns each
// project folder is asked directly and its shares are read again, as before.
#pragma once

#include "config/configuration.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace prereadd::tracking {

// Projects whose folders have the same parent, watched through it. Only
// parents of two or more projects: for one project its own folder is as cheap.
struct ancestor_group {
    std::string folder;                 // "/Projects", or "/" for folders in the files root
    std::vector<std::string> projects;  // ids, in the configuration's order
};

// "/Projects/Alpha" -> "/Projects", "/Alpha" -> "/"; a trailing slash is ignored.
std::string parent_folder(const std::string& folder);

std::vector<ancestor_group> ancestor_groups(const std::vector<config::project_config>& projects);

// What the watch keeps of one parent folder between cycles (in memory: a
// restart begins with a full check).
struct ancestor_memory {
    std::string etag;    // as asked at the start of the last written cycle
    unsigned turns = 0;  // since the last full check
};

// What one group's turn needs, before any request.
enum class ancestor_step {
    full_check,  // every project folder directly, shares again; the parent's ETag noted first
    ask_parent,  // the parent's ETag, then (if it changed) its Depth 1 listing
};
ancestor_step decide_ancestor_step(const ancestor_memory& memory, unsigned refresh_every);

// What the watch found in one cycle, for the projects' share of it.
struct ancestor_findings {
    std::set<std::string> unchanged;                  // project folders known unchanged: not asked
    std::map<std::string, std::string> listed_etags;  // project -> its folder's ETag from the parent's listing
    std::set<std::string> full_checks;                // projects whose full check it is
    // The parents' new ETags, kept once the cycle is written; a project that
    // failed in it is asked directly until it succeeds (poll_memory::failing).
    std::map<std::string, std::string> pending_etags;
};

}  // namespace prereadd::tracking
