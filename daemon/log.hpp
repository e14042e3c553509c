// Log lines on stderr with sd-daemon priority prefixes ("<3>..."), so the
// journal keeps each line's level (systemd reads them from a service's
// stderr). Nothing here formats secrets: callers pass plain text only.
#pragma once

#include <string_view>

namespace prereadd::daemon {

enum class priority { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

void log(priority p, std::string_view message);

}  // namespace prereadd::daemon
