// One listing batch against the journal (journal_lookup.hpp).
#include "uio/fs/publisher/journal_lookup.hpp"

#include <sys/stat.h>

namespace uio::fs {

uio::task<void> mark_journaled(journal& log, const dir_node& node, std::vector<raw_entry>& batch) {
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
    co_await log.lookup(queries);
    for (std::size_t i = 0; i < asked.size(); ++i) batch[asked[i]].journaled = queries[i].done;
}

}  // namespace uio::fs
