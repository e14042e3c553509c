// SQLite connection set-up and schema migrations (see database.hpp).
// Each migration runs in its own transaction together with its user_version bump.
#include "store/database.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace prereadd::store {

void database::closer::operator()(sqlite3* db) const noexcept { sqlite3_close(db); }

void database::finalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

database::lent_statement database::acquire(std::string_view sql) const
{
    auto prepare = [this, sql](unsigned flags) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), flags, &stmt, nullptr) != SQLITE_OK)
            throw std::logic_error("bad SQL: " + std::string(sqlite3_errmsg(db_.get())));
        return stmt;
    };
    auto found = statements_.find(sql);
    if (found == statements_.end()) {
        std::unique_ptr<sqlite3_stmt, finalizer> stmt(prepare(SQLITE_PREPARE_PERSISTENT));
        found = statements_.emplace(std::string(sql), cached_statement{std::move(stmt), false}).first;
    }
    if (found->second.in_use) return {prepare(0), nullptr};
    found->second.in_use = true;
    return {found->second.stmt.get(), &found->second.in_use};
}

void database::release(lent_statement lent) noexcept
{
    if (!lent.in_use) {
        sqlite3_finalize(lent.stmt);
        return;
    }
    sqlite3_reset(lent.stmt);
    sqlite3_clear_bindings(lent.stmt);
    *lent.in_use = false;
}

namespace {

// Copies the database at `file` into `target` with SQLite's online backup.
void copy_database(const std::filesystem::path& file, sqlite3* target)
{
    sqlite3* source = nullptr;
    int rc = sqlite3_open_v2(file.c_str(), &source, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(source, sqlite3_close);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(source, 5000);
        sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main");
        if (!backup)
            rc = sqlite3_errcode(target);
        else {
            rc = sqlite3_backup_step(backup, -1);
            const int finished = sqlite3_backup_finish(backup);
            rc = rc == SQLITE_DONE ? finished : rc;
        }
    }
    if (rc != SQLITE_OK) throw std::runtime_error("cannot copy database " + file.string() + ": " + sqlite3_errstr(rc));
}

}  // namespace

database::database(const std::filesystem::path& file, mode m) : file_(file)
{
    if (m == mode::scratch_copy) {
        sqlite3* raw = nullptr;
        int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
        db_.reset(raw);
        if (rc != SQLITE_OK)
            throw std::runtime_error("cannot open an in-memory database: " + std::string(sqlite3_errstr(rc)));
        std::error_code ec;
        if (std::filesystem::exists(file, ec)) copy_database(file, db_.get());
        execute("PRAGMA foreign_keys=ON");
        migrate();
        return;
    }
    sqlite3* raw = nullptr;
    const int flags = m == mode::read_only ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
                                           : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK)
        throw std::runtime_error("cannot open database " + file.string() + ": " +
                                 (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    sqlite3_busy_timeout(db_.get(), 5000);
    if (m == mode::read_only) {
        // A reader (prereadd status) never migrates; it needs the schema it knows.
        if (schema_version() != static_cast<int>(migrations().size()))
            throw std::runtime_error("database " + file.string() + " has schema version " +
                                     std::to_string(schema_version()) + ", this prereadd reads version " +
                                     std::to_string(migrations().size()));
        return;
    }
    execute("PRAGMA journal_mode=WAL");
    execute("PRAGMA synchronous=FULL");
    execute("PRAGMA foreign_keys=ON");
    migrate();
}

database::~database() = default;

void database::execute(std::string_view sql)
{
    char* message = nullptr;
    std::string statement(sql);
    if (sqlite3_exec(db_.get(), statement.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message ? message : "unknown error";
        sqlite3_free(message);
        throw std::runtime_error("database " + file_.string() + ": " + why);
    }
}

std::string database::pragma(std::string_view name) const
{
    std::string sql = "PRAGMA " + std::string(name);
    sqlite3_stmt* stmt = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        if (auto text = sqlite3_column_text(stmt, 0)) value = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
    return value;
}

int database::schema_version() const { return std::stoi(pragma("user_version")); }

void database::migrate()
{
    const auto& steps = migrations();
    int current = schema_version();
    if (current > static_cast<int>(steps.size()))
        throw std::runtime_error("database " + file_.string() + " has schema version " + std::to_string(current) +
                                 ", newer than this prereadd understands (" + std::to_string(steps.size()) + ")");
    for (auto i = static_cast<std::size_t>(current); i < steps.size(); ++i) {
        execute("BEGIN IMMEDIATE");
        try {
            execute(steps[i]);
            execute("PRAGMA user_version=" + std::to_string(i + 1));
            execute("COMMIT");
        } catch (...) {
            sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
}

}  // namespace prereadd::store
