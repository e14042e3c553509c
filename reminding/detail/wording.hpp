// What the message files share beyond messages.hpp: the clock of a time in a
// zone, and the pieces every message is built of (wording.cpp).
#pragma once

#include "reminding/messages.hpp"

namespace prereadd::reminding::detail {

// "14:30" (or "2:30 PM", as `l`'s locale writes a time) in `zone`.
std::string clock_of(date::sys_seconds t, const date::time_zone& zone, const i18n::language& l);
// "14:30 (Asia/Kolkata)", with the day when it is not the project's day there.
std::string clock_in(date::sys_seconds t, const date::time_zone& zone, const date::time_zone& project_zone,
                     const i18n::language& l);
// "**Kick-off**": the session's title in bold.
std::string bold_title(const reminder_input& in);
// "**Kick-off** — <its time in `zone`, and the project's when it differs>, in 3 days."
std::string headline(const reminder_input& in, const i18n::language& l, const date::time_zone* zone = nullptr);
// The call's link and the board worked on in it, each on its line.
std::string call_lines(const reminder_input& in, const i18n::language& l);
// The documents' labels, each made literal by `literal` (talk_text, deck_text), joined by ", ".
std::string paths_of(const std::vector<const pre_read_doc*>& docs, std::string (*literal)(std::string_view));
// The items joined by ", " (lists of documents: each already literal).
std::string joined(const std::vector<std::string>& items, const char* separator = ", ");

}  // namespace prereadd::reminding::detail
