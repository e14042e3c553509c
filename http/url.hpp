// Absolute request URLs split into the origin (what a connection pool is keyed
// by) and the request target, and redirect Locations resolved against them.
#pragma once

#include "http/error.hpp"

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace prereadd::http {

struct origin {
    bool tls = true;
    std::string host;  // a DNS name, or an IP literal without brackets
    std::uint16_t port = 443;

    auto operator<=>(const origin&) const = default;

    bool host_is_ip_literal() const;
    std::string host_header() const;  // "host" or "host:port", brackets for IPv6
    std::string to_string() const;    // "https://host:port"
};

struct url {
    struct origin origin;
    std::string target;  // percent-encoded path and query, never empty

    std::string to_string() const;
    // This URL (taken as a base, trailing '/' ignored) with `path` appended.
    std::string with_path(std::string_view path) const;
};

// Only http and https URLs with a host are accepted; user info in the URL is
// refused because credentials come from the credential file, not the URL.
outcome<url> parse_url(std::string_view text);

// Resolves a Location header (absolute or relative) against the URL it answered.
outcome<url> resolve_location(const url& base, std::string_view location);

}  // namespace prereadd::http
