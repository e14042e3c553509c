// A child process for end-to-end tests: started with its stdout on a pipe,
// read line by line with a deadline, and always stopped by the test.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace prereadd::test {

struct process_result {
    int exit_code = -1;   // -1 when killed by a signal
    std::string out;      // stdout
    std::string err;      // stderr
    long max_rss_kb = 0;  // peak resident set size of the child (getrusage's ru_maxrss)
    std::string output() const { return out + err; }
};

// Runs `argv` to its end (argv[0] is a path) with CREDENTIALS_DIRECTORY unset,
// as an admin's shell would have it.
process_result run_to_exit(const std::vector<std::string>& argv);

class child_process {
public:
    // With `merge_stderr`, stderr goes to the same pipe (a daemon's log).
    explicit child_process(const std::vector<std::string>& argv, bool merge_stderr = false);
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    ~child_process();  // SIGKILL if still running

    // The next line of stdout, or nullopt at EOF or when the deadline passes.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    // Sends SIGTERM and waits (up to `timeout`, then SIGKILL); returns the exit code, -1 if killed.
    int terminate(std::chrono::milliseconds timeout);
    // Delivers `signal` (SIGHUP, ...) without waiting.
    void send(int signal);
    // Reads lines until one contains `text` (returned) or the deadline passes (nullopt); lines read are kept in `seen`.
    std::optional<std::string> wait_for(const std::string& text, std::chrono::milliseconds timeout);
    const std::string& seen() const { return seen_; }
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    std::string pending_;
    std::string seen_;
};

}  // namespace prereadd::test
