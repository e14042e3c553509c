// nextcloud-sim: the simulated Nextcloud as a process, for end-to-end tests
// and the demo. Serves on 127.0.0.1 and takes control operations as JSON.
#include "tests/sim/nextcloud.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

constexpr const char* control_help = R"(Control interface (POST http://127.0.0.1:CONTROL_PORT/control, JSON; an
operation or an array of them; --scenario FILE takes the same array at start):
  {"op":"user","id":"alice","password":"pw","app_password":"ap","display_name":"Alice","timezone":"Asia/Kolkata"}
  {"op":"group","id":"team-alpha","members":["alice","bob"]}
  {"op":"subadmin","user":"preread","group":"team-alpha"}   the group's members become listable by preread
  {"op":"mkdir","user":"preread","path":"/Projects/Alpha"}
  {"op":"put","user":"preread","path":"/Projects/Alpha/agenda.md","content":"...","mime":"text/markdown"}
  {"op":"share","user":"preread","path":"/Projects/Alpha","type":"user|group|link","with":"team-alpha",
   "permissions":31,"expire":"2026-12-09"}
  {"op":"open","user":"bob","path":"/Alpha/agenda.md"}     a browser read (admin_audit "File accessed")
  {"op":"sync","user":"bob","path":"/Alpha/agenda.md"}     a desktop client download
  {"op":"preview","user":"bob","path":"/Alpha/agenda.md"}  a thumbnail (not an open)
  {"op":"comment","user":"bob","path":"/Alpha/agenda.md","message":"Looks good @alice"}
  {"op":"room","user":"preread","name":"Alpha","members":["carol"],"groups":["team-alpha"]}
                                                          a Talk conversation; answers its token
  {"op":"say","user":"alice","token":"4csmt372","message":"Done reading"}    a Talk message
  {"op":"call","user":"alice","token":"4csmt372","action":"join|leave|end","flags":3}
                                                          in the conversation's call (end: for everyone, moderators)
  {"op":"react","user":"alice","token":"4csmt372","message_id":8,"reaction":"👍"}
                                                          (message_id: default the newest comment)
  {"op":"event","user":"preread","calendar":"personal","name":"sync.ics","ics":"BEGIN:VCALENDAR..."}
                                                          a calendar object (replaced if the name exists)
  {"op":"tag","user":"preread","path":"/Projects/Alpha/agenda.md","tag":"2026-12-02"}   a collaborative tag
  {"op":"audit_format","format":"nc29|with_file_ids|nc34"}   admin_audit lines of 29, early 30.0, or 30.x-34
  {"op":"loglevel","level":2}                           config.php's loglevel: above 1 drops the admin_audit lines
  {"op":"app","id":"files_downloadactivity","enabled":true}   reads of shared files in the owner's Activity stream
  {"op":"app","id":"deck","enabled":false}              activity, spreed, deck: gone from the capabilities
  {"op":"rooms"}                                        every Talk conversation: token, type, name, members
  {"op":"maintenance","on":true}
  {"op":"fault","kind":"status|delay|stall|reset|truncated|malformed|oversized","route":"/remote.php/dav/",
   "status":503,"retry_after":"120","delay_ms":500,"bytes":33554432,"count":1,"window_ms":5000}
  {"op":"clear_faults"}
  {"op":"board","user":"preread","title":"Alpha","stack":"Pre-reads"}   a Deck board and stack; answers their ids
  {"op":"cards","stack":4}                              the cards of a stack
  {"op":"messages","token":"4csmt372"}                  the conversation's comments, oldest first
  {"op":"stats"}
Paths are as that user sees them. GET /healthz answers {"ok":true}.)";

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{
        "nextcloud-sim: a simulated Nextcloud 29 (WebDAV, OCS, shares, comments, activity, admin_audit) "
        "for prereadd's tests and demo",
        "nextcloud-sim"};
    app.footer(control_help);
    prereadd::sim::options opts;
    opts.control = true;
    std::string scenario;
    std::string audit_format_name = "nc29";
    std::string ca_out;
    std::string ready_file;
    app.add_option("--port", opts.port, "HTTP(S) port on 127.0.0.1 (default: chosen by the system)");
    app.add_option("--control-port", opts.control_port, "control port on 127.0.0.1 (default: chosen by the system)");
    app.add_flag("--tls", opts.tls, "serve HTTPS with a certificate made at start");
    app.add_option("--ca-out", ca_out, "with --tls: write the CA certificate (PEM) to this file");
    app.add_option("--audit-log", opts.audit_log, "append admin_audit JSON lines to this file");
    app.add_option("--audit-node", opts.audit_nodes,
                   "more web nodes of a cluster, each with its audit log in this file (repeatable): requests are "
                   "served by --audit-log's node and these in turn");
    std::string server = "29";
    app.add_option("--dialect", server, "the Nextcloud to answer as: 29 (captures/) or 34 (captures-34/)")
        ->check(CLI::IsMember({"29", "34"}));
    app.add_option("--audit-format", audit_format_name,
                   "nc29 (File accessed: \"<path>\"), file-ids (early 30.0: id and storage path) or nc34 "
                   "(id and /<reader>/files/<path>; the default with --dialect 34)")
        ->check(CLI::IsMember({"nc29", "file-ids", "nc34"}));
    app.add_option("--scenario", scenario, "JSON file with an array of control operations applied at start");
    app.add_option("--ready-file", ready_file, "write \"PORT CONTROL_PORT\" to this file once listening");
    CLI11_PARSE(app, argc, argv);
    using prereadd::sim::audit_format;
    opts.server = server == "34" ? prereadd::sim::dialect::nc34 : prereadd::sim::dialect::nc29;
    const bool format_given = app.get_option("--audit-format")->count() > 0;
    opts.audit = audit_format_name == "file-ids"                                    ? audit_format::with_file_ids
                 : audit_format_name == "nc34" || (server == "34" && !format_given) ? audit_format::nc34
                                                                                    : audit_format::nc29;

    // Block the stop signals before the server thread starts, so only sigwait sees them.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);

    try {
        prereadd::sim::nextcloud sim(opts);
        if (!scenario.empty()) {
            std::ifstream in(scenario);
            if (!in) {
                std::cerr << "nextcloud-sim: cannot read " << scenario << '\n';
                return 66;
            }
            auto ops = nlohmann::json::parse(in, nullptr, false, true);
            if (ops.is_discarded()) {
                std::cerr << "nextcloud-sim: " << scenario << " is not JSON\n";
                return 65;
            }
            auto results = sim.control(ops);
            for (const auto& r : results.is_array() ? results : nlohmann::json::array({results}))
                if (r.contains("error")) {
                    std::cerr << "nextcloud-sim: " << scenario << ": " << r["error"].get<std::string>() << '\n';
                    return 65;
                }
        }
        if (!ca_out.empty() && opts.tls) std::ofstream(ca_out) << sim.ca_certificate_pem();
        std::cout << "nextcloud-sim listening on " << sim.base_url()
                  << ", control on http://127.0.0.1:" << sim.control_port() << std::endl;
        if (!ready_file.empty()) {
            std::ofstream(ready_file + ".tmp") << sim.port() << ' ' << sim.control_port() << '\n';
            std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());
        }
        int signal = 0;
        sigwait(&stop, &signal);
        std::cout << "nextcloud-sim: stopping (" << (signal == SIGTERM ? "SIGTERM" : "SIGINT") << ")" << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "nextcloud-sim: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
