// The back-off and the maintenance watch, and their words (see away_watch.hpp).
#include "daemon/away_watch.hpp"

#include "daemon/log.hpp"

#include <systemd/sd-daemon.h>

namespace prereadd::daemon {
namespace {

void notify(const std::string& state) { sd_notify(0, state.c_str()); }

}  // namespace

away_watch::away_watch(const run_tuning& tuning)
    : tuning_(tuning), rest_(tuning.rest_base, tuning.rest_max, tuning.retry_after_cap)
{
}

std::optional<std::chrono::system_clock::time_point> away_watch::after_pass(std::chrono::system_clock::time_point wake,
                                                                            const reminding::reminder_report& sent)
{
    const auto rest = rest_.end_pass();
    if (rest == std::chrono::seconds::zero()) {
        if (watching_maintenance_) {
            // The pass went through: maintenance ended between two looks at status.php.
            watching_maintenance_ = false;
            log(priority::notice, "Nextcloud left maintenance mode: resuming now");
        }
        return std::nullopt;
    }
    // Turned away: leave Nextcloud alone for a while, however soon the next turn or message.
    const auto now = std::chrono::system_clock::now();
    std::optional<std::chrono::system_clock::time_point> deadline;
    if (sent.open_deadline) deadline = std::chrono::system_clock::time_point(*sent.open_deadline);
    wake = next_attempt(now, wake, rest, sent.undelivered > 0, deadline, tuning_.deadline_margin);
    if (rest_.in_maintenance()) {
        // No back-off to tell: status.php is watched, and the next pass comes when maintenance ends.
        say_maintenance();
        return wake;
    }
    const auto in = std::chrono::duration_cast<std::chrono::seconds>(wake - now).count();
    log(priority::warning, "Nextcloud unavailable (" + rest_.reason() + "): next attempt in " + std::to_string(in) +
                               " s (" + std::to_string(rest_.failed_passes()) + " pass(es) in a row" +
                               (in < rest.count() ? ", sooner than the back-off for a message still due" : "") + ")");
    notify("STATUS=Nextcloud unavailable (" + rest_.reason() + "), next attempt in " + std::to_string(in) + " s");
    return wake;
}

std::chrono::system_clock::duration away_watch::still_in_maintenance()
{
    say_maintenance();
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return std::chrono::duration_cast<std::chrono::system_clock::duration>(tuning_.maintenance_watch * jitter(random_));
}

bool away_watch::maintenance_over()
{
    if (!watching_maintenance_) return false;
    watching_maintenance_ = false;
    log(priority::notice, "Nextcloud left maintenance mode: resuming now");
    notify("STATUS=Nextcloud left maintenance mode, resuming");
    return true;
}

void away_watch::say_maintenance()
{
    // Once per maintenance, not at every pass that tries in between.
    if (!watching_maintenance_) {
        const auto every = std::chrono::duration_cast<std::chrono::seconds>(tuning_.maintenance_watch).count();
        log(priority::notice, "Nextcloud is in maintenance mode: waiting for it to end (status.php asked every " +
                                  std::to_string(std::max<long long>(every, 1)) + " s), then resuming at once");
        watching_maintenance_ = true;
    }
    notify("STATUS=Nextcloud is in maintenance mode, waiting for it to end");
}

}  // namespace prereadd::daemon
