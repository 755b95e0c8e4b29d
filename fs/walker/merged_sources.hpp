// merged_sources: several command-line sources synced into one DST are one mirror, as in
// rsync. Where two sources hold the same path the first one named wins (its file, its
// directory's metadata), and --delete removes only what no source holds. The engine syncs
// such sources one after another, so each pass finds in place what the earlier passes made;
// this answers, from the source trees themselves, which names the earlier sources hold (the
// later pass leaves them alone) and whether some other source holds a path (it is not
// deleted), so the result does not depend on the order the work is done in.
//
// Paths here are DST-relative: "" is DST, "a/b" an entry below it; a source whose contents
// go into DST ("SRC/") has the prefix "", one copied as DST/NAME the prefix "NAME".
// Blocking calls (stat, directory listings): use from the thread pool.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "uio/fs/planner/copy_plan.hpp"
#include "uio/fs/planner/filter_rules.hpp"

namespace uio::fs {

class merged_sources {
  public:
    // Active only for --sync with several roots; otherwise every question has no answer.
    merged_sources(const std::vector<copy_root>& roots, bool sync);

    bool active() const noexcept { return !roots_.empty(); }
    // DST-relative path of source `k`'s top.
    const std::string& prefix(std::size_t k) const { return prefixes_[k]; }
    // DST-relative path of `relative` ("" or "a/b/", as dir_node::relative) below source k.
    std::string in_dst(std::size_t k, const std::string& relative) const;

    // Whether a source before `k` holds `path`: empty if none, else whether it is a
    // directory there.
    std::optional<bool> earlier_holds(std::size_t k, const std::string& path) const;
    // The names directory `dir` holds in the sources before `k` (each with whether it is a
    // directory), those their filters exclude left out: the pass of `k` leaves them alone.
    std::unordered_map<std::string, bool> earlier_names(std::size_t k, const std::string& dir,
                                                        const filter_rules& filters) const;
    // Whether a source other than `k` holds `path` (or protects it: excluded and not
    // --delete-excluded), so that --delete keeps it.
    bool held_elsewhere(std::size_t k, const std::string& path, bool is_dir,
                        const filter_rules& filters, bool delete_excluded) const;

  private:
    // Source j's path for DST-relative `path` and the path below j's top the filters see;
    // empty when `path` is not below j's top.
    std::optional<std::string> source_path(std::size_t j, const std::string& path,
                                           std::string* below) const;

    std::vector<copy_root> roots_;
    std::vector<std::string> prefixes_;
};

}  // namespace uio::fs
