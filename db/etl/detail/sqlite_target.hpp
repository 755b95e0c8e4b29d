// sqlite_target: a SQLite file that a load writes into, so that a failed load leaves nothing
// half-made: a file this load created (it did not exist before) is removed with its journal
// when the load fails — an empty input or a bad header must not leave a 0-byte .db behind —
// while an existing file keeps exactly what it had (the load is one transaction; after a full
// disk SQLite may leave its journal, which the next open plays back). A failure
// of the database itself (a full disk, an I/O error, a locked file) names the database file,
// not the input line being loaded when it happened.
#pragma once

#include <functional>
#include <string>

#include "uio/core/task.hpp"
#include "uio/db/sqlite/database.hpp"

namespace uio::etl {

// Opens (creating if missing) the SQLite file at `path`, runs `load` on it, closes it.
task<void> load_sqlite_target(std::string path, std::function<task<void>(sqlite::database&)> load);

}  // namespace uio::etl
