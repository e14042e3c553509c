// tail -F for the audit log (see audit_follower.hpp), on plain POSIX calls:
// the open descriptor keeps a rotated file readable until it is drained.
#include "tracking/audit_follower.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace prereadd::tracking {
namespace {

std::optional<struct stat> stat_of(const std::filesystem::path& p)
{
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return std::nullopt;
    return st;
}

// A rotated copy beside the log ("audit.log.1", "audit.log-20261125") with that inode.
std::optional<std::filesystem::path> find_by_inode(const std::filesystem::path& log, std::uint64_t inode)
{
    std::error_code ec;
    const std::string stem = log.filename().string();
    for (const auto& entry : std::filesystem::directory_iterator(log.parent_path(), ec)) {
        if (!entry.path().filename().string().starts_with(stem)) continue;
        if (auto st = stat_of(entry.path()); st && static_cast<std::uint64_t>(st->st_ino) == inode) return entry.path();
    }
    return std::nullopt;
}

}  // namespace

std::uint64_t audit_follower::unread_bytes() const
{
    auto st = stat_of(path_);
    if (!st) return 0;
    const auto size = static_cast<std::uint64_t>(st->st_size);
    if (static_cast<std::uint64_t>(st->st_ino) != position_.inode) return size;  // a new file: all of it
    return size > position_.offset ? size - position_.offset : 0;
}

std::string to_string(const log_position& p) { return std::to_string(p.inode) + ":" + std::to_string(p.offset); }

std::optional<log_position> parse_log_position(std::string_view text)
{
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    log_position p;
    auto number = [](std::string_view digits, std::uint64_t& out) {
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        return ec == std::errc() && end == digits.data() + digits.size() && !digits.empty();
    };
    if (!number(text.substr(0, colon), p.inode) || !number(text.substr(colon + 1), p.offset)) return std::nullopt;
    return p;
}

audit_follower::audit_follower(std::filesystem::path path, log_position start)
    : path_(std::move(path)), position_(start)
{
    if (start.inode != 0) {
        auto current = stat_of(path_);
        std::optional<std::filesystem::path> resume =
            current && static_cast<std::uint64_t>(current->st_ino) == start.inode ? std::optional(path_)
                                                                                  : find_by_inode(path_, start.inode);
        if (resume) {
            fd_ = ::open(resume->c_str(), O_RDONLY | O_CLOEXEC);
            if (fd_ >= 0) {
                struct stat st {};
                ::fstat(fd_, &st);
                if (static_cast<std::uint64_t>(st.st_size) < start.offset) position_.offset = 0;  // truncated meanwhile
                ::lseek(fd_, static_cast<off_t>(position_.offset), SEEK_SET);
                return;
            }
        }
        // The file we were reading is gone: start over with what is there now.
        position_ = {};
    }
    open_current();
}

audit_follower::~audit_follower()
{
    if (fd_ >= 0) ::close(fd_);
}

bool audit_follower::open_current()
{
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    ::fstat(fd, &st);
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
    position_ = {static_cast<std::uint64_t>(st.st_ino), 0};
    partial_.clear();
    pending_ = 0;
    skipping_ = false;
    return true;
}

void audit_follower::drain(batch& out, std::size_t& budget)
{
    char buffer[64 * 1024];
    while (budget > 0) {
        ssize_t got = ::read(fd_, buffer, sizeof buffer);
        if (got <= 0) return;
        const auto n = static_cast<std::size_t>(got);
        budget -= std::min(budget, n);
        std::size_t start = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (buffer[i] != '\n') continue;
            if (!skipping_) {
                if (partial_.size() + (i - start) > max_line_length) {
                    ++out.skipped_long_lines;
                } else {
                    partial_.append(buffer + start, i - start);
                    out.lines.push_back(std::move(partial_));
                }
            }
            partial_.clear();
            skipping_ = false;
            // Consumed: the bytes of this line read earlier, this chunk's part, the newline.
            position_.offset += pending_ + (i - start) + 1;
            pending_ = 0;
            start = i + 1;
        }
        // The rest is an incomplete line: kept, but not consumed, so a restart reads it again.
        pending_ += n - start;
        if (!skipping_) {
            partial_.append(buffer + start, n - start);
            if (partial_.size() > max_line_length) {
                ++out.skipped_long_lines;
                skipping_ = true;
                partial_.clear();
            }
        }
    }
}

audit_follower::batch audit_follower::read_new(std::size_t max_bytes)
{
    batch out;
    std::size_t budget = max_bytes;
    if (fd_ < 0 && !open_current()) return out;  // not there yet

    struct stat open_st {};
    ::fstat(fd_, &open_st);
    auto at_path = stat_of(path_);
    const bool same_file = at_path && at_path->st_ino == open_st.st_ino && at_path->st_dev == open_st.st_dev;
    if (same_file && static_cast<std::uint64_t>(open_st.st_size) < position_.offset + pending_) {
        // copytruncate: the file was emptied and is being written again.
        out.truncated = true;
        ::lseek(fd_, 0, SEEK_SET);
        position_.offset = 0;
        pending_ = 0;
        partial_.clear();
        skipping_ = false;
    }
    drain(out, budget);
    if (!same_file && at_path && budget > 0) {
        // Renamed away and recreated: the old file is finished, go on with the new one.
        // A partial last line of the old file is a line that was never completed.
        if (!partial_.empty()) out.lines.push_back(std::move(partial_));
        if (open_current()) {
            out.rotated = true;
            drain(out, budget);
        }
    }
    return out;
}

}  // namespace prereadd::tracking
