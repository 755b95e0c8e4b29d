#include "uio/db/etl/detail/sqlite_table_load.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/db/etl/detail/sqlite_upsert.hpp"
#include "uio/db/etl/detail/upsert_key.hpp"
#include "uio/db/sqlite/error.hpp"
#include "uio/db/sqlite/options.hpp"
#include "uio/db/sqlite/quote.hpp"

namespace uio::etl {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    // SQLite matches column names case-insensitively (ASCII).
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

// `columns`' declared types as they are: empty is no type (BLOB affinity). An upsert's
// `key` (positions in `columns`) becomes the primary key, NOT NULL.
std::string create_sql(const std::string& table, const std::vector<column_spec>& columns,
                       const std::vector<std::size_t>& key) {
    std::string sql = "CREATE TABLE " + sqlite::quote_identifier(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) sql += ", ";
        sql += sqlite::quote_identifier(columns[i].name);
        if (!columns[i].declared.empty()) sql += " " + columns[i].declared;
        if (std::find(key.begin(), key.end(), i) != key.end()) sql += " NOT NULL";
    }
    for (std::size_t k = 0; k < key.size(); ++k) {
        sql += (k ? ", " : ", PRIMARY KEY (") + sqlite::quote_identifier(columns[key[k]].name);
    }
    return sql + (key.empty() ? ")" : "))");
}

// `base`, or `base` with a number, whichever no table, view, index or trigger is called.
task<std::string> unused_name(sqlite::executor& db, std::string base) {
    std::string name = base;
    const std::string sql = "SELECT count(*) FROM sqlite_master WHERE name = ?";
    for (int n = 2;; ++n) {
        auto taken = co_await db.fetch_value<std::int64_t>(sql, name);
        if (taken == 0) co_return name;
        name = base + std::to_string(n);
    }
}

}  // namespace

std::optional<load_mode> parse_load_mode(std::string_view text) noexcept {
    if (text == "append") return load_mode::append;
    if (text == "replace") return load_mode::replace;
    if (text == "fail-if-exists") return load_mode::fail_if_exists;
    if (text == "upsert") return load_mode::upsert;
    return std::nullopt;
}

std::string_view load_mode_name(load_mode m) noexcept {
    switch (m) {
        case load_mode::append:
            return "append";
        case load_mode::replace:
            return "replace";
        case load_mode::upsert:
            return "upsert";
        case load_mode::fail_if_exists:
            break;
    }
    return "fail-if-exists";
}

task<bool> sqlite_table_exists(sqlite::executor& db, std::string table) {
    std::string sql =
        "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?";
    auto n = co_await db.fetch_value<std::int64_t>(sql, table);
    co_return n > 0;
}

task<std::vector<column_spec>> sqlite_table_columns(sqlite::executor& db, std::string table) {
    std::string sql = "SELECT name, type FROM pragma_table_info(?)";
    sqlite::rows r = co_await db.fetch(sql, table);
    std::vector<column_spec> out;
    for (auto row : r) {
        auto type = row.get<std::string>(1);
        out.push_back({row.get<std::string>(0), kind_from_sqlite_type(type), type});
    }
    co_return out;
}

task<std::unique_ptr<sqlite_table_load>> sqlite_table_load::begin(sqlite::database& db,
                                                                  sqlite_load_request request) {
    sqlite::transaction tx = co_await db.begin();
    std::unique_ptr<sqlite_table_load> load(new sqlite_table_load(std::move(tx)));
    load->table_ = request.table;
    load->load_table_ = request.table;

    // --schema: the user's types win over inferred ones.
    std::vector<column_spec> wanted = request.source_columns;
    // SQLite has no boolean, date or exact decimal: those are TEXT, kept as written.
    for (column_spec& c : wanted) c.kind = sqlite_storage(c.kind);
    for (const column_spec& s : request.schema) {
        auto it = std::find_if(wanted.begin(), wanted.end(),
                               [&](const column_spec& c) { return same_name(c.name, s.name); });
        if (it == wanted.end()) {
            throw usage_error("--schema names column '" + s.name +
                              "', which the source does not have");
        }
        it->kind = s.kind;
        it->declared = s.declared;
        it->inferred = false;
    }

    std::vector<column_spec> existing = co_await sqlite_table_columns(load->tx_, request.table);
    bool exists = !existing.empty();
    if (!exists && co_await sqlite_table_exists(load->tx_, request.table)) {
        throw database_error("'" + request.table + "' is a view, not a table");
    }
    if (exists && request.mode == load_mode::fail_if_exists) {
        throw database_error("table '" + request.table + "' exists (--mode=fail-if-exists)");
    }
    const bool upsert = request.mode == load_mode::upsert;
    if (exists && (request.mode == load_mode::append || upsert)) {
        if (request.by_position) {
            if (existing.size() != wanted.size()) {
                throw data_error("table '" + request.table + "' has " +
                                 std::to_string(existing.size()) + " columns, the input " +
                                 std::to_string(wanted.size()));
            }
            for (std::size_t i = 0; i < wanted.size(); ++i) {
                load->columns_.push_back(existing[i]);
                load->order_.push_back(i);
            }
        } else {
            for (std::size_t i = 0; i < wanted.size(); ++i) {
                auto it = std::find_if(existing.begin(), existing.end(), [&](const column_spec& c) {
                    return same_name(c.name, wanted[i].name);
                });
                if (it == existing.end()) {
                    throw data_error("table '" + request.table + "' has no column '" +
                                     wanted[i].name + "'");
                }
                load->columns_.push_back(*it);
                load->order_.push_back(i);
            }
        }
    } else {
        if (exists) {
            // replace: a new table under a name of our own, swapped in at commit.
            load->load_table_ = request.table + "__uio_replace";
            load->swap_ = true;
            std::string drop =
                "DROP TABLE IF EXISTS " + sqlite::quote_identifier(load->load_table_);
            co_await load->tx_.execute(drop);
        }
        for (std::size_t i = 0; i < wanted.size(); ++i) {
            if (wanted[i].declared.empty()) wanted[i].declared = sqlite_type(wanted[i].kind);
            load->columns_.push_back(wanted[i]);
            load->order_.push_back(i);
        }
    }
    // Upsert, before anything is written: the key must be loaded, and (existing table)
    // indexed.
    std::string suffix;
    std::vector<std::string> names;
    for (const column_spec& c : load->columns_) names.push_back(c.name);
    if (upsert) {
        load->key_ = request.key;
        load->key_columns_ = key_positions(request.key, load->columns_, same_name);
        load->count_upserts_ = request.count_upserts;
        if (exists) co_await require_sqlite_unique_key(load->tx_, request.table, request.key);
        if (exists && load->count_upserts_) {
            const std::string count =
                "SELECT count(*) FROM " + sqlite::quote_identifier(request.table);
            load->rows_before_ = co_await load->tx_.fetch_value<std::int64_t>(count);
        }
        suffix = sqlite_upsert_clause(names, request.key);
    }
    if (!exists || request.mode == load_mode::replace) {
        std::string sql = create_sql(load->load_table_, load->columns_, load->key_columns_);
        co_await load->tx_.execute(sql);
    }
    load->insert_ = std::make_shared<const sqlite::row_insert>(
        "INSERT", load->load_table_, names, sqlite::bulk_options{}.group_rows, suffix);
    co_return load;
}

task<void> sqlite_table_load::widen(std::vector<bool> widens) {
    bool changed = false;
    for (std::size_t i = 0; i < widens.size() && i < columns_.size(); ++i) {
        column_spec& c = columns_[i];
        if (!widens[i] || !c.inferred || c.kind == value_kind::mixed) continue;
        c.kind = value_kind::mixed;
        c.declared.clear();
        changed = true;
    }
    if (!changed) co_return;
    ++widenings_;
    // A declared type only gives a column its affinity, which applies to values on their way
    // in; the values stored stay as they are in any column. So the table's definition is
    // rewritten in place, as SQLite's documentation says for changes that leave the stored
    // rows valid (lang_altertable.html, "Making Other Kinds Of Table Schema Changes"):
    // writable_schema, the CREATE TABLE text in sqlite_schema, schema_version + 1, in this
    // transaction, so a rollback undoes it. It costs nothing per row; rebuilding the table
    // copied every row loaded so far (measured: scripts/bench-etl-widening). Except a key
    // column: INTEGER in a one-column PRIMARY KEY is the rowid itself, stored otherwise, so
    // a key column that widens still has its table rebuilt.
    bool key_widens = false;
    for (std::size_t k : key_columns_) key_widens = key_widens || (k < widens.size() && widens[k]);
    if (!key_widens) {
        const std::string version_sql = "PRAGMA schema_version";
        const auto version = co_await tx_.fetch_value<std::int64_t>(version_sql);
        const std::string on = "PRAGMA writable_schema = ON";
        co_await tx_.execute(on);
        const std::string update =
            "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?";
        co_await tx_.execute(update, create_sql(load_table_, columns_, key_columns_), load_table_);
        const std::string bump = "PRAGMA schema_version = " + std::to_string(version + 1);
        co_await tx_.execute(bump);
        const std::string off = "PRAGMA writable_schema = OFF";
        co_await tx_.execute(off);
        co_return;
    }
    // Only tables this load created have inferred columns, in the table's own order.
    std::string scratch = co_await unused_name(tx_, load_table_ + "__uio_widen");
    std::string create = create_sql(scratch, columns_, key_columns_);
    co_await tx_.execute(create);
    std::string copy = "INSERT INTO " + sqlite::quote_identifier(scratch) + " SELECT * FROM " +
                       sqlite::quote_identifier(load_table_);
    co_await tx_.execute(copy);
    std::string drop = "DROP TABLE " + sqlite::quote_identifier(load_table_);
    co_await tx_.execute(drop);
    std::string rename = "ALTER TABLE " + sqlite::quote_identifier(scratch) + " RENAME TO " +
                         sqlite::quote_identifier(load_table_);
    co_await tx_.execute(rename);
}

task<void> sqlite_table_load::insert(std::shared_ptr<row_batch> batch, std::string source) {
    if (!batch->widens.empty()) co_await widen(batch->widens);
    auto job = [batch, insert = insert_, source](sqlite::blocking_connection& c) {
        if (auto f = insert->insert(c, batch->cells)) {
            // A failed row undid only itself (the rows before it stay in the transaction, which
            // the caller rolls back). A row's fault (a constraint, a type) names its line; the
            // database's (a full disk, an I/O error) does not, and sqlite_target names the file.
            sqlite::error e(f->code, f->message);
            if (e.kind() != error_kind::data) throw e;
            throw data_error(source + ":" + std::to_string(batch->lines[f->row]) + ": " +
                             f->message);
        }
        return static_cast<std::int64_t>(batch->rows());
    };
    auto request = tx_.run(std::move(job));
    std::int64_t n = co_await request;
    inserted_ += n;
}

task<std::int64_t> sqlite_table_load::commit() {
    if (swap_) {
        std::string drop = "DROP TABLE " + sqlite::quote_identifier(table_);
        co_await tx_.execute(drop);
        std::string rename = "ALTER TABLE " + sqlite::quote_identifier(load_table_) +
                             " RENAME TO " + sqlite::quote_identifier(table_);
        co_await tx_.execute(rename);
    }
    if (count_upserts_) {
        const std::string count = "SELECT count(*) FROM " + sqlite::quote_identifier(table_);
        std::int64_t after = co_await tx_.fetch_value<std::int64_t>(count);
        inserted_keys_ = after - rows_before_;
    }
    co_await tx_.commit();
    co_return inserted_;
}

}  // namespace uio::etl
