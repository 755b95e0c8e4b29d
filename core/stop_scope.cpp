#include "uio/core/stop_scope.hpp"

namespace uio {

// Carries a stop request from a foreign thread to the scope's loop. The scope may end
// before the relay runs; it then clears `scope` (both happen on the loop thread).
struct stop_scope::remote_relay {
    stop_scope* scope;
};

stop_scope::stop_scope(std::stop_token token)
    : token_(std::move(token)), owner_(scheduler::current()) {
    if (token_.stop_possible()) callback_.emplace(token_, on_stop{this});
}

stop_scope::~stop_scope() {
    callback_.reset();  // waits for a callback running on another thread to finish
    std::lock_guard lock(relay_mutex_);
    if (relay_) relay_->scope = nullptr;
}

void stop_scope::stop_requested_callback() noexcept {
    if (owner_ == nullptr || scheduler::current() == owner_) {
        cancel_pending();
        return;
    }
    std::shared_ptr<remote_relay> relay;
    {
        std::lock_guard lock(relay_mutex_);
        if (!relay_) relay_ = std::make_shared<remote_relay>(remote_relay{this});
        relay = relay_;
    }
    try {
        owner_->post([relay] {
            if (relay->scope != nullptr) relay->scope->cancel_pending();
        });
    } catch (...) {
        // Out of memory while relaying: the wait will still see stop_requested() when it
        // next checks; nothing more can be done from this thread.
    }
}

void stop_scope::cancel_pending() noexcept {
    if (cancellable_wait* wait = pending_) {
        pending_ = nullptr;
        wait->cancel();
    }
}

linked_stop_source::linked_stop_source(std::stop_token parent, std::stop_token other) {
    if (parent.stop_possible()) parent_callback_.emplace(std::move(parent), forward{&source_});
    if (other.stop_possible()) other_callback_.emplace(std::move(other), forward{&source_});
}

}  // namespace uio
