// journal_lookup: the walk asks the journal (journal.hpp) about one listing batch at a time,
// so memory stays bounded whatever the journal's size. Only regular files that already
// exist in the destination with the source's size can be skipped; those the journal has as
// done get raw_entry::journaled.
#pragma once

#include <vector>

#include <uio/core/task.hpp>

#include "uio/fs/publisher/journal.hpp"
#include "uio/fs/walker/tree_walk.hpp"

namespace uio::fs {

// `batch`: entries listed in directory `node`.
uio::task<void> mark_journaled(journal& log, const dir_node& node, std::vector<raw_entry>& batch);

}  // namespace uio::fs
