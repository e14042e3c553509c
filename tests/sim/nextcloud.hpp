// A simulated Nextcloud in-process: its own thread and io_context, listening
// on 127.0.0.1 at a port chosen at run time (optionally TLS), answering the
// way the recordings in tests/recordings/nextcloud-api/captures show, with faults
// that tests inject per route.
#pragma once

#include "tests/sim/routes.hpp"
#include "tests/sim/world.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace prereadd::sim {

struct fault {
    enum class kind {
        status,     // answer `status` (with `retry_after` if set) in the route's error format
        delay,      // answer normally after `delay`
        stall,      // read the request, never answer
        reset,      // close with a TCP reset instead of answering
        truncated,  // announce the full Content-Length, send half the body, close
        malformed,  // 200 with a body that does not parse in the route's format
        oversized,  // 200 with a body of `oversized_bytes`
    };
    kind what = kind::status;
    std::string route;  // path prefix this applies to ("/remote.php/dav/"); empty: every route
    unsigned status = 503;
    std::optional<std::string> retry_after;
    std::chrono::milliseconds delay{0};
    std::size_t oversized_bytes = 32 * 1024 * 1024;
    // For the next `count` matching requests (0: no count limit) and/or until `until`.
    std::size_t count = 1;
    std::optional<std::chrono::steady_clock::time_point> until;

    static fault of(kind k)
    {
        fault f;
        f.what = k;
        return f;
    }
    fault& on(std::string prefix)
    {
        route = std::move(prefix);
        return *this;
    }
    fault& answering(unsigned code)
    {
        status = code;
        return *this;
    }
    fault& with_retry_after(std::string value)
    {
        retry_after = std::move(value);
        return *this;
    }
    fault& after(std::chrono::milliseconds d)
    {
        delay = d;
        return *this;
    }
    fault& sized(std::size_t bytes)
    {
        oversized_bytes = bytes;
        return *this;
    }
    // For the next `n` requests; 0 for no count limit (use `for_window` then).
    fault& times(std::size_t n)
    {
        count = n;
        return *this;
    }
    fault& for_window(std::chrono::milliseconds d)
    {
        count = 0;
        until = std::chrono::steady_clock::now() + d;
        return *this;
    }
};

struct options {
    bool tls = false;
    // Nextcloud's instance id, seen in oc:id and OC-FileId.
    std::string instance_id = "ocsimulator1";
    // Where admin_audit lines go (log_type_audit=file); empty: kept in memory only.
    std::filesystem::path audit_log;
    audit_format audit = audit_format::nc29;
    dialect server = dialect::nc29;
    // More web nodes of a cluster, each with its own audit log: requests are
    // served by audit_log's node and these in turn.
    std::vector<std::filesystem::path> audit_nodes;
    // How the lines are written (Nextcloud's log_type_audit): the JSON lines as
    // they are, behind a syslog prefix ("<time> <host> Nextcloud[<pid>]: "),
    // or into a journal file (audit_log ends in .journal; written with
    // systemd-journal-remote, SYSLOG_IDENTIFIER=Nextcloud).
    enum class audit_sink { file, syslog, journal };
    audit_sink audit_writes = audit_sink::file;
    // 0: a port chosen by the kernel.
    std::uint16_t port = 0;
    // A second loopback listener for the JSON control interface (POST /control).
    bool control = false;
    std::uint16_t control_port = 0;
};

class nextcloud {
public:
    explicit nextcloud(options opts = {});
    nextcloud(const nextcloud&) = delete;
    nextcloud& operator=(const nextcloud&) = delete;
    ~nextcloud();  // stops the thread and every connection

    std::uint16_t port() const { return port_; }
    // "http://127.0.0.1:PORT" (https with TLS).
    std::string base_url() const;
    // With TLS: the PEM of the CA that signed the server certificate (made at start).
    const std::string& ca_certificate_pem() const { return ca_pem_; }

    // Runs `f` on the state with the server's lock held.
    template <class F>
    auto with_world(F&& f)
    {
        std::lock_guard lock(mutex_);
        return f(world_);
    }

    // Waits until `f(world)` is true, looked at again after each request the
    // server answers; false when `deadline` passed first.
    template <class F>
    bool wait_for_world(F&& f, std::chrono::steady_clock::time_point deadline)
    {
        std::unique_lock lock(mutex_);
        return answered_.wait_until(lock, deadline, [&] { return f(world_); });
    }

    // The control interface (also served on the control port): one operation,
    // or an array of them, as JSON; returns the result(s). Thread-safe.
    // Operations are listed by `nextcloud-sim --help` and tests/sim/README.md.
    nlohmann::json control(const nlohmann::json& operation);
    std::uint16_t control_port() const { return control_port_; }

    void set_maintenance(bool on);
    // Off: Nextcloud is gone: a connect is refused, and a connection kept
    // alive is closed without an answer. On: listening again on the same port.
    void set_listening(bool on);
    void inject(fault f);
    void clear_faults();
    std::size_t requests_served() const;
    // "METHOD /decoded/path" of every request that came over the network, in order.
    std::vector<std::string> requests_log() const;
    // From now on, keep each request whole (target, headers, body) until taken:
    // a benchmark replays them to tell the network's cost from the daemon's.
    void keep_requests(bool on);
    std::vector<sim_request> take_kept_requests();
    // The admin_audit lines written lately (the last `audit_lines_kept`), as
    // JSON text. Nextcloud logs a login line for every Basic-auth request, so
    // keeping them all would grow the test process by kilobytes a poll cycle
    // and blur the daemon's own memory figures (outage_test's RSS check).
    static constexpr std::size_t audit_lines_kept = 1024;
    std::vector<std::string> audit_lines() const;
    std::size_t audit_lines_written() const;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
    mutable std::mutex mutex_;
    std::condition_variable answered_;  // after each request the server answered
    world world_;
    std::uint16_t port_ = 0;
    std::uint16_t control_port_ = 0;
    std::string ca_pem_;
    bool tls_ = false;
};

}  // namespace prereadd::sim
