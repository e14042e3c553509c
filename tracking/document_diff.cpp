// Folder diffs by file id (see document_diff.hpp): ids survive renames and
// moves in Nextcloud, paths do not.
#include "tracking/document_diff.hpp"

#include <algorithm>
#include <map>

namespace prereadd::tracking {

std::vector<known_document> documents_of(const std::vector<webdav::file_entry>& listing, const std::string& folder_href)
{
    std::string base = folder_href;
    if (base.empty() || base.back() != '/') base += '/';
    std::vector<known_document> out;
    for (const auto& e : listing) {
        if (e.collection || !e.file_id || !e.href.starts_with(base) || e.href.size() == base.size()) continue;
        auto tags = e.system_tags;
        std::sort(tags.begin(), tags.end());
        out.push_back({*e.file_id, e.href.substr(base.size()), e.etag.value_or(""), std::move(tags)});
    }
    return out;
}

document_diff diff_documents(const std::vector<known_document>& before, const std::vector<webdav::file_entry>& listing,
                             const std::string& folder_href)
{
    document_diff diff;
    std::map<std::int64_t, known_document> old_by_id;
    for (const auto& d : before) old_by_id[d.file_id] = d;
    for (const auto& now : documents_of(listing, folder_href)) {
        auto it = old_by_id.find(now.file_id);
        if (it == old_by_id.end()) {
            diff.added.push_back(now);
            continue;
        }
        if (it->second.path != now.path) diff.moved.emplace_back(it->second, now);
        // Tagging changes no ETag in Nextcloud, so tags are compared on their own.
        if (it->second.etag != now.etag || it->second.tags != now.tags) diff.changed.push_back(now);
        old_by_id.erase(it);
    }
    for (const auto& [id, gone] : old_by_id) diff.removed.push_back(gone);
    return diff;
}

}  // namespace prereadd::tracking
