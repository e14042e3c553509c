// Can every participant open every pre-read? A share to them or to one of
// their groups must cover the file (the file itself or a folder above it),
// not be expired, and allow reading. Pure logic over the owner's share list.
#pragma once

#include "tracking/read_mapping.hpp"

#include <date/date.h>

#include <string>
#include <vector>

namespace prereadd::tracking {

struct access_problem {
    // moodle_untracked: a Moodle module whose completion cannot say who opened it.
    enum class kind { no_share, share_expired, no_read_permission, moodle_untracked };
    std::string user;
    std::int64_t file_id = 0;
    kind what = kind::no_share;
    std::string detail;  // for the facilitator: which document, since when

    auto operator<=>(const access_problem&) const = default;
};

const char* to_string(access_problem::kind k) noexcept;

// `today` in the server's time: a share expires at the end of its expiration day.
std::vector<access_problem> check_access(const project_view& project, const std::vector<std::string>& participants,
                                         const group_membership& is_member, date::year_month_day today);

}  // namespace prereadd::tracking
