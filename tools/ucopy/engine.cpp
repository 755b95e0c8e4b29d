// The walk and the run: command-line roots, directories, the worker pool, the exit status.
#include "engine.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/resource.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>

#include <uio/core/offload.hpp>
#include <uio/core/task_group.hpp>
#include <uio/core/when_all.hpp>
#include <uio/uring/io_context.hpp>
#include <uio/uring/operations.hpp>
#include <uio/uring/timeout.hpp>

#include "fd_limits.hpp"
#include "progress.hpp"

namespace ucopy {

namespace {

constexpr std::size_t walk_batch = 256;

std::int64_t mtime_ns(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// New files in such a directory take their mode from the ACL, not from umask alone.
bool has_default_acl(int dir_fd) {
    return ::fgetxattr(dir_fd, "system.posix_acl_default", nullptr, 0) > 0;
}

mode_t current_umask() {
    mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

}  // namespace

engine::engine(const options& opts, report& out, journal* log)
    : opts_(opts),
      out_(out),
      journal_(log),
      pool_(opts.threads),
      meta_{opts.preserve, out, current_umask(), ::geteuid() == 0},
      queue_(opts.queue_depth),
      // Staging trades per-file resumption for one rename per directory instead of per file:
      // a journal exists to resume file by file, so it keeps per-file publication.
      staging_(!opts.no_staging && opts.journal_path.empty() && !opts.dry_run),
      walkers_(opts.walkers > 0 ? opts.walkers - 1 : 0) {
    euid_ = ::geteuid();
    corrupt_match_ = std::getenv("UCOPY_TEST_CORRUPT");
    if (const char* fail = std::getenv("UCOPY_TEST_CHAIN_FAIL")) {
        std::string_view spec = fail;
        if (spec.rfind("open:", 0) == 0) chain_fail_step_ = 1;
        if (spec.rfind("write:", 0) == 0) chain_fail_step_ = 2;
        if (spec.rfind("grow:", 0) == 0) chain_fail_step_ = 3;
        if (chain_fail_step_ != 0) chain_fail_name_ = spec.substr(spec.find(':') + 1);
    }
    // Chains only publish by name inside staging trees (no temporary, no rename per file),
    // and never for work that needs the bytes or a descriptor on the loop.
    if (opts.chains && staging_ && !opts.verify && !opts.fsync && opts.sparse != when::always &&
        opts.reflink != when::always) {
        unsigned threads = opts.chain_threads;
        if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
        chain_pool_.emplace(threads);
        // One batch per thread running and one ready behind it; each holds <= walk_batch.
        // Fewer when descriptors are scarce (fd_limits.hpp).
        const unsigned batches = opts.chain_batches != 0 ? opts.chain_batches : 2 * threads;
        for (unsigned i = 1; i < batches; ++i) chain_batches_.release();
        chain_ = {opts.chain_depth, std::min(opts.chain_max, opts.block_size)};
    }
}

bool engine::excluded(const std::string& relative, const std::string& name) const {
    for (const std::string& glob : opts_.excludes) {
        if (::fnmatch(glob.c_str(), name.c_str(), 0) == 0 ||
            ::fnmatch(glob.c_str(), relative.c_str(), FNM_PATHNAME) == 0) {
            return true;
        }
    }
    return false;
}

uio::task<void> engine::copy(const std::vector<copy_root>& roots) {
    // Enough buffers for every file in flight to have one chunk moving, plus the windows of
    // a few large files; count × block_size is the data memory of the whole run.
    unsigned count = std::max(8u, std::min(opts_.queue_depth, 64u));
    buffers_.emplace(count, opts_.block_size);
    mover_.emplace(opts_, *buffers_, pool_, out_);
    co_await uio::with_task_group([&](uio::task_group& group) -> uio::task<void> {
        for (unsigned i = 0; i < opts_.queue_depth; ++i) group.spawn(worker());
        try {
            co_await uio::with_task_group([&](uio::task_group& walkers) -> uio::task<void> {
                walk_group_ = &walkers;
                for (const copy_root& root : roots) co_await walk_root(root);
            });
            walk_group_ = nullptr;
            out_.walk_finished = true;
        } catch (...) {
            walk_group_ = nullptr;
            queue_.close();
            throw;
        }
        queue_.close();
    });
    if (journal_) co_await journal_->flush();
    mover_.reset();
    buffers_.reset();
}

bool engine::chain_eligible(const dir_node& node, const raw_entry& raw) const {
    if (!chain_pool_ || !node.staged || node.default_acl || raw.dst_exists) return false;
    const struct stat& st = raw.st;
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
        static_cast<std::uint64_t>(st.st_size) > chain_.max_size) {
        return false;
    }
    if (opts_.preserve.links && st.st_nlink > 1) return false;
    if (opts_.preserve.xattr && raw.has_xattrs) return false;
    // Holes: the extent-by-extent path keeps them.
    if (opts_.sparse != when::never && st.st_blocks * 512 < st.st_size) return false;
    if ((final_mode(meta_, st) & 07000) != 0) return false;  // set-id bits: the careful path
    const bool owned = st.st_uid == euid_ && st.st_gid == node.new_file_gid;
    return !opts_.preserve.ownership || owned || meta_.may_chown;
}

uio::task<void> engine::copy_chain_batch(uio::semaphore::permit permit, std::vector<entry> files) {
    std::vector<small_file> items(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        const entry& e = files[i];
        small_file& f = items[i];
        f.src_dirfd = e.dir->src_fd;
        f.src_name = e.src_name.c_str();
        f.src_flags = e.follow ? 0 : O_NOFOLLOW;
        f.dst_dirfd = e.dir->dst_fd;
        f.dst_name = e.dst_name.c_str();
        f.size = static_cast<std::uint32_t>(e.st.st_size);
        f.walked = &e.st;
        const mode_t mode = final_mode(meta_, e.st);
        f.create_mode = mode;
        f.set_mode = (mode & ~meta_.umask_bits) != mode;
        f.set_owner = opts_.preserve.ownership &&
                      (e.st.st_uid != euid_ || e.st.st_gid != e.dir->new_file_gid);
        f.uid = e.st.st_uid;
        f.gid = e.st.st_gid;
        f.set_times = opts_.preserve.timestamps;
        f.times[0] = e.st.st_atim;
        f.times[1] = e.st.st_mtim;
        if (chain_fail_step_ == 3 && e.src_name == chain_fail_name_) {
            // A writer between the walk and the chain's read: the source gains a byte.
            int fd = ::openat(e.dir->src_fd, e.src_name.c_str(), O_WRONLY | O_APPEND);
            if (fd >= 0) {
                (void)!::write(fd, "+", 1);
                ::close(fd);
            }
        } else if (chain_fail_step_ != 0 && e.src_name == chain_fail_name_) {
            f.test_failure = chain_fail_step_;
        }
    }
    co_await uio::offload(*chain_pool_, [&] { copy_small_files(items, chain_); });
    permit.reset();
    for (std::size_t i = 0; i < files.size(); ++i) {
        entry& e = files[i];
        const small_file& f = items[i];
        if (!f.copied) {  // the ordinary path redoes it and reports any error
            ++out_.strategies.chain_fallback;
            co_await queue_.send(std::move(e));
            continue;
        }
        if (f.metadata_error != 0) {
            const std::string what = f.metadata_step == std::string_view("ownership")
                                         ? "failed to preserve ownership for "
                                     : f.metadata_step == std::string_view("permissions")
                                         ? "failed to set the permissions of "
                                         : "failed to preserve times for ";
            out_.error(what + quote(e.dst_path()) + ": " + std::strerror(f.metadata_error));
        }
        ++out_.strategies.linked_chain;
        out_.bytes_copied += f.size;
        ++out_.files_done;
        release(std::move(e.dir));
    }
}

uio::task<void> engine::worker() {
    while (std::optional<entry> e = co_await queue_.receive()) co_await handle(std::move(*e));
}

uio::task<void> engine::walk_root(const copy_root& root) {
    auto top = std::make_shared<dir_node>();
    top->finalize = false;
    top->src_fd = AT_FDCWD;
    top->src_prefix = "";
    top->dst_prefix = dir_prefix(root.destination);
    std::string parent = top->dst_prefix.empty() ? "." : top->dst_prefix;
    int fd = co_await open_patiently(AT_FDCWD, parent.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        std::string what =
            S_ISDIR(root.st.st_mode) ? "cannot create directory " : "cannot create regular file ";
        out_.error(what + quote(root.destination) + ": " + std::strerror(-fd));
        co_return;
    }
    top->dst_fd = fd;
    struct stat dst_dir {};
    if (::fstat(fd, &dst_dir) == 0) top->dst_dev = dst_dir.st_dev;
    raw_entry raw;
    raw.name = base_name(root.destination);
    raw.st = root.st;
    raw.dst_exists = ::fstatat(fd, raw.name.c_str(), &raw.dst_st, AT_SYMLINK_NOFOLLOW) == 0;
    top->new_file_gid = (dst_dir.st_mode & S_ISGID) ? dst_dir.st_gid : ::getegid();
    top->default_acl = has_default_acl(fd);

    if (S_ISDIR(root.st.st_mode)) {
        // A killed staged run leaves its unfinished tree here, beside the destination.
        if (!opts_.dry_run) co_await uio::offload(pool_, [fd] { remove_stale_temps(fd); });
        std::shared_ptr<dir_node> node =
            co_await make_dir(top, raw, AT_FDCWD, root.source, root.source);
        if (node) co_await walk_dir(std::move(node));
    } else {
        entry e;
        e.dir = top;
        e.src_name = root.source;
        e.dst_name = raw.name;
        e.st = root.st;
        e.follow = root.follow;
        e.dst_exists = raw.dst_exists;
        e.dst_st = raw.dst_st;
        if (journal_ && e.dst_exists && S_ISREG(e.st.st_mode)) {
            std::vector<raw_entry> one{raw};
            co_await ask_journal(*top, one);
            e.journaled = one[0].journaled;
        }
        if (S_ISLNK(root.st.st_mode)) {
            char target[PATH_MAX];
            ssize_t n = ::readlink(root.source.c_str(), target, sizeof target);
            if (n < 0) {
                out_.error("cannot read symbolic link " + quote(root.source) + ": " +
                           std::strerror(errno));
                co_return;
            }
            e.link_target.assign(target, static_cast<std::size_t>(n));
        }
        ++top->pending;
        ++out_.files_seen;
        if (S_ISREG(e.st.st_mode)) out_.bytes_seen += static_cast<std::uint64_t>(e.st.st_size);
        co_await queue_.send(std::move(e));
    }
    release(std::move(top));
}

uio::task<std::shared_ptr<dir_node>> engine::make_dir(const std::shared_ptr<dir_node>& parent,
                                                      const raw_entry& raw, int src_dirfd,
                                                      const std::string& src_open_name,
                                                      const std::string& src_display) {
    std::string dst_display = parent->dst_prefix + raw.name;
    auto node = std::make_shared<dir_node>();
    node->st = raw.st;
    node->src_prefix = src_display + "/";
    node->dst_prefix = dst_display + "/";
    node->relative = parent->finalize ? parent->relative + raw.name + "/" : "";
    if (raw.dst_exists && !S_ISDIR(raw.dst_st.st_mode)) {
        out_.error("cannot overwrite non-directory " + quote(dst_display) + " with directory " +
                   quote(src_display));
        co_return nullptr;
    }
    node->fresh = !raw.dst_exists;
    node->name = raw.name;
    if (opts_.verbose && node->fresh) out_.verbose(src_display, dst_display);
    if (!opts_.dry_run && node->fresh) {
        // Inside a staging tree nothing is visible yet: final names. Otherwise a new
        // directory is the top of a staging tree, made under a temporary name.
        node->staged = staging_;
        if (staging_ && !parent->staged) node->stage_name = temp_name();
        const std::string& made = node->stage_name.empty() ? raw.name : node->stage_name;
        int rc = co_await uio::mkdirat(parent->dst_fd, made.c_str(), 0700);
        if (rc == -EEXIST && node->stage_name.empty()) {
            node->fresh = false;  // appeared meanwhile; open it below like any existing one
            node->staged = false;
        } else if (rc < 0) {
            out_.error("cannot create directory " + quote(dst_display) + ": " + std::strerror(-rc));
            co_return nullptr;
        }
    }
    const std::string& dst_open_name = node->stage_name.empty() ? raw.name : node->stage_name;
    int follow = opts_.dereference ? 0 : O_NOFOLLOW;
    int src =
        co_await open_patiently(src_dirfd, src_open_name.c_str(), O_RDONLY | O_DIRECTORY | follow);
    if (src < 0) {
        out_.error("cannot access " + quote(src_display) + ": " + std::strerror(-src));
        // The directory exists (maybe empty); it still gets its metadata, like cp.
    }
    node->src_fd = src < 0 ? -1 : src;
    if (parent->dst_fd >= 0 && !(opts_.dry_run && node->fresh)) {
        int dst = co_await open_patiently(parent->dst_fd, dst_open_name.c_str(),
                                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (dst < 0) {
            out_.error("cannot open directory " + quote(dst_display) + ": " + std::strerror(-dst));
            if (!node->stage_name.empty()) {
                ::unlinkat(parent->dst_fd, dst_open_name.c_str(), AT_REMOVEDIR);
            }
            co_return nullptr;
        }
        node->dst_fd = dst;
        struct stat dst_dir {};
        if (::fstat(dst, &dst_dir) == 0) node->dst_dev = dst_dir.st_dev;
        node->new_file_gid = (dst_dir.st_mode & S_ISGID) ? dst_dir.st_gid : ::getegid();
        node->default_acl = has_default_acl(dst);
    }
    node->parent = parent;
    ++parent->pending;
    ++out_.directories;
    co_return node;
}

uio::task<void> engine::walk_dir(std::shared_ptr<dir_node> node) {
    if (node->src_fd < 0) {
        release(std::move(node));
        co_return;
    }
    if (!node->fresh && node->dst_fd >= 0 && !opts_.dry_run) {
        co_await uio::offload(pool_, [fd = node->dst_fd] { remove_stale_temps(fd); });
    }
    std::optional<dir_reader> listing;
    listing.emplace(node->src_fd);
    // Out of descriptors: wait for files in flight to give some back (fd_limits.hpp).
    for (int tries = 0; out_of_descriptors(listing->open_error()) && tries < 1200; ++tries) {
        listing.reset();
        const std::chrono::milliseconds pause(50);
        co_await uio::sleep_for(pause);
        listing.emplace(node->src_fd);
    }
    dir_reader& reader = *listing;
    if (reader.open_error() != 0) {
        out_.error("cannot open directory " + quote(node->src_prefix) + ": " +
                   std::strerror(reader.open_error()));
    }
    const int lookup_fd = node->fresh ? -1 : node->dst_fd;
    for (;;) {
        const bool list_xattrs = chain_pool_ && node->staged && opts_.preserve.xattr;
        std::vector<raw_entry> batch = co_await uio::offload(pool_, [&] {
            return reader.next_batch(walk_batch, node->src_fd, lookup_fd, opts_.dereference,
                                     list_xattrs);
        });
        std::vector<entry> chained;
        if (batch.empty()) break;
        if (journal_ && lookup_fd >= 0) co_await ask_journal(*node, batch);
        for (raw_entry& raw : batch) {
            std::string src_display = node->src_prefix + raw.name;
            if (raw.error != 0) {
                out_.error(std::string("cannot ") + raw.failed + " " + quote(src_display) + ": " +
                           std::strerror(raw.error));
                continue;
            }
            if (excluded(node->relative + raw.name, raw.name)) {
                ++out_.skipped;
                continue;
            }
            if (S_ISDIR(raw.st.st_mode)) {
                std::shared_ptr<dir_node> child =
                    co_await make_dir(node, raw, node->src_fd, raw.name, src_display);
                if (!child) continue;
                if (uio::semaphore::permit permit = walkers_.try_acquire()) {
                    permit.release_ownership();  // walk_subdir gives it back
                    walk_group_->spawn(walk_subdir(std::move(child)));
                } else {
                    co_await walk_dir(std::move(child));
                }
                continue;
            }
            entry e;
            e.dir = node;
            e.src_name = raw.name;
            e.dst_name = std::move(raw.name);
            e.st = raw.st;
            e.link_target = std::move(raw.link_target);
            e.dst_exists = raw.dst_exists;
            e.dst_st = raw.dst_st;
            e.journaled = raw.journaled;
            e.follow = opts_.dereference;
            ++node->pending;
            ++out_.files_seen;
            if (S_ISREG(e.st.st_mode)) out_.bytes_seen += static_cast<std::uint64_t>(e.st.st_size);
            if (chain_eligible(*node, raw)) {
                if (opts_.verbose) out_.verbose(e.src_path(), e.dst_path());
                chained.push_back(std::move(e));
                continue;
            }
            co_await queue_.send(std::move(e));
        }
        if (!chained.empty()) {
            // Runs beside the walk; the permit bounds the batches (and so memory) in flight.
            uio::semaphore::permit permit = co_await chain_batches_.acquire();
            walk_group_->spawn(copy_chain_batch(std::move(permit), std::move(chained)));
        }
    }
    if (reader.read_error() != 0) {
        out_.error("cannot read directory " + quote(node->src_prefix) + ": " +
                   std::strerror(reader.read_error()));
    }
    release(std::move(node));
}

// A walker of its own; its permit was taken by the spawner.
uio::task<void> engine::walk_subdir(std::shared_ptr<dir_node> node) {
    struct give_back {
        uio::semaphore& s;
        ~give_back() { s.release(); }
    } permit{walkers_};
    co_await walk_dir(std::move(node));
}

// One batch of a directory's listing against the journal: bounded memory whatever the
// journal's size. Only regular files that already exist in the destination can be skipped.
uio::task<void> engine::ask_journal(const dir_node& node, std::vector<raw_entry>& batch) {
    std::vector<journal::query> queries;
    std::vector<std::size_t> asked;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const raw_entry& raw = batch[i];
        if (raw.error != 0 || !raw.dst_exists || !S_ISREG(raw.st.st_mode) ||
            !S_ISREG(raw.dst_st.st_mode) || raw.dst_st.st_size != raw.st.st_size) {
            continue;
        }
        queries.push_back({journal_key(node.dst_prefix + raw.name),
                           static_cast<std::uint64_t>(raw.st.st_size), mtime_ns(raw.st)});
        asked.push_back(i);
    }
    co_await journal_->lookup(queries);
    for (std::size_t i = 0; i < asked.size(); ++i) batch[asked[i]].journaled = queries[i].done;
}

void engine::release(std::shared_ptr<dir_node> node) {
    while (node && --node->pending == 0) {
        if (node->finalize) {
            finalize_dir(*node);
        } else if (opts_.fsync && !opts_.dry_run && node->dst_fd >= 0 &&
                   ::fsync(node->dst_fd) != 0) {
            out_.error("cannot sync directory " + quote(node->dst_prefix) + ": " +
                       std::strerror(errno));
        }
        std::shared_ptr<dir_node> parent = std::move(node->parent);
        node = std::move(parent);
    }
}

void engine::finalize_dir(dir_node& node) {
    if (opts_.dry_run || node.dst_fd < 0) return;
    std::string display = node.dst_prefix.substr(0, node.dst_prefix.size() - 1);
    apply_metadata_fd(meta_, node.dst_fd, node.src_fd, node.st, display);
    if (opts_.fsync && ::fsync(node.dst_fd) != 0) {
        out_.error("cannot sync directory " + quote(display) + ": " + std::strerror(errno));
    }
    if (!node.stage_name.empty()) publish_dir(node);
}

// The top of a staging tree is complete: one rename shows all of it under its final name.
// RENAME_NOREPLACE: a name that appeared meanwhile is not ours to replace.
void engine::publish_dir(dir_node& node) {
    const int parent_fd = node.parent->dst_fd;
    if (::renameat2(parent_fd, node.stage_name.c_str(), parent_fd, node.name.c_str(),
                    RENAME_NOREPLACE) == 0) {
        return;
    }
    const int error = errno;
    std::string display = node.dst_prefix.substr(0, node.dst_prefix.size() - 1);
    out_.error("cannot create directory " + quote(display) + ": " + std::strerror(error));
    remove_tree(parent_fd, node.stage_name.c_str());
}

int run(const options& requested) {
    // Concurrency fitted to the descriptors there are (fd_limits.hpp); a copy of the options.
    options opts = requested;
    const unsigned long fd_limit = raise_open_file_limit();
    report out;
    out.clear_line = opts.progress;
    const auto start = std::chrono::steady_clock::now();
    std::vector<copy_root> roots = plan_copies(opts, out);
    std::optional<journal> log;
    if (!opts.journal_path.empty() && !opts.dry_run) {
        try {
            log.emplace(opts.journal_path);
        } catch (const copy_error& e) {
            out.error(e.what());
            return exit_copy_errors;
        }
    }
    fit_descriptor_limit(opts, fd_limit);
    // Without a ring nothing can be copied: one clear error, not a per-file summary.
    std::optional<uio::io_context> context;
    try {
        context.emplace(uio::io_context_options{.entries = 256});
    } catch (const std::exception& e) {
        out.error(e.what());  // says io_uring and what to do
        return exit_copy_errors;
    }
    try {
        context->run([&]() -> uio::task<void> {
            engine copier(opts, out, log ? &*log : nullptr);
            if (!opts.progress) {
                co_await copier.copy(roots);
                co_return;
            }
            bool done = false;
            progress bar(out);
            auto work = [&]() -> uio::task<void> {
                co_await copier.copy(roots);
                out.walk_finished = true;
                done = true;
            };
            co_await uio::when_all(work(), bar.run(done));
        }());
    } catch (const std::exception& e) {
        out.error(e.what());
    }
    out.walk_finished = true;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (opts.stats_json) std::printf("%s\n", out.json(seconds).c_str());
    if (out.errors() > 0) {
        std::fprintf(stderr, "ucopy: %llu error%s; the rest was copied\n",
                     static_cast<unsigned long long>(out.errors()), out.errors() == 1 ? "" : "s");
        return exit_copy_errors;
    }
    return exit_ok;
}

}  // namespace ucopy
