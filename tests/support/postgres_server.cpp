// The test's own PostgreSQL server (postgres_server.hpp).
#include "tests/support/postgres_server.hpp"

#include "tests/support/process.hpp"

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <vector>

namespace prereadd::test {
namespace {

namespace fs = std::filesystem;

std::uint16_t free_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("no free port on 127.0.0.1");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

// As root, the server's programs run as nobody; otherwise as the test's user.
std::vector<std::string> as_server_user(std::vector<std::string> argv)
{
    if (::geteuid() != 0) return argv;
    std::vector<std::string> out{"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

void run(const std::vector<std::string>& argv, const char* what)
{
    const auto r = run_to_exit(as_server_user(argv));
    if (r.exit_code != 0) throw std::runtime_error(std::string(what) + " failed: " + r.output());
}

}  // namespace

std::optional<fs::path> postgres_server::binaries()
{
    const fs::path bin = "/usr/lib/postgresql/15/bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl")) return bin;
    return std::nullopt;
}

postgres_server::postgres_server()
{
    auto bin = binaries();
    if (!bin) throw std::runtime_error("PostgreSQL 15 is not installed (scripts/setup installs postgresql-15)");
    bin_ = *bin;
    char pattern[] = "/tmp/prereadd-pg-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("cannot make a temporary directory");
    dir_ = pattern;
    {
        std::ofstream pw(dir_ / "pwfile");
        pw << "test-password-not-a-secret\n";
    }
    if (::geteuid() == 0) {
        const passwd* nobody = ::getpwnam("nobody");
        if (!nobody || ::chown(dir_.c_str(), nobody->pw_uid, nobody->pw_gid) != 0 ||
            ::chown((dir_ / "pwfile").c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
            throw std::runtime_error("cannot give " + dir_.string() + " to nobody");
    }
    run({(bin_ / "initdb").string(), "-D", (dir_ / "data").string(), "-U", "prereadd", "--pwfile",
         (dir_ / "pwfile").string(), "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"},
        "initdb");
    port_ = free_port();
    start();
}

void postgres_server::start()
{
    // Listening on 127.0.0.1 only, its socket in its own directory; fsync off: a test's data need not survive a crash.
    run({(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-l", (dir_ / "server.log").string(), "-w", "-t",
         "60", "-o",
         "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " + dir_.string() +
             " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
         "start"},
        "pg_ctl start");
    running_ = true;
}

void postgres_server::stop()
{
    if (!running_) return;
    run({(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-m", "fast", "-w", "stop"}, "pg_ctl stop");
    running_ = false;
}

postgres_server::~postgres_server()
{
    try {
        if (running_)
            run_to_exit(as_server_user(
                {(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-m", "immediate", "-w", "stop"}));
    } catch (...) {
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

std::string postgres_server::uri(const std::string& password) const
{
    return "postgresql://prereadd:" + password + "@127.0.0.1:" + std::to_string(port_) + "/postgres?connect_timeout=10";
}

std::string postgres_server::database_uri(const std::string& database) const
{
    return "postgresql://prereadd:test-password-not-a-secret@127.0.0.1:" + std::to_string(port_) + "/" + database +
           "?connect_timeout=10";
}

}  // namespace prereadd::test
