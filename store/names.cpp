// The store's enumerations as their TEXT columns hold them (see the CHECK
// constraints in database.cpp): one table per enumeration, in declaration
// order, read both ways.
#include "store/names.hpp"

#include <string_view>

namespace prereadd::store {
namespace {

constexpr const char* engagement_kind_names[] = {"synced", "opened", "commented", "edited", "acknowledged"};
constexpr const char* outbox_state_names[] = {"intent", "sent", "missed", "superseded", "skipped"};
constexpr const char* deck_card_state_names[] = {"open", "done", "done_by_participant", "gone"};
constexpr const char* participant_source_names[] = {"config", "group", "talk", "share", "moodle"};

template <class Enum, std::size_t N>
const char* name_of(Enum e, const char* const (&names)[N]) noexcept
{
    const auto i = static_cast<std::size_t>(e);
    return i < N ? names[i] : names[0];
}

template <class Enum, std::size_t N>
Enum value_of(std::string_view text, const char* const (&names)[N], Enum fallback) noexcept
{
    for (std::size_t i = 0; i < N; ++i)
        if (text == names[i]) return static_cast<Enum>(i);
    return fallback;
}

}  // namespace

const char* to_string(engagement_kind k) noexcept { return name_of(k, engagement_kind_names); }
const char* to_string(outbox_state s) noexcept { return name_of(s, outbox_state_names); }
const char* to_string(deck_card_state s) noexcept { return name_of(s, deck_card_state_names); }
const char* to_string(participant_source s) noexcept { return name_of(s, participant_source_names); }

namespace detail {

outbox_state outbox_state_from(const std::string& text)
{
    return value_of(text, outbox_state_names, outbox_state::intent);
}

deck_card_state deck_card_state_from(const std::string& text)
{
    return value_of(text, deck_card_state_names, deck_card_state::open);
}

participant_source participant_source_from(const std::string& text)
{
    return value_of(text, participant_source_names, participant_source::config);
}

engagement_kind kind_from(const std::string& text)
{
    return value_of(text, engagement_kind_names, engagement_kind::acknowledged);
}

std::string as_lines(const std::vector<std::string>& items)
{
    std::string text;
    for (const auto& i : items) text += i + "\n";
    return text;
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    for (std::size_t start = 0; start < text.size();) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace detail
}  // namespace prereadd::store
