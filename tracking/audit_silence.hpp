// An audit log that stays silent while people read: Nextcloud's admin_audit
// logger writes its lines at level 1 through the server's own log threshold,
// so with the common 'loglevel' => 2 the file exists and stays empty (captures
// README, last section) and nobody is ever seen opening anything. When the log
// has not grown for a long time while the Activity stream reports downloads of
// shared files, prereadd says so, with the fix. Pure logic; the poll cycle
// feeds it and keeps its state in the cursors table.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace prereadd::tracking {

struct audit_silence {
    std::int64_t last_growth = 0;      // when the log last grew (unix seconds; 0: not watched yet)
    std::int64_t downloads_since = 0;  // downloads the Activity stream reported since then
    bool warned = false;               // the warning is out (logged once, shown by status)
    auto operator<=>(const audit_silence&) const = default;
};

// "last_growth:downloads_since:warned", as kept in the cursors table.
std::string to_string(const audit_silence& s);
std::optional<audit_silence> parse_audit_silence(std::string_view text);

struct audit_silence_step {
    audit_silence next;
    bool warn_now = false;  // became silent this cycle: log the warning (once)
    bool cleared = false;   // was silent, grew again
};

// One cycle: did the log grow, how many downloads (files_downloadactivity's
// file_downloaded, public link downloads) the Activity stream reported.
audit_silence_step watch_audit_silence(audit_silence s, bool grew, std::int64_t downloads_seen, std::int64_t now,
                                       std::chrono::seconds quiet_for);

// The warning an admin reads, naming the cause and both fixes.
std::string audit_silence_warning(std::string_view log, const audit_silence& s);

}  // namespace prereadd::tracking
