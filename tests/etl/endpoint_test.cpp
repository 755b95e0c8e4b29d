// Endpoint parsing: every kind, ucopy's parameters removed from libpq's URI, bad input
// rejected with a message that never shows a password.
#include <catch2/catch.hpp>

#include "uio/db/etl/endpoint.hpp"

using namespace uio::etl;

TEST_CASE("paths are trees unless their extension names a data format") {
    CHECK(std::get<file_tree_endpoint>(parse_endpoint("data/")).path == "data/");
    CHECK(std::holds_alternative<file_tree_endpoint>(parse_endpoint("archive.tar.gz")));
    // A compressed data file (compressed_files_test.cpp has the rest).
    CHECK(std::get<data_file_endpoint>(parse_endpoint("archive.csv.gz")).compressed ==
          compression::gzip);
    auto csv = std::get<data_file_endpoint>(parse_endpoint("sales.CSV"));
    CHECK(csv.format == data_format::csv);
    CHECK(std::get<data_file_endpoint>(parse_endpoint("a.tsv")).format == data_format::tsv);
    CHECK(std::get<data_file_endpoint>(parse_endpoint("a.ndjson")).format == data_format::jsonl);
    auto forced = parse_endpoint("dump.txt", {.format = data_format::jsonl});
    CHECK(std::get<data_file_endpoint>(forced).format == data_format::jsonl);
    CHECK_THROWS_AS(parse_endpoint(""), endpoint_error);
}

TEST_CASE("a PostgreSQL URI loses ucopy's parameters and keeps libpq's") {
    auto pg = std::get<postgres_endpoint>(
        parse_endpoint("postgresql://ann@db.example/shop?sslmode=require&table=sales&"
                       "application_name=x"));
    CHECK(pg.conninfo == "postgresql://ann@db.example/shop?sslmode=require&application_name=x");
    CHECK(pg.target.table == "sales");
    CHECK_FALSE(pg.target.is_query());

    auto query = std::get<postgres_endpoint>(
        parse_endpoint("postgres:///shop?query=SELECT%20id%2C%20name%20FROM%20t"));
    CHECK(query.conninfo == "postgres:///shop");
    CHECK(query.target.query == "SELECT id, name FROM t");
    CHECK(query.target.is_query());

    // Hostile names pass through untouched: quoting them is the database layer's job.
    auto hostile = std::get<postgres_endpoint>(
        parse_endpoint("postgresql:///db?table=%22%22%22%3B%20DROP%20TABLE%20x%22"));
    CHECK(hostile.target.table == "\"; DROP TABLE x");
    CHECK(hostile.target.schema.empty());
}

TEST_CASE("a SQLite endpoint names a file and a table or query") {
    auto s = std::get<sqlite_endpoint>(parse_endpoint("sqlite:out/shop.db?table=sales"));
    CHECK(s.path == "out/shop.db");
    CHECK(s.target.table == "sales");
    auto q = std::get<sqlite_endpoint>(parse_endpoint("sqlite:/tmp/a.db?query=select+1"));
    CHECK(q.path == "/tmp/a.db");
    CHECK(q.target.query == "select+1");
    CHECK(is_table_like(q));
    CHECK_FALSE(is_table_like(parse_endpoint("tree")));
}

TEST_CASE("malformed endpoints are rejected with a reason") {
    auto message = [](std::string_view text) {
        try {
            parse_endpoint(text);
        } catch (const endpoint_error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK_THAT(message("sqlite:?table=t"), Catch::Contains("needs a file"));
    CHECK_THAT(message("sqlite:a.db"), Catch::Contains("name a table"));
    CHECK_THAT(message("sqlite:a.db?table=t&query=q"), Catch::Contains("not both"));
    CHECK_THAT(message("sqlite:a.db?table=t&mode=ro"), Catch::Contains("unknown parameter"));
    CHECK_THAT(message("sqlite:a.db?table=t&table=u"), Catch::Contains("given twice"));
    CHECK_THAT(message("sqlite:a.db?table="), Catch::Contains("is empty"));
    CHECK_THAT(message("postgresql:///db?table=%zz"), Catch::Contains("percent-encoding"));
    CHECK_THAT(message("postgresql:///db?table=%4"), Catch::Contains("percent-encoding"));
    CHECK_THAT(message("postgresql:///db?table=a%00b"), Catch::Contains("NUL byte"));
    // The password is redacted in the message about a malformed URI.
    std::string bad = message("postgresql://ann:s3cret@host/db?password=s3cret");
    CHECK_THAT(bad, Catch::Contains("name a table"));
    CHECK(bad.find("s3cret") == std::string::npos);
    // A malformed endpoint is the command line's fault: a usage error (exit 2).
    try {
        parse_endpoint("sqlite:a.db");
        FAIL("accepted");
    } catch (const endpoint_error& e) {
        CHECK(uio::kind_of(e) == uio::error_kind::usage);
    }
}

TEST_CASE("endpoints show their connection strings through redact_conninfo") {
    auto pg = parse_endpoint("postgresql://ann:pw@h/db?table=t");
    CHECK(describe(pg) == "PostgreSQL postgresql://ann:***@h/db table t");
    CHECK(describe(parse_endpoint("postgresql:///?table=t")) ==
          "PostgreSQL postgresql:/// table t");
    auto with_param = parse_endpoint("postgresql:///db?password=pw&table=t&sslmode=disable");
    CHECK(describe(with_param) ==
          "PostgreSQL postgresql:///db?password=***&sslmode=disable table t");
}

TEST_CASE("?table=schema.table names a schema; a quoted name holding a dot is one name") {
    auto pg = [](std::string_view text) {
        return std::get<postgres_endpoint>(parse_endpoint(text));
    };
    auto qualified = pg("postgresql:///db?table=myschema.t");
    CHECK(qualified.target.schema == "myschema");
    CHECK(qualified.target.table == "t");
    CHECK(describe(qualified) == "PostgreSQL postgresql:///db table myschema.t");
    auto dotted = pg("postgresql:///db?table=%22a.b%22");
    CHECK(dotted.target.schema.empty());
    CHECK(dotted.target.table == "a.b");
    auto both = pg("postgresql:///db?table=%22My%20S%22.%22x.%22%22y%22%22%22");
    CHECK(both.target.schema == "My S");
    CHECK(both.target.table == "x.\"y\"");
    auto cased = pg("postgresql:///db?table=Sales.Q1");  // case kept, as ucopy always did
    CHECK(cased.target.schema == "Sales");
    CHECK(cased.target.table == "Q1");

    CHECK(parse_table_name("t").table == "t");
    for (std::string_view bad : {"a..b", ".t", "t.", "a.b.c", "\"open", "\"a\"b", "\"\""}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_table_name(bad), endpoint_error);
    }
    CHECK_THROWS_AS(parse_endpoint("postgresql:///db?table=a.b.c"), endpoint_error);
    // SQLite attaches nothing, so a schema there names nothing: refused, the fix suggested.
    try {
        parse_endpoint("sqlite:x.db?table=s.t");
        FAIL("accepted");
    } catch (const endpoint_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("table=\"s.t\""));
    }
    auto lite = std::get<sqlite_endpoint>(parse_endpoint("sqlite:x.db?table=%22s.t%22"));
    CHECK(lite.target.table == "s.t");
}

TEST_CASE(
    "sqlite:///rel.db and sqlite:////abs.db as SQLAlchemy means them, sqlite://host refused") {
    auto path = [](std::string_view text) {
        return std::get<sqlite_endpoint>(parse_endpoint(text)).path;
    };
    CHECK(path("sqlite:rel.db?table=t") == "rel.db");
    CHECK(path("sqlite:/abs.db?table=t") == "/abs.db");
    CHECK(path("sqlite:///rel.db?table=t") == "rel.db");
    CHECK(path("sqlite:///dir/rel.db?table=t") == "dir/rel.db");
    CHECK(path("sqlite:////abs.db?table=t") == "/abs.db");
    for (std::string_view bad : {"sqlite://rel.db?table=t", "sqlite://host/x.db?table=t",
                                 "sqlite://?table=t", "sqlite:///?table=t"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_endpoint(bad), endpoint_error);
    }
}

TEST_CASE("an unknown scheme is a usage error, never a file name") {
    for (std::string_view text : {"mysql://x/y?table=t", "http://example.com/a.csv",
                                  "file:///tmp/a.csv", "s3+https://b/k.csv"}) {
        INFO(text);
        try {
            parse_endpoint(text);
            FAIL("accepted");
        } catch (const endpoint_error& e) {
            CHECK_THAT(e.what(), Catch::Contains("unknown scheme"));
            CHECK(uio::kind_of(e) == uio::error_kind::usage);
        }
    }
    // Only the scheme is shown: the rest may hold a password.
    try {
        parse_endpoint("mysql://ann:s3cret@db/shop?table=t");
    } catch (const endpoint_error& e) {
        CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
    }
    // A file of that name stays reachable.
    CHECK(std::holds_alternative<data_file_endpoint>(parse_endpoint("./mysql://x.csv")));
    CHECK(std::holds_alternative<file_tree_endpoint>(parse_endpoint("1a://b")));
}
