// copy_context: what every table path shares — the options, the counters behind progress
// and --stats, and the bad rows skipped under --max-errors. Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "uio/core/progress_line.hpp"
#include "uio/db/etl/detail/column_types.hpp"
#include "uio/db/etl/detail/row_batch.hpp"
#include "uio/db/etl/table_copy_options.hpp"
#include "uio/db/etl/table_copy_stats.hpp"
#include "uio/db/formats/csv_options.hpp"

namespace uio::etl {

class copy_context {
  public:
    copy_context(const table_copy_options& o, std::ostream& e, bool show_progress)
        : options(o), err(e), show_progress_(show_progress) {}

    // copy_table's progress callback: called from advance, at most every 100 ms.
    std::function<void(const table_copy_stats&, std::uint64_t input_size)> on_progress;

    const table_copy_options& options;
    std::ostream& err;
    table_copy_stats stats;
    std::uint64_t input_size = 0;  // for the progress line's percentage and ETA
    std::string rejects_text;      // what goes to --rejects

    // Counts a batch's bad rows; past --max-errors the first one over becomes the error.
    void take_rejects(std::vector<reject>& rejects, const std::string& source);
    // Adds rows and bytes and redraws the progress line (at most a few times a second).
    void advance(std::uint64_t rows, std::uint64_t bytes);
    // Whether anyone reads the rows counted during a load (the progress line, a progress
    // callback, --stats=json after a failure); a load that counts them by scanning its bytes
    // can skip the scan otherwise.
    bool counts_rows() const noexcept {
        return show_progress_ || on_progress || options.stats_json;
    }
    void end_progress();
    // After an upsert committed stats.rows rows: of which `inserted` added a key (none: not
    // an upsert).
    void count_upsert(std::optional<std::int64_t> inserted);
    double seconds() const;

    // The CSV dialect of a data file endpoint under these options.
    formats::csv_options csv_for(const std::string& path, data_format f) const;
    // --schema, parsed (empty when not given).
    std::vector<column_spec> schema() const;

  private:
    bool show_progress_;
    progress_line progress_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_report_{};
};

}  // namespace uio::etl
