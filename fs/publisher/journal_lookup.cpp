// The walk asks the journal (journal.hpp) about one listing batch at a time.
#include "uio/fs/engine.hpp"

namespace uio::fs {

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

}  // namespace uio::fs
