#include "uio/db/etl/detail/postgres_upsert.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "uio/core/error_kind.hpp"
#include "uio/db/etl/detail/upsert_key.hpp"
#include "uio/db/pg/quote.hpp"

namespace uio::etl {

namespace {

bool same_pg_name(std::string_view a, std::string_view b) {
    return a == b;  // quoted identifiers: exact
}

std::string column_list(const pg::connection& conn, const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += (i ? ", " : "") + pg::quote_identifier(conn, names[i]);
    }
    return out;
}

std::vector<std::string> names_of(const std::vector<column_spec>& columns) {
    std::vector<std::string> out;
    for (const column_spec& c : columns) out.push_back(c.name);
    return out;
}

constexpr const char* upsert_staging_name = "ucopy_upsert_staging";

}  // namespace

task<void> require_postgres_unique_key(pg::connection& conn, std::string table,
                                       std::vector<std::string> key) {
    // The key columns of each index (INCLUDE columns are not part of the key).
    std::string sql =
        "select i.indexrelid::int8, a.attname from pg_index i "
        "cross join generate_series(0, i.indnkeyatts - 1) k "
        "join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[k] "
        "where i.indrelid = to_regclass(quote_ident($1)) and i.indisunique and i.indisvalid "
        "and i.indimmediate and i.indpred is null and i.indexprs is null";
    pg::result r = co_await conn.fetch(sql, table);
    std::map<std::int64_t, std::vector<std::string>> indexes;
    for (pg::row row : r) indexes[row[0].as<std::int64_t>()].push_back(row[1].as<std::string>());
    for (const auto& [id, columns] : indexes) {
        if (covers_exactly(columns, key, same_pg_name)) co_return;
    }
    throw database_error(no_unique_key_message(table, key));
}

std::string postgres_primary_key_clause(const pg::connection& conn,
                                        const std::vector<std::string>& key) {
    return ", primary key (" + column_list(conn, key) + ")";
}

task<std::string> create_postgres_staging(pg::connection& conn, std::string table,
                                          std::vector<column_spec> columns,
                                          std::vector<std::string> key) {
    (void)key_positions(key, columns, same_pg_name);
    std::string staging = pg::quote_identifier(conn, upsert_staging_name);
    std::string create = "create temp table " + staging + " on commit drop as select " +
                         column_list(conn, names_of(columns)) + " from " +
                         pg::quote_identifier(conn, table) + " with no data";
    co_await conn.execute(create);
    std::string not_null = "alter table " + staging;
    for (std::size_t i = 0; i < key.size(); ++i) {
        not_null += (i ? ", " : " ") + std::string("alter column ") +
                    pg::quote_identifier(conn, key[i]) + " set not null";
    }
    co_await conn.execute(not_null);
    co_return upsert_staging_name;
}

task<std::optional<std::int64_t>> merge_postgres_staging(pg::connection& conn, std::string staging,
                                                         std::string table,
                                                         std::vector<column_spec> columns,
                                                         std::vector<std::string> key, bool count) {
    std::vector<std::string> names = names_of(columns);
    std::string cols = column_list(conn, names);
    std::string keys = column_list(conn, key);
    std::string action;
    for (const std::string& n : names) {
        if (std::find(key.begin(), key.end(), n) != key.end()) continue;
        std::string q = pg::quote_identifier(conn, n);
        action += (action.empty() ? "do update set " : ", ") + q + " = excluded." + q;
    }
    if (action.empty()) action = "do nothing";  // every column is a key: nothing to update
    auto merge = [&](bool dedupe) {
        std::string select = "select " + cols + " from " + pg::quote_identifier(conn, staging);
        if (dedupe) {
            select = "select distinct on (" + keys + ") " + cols + " from " +
                     pg::quote_identifier(conn, staging) + " order by " + keys + ", ctid desc";
        }
        std::string insert = "insert into " + pg::quote_identifier(conn, table) + " (" + cols +
                             ") " + select + " on conflict (" + keys + ") " + action;
        if (!count) return insert;
        // xmax is 0 in a row version the statement inserted, and set (to the locker) in one
        // it updated; counted here, so the rows do not travel back.
        return "with merged as (" + insert +
               " returning xmax = 0 as added) select count(*) filter (where added) from merged";
    };
    auto run = [&](bool dedupe) -> task<std::optional<std::int64_t>> {
        pg::result r = co_await conn.fetch(merge(dedupe));
        if (!count) co_return std::nullopt;
        co_return r[0][0].as<std::int64_t>();
    };
    co_await conn.execute("savepoint ucopy_merge");
    try {
        co_return co_await run(false);
    } catch (const pg::error& e) {
        if (e.sqlstate() != "21000") throw;  // cardinality_violation: a key repeated
    }
    co_await conn.execute("rollback to savepoint ucopy_merge");
    co_return co_await run(true);
}

pg::error postgres_upsert_copy_error(const pg::error& e) {
    // "null value in column "id" of relation "ucopy_upsert_staging" violates not-null ..."
    const std::string& m = e.message();
    const std::string before = "null value in column \"";
    std::size_t at = m.find(before), end = m.find("\" of relation", at);
    if (e.sqlstate() != "23502" || at == std::string::npos || end == std::string::npos) return e;
    pg::error::fields f = e.all_fields();
    at += before.size();
    f.message = "NULL in key column \"" + m.substr(at, end - at) + "\" (--key)";
    return pg::error(std::move(f));
}

}  // namespace uio::etl
