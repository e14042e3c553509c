// Loading the configuration: the global file, then every project file in
// its projects directory, each checked on its own and against the others
// (ids and folders are unique). Every problem is collected, not just the
// first, so an admin fixes a file in one round.
#include "config/configuration.hpp"

#include "config/loaders.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace prereadd::config {

namespace fs = std::filesystem;
using detail::error_sink;
using detail::in_quotes;

namespace {

// The project files of the directory, each read and checked against the ones before it.
std::vector<project_config> load_projects(const fs::path& directory, error_sink& global_sink,
                                          std::vector<config_error>& errors)
{
    std::vector<project_config> projects;
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) {
        global_sink.add("projects_directory", directory.string() + " does not exist or is not a directory");
        return projects;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(directory, ec))
        if (entry.path().extension() == ".json" && !entry.path().filename().string().starts_with("."))
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::map<std::string, fs::path> ids;
    std::map<std::string, fs::path> folders;
    for (const auto& f : files) {
        error_sink sink(f, errors);
        auto project = detail::load_project(f, sink);
        if (!project) continue;
        if (!project->id.empty()) {
            if (auto [it, fresh] = ids.emplace(project->id, f); !fresh)
                sink.add("id", in_quotes(project->id) + " is already the id of the project in " + it->second.string());
        }
        if (!project->folder.empty()) {
            if (auto [it, fresh] = folders.emplace(project->folder, f); !fresh)
                sink.add("folder",
                         in_quotes(project->folder) + " is already watched by the project in " + it->second.string());
        }
        projects.push_back(std::move(*project));
    }
    return projects;
}

}  // namespace

std::chrono::seconds longest_lead(const project_config& p)
{
    std::chrono::seconds longest{0};
    for (auto lead : p.lead_times) longest = std::max(longest, lead);
    if (p.digest) longest = std::max(longest, *p.digest);
    return longest;
}

std::string config_error::to_string() const
{
    std::string text = file.string();
    if (line != 0) text += ':' + std::to_string(line) + ':' + std::to_string(column);
    text += ": ";
    if (!field.empty()) text += field + ": ";
    text += message;
    return text;
}

environment environment::from_process()
{
    environment env;
    if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) env.credentials_directory = dir;
    return env;
}

load_result load_configuration(const fs::path& global_file, const environment& env)
{
    load_result result;
    const fs::path file = fs::absolute(global_file).lexically_normal();
    error_sink global_sink(file, result.errors);
    auto global = detail::load_global(file, env, global_sink);

    configuration config;
    if (global) {
        config.projects = load_projects(global->projects_directory, global_sink, result.errors);
        config.global = std::move(*global);
    }
    for (const auto& p : config.projects)
        if (p.moodle && !config.global.moodle)
            error_sink(p.file, result.errors)
                .add("moodle",
                     "needs the Moodle site in " + file.string() + " (\"moodle\": {\"url\", \"token_file\"})");
    if (result.errors.empty()) {
        std::sort(config.projects.begin(), config.projects.end(),
                  [](const project_config& a, const project_config& b) { return a.id < b.id; });
        result.config = std::move(config);
    }
    return result;
}

std::string describe(const audit_config& a)
{
    std::string out;
    switch (a.type) {
    case audit_config::kind::file: out = "file"; break;
    case audit_config::kind::syslog: out = "syslog file"; break;
    case audit_config::kind::systemd: out = "journal, SYSLOG_IDENTIFIER=" + a.tag; break;
    }
    if (a.files.size() > 1) out += "s";
    for (std::size_t i = 0; i < a.files.size(); ++i) out += (i ? ", " : " ") + a.files[i].string();
    if (a.type == audit_config::kind::syslog) out += " (tag " + a.tag + ")";
    if (a.journal_directory) out += " in " + a.journal_directory->string();
    for (const auto& f : a.journal_files) out += " " + f.string();
    return out;
}

bool same_database(const std::optional<database_config>& a, const std::optional<database_config>& b)
{
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->uri == b->uri && a->node == b->node && a->lease_time == b->lease_time &&
                  a->password_file == b->password_file);
}

}  // namespace prereadd::config
