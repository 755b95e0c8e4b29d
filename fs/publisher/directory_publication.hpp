// directory_publication: the publisher of directories. A directory is finished when its last
// child is (dir_node::pending): metadata applied, synced if asked, and the top of a staging
// tree renamed to its final name. It also knows the staging tops not yet published, so a run
// that ends early removes them (remove_unpublished) instead of leaving temporaries behind.
// Loop thread only.
#pragma once

#include <unistd.h>

#include <memory>
#include <set>
#include <string>

#include "uio/fs/options.hpp"
#include "uio/fs/publisher/metadata.hpp"
#include "uio/fs/report.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

class directory_publisher {
  public:
    // `sharded`: other shards may still be writing; the last one finishes (shard_finish.hpp).
    directory_publisher(const options& opts, report& out, const metadata_context& meta,
                        bool sharded)
        : opts_(opts), out_(out), meta_(meta), sharded_(sharded), euid_(::geteuid()) {}

    // `parent`'s child made under the temporary name `stage_name`: the top of a staging tree.
    void staged(const dir_node& parent, const std::string& stage_name);
    // A read-only existing destination directory gets its owner's write bit until it is
    // finished (dir_node::write_lifted); root writes anyway.
    void lift_write(dir_node& node);
    // One child of `node` is done: finishes it, and its parents in turn, when it was the last.
    void release(std::shared_ptr<dir_node> node);
    // The run ended early: the staging trees never published go (a library caller's process
    // lives on, so no later run's sweep would remove them).
    void remove_unpublished();

  private:
    void finalize(dir_node& node);
    void publish(dir_node& node);

    const options& opts_;
    report& out_;
    const metadata_context& meta_;
    bool sharded_;
    uid_t euid_;
    std::set<std::string> unpublished_;  // by path, as the walk names them
};

}  // namespace uio::fs
