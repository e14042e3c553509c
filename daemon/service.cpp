// Wiring for the commands that poll Nextcloud (see service.hpp).
#include "daemon/service.hpp"

#include "ocs/api.hpp"
#include "reminding/literal.hpp"
#include "reminding/reminder_pass.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <ctime>
#include <ostream>
#include <sstream>
#include <system_error>

namespace prereadd::daemon {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_cantcreat = 73;  // EX_CANTCREAT
constexpr int exit_tempfail = 75;   // EX_TEMPFAIL
constexpr int exit_config = 78;     // EX_CONFIG

}  // namespace

std::int64_t unix_now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::error_code make_state_directory(const config::configuration& config)
{
    std::error_code ec;
    if (std::filesystem::create_directories(config.global.state_directory, ec))
        std::filesystem::permissions(config.global.state_directory, std::filesystem::perms::owner_all, ec);
    return ec;
}

std::filesystem::path state_file(const config::configuration& config)
{
    return config.global.state_directory / "prereadd.sqlite";
}

http::client_config client_config_of(const config::configuration& config)
{
    http::client_config c;
    c.max_connections_per_host = config.global.nextcloud.max_connections;
    c.request_timeout = config.global.nextcloud.request_timeout;
    c.ca_file = config.global.nextcloud.ca_file;
    return c;
}

moodle_connection::moodle_connection(boost::asio::any_io_executor ex, const config::configuration& config)
{
    if (!config.global.moodle) return;
    const auto& m = *config.global.moodle;
    http::client_config c;
    c.max_connections_per_host = m.max_connections;
    c.request_timeout = m.request_timeout;
    client_.emplace(ex, c, http::credential{});  // the token travels in the form, never as a login
    site_.emplace(*client_, m.base, m.token);
}

std::function<boost::asio::awaitable<std::map<std::string, std::string>>(std::vector<std::string>, bool)>
users_in_nextcloud(http::client& client, const http::url& base)
{
    return [&client, &base](std::vector<std::string> wanted,
                            bool by_email) -> boost::asio::awaitable<std::map<std::string, std::string>> {
        std::map<std::string, std::string> found;
        for (const auto& key : wanted) {
            auto exact = co_await ocs::async_exact_users(client, base, key);
            if (!exact) continue;  // asked again at the next refresh
            std::vector<std::string> ids;
            for (const auto& u : *exact)
                if (by_email ? scheduler::ascii_lower(u.unique) == scheduler::ascii_lower(key) : u.id == key) ids.push_back(u.id);
            if (ids.size() == 1) found.emplace(key, ids.front());
        }
        co_return found;
    };
}

std::string saved_audit_position(const store::state& st)
{
    // Empty: from the start of the log: reads from before the first cycle count too.
    return st.cursor("audit_log").value_or("");
}

std::string describe(const tracking::cycle_report& report, std::size_t projects)
{
    std::ostringstream out;
    out << "poll cycle: " << report.projects_ok << " of " << projects << " project(s) polled, "
        << report.engagements_recorded << " new engagement(s), " << report.new_problems.size()
        << " new access problem(s)";
    if (report.unmapped_reads) out << ", " << report.unmapped_reads << " read(s) that fit several pre-reads";
    out << '\n';
    for (const auto& w : report.warnings) out << "  warning: " << w << '\n';
    for (const auto& [project, problem] : report.new_problems) {
        out << "  " << project << ": ";
        if (problem.file_id != 0) out << problem.user << " cannot open ";
        out << problem.detail << '\n';
    }
    return out.str();
}

std::string describe(const reminding::reminder_report& report)
{
    std::ostringstream out;
    out << "messages: " << report.sent << " sent";
    if (report.late) out << " (" << report.late << " late)";
    out << ", " << report.skipped << " skipped (everyone ready), " << report.missed << " missed, "
        << report.acknowledged << " acknowledgement(s)";
    if (report.next_due) out << "; next due " << date::format("%FT%TZ", *report.next_due);
    out << '\n';
    return out.str();
}

int run_once(const config::configuration& config, const once_options& options, std::ostream& out, std::ostream& err)
{
    if (config.global.database) {
        // A one-off pass beside daemons that lease the projects would poll and post without a lease.
        err << "prereadd: once works on the SQLite state only; with \"database\" the daemons on the web nodes "
               "do the work (`prereadd status` shows it, docs/scaling.md)\n";
        return exit_config;
    }
    const auto file = state_file(config);
    if (!options.dry_run) {
        if (auto ec = make_state_directory(config)) {
            err << "prereadd: cannot create the state directory " << config.global.state_directory.string() << ": "
                << ec.message() << '\n';
            return exit_cantcreat;
        }
    }
    store::database db(file, options.dry_run ? store::database::mode::scratch_copy : store::database::mode::read_write);
    store::state st(db);

    boost::asio::io_context io;
    http::client client(io.get_executor(), client_config_of(config),
                        {config.global.nextcloud.user, config.global.nextcloud.app_password});
    std::unique_ptr<tracking::audit_source> audit;
    if (config.global.audit_log)
        audit = tracking::open_audit_source(*config.global.audit_log, saved_audit_position(st));
    moodle_connection moodle(io.get_executor(), config);
    tracking::cycle_context ctx{client, config, db, audit.get(), unix_now};
    ctx.moodle = moodle.site();
    ctx.find_in_nextcloud = users_in_nextcloud(client, config.global.nextcloud.base);

    auto done = boost::asio::co_spawn(io, tracking::async_poll_cycle(ctx), boost::asio::use_future);
    io.run();
    const tracking::cycle_report report = done.get();
    out << describe(report, config.projects.size());

    // Then everything that is due, printed as it goes out.
    reminding::reminder_context reminders{client, config, db, unix_now};
    reminders.moodle = moodle.site();
    reminders.dry_run = options.dry_run;
    reminders.show = [&](const reminding::outgoing& m) {
        out << (m.dry_run ? "would post to " : "posting to ") << m.channel
            << (m.recipient.empty() ? "" : " (" + m.recipient + ")") << ":\n";
        std::size_t start = 0;
        while (start <= m.text.size()) {
            auto end = m.text.find('\n', start);
            if (end == std::string::npos) end = m.text.size();
            out << "  | " << m.text.substr(start, end - start) << '\n';
            start = end + 1;
        }
    };
    io.restart();
    auto sent = boost::asio::co_spawn(io, reminding::async_reminders(reminders), boost::asio::use_future);
    io.run();
    const reminding::reminder_report r = sent.get();
    out << describe(r);

    for (const auto& n : r.notices) out << "  " << reminding::log_text(n) << '\n';
    if (options.dry_run) out << "dry run: nothing was written or posted\n";
    for (const auto& e : report.errors) err << "prereadd: " << reminding::log_text(e) << '\n';
    for (const auto& e : r.errors) err << "prereadd: warning: " << reminding::log_text(e) << '\n';
    // 75 says one thing: a project could not be polled (try again later). A
    // message that could not go out stays in the outbox for the next run and is
    // reported above; it does not change the exit code.
    return report.errors.empty() ? exit_ok : exit_tempfail;
}

std::string monotonic_usec()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::to_string(static_cast<std::uint64_t>(ts.tv_sec) * 1000000u +
                          static_cast<std::uint64_t>(ts.tv_nsec) / 1000u);
}

}  // namespace prereadd::daemon
