// Names for SQLite's result codes: SQLite offers only prose (sqlite3_errstr), and a log line
// that says SQLITE_CONSTRAINT_UNIQUE is what a user greps the documentation for.
#include "uio/db/sqlite/error.hpp"

#include <sqlite3.h>

#include <utility>

namespace uio::sqlite {

namespace {

struct code_entry {
    int code;
    const char* name;
};

#define UIO_SQLITE_CODE(name) \
    { name, #name }
constexpr code_entry code_names[] = {
    UIO_SQLITE_CODE(SQLITE_OK),
    UIO_SQLITE_CODE(SQLITE_ERROR),
    UIO_SQLITE_CODE(SQLITE_INTERNAL),
    UIO_SQLITE_CODE(SQLITE_PERM),
    UIO_SQLITE_CODE(SQLITE_ABORT),
    UIO_SQLITE_CODE(SQLITE_BUSY),
    UIO_SQLITE_CODE(SQLITE_LOCKED),
    UIO_SQLITE_CODE(SQLITE_NOMEM),
    UIO_SQLITE_CODE(SQLITE_READONLY),
    UIO_SQLITE_CODE(SQLITE_INTERRUPT),
    UIO_SQLITE_CODE(SQLITE_IOERR),
    UIO_SQLITE_CODE(SQLITE_CORRUPT),
    UIO_SQLITE_CODE(SQLITE_NOTFOUND),
    UIO_SQLITE_CODE(SQLITE_FULL),
    UIO_SQLITE_CODE(SQLITE_CANTOPEN),
    UIO_SQLITE_CODE(SQLITE_PROTOCOL),
    UIO_SQLITE_CODE(SQLITE_SCHEMA),
    UIO_SQLITE_CODE(SQLITE_TOOBIG),
    UIO_SQLITE_CODE(SQLITE_CONSTRAINT),
    UIO_SQLITE_CODE(SQLITE_MISMATCH),
    UIO_SQLITE_CODE(SQLITE_MISUSE),
    UIO_SQLITE_CODE(SQLITE_RANGE),
    UIO_SQLITE_CODE(SQLITE_NOTADB),
    UIO_SQLITE_CODE(SQLITE_BUSY_RECOVERY),
    UIO_SQLITE_CODE(SQLITE_BUSY_SNAPSHOT),
    UIO_SQLITE_CODE(SQLITE_BUSY_TIMEOUT),
    UIO_SQLITE_CODE(SQLITE_LOCKED_SHAREDCACHE),
    UIO_SQLITE_CODE(SQLITE_READONLY_DBMOVED),
    UIO_SQLITE_CODE(SQLITE_READONLY_DIRECTORY),
    UIO_SQLITE_CODE(SQLITE_IOERR_READ),
    UIO_SQLITE_CODE(SQLITE_IOERR_WRITE),
    UIO_SQLITE_CODE(SQLITE_IOERR_FSYNC),
    UIO_SQLITE_CODE(SQLITE_IOERR_NOMEM),
    UIO_SQLITE_CODE(SQLITE_CANTOPEN_ISDIR),
    UIO_SQLITE_CODE(SQLITE_CANTOPEN_FULLPATH),
    UIO_SQLITE_CODE(SQLITE_CONSTRAINT_CHECK),
    UIO_SQLITE_CODE(SQLITE_CONSTRAINT_FOREIGNKEY),
    UIO_SQLITE_CODE(SQLITE_CONSTRAINT_NOTNULL),
    UIO_SQLITE_CODE(SQLITE_CONSTRAINT_PRIMARYKEY),
    UIO_SQLITE_CODE(SQLITE_CONSTRAINT_TRIGGER),
    UIO_SQLITE_CODE(SQLITE_CONSTRAINT_UNIQUE),
    UIO_SQLITE_CODE(SQLITE_CONSTRAINT_ROWID),
    UIO_SQLITE_CODE(SQLITE_CONSTRAINT_DATATYPE),
};
#undef UIO_SQLITE_CODE

class sqlite_category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "sqlite"; }
    std::string message(int code) const override { return sqlite3_errstr(code); }
};

}  // namespace

const std::error_category& category() noexcept {
    static const sqlite_category instance;
    return instance;
}

std::string code_name(int extended_code) {
    for (const auto& entry : code_names) {
        if (entry.code == extended_code) return entry.name;
    }
    return "SQLITE_" + std::to_string(extended_code);
}

error::error(int extended_code, std::string message, std::string sql)
    : std::system_error(extended_code, category()),
      message_(std::move(message)),
      sql_(std::move(sql)) {
    what_ = message_ + " (" + code_name(extended_code) + ")";
    if (!sql_.empty()) what_ += " in: " + sql_;
}

error_kind error::kind() const noexcept {
    switch (primary_code()) {
        case SQLITE_CONSTRAINT:
        case SQLITE_MISMATCH:
        case SQLITE_TOOBIG:
            return error_kind::data;
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_CANTOPEN:
        case SQLITE_READONLY:
        case SQLITE_PERM:
            return error_kind::io;
        case SQLITE_MISUSE:
        case SQLITE_RANGE:
        case SQLITE_INTERNAL:
            return error_kind::internal;
        default:
            return error_kind::database;
    }
}

namespace detail {

void throw_error(sqlite3* db, int rc, std::string_view sql) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int code = db ? sqlite3_extended_errcode(db) : rc;
    if ((code & 0xff) != (rc & 0xff)) code = rc;  // errmsg belongs to a later call
    throw error(code, std::move(message), std::string(sql));
}

void throw_no_rows(const std::string& sql) {
    throw error(SQLITE_NOTFOUND, "the query returned no rows (read it as std::optional)", sql);
}

}  // namespace detail

}  // namespace uio::sqlite
