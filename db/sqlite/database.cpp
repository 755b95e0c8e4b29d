// database: opening (the worker starts first, then the connection is opened on it) and an
// orderly close.
#include "uio/db/sqlite/database.hpp"

#include <sqlite3.h>

#include <condition_variable>
#include <exception>
#include <mutex>

#include "uio/db/sqlite/detail/worker.hpp"

namespace uio::sqlite {

database::database(std::unique_ptr<detail::worker> w, std::string path) noexcept
    : executor(w.get(), 0), owned_(std::move(w)), path_(std::move(path)) {}

database::database(database&& other) noexcept
    : executor(std::exchange(other.worker_, nullptr), 0),
      owned_(std::move(other.owned_)),
      path_(std::move(other.path_)) {}

database& database::operator=(database&& other) noexcept {
    if (this != &other) {
        owned_ = std::move(other.owned_);  // joins our old worker, if any
        worker_ = std::exchange(other.worker_, nullptr);
        path_ = std::move(other.path_);
    }
    return *this;
}

database::~database() = default;

task<database> database::open(std::string path, open_options options) {
    auto w = std::make_unique<detail::worker>();
    // Named, not a temporary in the co_await: g++ 12 destroys such temporaries twice.
    detail::request<void> opening(w.get(), 0,
                                  [path, options](detail::worker& wk) { wk.open(path, options); });
    co_await opening;
    database db(std::move(w), std::move(path));
    co_return db;
}

database database::open_blocking(std::string path, open_options options,
                                 std::function<void(blocking_connection&)> setup) {
    auto w = std::make_unique<detail::worker>();
    std::mutex mutex;
    std::condition_variable opened;
    bool done = false;
    std::exception_ptr failure;
    w->submit({[&](detail::worker& wk) {
                   try {
                       wk.open(path, options);
                       if (setup) setup(wk.conn());
                   } catch (...) {
                       failure = std::current_exception();
                   }
                   // Notified under the lock: the waiter cannot return (and destroy these
                   // locals) before this job has let go of them.
                   std::lock_guard lock(mutex);
                   done = true;
                   opened.notify_one();
               },
               0});
    {
        std::unique_lock lock(mutex);
        opened.wait(lock, [&] { return done; });
    }
    if (failure) std::rethrow_exception(failure);  // `w` closes and joins on the way out
    return database(std::move(w), std::move(path));
}

task<void> database::close() {
    if (!owned_) co_return;
    detail::request<void> closing(worker_, 0, [](detail::worker& w) { w.close(); });
    co_await closing;
    owned_.reset();  // the worker is idle: joins at once
    worker_ = nullptr;
}

}  // namespace uio::sqlite
