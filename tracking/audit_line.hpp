// Reading one admin_audit log line: which user read which file, and whether it
// was an open in a browser or app, a desktop client's sync, or just a preview.
// Pure functions; following the log file is done elsewhere.
#pragma once

#include <date/date.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prereadd::tracking {

enum class access_kind {
    opened,   // read in a browser or an app
    synced,   // downloaded by a desktop sync client: weaker than opened
    preview,  // a thumbnail or preview: not a read
};

// How a line's path is to be read (docs/opened.md has every line form).
enum class path_view {
    reader,   // in the reader's own view ("/Alpha/agenda.md"), the "/<reader>/files" prefix taken off
    storage,  // storage-internal without "files" (early 30.0): whose storage is not said
};

struct file_access {
    access_kind kind = access_kind::opened;
    std::string user;
    std::optional<std::int64_t> file_id;  // 30 and newer name it, unless it is "not-yet-assigned"
    std::string path;
    path_view view = path_view::reader;
    std::string request_id;
    std::string url;
    std::optional<date::sys_seconds> time;
};

// What a line is about, if anything the daemon uses. Lines about logins,
// writes, apps and anonymous (public link) reads give nothing, and most are
// refused before any JSON parsing. Garbage gives nothing too.
std::optional<file_access> read_audit_line(std::string_view line);

// Who read which file, from the line's "user" and "message" fields alone:
// what mapping a read to a pre-read needs, found without parsing the line
// (on a busy server nearly every read is of a file outside every project).
// `kind` says opened until the whole line is read with read_audit_line();
// the time and URL are left empty. Previews give nothing.
std::optional<file_access> glance_at_audit_line(std::string_view line);

// The user agent of a desktop sync client (mirall, Nextcloud desktop, rclone, davfs2...).
bool is_sync_client(std::string_view user_agent);

}  // namespace prereadd::tracking
