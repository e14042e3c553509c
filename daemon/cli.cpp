// Command-line front end on CLI11: parses arguments, loads the configuration
// and dispatches to the subcommands. Exit codes follow sysexits.h.
#include "daemon/cli.hpp"

#include "config/configuration.hpp"
#include "daemon/doctor.hpp"
#include "daemon/run.hpp"
#include "daemon/service.hpp"
#include "daemon/shared_database.hpp"
#include "daemon/status_report.hpp"
#include "prereadd/version.hpp"
#include "reminding/literal.hpp"
#include "store/leases.hpp"
#include "store/postgresql_state.hpp"
#include "scheduler/time.hpp"

#include <CLI/CLI.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdlib>
#include <iostream>

namespace prereadd::daemon {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_usage = 64;   // EX_USAGE
constexpr int exit_config = 78;  // EX_CONFIG
constexpr int exit_unavailable = 69;  // EX_UNAVAILABLE: the shared database cannot be reached

std::optional<config::configuration> load_or_report(const std::string& path)
{
    auto loaded = config::load_configuration(path, config::environment::from_process());
    if (loaded.config) return std::move(loaded.config);
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
    std::cerr << "prereadd: configuration invalid (" << loaded.errors.size()
              << (loaded.errors.size() == 1 ? " problem" : " problems") << ")\n";
    return std::nullopt;
}

int check_config(const std::string& path)
{
    auto config = load_or_report(path);
    if (!config) return exit_config;
    const auto& g = config->global;
    std::cout << "configuration OK: " << g.file.string() << '\n'
              << "  nextcloud: " << g.nextcloud.base.to_string() << " as " << g.nextcloud.user << " (app password from "
              << g.nextcloud.app_password_file.string() << ")\n"
              << "  state directory: " << g.state_directory.string() << '\n'
              << "  state: "
              << (g.database ? "PostgreSQL " + g.database->uri + " as node " + g.database->node + " (password " +
                                   (g.database->password ? "from " + g.database->password_file.string()
                                                         : std::string("none")) +
                                   "), leases of " + scheduler::format_duration(g.database->lease_time)
                             : std::string("SQLite in the state directory (one daemon)"))
              << '\n'
              << "  audit log: "
              << (g.audit_log ? config::describe(*g.audit_log)
                              : std::string("(none: opens only from files_downloadactivity, marked as such)"))
              << '\n'
              << "  Moodle: " << (g.moodle ? g.moodle->base.to_string() : std::string("(none)")) << '\n'
              << "  poll interval: " << scheduler::format_duration(g.poll_interval) << '\n'
              << "  projects: " << config->projects.size() << " in " << g.projects_directory.string() << '\n';
    for (const auto& p : config->projects) {
        std::cout << "    " << p.id << ": " << p.folder
                  << (p.moodle ? std::string(p.folder.empty() ? "" : " + ") + "Moodle course " + p.moodle->course_name()
                               : std::string())
                  << " (" << p.time_zone_name << "), " << p.sessions.size() << " single session(s), " << p.weekly.size()
                  << " weekly series, reminders";
        for (auto lead : p.lead_times) std::cout << ' ' << scheduler::format_duration(lead);
        if (p.digest) std::cout << ", digest " << scheduler::format_duration(*p.digest);
        if (p.follow_up) std::cout << ", follow-ups due " << scheduler::format_duration(p.follow_up->due) << " after";
        if (p.calendar) std::cout << ", calendar " << p.calendar->name;
        if (p.talk) std::cout << ", Talk " << p.talk->conversation;
        if (p.deck) std::cout << ", Deck board " << p.deck->board << " stack " << p.deck->stack;
        std::cout << '\n';
    }
    if (config->projects.empty())
        std::cout << "  warning: no project files (*.json) in " << g.projects_directory.string() << '\n';
    return exit_ok;
}

// The projects as configured, before any poll cycle (`leased`: on a shared database, held by nobody yet).
std::vector<project_status> known_only_by_configuration(const std::vector<const config::project_config*>& selected,
                                                        bool leased)
{
    std::vector<project_status> out;
    for (const auto* p : selected) {
        project_status known;
        known.id = p->id;
        known.folder = p->folder;
        known.leased = leased;
        out.push_back(std::move(known));
    }
    return out;
}

// `status` of several daemons sharing PostgreSQL: what every daemon wrote,
// and which holds each project. A failure is the reason, for the error line.
boost::asio::awaitable<boost::system::result<std::vector<project_status>>> async_shared_status(
    const config::database_config& d, std::vector<const config::project_config*> selected, std::string& why,
    std::vector<std::string>& warnings)
{
    namespace pg = store::postgresql;
    const auto deadline = std::chrono::seconds(10);
    pg::connection c(co_await boost::asio::this_coro::executor);
    const auto failed = [&](boost::system::error_code ec) {
        why = failure_text(ec, c);
        return ec;
    };
    if (auto ec = co_await async_connect(c, d, deadline)) co_return failed(ec);
    std::string migrated = "SELECT to_regclass('project_leases') IS NOT NULL";
    std::vector<std::optional<std::string>> no_params;
    auto known = co_await c.async_query(std::move(migrated), std::move(no_params), deadline);
    if (!known) co_return failed(known.error());
    // No daemon has started on this database yet: the projects as configured, held by nobody.
    if (known->values.empty() || known->values[0].at(0) != "t") co_return known_only_by_configuration(selected, true);
    auto held = co_await store::leases::async_current(c, deadline, true);
    if (!held) co_return failed(held.error());
    std::map<std::string, const store::leases::lease*> holder_of;
    for (const auto& l : *held) holder_of[l.project] = &l;
    pg::state st(c, deadline, d.node);
    std::vector<project_status> out;
    for (const auto* p : selected) {
        auto one = co_await async_load_project_status(st, p->id, p->folder, p->calls.join_before);
        if (!one) co_return failed(one.error());
        one->leased = true;
        if (auto it = holder_of.find(p->id); it != holder_of.end()) {
            one->holder = it->second->holder;
            one->held_since = it->second->since;
        }
        out.push_back(std::move(*one));
    }
    auto w = co_await async_load_status_warnings(st);
    if (w) warnings = std::move(*w);
    co_return out;
}

int status(const config::configuration& config, const std::string& only, bool as_json)
{
    std::vector<const config::project_config*> selected;
    for (const auto& p : config.projects)
        if (only.empty() || p.id == only) selected.push_back(&p);
    if (!only.empty() && selected.empty()) {
        std::cerr << "prereadd: no project \"" << only << "\" in the configuration\n";
        return exit_usage;
    }
    const auto file = state_file(config);
    std::vector<project_status> projects;
    std::vector<std::string> warnings;
    std::error_code ec;
    if (const auto& d = config.global.database) {
        boost::asio::io_context io;
        std::string why;
        auto done =
            boost::asio::co_spawn(io, async_shared_status(*d, selected, why, warnings), boost::asio::use_future);
        io.run();
        auto loaded = done.get();
        if (!loaded) {
            std::cerr << "prereadd: the database " << reminding::log_text(d->uri) << ": " << why << '\n';
            return exit_unavailable;
        }
        projects = std::move(*loaded);
    } else if (std::filesystem::exists(file, ec)) {
        store::database db(file, store::database::mode::read_only);
        store::state st(db);
        for (const auto* p : selected) projects.push_back(load_project_status(st, p->id, p->folder, p->calls.join_before));
        warnings = load_status_warnings(st);
    } else {
        projects = known_only_by_configuration(selected, false);  // no poll cycle has run yet
    }
    const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    for (auto& shown : projects)
        for (const auto* p : selected)
            if (p->id == shown.id) note_selecting_nothing(shown, *p, now);
    if (as_json)
        std::cout << render_status_json(projects, warnings).dump(2) << '\n';
    else
        std::cout << render_status_text(projects, warnings);
    return exit_ok;
}

// Exit 0 when no check found a problem (warnings allowed), 1 otherwise.
int doctor(const config::configuration& config, bool as_json, double probe_wait_seconds)
{
    boost::asio::io_context io;
    http::client client(io.get_executor(), client_config_of(config),
                        {config.global.nextcloud.user, config.global.nextcloud.app_password});
    doctor_options options;
    options.probe_wait = std::chrono::milliseconds(static_cast<std::int64_t>(probe_wait_seconds * 1000));
    auto done = boost::asio::co_spawn(io, async_doctor(client, config, options), boost::asio::use_future);
    io.run();
    const auto checks = done.get();
    if (as_json)
        std::cout << render_doctor_json(checks).dump(2) << '\n';
    else
        std::cout << render_doctor_text(checks);
    return all_ok(checks) ? exit_ok : 1;
}

}  // namespace

int run_cli(int argc, char** argv)
{
    CLI::App app{"prereadd: pre-read tracking and reminders for Nextcloud", "prereadd"};
    app.set_version_flag("--version", std::string("prereadd ") + prereadd::version);
    app.require_subcommand(1);

    std::string config_path = "/etc/prereadd/prereadd.json";
    if (const char* env = std::getenv("PREREADD_CONFIG"); env && *env) config_path = env;
    app.add_option("-c,--config", config_path,
                   "global configuration file (default: $PREREADD_CONFIG or "
                   "/etc/prereadd/prereadd.json)");

    auto* check = app.add_subcommand("check-config", "validate the configuration and exit (0 valid, 78 invalid)");
    auto* status = app.add_subcommand("status", "print the participant x document table");
    std::string project;
    bool json_output = false;
    status->add_option("PROJECT", project, "only this project");
    status->add_flag("--json", json_output, "machine-readable output");
    auto* once = app.add_subcommand("once", "run one poll cycle and print what it found");
    bool dry_run = false;
    once->add_flag("--dry-run", dry_run, "print what would be posted; write nothing anywhere");
    auto* run = app.add_subcommand("run", "run the daemon (systemd Type=notify)");
    auto* doctor_command = app.add_subcommand(
        "doctor", "check the live Nextcloud against what the configuration needs (0 all ok, 1 a problem)");
    bool doctor_json = false;
    double probe_wait = 10;
    doctor_command->add_flag("--json", doctor_json, "machine-readable output");
    doctor_command->add_option("--probe-wait", probe_wait, "seconds the probe read may take to reach the audit log")
        ->check(CLI::Range(0.1, 300.0));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? exit_ok : exit_usage;
    }

    if (*check) return check_config(config_path);
    // `run` loads (and reloads) the configuration itself, reporting to the journal.
    if (*run) return run_daemon(config_path);

    // The remaining commands need a valid configuration before anything else.
    auto config = load_or_report(config_path);
    if (!config) return exit_config;
    if (*status) return daemon::status(*config, project, json_output);
    if (*once) return run_once(*config, {dry_run}, std::cout, std::cerr);
    if (*doctor_command) return doctor(*config, doctor_json, probe_wait);
    return exit_usage;
}

}  // namespace prereadd::daemon
