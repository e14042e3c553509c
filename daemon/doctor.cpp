// `prereadd doctor` (see doctor.hpp). Each check asks Nextcloud what the
// daemon will need and says, when it is missing, the one thing to do. Server
// answers are untrusted text: they reach the terminal through log_text.
#include "daemon/doctor.hpp"

#include "i18n/language.hpp"

#include "daemon/detail/doctor_context.hpp"
#include "daemon/service.hpp"

#include "ocs/api.hpp"
#include "ocs/deck.hpp"
#include "ocs/request.hpp"
#include "ocs/talk.hpp"
#include "reminding/literal.hpp"
#include "tracking/audit_line.hpp"
#include "tracking/audit_source.hpp"
#include "webdav/path.hpp"
#include "webdav/requests.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <set>
#include <sstream>

namespace prereadd::daemon {
namespace {

using detail::doctor_context;
using detail::said;

namespace bhttp = boost::beast::http;
using checks = std::vector<check_result>;

// The data as it came, for async_exchange.
boost::system::result<nlohmann::json> whole(const nlohmann::json& data) { return data; }

// An OCS GET's data, or the failure that stopped it.
boost::asio::awaitable<http::outcome<nlohmann::json>> async_ocs_data(http::client& client, const http::url& base,
                                                                     std::string_view api_path,
                                                                     std::string_view query = {})
{
    co_return co_await ocs::async_exchange(client, ocs::make_request(base, api_path, query),
                                           "GET " + std::string(api_path), ocs::read_data, whole);
}

// status.php: the server answers, is installed and not in maintenance. False stops the doctor.
boost::asio::awaitable<bool> async_check_server(doctor_context& d)
{
    auto status = co_await ocs::async_server_status(d.client, d.base(), std::chrono::seconds(10));
    if (!status) {
        d.add("server", verdict::problem, d.base().to_string() + " does not answer status.php: " + said(status.error()),
              "check nextcloud.url in " + d.config.global.file.string() + " and that Nextcloud is up");
        co_return false;
    }
    if (!status->installed || status->maintenance) {
        d.add("server", verdict::problem,
              std::string("Nextcloud ") + reminding::log_text(status->version) +
                  (status->maintenance ? " is in maintenance mode" : " is not installed"),
              "occ maintenance:mode --off (once the upgrade or repair is done)");
        co_return false;
    }
    d.add("server", verdict::ok, "Nextcloud " + reminding::log_text(status->version) + " at " + d.base().to_string());
    co_return true;
}

// The credential works, is an app password, and the language the account
// gives the projects' messages. False stops the doctor: more
// attempts with a rejected password would only feed the brute-force protection.
boost::asio::awaitable<bool> async_check_credential(doctor_context& d)
{
    const std::string file = d.config.global.nextcloud.app_password_file.string();
    auto data = co_await async_ocs_data(d.client, d.base(), "cloud/user");
    if (!data) {
        d.add("credential", verdict::problem, "Nextcloud refused " + d.user() + "'s password: " + said(data.error()),
              "create an app password (occ user:add-app-password " + d.user() + "), write it to " + file +
                  ", then: systemctl reload prereadd");
        co_return false;
    }
    d.add("credential", verdict::ok, "the password in " + file + " logs " + d.user() + " in");
    // An app password may not ask for another one (core's AppPasswordController: 403).
    auto probe = co_await d.client.async_request(ocs::make_request(d.base(), "core/getapppassword"));
    if (!probe && probe.error().status == 403) {
        d.add("app password", verdict::ok, "it is an app password");
    } else if (probe && probe->status == 200) {
        // It was a login password, and Nextcloud just made an app password from it: revoke that one.
        std::string made;
        if (auto got = ocs::read_data(*probe, "getapppassword"); got && got->contains("apppassword"))
            made = (*got)["apppassword"].get<std::string>();
        if (!made.empty()) {
            // The executor first: g++ 12 destroys the temporaries of a full
            // expression holding a co_await twice.
            const auto executor = co_await boost::asio::this_coro::executor;
            http::client revoke(executor, {}, {d.user(), http::secret(made)});
            auto req = ocs::make_request(d.base(), "core/apppassword");
            req.method = bhttp::verb::delete_;
            auto revoked = co_await revoke.async_request(std::move(req));
            if (!revoked)
                d.add("app password", verdict::warning,
                      "the app password Nextcloud just made could not be revoked: " + said(revoked.error()),
                      "revoke it in Settings > Security > Devices & sessions of " + d.user());
        }
        d.add("app password", verdict::problem,
              "the password in " + file + " is " + d.user() +
                  "'s login password: prereadd uses app passwords only (they can be revoked alone, "
                  "and do not expire with the login password)",
              "occ user:add-app-password " + d.user() + ", write it to " + file + ", then: systemctl reload prereadd");
    } else {
        d.add("app password", verdict::warning, "could not tell whether it is an app password",
              "use an app password: occ user:add-app-password " + d.user());
    }
    // The projects' messages are in the service account's language unless
    // the configuration names one (docs/languages.md); what prereadd reads of
    // Nextcloud does not depend on it.
    const auto language = data->value("language", std::string());
    const auto* speaks = i18n::language::find(language, data->value("locale", std::string()));
    if (!d.config.global.language.empty())
        d.add("language", verdict::ok,
              "conversations and Deck cards in " + d.config.global.language + " (\"language\" in " +
                  d.config.global.file.string() + "), one-to-one messages in each reader's");
    else if (speaks)
        d.add("language", verdict::ok,
              "conversations and Deck cards in " + speaks->code() + ", " + d.user() +
                  "'s language, one-to-one messages in each reader's");
    else
        d.add("language", verdict::warning,
              d.user() + "'s language, " + reminding::log_text(language) +
                  ", is none prereadd writes: conversations and Deck cards are in English",
              "name one in \"language\" of " + d.config.global.file.string() + " (en, de, fr, es, pt)");
    co_return true;
}

bool uses_talk(const config::configuration& c)
{
    return std::any_of(c.projects.begin(), c.projects.end(), [](const auto& p) { return p.talk.has_value(); });
}

bool uses_deck(const config::configuration& c)
{
    return std::any_of(c.projects.begin(), c.projects.end(), [](const auto& p) { return p.deck.has_value(); });
}

// The apps the configuration relies on, from the capabilities; files_downloadactivity
// (which has none) from its entries among the newest of the activity stream.
boost::asio::awaitable<void> async_check_apps(doctor_context& d)
{
    auto data = co_await async_ocs_data(d.client, d.base(), "cloud/capabilities");
    if (!data) {
        d.add("apps", verdict::problem, "cannot read the capabilities: " + said(data.error()));
        co_return;
    }
    const auto& capabilities = (*data)["capabilities"];
    auto need = [&](const char* app, const char* name, const char* why) {
        if (capabilities.contains(app))
            d.add(std::string("app ") + app, verdict::ok, std::string(name) + " is enabled");
        else
            d.add(std::string("app ") + app, verdict::problem, std::string(name) + " is not enabled: " + why,
                  std::string("occ app:enable ") + app);
    };
    need("activity", "Activity", "new comments and edits are found through it");
    if (uses_talk(d.config)) need("spreed", "Talk", "a project posts its reminders in a Talk conversation");
    if (uses_deck(d.config)) need("deck", "Deck", "a project keeps a Deck card per session");

    auto recent = co_await ocs::async_exchange(
        d.client, ocs::make_request(d.base(), "apps/activity/api/v2/activity/all", "limit=200"), "activity",
        ocs::read_data, ocs::parse_activities);
    const bool seen = recent && std::any_of(recent->begin(), recent->end(),
                                            [](const auto& a) { return a.type == "file_downloaded"; });
    if (seen)
        d.add("app files_downloadactivity", verdict::ok, "reads of shared files reach the activity stream");
    else if (!d.config.global.audit_log)
        d.add("app files_downloadactivity", verdict::warning,
              "no download in the newest 200 activities of " + d.user() +
                  ": without an audit log, opens come only from files_downloadactivity (nobody may have read a "
                  "pre-read yet, or the app is missing)",
              "occ app:enable files_downloadactivity");
    else
        d.add("app files_downloadactivity", verdict::ok,
              "no download seen lately; not needed while the audit log is live (it stands in when the log is silent)");
}

std::string audit_fix(const config::audit_config& a)
{
    std::string where;
    switch (a.type) {
    case config::audit_config::kind::file:
        where = "'log_type_audit' => 'file', 'logfile_audit' => '" +
                (a.files.empty() ? std::string() : a.files[0].string()) + "'";
        break;
    case config::audit_config::kind::syslog:
        where = "'log_type_audit' => 'syslog', 'syslog_tag_audit' => '" + a.tag + "'";
        break;
    case config::audit_config::kind::systemd:
        where = "'log_type_audit' => 'systemd', 'syslog_tag_audit' => '" + a.tag + "'";
        break;
    }
    return "occ app:enable admin_audit; in config.php " + where +
           ", and 'loglevel' => 1 or 'log.condition' => ['apps' => ['admin_audit']] (docs/opened.md)";
}

// The files the source names exist and can be read by this process.
bool audit_readable(doctor_context& d, const config::audit_config& a)
{
    bool readable = true;
    for (const auto& f : a.files)
        if (::access(f.c_str(), R_OK) != 0) {
            d.add(
                "audit log", verdict::problem, "cannot read " + f.string() + ": " + std::strerror(errno),
                "point audit_log at the file Nextcloud writes ('logfile_audit' in config.php), and let prereadd read it "
                "(the unit's BindReadOnlyPaths=, or its group)");
            readable = false;
        }
    return readable;
}

boost::asio::awaitable<http::outcome<http::response>> async_probe_request(doctor_context& d, bhttp::verb method,
                                                                          const std::string& name,
                                                                          std::string body = {})
{
    http::request req;
    req.method = method;
    req.url = webdav::files_url(d.base(), d.user(), "/" + name);
    req.body = std::move(body);
    co_return co_await d.client.async_request(std::move(req));
}

// The probe: a file of the doctor's own, read once as the service account;
// that very read must appear in the audit source within the wait.
boost::asio::awaitable<void> async_check_audit(doctor_context& d)
{
    const auto& a = d.config.global.audit_log;
    if (!a) {
        d.add("audit log", verdict::ok,
              "none configured: opens come from files_downloadactivity only, shown as \"downloaded (activity)\"");
        co_return;
    }
    if (!audit_readable(d, *a)) co_return;
    std::unique_ptr<tracking::audit_source> source;
    try {
        source = tracking::open_audit_source_at_end(*a);
    } catch (const std::exception& e) {
        d.add("audit log", verdict::problem, config::describe(*a) + ": " + e.what(),
              "run prereadd where the journal is readable (group systemd-journal)");
        co_return;
    }
    std::random_device random;
    std::ostringstream name;
    name << ".prereadd-doctor-" << std::hex << random() << random() << ".txt";
    auto put = co_await async_probe_request(d, bhttp::verb::put, name.str(), "prereadd doctor probe\n");
    // Not a conditional expression: g++ 12 destroys a co_await's result twice there (as above).
    http::outcome<http::response> get = http::failure{};
    if (put && put->status < 300) get = co_await async_probe_request(d, bhttp::verb::get, name.str());
    if (!put || put->status >= 300 || !get || get->status != 200) {
        d.add("audit log", verdict::problem,
              "could not write and read the probe file " + name.str() + " as " + d.user());
        if (put && put->status < 300) auto deleted = co_await async_probe_request(d, bhttp::verb::delete_, name.str());
        co_return;
    }
    const auto started = std::chrono::steady_clock::now();
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    bool seen = false;
    while (!seen) {
        for (const auto& line : source->read_lines())
            if (auto r = tracking::glance_at_audit_line(line);
                r && r->user == d.user() && r->path.ends_with(name.str()))
                seen = true;
        if (seen || std::chrono::steady_clock::now() - started >= d.options.probe_wait) break;
        timer.expires_after(std::chrono::milliseconds(200));
        co_await timer.async_wait(boost::asio::use_awaitable);
    }
    auto deleted = co_await async_probe_request(d, bhttp::verb::delete_, name.str());
    if (!deleted || deleted->status >= 300)
        d.add("probe", verdict::warning, "the probe file /" + name.str() + " could not be deleted",
              "delete it as " + d.user() + " (Files)");
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (seen)
        d.add("audit log", verdict::ok,
              "the probe read reached " + source->name() + " after " + std::to_string(took.count()) + " ms");
    else
        d.add("audit log", verdict::problem,
              "the probe read did not reach " + source->name() + " within " +
                  std::to_string(d.options.probe_wait.count()) +
                  " ms: Nextcloud writes its audit lines elsewhere, or drops them (log level)",
              audit_fix(*a));
}

const char* word(verdict v)
{
    switch (v) {
    case verdict::ok: return "ok";
    case verdict::warning: return "warning";
    case verdict::problem: return "problem";
    }
    return "?";
}

}  // namespace

boost::asio::awaitable<std::vector<check_result>> async_doctor(http::client& client,
                                                               const config::configuration& config,
                                                               doctor_options options)
{
    doctor_context d{client, config, options, {}};
    if (!co_await async_check_server(d) || !co_await async_check_credential(d)) co_return std::move(d.out);
    co_await async_check_apps(d);
    for (const auto& p : config.projects) {
        co_await detail::async_check_project(d, p);
    }
    co_await async_check_audit(d);
    if (config.global.moodle) {
        const auto executor = co_await boost::asio::this_coro::executor;
        moodle_connection moodle(executor, config);
        auto more = co_await async_doctor_moodle(*moodle.site(), config);
        d.out.insert(d.out.end(), more.begin(), more.end());
    }
    co_return std::move(d.out);
}

bool all_ok(const std::vector<check_result>& checks)
{
    return std::none_of(checks.begin(), checks.end(), [](const auto& c) { return c.result == verdict::problem; });
}

std::string render_doctor_text(const std::vector<check_result>& checks)
{
    std::ostringstream out;
    for (const auto& c : checks) {
        out << (c.result == verdict::ok        ? "ok       "
                : c.result == verdict::warning ? "WARNING  "
                                               : "PROBLEM  ")
            << c.what << ": " << c.detail << '\n';
        if (!c.fix.empty() && c.result != verdict::ok) out << "         fix: " << c.fix << '\n';
    }
    const auto problems =
        std::count_if(checks.begin(), checks.end(), [](const auto& c) { return c.result == verdict::problem; });
    const auto warnings =
        std::count_if(checks.begin(), checks.end(), [](const auto& c) { return c.result == verdict::warning; });
    // "all ok" only when nothing was said: right after a WARNING line it read as if there were none.
    if (problems)
        out << problems << " problem(s)" << (warnings ? ", " + std::to_string(warnings) + " warning(s)" : "") << '\n';
    else if (warnings)
        out << "no problems, " << warnings << " warning(s)" << '\n';
    else
        out << "all ok" << '\n';
    return out.str();
}

nlohmann::json render_doctor_json(const std::vector<check_result>& checks)
{
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : checks)
        list.push_back({{"check", c.what}, {"result", word(c.result)}, {"detail", c.detail}, {"fix", c.fix}});
    return {{"ok", all_ok(checks)}, {"checks", list}};
}

}  // namespace prereadd::daemon
