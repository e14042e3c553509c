// "Did you mean": the known name closest to a misspelt one, so an unknown
// field in a configuration file comes with the fix.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace prereadd::config::detail {

// Levenshtein distance: insertions, deletions and substitutions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest of `known` within two edits of `name`; nullopt when none is.
std::optional<std::string_view> closest_name(std::string_view name, const std::vector<std::string_view>& known);

}  // namespace prereadd::config::detail
