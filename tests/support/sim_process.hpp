// nextcloud-sim as a child process for end-to-end tests: started from a
// scenario with its audit log in a given file, driven over its control port,
// and stopped (SIGTERM, exit 0 expected) by the test.
#pragma once

#include "http/client.hpp"
#include "tests/support/process.hpp"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace prereadd::test {

class sim_process {
public:
    // Throws std::runtime_error when the simulator does not announce its ports in time.
    // `start_timeout` covers loading the scenario (a few seconds for the 50,000 files of the scale run).
    // `options`: more command-line options ("--dialect", "34").
    sim_process(const std::string& binary, const std::filesystem::path& scenario,
                const std::filesystem::path& audit_log, std::chrono::seconds start_timeout = std::chrono::seconds(10),
                const std::vector<std::string>& options = {});

    const std::string& base_url() const { return base_url_; }        // "http://127.0.0.1:PORT"
    const std::string& control_url() const { return control_url_; }  // "http://127.0.0.1:CPORT"

    // One control operation or an array of them; the simulator's answer.
    nlohmann::json control(const nlohmann::json& operation);

    // SIGTERM; the exit code (0 when the simulator stopped cleanly).
    int stop();

private:
    child_process process_;
    std::string base_url_, control_url_;
    boost::asio::io_context io_;
    std::optional<http::client> client_;
};

}  // namespace prereadd::test
