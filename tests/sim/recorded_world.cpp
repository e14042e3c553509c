// Seed data for replaying the captures (see recorded_world.hpp).
// Ids follow the recording: /Projects is file 12, agenda.md 14, slides.pdf 16.
#include "tests/sim/recorded_world.hpp"

#include <openssl/evp.h>

namespace prereadd::sim {
namespace {

std::string base64(const std::string& plain)
{
    std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

}  // namespace

options recorded_options()
{
    options o;
    o.instance_id = "ocbzdkb6usbu";
    return o;
}

void seed_recorded_world(nextcloud& sim)
{
    sim.with_world([](world& w) {
        for (const char* id : {"admin", "alice", "bob", "carol", "preread"})
            w.add_user(id, recorded_credentials::password_of(id));
        w.find_user("preread")->app_passwords.insert(recorded_credentials::app_password);
        w.find_user("preread")->last_login_ms = 1795610598000;
        w.find_user("preread")->logged_in = true;  // a service account: no skeleton files
        w.add_group("admin", {"admin"});
        w.add_group("team-alpha", {"alice", "bob", "carol"});
        w.set_next_node_id(12);
    });
}

void before_recording(nextcloud& sim, const capture& next)
{
    if (next.name.starts_with("04a")) {
        // budget.ods and slides.pdf were uploaded between 03c and 04a.
        sim.with_world([](world& w) {
            w.put_file("preread", "/Projects/Alpha/budget.ods", std::string(408, 'b'),
                       "application/vnd.oasis.opendocument.spreadsheet");
            w.put_file("preread", "/Projects/Alpha/slides.pdf", std::string(193, 'p'), "application/pdf");
        });
    }
    if (next.name.starts_with("04c")) sim.with_world([](world& w) { w.set_next_token("4sbXfwb34CS7gyM"); });
    if (next.name.starts_with("10d")) {
        // The ETag study's comment was made without a recording and removed before section 11.
        sim.with_world([](world& w) {
            w.add_comment(14, "bob", "ETag study comment");
        });
    }
    if (next.name.starts_with("11a")) sim.with_world([](world& w) { w.remove_comments(14); });
    if (next.name.starts_with("21a")) sim.set_maintenance(true);
    if (next.name.starts_with("22a")) sim.set_maintenance(false);
}

std::string authorization_for(const capture& c)
{
    auto recorded = c.request.header("Authorization");
    if (recorded.empty()) return {};
    const bool wrong = c.description.find("wrong password") != std::string::npos;
    // "Basic <base64 USER:<app-password>>" or "Basic <base64 USER:<password>>"
    auto start = recorded.find("<base64 ");
    auto colon = recorded.find(':', start);
    if (start == std::string::npos || colon == std::string::npos) return recorded;
    std::string user = recorded.substr(start + 8, colon - start - 8);
    std::string secret = recorded.find("<app-password>") != std::string::npos
                             ? recorded_credentials::app_password
                             : recorded_credentials::password_of(user);
    if (wrong) secret = "wrong-" + secret;
    return "Basic " + base64(user + ":" + secret);
}

}  // namespace prereadd::sim
