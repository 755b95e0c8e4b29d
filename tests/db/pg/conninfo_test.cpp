// redact_conninfo, the project's only password redactor: passwords never survive, in
// keyword=value strings, URIs libpq parses, or URIs it cannot (ucopy's, with table=).
#include <libpq-fe.h>

#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "uio/db/pg/conninfo.hpp"

using uio::pg::redact_conninfo;

namespace {

// The password libpq reads from `text` (nullopt when it does not parse or names none).
std::optional<std::string> libpq_password(const std::string& text) {
    char* message = nullptr;
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &message);
    if (message) PQfreemem(message);
    if (!options) return std::nullopt;
    std::optional<std::string> password;
    for (PQconninfoOption* o = options; o->keyword; ++o) {
        if (std::string_view(o->keyword) == "password" && o->val && *o->val) password = o->val;
    }
    PQconninfoFree(options);
    return password;
}

// `text` holds `password`: its redacted form shows no trace of it, and libpq reads no longer
// the password it read from `text`.
void check_redacted(const std::string& text, const std::string& password) {
    INFO(text);
    std::string out = redact_conninfo(text);
    INFO(out);
    CHECK(out.find(password) == std::string::npos);
    std::optional<std::string> before = libpq_password(text);
    if (before) CHECK(libpq_password(out) != before);
}

}  // namespace

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

TEST_CASE("redact_conninfo keeps a URI's form and masks its passwords") {
    CHECK(redact_conninfo("postgresql://ann:s3cret@db:5433/app?sslmode=disable") ==
          "postgresql://ann:***@db:5433/app?sslmode=disable");
    CHECK(redact_conninfo("postgresql:///app?host=/tmp&password=hunter2") ==
          "postgresql:///app?host=/tmp&password=***");
    CHECK(redact_conninfo("postgresql://ann@host/db") == "postgresql://ann@host/db");
    // Percent-encoded password and key: masked as written.
    CHECK(redact_conninfo("postgres://ann:p%40ss@db/shop?pass%77ord=x&sslmode=require") ==
          "postgres://ann:***@db/shop?pass%77ord=***&sslmode=require");
}

TEST_CASE("redact_conninfo masks URIs libpq cannot parse, such as ucopy's endpoints") {
    // table= is ucopy's; libpq refuses the parameter, so only the URI masking can show it.
    CHECK(redact_conninfo("postgresql://ann:pw@host:5432/db?table=t") ==
          "postgresql://ann:***@host:5432/db?table=t");
    // An '@' inside the user info: everything up to the last '@' before the path goes.
    CHECK(redact_conninfo("postgresql://a:b@c@host/db") == "postgresql://a:***@host/db");
    // Keys in any case (libpq refuses PassWord; a reader would not).
    CHECK(redact_conninfo("postgresql:///db?PassWord=pw&sslmode=disable") ==
          "postgresql:///db?PassWord=***&sslmode=disable");
    CHECK(redact_conninfo("POSTGRESQL://u:pw@h/db") == "POSTGRESQL://u:***@h/db");
}

TEST_CASE("redact_conninfo leaves strings without a password alone and hides unparsable ones") {
    std::string plain = redact_conninfo("host=/tmp/pg dbname=app");
    CHECK(plain.find("host=/tmp/pg") != std::string::npos);
    CHECK(plain.find("dbname=app") != std::string::npos);
    CHECK(plain.find("password") == std::string::npos);
    std::string bad = redact_conninfo("host=x password=s3cret 'unterminated");
    CHECK(bad.find("s3cret") == std::string::npos);
    CHECK(bad == "<unparsable connection string>");
    // Not a keyword libpq knows: unparsable, whatever it holds.
    CHECK(redact_conninfo("host=x mypassword=1") == "<unparsable connection string>");
}

TEST_CASE("redact_conninfo: the fuzzer's password reproducers stay fixed") {
    // fuzz/corpus/endpoint/regress-password-with-question-mark: libpq ends the user info at
    // the first '@' before a '/', so a '?' belongs to the password.
    CHECK(redact_conninfo("postgresql://ann:pa?ss@db/shop?table=t") ==
          "postgresql://ann:***@db/shop?table=t");
    check_redacted("postgresql://ann:pa?ss@db/shop?table=t", "pa?ss");
    // regress-password-before-question-mark: the same, the password holding "?table=".
    check_redacted("postgresql://ann:puse?table=%22%3Brs%2Fw@db/shoptal=t", "puse");
    CHECK(redact_conninfo("postgresql://ann:puse?table=%22%3Brs%2Fw@db/shoptal=t") ==
          "postgresql://ann:***@db/shoptal=t");
    // regress-password-keyword-formfeed (and regress-h-577fec419d): a form feed between the
    // keyword and '='.
    check_redacted("host=x password\f= s3cret", "s3cret");
    // regress-h-9f32ea3820: '&' separates URI parameters only; in a conninfo string it is
    // part of the value. The NUL bytes end the string for libpq.
    const std::string nul_tail("password\f=***&r/&o&&O&/&&OOO&\0\0\0>", 33);
    check_redacted(nul_tail, "&r/&o");
    check_redacted("host=x password=abc&def", "abc&def");
    check_redacted("host=x password=abc&def", "def");
}

TEST_CASE("redact_conninfo hides a password planted the way the fuzzer plants it") {
    const std::string secret = "Zq9sEcReTpw";
    for (std::string text : {"db/shop?table=t", "a?b@c", "a:b?c@d", "[::1]:5/x", "?", "x@y/z@w",
                             "h/db?password", "h?x=1&", "%zz@h/"}) {
        check_redacted("postgresql://u:" + secret + "@" + text, secret);
        std::string uri = "postgresql://" + text;
        check_redacted(
            uri + (uri.find('?') == std::string::npos ? "?" : "&") + "password=" + secret, secret);
    }
}
