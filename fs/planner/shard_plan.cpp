// The plan's two walks (blocking, one thread, through tree_walker.hpp: names sorted bytewise,
// so every rank sees one order) and the comparisons every entry goes through.
#include "uio/fs/planner/shard_plan.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "uio/fs/report.hpp"
#include "uio/fs/walker/fd_holder.hpp"
#include "uio/fs/walker/tree_walker.hpp"

namespace uio::fs {

int compare_tree_paths(const std::string& a, const std::string& b) noexcept {
    // '/' ends a component, so it sorts before every byte a name can hold.
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (a[i] == b[i]) continue;
        const int x = a[i] == '/' ? 0 : static_cast<unsigned char>(a[i]);
        const int y = b[i] == '/' ? 0 : static_cast<unsigned char>(b[i]);
        return x < y ? -1 : 1;
    }
    return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

namespace {

// Both walks: the tree, its filters, and what each entry weighs.
class plan_walk {
  public:
    plan_walk(const std::string& root, const filter_rules& filters, bool links,
              std::map<std::pair<dev_t, ino_t>, link_group>& leaders)
        : root_(root.empty() || root.back() == '/' ? root : root + "/"),
          filters_(filters),
          links_(links),
          leaders_(leaders) {}

    // Pass 1: the whole tree's weight. A hard-linked inode's other names weigh nothing where
    // they are: their entry weight is moved to the leader (and every directory above it),
    // whose shard links them.
    std::uint64_t weigh_tree(int root_fd) {
        weigher pass{*this};
        tree_walker(settings(), pass).walk({root_fd, -1});
        std::uint64_t total = pass.total;
        for (const auto& [key, group] : leaders_) {
            const std::uint64_t carried = carried_weight(group);
            if (carried == 0) continue;
            total += carried;
            std::string dir = group.leader;
            do {
                const std::size_t slash = dir.rfind('/');
                dir = slash == std::string::npos ? std::string() : dir.substr(0, slash);
                directories_.at(dir) += carried;
            } while (!dir.empty());
        }
        return total;
    }

    // Pass 2: the cuts at `boundaries`, reading only the directories they fall in.
    void place(int root_fd, const std::vector<std::uint64_t>& boundaries,
               std::vector<shard_cut>& cuts, std::vector<std::uint64_t>& positions) {
        placer pass{*this, boundaries, cuts, positions};
        tree_walker(settings(), pass).walk({root_fd, -1});
    }

  private:
    // Every directory's weight (its children's), remembered by path: a sum per directory
    // open, finished when the walk leaves it.
    struct weigher final : tree_visitor {
        plan_walk& plan;
        std::vector<std::uint64_t> sums{};
        std::uint64_t total = 0;

        explicit weigher(plan_walk& p) : plan(p) {}

        void enter(const walk_dir&) override { sums.push_back(0); }
        void leave(const walk_dir& dir) override {
            const std::uint64_t sum = sums.back();
            sums.pop_back();
            plan.directories_[dir.path] = sum;
            if (sums.empty()) {
                total = sum;
            } else {
                sums.back() += shard_plan::entry_weight + sum;
            }
        }
        step visit(const walk_dir&, const walk_name& c) override {
            plan.check_stat(c);
            const struct stat& st = c.st[0];
            if (S_ISDIR(st.st_mode)) return step::descend;
            if (plan.hard_linked(st)) {
                auto [it, first] =
                    plan.leaders_.try_emplace({st.st_dev, st.st_ino}, link_group{c.path, {}});
                if (!first) {
                    it->second.others.push_back(c.path);  // weighs with its leader
                    return step::skip;
                }
            }
            sums.back() += weight(st);
            return step::skip;
        }
        void unreadable(const walk_failure& failure) override { plan.fail_on(failure); }
    };

    // The stream position `at` advances over each entry in walk order; a directory no cut
    // falls in is skipped whole (its weight is known from pass 1).
    struct placer final : tree_visitor {
        plan_walk& plan;
        const std::vector<std::uint64_t>& boundaries;
        std::vector<shard_cut>& cuts;
        std::vector<std::uint64_t>& positions;
        std::uint64_t at = 0;

        placer(plan_walk& p, const std::vector<std::uint64_t>& b, std::vector<shard_cut>& c,
               std::vector<std::uint64_t>& positions_)
            : plan(p), boundaries(b), cuts(c), positions(positions_) {}

        step visit(const walk_dir&, const walk_name& c) override {
            if (cuts.size() == boundaries.size()) return step::stop;
            plan.check_stat(c);
            const struct stat& st = c.st[0];
            const std::string& p = c.path;
            const link_group* group =
                plan.hard_linked(st) ? &plan.leaders_.at({st.st_dev, st.st_ino}) : nullptr;
            const bool later_link = group && group->leader != p;
            // Where a file's data starts in the stream: after its entry weight and the weight
            // its other names carried to it.
            const std::uint64_t header =
                shard_plan::entry_weight + (group && !later_link ? carried_weight(*group) : 0);
            const std::uint64_t w = S_ISDIR(st.st_mode)
                                        ? shard_plan::entry_weight + plan.directories_.at(p)
                                    : later_link ? 0
                                                 : header + data_bytes(st);
            auto next = [&] { return boundaries[cuts.size()]; };
            if (next() >= at + w) {
                at += w;
                return step::skip;
            }
            if (S_ISDIR(st.st_mode)) {
                while (cuts.size() < boundaries.size() && next() < at + shard_plan::entry_weight) {
                    cuts.push_back({p, 0});
                    positions.push_back(at);
                }
                at += shard_plan::entry_weight;
                if (cuts.size() < boundaries.size() && next() < at + plan.directories_.at(p)) {
                    return step::descend;
                }
                at += plan.directories_.at(p);
                return step::skip;
            }
            const auto size = static_cast<std::uint64_t>(st.st_size);
            const bool splittable = S_ISREG(st.st_mode) && !later_link &&
                                    size >= shard_plan::min_split && data_bytes(st) > 0;
            while (cuts.size() < boundaries.size() && next() < at + w) {
                std::uint64_t offset = 0;
                if (splittable && next() > at + header) {
                    // Weight to offset: linear, stretched over a sparse file's holes.
                    const std::uint64_t into = next() - at - header;
                    const std::uint64_t data = data_bytes(st);
                    const auto scaled = static_cast<std::uint64_t>(static_cast<long double>(into) *
                                                                   static_cast<long double>(size) /
                                                                   static_cast<long double>(data));
                    offset = scaled / shard_plan::split_alignment * shard_plan::split_alignment;
                }
                cuts.push_back({p, offset});
                positions.push_back(offset == 0 ? at : at + header + offset);
            }
            at += w;
            return step::skip;
        }
        void unreadable(const walk_failure& failure) override { plan.fail_on(failure); }
    };

    // Sorted bytewise (the plan is the same on every rank), stat'ed, filtered.
    walk_settings settings() const {
        walk_settings one_tree;
        one_tree.filters = &filters_;
        return one_tree;
    }
    // The plan cannot be made without every entry's size: the first failure ends it.
    void check_stat(const walk_name& c) const {
        if (c.stat_error[0] != 0) fail("cannot stat " + quote(root_ + c.path), c.stat_error[0]);
    }
    [[noreturn]] void fail_on(const walk_failure& failure) const {
        throw copy_error(failure_message(failure, display(failure.path)), failure.error);
    }
    std::string display(const std::string& path) const {
        return path.empty() ? root_ : root_ + path + "/";
    }
    bool hard_linked(const struct stat& st) const {
        return links_ && S_ISREG(st.st_mode) && st.st_nlink > 1;
    }
    // A sparse file weighs what it holds: its holes cost nothing to copy.
    static std::uint64_t data_bytes(const struct stat& st) {
        if (!S_ISREG(st.st_mode)) return 0;
        return std::min(static_cast<std::uint64_t>(st.st_size),
                        static_cast<std::uint64_t>(st.st_blocks) * 512);
    }
    static std::uint64_t weight(const struct stat& st) {
        return shard_plan::entry_weight + data_bytes(st);
    }
    static std::uint64_t carried_weight(const link_group& group) {
        return group.others.size() * shard_plan::entry_weight;
    }

    std::string root_;
    const filter_rules& filters_;
    bool links_;
    std::map<std::pair<dev_t, ino_t>, link_group>& leaders_;
    std::unordered_map<std::string, std::uint64_t> directories_;
};

}  // namespace

shard_plan shard_plan::make(const std::string& root, unsigned index, unsigned count,
                            const filter_rules& filters, bool links) {
    shard_plan plan;
    plan.index_ = index;
    plan.count_ = count;
    // The root may be a symlink to the tree (only what is below it is never followed).
    fd_holder top{::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (top.fd < 0) fail("cannot open directory " + quote(root), errno);
    plan_walk walk(root, filters, links, plan.leaders_);
    plan.total_ = walk.weigh_tree(top.fd);
    std::vector<std::uint64_t> boundaries;
    for (unsigned k = 1; k < count; ++k) {
        // total * k / count without overflow.
        boundaries.push_back(plan.total_ / count * k + plan.total_ % count * k / count);
    }
    walk.place(top.fd, boundaries, plan.cuts_, plan.cut_positions_);
    return plan;
}

byte_range shard_plan::range(const std::string& path, std::uint64_t size, unsigned shard) const {
    // Where a cut falls in this file: before it (0), after it (size), or inside.
    auto position = [&](std::size_t cut) -> std::uint64_t {
        if (cut >= cuts_.size()) return size;  // a cut the tree was too small to place
        const int c = compare_tree_paths(cuts_[cut].path, path);
        return c < 0 ? 0 : c > 0 ? size : std::min(cuts_[cut].offset, size);
    };
    const std::uint64_t begin = shard == 0 ? 0 : position(shard - 1);
    const std::uint64_t end = shard + 1 == count_ ? size : position(shard);
    return {begin, end};
}

std::string shard_plan::leader(dev_t dev, ino_t ino) const {
    auto it = leaders_.find({dev, ino});
    return it == leaders_.end() ? std::string() : it->second.leader;
}

std::vector<std::string> shard_plan::other_names(dev_t dev, ino_t ino) const {
    auto it = leaders_.find({dev, ino});
    return it == leaders_.end() ? std::vector<std::string>() : it->second.others;
}

bool shard_plan::outside(const std::string& directory) const {
    if (!leaders_.empty() || count_ == 1) return false;
    // Ends at or before the directory itself (a cut is never inside a directory).
    if (index_ + 1 < count_ && index_ < cuts_.size() &&
        compare_tree_paths(cuts_[index_].path, directory) <= 0) {
        return true;
    }
    if (index_ == 0) return false;
    if (index_ - 1 >= cuts_.size()) return true;  // starts past the end of the tree
    const std::string& from = cuts_[index_ - 1].path;
    const bool below =
        directory.empty() || (from.size() > directory.size() && from[directory.size()] == '/' &&
                              from.compare(0, directory.size(), directory) == 0);
    return !below && compare_tree_paths(from, directory) > 0;
}

bool shard_plan::split(const std::string& path, std::uint64_t size) const {
    if (size < min_split) return false;
    auto it = std::lower_bound(cuts_.begin(), cuts_.end(), path,
                               [](const shard_cut& cut, const std::string& p) {
                                   return compare_tree_paths(cut.path, p) < 0;
                               });
    for (; it != cuts_.end() && it->path == path; ++it) {
        if (it->offset > 0 && it->offset < size) return true;
    }
    return false;
}

std::vector<std::uint64_t> shard_plan::shard_weights() const {
    std::vector<std::uint64_t> weights;
    std::uint64_t from = 0;
    for (unsigned k = 0; k < count_; ++k) {
        const std::uint64_t to = k < cut_positions_.size() ? cut_positions_[k] : total_;
        weights.push_back(to - std::min(from, to));
        from = std::max(from, to);
    }
    return weights;
}

std::vector<std::string> shard_plan::split_paths() const {
    std::vector<std::string> paths;
    for (const shard_cut& cut : cuts_) {
        if (cut.offset > 0 && (paths.empty() || paths.back() != cut.path)) {
            paths.push_back(cut.path);
        }
    }
    return paths;
}

std::string part_name(const std::string& final_name) {
    char text[40];
    std::snprintf(text, sizeof text, ".ucopy-part-%016llx",
                  static_cast<unsigned long long>(XXH64(final_name.data(), final_name.size(), 0)));
    return text;
}

std::string range_marker(const std::string& part, ino_t ino, unsigned shard) {
    return part + "-" + std::to_string(ino) + "-" + std::to_string(shard) + ".done";
}

}  // namespace uio::fs
