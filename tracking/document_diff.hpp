// What changed in a project folder between two listings: pre-reads added,
// changed (new ETag), moved or renamed (same file id, new path) and removed.
// Pure logic; the poll cycle feeds it only when the folder's ETag changed.
#pragma once

#include "tracking/read_mapping.hpp"
#include "webdav/multistatus.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prereadd::tracking {

struct known_document {
    std::int64_t file_id = 0;
    std::string path;  // inside the project folder
    std::string etag;
    std::vector<std::string> tags{};  // collaborative tags, sorted
};

struct document_diff {
    std::vector<known_document> added;
    std::vector<known_document> changed;
    std::vector<std::pair<known_document, known_document>> moved;  // before, after
    std::vector<known_document> removed;

    bool empty() const { return added.empty() && changed.empty() && moved.empty() && removed.empty(); }
};

// `folder_href` is the decoded href of the project folder itself
// ("/remote.php/dav/files/preread/Projects/Alpha/"); entries outside it and
// folders are not documents.
document_diff diff_documents(const std::vector<known_document>& before, const std::vector<webdav::file_entry>& listing,
                             const std::string& folder_href);

// The documents a listing holds, paths relative to the folder.
std::vector<known_document> documents_of(const std::vector<webdav::file_entry>& listing,
                                         const std::string& folder_href);

}  // namespace prereadd::tracking
