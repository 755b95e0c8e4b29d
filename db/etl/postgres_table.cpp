#include "uio/db/etl/detail/postgres_table.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/db/etl/detail/postgres_upsert.hpp"
#include "uio/db/etl/detail/postgres_upsert_overlap.hpp"
#include "uio/db/etl/detail/postgres_widen_in_place.hpp"
#include "uio/db/etl/detail/upsert_key.hpp"
#include "uio/db/pg/quote.hpp"

using namespace std::chrono_literals;

namespace uio::etl {

task<pg::connection> connect_postgres(std::string conninfo, std::string schema) {
    pg::connection conn = co_await pg::connection::connect(std::move(conninfo), 15s);
    if (schema.empty()) co_return conn;
    const std::string exists = "select count(*) from pg_namespace where nspname = $1";
    pg::result r = co_await conn.fetch(exists, schema);
    if (r[0][0].as<std::int64_t>() == 0) {
        throw database_error("no schema '" + schema +
                             "' in PostgreSQL (ucopy creates tables, not schemas)");
    }
    // Only that schema (pg_catalog and the session's temporary schema are always searched):
    // a table missing there must not be found in public instead.
    const std::string use = "select set_config('search_path', quote_ident($1), false)";
    co_await conn.fetch(use, schema);
    co_return conn;
}

task<void> use_export_settings(pg::connection& conn) {
    // Settings from the startup packet (libpq's PGTZ, PGDATESTYLE, PGOPTIONS) have source
    // 'client'; server defaults and configuration files do not.
    std::string sql =
        "select set_config(name, value, false) from (values ('TimeZone', 'UTC'), "
        "('DateStyle', 'ISO')) wanted(name, value) join pg_settings using (name) "
        "where source <> 'client'";
    co_await conn.execute(sql);
}

task<std::vector<column_spec>> postgres_table_columns(pg::connection& conn, std::string table) {
    std::string sql =
        "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
        "where a.attrelid = to_regclass(quote_ident($1)) and a.attnum > 0 "
        "and not a.attisdropped order by a.attnum";
    pg::result r = co_await conn.fetch(sql, table);
    std::vector<column_spec> out;
    for (pg::row row : r) {
        std::string type = row[1].as<std::string>();
        out.push_back({row[0].as<std::string>(), kind_from_pg_type(type), type});
    }
    co_return out;
}

task<std::vector<column_spec>> postgres_query_columns(pg::connection& conn, std::string query) {
    std::string view = "uio_etl_query_" + std::to_string(conn.backend_pid());
    std::string create =
        "create or replace temp view " + pg::quote_identifier(conn, view) + " as " + query;
    co_await conn.execute(create);
    std::vector<column_spec> out = co_await postgres_table_columns(conn, view);
    std::string drop = "drop view " + pg::quote_identifier(conn, view);
    co_await conn.execute(drop);
    co_return out;
}

std::string copy_csv_options(const pg::connection& conn, bool header, char delimiter, char quote,
                             const std::optional<std::string>& null_string) {
    std::string out = std::string("(FORMAT csv, HEADER ") + (header ? "true" : "false");
    out += ", DELIMITER " + pg::quote_literal(conn, std::string(1, delimiter));
    out += ", QUOTE " + pg::quote_literal(conn, std::string(1, quote));
    if (null_string) out += ", NULL " + pg::quote_literal(conn, *null_string);
    return out + ")";
}

std::string copy_options(const pg::connection& conn, const formats::csv_options& csv, bool header) {
    if (!csv.text_format) {
        return copy_csv_options(conn, header, csv.delimiter, csv.quote, csv.null_string);
    }
    std::string out = std::string("(FORMAT text, HEADER ") + (header ? "true" : "false");
    out += ", DELIMITER " + pg::quote_literal(conn, std::string(1, csv.delimiter));
    if (csv.null_string) out += ", NULL " + pg::quote_literal(conn, *csv.null_string);
    return out + ")";
}

std::vector<column_spec> with_schema(std::vector<column_spec> columns,
                                     const std::vector<column_spec>& schema) {
    for (const column_spec& s : schema) {
        auto it = std::find_if(columns.begin(), columns.end(),
                               [&](const column_spec& c) { return c.name == s.name; });
        if (it == columns.end()) {
            throw usage_error("--schema names column '" + s.name +
                              "', which the source does not have");
        }
        it->kind = s.kind;
        it->declared = s.declared;
        it->inferred = false;
    }
    return columns;
}

task<postgres_table_load> postgres_table_load::begin(pg::connection& conn,
                                                     postgres_load_request request) {
    std::vector<column_spec> wanted =
        with_schema(std::move(request.source_columns), request.schema);

    pg::transaction tx = co_await conn.begin();
    postgres_table_load load(conn, std::move(tx));
    load.table_ = request.table;
    load.target_ = request.table;
    std::vector<column_spec> existing = co_await postgres_table_columns(conn, request.table);
    bool exists = !existing.empty();
    if (exists && request.mode == load_mode::fail_if_exists) {
        throw database_error("table '" + request.table + "' exists (--mode=fail-if-exists)");
    }
    const bool upsert = request.mode == load_mode::upsert;
    if (upsert) {
        if (exists && request.by_position) {
            // No header: the input's columns are the table's first ones, by their names.
            if (wanted.size() > existing.size()) {
                throw data_error("table '" + request.table + "' has " +
                                 std::to_string(existing.size()) + " columns, the input " +
                                 std::to_string(wanted.size()));
            }
            for (std::size_t i = 0; i < wanted.size(); ++i) wanted[i].name = existing[i].name;
        }
        // Before anything is written: the key must be loaded, and (existing table) indexed.
        (void)key_positions(request.key, wanted,
                            [](std::string_view a, std::string_view b) { return a == b; });
        if (exists) co_await require_postgres_unique_key(conn, request.table, request.key);
        load.key_ = request.key;
        load.count_upserts_ = request.count_upserts;
    }
    if (!exists || request.mode == load_mode::replace) {
        if (exists) {
            load.target_ = request.table + "__uio_replace";
            load.swap_ = true;
            std::string drop = "drop table if exists " + pg::quote_identifier(conn, load.target_);
            co_await conn.execute(drop);
        }
        std::string create = "create table " + pg::quote_identifier(conn, load.target_) + " (";
        for (std::size_t i = 0; i < wanted.size(); ++i) {
            create += (i ? ", " : "") + pg::quote_identifier(conn, wanted[i].name) + " " +
                      (wanted[i].declared.empty() ? pg_type(wanted[i].kind) : wanted[i].declared);
        }
        if (upsert) create += postgres_primary_key_clause(conn, request.key);
        create += ")";
        co_await conn.execute(create);
        load.created_ = true;
    } else if (request.by_position && !upsert) {
        load.list_columns_ = false;  // COPY fills the table's columns in order
    }
    if (upsert) {
        load.staging_ = co_await create_postgres_staging(conn, request.table, wanted, load.key_);
    }
    load.columns_ = std::move(wanted);
    co_return load;
}

task<std::int64_t> postgres_table_load::copy(std::string copy_options,
                                             async_generator<std::span<const std::byte>> bytes) {
    std::string sql = "COPY " + pg::quote_identifier(*conn_, staging_.empty() ? target_ : staging_);
    if (list_columns_) {
        sql += " (";
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            sql += (i ? ", " : "") + pg::quote_identifier(*conn_, columns_[i].name);
        }
        sql += ")";
    }
    sql += " FROM STDIN " + copy_options;
    if (staging_.empty()) co_return co_await conn_->copy_in(sql, std::move(bytes));
    std::optional<pg::error> failure;
    try {
        co_return co_await conn_->copy_in(sql, std::move(bytes));
    } catch (const pg::error& e) {
        failure = postgres_upsert_copy_error(e);
    }
    throw *failure;
}

task<std::int64_t> postgres_table_load::copy_overlapping(
    std::string conninfo, std::string schema, formats::csv_options csv, std::string copy_options,
    async_generator<std::span<const std::byte>> bytes, std::size_t batch_floor) {
    if (!staging_.empty() && !created_ && !overlap_) {
        overlap_ = co_await postgres_upsert_overlap::open(std::move(conninfo), std::move(schema),
                                                          table_, columns_, key_);
    }
    if (!overlap_) co_return co_await copy(std::move(copy_options), std::move(bytes));
    std::exception_ptr failure;
    try {
        upsert_overlap_result done =
            co_await overlap_->run(*conn_, std::move(csv), std::move(copy_options), count_upserts_,
                                   std::move(bytes), batch_floor);
        inserted_ = done.inserted;
        co_return done.rows;
    } catch (...) {
        failure = std::current_exception();
    }
    // The staging table goes only once this transaction no longer holds it.
    try {
        co_await tx_.rollback();
    } catch (const std::exception&) {
        // A broken connection: the server ends the transaction with it.
    }
    co_await overlap_->drop();
    std::rethrow_exception(failure);
}

task<bool> postgres_table_load::widen(std::vector<column_spec> wider, text_form form) {
    if (!created_) co_return false;
    std::vector<std::string> tables{target_};
    if (!staging_.empty()) tables.push_back(staging_);
    bool changed = co_await alter_widened_columns(*conn_, std::move(tables), columns_, wider, form);
    columns_ = std::move(wider);
    co_return changed;
}

task<void> postgres_table_load::commit() {
    if (!staging_.empty() && !overlap_) {
        staged_rows all;
        inserted_ = co_await merge_postgres_staging(*conn_, staging_, table_, columns_, key_,
                                                    count_upserts_, all);
    }
    if (swap_) {
        std::string drop = "drop table " + pg::quote_identifier(*conn_, table_);
        co_await conn_->execute(drop);
        std::string rename = "alter table " + pg::quote_identifier(*conn_, target_) +
                             " rename to " + pg::quote_identifier(*conn_, table_);
        co_await conn_->execute(rename);
    }
    std::exception_ptr failure;
    try {
        co_await tx_.commit();
    } catch (...) {
        failure = std::current_exception();
    }
    if (overlap_) co_await overlap_->drop();  // after the commit: the merges held it till then
    if (failure) std::rethrow_exception(failure);
}

task<std::int64_t> load_into_postgres(pg::connection& conn, postgres_load_request request,
                                      std::string copy_options,
                                      async_generator<std::span<const std::byte>> bytes) {
    postgres_table_load load = co_await postgres_table_load::begin(conn, std::move(request));
    std::int64_t rows = co_await load.copy(std::move(copy_options), std::move(bytes));
    co_await load.commit();
    co_return rows;
}

}  // namespace uio::etl
