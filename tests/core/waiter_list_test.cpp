// detail::waiter_list: the one intrusive FIFO (channel, semaphore, pg::pool, io_context's
// queue of requests waiting for room).
#include "uio/core/detail/waiter_list.hpp"

#include <vector>

#include "test_support.hpp"

namespace {

struct node : uio::detail::waiter_list<node>::hook {
    explicit node(int v) : value(v) {}
    int value;
};

std::vector<int> drain(uio::detail::waiter_list<node>& list) {
    std::vector<int> out;
    while (node* n = list.pop_front()) {
        CHECK_FALSE(n->linked());
        out.push_back(n->value);
    }
    return out;
}

}  // namespace

TEST_CASE("waiter_list keeps arrival order, removes from the middle, and puts back in front") {
    uio::detail::waiter_list<node> list;
    node a(1), b(2), c(3), d(4);
    CHECK(list.empty());
    for (node* n : {&a, &b, &c, &d}) list.push_back(n);
    CHECK(list.size() == 4);
    CHECK(list.front() == &a);
    list.remove(&b);  // a cancelled waiter
    list.remove(&b);  // twice is harmless
    CHECK_FALSE(b.linked());
    CHECK(list.size() == 3);
    node* first = list.pop_front();
    CHECK(first == &a);
    list.push_front(first);  // could not be served after all: keeps its turn
    list.remove(&d);         // the tail
    CHECK(drain(list) == std::vector<int>{1, 3});
    CHECK(list.empty());
    CHECK(list.size() == 0);
    list.push_back(&d);
    CHECK(list.front() == &d);
    CHECK(drain(list) == std::vector<int>{4});
}
