// How the configuration files are read: JSON with comments, every problem
// collected with its file, line:column or field path, so an admin fixes a
// file in one round. Internal to the config library (configuration.hpp is
// its interface).
#pragma once

#include "config/configuration.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::config::detail {

using json = nlohmann::json;

class error_sink {
public:
    error_sink(std::filesystem::path file, std::vector<config_error>& errors) : file_(std::move(file)), errors_(errors)
    {
    }

    void add(std::string field, std::string message)
    {
        errors_.push_back({file_, 0, 0, std::move(field), std::move(message)});
    }
    void add_at(unsigned line, unsigned column, std::string message)
    {
        errors_.push_back({file_, line, column, {}, std::move(message)});
    }
    const std::filesystem::path& file() const { return file_; }

private:
    std::filesystem::path file_;
    std::vector<config_error>& errors_;
};

// Field paths as the errors name them: "reminders.lead_times[2]".
std::string member(const std::string& base, std::string_view key);
std::string element(const std::string& base, std::size_t i);
std::string in_quotes(std::string_view s);

// A language code from a configuration file ("de", "pt_BR" -> its catalogue's
// "de", "pt"), or "" after telling `sink` that prereadd has no such language.
std::string checked_language(const std::string& text, const std::string& field, error_sink& sink);

// Reads the members of one JSON object, remembering which keys were asked
// for so that everything else can be reported as unknown (with a "did you
// mean" from hints.hpp when a known key is close).
class object_reader {
public:
    object_reader(const json& value, std::string path, error_sink& sink, std::vector<std::string_view> keys);
    ~object_reader();
    object_reader(const object_reader&) = delete;
    object_reader& operator=(const object_reader&) = delete;

    bool valid() const { return valid_; }
    const std::string& path() const { return path_; }
    std::string field(std::string_view key) const { return member(path_, key); }
    error_sink& sink() { return sink_; }

    // The member, or nullptr (reported when required).
    const json* get(std::string_view key, bool required);
    std::optional<std::string> string(std::string_view key, bool required, bool allow_empty = false);
    std::optional<bool> boolean(std::string_view key);
    std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min, std::int64_t max);
    std::optional<std::chrono::seconds> duration(std::string_view key, bool required, std::chrono::seconds min,
                                                 std::chrono::seconds max);

    // An array whose elements are passed to `each(element, path)`.
    template <class Each>
    bool array(std::string_view key, bool required, Each&& each)
    {
        const json* v = get(key, required);
        if (!v) return false;
        if (!v->is_array()) {
            sink_.add(field(key), std::string("must be an array, not ") + v->type_name());
            return false;
        }
        for (std::size_t i = 0; i < v->size(); ++i) each((*v)[i], element(field(key), i));
        return true;
    }

    // An array of distinct strings each passing `valid` ("is not <what>" otherwise).
    std::vector<std::string> strings(std::string_view key, bool (*valid)(std::string_view), const char* what);

private:
    void report_unknown();

    const json& value_;
    std::string path_;
    error_sink& sink_;
    std::vector<std::string_view> keys_;
    bool valid_ = false;
};

// Configuration and credential files are small; a path to a device or a huge
// file (a typo, /dev/zero) is refused rather than read until memory runs out.
inline constexpr std::size_t max_config_file_size = 1024 * 1024;

// The file's text, or nullopt with `why` set.
std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& why);
// Parses JSON with comments; a syntax error is reported with line and column.
std::optional<json> parse_json_file(const std::filesystem::path& path, error_sink& sink);
std::filesystem::path resolve_against(const std::filesystem::path& base_directory, const std::filesystem::path& p);

}  // namespace prereadd::config::detail
