// Every tunable of the HTTP client in one documented struct, with the
// defaults a Nextcloud beside the daemon is comfortable with.
#pragma once

#include "http/retry_policy.hpp"
#include "prereadd/version.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace prereadd::http {

// A secret that cannot be printed by accident: it has no stream operator and
// its only accessor says what it is for.
class secret {
public:
    secret() = default;
    explicit secret(std::string value) : value_(std::move(value)) {}
    const std::string& reveal_for_authorization() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }

private:
    std::string value_;
};

struct credential {
    std::string user;
    secret app_password;
};

struct client_config {
    // Connections open at once to one host (scheme, host, port), idle or busy.
    std::size_t max_connections_per_host = 4;
    // Deadline of one attempt: resolve, connect, TLS handshake, write and read.
    std::chrono::milliseconds request_timeout{30'000};
    // An idle keep-alive connection older than this is closed, not reused.
    std::chrono::milliseconds idle_timeout{30'000};
    // Largest response body accepted; a larger one is an error, never truncated.
    std::size_t max_body_size = 16 * 1024 * 1024;
    // Largest response header block accepted.
    std::size_t max_header_size = 64 * 1024;
    // Same-host redirects followed before giving up.
    unsigned max_redirects = 5;
    // PEM file of the CA(s) to trust instead of the system store.
    std::optional<std::filesystem::path> ca_file;
    // Sent as User-Agent; Nextcloud's logs (and admin_audit) show it.
    std::string user_agent = std::string("prereadd/") + prereadd::version;
    struct retry_config retry;
};

}  // namespace prereadd::http
