// bulk_inserter: the fast path for loading many rows. One prepared INSERT (a multi-row one
// for groups of bulk_options::group_rows rows), rows collected into batches on the caller's
// side and handed to the worker one batch per hop, all in one transaction with the file's
// own journal (see bulk_options for why not WAL). While the worker inserts one batch the
// caller fills the next, so parsing and inserting overlap.
//
//   auto load = co_await db.bulk_insert("sales", {"id", "region", "amount"});
//   for (auto& s : input) co_await load.add(s.id, s.region, s.amount);
//   std::int64_t n = co_await load.commit();
//
// Rows are packed (packed_rows.hpp): text goes into one byte buffer per batch, bound in
// place by the worker; the two batches' buffers are reused, so a load allocates nothing per
// row. add_row() of optional string_views is the path for parsed text (CSV): one copy of
// the bytes, no sqlite::value per cell.
//
// add() suspends only when a full batch must wait for the previous one. An insert error
// (a constraint, a type) surfaces from a later add() or from commit(), naming the row
// (counted from 0). Nothing is visible to other connections before commit(); a bulk insert
// destroyed without commit() — an error, a cancelled task — is rolled back. Like a
// transaction, it holds the database: other requests wait until it ends.
//
// Lifetime: must not outlive its database. Belongs to the task that began it.
#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "uio/core/scheduler.hpp"
#include "uio/core/task.hpp"
#include "uio/db/sqlite/options.hpp"
#include "uio/db/sqlite/packed_rows.hpp"
#include "uio/db/sqlite/row_insert.hpp"
#include "uio/db/sqlite/value.hpp"

namespace uio::sqlite {

namespace detail {
class worker;

// One batch: filled by the caller, then on its way through the worker, which sets `done`
// (under the mutex) and resumes `waiter` through `loop` if the caller is already waiting.
// Reused for a later batch once done (reset()).
struct batch_state {
    std::mutex mutex;
    bool done = false;
    std::exception_ptr error;
    std::coroutine_handle<> waiter;
    scheduler* loop = nullptr;
    packed_rows cells;

    void reset() noexcept {
        done = false;
        error = nullptr;
        waiter = {};
        loop = nullptr;
        cells.clear();
    }
};
}  // namespace detail

class bulk_inserter {
  public:
    class add_awaiter;

    bulk_inserter(bulk_inserter&& other) noexcept;
    bulk_inserter& operator=(bulk_inserter&&) = delete;
    ~bulk_inserter();

    // Appends one row (exactly one value per column). co_await the result.
    template <class... V>
    [[nodiscard("must co_await add()")]] add_awaiter add(V&&... values);
    // The same for a row already in values.
    [[nodiscard("must co_await add_row()")]] add_awaiter add_row(std::span<const value> row);
    // The same for a row of text (nullopt: NULL), e.g. CSV fields: the bytes are copied into
    // the batch, nothing else is allocated. SQLite's column affinity converts them as it
    // would any bound text.
    [[nodiscard("must co_await add_row()")]] add_awaiter add_row(
        std::span<const std::optional<std::string_view>> row);

    // Inserts what is left, commits, and yields the number of rows inserted.
    [[nodiscard]] task<std::int64_t> commit();

    std::int64_t rows_added() const noexcept { return rows_added_; }
    const std::string& sql() const noexcept { return shared_->insert.sql(); }

  private:
    friend class database;
    // What the worker's jobs use; outlives this object if they do.
    struct shared {
        explicit shared(row_insert statements) : insert(std::move(statements)) {}
        const row_insert insert;
        std::int64_t inserted = 0;     // worker thread only
        std::int64_t saved_cache = 0;  // PRAGMA cache_size before the load (bulk_pragmas)
        bool restore_cache = false;    // worker thread only
    };

    bulk_inserter(detail::worker* w, std::uint64_t owner, std::shared_ptr<shared> s,
                  bulk_options options);
    static task<bulk_inserter> begin(detail::worker* w, std::string table,
                                     std::vector<std::string> columns, bulk_options options);

    bool batch_full() const noexcept {
        return current_->cells.cells() >= batch_cells_ ||
               current_->cells.bytes() >= options_.batch_bytes;
    }
    // Hands current_ to the worker; the previous batch must be done.
    void submit_current(bool final_commit);
    // Takes the finished in-flight batch's error (rethrowing it), freeing the slot.
    void collect_in_flight();
    void check_usable() const;
    [[noreturn]] void throw_width(std::size_t given) const;
    // Waits for the in-flight batch, if any, and collects it.
    task<void> drain();

    detail::worker* worker_;
    std::uint64_t owner_;
    std::shared_ptr<shared> shared_;
    bulk_options options_;
    std::size_t batch_cells_;
    std::shared_ptr<detail::batch_state> current_;    // being filled
    std::shared_ptr<detail::batch_state> in_flight_;  // with the worker
    std::shared_ptr<detail::batch_state> spare_;      // done, buffers kept for reuse
    std::int64_t rows_added_ = 0;
    bool active_ = false;  // holds the worker; ends with commit or failure
    bool failed_ = false;

  public:
    class add_awaiter {
      public:
        explicit add_awaiter(bulk_inserter* owner) noexcept : owner_(owner) {}
        bool await_ready();
        bool await_suspend(std::coroutine_handle<> handle);
        void await_resume();

      private:
        bulk_inserter* owner_;
    };
};

template <class... V>
bulk_inserter::add_awaiter bulk_inserter::add(V&&... values) {
    check_usable();
    if (sizeof...(V) != shared_->insert.width()) throw_width(sizeof...(V));
    std::size_t before = current_->cells.cells();
    try {
        (detail::push_param(current_->cells, std::forward<V>(values)), ...);
    } catch (...) {
        current_->cells.truncate(before);  // no half row in the batch
        throw;
    }
    ++rows_added_;
    return add_awaiter(this);
}

}  // namespace uio::sqlite
