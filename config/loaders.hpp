// The two kinds of file and the parts of a project file, each read into its
// configuration with every problem reported to the sink. Internal to the
// config library: load_configuration (configuration.hpp) is the interface.
#pragma once

#include "config/reader.hpp"

namespace prereadd::config::detail {

std::optional<global_config> load_global(const std::filesystem::path& file, const environment& env, error_sink& sink);
std::optional<project_config> load_project(const std::filesystem::path& file, error_sink& sink);

// "sessions" and "weekly" of a project file (sessions.cpp).
void load_sessions(object_reader& r, project_config& p);

}  // namespace prereadd::config::detail
