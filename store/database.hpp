// The daemon's SQLite database: opened in WAL mode with synchronous=FULL so a
// kill at any instant loses nothing committed, and migrated to the current
// schema (PRAGMA user_version) before anything else touches it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace prereadd::store {

class database {
public:
    // Opens (creating if needed) and migrates. Throws std::runtime_error with
    // the file name and SQLite's message: a database that cannot be opened is
    // a start-up failure.
    enum class mode {
        read_write,
        read_only,     // no migration; the schema must be the current one (prereadd status)
        scratch_copy,  // an in-memory copy of the file (empty if there is none): nothing reaches the disk (--dry-run)
    };
    explicit database(const std::filesystem::path& file, mode m = mode::read_write);
    database(const database&) = delete;
    database& operator=(const database&) = delete;
    ~database();

    int schema_version() const;
    std::string pragma(std::string_view name) const;
    void execute(std::string_view sql);

    sqlite3* handle() const noexcept { return db_.get(); }

    // The schema steps, in order; step i brings user_version from i to i + 1.
    static const std::vector<std::string_view>& migrations();

private:
    void migrate();

    struct closer {
        void operator()(sqlite3* db) const noexcept;
    };
    // Owned by a unique_ptr so a constructor that throws still closes it.
    std::unique_ptr<sqlite3, closer> db_;
    std::filesystem::path file_;
};

}  // namespace prereadd::store
