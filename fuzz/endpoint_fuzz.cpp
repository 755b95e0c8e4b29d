// Fuzz target: the endpoint parser (etl::parse_endpoint) and the password redaction that
// every message goes through (pg::redact_conninfo, the only redactor). Oracles, beyond
// "no crash, no sanitizer report, no leak, only endpoint_error thrown":
//   - a parsed endpoint is consistent: a table or a query (never both, never neither) for
//     PostgreSQL and SQLite, a non-empty SQLite path;
//   - a password planted in the user info or as ?password= of a URI built around the input
//     appears in no error message, no describe() and no redacted text;
//   - whatever password libpq reads from a string, libpq reads no longer from its redacted
//     form (the oracle is libpq itself, so it knows percent-encoding and quoting).
#include <libpq-fe.h>

#include <cctype>
#include <memory>
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "uio/db/etl/endpoint.hpp"
#include "uio/db/pg/conninfo.hpp"

namespace etl = uio::etl;

namespace {

constexpr std::string_view secret = "Zq9sEcReTpw";

// The password libpq reads from `conninfo` (nullopt when it does not parse or has none).
std::optional<std::string> libpq_password(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (error) PQfreemem(error);
    if (!options) return std::nullopt;
    std::optional<std::string> password;
    for (PQconninfoOption* o = options; o->keyword; ++o) {
        if (std::string_view(o->keyword) == "password" && o->val && *o->val) password = o->val;
    }
    PQconninfoFree(options);
    return password;
}

// Parses `text`; returns every string a user could be shown about it.
std::string shown(std::string_view text, const etl::endpoint_options& options) {
    try {
        etl::endpoint e = etl::parse_endpoint(text, options);
        if (const auto* pg = std::get_if<etl::postgres_endpoint>(&e)) {
            UIO_FUZZ_CHECK(pg->target.table.empty() != pg->target.query.empty(), text);
        }
        if (const auto* lite = std::get_if<etl::sqlite_endpoint>(&e)) {
            UIO_FUZZ_CHECK(!lite->path.empty(), text);
            UIO_FUZZ_CHECK(lite->target.table.empty() != lite->target.query.empty(), text);
        }
        (void)etl::is_table_like(e);
        return etl::describe(e);
    } catch (const etl::endpoint_error& error) {
        return error.what();
    }
}

bool is_postgres_uri(std::string_view text) {
    auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    return lower(text.substr(0, 13)) == "postgresql://" ||
           lower(text.substr(0, 11)) == "postgres://";
}

// `text` is a PostgreSQL URI holding `secret` once, as a password.
void check_no_leak(const std::string& text) {
    std::string redacted = uio::pg::redact_conninfo(text);
    UIO_FUZZ_CHECK(redacted.find(secret) == std::string::npos, redacted);
    std::string message = shown(text, {});
    UIO_FUZZ_CHECK(message.find(secret) == std::string::npos, message);
}

void check_libpq_agrees(const std::string& text) {
    std::optional<std::string> password = libpq_password(text);
    if (!password || *password == "***") return;
    // A text holding the password twice can show it legitimately elsewhere (as a dbname...).
    if (text.find(*password, text.find(*password) + 1) != std::string::npos) return;
    std::optional<std::string> after = libpq_password(uio::pg::redact_conninfo(text));
    UIO_FUZZ_CHECK(after != password, "pg::redact_conninfo kept: " + *password);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    (void)shown(text, {});
    (void)shown(text, {.format = etl::data_format::jsonl});
    (void)etl::format_from_extension(text);
    (void)etl::parse_format(text);
    try {
        (void)etl::percent_decode(text);
    } catch (const etl::endpoint_error&) {
    }
    check_libpq_agrees(text);
    if (text.find(secret) == std::string::npos) {
        check_no_leak("postgresql://u:" + std::string(secret) + "@" + text);
        std::string uri = is_postgres_uri(text) ? text : "postgresql://" + text;
        check_no_leak(uri + (uri.find('?') == std::string::npos ? "?" : "&") +
                      "password=" + std::string(secret));
        check_libpq_agrees("postgresql://u:" + std::string(secret) + "@" + text);
    }
    return 0;
}
