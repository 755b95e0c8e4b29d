// statement: the sqlite3_stmt calls, with every failure turned into sqlite::error.
#include "uio/db/sqlite/statement.hpp"

#include <sqlite3.h>

#include <climits>
#include <cstring>
#include <utility>

#include "uio/db/sqlite/error.hpp"

namespace uio::sqlite {

statement::statement(sqlite3* db, std::string_view sql, std::string_view* tail, bool persistent)
    : db_(db) {
    if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
        throw error(SQLITE_TOOBIG, "SQL text too long");
    }
    const char* end = nullptr;
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt_, &end);
    if (rc != SQLITE_OK) detail::throw_error(db, rc, sql);
    if (tail) *tail = sql.substr(static_cast<std::size_t>(end - sql.data()));
    if (!stmt_) {
        throw error(SQLITE_MISUSE, "no SQL statement to prepare", std::string(sql));
    }
}

statement::statement(statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

statement& statement::operator=(statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        db_ = other.db_;
        stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
}

statement::~statement() {
    sqlite3_finalize(stmt_);
}

std::string_view statement::sql() const noexcept {
    const char* text = stmt_ ? sqlite3_sql(stmt_) : nullptr;
    return text ? std::string_view(text) : std::string_view();
}

int statement::parameter_count() const noexcept {
    return sqlite3_bind_parameter_count(stmt_);
}

int statement::column_count() const noexcept {
    return sqlite3_column_count(stmt_);
}

void statement::bind(int index, const value& v) {
    int rc = SQLITE_OK;
    switch (v.type()) {
        case value_type::null_value:
            rc = sqlite3_bind_null(stmt_, index);
            break;
        case value_type::integer:
            rc = sqlite3_bind_int64(stmt_, index, std::get<std::int64_t>(v.variant()));
            break;
        case value_type::real:
            rc = sqlite3_bind_double(stmt_, index, std::get<double>(v.variant()));
            break;
        case value_type::text: {
            const std::string& s = std::get<std::string>(v.variant());
            rc = sqlite3_bind_text64(stmt_, index, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
            break;
        }
        case value_type::blob_value: {
            const blob& b = std::get<blob>(v.variant());
            // A zero-length blob needs a non-null pointer, or SQLite binds NULL.
            static const std::byte empty{};
            rc = sqlite3_bind_blob64(stmt_, index, b.empty() ? &empty : b.data(), b.size(),
                                     SQLITE_STATIC);
            break;
        }
    }
    if (rc != SQLITE_OK) detail::throw_error(db_, rc, sql());
}

void statement::bind_all(std::span<const value> params) {
    int expected = parameter_count();
    if (static_cast<std::size_t>(expected) != params.size()) {
        throw error(SQLITE_RANGE,
                    "statement takes " + std::to_string(expected) + " parameters, " +
                        std::to_string(params.size()) + " given",
                    std::string(sql()));
    }
    for (std::size_t i = 0; i < params.size(); ++i) bind(static_cast<int>(i + 1), params[i]);
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    detail::throw_error(db_, rc, sql());
}

value statement::column(int index) const {
    switch (sqlite3_column_type(stmt_, index)) {
        case SQLITE_INTEGER:
            return value(sqlite3_column_int64(stmt_, index));
        case SQLITE_FLOAT:
            return value(sqlite3_column_double(stmt_, index));
        case SQLITE_TEXT: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
            int size = sqlite3_column_bytes(stmt_, index);
            return value(std::string(text ? text : "", static_cast<std::size_t>(size)));
        }
        case SQLITE_BLOB: {
            const auto* data = static_cast<const std::byte*>(sqlite3_column_blob(stmt_, index));
            int size = sqlite3_column_bytes(stmt_, index);
            return value(blob(data, data + size));
        }
        default:
            return value();
    }
}

rows statement::read_all() {
    return read_rows(static_cast<std::size_t>(-1));
}

rows statement::read_rows(std::size_t limit) {
    int width = column_count();
    std::vector<std::string> names;
    names.reserve(static_cast<std::size_t>(width));
    for (int i = 0; i < width; ++i) {
        const char* name = sqlite3_column_name(stmt_, i);
        names.emplace_back(name ? name : "");
    }
    rows result(std::move(names));
    for (std::size_t n = 0; n < limit && step(); ++n) {
        for (int i = 0; i < width; ++i) result.push(column(i));
    }
    return result;
}

void statement::reset() noexcept {
    if (!stmt_) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

void statement::rewind() noexcept {
    if (stmt_) sqlite3_reset(stmt_);
}

bool is_blank_sql(std::string_view sql) noexcept {
    std::size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ';') {
            ++i;
        } else if (sql.substr(i, 2) == "--") {
            std::size_t end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (sql.substr(i, 2) == "/*") {
            std::size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace uio::sqlite
