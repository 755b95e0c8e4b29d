#include "uio/db/etl/detail/postgres_upsert.hpp"

#include <algorithm>
#include <initializer_list>
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

// For the rest of the transaction (set before the merge's savepoint, so its retries keep
// them): no JIT — compiling took 0.3-0.6 s of server CPU for per-row expressions this
// simple — and, when the target is larger than the staging table, index probes (a nested
// loop, as ON CONFLICT does) instead of the hash join the planner picks there, which hashes
// the whole target. Measured, server CPU of the merge of 1M staged rows, half new: into
// 0.5M rows, hash join 4.2 s, nested loop 4.7-4.9 s, ON CONFLICT 4.7-5.3 s; into 3M rows,
// hash join 6.8 s, nested loop 3.7 s (4.3 s with JIT), ON CONFLICT 6.6 s.
// A batch of a staging table that is still filling is compared by its own size (`bytes`):
// against the whole target, probes nearly always; hashing the target once per batch would
// cost a scan of it per batch. (The settings stay for later batches: the target only grows.)
task<void> steer_merge_plan(pg::connection& conn, std::string staging, std::string table,
                            std::optional<std::int64_t> bytes) {
    std::string sql =
        "select set_config('jit', 'off', true), "
        "  case when pg_relation_size(t) + coalesce((select sum(pg_relation_size(p.relid)) "
        "    from pg_partition_tree(t) p), 0) > coalesce($3::int8, pg_relation_size(s)) "
        "  then set_config('enable_hashjoin', 'off', true) || "
        "    set_config('enable_mergejoin', 'off', true) end "
        "from (select to_regclass(quote_ident($1)) t, to_regclass(quote_ident($2)) s) r";
    pg::result set = co_await conn.fetch(sql, table, staging, bytes);
    (void)set;
}

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

task<bool> postgres_merge_usable(pg::connection& conn, std::string table,
                                 std::vector<std::string> key) {
    pg::result version = co_await conn.fetch("select current_setting('server_version_num')::int");
    if (version[0][0].as<std::int64_t>() < 150000) co_return false;  // MERGE came in 15
    // Whatever would make MERGE act unlike INSERT ... ON CONFLICT: row triggers (ON CONFLICT
    // fires BEFORE INSERT on the rows it then updates, and its EXCLUDED sees their changes),
    // rules (MERGE refuses them), row-level security (checked per action by MERGE, on every
    // row by ON CONFLICT) — on the table or any of its partitions.
    std::string plain =
        "select c.relkind in ('r', 'p') and not c.relrowsecurity "
        "and not exists (select from pg_trigger g where not g.tgisinternal "
        "  and (g.tgrelid = c.oid or g.tgrelid in (select relid from pg_partition_tree(c.oid)))) "
        "and not exists (select from pg_class r where r.relhasrules "
        "  and (r.oid = c.oid or r.oid in (select relid from pg_partition_tree(c.oid)))) "
        "from pg_class c where c.oid = to_regclass(quote_ident($1))";
    pg::result r = co_await conn.fetch(plain, table);
    if (r.rows() != 1 || !r[0][0].as<bool>()) co_return false;
    // MERGE joins on the columns' own =; ON CONFLICT asks the index. They agree when the
    // index's operator classes are the types' defaults and its collations the columns'.
    std::string sql =
        "select i.indexrelid::int8, a.attname, "
        "  o.opcdefault and i.indcollation[k] = a.attcollation from pg_index i "
        "cross join generate_series(0, i.indnkeyatts - 1) k "
        "join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[k] "
        "join pg_opclass o on o.oid = i.indclass[k] "
        "where i.indrelid = to_regclass(quote_ident($1)) and i.indisunique and i.indisvalid "
        "and i.indimmediate and i.indpred is null and i.indexprs is null";
    pg::result indexes = co_await conn.fetch(sql, table);
    std::map<std::int64_t, std::vector<std::string>> columns;
    std::map<std::int64_t, bool> same_equality;
    for (pg::row row : indexes) {
        std::int64_t id = row[0].as<std::int64_t>();
        columns[id].push_back(row[1].as<std::string>());
        auto [at, added] = same_equality.emplace(id, true);
        at->second = at->second && row[2].as<bool>();
    }
    for (const auto& [id, names] : columns) {
        if (same_equality[id] && covers_exactly(names, key, same_pg_name)) co_return true;
    }
    co_return false;
}

task<std::optional<std::int64_t>> merge_postgres_staging(pg::connection& conn, std::string staging,
                                                         std::string table,
                                                         std::vector<column_spec> columns,
                                                         std::vector<std::string> key, bool count,
                                                         staged_rows rows) {
    std::vector<std::string> names = names_of(columns);
    std::string cols = column_list(conn, names);
    std::string keys = column_list(conn, key);
    std::string staged = pg::quote_identifier(conn, staging);
    // The rows to merge: the staging table, or its last row for each key.
    const std::string where = rows.where.empty() ? "" : " where " + rows.where;
    auto source = [&](bool dedupe) {
        if (!dedupe && where.empty()) return staged;
        if (!dedupe) return "(select " + cols + " from " + staged + where + ")";
        return "(select distinct on (" + keys + ") " + cols + " from " + staged + where +
               " order by " + keys + ", ctid desc)";
    };
    std::string action;
    for (const std::string& n : names) {
        if (std::find(key.begin(), key.end(), n) != key.end()) continue;
        std::string q = pg::quote_identifier(conn, n);
        action += (action.empty() ? "do update set " : ", ") + q + " = excluded." + q;
    }
    if (action.empty()) action = "do nothing";  // every column is a key: nothing to update
    auto insert = [&](bool dedupe) {
        std::string sql = "insert into " + pg::quote_identifier(conn, table) + " (" + cols +
                          ") select " + cols + " from " + source(dedupe) + " ucopy_source" +
                          " on conflict (" + keys + ") " + action;
        if (!count) return sql;
        // xmax is 0 in a row version the statement inserted, and set (to the locker) in one
        // it updated; counted here, so the rows do not travel back.
        return "with merged as (" + sql +
               " returning xmax = 0 as added) select count(*) filter (where added) from merged";
    };
    auto merge = [&](bool dedupe) {
        std::string on, set, values;
        for (const std::string& n : names) {
            std::string q = pg::quote_identifier(conn, n);
            std::string pair = "ucopy_target." + q + " = ucopy_source." + q;
            if (std::find(key.begin(), key.end(), n) != key.end()) {
                on += (on.empty() ? "" : " and ") + pair;
            } else {
                set += (set.empty() ? "" : ", ") + q + " = ucopy_source." + q;
            }
            values += (values.empty() ? "" : ", ") + ("ucopy_source." + q);
        }
        std::string sql = "merge into " + pg::quote_identifier(conn, table) +
                          " ucopy_target using " + source(dedupe) + " ucopy_source on " + on;
        if (!set.empty()) sql += " when matched then update set " + set;
        return sql + " when not matched then insert (" + cols + ") values (" + values + ")";
    };
    auto run = [&](std::string sql) -> task<std::optional<std::int64_t>> {
        pg::result r = co_await conn.fetch(std::move(sql));
        if (!count) co_return std::nullopt;
        co_return r[0][0].as<std::int64_t>();
    };
    auto failed = [](const pg::error& e, std::initializer_list<std::string_view> states) {
        return std::find(states.begin(), states.end(), e.sqlstate()) != states.end();
    };
    // MERGE first where it means the same (no counting: it has no RETURNING before 17).
    // cardinality_violation (21000): a key repeated among rows that exist; unique_violation
    // (23505): one repeated among new rows — or a row someone else inserted meanwhile, or
    // another unique index: ON CONFLICT then decides, as it would have alone.
    bool use_merge = false;
    if (!count) use_merge = co_await postgres_merge_usable(conn, table, key);
    if (use_merge) co_await steer_merge_plan(conn, staging, table, rows.bytes);
    const std::string savepoint = "savepoint ucopy_merge";
    const std::string undo = "rollback to savepoint ucopy_merge";
    co_await conn.execute(savepoint);
    bool dedupe = false;
    if (use_merge) {
        for (;;) {
            try {
                co_return co_await run(merge(dedupe));
            } catch (const pg::error& e) {
                if (!failed(e, {"21000", "23505"})) throw;
            }
            co_await conn.execute(undo);
            if (dedupe) break;
            dedupe = true;
        }
    }
    if (!dedupe) {
        try {
            co_return co_await run(insert(false));
        } catch (const pg::error& e) {
            if (!failed(e, {"21000"})) throw;  // cardinality_violation: a key repeated
        }
        co_await conn.execute(undo);
    }
    co_return co_await run(insert(true));
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
