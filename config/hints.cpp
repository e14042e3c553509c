// "Did you mean" (see hints.hpp).
#include "config/hints.hpp"

#include <algorithm>

namespace prereadd::config::detail {

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}
std::optional<std::string_view> closest_name(std::string_view name, const std::vector<std::string_view>& known)
{
    std::optional<std::string_view> best;
    std::size_t best_distance = 3;
    for (auto candidate : known) {
        auto d = edit_distance(name, candidate);
        if (d < best_distance) best_distance = d, best = candidate;
    }
    return best;
}

}  // namespace prereadd::config::detail
