// The store's enumerations read back from their TEXT columns (names.cpp),
// for both backends; anything else (a hand-edited row) reads as the fallback named.
#pragma once

#include "store/state.hpp"

#include <string>
#include <vector>

namespace prereadd::store::detail {

outbox_state outbox_state_from(const std::string& text);              // intent
deck_card_state deck_card_state_from(const std::string& text);        // open
engagement_kind kind_from(const std::string& text);                   // acknowledged
participant_source participant_source_from(const std::string& text);  // config

// Lists kept in one TEXT column, one item per line (tags, assignees).
std::string as_lines(const std::vector<std::string>& items);
std::vector<std::string> lines_of(const std::string& text);

}  // namespace prereadd::store::detail
