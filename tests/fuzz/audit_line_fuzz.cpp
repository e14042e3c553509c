// libFuzzer target: one admin_audit log line, read whole and glanced at, and
// the sync-client test on a user agent.
#include "tracking/audit_line.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    if (auto a = prereadd::tracking::read_audit_line(line))
        if (a->user.empty()) __builtin_trap();  // a read is always somebody's
    if (auto a = prereadd::tracking::glance_at_audit_line(line))
        if (a->user.empty()) __builtin_trap();
    (void)prereadd::tracking::is_sync_client(line);
    return 0;
}
