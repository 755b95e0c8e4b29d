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

    void push_back(Node* node) noexcept {
        hook& h = hook_of(node);
        h.prev_ = tail_;
        h.next_ = nullptr;
        h.linked_ = true;
        if (tail_)
            hook_of(tail_).next_ = node;
        else
            head_ = node;
        tail_ = node;
        ++size_;
    }

    // Puts back at the head a node that was just popped (it keeps its turn).
    void push_front(Node* node) noexcept {
        hook& h = hook_of(node);
        h.prev_ = nullptr;
        h.next_ = head_;
        h.linked_ = true;
        if (head_)
            hook_of(head_).prev_ = node;
        else
            tail_ = node;
        head_ = node;
        ++size_;
    }

    Node* pop_front() noexcept {
        Node* node = head_;
        if (node) remove(node);
        return node;
    }

    // Unlinks `node`; a node that is not linked is left alone.
    void remove(Node* node) noexcept {
        hook& h = hook_of(node);
        if (!h.linked_) return;
        if (h.prev_)
            hook_of(h.prev_).next_ = h.next_;
        else
            head_ = h.next_;
        if (h.next_)
            hook_of(h.next_).prev_ = h.prev_;
        else
            tail_ = h.prev_;
        h.prev_ = h.next_ = nullptr;
        h.linked_ = false;
        --size_;
    }

  private:
    static hook& hook_of(Node* node) noexcept { return *node; }

    Node* head_ = nullptr;
    Node* tail_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace uio::detail
