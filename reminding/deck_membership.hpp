// Deck assigns a card only to members of its board (capture 32a: 400 "The
// user is not part of the board"). Before assigning, prereadd makes the
// participants members (the board shared read-only, 32c) or, where it may not,
// tells the facilitators once. Pure decisions; update_deck in reminders.cpp acts on them.
#pragma once

#include "ocs/deck.hpp"

#include <string>
#include <vector>

namespace prereadd::reminding {

struct deck_membership_input {
    std::int64_t board = 0;
    std::vector<std::string> to_assign;           // wanted assignees not assigned yet
    std::vector<std::string> members;             // the board's members as last read
    std::vector<ocs::deck_acl_entry> acl;         // the board's sharing as last read
    std::vector<std::string> participant_groups;  // the project's configured groups
    bool sharing_wanted = true;                   // deck.share_with_participants
    bool may_share = false;                       // the service account's share permission on the board
    bool share_refused = false;                   // a share was refused (403) since the board was read
};

struct deck_membership_plan {
    std::vector<std::string> assign;        // members already: assign them
    std::vector<std::string> share_groups;  // share the board read-only with these groups, then read it again
    std::vector<std::string> share_users;   // ... or with these users
    std::vector<std::string> unreachable;   // not members and not to be made so
    std::string why;                        // why not, for the problem and the facilitators
};

// Groups first (one share covers everyone the project takes from that group,
// and those who join it later), then the users no group covered.
deck_membership_plan decide_deck_membership(const deck_membership_input& in);

// The access problem kind of a participant who cannot be assigned the card.
inline constexpr const char* deck_not_member = "deck_not_member";

}  // namespace prereadd::reminding
