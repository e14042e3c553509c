// A real PostgreSQL 15 server of the test's own: `initdb` into a temporary
// directory, `pg_ctl start` on 127.0.0.1 and a port chosen at run time,
// password authentication over TCP, stopped and removed by the destructor.
// PostgreSQL refuses to run as root: as root, the server runs as `nobody`
// (setpriv), its directory owned by that user.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace prereadd::test {

class postgres_server {
public:
    // The directory of Debian's PostgreSQL 15 programs, or nullopt (then a
    // test says so and skips; scripts/setup installs them, CI always has them).
    static std::optional<std::filesystem::path> binaries();

    postgres_server();  // throws std::runtime_error when the server cannot be started
    postgres_server(const postgres_server&) = delete;
    postgres_server& operator=(const postgres_server&) = delete;
    ~postgres_server();

    std::uint16_t port() const { return port_; }
    // A libpq URI for the superuser `prereadd` and its password.
    std::string uri(const std::string& password = "test-password-not-a-secret") const;
    // The same for another database of the server (made with CREATE DATABASE).
    std::string database_uri(const std::string& database) const;
    // Stops the server (a fast shutdown), as an outage would; start() brings it back on the same port.
    void stop();
    void start();

private:
    std::filesystem::path dir_;
    std::filesystem::path bin_;
    std::uint16_t port_ = 0;
    bool running_ = false;
};

}  // namespace prereadd::test
