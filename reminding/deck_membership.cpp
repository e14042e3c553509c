// Deciding who to make a member of a Deck board (see deck_membership.hpp).
#include "reminding/deck_membership.hpp"

#include <algorithm>

namespace prereadd::reminding {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

bool shared_with(const std::vector<ocs::deck_acl_entry>& acl, int type, const std::string& participant)
{
    return std::any_of(acl.begin(), acl.end(),
                       [&](const auto& e) { return e.type == type && e.participant == participant; });
}

}  // namespace

deck_membership_plan decide_deck_membership(const deck_membership_input& in)
{
    deck_membership_plan plan;
    std::vector<std::string> outside;
    for (const auto& user : in.to_assign) (contains(in.members, user) ? plan.assign : outside).push_back(user);
    if (outside.empty()) return plan;

    const std::string board = "Deck board " + std::to_string(in.board);
    if (!in.sharing_wanted) {
        plan.unreachable = outside;
        plan.why = "not a member of " + board + " (sharing the board is turned off: deck.share_with_participants)";
        return plan;
    }
    if (!in.may_share || in.share_refused) {
        plan.unreachable = outside;
        plan.why = "not a member of " + board + " (the service account may not share the board)";
        return plan;
    }
    for (const auto& group : in.participant_groups)
        if (!shared_with(in.acl, 1, group)) plan.share_groups.push_back(group);
    if (!plan.share_groups.empty()) return plan;  // the board is read again before anyone else is shared with
    for (const auto& user : outside) {
        if (shared_with(in.acl, 0, user))
            plan.unreachable.push_back(user);  // shared, yet no member: no such user
        else
            plan.share_users.push_back(user);
    }
    if (!plan.unreachable.empty())
        plan.why = "not a member of " + board + " although it is shared with them (no such user?)";
    return plan;
}

}  // namespace prereadd::reminding
