// One entry from the walk to its final name: the skip rules (-n, -u, journal), hard-link
// groups, and the temp-name-then-rename dance for each kind of file. Nothing is ever
// written under a visible final name: renameat publishes a complete, metadata-bearing file,
// or, in a staging tree (tree_walk.hpp), the file is made under its final name in a
// directory nobody sees until it is complete (a failure removes the file before that).
#include "uio/fs/mover/file_copier.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <uio/core/offload.hpp>
#include <uio/core/when_all.hpp>
#include <uio/uring/operations.hpp>
#include <uio/uring/signal_cleanup.hpp>
#include <uio/uring/stat_time.hpp>

#include "uio/fs/name_escape.hpp"

namespace uio::fs {

namespace {

bool newer(const struct stat& a, const struct stat& b) {
    return mtime_ns(a) > mtime_ns(b);
}

// Closes a descriptor on scope exit unless handed to the ring's close first.
struct fd_guard {
    int fd = -1;
    ~fd_guard() {
        if (fd >= 0) ::close(fd);
    }
    int release() { return std::exchange(fd, -1); }
};

// The name an entry is made under: its final name inside a staging tree, else a temporary.
std::string work_name(const entry& e) {
    return e.dir->staged ? e.dst_name : temp_name();
}

// Removes the temporary name on scope exit unless the file was renamed into place. A
// temporary (not a final name in a staging tree, left to the next run's sweep) is registered
// for signal cleanup by its path before it is created, and released once it is gone.
struct temp_guard {
    explicit temp_guard(const entry& e)
        : dirfd(e.dir->dst_fd),
          name(work_name(e)),
          registration(e.dir->staged ? uio::registered_temporary{}
                                     : uio::registered_temporary{e.dir->dst_prefix + name}) {}
    temp_guard(const temp_guard&) = delete;
    temp_guard& operator=(const temp_guard&) = delete;
    ~temp_guard() {
        if (armed) ::unlinkat(dirfd, name.c_str(), 0);
    }
    // Renamed into place: nothing to remove.
    void published() {
        armed = false;
        registration.release();
    }

    int dirfd;
    std::string name;
    bool armed = false;
    uio::registered_temporary registration;
};

uio::task<void> close_fd(int fd) {
    co_await uio::close(fd);
}

// Whether the open source no longer matches the walk's stat of it (written, truncated or
// replaced in place since). Size and mtime catch writes; ctime catches a write whose mtime
// was put back, but also a link count change (the file deleted or linked meanwhile), which
// leaves the data alone, so it counts only while the link count holds.
bool source_changed(int fd, const struct stat& walked) {
    struct stat now {};
    if (::fstat(fd, &now) != 0) return false;
    return now.st_size != walked.st_size || mtime_ns(now) != mtime_ns(walked) ||
           (now.st_nlink == walked.st_nlink && uio::ctime_ns(now) != uio::ctime_ns(walked));
}

}  // namespace

uio::task<void> file_copier::handle(entry e) {
    bool finished = true;
    try {
        finished = co_await copy_entry(e);
    } catch (const source_vanished& gone) {
        out_.vanished(gone.what());
    } catch (const copy_error& error) {
        out_.error(error, e.src_path(), e.dst_path());
    } catch (const std::system_error& error) {
        if (error.code() == std::errc::operation_canceled) throw;
        out_.error(error, e.src_path(), e.dst_path());
    }
    if (finished) release(std::move(e.dir));
    if (journal_ && journal_->flush_due()) co_await journal_->flush();
}

uio::task<bool> file_copier::copy_entry(entry& e) {
    const std::string src = e.src_path();
    const std::string dst = e.dst_path();
    if (e.dst_exists) {
        if (opts_.no_clobber || (opts_.update && !newer(e.st, e.dst_st))) {
            ++out_.skipped;
            co_return true;
        }
        if (S_ISDIR(e.dst_st.st_mode) && !opts_.sync) {  // --sync decides in synced()
            throw copy_error("cannot overwrite directory " + quote(dst) + " with non-directory");
        }
        if (e.dst_st.st_dev == e.st.st_dev && e.dst_st.st_ino == e.st.st_ino) {
            throw copy_error(quote(src) + " and " + quote(dst) + " are the same file");
        }
    }
    const bool journal_done =
        journal_ && e.dst_exists && S_ISREG(e.st.st_mode) && S_ISREG(e.dst_st.st_mode) &&
        e.dst_st.st_size == e.st.st_size &&
        (!opts_.preserve.timestamps || mtime_ns(e.dst_st) == mtime_ns(e.st)) && e.journaled;
    // --sync: the destination may hold this entry already, or lack only its metadata.
    entry_changes changes;
    const bool sync_done = opts_.sync && e.dst_exists && co_await sync_->synced(e, changes);
    const bool done_before = journal_done || sync_done;
    const bool linked = opts_.preserve.links && e.st.st_nlink > 1 && !S_ISDIR(e.st.st_mode);
    if (done_before && !linked) {
        if (journal_done) ++out_.journal_skipped;
        ++out_.files_done;
        co_return true;
    }
    if (opts_.verbose && !done_before) out_.verbose(src, dst);
    // --itemize-changes: the line for a copy, printed when it is done (or would be).
    auto itemize_copy = [&] {
        if (opts_.itemize && !done_before) {
            const char update = S_ISREG(e.st.st_mode) ? '>' : 'c';
            std::string line =
                itemize(update, e.st, changes, !e.dst_exists, e.dir->relative + e.dst_name);
            if (S_ISLNK(e.st.st_mode)) line += " -> " + escape_name(e.link_target);
            out_.itemize(line, src, dst);
        }
    };
    if (opts_.dry_run) {
        itemize_copy();
        ++out_.files_done;
        co_return true;
    }
    if (e.split) {  // a hard-linked one's other names are linked by shard_finish
        co_await copy_part(e);
        ++out_.copied;
        co_return true;
    }

    std::pair<dev_t, ino_t> key{e.st.st_dev, e.st.st_ino};
    if (linked) {
        auto [it, first] = links_.try_emplace(key);
        link_group& group = it->second;
        ++group.seen;
        if (first && done_before) {
            // A rerun: this name is done and becomes the one the others link to, so a resume
            // relinks names an earlier run did not reach instead of copying them apart.
            group.first = {e.dir, e.dst_name};
            if (journal_done) ++out_.journal_skipped;
            ++out_.files_done;
            co_await finish_link_group(key, e.st.st_nlink, true);
            co_return true;
        }
        if (!first) {
            if (!group.done) {
                group.waiting.push_back(std::move(e));
                co_return false;  // its leader links it when the data has landed
            }
            if (group.seen >= e.st.st_nlink) {
                link_target target = std::move(group.first);
                bool ok = group.ok;
                links_.erase(it);  // every name seen: forget the inode
                if (ok) co_await make_hard_link(e, target);
            } else if (group.ok) {
                link_target target = group.first;
                co_await make_hard_link(e, target);
            }
            co_return true;
        }
        group.first = {e.dir, e.dst_name};
    }

    std::exception_ptr error;
    try {
        if (S_ISREG(e.st.st_mode)) {
            co_await copy_regular(e);
        } else if (S_ISLNK(e.st.st_mode)) {
            co_await copy_symlink(e);
        } else {
            co_await copy_special(e);
        }
    } catch (...) {
        error = std::current_exception();
    }
    // Settle the group first, so names waiting for this one are never left pending.
    if (linked) co_await finish_link_group(key, e.st.st_nlink, !error);
    if (error) std::rethrow_exception(error);
    itemize_copy();
    ++out_.copied;
    co_return true;
}

uio::task<void> file_copier::finish_link_group(std::pair<dev_t, ino_t> key, nlink_t names,
                                               bool ok) {
    auto it = links_.find(key);
    if (it == links_.end()) co_return;
    it->second.done = true;
    it->second.ok = ok;
    std::vector<entry> waiting = std::move(it->second.waiting);
    link_target target = it->second.first;
    if (it->second.seen >= names) links_.erase(it);
    for (entry& w : waiting) {
        try {
            if (ok) co_await make_hard_link(w, target);
        } catch (const copy_error& error) {
            out_.error(error, w.src_path(), w.dst_path());
        }
        release(std::move(w.dir));
    }
}

uio::task<void> file_copier::rename_into_place(entry& e, const std::string& temp) {
    if (e.dir->staged) co_return;  // made under its final name in a staging tree
    if (backup_ && e.dst_exists) {
        // The old version is linked into --backup-dir first: its name never goes missing.
        const int error = co_await uio::offload(pool_, [&] {
            return backup_->store(e.dir->dst_fd, e.dst_name, e.dir->relative + e.dst_name, true);
        });
        if (error != 0 && error != ENOENT) {
            fail("cannot back up " + quote(e.dst_path()) + " into " + quote(backup_->dir()), error);
        }
    }
    int rc = co_await uio::renameat(e.dir->dst_fd, temp.c_str(), e.dir->dst_fd, e.dst_name.c_str());
    if (rc < 0) fail("cannot create " + quote(e.dst_path()), rc);
}

uio::task<void> file_copier::make_hard_link(entry& e, const link_target& target) {
    if ((journal_ || opts_.sync) && e.dst_exists) {
        // Already a name of the target (a rerun over a finished copy): nothing to do.
        struct stat linked_to {};
        if (::fstatat(target.dir->dst_fd, target.name.c_str(), &linked_to, AT_SYMLINK_NOFOLLOW) ==
                0 &&
            linked_to.st_dev == e.dst_st.st_dev && linked_to.st_ino == e.dst_st.st_ino) {
            if (journal_) ++out_.journal_skipped;  // --sync counted it as unchanged
            ++out_.files_done;
            co_return;
        }
    }
    temp_guard temp(e);
    int rc = co_await uio::linkat(target.dir->dst_fd, target.name.c_str(), e.dir->dst_fd,
                                  temp.name.c_str());
    if (rc < 0) {
        fail("cannot create hard link " + quote(e.dst_path()) + " to " +
                 quote(target.dir->dst_prefix + target.name),
             rc);
    }
    temp.armed = true;
    co_await rename_into_place(e, temp.name);
    temp.published();
    if (journal_ && S_ISREG(e.st.st_mode)) {
        // Journaled like the name it links to, so a rerun may lead the group with either.
        journal_->add({journal_key(e.dst_path()), static_cast<std::uint64_t>(e.st.st_size),
                       mtime_ns(e.st), std::string()});
    }
    ++out_.hard_links;
    ++out_.files_done;
    if (opts_.itemize) {
        out_.itemize(itemize('h', e.st, {}, true, e.dir->relative + e.dst_name) + " => " +
                         escape_name(target.dir->relative + target.name),
                     e.src_path(), e.dst_path());
    }
}

uio::task<void> file_copier::copy_symlink(entry& e) {
    temp_guard temp(e);
    int rc = co_await uio::symlinkat(e.link_target.c_str(), e.dir->dst_fd, temp.name.c_str());
    if (rc < 0) fail("cannot create symbolic link " + quote(e.dst_path()), rc);
    temp.armed = true;
    apply_metadata_at(meta_, e.dir->dst_fd, temp.name.c_str(), e.st, e.dst_path());
    co_await rename_into_place(e, temp.name);
    temp.published();
    ++out_.symlinks;
    ++out_.files_done;
}

uio::task<void> file_copier::copy_special(entry& e) {
    temp_guard temp(e);
    mode_t type = e.st.st_mode & S_IFMT;
    if (::mknodat(e.dir->dst_fd, temp.name.c_str(), type | 0600, e.st.st_rdev) != 0) {
        fail(std::string(S_ISFIFO(e.st.st_mode) ? "cannot create fifo "
                                                : "cannot create special file ") +
                 quote(e.dst_path()),
             errno);
    }
    temp.armed = true;
    apply_metadata_at(meta_, e.dir->dst_fd, temp.name.c_str(), e.st, e.dst_path());
    co_await rename_into_place(e, temp.name);
    temp.published();
    ++out_.specials;
    ++out_.files_done;
}

uio::task<void> file_copier::copy_regular(entry& e) {
    const std::string src = e.src_path();
    const std::string dst = e.dst_path();
    const int src_flags = O_RDONLY | (e.follow ? 0 : O_NOFOLLOW);
    fd_guard in;
    in.fd = co_await uio::openat(e.dir->src_fd, e.src_name.c_str(), src_flags);
    if (in.fd == -ENOENT) throw source_vanished(src);
    if (in.fd < 0) fail("cannot open " + quote(src) + " for reading", std::exchange(in.fd, -1));

    temp_guard temp(e);
    fd_guard out;
    // A temporary in a visible directory is private (0600) until renamed; in a staging
    // directory (0700, unseen) the final permission bits can be given at once.
    const mode_t create_mode = e.dir->staged ? final_mode(meta_, e.st) & 0777 : 0600;
    {
        uio::semaphore::permit create = co_await e.dir->creates.acquire();
        out.fd = co_await uio::openat(e.dir->dst_fd, temp.name.c_str(),
                                      O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, create_mode);
    }
    if (out.fd < 0) fail("cannot create regular file " + quote(dst), std::exchange(out.fd, -1));
    temp.armed = true;

    const auto size = static_cast<std::uint64_t>(e.st.st_size);
    const file_names names{src, dst};
    std::vector<chunk_digest> digests;
    if (size == 0) {
        ++out_.strategies.empty;
    } else {
        const bool holes =
            opts_.sparse != when::never && static_cast<std::uint64_t>(e.st.st_blocks) * 512 < size;
        std::vector<extent> extents{{0, size}};
        if (holes) {
            extents = co_await uio::offload(
                pool_, [fd = in.fd, size] { return data_mover::data_extents(fd, size); });
        }
        const bool needs_bytes = opts_.verify || opts_.sparse == when::always;
        bool moved = false;
        if (!needs_bytes && opts_.reflink != when::never) {
            moved = co_await mover_->reflink(in.fd, out.fd, e.st.st_dev, e.dir->dst_dev);
            if (moved) {
                ++out_.strategies.reflink;
                out_.bytes_copied += size;
            } else if (opts_.reflink == when::always) {
                fail("failed to clone " + quote(dst) + " from " + quote(src), EOPNOTSUPP);
            }
        }
        // Large files are written with O_DIRECT when their source is in the page cache, and
        // through it (read/write) when the source must come from disk first (data_mover.hpp).
        const bool large = opts_.data_strategy == strategy::automatic && size >= opts_.direct_min &&
                           data_mover::mostly_cached(in.fd, size);
        const bool direct = !moved && (opts_.data_strategy == strategy::direct || large) &&
                            mover_->set_direct(out.fd, true);
        // A large cached file below it: copy_file_range from the front, O_DIRECT from the
        // back, both at once (data_mover::split_copy, which counts the paths it used).
        if (!moved && !direct && !needs_bytes && !holes &&
            opts_.data_strategy == strategy::automatic && size >= data_mover::split_min &&
            data_mover::mostly_cached(in.fd, size)) {
            const std::pair<dev_t, dev_t> devices{e.st.st_dev, e.dir->dst_dev};
            moved = co_await mover_->split_copy(in.fd, out.fd, size, names, devices);
        }
        // Below that, files the chains left go kernel-side: copy_file_range copies each byte
        // once where read/write copies it twice (measured: docs/ucopy-internals.md).
        const bool mid =
            opts_.data_strategy == strategy::automatic && size > data_mover::kernel_copy_min;
        const bool kernel_copy = opts_.data_strategy == strategy::copy_file_range || large || mid;
        if (!moved && !direct && !needs_bytes && kernel_copy) {
            const std::pair<dev_t, dev_t> devices{e.st.st_dev, e.dir->dst_dev};
            moved = co_await mover_->copy_file_range(in.fd, out.fd, extents, names, devices);
            if (moved) ++out_.strategies.copy_file_range;
        }
        // ext4 completes a direct write that extends the file before taking the next (the
        // inode lock is held throughout), so the chunks in flight would go one at a time:
        // the file gets its final size first.
        if (direct && ::ftruncate(out.fd, static_cast<off_t>(size)) != 0) {
            fail("cannot extend " + quote(dst), errno);
        }
        if (!moved) {
            co_await mover_->read_write(in.fd, out.fd, extents, names,
                                        opts_.verify ? &digests : nullptr, direct);
            ++(direct ? out_.strategies.direct : out_.strategies.read_write);
            // Back to the page cache for --verify's re-read and anything after.
            if (direct) mover_->set_direct(out.fd, false);
        }
        if (holes || direct || opts_.sparse == when::always) {
            ++out_.strategies.sparse;
            if (::ftruncate(out.fd, static_cast<off_t>(size)) != 0) {
                fail("cannot extend " + quote(dst), errno);
            }
        }
        if (opts_.hooks) opts_.hooks->data_written(out.fd, dst);
        if (opts_.verify) {
            co_await mover_->verify(out.fd, digests, names);
            ++out_.verified;
        }
    }
    // Like tar's "file changed as we read it", but the copy is not published: a rerun
    // copies the file again once it holds still.
    if (source_changed(in.fd, e.st)) throw copy_error(quote(src) + " changed while being copied");
    static const uid_t euid = ::geteuid();
    const created_as created{euid, e.dir->new_file_gid,
                             static_cast<mode_t>(create_mode & ~meta_.umask_bits)};
    apply_metadata_fd(meta_, out.fd, in.fd, e.st, dst, e.dir->default_acl ? nullptr : &created);
    if (opts_.fsync) {
        int rc = co_await uio::fsync(out.fd);
        if (rc < 0) fail("cannot sync " + quote(dst), rc);
    }
    co_await rename_into_place(e, temp.name);
    temp.published();
    if (journal_) {
        journal_->add({journal_key(dst), size, mtime_ns(e.st),
                       opts_.verify ? data_mover::file_hash(digests) : std::string()});
    }
    ++out_.files_done;
    co_await uio::when_all(close_fd(in.release()), close_fd(out.release()));
}

}  // namespace uio::fs
