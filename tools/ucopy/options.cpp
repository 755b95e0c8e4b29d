// cp's command line, rebuilt on CLI11: short options cluster (-av), --preserve takes cp's
// list, and every usage mistake exits 2 with one line on stderr (an --exclude-from file
// that cannot be read is an I/O error: exit 1).
#include "options.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string_view>

#include "command_line_app.hpp"
#include "uio/fs/mover/writeback_threshold.hpp"
#include "uio/fs/planner/filter_rules.hpp"

namespace ucopy {

using namespace uio::fs;  // the options struct and its parts

namespace {

constexpr const char* version_text = "ucopy " UIO_VERSION " (uio)";

constexpr const char* footer = R"(
Semantics follow cp:
  ucopy FILE NEWNAME        copy FILE to NEWNAME (replacing it if it exists)
  ucopy FILE... DIR         copy each FILE into the existing directory DIR
  ucopy -r DIR NEWDIR       copy DIR as NEWDIR (NEWDIR does not exist)
  ucopy -r DIR EXISTINGDIR  copy DIR into EXISTINGDIR/DIR's basename
Every file is written under a hidden temporary name (.ucopy-*.tmp) in its destination
directory and renamed into place when complete; a rerun removes leftovers of a crash.

With --sync, paths are read as rsync reads them (SRC/ is SRC's contents, SRC goes into
DEST/SRC), so every run of one command gives the same tree.)";

using uio::error_kind;

constexpr uio::cli_doc::exit_status exit_table[] = {
    {0, "all copied"},
    {uio::exit_code(error_kind::io),
     "some entries could not be copied (each reported, the rest copied), or a file the command"
     " line names (--exclude-from, --journal) could not be read"},
    {uio::exit_code(error_kind::usage), "usage error"},
    {exit_code(rsync_status::partial_transfer),
     "with --sync, instead of 1: partial transfer (some entries failed, each reported)"},
    {exit_code(rsync_status::vanished), "only that some source files vanished during the run"},
    {exit_code(rsync_status::max_delete), "with --sync: --max-delete stopped deletions"},
    {uio::exit_code(error_kind::internal), "internal error (a bug in ucopy)"},
};

bool parse_preserve_list(const std::string& list, preserve_set& p, std::string& bad) {
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (item == "mode")
            p.mode = true;
        else if (item == "ownership")
            p.ownership = true;
        else if (item == "timestamps")
            p.timestamps = true;
        else if (item == "xattr")
            p.xattr = true;
        else if (item == "links")
            p.links = true;
        else if (item == "all")
            p = {true, true, true, true, true};
        else if (item == "context") {  // SELinux labels: nothing to do without SELinux
        } else {
            bad = item;
            return false;
        }
    }
    return true;
}

// "K/N" with 0 <= K < N.
bool parse_shard(const std::string& text, unsigned& index, unsigned& count) {
    unsigned k = 0, n = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%u/%u%c", &k, &n, &tail) != 2 || n == 0 || k >= n) {
        return false;
    }
    index = k;
    count = n;
    return true;
}

// A launcher that starts N copies of a program tells each its rank and the size in the
// environment: Open MPI's mpirun, PMI (MPICH, Hydra, Slurm's --mpi=pmi2), Slurm's srun. No
// MPI library is needed to read them. Returns what is wrong ("" when nothing): a rank
// without its size or a size without its rank, nonsense, or two launchers that disagree —
// each would otherwise have every rank copy the whole tree, or the shards overlap.
// mpirun inside a Slurm allocation is the usual nesting: its ranks inherit the job's
// SLURM_PROCID/SLURM_NTASKS (0/N in a batch script), so an MPI launcher's variables, the
// innermost, make Slurm's ignored; only the MPI launchers must agree with each other.
std::string launcher_shard(unsigned& index, unsigned& count, bool& found) {
    static constexpr std::pair<const char*, const char*> known[] = {
        {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
        {"PMI_RANK", "PMI_SIZE"},
        {"SLURM_PROCID", "SLURM_NTASKS"},
    };
    std::string from;  // the variables K/N came from
    for (const auto& [rank, size] : known) {
        const char* r = std::getenv(rank);
        const char* s = std::getenv(size);
        const std::string pair = std::string(rank) + "/" + size;
        if (!r && !s) continue;
        if (found && std::string_view(rank) == "SLURM_PROCID") break;  // mpirun in a Slurm job
        if (!r || !s) {
            return std::string(r ? rank : size) + " is set but " + (r ? size : rank) +
                   " is not: give --shard K/N";
        }
        const std::string given = std::string(r) + "/" + s;
        unsigned k = 0, n = 0;
        if (!parse_shard(given, k, n)) {
            return pair + " = " + given + " is not a shard (rank < size): give --shard K/N";
        }
        if (from.empty()) {
            index = k;
            count = n;
            from = pair + " = " + given;
            found = true;
        } else if (k != index || n != count) {
            return from + " and " + pair + " = " + given + " disagree: give --shard K/N";
        }
    }
    return {};
}

}  // namespace

namespace {

// Everything ucopy's command line sets, and the CLI::App that sets it: the one option table,
// which parse_command_line parses with and tools/cli_doc turns into the man page and the
// shell completions. Not movable: the app holds references to the members.
struct command_line {
    options o;
    bool archive = false, preserve_basic = false, no_dereference = false, version = false;
    bool recursive_upper = false, no_progress = false, no_chains = false;
    std::vector<std::string> preserve_lists;
    std::string sparse = "auto", reflink = "auto", stats, strategy_name = "auto";
    std::vector<std::string> operands;
    // rsync's letters for what -a already keeps (rsync's -a does not): accepted, no-ops after -a.
    bool hard_links = false, xattrs = false, sparse_upper = false;
    std::vector<std::string> excludes, includes, rules, exclude_files;
    std::string shard;
    CLI::App app{"ucopy: copy files and trees with io_uring, as faithfully as cp -a", "ucopy"};
    CLI::Option* exclude_option = nullptr;
    CLI::Option* include_option = nullptr;
    CLI::Option* filter_option = nullptr;
    CLI::Option* exclude_from_option = nullptr;

    command_line() {
        app.footer(std::string(footer) + "\n\n" +
                   uio::cli_doc::exit_status_help(exit_codes(), exit_codes_note));
        app.add_flag("-a,--archive", archive, "same as -dR --preserve=all");
        app.add_flag("-r", o.recursive, "copy directories recursively");
        app.add_flag("-R,--recursive", recursive_upper, "same as -r");
        app.add_flag("-p", preserve_basic, "same as --preserve=mode,ownership,timestamps");
        app.add_option("--preserve", preserve_lists,
                       "preserve these attributes: mode,ownership,timestamps,xattr,links,all")
            ->expected(0, 1)
            ->allow_extra_args(false)
            ->default_str("mode,ownership,timestamps");
        app.add_flag("-H,--hard-links", hard_links,
                     "keep hard links (rsync's -H; part of -a, as --preserve=links)");
        app.add_flag("-X,--xattrs", xattrs,
                     "keep extended attributes (rsync's -X; part of -a, as --preserve=xattr); with"
                     " --sync, compare the xattrs of every file on both sides (-a alone compares"
                     " them only where the source's ctime is not older than its mirror's)");
        app.add_flag("-S", sparse_upper, "same as --sparse=always (rsync's -S)");
        app.add_flag("-x,--one-file-system", o.one_file_system,
                     "do not cross file systems: a directory on another one is copied empty, and"
                     " --delete leaves destination directories on other file systems alone");
        app.add_flag("-q,--quiet", o.quiet, "print no -v, -i or progress output; errors still");
        app.add_flag("-L,--dereference", o.dereference, "always follow symbolic links in SOURCE");
        app.add_flag("-P,--no-dereference", no_dereference,
                     "never follow symbolic links in SOURCE");
        app.add_flag("-d", no_dereference, "same as --no-dereference --preserve=links")
            ->each([&](const std::string&) { o.preserve.links = true; });
        app.add_flag("-n,--no-clobber", o.no_clobber, "do not overwrite an existing file");
        app.add_flag("-u,--update", o.update,
                     "copy only when SOURCE is newer than the destination file or it is missing");
        app.add_option("--sparse", sparse, "keep holes: auto (like the source), always, never")
            ->check(CLI::IsMember({"auto", "always", "never"}));
        app.add_option("--reflink", reflink, "clone extents (copy-on-write): auto, always, never")
            ->check(CLI::IsMember({"auto", "always", "never"}))
            ->expected(0, 1)
            ->default_str("always");
        exclude_option =
            app.add_option("--exclude", excludes,
                           "skip entries matching PATTERN (rsync's rules: a name at any depth,"
                           " a path if it has '/', a directory if it ends in '/', ** across"
                           " directories; repeatable)")
                ->allow_extra_args(false);
        include_option =
            app.add_option("--include", includes, "do not exclude entries matching PATTERN")
                ->allow_extra_args(false);
        filter_option = app.add_option("-f,--filter", rules,
                                       "a rule: '+ PATTERN' or '- PATTERN'; first match wins")
                            ->allow_extra_args(false);
        exclude_from_option =
            app.add_option("--exclude-from", exclude_files, "read exclude patterns from FILE")
                ->allow_extra_args(false);
        app.add_flag("--sync", o.sync,
                     "make DEST a mirror: skip files of the same size and mtime, fix metadata in"
                     " place, copy the rest (xattrs: see -X). Paths as rsync reads them, the same "
                     "on every run:"
                     " SRC/ copies SRC's contents into DEST, SRC copies it as DEST/SRC (DEST is"
                     " made if missing)");
        app.add_flag("-c,--checksum", o.checksum,
                     "with --sync or --check: compare contents, not size and mtime (and, with"
                     " --sync, every file's xattrs, as -X)");
        app.add_flag("--check", o.check,
                     "copy nothing: print every difference between SRC and DEST (type, size, mtime,"
                     " mode, owner, xattrs, links; contents with --checksum); exit 1 if any");
        app.add_flag("--shard-plan", o.shard_plan_only,
                     "with --shard K/N: print the weight (bytes + 4 KiB per entry) of each of the N"
                     " shards as JSON, copy nothing");
        app.add_option("--shard", shard,
                       "copy only shard K of N (0 <= K < N) of the tree; N shards anywhere together"
                       " copy all of it (default: the launcher's rank and size, if any)");
        app.add_flag(
            "--delete", o.delete_extraneous,
            "with --sync: delete entries DEST has and SRC lacks, after a copy without errors");
        app.add_flag("--delete-excluded", o.delete_excluded,
                     "also delete excluded entries from DEST");
        app.add_flag("--delete-all-ok", o.delete_all_ok,
                     "with --delete: let an empty source directory empty its mirror (refused"
                     " otherwise)");
        app.add_option("--max-delete", o.max_delete, "delete at most N entries")
            ->check(CLI::Range(std::uint64_t{0}, UINT64_MAX));
        app.add_option(
            "--backup-dir", o.backup_dir,
            "with --sync: move replaced and deleted entries into DIR (relative: to DEST)");
        app.add_flag("-i,--itemize-changes", o.itemize,
                     "print one line per change (rsync's format)");
        app.add_flag("--dry-run", o.dry_run, "show what would be copied; change nothing");
        app.add_flag("-v,--verbose", o.verbose, "explain what is being done");
        app.add_flag("-V,--version", version, "print the version and exit");
        app.add_flag("--verify", o.verify,
                     "hash every file (XXH3-128) as it streams, re-read the copy and compare");
        app.add_option(
            "--journal", o.journal_path,
            "SQLite journal of finished files; a rerun skips what is done and unchanged");
        app.add_flag("--progress", o.progress, "show progress on stderr (default when a terminal)");
        app.add_flag("--no-progress", no_progress, "never show progress");
        app.add_option("--stats", stats, "print totals at the end on stdout: json")
            ->check(CLI::IsMember({"json"}));
        app.add_option("-j,--jobs", o.threads, "worker threads for blocking calls (0: per core)")
            ->check(CLI::Range(0u, 256u));
        app.add_option("--queue-depth", o.queue_depth, "files in flight at once")
            ->check(CLI::Range(1u, 4096u));
        app.add_option("--walkers", o.walkers, "directories walked at once")
            ->check(CLI::Range(1u, 256u));
        app.add_flag("--no-staging", o.no_staging,
                     "publish each file when done instead of each new directory when complete"
                     " (implied by --journal)");
        app.add_option("--block-size", o.block_size, "bytes per read/write chunk")
            ->transform(CLI::AsSizeValue(false))
            ->check(CLI::Range(std::size_t{4096}, std::size_t{64} << 20));
        app.add_option("--strategy", strategy_name,
                       "data path: auto, read-write (io_uring), direct (io_uring, O_DIRECT writes),"
                       " copy-file-range (kernel)")
            ->check(CLI::IsMember({"auto", "read-write", "direct", "copy-file-range"}));
        app.add_flag("--no-chains", no_chains,
                     "copy small files one request at a time instead of as linked chains");
        app.add_option("--chain-threads", o.chain_threads,
                       "threads running linked chains of small files (0: one per core)")
            ->check(CLI::Range(0u, 64u));
        app.add_option("--chain-depth", o.chain_depth, "small files in flight per chain thread")
            ->check(CLI::Range(1u, 1024u));
        app.add_option("--chain-max", o.chain_max, "largest file copied as a linked chain")
            ->transform(CLI::AsSizeValue(false))
            ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
        app.add_flag("--fsync", o.fsync, "make data and directory entries durable (fsync)");
        app.add_option("operands", operands, "SOURCE... DEST");
    }
    command_line(const command_line&) = delete;
    command_line& operator=(const command_line&) = delete;

    parse_outcome parse(int argc, char** argv);
};

parse_outcome command_line::parse(int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), stdout);
        return {std::nullopt, 0};
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "ucopy: %s\nTry 'ucopy --help' for more information.\n", e.what());
        return {std::nullopt, uio::exit_code(error_kind::usage)};
    }
    if (version) {
        std::puts(version_text);
        return {std::nullopt, 0};
    }
    auto usage = [](const std::string& message) {
        std::fprintf(stderr, "ucopy: %s\nTry 'ucopy --help' for more information.\n",
                     message.c_str());
        return parse_outcome{std::nullopt, uio::exit_code(error_kind::usage)};
    };
    if (operands.empty()) return usage("missing file operand");
    if (operands.size() == 1) {
        return usage("missing destination file operand after '" + operands[0] + "'");
    }
    if (o.dereference && no_dereference) return usage("-L and -P are mutually exclusive");
    // The filters in the order they were given: parse_order lists each occurrence.
    {
        std::map<const CLI::Option*, std::pair<std::vector<std::string>*, filter_arg::kind>> lists =
            {{exclude_option, {&excludes, filter_arg::kind::exclude}},
             {include_option, {&includes, filter_arg::kind::include}},
             {filter_option, {&rules, filter_arg::kind::rule}},
             {exclude_from_option, {&exclude_files, filter_arg::kind::exclude_from}}};
        std::map<const CLI::Option*, std::size_t> next;
        for (const CLI::Option* given : app.parse_order()) {
            auto it = lists.find(given);
            if (it == lists.end()) continue;
            std::size_t& at = next[given];
            if (at < it->second.first->size()) {
                o.filters.push_back({it->second.second, (*it->second.first)[at++]});
            }
        }
    }
    try {
        (void)make_filter_rules(o.filters);
    } catch (const uio::usage_error& e) {
        return usage(e.what());
    } catch (const std::exception& e) {
        // Not the command line's fault: an --exclude-from file that cannot be read (an I/O
        // error, naming the file and errno's text).
        std::fprintf(stderr, "%s\n", uio::failure_message("ucopy", e).c_str());
        return {std::nullopt, uio::exit_code(uio::kind_of(e))};
    }
    const bool needs_sync = o.checksum || o.delete_extraneous || o.delete_excluded ||
                            o.delete_all_ok || o.max_delete || !o.backup_dir.empty();
    if (o.check) {
        if (operands.size() != 2) return usage("--check compares one SOURCE with one DEST");
        if (o.sync || o.dry_run || !shard.empty()) {
            return usage("--check copies nothing: no --sync, --dry-run or --shard");
        }
        o.stats_json = stats == "json";
        o.sources = {operands[0]};
        o.destination = operands[1];
        return {std::move(o), 0};
    }
    bool launched = false;  // K/N from a launcher's environment
    if (!shard.empty()) {
        if (!parse_shard(shard, o.shard_index, o.shard_count)) {
            return usage("invalid argument '" + shard + "' for '--shard' (K/N, 0 <= K < N)");
        }
    } else if (std::string wrong = launcher_shard(o.shard_index, o.shard_count, launched);
               !wrong.empty()) {
        return usage(wrong);
    } else if (o.shard_plan_only && !launched) {
        return usage("--shard-plan goes with --shard K/N (or a launcher's rank and size)");
    }
    if (o.shard_count > 1) {
        if (o.sync || o.dry_run) return usage("--shard copies: no --sync or --dry-run");
        if (operands.size() != 2) return usage("--shard copies one SOURCE tree");
    }
    if (needs_sync && !o.sync) {
        return usage(
            "--checksum, --delete, --delete-excluded, --delete-all-ok, --max-delete and"
            " --backup-dir go with --sync");
    }
    if (o.delete_excluded) o.delete_extraneous = true;
    if (o.sync && (o.no_clobber || o.update))
        return usage("--sync decides what to copy: no -n or -u");
    if (o.sync && !o.journal_path.empty()) {
        return usage("--sync finds what is done by itself: no --journal");
    }
    if (o.no_clobber && o.update) return usage("-n and -u are mutually exclusive");

    o.recursive = o.recursive || recursive_upper || archive;
    if (archive) o.preserve = {true, true, true, true, true};
    if (hard_links) o.preserve.links = true;
    if (xattrs) o.preserve.xattr = o.every_xattr = true;
    if (o.checksum) o.every_xattr = true;
    if (preserve_basic) {
        o.preserve.mode = o.preserve.ownership = o.preserve.timestamps = true;
    }
    for (const auto& list : preserve_lists) {
        std::string bad;
        if (!parse_preserve_list(list.empty() ? "mode,ownership,timestamps" : list, o.preserve,
                                 bad)) {
            return usage("invalid argument '" + bad + "' for '--preserve'");
        }
    }
    if (app.count("--preserve") > 0 && preserve_lists.empty()) {
        o.preserve.mode = o.preserve.ownership = o.preserve.timestamps = true;
    }
    auto to_when = [](const std::string& s) {
        return s == "always" ? when::always : s == "never" ? when::never : when::automatic;
    };
    o.sparse = sparse_upper ? when::always : to_when(sparse);
    o.reflink = to_when(reflink.empty() ? "always" : reflink);
    o.data_strategy = strategy_name == "read-write"        ? strategy::read_write
                      : strategy_name == "direct"          ? strategy::direct
                      : strategy_name == "copy-file-range" ? strategy::copy_file_range
                                                           : strategy::automatic;
    o.direct_min = writeback_threshold();
    if (o.reflink == when::always && o.sparse == when::never) {
        return usage("--reflink=always cannot be combined with --sparse=never");
    }
    o.stats_json = stats == "json";
    o.chains = !no_chains;
    if (app.count("--progress") == 0 && !no_progress) o.progress = ::isatty(STDERR_FILENO) == 1;
    if (no_progress || o.quiet) o.progress = false;
    if (o.quiet) o.verbose = o.itemize = false;

    o.destination = operands.back();
    operands.pop_back();
    o.sources = std::move(operands);
    return {std::move(o), 0};
}

}  // namespace

std::span<const uio::cli_doc::exit_status> exit_codes() {
    return exit_table;
}

std::string_view help_text() {
    return footer;
}

parse_outcome parse_command_line(int argc, char** argv) {
    command_line line;
    return line.parse(argc, argv);
}

std::shared_ptr<const CLI::App> command_line_app() {
    auto line = std::make_shared<command_line>();
    return {line, &line->app};  // shares ownership of the values the options are bound to
}

}  // namespace ucopy
