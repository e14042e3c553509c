// libFuzzer target: OCS envelopes and every data parser the daemon uses
// (shares, group members, activities, Talk participants and chat, Deck cards),
// fed both through the envelope and directly with the JSON.
#include "ocs/deck.hpp"
#include "ocs/envelope.hpp"
#include "ocs/talk.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void every_parser(const nlohmann::json& j)
{
    using namespace prereadd::ocs;
    (void)parse_shares(j);
    (void)parse_group_members(j);
    (void)parse_activities(j);
    (void)parse_talk_participants(j);
    (void)parse_chat_message(j);
    (void)parse_chat_messages(j);
    (void)parse_deck_card(j);
    (void)parse_deck_stack_cards(j);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    (void)prereadd::ocs::parse_envelope(body);
    if (auto payload = prereadd::ocs::parse_ok_data(body)) every_parser(*payload);
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded()) every_parser(j);
    return 0;
}
