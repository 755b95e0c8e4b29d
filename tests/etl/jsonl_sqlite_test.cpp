// JSON Lines ↔ SQLite: a value-identical round trip (strings that look like numbers stay
// strings, numbers keep their precision, NULL stays null), and a bad line located.
#include <catch2/catch.hpp>

#include "etl_test_support.hpp"

using uio::testing::copy_table_and_report;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::write_file;

TEST_CASE("JSONL → SQLite → JSONL is value-identical") {
    uio::testing::temp_dir dir;
    // Written in jsonl_writer's layout so the round trip can be compared byte for byte.
    std::string in;
    in +=
        "{\"id\":1,\"zip\":\"02134\",\"name\":\"say \\\"hi\\\", "
        "ok\",\"price\":0.1,\"note\":null}\n";
    in +=
        "{\"id\":2,\"zip\":\"10001\",\"name\":\"two\\nlines 日本語 "
        "🎉\",\"price\":-2.5e-07,\"note\":\"\"}\n";
    in += "{\"id\":3,\"zip\":null,\"name\":\"" + std::string(1 << 20, 'y') +
          "\",\"price\":12345678.125,\"note\":\"NULL\"}\n";
    write_file(dir / "in.jsonl", in);
    std::string db = dir / "db.sqlite";
    auto load = copy_table_and_report(dir / "in.jsonl", "sqlite:" + db + "?table=j");
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(sqlite_column(db, "SELECT type FROM pragma_table_info('j')") ==
          "INTEGER|TEXT|TEXT|REAL|TEXT");
    CHECK(sqlite_column(db, "SELECT quote(note) FROM j") == "NULL|''|'NULL'");
    auto dump = copy_table_and_report("sqlite:" + db + "?table=j", dir / "out.jsonl");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_file(dir / "out.jsonl") == in);
}

TEST_CASE("a bad JSON line is an error at its line, the table is untouched") {
    uio::testing::temp_dir dir;
    std::string db = dir / "db.sqlite";
    write_file(dir / "in.jsonl", "{\"a\":1}\n{\"a\":2,}\n");
    auto r = copy_table_and_report(dir / "in.jsonl", "sqlite:" + db + "?table=j");
    CHECK(r.code == 1);
    CHECK(r.err.find("in.jsonl:2:") != std::string::npos);
    CHECK(sqlite_column(db, "SELECT count(*) FROM sqlite_master") == "0");
}
