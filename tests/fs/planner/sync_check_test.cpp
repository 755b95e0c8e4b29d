// sync_check: the quick check's verdict from two stats, and rsync's %i lines.
#include <catch2/catch.hpp>

#include "uio/fs/planner/sync_check.hpp"

using namespace uio::fs;

namespace {

struct stat file_stat(off_t size, time_t mtime, mode_t mode = 0644) {
    struct stat st {};
    st.st_mode = S_IFREG | mode;
    st.st_size = size;
    st.st_mtim.tv_sec = mtime;
    return st;
}

}  // namespace

TEST_CASE("the quick check compares type, size and the preserved attributes") {
    const preserve_set all{true, true, true, true, true};
    const struct stat a = file_stat(10, 100);
    CHECK_FALSE(quick_check(a, a, all).needs_copy(false));
    CHECK_FALSE(quick_check(a, a, all).metadata());

    struct stat bigger = file_stat(11, 100);
    CHECK(quick_check(a, bigger, all).size);
    CHECK(quick_check(a, bigger, all).needs_copy(true));

    struct stat later = file_stat(10, 200);
    CHECK(quick_check(a, later, all).needs_copy(false));       // mtime differs: copy
    CHECK_FALSE(quick_check(a, later, all).needs_copy(true));  // --checksum decides instead
    CHECK_FALSE(quick_check(a, later, preserve_set{}).time);   // times not preserved

    struct stat mode = file_stat(10, 100, 0600);
    entry_changes c = quick_check(a, mode, all);
    CHECK(c.perms);
    CHECK_FALSE(c.needs_copy(false));
    CHECK(c.metadata());

    struct stat link = a;
    link.st_mode = S_IFLNK | 0777;
    CHECK(quick_check(a, link, all).type);
}

TEST_CASE("xattrs are compared when the source's ctime is not older than the mirror's") {
    struct stat source = file_stat(10, 100), mirror = file_stat(10, 100);
    source.st_ctim = {500, 10};
    mirror.st_ctim = {500, 11};  // written after the source last changed
    CHECK_FALSE(xattrs_worth_comparing(source, mirror, false));
    CHECK(xattrs_worth_comparing(source, mirror, true));  // -X, --checksum: always
    source.st_ctim = {500, 11};                           // same instant: cannot tell
    CHECK(xattrs_worth_comparing(source, mirror, false));
    source.st_ctim = {501, 0};  // an xattr (or anything else) changed since
    CHECK(xattrs_worth_comparing(source, mirror, false));
}

TEST_CASE("itemized lines follow rsync's %i columns") {
    const struct stat a = file_stat(10, 100);
    entry_changes c;
    CHECK(itemize('>', a, c, true, "new") == ">f+++++++++ new");
    c.size = c.time = true;
    CHECK(itemize('>', a, c, false, "d/x") == ">f.st...... d/x");
    entry_changes meta;
    meta.perms = meta.owner = meta.group = meta.xattrs = true;
    CHECK(itemize('.', a, meta, false, "m") == ".f...pog..x m");
    struct stat dir = a;
    dir.st_mode = S_IFDIR | 0755;
    CHECK(itemize('c', dir, {}, true, "sub/") == "cd+++++++++ sub/");
    CHECK(itemize_deletion("gone/") == "*deleting   gone/");
    CHECK(itemize_deletion("new\nline/\377") == "*deleting   new\\#012line/\\#377");
}
