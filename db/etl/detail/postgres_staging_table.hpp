// postgres_staging_table: where a load over several connections (parallel_load.hpp) puts
// its rows before they are published. A temporary table belongs to one session, so this is
// a real table, created and committed by ucopy's control connection so that the N COPY
// sessions can write into it; the target is touched only by publish(), in one transaction:
//
//   new table, or --mode replace:  [DROP TABLE target;] ALTER TABLE staging RENAME TO target
//   append to an existing table:   INSERT INTO target (cols) SELECT cols FROM staging;
//                                  DROP TABLE staging
//
// A created or replaced target is the staging table itself (a normal, WAL-logged table with
// ucopy's column types), so its rows are written once, as by a one-connection load. An
// append copies them once more (the staging table is UNLOGGED and has the target's column
// types, CREATE TABLE AS ... WITH NO DATA, so values are checked by the COPY, at their line);
// the target's own constraints (NOT NULL, CHECK, unique) are checked by the INSERT, whose
// error names the constraint but no line. On any failure the caller drops the staging table
// and the target is as it was. A ucopy killed mid-load leaves a table named
// <target>__uio_load_<backend pid> behind; the next load into that target drops it, once it
// has made sure its load is gone (drop_abandoned in the .cpp says how).
#pragma once

#include <string>
#include <vector>

#include "uio/core/task.hpp"
#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/etl/detail/postgres_table.hpp"
#include "uio/db/pg/connection.hpp"

namespace uio::etl {

class postgres_staging_table {
  public:
    // Checks the target (--mode fail-if-exists) and creates the staging table on `conn`,
    // which must outlive this object. `request.mode` must not be upsert.
    static task<postgres_staging_table> create(pg::connection& conn, postgres_load_request request);

    const std::string& name() const noexcept { return name_; }
    // Whether the target will be this table, with columns()' types: only then may a column
    // whose type was inferred widen.
    bool created() const noexcept { return created_; }
    const std::vector<column_spec>& columns() const noexcept { return columns_; }

    // COPY staging [(columns)] FROM STDIN <copy_options>, quoted for `conn`.
    std::string copy_sql(const pg::connection& conn, const std::string& copy_options) const;

    // Between the streams' COPYs, none in progress: the columns' types become `wider`'s, the
    // rows already loaded cast to them (postgres_widen_in_place.hpp), in a transaction of
    // the control connection. Returns whether a type changed.
    task<bool> widen(std::vector<column_spec> wider, text_form form);

    // Moves the rows into the target in one transaction (see above); the staging table is
    // gone afterwards.
    task<void> publish();

    // After a failure: drops the staging table, on a new connection to `conninfo` if the
    // control connection is broken. Returns an error message instead of throwing ("" when
    // dropped), so the caller reports the load's own failure.
    task<std::string> drop(std::string conninfo, std::string schema);

  private:
    postgres_staging_table(pg::connection& conn) : conn_(&conn) {}

    pg::connection* conn_;
    std::string table_;
    std::string name_;
    load_mode mode_ = load_mode::append;
    bool created_ = false;
    bool list_columns_ = true;
    std::vector<column_spec> columns_;
};

}  // namespace uio::etl
