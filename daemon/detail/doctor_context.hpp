// What the doctor's checks share (doctor.cpp, doctor_projects.cpp): the
// client, the configuration, and the lines found so far.
#pragma once

#include "daemon/doctor.hpp"
#include "reminding/literal.hpp"

#include <set>
#include <string>
#include <vector>

namespace prereadd::daemon::detail {

struct doctor_context {
    http::client& client;
    const config::configuration& config;
    doctor_options options;
    std::vector<check_result> out;

    const http::url& base() const { return config.global.nextcloud.base; }
    const std::string& user() const { return config.global.nextcloud.user; }
    void add(std::string what, verdict v, std::string detail, std::string fix = {})
    {
        out.push_back({std::move(what), v, std::move(detail), std::move(fix)});
    }
};

// A failure as the terminal may show it: the server's words are untrusted.
inline std::string said(const http::failure& f)
{
    auto text = reminding::log_text(f.message());
    while (!text.empty() && text.back() == ' ') text.pop_back();  // a line never ends in a space
    return text;
}

// One project's Nextcloud side (doctor_projects.cpp): its folder, the
// folder's shares and whether every participant can open every pre-read
// (the daemon's own access check), its groups, Talk and Deck.
boost::asio::awaitable<void> async_check_project(doctor_context& d, const config::project_config& p);

}  // namespace prereadd::daemon::detail
