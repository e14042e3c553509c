// The main loop (see run.hpp). One io_context on one thread: the signal
// handlers, the loop and the watchdog are coroutines on it, so no state here
// needs a lock.
#include "daemon/run.hpp"

#include "daemon/generation.hpp"
#include "daemon/away_watch.hpp"
#include "daemon/log.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/pass_outcome.hpp"
#include "daemon/shared_database.hpp"
#include "reminding/literal.hpp"
#include "store/sqlite_backend.hpp"
#include "tracking/poll_cycle.hpp"
#include "reminding/reminder_pass.hpp"
#include "daemon/service.hpp"
#include "ocs/api.hpp"
#include "scheduler/polling.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <ctime>
#include <memory>
#include <optional>

namespace prereadd::daemon {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

constexpr int exit_ok = 0;
constexpr int exit_config = 78;     // EX_CONFIG
constexpr int exit_cantcreat = 73;  // EX_CANTCREAT

void notify(const std::string& state) { sd_notify(0, state.c_str()); }

class service {
public:
    // `shared`: several daemons on one PostgreSQL database, whose store `store` is; null for SQLite.
    service(asio::io_context& io, std::filesystem::path config_file, config::configuration config,
            store::backend& store, shared_database* shared, const run_tuning& tuning)
        : io_(io),
          config_file_(std::move(config_file)),
          store_(store),
          shared_(shared),
          tuning_(tuning),
          away_(tuning),
          sleep_(io),
          stop_(io),
          signals_(io, SIGINT, SIGTERM, SIGHUP)
    {
        install(std::move(config));
    }

    // Starts the loopback metrics server when enabled; a taken address is a start-up failure.
    void start_metrics() { listen_for_metrics(current_->config.global.metrics); }

    asio::awaitable<void> main_loop()
    {
        notify("READY=1\nSTATUS=" + std::to_string(current_->config.projects.size()) +
               " project(s), first poll cycle running");
        log(priority::notice, "prereadd started: " + std::to_string(current_->config.projects.size()) +
                                  " project(s), polling every " +
                                  std::to_string(current_->config.global.poll_interval.count()) + " s");
        while (!stopping_) {
            stop_.expires_at(std::chrono::steady_clock::time_point::max());
            auto result = co_await (pass() || wait_for_stop());
            if (stopping_) break;
            const auto next = std::get<0>(result);
            if (reload_requested_) {
                reload();
                continue;  // a new configuration polls at once
            }
            if (next.nextcloud_away)
                co_await rest_until(next.wake);
            else
                co_await sleep_until(next.wake);
            if (reload_requested_ && !stopping_) reload();
        }
        notify("STOPPING=1");
        log(priority::notice, "prereadd stopping");
        if (shared_) {
            shared_->stop();
            // Given back now, so the other daemons take the projects at their next pass.
            if (auto ec = co_await shared_->async_release_all())
                log(priority::warning, "database: leases not given back (" + shared_->why(ec) +
                                           "); the other daemons take them when they expire");
            else
                log(priority::notice, "database: leases given back");
        }
    }

    asio::awaitable<void> handle_signals()
    {
        for (;;) {
            boost::system::error_code ec;
            const int signal = co_await signals_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            if (signal == SIGHUP) {
                reload_requested_ = true;
                sleep_.cancel();
                continue;
            }
            // Stop taking new work; what is in flight is cancelled through the loop's `||`.
            stopping_ = true;
            if (server_) server_->stop();
            sleep_.cancel();
            stop_.cancel();
            signals_.cancel();
            if (watchdog_) watchdog_->cancel();
            co_return;
        }
    }

    asio::awaitable<void> watchdog()
    {
        std::uint64_t usec = 0;
        if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) co_return;
        watchdog_.emplace(io_);
        while (!stopping_) {
            notify("WATCHDOG=1");
            watchdog_->expires_after(std::chrono::microseconds(usec / 2));
            boost::system::error_code ec;
            co_await watchdog_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
        }
    }

private:
    void install(config::configuration config)
    {
        std::optional<std::string> keep_reads_from;
        std::vector<tracking::logged_read> pending;
        std::optional<config::audit_config> old_source;
        if (current_) {
            // Reads taken but not yet stored stay with the daemon across a reload.
            pending = std::move(current_->poll.memory.pending_reads);
            keep_reads_from = current_->poll.memory.pending_from;
            old_source = current_->config.global.audit_log;
        }
        auto next = std::make_unique<generation>(io_.get_executor(), std::move(config), store_, tuning_);
        if (const auto& source = next->config.global.audit_log) {
            if (old_source == source && keep_reads_from) {
                next->audit = tracking::open_audit_source(*source, *keep_reads_from);
                next->poll.audit = next->audit.get();
                next->poll.memory.pending_reads = std::move(pending);
                next->poll.memory.pending_from = keep_reads_from;
            } else {
                next->audit_to_open = true;
            }
        }
        if (shared_) {
            next->poll.held = &next->held;
            next->poll.shared_reads = &shared_->reads();
            next->reminders.held = &next->held;
            next->reminders.may_post = [this] { return shared_->may_post(); };
        }
        next->client.on_exchange([this](const http::exchange_record& r) {
            metrics_.observe(r);
            away_.observe(r);
        });
        current_ = std::move(next);
    }

    // The metrics server as the configuration says: left alone when its
    // address is unchanged, else the new address bound before the old one is
    // closed. Throws when the address cannot be bound.
    void listen_for_metrics(const config::metrics_config& m)
    {
        const auto wanted = m.enabled ? std::optional(std::pair(m.address, m.port)) : std::nullopt;
        if (wanted == metrics_wanted_) return;
        std::unique_ptr<metrics_server> next;
        if (wanted) {
            next = std::make_unique<metrics_server>(
                io_.get_executor(), asio::ip::tcp::endpoint(asio::ip::make_address(m.address), m.port),
                [this] { return metrics_.render(); },
                [this] { return metrics_.healthz(unix_now(), current_->config.global.poll_interval); });
            const auto bound = next->local_endpoint();
            log(priority::info,
                "metrics on http://" +
                    (bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string()) +
                    ":" + std::to_string(bound.port()) + "/metrics and /healthz");
            next->start();
        } else {
            log(priority::info, "metrics server stopped: disabled in the configuration");
        }
        if (server_) server_->stop();
        server_ = std::move(next);
        metrics_wanted_ = wanted;
    }

    void reload()
    {
        reload_requested_ = false;
        notify("RELOADING=1\nMONOTONIC_USEC=" + monotonic_usec());
        auto loaded = config::load_configuration(config_file_, config::environment::from_process());
        if (!loaded.config) {
            for (const auto& e : loaded.errors) log(priority::error, e.to_string());
            log(priority::error, "configuration reload refused (" + std::to_string(loaded.errors.size()) +
                                     " problem(s)); the running configuration stays in force");
            notify("READY=1\nSTATUS=reload refused: the new configuration has errors (see the log)");
            return;
        }
        if (!config::same_database(current_->config.global.database, loaded.config->global.database)) {
            log(priority::error,
                "configuration reload refused: \"database\" changed, which takes a restart "
                "(systemctl restart prereadd); the running configuration stays in force");
            notify("READY=1\nSTATUS=reload refused: the database changed, restart to use it");
            return;
        }
        install(std::move(*loaded.config));
        try {
            listen_for_metrics(current_->config.global.metrics);
        } catch (const boost::system::system_error& e) {
            // Everything else of the new configuration holds; the old address keeps serving.
            const auto& m = current_->config.global.metrics;
            log(priority::error, "metrics: cannot listen on " + m.address + ":" + std::to_string(m.port) + ": " +
                                     e.code().message() + "; " +
                                     (server_ ? "still serving on the previous address" : "no metrics server"));
        }
        log(priority::notice,
            "configuration reloaded: " + std::to_string(current_->config.projects.size()) + " project(s)");
        notify("READY=1");
    }

    // False when the sleep was cut short (a signal).
    asio::awaitable<bool> sleep_until(std::chrono::system_clock::time_point wake)
    {
        sleep_.expires_after(
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(wake - std::chrono::system_clock::now()));
        boost::system::error_code ec;
        co_await sleep_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_return !ec;
    }

    // Resting while Nextcloud is away. In maintenance mode status.php still
    // answers (capture 21a), unauthenticated and cheap: it is asked every
    // `maintenance_watch` (jittered) and the rest ends the moment it says
    // maintenance is over, instead of at the end of a back-off that may have
    // grown past a session's start.
    asio::awaitable<void> rest_until(std::chrono::system_clock::time_point wake)
    {
        auto& g = *current_;
        const auto timeout = std::min<std::chrono::milliseconds>(
            std::chrono::duration_cast<std::chrono::milliseconds>(g.config.global.nextcloud.request_timeout),
            std::max<std::chrono::milliseconds>(tuning_.maintenance_watch, std::chrono::seconds(1)));
        while (!stopping_ && !reload_requested_) {
            stop_.expires_at(std::chrono::steady_clock::time_point::max());
            auto asked = co_await (ocs::async_server_status(g.client, g.config.global.nextcloud.base, timeout) ||
                                   wait_for_stop());
            if (stopping_ || asked.index() != 0) co_return;
            const auto& status = std::get<0>(asked);
            const bool in_maintenance = status && status->maintenance;
            if (!in_maintenance) {
                // Over: the next pass now. Not maintenance (down, overloaded, unreachable): the back-off stands.
                if (!away_.maintenance_over()) co_await sleep_until(wake);
                co_return;
            }
            const auto pause = away_.still_in_maintenance();
            const auto now = std::chrono::system_clock::now();
            if (now >= wake) co_return;  // a message's deadline (or the back-off's end): one more try
            if (!(co_await sleep_until(std::min(wake, now + pause)))) co_return;
        }
    }

    asio::awaitable<void> wait_for_stop()
    {
        boost::system::error_code ec;
        co_await stop_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

    struct wake_plan {
        std::chrono::system_clock::time_point wake;
        bool nextcloud_away = false;  // the pass found Nextcloud turning every request away
    };

    // One poll cycle and one reminder pass; returns when to wake up next.
    asio::awaitable<wake_plan> pass()
    {
        auto& g = *current_;
        const auto started = std::chrono::steady_clock::now();
        if (shared_ && !(co_await take_share(g))) co_return wake_plan{std::chrono::system_clock::now() + retry_after()};
        if (g.audit_to_open) {
            // Empty: from the start of the log: reads from before the first cycle count too.
            auto position = co_await store_.cursor("audit_log");
            if (!position) {
                log(priority::warning, "state: " + position.error().message() + ": the audit log waits");
                co_return wake_plan{std::chrono::system_clock::now() + retry_after()};
            }
            g.audit = tracking::open_audit_source(*g.config.global.audit_log, position->value_or(""));
            g.poll.audit = g.audit.get();
            g.audit_to_open = false;
        }
        const auto due = g.turns.take_due(started);
        g.poll.due = &due;
        const auto cycle = co_await tracking::async_poll_cycle(g.poll);
        g.poll.due = nullptr;
        if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
            co_return wake_plan{std::chrono::system_clock::now()};  // stopping: no messages half sent
        log_cycle(cycle, cycle_failures_, g.project_ids, &due);
        g.reminders.turn = due;
        g.reminders.nextcloud_away = away_.turned_away();
        const auto sent = co_await reminding::async_reminders(g.reminders);
        g.reminders.turn.reset();
        log_sent(sent, sent_failures_);
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        metrics_.observe(cycle, took, unix_now(), shared_ ? g.held.size() : g.config.projects.size());
        metrics_.observe(sent);
        {
            const auto ids = shared_ ? std::vector<std::string>(g.held.begin(), g.held.end()) : g.project_ids;
            if (auto open = co_await store_.open_problem_count(ids)) metrics_.set_open_problems(*open);
        }
        if (shared_) {
            metrics_.set_leases_held(g.held.size());
            // Now and then the reads every project has taken are dropped from the shared table.
            if (++passes_ % 20 == 0) {
                if (auto ec = co_await shared_->reads().forget_reads(g.project_ids))
                    log(priority::info, "database: old reads not dropped (" + shared_->why(ec) + "), next time");
            }
        }
        if (g.audit) metrics_.set_audit_lag(g.audit->unread_bytes());
        metrics_.set_credential_rejected(!g.client.credential_usable());

        auto wake = next_wake(std::chrono::system_clock::now(), std::chrono::steady_clock::now(), g.turns.next(),
                              g.config.global.poll_interval, sent);
        if (const auto away = away_.after_pass(wake, sent)) co_return wake_plan{*away, true};
        notify("STATUS=" + pass_status(cycle, sent, g.config.projects.size(), took));
        co_return wake_plan{wake};
    }

    // Several daemons: this pass's share of the projects, and whether it may post.
    // False when the database cannot be reached: nothing is polled or posted.
    asio::awaitable<bool> take_share(generation& g)
    {
        const auto ec = co_await shared_->async_take_share(g.project_ids);
        if (ec) {
            if (!database_failing_)
                log(priority::warning, "database: " + shared_->why(ec) +
                                           ": not polling or posting until it answers (the other daemons take "
                                           "this one's projects when its leases expire)");
            database_failing_ = true;
            notify("STATUS=database unavailable, not polling or posting");
            g.held.clear();
            co_return false;
        }
        if (database_failing_) log(priority::notice, "database: answering again");
        database_failing_ = false;
        if (shared_->held() != g.held)
            log(priority::info, "database: holding " + std::to_string(shared_->held().size()) + " of " +
                                    std::to_string(g.config.projects.size()) + " project(s)");
        g.held = shared_->held();
        co_return true;
    }
    std::chrono::seconds retry_after() const
    {
        return shared_ ? std::min(current_->config.global.poll_interval,
                                  std::max(std::chrono::seconds(1), current_->config.global.database->lease_time / 3))
                       : current_->config.global.poll_interval;
    }

    asio::io_context& io_;
    std::filesystem::path config_file_;
    store::backend& store_;
    shared_database* shared_;
    bool database_failing_ = false;
    std::uint64_t passes_ = 0;
    std::unique_ptr<generation> current_;
    metrics metrics_;  // kept across reloads
    run_tuning tuning_;
    away_watch away_;                                // so are the back-off and the maintenance watch
    failure_memory cycle_failures_, sent_failures_;  // what the log said is failing
    std::unique_ptr<metrics_server> server_;
    std::optional<std::pair<std::string, std::uint16_t>> metrics_wanted_;  // what server_ was bound for
    asio::steady_timer sleep_;
    asio::steady_timer stop_;
    std::optional<asio::steady_timer> watchdog_;
    asio::signal_set signals_;
    bool stopping_ = false;
    bool reload_requested_ = false;
};

}  // namespace

int run_daemon(const std::filesystem::path& config_file, const run_tuning& tuning)
{
    auto loaded = config::load_configuration(config_file, config::environment::from_process());
    if (!loaded.config) {
        for (const auto& e : loaded.errors) log(priority::error, e.to_string());
        log(priority::error,
            "configuration invalid (" + std::to_string(loaded.errors.size()) + " problem(s)), not starting");
        return exit_config;
    }
    if (auto ec = make_state_directory(*loaded.config)) {
        log(priority::error, "cannot create the state directory " + loaded.config->global.state_directory.string() +
                                 ": " + ec.message());
        return exit_cantcreat;
    }
    asio::io_context io;
    // SQLite in the state directory, or PostgreSQL shared with the other web nodes' daemons.
    std::unique_ptr<store::database> db;
    std::unique_ptr<store::backend> sqlite;
    std::unique_ptr<shared_database> shared;
    if (const auto& d = loaded.config->global.database) {
        shared = std::make_unique<shared_database>(io.get_executor(), *d);
        log(priority::info, "state in PostgreSQL (" + reminding::log_text(d->uri) + ") as " + shared->id() +
                                ", leases of " + std::to_string(d->lease_time.count()) + " s");
    } else {
        db = std::make_unique<store::database>(state_file(*loaded.config));
        sqlite = std::make_unique<store::sqlite_backend>(*db);
    }
    service s(io, config_file, std::move(*loaded.config), shared ? shared->store() : *sqlite, shared.get(), tuning);
    s.start_metrics();
    std::exception_ptr failure;
    asio::co_spawn(io, s.main_loop(), [&](std::exception_ptr e) {
        failure = e;
        if (shared) shared->stop();
        io.stop();  // the signal handler, the watchdog and the renewals end with the loop
    });
    if (shared) asio::co_spawn(io, shared->keep_renewing(), asio::detached);
    asio::co_spawn(io, s.handle_signals(), asio::detached);
    asio::co_spawn(io, s.watchdog(), asio::detached);
    io.run();
    if (failure) std::rethrow_exception(failure);
    log(priority::notice, "prereadd stopped");
    return exit_ok;
}

}  // namespace prereadd::daemon
