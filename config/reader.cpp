// Reading the configuration files (see reader.hpp).
#include "config/reader.hpp"

#include "i18n/language.hpp"

#include "config/hints.hpp"
#include "scheduler/time.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

namespace prereadd::config::detail {

namespace fs = std::filesystem;

std::string member(const std::string& base, std::string_view key)
{
    return base.empty() ? std::string(key) : base + '.' + std::string(key);
}

std::string element(const std::string& base, std::size_t i) { return base + '[' + std::to_string(i) + ']'; }

std::string in_quotes(std::string_view s) { return '"' + std::string(s) + '"'; }

object_reader::object_reader(const json& value, std::string path, error_sink& sink, std::vector<std::string_view> keys)
    : value_(value), path_(std::move(path)), sink_(sink), keys_(std::move(keys))
{
    valid_ = value_.is_object();
    if (!valid_)
        sink_.add(path_.empty() ? std::string("(top level)") : path_,
                  std::string("must be an object, not ") + value_.type_name());
}

object_reader::~object_reader() { report_unknown(); }

const json* object_reader::get(std::string_view key, bool required)
{
    if (!valid_) return nullptr;
    auto it = value_.find(key);
    if (it == value_.end()) {
        if (required) sink_.add(field(key), "is required");
        return nullptr;
    }
    return &*it;
}

std::optional<std::string> object_reader::string(std::string_view key, bool required, bool allow_empty)
{
    const json* v = get(key, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
        sink_.add(field(key), std::string("must be a string, not ") + v->type_name());
        return std::nullopt;
    }
    auto s = v->get<std::string>();
    if (s.empty() && !allow_empty) {
        sink_.add(field(key), "must not be empty");
        return std::nullopt;
    }
    return s;
}

std::optional<bool> object_reader::boolean(std::string_view key)
{
    const json* v = get(key, false);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
        sink_.add(field(key), std::string("must be true or false, not ") + v->type_name());
        return std::nullopt;
    }
    return v->get<bool>();
}

std::optional<std::int64_t> object_reader::integer(std::string_view key, bool required, std::int64_t min,
                                                   std::int64_t max)
{
    const json* v = get(key, required);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) {
        sink_.add(field(key), std::string("must be a whole number, not ") + v->type_name());
        return std::nullopt;
    }
    std::int64_t n = v->is_number_unsigned() && v->get<std::uint64_t>() > std::uint64_t(INT64_MAX)
                         ? INT64_MAX
                         : v->get<std::int64_t>();
    if (n < min || n > max) {
        sink_.add(field(key),
                  "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " + v->dump());
        return std::nullopt;
    }
    return n;
}

std::optional<std::chrono::seconds> object_reader::duration(std::string_view key, bool required,
                                                            std::chrono::seconds min, std::chrono::seconds max)
{
    auto text = string(key, required);
    if (!text) return std::nullopt;
    auto d = scheduler::parse_duration(*text);
    if (!d) {
        sink_.add(field(key), d.error().reason);
        return std::nullopt;
    }
    if (*d < min || *d > max) {
        sink_.add(field(key), "must be between " + scheduler::format_duration(min) + " and " +
                                  scheduler::format_duration(max) + ", not " + in_quotes(*text));
        return std::nullopt;
    }
    return *d;
}

std::vector<std::string> object_reader::strings(std::string_view key, bool (*valid)(std::string_view), const char* what)
{
    std::vector<std::string> out;
    std::set<std::string> seen;
    array(key, false, [&](const json& e, const std::string& path) {
        if (!e.is_string()) {
            sink_.add(path, std::string("must be a string, not ") + e.type_name());
        } else if (!valid(e.get<std::string>())) {
            sink_.add(path, in_quotes(e.get<std::string>()) + " is not " + what);
        } else if (!seen.insert(e.get<std::string>()).second) {
            sink_.add(path, in_quotes(e.get<std::string>()) + " is listed twice");
        } else {
            out.push_back(e.get<std::string>());
        }
    });
    return out;
}

void object_reader::report_unknown()
{
    if (!valid_) return;
    for (const auto& [key, v] : value_.items()) {
        if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
        std::string message = "unknown field";
        if (auto best = closest_name(key, keys_)) message += " (did you mean " + in_quotes(*best) + "?)";
        sink_.add(field(key), message);
    }
}

std::optional<std::string> read_text_file(const fs::path& path, std::string& why)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = "cannot read " + path.string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    std::string content(max_config_file_size + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    if (in.bad()) {
        why = "cannot read " + path.string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    content.resize(static_cast<std::size_t>(in.gcount()));
    if (content.size() > max_config_file_size) {
        why = path.string() + " is larger than 1 MiB: not a configuration or credential file";
        return std::nullopt;
    }
    return content;
}

// Parses JSON with comments; a syntax error is reported with line and column.
std::optional<json> parse_json_file(const fs::path& path, error_sink& sink)
{
    std::string why;
    auto text = read_text_file(path, why);
    if (!text) {
        sink.add({}, why);
        return std::nullopt;
    }
    try {
        return json::parse(*text, nullptr, true, /*ignore_comments=*/true);
    } catch (const json::parse_error& e) {
        unsigned line = 1, column = 1;
        std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text->size());
        for (std::size_t i = 0; i < end; ++i) {
            if ((*text)[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        std::string message = e.what();
        // nlohmann's text is "[json.exception.parse_error.101] parse error at line L, column C: WHAT".
        if (auto colon = message.find(": "); colon != std::string::npos) message = message.substr(colon + 2);
        sink.add_at(line, column, "invalid JSON: " + message);
        return std::nullopt;
    }
}

fs::path resolve_against(const fs::path& base_directory, const fs::path& p)
{
    return p.is_absolute() ? p.lexically_normal() : (base_directory / p).lexically_normal();
}

std::string checked_language(const std::string& text, const std::string& field, error_sink& sink)
{
    if (const auto* found = i18n::language::find(text)) return found->code();
    std::string known;
    for (const auto& code : i18n::language::codes()) known += (known.empty() ? "" : ", ") + code;
    sink.add(field, in_quotes(text) + " is not a language prereadd speaks (" + known + ")");
    return {};
}

}  // namespace prereadd::config::detail
