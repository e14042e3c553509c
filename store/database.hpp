// The daemon's SQLite database: opened in WAL mode with synchronous=FULL so a
// kill at any instant loses nothing committed, and migrated to the current
// schema (PRAGMA user_version) before anything else touches it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

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

    // A statement for `sql`, prepared on first use and kept for the
    // connection's life: a poll cycle runs the same dozen statements for every
    // project, and preparing them again each time was most of its CPU time.
    // Give it back with release() (reset, bindings cleared). Should the same
    // SQL be in use already (a nested call), a fresh statement is prepared
    // and release() finalizes it. Bad SQL is a programming error and throws.
    struct lent_statement {
        sqlite3_stmt* stmt = nullptr;
        bool* in_use = nullptr;  // the cache's flag; null for a statement of its own
    };
    lent_statement acquire(std::string_view sql) const;
    static void release(lent_statement lent) noexcept;

    // The schema steps, in order; step i brings user_version from i to i + 1.
    static const std::vector<std::string_view>& migrations();

private:
    void migrate();

    struct closer {
        void operator()(sqlite3* db) const noexcept;
    };
    struct finalizer {
        void operator()(sqlite3_stmt* stmt) const noexcept;
    };
    struct cached_statement {
        std::unique_ptr<sqlite3_stmt, finalizer> stmt;
        bool in_use = false;
    };
    // Owned by a unique_ptr so a constructor that throws still closes it.
    std::unique_ptr<sqlite3, closer> db_;
    std::filesystem::path file_;
    struct sql_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const noexcept { return std::hash<std::string_view>{}(sql); }
    };
    // Declared after db_ so the statements are finalized before it closes.
    mutable std::unordered_map<std::string, cached_statement, sql_hash, std::equal_to<>> statements_;
};

}  // namespace prereadd::store
