// Compares a response of the simulator with the response a real Nextcloud
// recorded: status, the headers that matter, and the body's structure. Values
// that legitimately differ (ids, tokens, times, ETags) are compared by form.
#pragma once

#include "tests/sim/capture.hpp"

#include <string>
#include <vector>

namespace prereadd::sim {

struct observed_response {
    unsigned status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// The form of a value: digit runs become "9", alphanumeric runs that mix
// letters and digits (tokens, hex ids, ETags) become "<alnumN>", HTTP and
// ISO 8601 dates become "<http-date>" / "<iso-date>"; the rest stays.
std::string value_form(std::string_view value);

// Differences in words; empty when the responses match.
std::vector<std::string> compare_responses(const capture& recorded, const observed_response& actual);

}  // namespace prereadd::sim
