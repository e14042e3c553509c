// The state of the Nextcloud the captures were recorded on, as far as the
// recordings do not create it themselves: users, groups, passwords, files
// uploaded outside the recordings, and when maintenance mode was on.
#pragma once

#include "tests/sim/capture.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/sim/routes.hpp"

#include <string>
#include <vector>

namespace prereadd::sim {

// Placeholder credentials of the recordings mapped to the simulator's users.
struct recorded_credentials {
    static constexpr const char* app_password = "sim-app-password";
    static std::string password_of(const std::string& user) { return "sim-password-" + user; }
};

// Options that reproduce the recorded instance (its instance id).
options recorded_options();

// Seeds users and groups; call once before replaying.
void seed_recorded_world(nextcloud& sim);

// State changes that happened on the recorded server before `next` was
// recorded but are not themselves recordings (uploads, maintenance mode).
void before_recording(nextcloud& sim, const capture& next);

// The order the recordings were made in (file order, with the known exceptions).
std::vector<std::size_t> replay_order(const std::vector<capture>& captures);

// The Authorization header to send for a recorded request: the simulator's
// credentials in place of the placeholder, or a wrong one where the
// recording shows a failed login.
std::string authorization_for(const capture& c);

// Runs a request through the routes as `user` would send it, outside the
// recordings (what the recorded server saw between them), with the recorded
// credentials; the admin_audit lines it writes are dropped.
sim_response as_recorded_user(world& w, const std::string& user, const std::string& method, const std::string& target,
                              const std::string& body = {}, const std::string& user_agent = "curl/7.88.1");

// The same for the Nextcloud 34.0.1 recordings in captures-34 (their own
// server, ids and state: captures-34/README.md, "State notes").
options recorded_options_34();
void seed_recorded_world_34(nextcloud& sim);
void before_recording_34(nextcloud& sim, const capture& next);
std::vector<std::size_t> replay_order_34(const std::vector<capture>& captures);

}  // namespace prereadd::sim
