#include "uio/db/etl/detail/csv_check_ahead.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "uio/core/offload.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"

namespace uio::etl {

namespace {

// The check reads this much at a time: each step is a read on the ring and a job on the
// pool, and on a loaded machine the hand-offs, not the scan, set its pace (1 MiB steps
// checked ~50 MB/s under a load of 14 on two cores; the scan itself does ~500 MB/s).
constexpr std::size_t ahead_step = 4 * chunk_size;

// Reads the next ahead_step bytes of `in` (fewer at its end) at `offset` into `out`.
task<void> read_step(input_file& in, std::string& out, std::uint64_t& offset) {
    out.clear();
    std::string chunk;
    while (out.size() < ahead_step) {
        if (co_await read_next_chunk(in, chunk, offset) == 0) break;
        out += chunk;
    }
}

// `text` fed to `check` on the pool, a chunk_size slice at a time; its finish() when `text`
// is empty. Appends to `ends` where a slice's last whole record ends (offsets in `text`),
// for the slices before the first in which a value widens a column; sets `widened` there.
task<void> check_step(csv_value_check& check, std::string_view text,
                      std::vector<std::uint64_t>& ends, bool& widened) {
    auto checking = [&] {
        if (text.empty()) {
            const std::uint64_t before = check.widenings();
            check.finish();
            widened = widened || check.widenings() != before;
            return;
        }
        for (std::size_t at = 0; at < text.size(); at += chunk_size) {
            const std::uint64_t before = check.widenings();
            check.feed(text.substr(at, chunk_size));
            if (check.widenings() != before) widened = true;
            if (!widened && check.record_end() != std::string_view::npos) {
                ends.push_back(at + check.record_end());
            }
        }
    };
    co_await offload(checking);
}

}  // namespace

task<void> csv_check_ahead::run(input_file& in) {
    std::exception_ptr failure;
    try {
        std::string step, next;
        std::uint64_t offset = 0;
        auto first_read = read_step(in, step, offset);
        co_await std::move(first_read);
        // A BOM is not in the stream the COPY is sent.
        std::size_t bom = step.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
        std::uint64_t stream = 0;  // the stream's offset of `step`
        std::vector<std::uint64_t> ends;
        while (!stopped_) {
            const std::string_view text = std::string_view(step).substr(bom);
            // The next step is read while this one is checked. The slice in which a value
            // first widens a column is not sendable, nor what follows: the rest is sent
            // once the final types are known.
            ends.clear();
            bool widened = widened_;  // the pool's copy
            auto checking = check_step(check_, text, ends, widened);
            auto reading = read_step(in, next, offset);
            co_await when_all(std::move(checking), std::move(reading));
            widened_ = widened;
            if (text.empty()) break;
            for (std::uint64_t end : ends) {
                ends_.push_back(stream + end);
                passed_ = stream + end;
            }
            stream += text.size();
            bom = 0;
            step.swap(next);
            // One token is enough (the sender reads the state, not the tokens): never waits.
            if (wake_.size() == 0) co_await wake_.send('x');
        }
    } catch (...) {
        failure = std::current_exception();
        failed_ = true;
    }
    // Even on a failure: a sender waiting in progress() goes on (and fails on its own, as
    // the load does with check.failure() or this exception).
    done_ = true;
    wake_.close();
    if (failure) std::rethrow_exception(failure);
}

std::uint64_t csv_check_ahead::sendable(std::uint64_t received) noexcept {
    if (done_ && !widened_) return received;
    while (!ends_.empty() && ends_.front() <= received) {
        sendable_ = ends_.front();
        ends_.pop_front();
    }
    return sendable_;
}

bool csv_check_ahead::passed(std::uint64_t record_end) const noexcept {
    return (done_ && !widened_) || record_end <= passed_;
}

task<void> csv_check_ahead::progress() {
    if (done_) co_return;
    (void)co_await wake_.receive();
}

namespace {

// The sending side of send_checked_ahead: `bytes` to `out`, as far as `ahead` allows.
task<void> send_allowed(async_generator<std::span<const std::byte>> bytes, csv_check_ahead& ahead,
                        const csv_value_check& check, channel<std::string>& out,
                        const std::vector<column_spec>& columns, std::string dummy_header,
                        widening_steps& steps) {
    try {
        std::string unsent;
        std::uint64_t received = 0, sent = 0;  // stream offsets
        std::uint64_t lines_sent = 0;
        bool ending_known = dummy_header.empty();
        bool cut = false;
        // Sends what the check allows of `unsent`; with `all`, waits for the check to allow
        // all of it.
        auto send_allowed_part = [&](bool all) -> task<void> {
            for (;;) {
                if (ahead.failed()) throw std::runtime_error("the value check failed");
                if (ahead.done() && ahead.widened() && !cut) {
                    // The final types from here on: one ALTER of what was sent so far.
                    cut = true;
                    const bool from_start = sent == 0;
                    steps.pending.push_back(
                        {with_kinds(columns, check.kinds()), lines_sent, from_start});
                    co_await send_chunk(out, std::string());
                    if (!from_start && !dummy_header.empty()) {
                        co_await send_chunk(out, dummy_header);
                    }
                }
                // Past the cut, everything: its values fit the final types.
                const std::uint64_t upto = cut ? received : ahead.sendable(received);
                if (upto > sent) {
                    const auto n = static_cast<std::size_t>(upto - sent);
                    std::string text;
                    if (n == unsent.size()) {
                        text.swap(unsent);  // all of it (the check is done): no copy
                    } else {
                        text = unsent.substr(0, n);
                        unsent.erase(0, n);
                    }
                    sent = upto;
                    // The lines sent matter only to a cut still to come: once the check is
                    // done, the cut has been made above or never will be (25 ms per 91 MB
                    // saved on the loop thread, which also feeds the COPY).
                    if (!ahead.done()) {
                        lines_sent +=
                            static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
                    }
                    co_await send_chunk(out, std::move(text));
                }
                if (sent == received || (!all && unsent.size() < chunk_size)) co_return;
                co_await ahead.progress();
            }
        };
        while (auto chunk = co_await bytes.next()) {
            unsent.append(reinterpret_cast<const char*>(chunk->data()), chunk->size());
            received += chunk->size();
            if (!ending_known) {
                // The dummy header takes the line ending of the stream's first line, as the
                // server learnt it from that line.
                const std::size_t nl = unsent.find('\n');
                if (nl != std::string::npos) {
                    ending_known = true;
                    if (nl > 0 && unsent[nl - 1] == '\r' && !dummy_header.ends_with("\r\n")) {
                        dummy_header.insert(dummy_header.size() - 1, "\r");
                    }
                }
            }
            auto sending = send_allowed_part(false);
            co_await std::move(sending);
        }
        auto sending = send_allowed_part(true);
        co_await std::move(sending);
    } catch (...) {
        ahead.stop();
        throw;
    }
}

}  // namespace

task<void> send_checked_ahead(async_generator<std::span<const std::byte>> bytes,
                              csv_value_check& check, input_file& file, channel<std::string>& out,
                              const std::vector<column_spec>& columns, std::string dummy_header,
                              widening_steps& steps) {
    csv_check_ahead ahead(check);
    auto checking = ahead.run(file);
    auto sending =
        send_allowed(std::move(bytes), ahead, check, out, columns, std::move(dummy_header), steps);
    co_await when_all(std::move(checking), std::move(sending));
}

}  // namespace uio::etl
