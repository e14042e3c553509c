// When each project's folder is checked. Every project is checked once per
// poll interval, but not all at the same instant: each has its own turn
// within the interval, so Nextcloud sees a steady trickle of PROPFINDs rather
// than a burst of one per project at every interval. Pure logic.
//
// Turns are spread evenly by the projects' order (by id), then grouped into
// slots at least `min_slot` apart: each wake-up of the daemon also costs one
// activity request, so waking once per project would double the requests of
// an idle installation. With a 60 s interval there are at most 12 slots.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace prereadd::scheduler {

class poll_schedule {
public:
    using clock = std::chrono::steady_clock;

    // Every project is due at `start`: the daemon knows nothing about a
    // folder until it has listed it once.
    poll_schedule(std::vector<std::string> project_ids, std::chrono::seconds interval, clock::time_point start,
                  std::chrono::seconds min_slot = std::chrono::seconds(5));

    // Projects in one unit share a turn: those watched through their common
    // parent folder (tracking/ancestor_watch.hpp), whose one request answers
    // for all of them at once. Units, not projects, are spread over the interval.
    poll_schedule(std::vector<std::vector<std::string>> units, std::chrono::seconds interval, clock::time_point start,
                  std::chrono::seconds min_slot = std::chrono::seconds(5));

    // The projects whose turn has come by `now`, each then moved to its next
    // turn after `now`. A turn missed by more than an interval (a long cycle,
    // a suspended machine) is taken once, not once per missed interval.
    std::set<std::string> take_due(clock::time_point now);

    // The earliest next turn.
    clock::time_point next() const;

    // The offset of a project's turns from the start, in [0, interval).
    std::chrono::milliseconds offset_of(const std::string& project_id) const;

private:
    struct turn {
        std::chrono::milliseconds offset{0};
        clock::time_point next;
    };
    std::map<std::string, turn> turns_;
    std::chrono::milliseconds interval_;
    clock::time_point start_;
};

}  // namespace prereadd::scheduler
