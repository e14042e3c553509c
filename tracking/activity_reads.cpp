// files_downloadactivity entries as reads (see activity_reads.hpp).
#include "tracking/activity_reads.hpp"

#include <algorithm>

namespace prereadd::tracking {

std::vector<activity_read> reads_of(const ocs::activity& a, std::int64_t now)
{
    std::vector<activity_read> out;
    if (a.type != "file_downloaded") return out;
    // The app's subject names the client in the reader's language (the
    // service account's): its sentence in every language the app ships.
    const auto kind = is_desktop_download(a.subject_template) ? access_kind::synced : access_kind::opened;
    const auto at = a.datetime ? a.datetime->time_since_epoch().count() : now;
    std::vector<std::string> readers = a.rich_actors;
    if (readers.empty() && !a.user.empty()) readers.push_back(a.user);
    std::vector<std::int64_t> files = a.rich_files;
    if (files.empty() && a.object_id != 0) files.push_back(a.object_id);
    for (const auto& user : readers)
        for (auto file : files) {
            const bool seen =
                std::any_of(out.begin(), out.end(), [&](const auto& r) { return r.user == user && r.file_id == file; });
            if (!seen) out.push_back({user, file, kind, at});
        }
    return out;
}

activity_signal weigh_activity(bool audit_configured, bool audit_silent)
{
    if (!audit_configured) return activity_signal::counts;
    return audit_silent ? activity_signal::covers : activity_signal::ignored;
}

}  // namespace prereadd::tracking
