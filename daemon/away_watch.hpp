// While Nextcloud turns the daemon away: the back-off after such a pass
// (host_rest.hpp) and the maintenance watch, with what the log and systemd's
// status say about them: each said once per outage (run.cpp rests on them).
#pragma once

#include "daemon/host_rest.hpp"
#include "daemon/run.hpp"
#include "reminding/reminder_pass.hpp"

#include <chrono>
#include <optional>
#include <random>

namespace prereadd::daemon {

class away_watch {
public:
    explicit away_watch(const run_tuning& tuning);

    void observe(const http::exchange_record& r) { rest_.observe(r); }
    // So far in this pass: every request was turned away and none answered.
    bool turned_away() const { return rest_.turned_away(); }

    // At the end of a pass that would wake at `wake`: nothing when Nextcloud
    // answered (it says so if it was in maintenance); else when to try again,
    // having said why — a back-off, or, in maintenance, that status.php is watched.
    std::optional<std::chrono::system_clock::time_point> after_pass(std::chrono::system_clock::time_point wake,
                                                                    const reminding::reminder_report& sent);

    // While resting, status.php said maintenance: said once; when to look again (jittered).
    std::chrono::system_clock::duration still_in_maintenance();
    // While resting, status.php said no maintenance: true when that ends a maintenance (said).
    bool maintenance_over();

private:
    void say_maintenance();

    run_tuning tuning_;
    host_rest rest_;  // kept across reloads: a reload does not make Nextcloud available
    std::minstd_rand random_{std::random_device{}()};
    bool watching_maintenance_ = false;  // maintenance said, and its end not yet
};

}  // namespace prereadd::daemon
