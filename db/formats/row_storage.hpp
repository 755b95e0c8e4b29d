// row_storage: how a parsed batch (csv_batch, jsonl_batch) owns its rows: all field bytes in
// one string, a field table of offsets into it, a row table of runs in the field table. A
// batch derives from it with its own Field (which must have `offset`), so appending one
// batch to another is written once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace uio::formats::detail {

template <class Field>
class row_storage {
  public:
    // Adds `other`'s rows after these (a feed() and the finish() after it as one sample).
    void append(row_storage&& other) {
        if (rows_.empty()) {
            *this = std::move(other);
            return;
        }
        const std::size_t data_base = data_.size(), field_base = fields_.size();
        data_ += other.data_;
        fields_.reserve(fields_.size() + other.fields_.size());
        for (Field f : other.fields_) {
            f.offset += data_base;
            fields_.push_back(f);
        }
        rows_.reserve(rows_.size() + other.rows_.size());
        for (row_info r : other.rows_) {
            r.first += field_base;
            rows_.push_back(r);
        }
    }

  protected:
    struct row_info {
        std::size_t first;  // index of the row's first field in fields_
        std::size_t count;
        std::uint64_t line;  // where the row starts in the input
    };
    std::string data_;
    std::vector<Field> fields_;
    std::vector<row_info> rows_;
};

}  // namespace uio::formats::detail
