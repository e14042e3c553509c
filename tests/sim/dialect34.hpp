// The Nextcloud 34 dialect of the simulator (dialect34.cpp).
#pragma once

#include "tests/sim/routes.hpp"

#include <string>

namespace prereadd::sim {

// Turns the simulator's Nextcloud 29 answer to `req` into what Nextcloud
// 34.0.1 answers; `viewer` is the logged-in user ("" when none).
void speak_nc34(const sim_request& req, const std::string& viewer, sim_response& res);

}  // namespace prereadd::sim
