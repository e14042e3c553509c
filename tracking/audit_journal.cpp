// The systemd journal as an audit source (see audit_source.hpp): Nextcloud's
// `log_type_audit => 'systemd'` sends each line as the MESSAGE of an entry
// whose SYSLOG_IDENTIFIER is `syslog_tag_audit`. Read through libsystemd's
// sd-journal with a match on the identifier; the position is the journal's
// cursor of the last entry taken.
#include "tracking/audit_source.hpp"

#include <systemd/sd-journal.h>

#include <cstring>
#include <stdexcept>

namespace prereadd::tracking {
namespace {

class audit_journal final : public audit_source {
public:
    audit_journal(const config::audit_config& c, std::string_view saved) : tag_(c.tag)
    {
        int r = 0;
        if (!c.journal_files.empty()) {
            std::vector<const char*> paths;
            for (const auto& f : c.journal_files) paths.push_back(f.c_str());
            paths.push_back(nullptr);
            r = sd_journal_open_files(&journal_, paths.data(), 0);
        } else if (c.journal_directory) {
            r = sd_journal_open_directory(&journal_, c.journal_directory->c_str(), 0);
        } else {
            r = sd_journal_open(&journal_, SD_JOURNAL_LOCAL_ONLY);
        }
        if (r < 0) throw std::runtime_error("cannot open the journal: " + std::string(std::strerror(-r)));
        const std::string match = "SYSLOG_IDENTIFIER=" + tag_;
        sd_journal_add_match(journal_, match.data(), match.size());
        if (!saved.empty()) {
            cursor_ = std::string(saved);
            // The saved entry was taken already: start after it. When it is
            // gone (rotated away), seeking lands on the nearest one, not taken yet.
            if (sd_journal_seek_cursor(journal_, cursor_.c_str()) >= 0 && sd_journal_next(journal_) > 0 &&
                sd_journal_test_cursor(journal_, cursor_.c_str()) <= 0)
                sd_journal_previous(journal_);
        } else {
            sd_journal_seek_head(journal_);
        }
    }
    audit_journal(const audit_journal&) = delete;
    audit_journal& operator=(const audit_journal&) = delete;
    ~audit_journal() override { sd_journal_close(journal_); }

    std::vector<std::string> read_lines(std::size_t max_bytes) override
    {
        std::vector<std::string> out;
        sd_journal_process(journal_);  // files written to, rotated or added meanwhile
        std::size_t taken = 0;
        while (taken < max_bytes && sd_journal_next(journal_) > 0) {
            const void* data = nullptr;
            std::size_t length = 0;
            if (sd_journal_get_data(journal_, "MESSAGE", &data, &length) >= 0) {
                std::string_view field(static_cast<const char*>(data), length);
                field.remove_prefix(std::strlen("MESSAGE="));
                if (!field.empty() && field.front() == '{') out.emplace_back(field);
                taken += length;
            }
            char* cursor = nullptr;
            if (sd_journal_get_cursor(journal_, &cursor) >= 0) {
                cursor_ = cursor;
                free(cursor);
            }
        }
        return out;
    }

    std::string saved_position() const override { return cursor_; }

    std::string tail_cursor()
    {
        std::string out;
        char* cursor = nullptr;
        if (sd_journal_seek_tail(journal_) >= 0 && sd_journal_previous(journal_) > 0 &&
            sd_journal_get_cursor(journal_, &cursor) >= 0) {
            out = cursor;
            free(cursor);
        }
        return out;
    }
    std::string name() const override { return "the journal (SYSLOG_IDENTIFIER=" + tag_ + ")"; }
    std::uint64_t unread_bytes() const override { return 0; }

private:
    sd_journal* journal_ = nullptr;
    std::string tag_;
    std::string cursor_;
};

}  // namespace

// The cursor of the newest entry of the tag, or "" when there is none (then
// everything is new).
std::string journal_tail_position(const config::audit_config& c)
{
    audit_journal journal(c, "");
    return journal.tail_cursor();
}

std::unique_ptr<audit_source> open_journal_source(const config::audit_config& c, std::string_view saved)
{
    return std::make_unique<audit_journal>(c, saved);
}

}  // namespace prereadd::tracking
