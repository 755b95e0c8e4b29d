#include "uio/db/etl/detail/postgres_staging_table.hpp"

#include <exception>

#include "uio/core/error_kind.hpp"
#include "uio/db/pg/quote.hpp"

namespace uio::etl {

namespace {

// <table>__uio_load_<pid>, within PostgreSQL's 63 bytes (the table's name cut at a UTF-8
// character boundary), so a leftover says where it came from.
std::string staging_name(const std::string& table, int pid) {
    std::size_t keep = std::min<std::size_t>(table.size(), 36);
    while (keep > 0 && keep < table.size() && (table[keep] & 0xC0) == 0x80) --keep;
    return table.substr(0, keep) + "__uio_load_" + std::to_string(pid);
}

std::string column_names(const pg::connection& conn, const std::vector<column_spec>& columns) {
    std::string out;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        out += (i ? ", " : "") + pg::quote_identifier(conn, columns[i].name);
    }
    return out;
}

std::string exists_message(const std::string& table) {
    return "table '" + table + "' exists (--mode=fail-if-exists)";
}

}  // namespace

task<postgres_staging_table> postgres_staging_table::create(pg::connection& conn,
                                                            postgres_load_request request) {
    postgres_staging_table out(conn);
    out.table_ = request.table;
    out.mode_ = request.mode;
    out.columns_ = with_schema(std::move(request.source_columns), request.schema);
    std::vector<column_spec> existing = co_await postgres_table_columns(conn, request.table);
    const bool exists = !existing.empty();
    if (exists && request.mode == load_mode::fail_if_exists) {
        throw database_error(exists_message(request.table));
    }
    out.name_ = staging_name(request.table, conn.backend_pid());
    const std::string staging = pg::quote_identifier(conn, out.name_);
    // A leftover of a killed load whose backend had the same pid.
    std::string drop_leftover = "drop table if exists " + staging;
    co_await conn.execute(drop_leftover);
    std::string create;
    if (!exists || request.mode == load_mode::replace) {
        create = "create table " + staging + " (";
        for (std::size_t i = 0; i < out.columns_.size(); ++i) {
            const column_spec& c = out.columns_[i];
            create += (i ? ", " : "") + pg::quote_identifier(conn, c.name) + " " +
                      (c.declared.empty() ? pg_type(c.kind) : c.declared);
        }
        create += ")";
        out.created_ = true;
    } else {
        // The target's types, so the COPY checks every value where its line is known. No
        // header: the target's columns in order, as a one-connection load fills them.
        std::string columns = "*";
        if (request.by_position) {
            out.list_columns_ = false;
            out.columns_ = existing;
        } else {
            columns = column_names(conn, out.columns_);
        }
        create = "create unlogged table " + staging + " as select " + columns + " from " +
                 pg::quote_identifier(conn, request.table) + " with no data";
    }
    co_await conn.execute(create);
    co_return out;
}

std::string postgres_staging_table::copy_sql(const pg::connection& conn,
                                             const std::string& copy_options) const {
    std::string sql = "COPY " + pg::quote_identifier(conn, name_);
    if (list_columns_) sql += " (" + column_names(conn, columns_) + ")";
    return sql + " FROM STDIN " + copy_options;
}

task<void> postgres_staging_table::publish() {
    pg::connection& conn = *conn_;
    const std::string target = pg::quote_identifier(conn, table_);
    const std::string staging = pg::quote_identifier(conn, name_);
    pg::transaction tx = co_await conn.begin();
    // Looked at again: the target may have changed while the rows were loading.
    std::vector<column_spec> now = co_await postgres_table_columns(conn, table_);
    const bool exists = !now.empty();
    bool rename = created_;
    if (created_ && exists) {
        if (mode_ == load_mode::fail_if_exists) throw database_error(exists_message(table_));
        if (mode_ == load_mode::replace) {
            std::string drop = "drop table " + target;
            co_await conn.execute(drop);
        } else {
            rename = false;  // append: created by someone else during the load
        }
    }
    if (!created_ && !exists) {
        throw database_error("table '" + table_ + "' was dropped during the load");
    }
    if (rename) {
        std::string rename_sql = "alter table " + staging + " rename to " + target;
        co_await conn.execute(rename_sql);
    } else {
        std::string columns = list_columns_ ? column_names(conn, columns_) : "*";
        std::string into = list_columns_ ? " (" + columns + ")" : "";
        std::string insert =
            "insert into " + target + into + " select " + columns + " from " + staging;
        co_await conn.execute(insert);
        std::string drop = "drop table " + staging;
        co_await conn.execute(drop);
    }
    co_await tx.commit();
}

task<std::string> postgres_staging_table::drop(std::string conninfo, std::string schema) {
    std::string why;
    try {
        std::string sql = "drop table if exists " + pg::quote_identifier(*conn_, name_);
        if (!conn_->is_open() || conn_->is_broken()) {
            pg::connection fresh = co_await connect_postgres(conninfo, schema);
            co_await fresh.execute(sql);
        } else {
            co_await conn_->execute(sql);
        }
    } catch (const std::exception& e) {
        why = e.what();
    }
    co_return why;
}

}  // namespace uio::etl
