// Where the admin_audit lines come from, as Nextcloud's `log_type_audit`
// puts them: one file, several files (one per web node of a cluster, on a
// shared mount or shipped), a syslog file (a "<time> <host> <tag>[<pid>]: "
// prefix before each JSON line), or the systemd journal. Each source keeps
// its own position, saved as one text in the state database with the
// engagements it produced, so no line is lost or counted twice across
// restarts. The same request seen twice (one line in two places) is dropped
// by the poll cycle (same reqId and message).
#pragma once

#include "config/configuration.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::tracking {

class audit_source {
public:
    virtual ~audit_source() = default;

    // The JSON lines written since the last call (prefixes taken off, lines
    // of other programs left out), at most about `max_bytes`.
    virtual std::vector<std::string> read_lines(std::size_t max_bytes = 8 * 1024 * 1024) = 0;
    // Where the next read starts: persist it with what the lines produced.
    virtual std::string saved_position() const = 0;
    // For warnings, `prereadd doctor` and the log: what is read.
    virtual std::string name() const = 0;
    // Bytes written and not read yet (the lag metric); 0 where unknown.
    virtual std::uint64_t unread_bytes() const = 0;
};

// The source the configuration names, resuming at `saved` (a saved_position()
// of the same kind of source; anything else starts from the beginning).
// Throws std::runtime_error when the journal cannot be opened at all.
std::unique_ptr<audit_source> open_audit_source(const config::audit_config& c, std::string_view saved);

// The same source from its current end: only what is written from now on
// (`prereadd doctor`'s probe). Files that do not exist are followed from
// their start once they appear.
std::unique_ptr<audit_source> open_audit_source_at_end(const config::audit_config& c);

// The JSON part of a syslog line written for `tag` ("Nov 30 09:28:33 web1
// Nextcloud[812]: {...}", or RFC 5424/ISO time stamps), or nothing when the
// line is another program's.
std::optional<std::string_view> syslog_json(std::string_view line, std::string_view tag);

}  // namespace prereadd::tracking
