// The Moodle 4.5.6 of tests/recordings/moodle-api as it was when recorded: users,
// the ALPHA course, its modules and group, the prereadd service and its
// tokens, and what changed between recordings (capabilities granted and
// taken away, debugging, course completion criteria, cron).
#pragma once

#include "tests/sim/capture.hpp"
#include "tests/sim/moodle.hpp"

#include <string>
#include <vector>

namespace prereadd::sim {

// Seeds `world` with the recorded site.
void seed_recorded_moodle(moodle_world& world);
// The state the recording was made in, set just before it is replayed.
void before_moodle_recording(moodle_world& world, const capture& c);
// The order the recordings were made in (their Date headers; the file names
// group them by topic).
std::vector<std::size_t> moodle_replay_order(const std::vector<capture>& captures);
// The token the simulator gave the recording's user ("preread", "bob", ...).
std::string recorded_token(const std::string& user);

}  // namespace prereadd::sim
