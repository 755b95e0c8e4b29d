// An intrusive FIFO of suspended waiters, for channel and semaphore: O(1) push, pop and
// removal of a cancelled waiter, no allocation (the node lives in the awaiter).
#pragma once

namespace uio::detail {

template <class Node>
class waiter_list {
  public:
    struct hook {
        Node* prev = nullptr;
        Node* next = nullptr;
        bool linked = false;
    };

    bool empty() const noexcept { return head_ == nullptr; }

    void push_back(Node* node) noexcept {
        node->prev = tail_;
        node->next = nullptr;
        node->linked = true;
        if (tail_)
            tail_->next = node;
        else
            head_ = node;
        tail_ = node;
    }

    Node* pop_front() noexcept {
        Node* node = head_;
        if (node) remove(node);
        return node;
    }

    void remove(Node* node) noexcept {
        if (!node->linked) return;
        if (node->prev)
            node->prev->next = node->next;
        else
            head_ = node->next;
        if (node->next)
            node->next->prev = node->prev;
        else
            tail_ = node->prev;
        node->prev = node->next = nullptr;
        node->linked = false;
    }

  private:
    Node* head_ = nullptr;
    Node* tail_ = nullptr;
};

}  // namespace uio::detail
