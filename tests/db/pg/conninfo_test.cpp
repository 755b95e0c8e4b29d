// redact_conninfo: passwords never survive, in key=value strings or URIs.
#include <catch2/catch.hpp>

#include "uio/db/pg/conninfo.hpp"

using uio::pg::redact_conninfo;

TEST_CASE("redact_conninfo masks the password of a keyword=value string") {
    std::string out =
        redact_conninfo("host=db.example port=5432 user=ann password=s3cret dbname=app");
    CHECK(out.find("s3cret") == std::string::npos);
    CHECK(out.find("password=***") != std::string::npos);
    CHECK(out.find("host=db.example") != std::string::npos);
    CHECK(out.find("user=ann") != std::string::npos);
}

TEST_CASE("redact_conninfo masks quoted passwords with spaces and escapes") {
    std::string out = redact_conninfo("host=x password = 'a b\\'c' user=y");
    CHECK(out.find("a b") == std::string::npos);
    CHECK(out.find("'c") == std::string::npos);
    CHECK(out.find("password=***") != std::string::npos);
    CHECK(out.find("user=y") != std::string::npos);
}

TEST_CASE("redact_conninfo masks passwords in URIs, also in the query string") {
    std::string out = redact_conninfo("postgresql://ann:s3cret@db:5433/app?sslmode=disable");
    CHECK(out.find("s3cret") == std::string::npos);
    CHECK(out.find("password=***") != std::string::npos);
    CHECK(out.find("port=5433") != std::string::npos);
    std::string query = redact_conninfo("postgresql:///app?host=/tmp&password=hunter2");
    CHECK(query.find("hunter2") == std::string::npos);
    CHECK(query.find("host=/tmp") != std::string::npos);
}

TEST_CASE("redact_conninfo leaves strings without a password alone and hides unparsable ones") {
    std::string plain = redact_conninfo("host=/tmp/pg dbname=app");
    CHECK(plain.find("host=/tmp/pg") != std::string::npos);
    CHECK(plain.find("dbname=app") != std::string::npos);
    CHECK(plain.find("password") == std::string::npos);
    std::string bad = redact_conninfo("host=x password=s3cret 'unterminated");
    CHECK(bad.find("s3cret") == std::string::npos);
    CHECK(bad == "<unparsable connection string>");
}
