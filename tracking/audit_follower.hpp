// Follows Nextcloud's admin_audit log like `tail -F`: complete lines only,
// rotation by rename, truncation (copytruncate), a file that appears later,
// and a position (inode + offset) that survives restarts, so no line is
// counted twice or lost.
#pragma once

#include "tracking/audit_source.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prereadd::tracking {

struct log_position {
    std::uint64_t inode = 0;   // 0: no file seen yet
    std::uint64_t offset = 0;  // just after the last complete line handed out
    auto operator<=>(const log_position&) const = default;
};

// "inode:offset", as kept in the state database's cursors.
std::string to_string(const log_position& p);
std::optional<log_position> parse_log_position(std::string_view text);

// One plain file is an audit source by itself.
class audit_follower final : public audit_source {
public:
    // Lines longer than this are skipped (and counted), to bound memory.
    static constexpr std::size_t max_line_length = 1 << 20;

    // Resumes at `start` when it names the file at `path` (or a rotated copy
    // beside it, such as audit.log.1, which is drained first).
    explicit audit_follower(std::filesystem::path path, log_position start = {});
    audit_follower(const audit_follower&) = delete;
    audit_follower& operator=(const audit_follower&) = delete;
    ~audit_follower() override;

    struct batch {
        std::vector<std::string> lines;  // complete lines, without the newline
        bool rotated = false;            // a renamed file was finished and the new one begun
        bool truncated = false;          // the file shrank under us; read again from its start
        std::size_t skipped_long_lines = 0;
    };

    // Everything complete since the last call, at most about `max_bytes`.
    batch read_new(std::size_t max_bytes = 8 * 1024 * 1024);

    // Where the next read starts; persist it with the engagements it produced.
    log_position position() const { return position_; }
    const std::filesystem::path& path() const { return path_; }
    // Bytes written to the log that have not been handed out yet (the lag).
    std::uint64_t unread_bytes() const override;

    std::vector<std::string> read_lines(std::size_t max_bytes) override { return read_new(max_bytes).lines; }
    std::string saved_position() const override { return to_string(position_); }
    std::string name() const override { return path_.string(); }

private:
    bool open_current();
    void drain(batch& out, std::size_t& budget);

    std::filesystem::path path_;
    int fd_ = -1;
    log_position position_;
    std::string partial_;        // bytes after the last newline, not yet a line
    std::uint64_t pending_ = 0;  // bytes read past position_.offset (partial or skipped)
    bool skipping_ = false;      // inside a line longer than max_line_length
};

}  // namespace prereadd::tracking
