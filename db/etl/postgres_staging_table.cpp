#include "uio/db/etl/detail/postgres_staging_table.hpp"

#include <exception>
#include <vector>

#include "uio/core/error_kind.hpp"
#include "uio/db/etl/detail/postgres_widen_in_place.hpp"
#include "uio/db/pg/quote.hpp"

namespace uio::etl {

namespace {

// <table>__uio_load_<pid>, within PostgreSQL's 63 bytes (the table's name cut at a UTF-8
// character boundary), so a leftover says where it came from.
std::string staging_prefix(const std::string& table) {
    std::size_t keep = std::min<std::size_t>(table.size(), 36);
    while (keep > 0 && keep < table.size() && (table[keep] & 0xC0) == 0x80) --keep;
    return table.substr(0, keep) + "__uio_load_";
}

// A live load holds this session-level advisory lock on its staging table's name from
// before it creates the table until its control session ends (the two-key form, so an
// application's own one-key locks never meet it; a hash collision only keeps a leftover).
const char* const owner_lock_key = "hashtext('uio_load'), hashtext($1)";

// Drops the staging tables of this target (same prefix) whose load is gone. A staging table
// is used only through its control session: the N COPY sessions write into it while that
// session waits, and only that session publishes it, or drops it when it fails. So once that
// session has ended nothing will ever use the table again. "Ended" is decided under an
// ACCESS EXCLUSIVE lock on the table, taken NOWAIT (a COPY still writing into it: alive),
// and takes both of:
//   - the owner's advisory lock is free (pg_try_advisory_xact_lock succeeds): a session lock
//     is released only when its session ends, whatever the host the loader ran on;
//   - no backend with the pid in the name is connected (pg_stat_activity, read after the
//     lock in this transaction): this also covers tables left by a ucopy that took no
//     advisory lock; a pid reused by a new backend only keeps the leftover for a later load.
// A new load that reuses the name takes the advisory lock and then drops its own leftover:
// both wait for this transaction, so it can never drop the table of a load that started.
task<void> drop_abandoned(pg::connection& conn, const std::string& prefix) {
    std::string find =
        "select relname::text from pg_class where relkind = 'r' and relnamespace = "
        "(select oid from pg_namespace where nspname = current_schema()) and "
        "left(relname, length($1)) = $1 and substring(relname from length($1) + 1) ~ "
        "'^[0-9]{1,9}$'";
    pg::result found = co_await conn.fetch(find, prefix);
    std::vector<std::string> names;
    for (pg::row r : found) names.push_back(r[0].as<std::string>());
    for (const std::string& name : names) {
        const std::int64_t pid = std::stoll(name.substr(prefix.size()));
        if (pid == conn.backend_pid()) continue;  // our own leftover: dropped by create()
        try {
            pg::transaction tx = co_await conn.begin();
            std::string lock = "lock table " + pg::quote_identifier(conn, name) +
                               " in access exclusive mode nowait";
            co_await tx.execute(lock);
            std::string gone = std::string("select pg_try_advisory_xact_lock(") + owner_lock_key +
                               ") and not exists (select 1 from pg_stat_activity where pid = $2)";
            const bool abandoned = co_await tx.fetch_value<bool>(gone, name, pid);
            if (abandoned) {
                std::string drop = "drop table " + pg::quote_identifier(conn, name);
                co_await tx.execute(drop);
            }
            co_await tx.commit();
        } catch (const std::exception&) {
            // In use (the lock), dropped meanwhile, or not ours to drop: left as it is. The
            // transaction rolls back before the connection's next statement.
        }
    }
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
    const std::string prefix = staging_prefix(request.table);
    out.name_ = prefix + std::to_string(conn.backend_pid());
    const std::string staging = pg::quote_identifier(conn, out.name_);
    // This load's: held until the control session ends (see drop_abandoned).
    std::string own = std::string("select pg_advisory_lock(") + owner_lock_key + ")";
    (void)co_await conn.fetch(own, out.name_);
    // A leftover of a killed load whose backend had the same pid.
    std::string drop_leftover = "drop table if exists " + staging;
    co_await conn.execute(drop_leftover);
    co_await drop_abandoned(conn, prefix);
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

task<bool> postgres_staging_table::widen(std::vector<column_spec> wider, text_form form) {
    if (!created_) co_return false;
    pg::transaction tx = co_await conn_->begin();
    std::vector<std::string> tables{name_};
    bool changed = co_await alter_widened_columns(*conn_, std::move(tables), columns_, wider, form);
    co_await tx.commit();
    columns_ = std::move(wider);
    co_return changed;
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
