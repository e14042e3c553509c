// A scripted HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel) for
// client tests: plain or TLS, it answers each request as the test's handler
// says, including stalls, raw bytes and abrupt closes, on its own thread.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace prereadd::test {

struct received_request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::size_t connection = 0;  // 1-based number of the connection it came on
};

struct reply {
    enum class action {
        respond,  // an ordinary response
        raw,      // `raw` written as is
        stall,    // never answer; the connection stays open until the server stops
        close,    // close the connection without answering
    };
    action what = action::respond;
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool keep_alive = true;  // false: "Connection: close", then close
    std::string raw;
    // After a raw reply, close the TCP socket (without a TLS close_notify).
    bool close_after_raw = true;
    std::chrono::milliseconds delay{0};  // wait this long before answering (a timer, not a sleep)
};

using handler = std::function<reply(const received_request&)>;

struct tls_identity {
    std::string certificate_pem;
    std::string private_key_pem;
};

class test_server {
public:
    explicit test_server(handler h, const tls_identity* tls = nullptr);
    test_server(const test_server&) = delete;
    test_server& operator=(const test_server&) = delete;
    ~test_server();

    std::uint16_t port() const { return port_; }
    // "http://127.0.0.1:PORT" + target, or https with `host` for TLS tests.
    std::string url(const std::string& target, const std::string& host = "127.0.0.1") const;

    std::size_t connections_accepted() const;
    std::size_t max_concurrent_connections() const;
    std::size_t connections_closed() const;
    std::vector<received_request> requests() const;
    std::size_t request_count() const;

    // Blocks until `n` requests arrived or the timeout passes; false on timeout.
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
    // Blocks until `n` connections were closed by the server or the peer.
    bool wait_for_closed(std::size_t n, std::chrono::milliseconds timeout) const;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
    std::uint16_t port_ = 0;
    bool tls_ = false;
};

// A free port on 127.0.0.1 with nothing listening (for refused connections).
std::uint16_t unused_port();

}  // namespace prereadd::test
