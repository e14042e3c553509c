// Where the tests find files of the source tree: the real recordings, golden texts,
// the simulator's README. Only source_tree.cpp knows the clone's path, so no other
// object file depends on it and a compiler cache serves a clone in any folder.
#pragma once

#include <string>
#include <string_view>

namespace prereadd::test {

// `relative` below the repository's root, as an absolute path.
std::string source_path(std::string_view relative);

inline std::string nextcloud29_recordings() { return source_path("tests/recordings/nextcloud-api/captures"); }
inline std::string nextcloud34_recordings() { return source_path("tests/recordings/nextcloud-api/captures-34"); }
inline std::string moodle_recordings() { return source_path("tests/recordings/moodle-api/captures"); }

}  // namespace prereadd::test
