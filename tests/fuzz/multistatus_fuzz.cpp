// libFuzzer target: WebDAV multistatus bodies (PROPFIND listings, comments
// REPORT, CalDAV calendar-query with the calendar data inside).
#include "webdav/multistatus.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    if (auto files = prereadd::webdav::parse_files(body))
        for (const auto& f : *files)
            if (f.href.empty()) __builtin_trap();  // an entry without its href cannot be used
    (void)prereadd::webdav::parse_comments(body);
    (void)prereadd::webdav::parse_calendar_objects(body);
    return 0;
}
