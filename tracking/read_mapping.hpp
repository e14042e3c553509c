// Which pre-read a read in the audit log was of. Newer servers name the file
// id; Nextcloud 29 only gives the path in the reader's own view, which is
// mapped back through the reader's share mounts (file_target) into the
// project folder. When that is not unambiguous, the read is kept as such
// rather than guessed. Pure logic.
#pragma once

#include "tracking/audit_line.hpp"
#include "ocs/envelope.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace prereadd::tracking {

struct pre_read {
    std::int64_t file_id = 0;
    std::string path;  // inside the project folder: "agenda.md", "session-2/slides.pdf"
};

struct project_view {
    std::string owner;   // the service account, owner of the folder
    std::string folder;  // in the owner's view: "/Projects/Alpha"
    std::vector<pre_read> pre_reads;
    std::vector<ocs::share> shares;  // of the folder and of files in it, as the owner sees them
};

struct read_mapping {
    enum class outcome {
        pre_read,  // `file_id` is the document read
        not_a_pre_read,
        unknown_document,  // inside the project folder, but no pre-read known: the folder changed since its listing
        ambiguous,         // several documents fit; `reason` says why
    };
    outcome result = outcome::not_a_pre_read;
    std::int64_t file_id = 0;
    std::string reason;
};

using group_membership = std::function<bool(const std::string& user, const std::string& group)>;

read_mapping map_read(const file_access& read, const project_view& project, const group_membership& is_member);

}  // namespace prereadd::tracking
