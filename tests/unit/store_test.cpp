// The database opens durable (WAL, synchronous=FULL) and migrated, and refuses
// a schema newer than the code.
#include "store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace prereadd::store {
namespace {

namespace fs = std::filesystem;

class store_test : public ::testing::Test {
protected:
    test::temp_dir dir;
};

TEST_F(store_test, opens_durable_and_migrated)
{
    database db(dir / "state.sqlite");
    EXPECT_EQ(db.pragma("journal_mode"), "wal");
    EXPECT_EQ(db.pragma("synchronous"), "2");  // FULL
    EXPECT_EQ(db.schema_version(), static_cast<int>(database::migrations().size()));
}

TEST_F(store_test, reopening_keeps_data_and_version)
{
    {
        database db(dir / "state.sqlite");
        db.execute("INSERT INTO meta(key, value) VALUES ('k', 'v')");
    }
    database again(dir / "state.sqlite");
    EXPECT_EQ(again.schema_version(), static_cast<int>(database::migrations().size()));
    EXPECT_NO_THROW(again.execute("SELECT value FROM meta WHERE key = 'k'"));
}

TEST_F(store_test, newer_schema_is_refused)
{
    {
        database db(dir / "state.sqlite");
        db.execute("PRAGMA user_version=999");
    }
    EXPECT_THROW(database(dir / "state.sqlite"), std::runtime_error);
}

TEST_F(store_test, unopenable_file_names_the_file)
{
    try {
        database db(dir / "missing-dir" / "state.sqlite");
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("missing-dir"), std::string::npos);
    }
}

}  // namespace
}  // namespace prereadd::store
