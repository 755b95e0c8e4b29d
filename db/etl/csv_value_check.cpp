#include "uio/db/etl/detail/csv_value_check.hpp"

#include <utility>

#include "uio/core/offload.hpp"
#include "uio/db/etl/detail/chunk_stream.hpp"

namespace uio::etl {

namespace {

formats::csv_options for_checking(formats::csv_options csv) {
    csv.allow_ragged = true;  // the server's to refuse, at its line
    return csv;
}

bool checkable(value_kind k) noexcept {
    return k != value_kind::text && k != value_kind::mixed;
}

}  // namespace

csv_value_check::csv_value_check(formats::csv_options csv, std::vector<value_kind> kinds)
    : reader_(for_checking(std::move(csv))), kinds_(std::move(kinds)) {
    for (std::size_t i = 0; i < kinds_.size(); ++i) {
        if (checkable(kinds_[i])) checked_.push_back(i);
    }
}

void csv_value_check::check(const formats::csv_batch& rows) noexcept {
    for (formats::csv_row r : rows) {
        if (r.size() != kinds_.size()) continue;  // ragged: the server refuses it
        for (std::size_t i : checked_) {
            std::optional<std::string_view> v = r[i];
            if (!v || value_fits(kinds_[i], *v)) continue;
            kinds_[i] = widened_kind(kinds_[i], *v);
            widened_ = true;
        }
    }
    // Columns widened to text need no more checking.
    std::erase_if(checked_, [this](std::size_t i) { return !checkable(kinds_[i]); });
}

void csv_value_check::feed(std::string_view bytes) {
    if (failure_ || checked_.empty()) return;
    try {
        check(reader_.feed(bytes));
    } catch (...) {
        failure_ = std::current_exception();
    }
}

void csv_value_check::finish() {
    if (failure_ || checked_.empty()) return;
    try {
        check(reader_.finish());
    } catch (...) {
        failure_ = std::current_exception();
    }
}

std::vector<value_kind> checked_kinds(const std::vector<column_spec>& columns, bool created) {
    std::vector<value_kind> out;
    if (!created) return out;
    for (const column_spec& c : columns) out.push_back(c.inferred ? c.kind : value_kind::text);
    return out;
}

bool apply_widening(const csv_value_check& check, std::vector<column_spec>& columns) {
    bool changed = false;
    for (std::size_t i = 0; i < columns.size() && i < check.kinds().size(); ++i) {
        column_spec& c = columns[i];
        if (!c.inferred || !checkable(c.kind) || check.kinds()[i] == c.kind) continue;
        c.kind = check.kinds()[i];
        c.declared.clear();
        changed = true;
    }
    return changed;
}

task<void> send_checked(async_generator<std::span<const std::byte>> bytes, csv_value_check& check,
                        channel<std::string>& out, bool& stopped) {
    std::exception_ptr failure;
    try {
        while (auto chunk = co_await bytes.next()) {
            std::string text(reinterpret_cast<const char*>(chunk->data()), chunk->size());
            auto checking = [&check, &text] { check.feed(text); };
            co_await offload(checking);
            // The channel stays open meanwhile: a COPY that failed now would stop this
            // check (when_all stops the siblings of a failed task).
            if (check.widened()) stopped = true;
            if (!stopped) co_await send_chunk(out, std::move(text));
        }
        auto finishing = [&check] { check.finish(); };
        co_await offload(finishing);
        if (check.widened()) stopped = true;
    } catch (...) {
        failure = std::current_exception();
        stopped = true;
    }
    out.close();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace uio::etl
