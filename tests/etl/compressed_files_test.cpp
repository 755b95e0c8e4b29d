// Compressed data files (.csv.gz, .jsonl.zst, ...): round trips with SQLite and PostgreSQL
// through files the real gzip and zstd tools make and read, concatenated members and frames,
// text many times the chunk size, and bad input — truncated or corrupt compressed data, a
// bad row inside — each an error naming the file, with nothing loaded.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "etl_pg_support.hpp"
#include "etl_test_support.hpp"

using uio::testing::big_rows;
using uio::testing::copy_table_and_report;
using uio::testing::pg_column;
using uio::testing::pg_exec;
using uio::testing::pg_uri;
using uio::testing::read_file;
using uio::testing::sqlite_column;
using uio::testing::sqlite_uri;
using uio::testing::write_file;

namespace {

// Runs a shell command (the paths are temp_dir's, no quoting needed); its exit status.
int shell(const std::string& command) {
    return std::system(command.c_str());
}

// A shell command's standard output.
std::string shell_output(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[65536];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    REQUIRE(::pclose(pipe) == 0);
    return out;
}

// `text` written to `path` compressed by the real tool for its suffix.
void write_compressed(const std::string& path, const std::string& text) {
    std::string plain = path + ".plain";
    write_file(plain, text);
    std::string tool = path.ends_with(".gz") ? "gzip -c " : "zstd -q -c ";
    REQUIRE(shell(tool + plain + " > " + path) == 0);
    std::filesystem::remove(plain);
}

// The text of a compressed file, as the real tool decompresses it.
std::string read_decompressed(const std::string& path) {
    return shell_output((path.ends_with(".gz") ? "gzip -dc " : "zstd -q -dc ") + path);
}

uio::etl::table_copy_options replacing() {
    uio::etl::table_copy_options o;
    o.mode = uio::etl::load_mode::replace;
    return o;
}

std::string jsonl_rows() {
    std::string in;
    in +=
        "{\"id\":1,\"zip\":\"02134\",\"name\":\"say \\\"hi\\\", "
        "ok\",\"price\":0.1,\"note\":null}\n";
    in +=
        "{\"id\":2,\"zip\":\"10001\",\"name\":\"two\\nlines 日本語 🎉\",\"price\":-2.5e-07,"
        "\"note\":\"\"}\n";
    in += "{\"id\":3,\"zip\":null,\"name\":\"" + std::string(1 << 20, 'y') +
          "\",\"price\":12345678.125,\"note\":\"NULL\"}\n";
    return in;
}

// `rows` CSV records "i,name-i,i*0.5" after a header: about 25 bytes each.
std::string many_rows(int rows) {
    std::string csv = "id,name,half\n";
    for (int i = 1; i <= rows; ++i) {
        csv += std::to_string(i) + ",name-" + std::to_string(i) + "," + std::to_string(i / 2) +
               (i % 2 ? ".5" : "") + "\n";
    }
    return csv;
}

}  // namespace

TEST_CASE("CSV and JSONL ↔ SQLite through gzip and zstd files, read back by gzip and zstd") {
    uio::testing::temp_dir dir;
    std::string csv = uio::testing::tricky_csv(true);
    std::string jsonl = jsonl_rows();
    for (std::string suffix : {".gz", ".zst"}) {
        for (bool is_csv : {true, false}) {
            std::string name = (is_csv ? "in.csv" : "in.jsonl") + suffix;
            const std::string& text = is_csv ? csv : jsonl;
            write_compressed(dir / name, text);
            std::string table = is_csv ? "c" : "j";
            auto load = copy_table_and_report(dir / name, sqlite_uri(dir, table), replacing());
            INFO(name << ": " << load.err);
            REQUIRE(load.code == 0);
            std::string out = dir / ("out" + name.substr(2));
            auto dump = copy_table_and_report(sqlite_uri(dir, table), out);
            INFO(dump.err);
            REQUIRE(dump.code == 0);
            // Compressed for real (a gzip or zstd header), and what the tools read back.
            std::string head = read_file(out).substr(0, 4);
            CHECK(head.substr(0, 2) == (suffix == ".gz" ? "\x1f\x8b" : "\x28\xb5"));
            CHECK(read_decompressed(out) == text);
        }
    }
    CHECK(sqlite_column(dir / "db.sqlite", "SELECT count(*) FROM c") == "6");
    CHECK(uio::testing::list_dir(dir.path()).size() == 9);  // no temporary left behind
}

TEST_CASE("CSV and JSONL ↔ PostgreSQL through gzip and zstd files") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    std::string csv = uio::testing::tricky_csv(true);
    pg_exec("drop table if exists etl_gz; drop table if exists etl_zst_j");
    write_compressed(dir / "in.csv.gz", csv);
    auto load = copy_table_and_report(dir / "in.csv.gz", pg_uri("table=etl_gz"));
    INFO(load.err);
    REQUIRE(load.code == 0);
    CHECK(pg_column("select count(*) from etl_gz") == "6");
    auto dump = copy_table_and_report(pg_uri("table=etl_gz"), dir / "out.csv.zst");
    INFO(dump.err);
    REQUIRE(dump.code == 0);
    CHECK(read_decompressed(dir / "out.csv.zst") == csv);

    std::string jsonl =
        "{\"id\":1,\"name\":\"a\\\"b\",\"price\":0.5}\n"
        "{\"id\":2,\"name\":\"日本語\",\"price\":null}\n";
    write_compressed(dir / "in.jsonl.zst", jsonl);
    auto jload = copy_table_and_report(dir / "in.jsonl.zst", pg_uri("table=etl_zst_j"));
    INFO(jload.err);
    REQUIRE(jload.code == 0);
    CHECK(pg_column("select name from etl_zst_j order by id") == "a\"b|日本語");
    auto jdump = copy_table_and_report(pg_uri("table=etl_zst_j"), dir / "out.jsonl.gz");
    INFO(jdump.err);
    REQUIRE(jdump.code == 0);
    CHECK(read_decompressed(dir / "out.jsonl.gz") == jsonl);
}

TEST_CASE("concatenated gzip members and zstd frames are read whole") {
    uio::testing::temp_dir dir;
    write_file(dir / "a.csv", "id,name\n1,one\n2,two\n");
    write_file(dir / "b.csv", "3,three\n4,four\n");
    REQUIRE(shell("cd " + dir.path().string() +
                  " && gzip -c a.csv > all.csv.gz && gzip -c b.csv >> all.csv.gz"
                  " && zstd -q -c a.csv > all.csv.zst && zstd -q -c b.csv >> all.csv.zst") == 0);
    for (std::string name : {"all.csv.gz", "all.csv.zst"}) {
        auto r = copy_table_and_report(dir / name, sqlite_uri(dir, "t"), replacing());
        INFO(name << ": " << r.err);
        REQUIRE(r.code == 0);
        CHECK(sqlite_column(dir / "db.sqlite", "SELECT name FROM t ORDER BY id") ==
              "one|two|three|four");
    }
}

TEST_CASE("text many times the chunk size: every row, and a bad row's file:line:column") {
    uio::testing::temp_dir dir;
    // 25 MiB of text, 26 chunks, from a ~5 MB gzip file (under ASan 4.7 MiB, 5 chunks).
    const int rows = big_rows;
    const std::string count_and_sum =
        std::to_string(rows) + "," + std::to_string(static_cast<long long>(rows) * (rows + 1) / 2);
    std::string csv = many_rows(rows);
    REQUIRE(csv.size() >= static_cast<std::size_t>(rows) * 21);
    write_compressed(dir / "big.csv.gz", csv);
    write_compressed(dir / "big.csv.zst", csv);
    for (std::string name : {"big.csv.gz", "big.csv.zst"}) {
        auto r = copy_table_and_report(dir / name, sqlite_uri(dir, "t"), replacing());
        INFO(name << ": " << r.err);
        REQUIRE(r.code == 0);
        CHECK(sqlite_column(dir / "db.sqlite", "SELECT count(*) || ',' || sum(id) FROM t") ==
              count_and_sum);
    }
    // A ragged record on the last line: its place in the decompressed text.
    write_compressed(dir / "bad.csv.zst", csv + std::to_string(rows + 1) + ",x\n");
    auto bad = copy_table_and_report(dir / "bad.csv.zst", sqlite_uri(dir, "t"));
    CHECK(bad.code == 1);
    CHECK(bad.err.find("bad.csv.zst:" + std::to_string(rows + 2) + ":" +
                       std::to_string(std::to_string(rows + 1).size() + 3) + ": too few fields") !=
          std::string::npos);
    CHECK(sqlite_column(dir / "db.sqlite", "SELECT count(*) FROM t") == std::to_string(rows));
}

TEST_CASE("truncated, corrupt or mislabelled compressed files: the file named, nothing loaded") {
    uio::testing::temp_dir dir;
    std::string csv = many_rows(200'000);
    for (std::string name : {"in.csv.gz", "in.csv.zst"}) {
        std::string path = dir / name;
        write_compressed(path, csv);
        std::string whole = read_file(path);
        std::string kind = name.ends_with(".gz") ? "gzip" : "zstd";
        // Cut in the middle: the text seen so far parses, the end of the stream is missing.
        write_file(path, whole.substr(0, whole.size() / 2));
        auto cut = copy_table_and_report(path, sqlite_uri(dir, "t"));
        INFO(cut.err);
        CHECK(cut.code == 1);
        CHECK(cut.err.find(name + ": ") != std::string::npos);
        CHECK(cut.err.find("truncated " + kind + " data") != std::string::npos);
        // Bytes changed in the middle: bad data, or a checksum that does not match.
        std::string corrupt = whole;
        for (std::size_t i = corrupt.size() / 2; i < corrupt.size() / 2 + 64; ++i)
            corrupt[i] ^= 0x55;
        write_file(path, corrupt);
        auto bad = copy_table_and_report(path, sqlite_uri(dir, "t"));
        INFO(bad.err);
        CHECK(bad.code == 1);
        CHECK(bad.err.find(name + ": corrupt " + kind + " data") != std::string::npos);
        // Not compressed at all.
        write_file(path, csv);
        auto plain = copy_table_and_report(path, sqlite_uri(dir, "t"));
        INFO(plain.err);
        CHECK(plain.code == 1);
        CHECK(plain.err.find(name + ": corrupt " + kind + " data at compressed byte 0") !=
              std::string::npos);
    }
    CHECK(sqlite_column(dir / "db.sqlite", "SELECT count(*) FROM sqlite_master") == "0");
}

TEST_CASE("a truncated compressed file into PostgreSQL commits nothing") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists etl_cut; create table etl_cut (id int, name text, half float8);"
        "insert into etl_cut values (0, 'before', 0)");
    std::string whole;
    write_compressed(dir / "in.csv.zst", many_rows(300'000));
    whole = read_file(dir / "in.csv.zst");
    write_file(dir / "in.csv.zst", whole.substr(0, whole.size() * 3 / 4));
    auto r = copy_table_and_report(dir / "in.csv.zst", pg_uri("table=etl_cut"));
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.err.find("in.csv.zst: truncated zstd data") != std::string::npos);
    CHECK(pg_column("select string_agg(name, ',') from etl_cut") == "before");
}

TEST_CASE("max-errors over a compressed file: rescans from the start, rejects at their lines") {
    uio::testing::require_cluster();
    uio::testing::temp_dir dir;
    pg_exec(
        "drop table if exists etl_gz_rej; create table etl_gz_rej (id int, name text, half "
        "float8)");
    // Bad rows far apart, past the first chunks, so each retry decompresses again from 0.
    std::string csv = many_rows(150'000);
    std::size_t at = csv.find("\n100000,") + 1;
    csv.insert(at, "oops,bad,1\n");
    csv += "2e9x,worse,2\n";
    write_compressed(dir / "in.csv.gz", csv);
    uio::etl::table_copy_options o;
    o.max_errors = 2;
    o.rejects_path = dir / "rejects.txt";
    auto r = copy_table_and_report(dir / "in.csv.gz", pg_uri("table=etl_gz_rej"), o);
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(pg_column("select count(*) from etl_gz_rej") == "150000");
    std::string rejects = read_file(dir / "rejects.txt");
    CHECK(rejects.find("in.csv.gz:100001: invalid input syntax for type integer") !=
          std::string::npos);
    CHECK(rejects.find("in.csv.gz:150003: ") != std::string::npos);
    CHECK(rejects.find("    oops,bad,1") != std::string::npos);
}

TEST_CASE("compress option: a plain-named export compressed, contradictions refused") {
    uio::testing::temp_dir dir;
    write_file(dir / "in.csv", "id,name\n1,one\n");
    REQUIRE(copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "t")).code == 0);
    uio::etl::table_copy_options zstd;
    zstd.compress = uio::etl::compression::zstd;
    auto r = copy_table_and_report(sqlite_uri(dir, "t"), dir / "out.csv", zstd);
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(read_decompressed(dir / "out.csv") == "id,name\n1,one\n");  // zstd reads it
    auto contradiction = copy_table_and_report(sqlite_uri(dir, "t"), dir / "out.csv.gz", zstd);
    CHECK(contradiction.code == 2);
    CHECK(contradiction.err.find("--compress zstd contradicts the suffix of") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "out.csv.gz"));
    auto into_table = copy_table_and_report(dir / "in.csv", sqlite_uri(dir, "u"), zstd);
    CHECK(into_table.code == 2);
    CHECK(into_table.err.find("--compress is for exports") != std::string::npos);
}

TEST_CASE("compressed endpoints: the format from before the suffix") {
    using uio::etl::compression;
    using uio::etl::data_file_endpoint;
    using uio::etl::data_format;
    auto gz = std::get<data_file_endpoint>(uio::etl::parse_endpoint("x/Sales.CSV.GZ"));
    CHECK(gz.format == data_format::csv);
    CHECK(gz.compressed == compression::gzip);
    auto zst = std::get<data_file_endpoint>(uio::etl::parse_endpoint("e.ndjson.zst"));
    CHECK(zst.format == data_format::jsonl);
    CHECK(zst.compressed == compression::zstd);
    auto tsv = std::get<data_file_endpoint>(uio::etl::parse_endpoint("t.tsv.gz"));
    CHECK(tsv.format == data_format::tsv);
    CHECK(uio::etl::describe(tsv) == "tsv file t.tsv.gz (gzip)");
    // A .gz without a data format before it is a file (tree copy), unless --format says so.
    CHECK(std::holds_alternative<uio::etl::file_tree_endpoint>(
        uio::etl::parse_endpoint("backup.tar.gz")));
    auto forced = std::get<data_file_endpoint>(
        uio::etl::parse_endpoint("dump.gz", {.format = data_format::jsonl}));
    CHECK(forced.compressed == compression::gzip);
}
