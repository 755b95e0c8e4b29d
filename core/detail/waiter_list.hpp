// An intrusive FIFO of things waiting their turn: suspended coroutines in channel, semaphore
// and pg::pool, requests waiting for room in io_context's ring. O(1) push at either end, pop
// and removal from the middle (a cancelled waiter), no allocation: the node, which derives
// from waiter_list<Node>::hook, lives in the waiter (usually a coroutine frame). A node that
// derives privately befriends waiter_list<Node>.
#pragma once

#include <cstddef>

namespace uio::detail {

template <class Node>
class waiter_list {
  public:
    class hook {
      public:
        // In some list now.
        bool linked() const noexcept { return linked_; }

      private:
        friend class waiter_list;
        Node* prev_ = nullptr;
        Node* next_ = nullptr;
        bool linked_ = false;
    };

    bool empty() const noexcept { return head_ == nullptr; }
    std::size_t size() const noexcept { return size_; }
    Node* front() const noexcept { return head_; }

    void push_back(Node* node) noexcept { insert(node, tail_, nullptr); }

    // Puts back at the head a node that was just popped (it keeps its turn).
    void push_front(Node* node) noexcept { insert(node, nullptr, head_); }

    Node* pop_front() noexcept {
        Node* node = head_;
        if (node) remove(node);
        return node;
    }

    // Unlinks `node`; a node that is not linked is left alone.
    void remove(Node* node) noexcept {
        hook& h = hook_of(node);
        if (!h.linked_) return;
        (h.prev_ ? hook_of(h.prev_).next_ : head_) = h.next_;
        (h.next_ ? hook_of(h.next_).prev_ : tail_) = h.prev_;
        h.prev_ = h.next_ = nullptr;
        h.linked_ = false;
        --size_;
    }

  private:
    static hook& hook_of(Node* node) noexcept { return *node; }

    // Links `node` between neighbours `prev` and `next` (nullptr: the list's end).
    void insert(Node* node, Node* prev, Node* next) noexcept {
        hook& h = hook_of(node);
        h.prev_ = prev;
        h.next_ = next;
        h.linked_ = true;
        (prev ? hook_of(prev).next_ : head_) = node;
        (next ? hook_of(next).prev_ : tail_) = node;
        ++size_;
    }

    Node* head_ = nullptr;
    Node* tail_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace uio::detail
