// What a valid value looks like: Nextcloud user and group ids, project ids,
// Talk tokens, loopback hosts, weekday names. Pure predicates.
#pragma once

#include <date/date.h>

#include <optional>
#include <string>
#include <string_view>

namespace prereadd::config::detail {

// Nextcloud user and group ids: no slashes, control characters or padding.
bool valid_principal(std::string_view s);
// Lower-case letters, digits, '-' and '_', at most 64, starting with a letter or digit.
bool valid_project_id(std::string_view s);
// The lower-case letters and digits at the end of a conversation's link.
bool valid_talk_token(std::string_view s);
// "localhost" or a loopback IP address (where plain http is allowed).
bool is_loopback_host(const std::string& host);
// "MO" or "monday", in any case.
std::optional<date::weekday> parse_weekday(std::string s);

}  // namespace prereadd::config::detail
