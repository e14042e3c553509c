// libFuzzer target: the configuration loader. The first byte chooses which
// file the rest is: even, a project file beside a valid global file; odd, the
// global file with a valid project beside it. Files live in a private
// directory made once per process.
#include "config/configuration.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

const char* const valid_global = R"({
  "nextcloud": {"url": "https://cloud.example.org", "user": "preread", "app_password_file": "app-password"},
  "state_directory": "/nonexistent/prereadd-fuzz-state",
  "audit_log": null,
  "projects_directory": "projects.d"
})";

const char* const valid_project = R"({
  "id": "alpha", "folder": "/Projects/Alpha", "time_zone": "Europe/Berlin",
  "participants": {"users": ["carol"]},
  "sessions": [{"title": "Kick-off", "start": "2026-12-09T10:00:00"}],
  "reminders": {"lead_times": ["P1D"]}
})";

fs::path directory()
{
    static const fs::path dir = [] {
        std::string templ = (fs::temp_directory_path() / "prereadd-config-fuzz-XXXXXX").string();
        if (!::mkdtemp(templ.data())) std::abort();
        fs::create_directories(fs::path(templ) / "projects.d");
        std::ofstream(fs::path(templ) / "app-password") << "placeholder";
        fs::permissions(fs::path(templ) / "app-password", fs::perms::owner_read | fs::perms::owner_write);
        return fs::path(templ);
    }();
    return dir;
}

void write(const fs::path& p, const char* data, std::size_t size)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(data, static_cast<std::streamsize>(size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    const auto dir = directory();
    const bool global = data[0] % 2 == 1;
    const char* text = reinterpret_cast<const char*>(data + 1);
    if (global) {
        write(dir / "prereadd.json", text, size - 1);
        write(dir / "projects.d" / "alpha.json", valid_project, std::char_traits<char>::length(valid_project));
    } else {
        write(dir / "prereadd.json", valid_global, std::char_traits<char>::length(valid_global));
        write(dir / "projects.d" / "alpha.json", text, size - 1);
    }
    const auto loaded = prereadd::config::load_configuration(dir / "prereadd.json", {});
    // Refused or accepted, never both, and every refusal names its file.
    if (loaded.config.has_value() == !loaded.errors.empty()) __builtin_trap();
    for (const auto& e : loaded.errors)
        if (e.file.empty() || e.message.empty()) __builtin_trap();
    return 0;
}
