// statx_batch: every request gets statx(2)'s answer, whatever the batch size and thread.
#include "uio/uring/statx_batch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

struct named_stat {
    std::string name;
    struct statx result {};
};

// One request per name, relative to `dir_fd`.
std::vector<uio::statx_request> requests_for(std::vector<named_stat>& names, int dir_fd,
                                             int flags) {
    std::vector<uio::statx_request> requests;
    for (named_stat& n : names) requests.push_back({dir_fd, n.name.c_str(), flags, &n.result, -1});
    return requests;
}

}  // namespace

TEST_CASE("statx_batch answers as statx does: sizes, a missing name, a symlink either way") {
    uio::testing::temp_dir dir;
    std::ofstream(dir / "five") << "12345";
    std::ofstream(dir / "empty");
    REQUIRE(::symlink("five", (dir / "link").c_str()) == 0);
    const int dir_fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(dir_fd >= 0);

    std::vector<named_stat> names{{"five"}, {"empty"}, {"missing"}, {"link"}};
    std::vector<uio::statx_request> nofollow = requests_for(names, dir_fd, AT_SYMLINK_NOFOLLOW);
    uio::statx_batch(nofollow);
    CHECK(nofollow[0].error == 0);
    CHECK(names[0].result.stx_size == 5);
    CHECK(S_ISREG(names[0].result.stx_mode));
    CHECK(nofollow[1].error == 0);
    CHECK(names[1].result.stx_size == 0);
    CHECK(nofollow[2].error == ENOENT);
    CHECK(nofollow[3].error == 0);
    CHECK(S_ISLNK(names[3].result.stx_mode));

    std::vector<named_stat> link{{"link"}};
    std::vector<uio::statx_request> follow = requests_for(link, dir_fd, 0);
    uio::statx_batch(follow);
    CHECK(follow[0].error == 0);
    CHECK(S_ISREG(link[0].result.stx_mode));
    CHECK(link[0].result.stx_size == 5);
    ::close(dir_fd);
}

TEST_CASE("statx_batch takes batches larger than its ring, from several threads at once") {
    uio::testing::temp_dir dir;
    constexpr int files = 1500;  // about three rings' worth
    for (int i = 0; i < files; ++i) {
        std::ofstream(dir / ("f" + std::to_string(i)))
            << std::string(static_cast<std::size_t>(i), 'x');
    }
    const int dir_fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(dir_fd >= 0);

    // Each thread stats every file (and one missing name) on its own ring, twice: the second
    // batch reuses the ring the first made.
    std::vector<int> wrong(3, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&, t] {
            for (int round = 0; round < 2; ++round) {
                std::vector<named_stat> names;
                for (int i = 0; i < files; ++i) names.push_back({"f" + std::to_string(i)});
                names.push_back({"none"});
                std::vector<uio::statx_request> requests =
                    requests_for(names, dir_fd, AT_SYMLINK_NOFOLLOW);
                uio::statx_batch(requests);
                for (int i = 0; i < files; ++i) {
                    if (requests[i].error != 0 ||
                        names[i].result.stx_size != static_cast<std::uint64_t>(i)) {
                        ++wrong[t];
                    }
                }
                if (requests.back().error != ENOENT) ++wrong[t];
            }
        });
    }
    for (std::thread& t : threads) t.join();
    CHECK(wrong == std::vector<int>(3, 0));
    ::close(dir_fd);
}
