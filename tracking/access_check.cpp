// The access check (see access_check.hpp): for each participant and pre-read,
// the best share that covers it decides; the most helpful reason is reported.
#include "tracking/access_check.hpp"

#include <sstream>

namespace prereadd::tracking {

const char* to_string(access_problem::kind k) noexcept
{
    switch (k) {
    case access_problem::kind::no_share: return "no_share";
    case access_problem::kind::share_expired: return "share_expired";
    case access_problem::kind::no_read_permission: return "no_read_permission";
    case access_problem::kind::moodle_untracked: return "moodle_untracked";
    }
    return "no_share";
}

std::vector<access_problem> check_access(const project_view& project, const std::vector<std::string>& participants,
                                         const group_membership& is_member, date::year_month_day today)
{
    std::vector<access_problem> problems;
    for (const auto& user : participants) {
        if (user == project.owner) continue;
        for (const auto& doc : project.pre_reads) {
            const std::string owner_path = project.folder + "/" + doc.path;
            bool readable = false;
            std::optional<access_problem> best;
            for (const auto& s : project.shares) {
                const bool to_user = (s.type == ocs::share_with_user && s.share_with == user) ||
                                     (s.type == ocs::share_with_group && is_member(user, s.share_with));
                const bool covers =
                    s.file_id == doc.file_id || owner_path == s.path || owner_path.starts_with(s.path + "/");
                if (!to_user || !covers) continue;
                if (s.expiration && *s.expiration < today) {
                    std::ostringstream detail;
                    detail << doc.path << ": the share to "
                           << (s.type == ocs::share_with_group ? "group " + s.share_with : user) << " expired on "
                           << *s.expiration;
                    best = access_problem{user, doc.file_id, access_problem::kind::share_expired, detail.str()};
                    continue;
                }
                if (!s.readable()) {
                    if (!best || best->what == access_problem::kind::no_share)
                        best = access_problem{user, doc.file_id, access_problem::kind::no_read_permission,
                                              doc.path + ": shared without read permission"};
                    continue;
                }
                readable = true;
                break;
            }
            if (readable) continue;
            problems.push_back(best.value_or(access_problem{user, doc.file_id, access_problem::kind::no_share,
                                                            doc.path + ": not shared with " + user}));
        }
    }
    return problems;
}

}  // namespace prereadd::tracking
