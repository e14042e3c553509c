// nextcloud-sim as a child process (see sim_process.hpp).
#include "tests/support/sim_process.hpp"

#include "tests/support/run.hpp"

#include <stdexcept>

namespace prereadd::test {

using namespace std::chrono_literals;

namespace {

std::vector<std::string> command_line(const std::string& binary, const std::filesystem::path& scenario,
                                      const std::filesystem::path& audit_log, const std::vector<std::string>& options)
{
    std::vector<std::string> args{binary, "--scenario", scenario.string(), "--audit-log", audit_log.string()};
    args.insert(args.end(), options.begin(), options.end());
    return args;
}

}  // namespace

sim_process::sim_process(const std::string& binary, const std::filesystem::path& scenario,
                         const std::filesystem::path& audit_log, std::chrono::seconds start_timeout,
                         const std::vector<std::string>& options)
    : process_(command_line(binary, scenario, audit_log, options))
{
    // "nextcloud-sim listening on http://127.0.0.1:PORT, control on http://127.0.0.1:CPORT"
    auto line = process_.read_line(start_timeout);
    if (!line || line->find("http://") == std::string::npos) throw std::runtime_error("nextcloud-sim did not start");
    const auto first = line->find("http://");
    base_url_ = line->substr(first, line->find(',', first) - first);
    control_url_ = line->substr(line->rfind("http://"));
    client_.emplace(io_.get_executor(), http::client_config{}, http::credential{});
}

nlohmann::json sim_process::control(const nlohmann::json& operation)
{
    http::request r;
    r.method = boost::beast::http::verb::post;
    r.url = control_url_ + "/control";
    r.anonymous = true;
    r.body = operation.dump();
    r.headers.set("Content-Type", "application/json");
    auto res = run_awaitable(io_, client_->async_request(std::move(r)));
    if (!res) throw std::runtime_error("nextcloud-sim control: " + res.error().message());
    return nlohmann::json::parse(res->body);
}

int sim_process::stop() { return process_.terminate(10s); }

}  // namespace prereadd::test
