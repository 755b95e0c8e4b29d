// --shard in the file copier: the byte range of a split file written into its shared
// temporary (published by shard_finish.hpp once every shard is done, so no final name ever
// shows a partly written file). Which entries a shard copies: planner/entry_route.hpp.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include <uio/core/offload.hpp>
#include <uio/uring/operations.hpp>

#include "uio/fs/mover/file_copier.hpp"

namespace uio::fs {

uio::task<void> file_copier::copy_part(entry& e) {
    const std::string src = e.src_path();
    const std::string dst = e.dst_path();
    const auto size = static_cast<std::uint64_t>(e.st.st_size);
    // Published by an earlier run's finish (which sets mtime last): nothing to do.
    if (e.dst_exists && S_ISREG(e.dst_st.st_mode) && e.dst_st.st_size == e.st.st_size &&
        mtime_ns(e.dst_st) == mtime_ns(e.st)) {
        ++out_.files_done;
        co_return;
    }
    const int in = co_await uio::openat(e.dir->src_fd, e.src_name.c_str(),
                                        O_RDONLY | (e.follow ? 0 : O_NOFOLLOW));
    if (in < 0) fail("cannot open " + quote(src) + " for reading", in);
    // Every shard of the file opens (or creates) the same temporary and gives it its final
    // size: idempotent, so no shard has to go first; each then writes only its own bytes.
    const std::string temp = part_name(e.dst_name);
    const int out =
        co_await uio::openat(e.dir->dst_fd, temp.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
    std::exception_ptr error;
    try {
        if (out < 0) fail("cannot create regular file " + quote(dst), out);
        if (::ftruncate(out, static_cast<off_t>(size)) != 0)
            fail("cannot extend " + quote(dst), errno);
        std::vector<extent> extents{{e.part_begin, e.part_end - e.part_begin}};
        if (opts_.sparse != when::never &&
            static_cast<std::uint64_t>(e.st.st_blocks) * 512 < size) {
            // Holes stay holes: only the data extents that overlap this shard's range.
            std::vector<extent> data = co_await uio::offload(
                pool_, [in, size] { return data_mover::data_extents(in, size); });
            extents.clear();
            for (const extent& x : data) {
                const std::uint64_t from = std::max(x.offset, e.part_begin);
                const std::uint64_t to = std::min(x.offset + x.length, e.part_end);
                if (from < to) extents.push_back({from, to - from});
            }
            ++out_.strategies.sparse;
        }
        co_await mover_->read_write(in, out, extents, {src, dst}, nullptr, false);
        ++out_.strategies.read_write;
        struct stat now {};
        if (::fstat(in, &now) == 0 &&
            (now.st_size != e.st.st_size || mtime_ns(now) != mtime_ns(e.st))) {
            throw copy_error(quote(src) + " changed while being copied");
        }
        if (opts_.fsync && ::fsync(out) != 0) fail("cannot sync " + quote(dst), errno);
        // This range is in this incarnation of the temporary (its inode): the finish step
        // publishes it only when every range's marker is there.
        struct stat part {};
        const std::string done = ::fstat(out, &part) == 0
                                     ? range_marker(temp, part.st_ino, shards_->index())
                                     : std::string();
        const int made = done.empty() ? -1
                                      : ::openat(e.dir->dst_fd, done.c_str(),
                                                 O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (made < 0) fail("cannot create " + quote(e.dir->dst_prefix + done), errno);
        ::close(made);
    } catch (...) {
        error = std::current_exception();
    }
    if (out >= 0) co_await uio::close(out);
    co_await uio::close(in);
    if (error) std::rethrow_exception(error);
    ++out_.files_done;
}

}  // namespace uio::fs
