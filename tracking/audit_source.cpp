// Audit sources that are files (see audit_source.hpp): one follower per file,
// each with its own position; syslog files have their prefix taken off.
#include "tracking/audit_source.hpp"

#include "tracking/audit_follower.hpp"

#include <sys/stat.h>

#include <map>

namespace prereadd::tracking {

std::optional<std::string_view> syslog_json(std::string_view line, std::string_view tag)
{
    // The program name is the tag, followed by "[pid]:" or ":" and a space;
    // the time stamp and host name before it have several forms.
    for (std::size_t at = line.find(tag); at != std::string_view::npos; at = line.find(tag, at + 1)) {
        if (at != 0 && line[at - 1] != ' ') continue;
        std::size_t after = at + tag.size();
        if (after < line.size() && line[after] == '[') {
            const auto close = line.find("]", after);
            if (close == std::string_view::npos) return std::nullopt;
            after = close + 1;
        }
        if (line.substr(after, 2) != ": ") continue;
        const auto json = line.substr(after + 2);
        if (json.empty() || json.front() != '{') return std::nullopt;
        return json;
    }
    return std::nullopt;
}

namespace {

// "path<TAB>inode:offset" per file, one per line: each file keeps its own
// position, whatever order the configuration lists them in.
std::map<std::string, log_position> parse_positions(std::string_view saved)
{
    std::map<std::string, log_position> out;
    while (!saved.empty()) {
        const auto end = saved.find('\n');
        const auto line = saved.substr(0, end);
        if (const auto tab = line.find('\t'); tab != std::string_view::npos)
            if (auto p = parse_log_position(line.substr(tab + 1))) out[std::string(line.substr(0, tab))] = *p;
        if (end == std::string_view::npos) break;
        saved.remove_prefix(end + 1);
    }
    return out;
}

class audit_files final : public audit_source {
public:
    audit_files(const config::audit_config& c, std::string_view saved)
    {
        if (c.type == config::audit_config::kind::syslog) tag_ = c.tag;
        const auto positions = parse_positions(saved);
        // One plain file keeps the "inode:offset" of earlier versions.
        const auto single = parse_log_position(saved);
        for (const auto& path : c.files) {
            log_position start;
            if (auto it = positions.find(path.string()); it != positions.end())
                start = it->second;
            else if (single && c.files.size() == 1)
                start = *single;
            followers_.push_back(std::make_unique<audit_follower>(path, start));
        }
    }

    std::vector<std::string> read_lines(std::size_t max_bytes) override
    {
        std::vector<std::string> out;
        const std::size_t share = std::max<std::size_t>(max_bytes / followers_.size(), 64 * 1024);
        for (auto& f : followers_) {
            auto batch = f->read_new(share);
            for (auto& line : batch.lines) {
                if (tag_.empty()) {
                    out.push_back(std::move(line));
                } else if (auto json = syslog_json(line, tag_)) {
                    out.emplace_back(*json);
                }
            }
        }
        return out;
    }

    std::string saved_position() const override
    {
        if (followers_.size() == 1 && tag_.empty()) return to_string(followers_.front()->position());
        std::string out;
        for (const auto& f : followers_) out += f->path().string() + "\t" + to_string(f->position()) + "\n";
        return out;
    }

    std::string name() const override
    {
        std::string out;
        for (const auto& f : followers_) out += (out.empty() ? "" : ", ") + f->path().string();
        return out;
    }

    std::uint64_t unread_bytes() const override
    {
        std::uint64_t sum = 0;
        for (const auto& f : followers_) sum += f->unread_bytes();
        return sum;
    }

private:
    std::vector<std::unique_ptr<audit_follower>> followers_;
    std::string tag_;  // syslog: the program name the lines are written under
};

}  // namespace

std::unique_ptr<audit_source> open_journal_source(const config::audit_config& c, std::string_view saved);
std::string journal_tail_position(const config::audit_config& c);

std::unique_ptr<audit_source> open_audit_source(const config::audit_config& c, std::string_view saved)
{
    if (c.type == config::audit_config::kind::systemd) return open_journal_source(c, saved);
    return std::make_unique<audit_files>(c, saved);
}

std::unique_ptr<audit_source> open_audit_source_at_end(const config::audit_config& c)
{
    if (c.type == config::audit_config::kind::systemd) return open_journal_source(c, journal_tail_position(c));
    std::string positions;
    for (const auto& path : c.files) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0)
            positions +=
                path.string() + "\t" +
                to_string(log_position{static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_size)}) +
                "\n";
    }
    return std::make_unique<audit_files>(c, positions);
}

}  // namespace prereadd::tracking
