#include "uio/db/etl/detail/sqlite_cursor.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>

#include "uio/core/error_kind.hpp"
#include "uio/db/etl/detail/jsonl_columns.hpp"
#include "uio/db/formats/jsonl.hpp"
#include "uio/db/sqlite/error.hpp"
#include "uio/db/sqlite/quote.hpp"

namespace uio::etl {

namespace {

enum class json_declared { none, boolean, number, nested };

json_declared json_declared_type(std::string_view declared) {
    auto is = [declared](std::string_view name) {
        return std::equal(declared.begin(), declared.end(), name.begin(), name.end(),
                          [](char a, char b) { return std::toupper(a) == b; });
    };
    if (is(sqlite_json_boolean)) return json_declared::boolean;
    if (is(sqlite_json_number)) return json_declared::number;
    if (is(sqlite_json_nested)) return json_declared::nested;
    return json_declared::none;
}

bool digits(std::string_view s, std::size_t& i) {
    std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
}

// RFC 8259's number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool json_number(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    if (i < s.size() && s[i] == '0') {
        ++i;
    } else if (!digits(s, i)) {
        return false;
    }
    if (i < s.size() && s[i] == '.' && !digits(s, ++i)) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digits(s, i)) return false;
    }
    return i == s.size();
}

// Whether `s` is one JSON object or array, as the JSON Lines parser reads it.
bool json_nested(std::string_view s) {
    if (s.empty() || (s.front() != '{' && s.front() != '[')) return false;
    if (s.find('\n') != std::string_view::npos) return false;  // one line of JSON Lines
    try {
        formats::jsonl_reader reader;
        std::string line = "{\"v\":";
        line += s;
        line += "}\n";
        formats::jsonl_batch b = reader.feed(line);
        return b.size() == 1 && b[0][0].kind == formats::json_kind::raw;
    } catch (...) {
        return false;
    }
}

}  // namespace

struct sqlite_cursor::state {
    sqlite3_stmt* stmt = nullptr;
    std::vector<column_spec> columns;
    std::int64_t rows = 0;
    bool done = false;
    // Finalizing from another thread is safe: Debian's SQLite is built serialized.
    ~state() { sqlite3_finalize(stmt); }

    // One cell as text: NULL → nullopt, REAL in its shortest exact form.
    std::optional<std::string_view> cell(int i, std::string& scratch) const {
        switch (sqlite3_column_type(stmt, i)) {
            case SQLITE_NULL:
                return std::nullopt;
            case SQLITE_INTEGER:
                scratch = std::to_string(sqlite3_column_int64(stmt, i));
                return scratch;
            case SQLITE_FLOAT:
                scratch = format_real(sqlite3_column_double(stmt, i));
                return scratch;
            default: {
                const void* p = sqlite3_column_blob(stmt, i);
                int n = sqlite3_column_bytes(stmt, i);
                if (!p) return std::string_view();
                return std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(n));
            }
        }
    }

    // Steps; false at the end. Throws sqlite::error.
    bool step(sqlite3* db) {
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) {
            done = true;
            return false;
        }
        sqlite::detail::throw_error(db, rc, sqlite3_sql(stmt));
    }
};

std::string sqlite_select(const std::string& table, const std::string& query) {
    return query.empty() ? "SELECT * FROM " + sqlite::quote_identifier(table) : query;
}

task<sqlite_cursor> sqlite_cursor::open(sqlite::database& db, std::string sql) {
    auto s = std::make_shared<state>();
    auto prepare = [s, sql](sqlite::blocking_connection& c) {
        int rc = sqlite3_prepare_v2(c.handle(), sql.c_str(), static_cast<int>(sql.size()), &s->stmt,
                                    nullptr);
        if (rc != SQLITE_OK) sqlite::detail::throw_error(c.handle(), rc, sql);
        if (!s->stmt) throw usage_error("the query holds no SQL statement: " + sql);
        for (int i = 0; i < sqlite3_column_count(s->stmt); ++i) {
            const char* decl = sqlite3_column_decltype(s->stmt, i);
            std::string declared = decl ? decl : "";
            s->columns.push_back(
                {sqlite3_column_name(s->stmt, i), kind_from_sqlite_type(declared), declared});
        }
    };
    auto request = db.run(std::move(prepare));
    co_await request;
    co_return sqlite_cursor(db, std::move(s));
}

const std::vector<column_spec>& sqlite_cursor::columns() const noexcept {
    return s_->columns;
}

std::int64_t sqlite_cursor::rows() const noexcept {
    return s_->rows;
}

task<std::string> sqlite_cursor::next_csv(formats::csv_writer writer, std::size_t bytes) {
    auto job = [s = s_, writer, bytes](sqlite::blocking_connection& c) {
        std::string out;
        if (s->done) return out;
        std::size_t width = s->columns.size();
        std::vector<formats::field> fields(width);
        std::vector<std::string> scratch(width);
        while (out.size() < bytes && s->step(c.handle())) {
            for (std::size_t i = 0; i < width; ++i) {
                fields[i] = s->cell(static_cast<int>(i), scratch[i]);
            }
            writer.write_row(fields, out);
            ++s->rows;
        }
        return out;
    };
    auto request = db_->run(std::move(job));
    co_return co_await request;
}

task<std::string> sqlite_cursor::next_jsonl(std::size_t bytes) {
    auto job = [s = s_, bytes](sqlite::blocking_connection& c) {
        std::string out;
        if (s->done) return out;
        std::size_t width = s->columns.size();
        std::vector<std::string> names;
        for (const auto& col : s->columns) names.push_back(col.name);
        formats::jsonl_writer writer(names);
        std::vector<formats::json_field> fields(width);
        std::vector<std::string> scratch(width);
        std::vector<json_declared> declared;
        for (const auto& col : s->columns) declared.push_back(json_declared_type(col.declared));
        while (out.size() < bytes && s->step(c.handle())) {
            for (std::size_t i = 0; i < width; ++i) {
                int type = sqlite3_column_type(s->stmt, static_cast<int>(i));
                auto text = s->cell(static_cast<int>(i), scratch[i]);
                formats::json_kind kind = formats::json_kind::string;
                if (type == SQLITE_NULL) kind = formats::json_kind::null_value;
                if (type == SQLITE_INTEGER) kind = formats::json_kind::number;
                // inf and nan are not JSON numbers: they go out as strings.
                if (type == SQLITE_FLOAT && text &&
                    text->find_first_of("in") == std::string::npos) {
                    kind = formats::json_kind::number;
                }
                // The JSON type a declared type ucopy wrote keeps (jsonl_columns.hpp), when
                // the value is one; else the value as its storage class says.
                if (type == SQLITE_INTEGER && declared[i] == json_declared::boolean &&
                    (*text == "0" || *text == "1")) {
                    kind = formats::json_kind::boolean;
                    text = *text == "1" ? "true" : "false";
                } else if (type == SQLITE_TEXT && declared[i] == json_declared::number &&
                           json_number(*text)) {
                    kind = formats::json_kind::number;
                } else if (type == SQLITE_TEXT && declared[i] == json_declared::nested &&
                           json_nested(*text)) {
                    kind = formats::json_kind::raw;
                }
                fields[i] = {kind, text.value_or(std::string_view())};
            }
            writer.write_row(fields, out);
            ++s->rows;
        }
        return out;
    };
    auto request = db_->run(std::move(job));
    co_return co_await request;
}

}  // namespace uio::etl
