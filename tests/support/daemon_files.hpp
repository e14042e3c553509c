// The files `prereadd` needs to run against a simulator: one place for the
// global file the e2e, fault and scale runs share, each adjusting only what
// its scenario is about.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace prereadd::test {

// Writes `dir`/etc/app-password (mode 0600, as prereadd demands) and
// `dir`/etc/prereadd.json for the service account `preread` at `base_url`:
// state in `dir`/state, the audit log `dir`/audit.log, projects in
// etc/projects.d, metrics off, after `adjust` changed what the caller needs.
// Returns the global file's path.
inline std::filesystem::path write_daemon_config(const std::filesystem::path& dir, const std::string& base_url,
                                                 const std::string& app_password,
                                                 const std::function<void(nlohmann::json&)>& adjust = {})
{
    namespace fs = std::filesystem;
    fs::create_directories(dir / "etc");
    std::ofstream(dir / "etc/app-password", std::ios::binary) << app_password << '\n';
    fs::permissions(dir / "etc/app-password", fs::perms::owner_read | fs::perms::owner_write);
    nlohmann::json global{
        {"nextcloud", {{"url", base_url}, {"user", "preread"}, {"app_password_file", "app-password"}}},
        {"state_directory", (dir / "state").string()},
        {"audit_log", (dir / "audit.log").string()},
        {"projects_directory", "projects.d"},
        {"metrics", {{"enabled", false}}}};
    if (adjust) adjust(global);
    const auto file = dir / "etc/prereadd.json";
    std::ofstream(file, std::ios::binary) << global.dump(2);
    return file;
}

}  // namespace prereadd::test
