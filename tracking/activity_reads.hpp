// Reads of shared files as files_downloadactivity reports them to their
// owner, the service account: the second source of "opened", the one that
// needs no access to any log (docs/opened.md, "The activity signal").
// Pure logic.
#pragma once

#include "ocs/envelope.hpp"
#include "tracking/audit_line.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::tracking {

struct activity_read {
    std::string user;
    std::int64_t file_id = 0;
    access_kind kind = access_kind::opened;  // opened (browser, mobile app) or synced (desktop client)
    std::int64_t at = 0;                     // unix seconds; the entry's time
};

// Every (reader, file) a `file_downloaded` entry names: an entry groups one
// reader's files ({file1}, {file2}: Nextcloud 29) or several reads of one
// file ({actor1}: 34). Anything else gives nothing. `now` stands in for an
// entry without a time.
std::vector<activity_read> reads_of(const ocs::activity& a, std::int64_t now);

// Whether a files_downloadactivity subject template says "via the desktop
// client", in any language the app has (desktop_downloads.cpp).
bool is_desktop_download(std::string_view subject_template);

// How the daemon weighs this source against the audit log.
enum class activity_signal {
    counts,   // no audit log is configured: the activity reports are the reads
    covers,   // an audit log is configured but silent: it cannot see the reads, the activity stands in
    ignored,  // a live audit log decides; it tells a preview from a read, the activity does not
};

activity_signal weigh_activity(bool audit_configured, bool audit_silent);

}  // namespace prereadd::tracking
