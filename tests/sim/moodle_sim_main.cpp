// moodle-sim: the simulated Moodle 4.5 web services as a process, for the
// Moodle demo (scripts/demo-moodle). Seeded with the site of
// tests/recordings/moodle-api as it was recorded (course ALPHA, its three weekly
// sections and seven modules, alice, bob and carol as students, the service
// user preread and its token); serves on 127.0.0.1 and takes control operations.
#include "tests/sim/moodle.hpp"
#include "tests/sim/recorded_moodle.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>

namespace {

constexpr const char* control_help = R"(Control interface (POST http://127.0.0.1:CONTROL_PORT/control, JSON; an
operation or an array of them; --scenario FILE takes the same array at start). The operations are in
tests/sim/README.md, "Moodle": user, course, enrol, unenrol, module, group, view, complete, capability,
function, fault, clock, criteria, cron, debug, messages, stats. The service user's token is printed at start.)";

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"moodle-sim: a simulated Moodle 4.5 web-service endpoint for prereadd's Moodle demo", "moodle-sim"};
    app.footer(control_help);
    prereadd::sim::moodle_options opts;
    opts.control = true;
    std::string scenario;
    std::string ready_file;
    app.add_option("--port", opts.port, "HTTP port on 127.0.0.1 (default: chosen by the system)");
    app.add_option("--control-port", opts.control_port, "control port on 127.0.0.1 (default: chosen by the system)");
    app.add_option("--scenario", scenario, "JSON file with an array of control operations applied at start");
    app.add_option("--ready-file", ready_file, "write \"PORT CONTROL_PORT\" to this file once listening");
    CLI11_PARSE(app, argc, argv);

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);

    try {
        prereadd::sim::moodle sim(opts);
        sim.with_world([](prereadd::sim::moodle_world& w) { prereadd::sim::seed_recorded_moodle(w); });
        if (!scenario.empty()) {
            std::ifstream in(scenario);
            auto ops = nlohmann::json::parse(in, nullptr, false, true);
            if (!in || ops.is_discarded()) {
                std::cerr << "moodle-sim: cannot read " << scenario << " as JSON\n";
                return 65;
            }
            auto results = sim.control(ops);
            for (const auto& r : results.is_array() ? results : nlohmann::json::array({results}))
                if (r.is_object() && r.contains("error")) {
                    std::cerr << "moodle-sim: " << scenario << ": " << r["error"].get<std::string>() << '\n';
                    return 65;
                }
        }
        std::cout << "moodle-sim listening on " << sim.base_url()
                  << ", control on http://127.0.0.1:" << sim.control_port() << std::endl;
        if (!ready_file.empty()) {
            std::ofstream(ready_file + ".tmp") << sim.port() << ' ' << sim.control_port() << '\n';
            std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());
        }
        int signal = 0;
        sigwait(&stop, &signal);
        std::cout << "moodle-sim: stopping" << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "moodle-sim: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
