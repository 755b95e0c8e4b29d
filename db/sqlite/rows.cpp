// rows: bounds checks and error messages that name the column.
#include "uio/db/sqlite/rows.hpp"

#include <sqlite3.h>

#include "uio/db/sqlite/error.hpp"

namespace uio::sqlite {

std::size_t rows::column_index(std::string_view name) const {
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        if (columns_[i] == name) return i;
    }
    throw error(SQLITE_RANGE, "no column named '" + std::string(name) + "' in the result");
}

rows::row rows::operator[](std::size_t index) const {
    if (index >= size()) {
        throw error(SQLITE_RANGE, "row " + std::to_string(index) + " out of range (" +
                                      std::to_string(size()) + " rows)");
    }
    return row(this, index);
}

const value& rows::row::operator[](std::size_t column) const {
    if (column >= owner_->width()) {
        throw error(SQLITE_RANGE, "column " + std::to_string(column) + " out of range (" +
                                      std::to_string(owner_->width()) + " columns)");
    }
    return owner_->cells_[index_ * owner_->width() + column];
}

void rows::rethrow_for_column(std::size_t column) const {
    try {
        throw;
    } catch (const error& e) {
        throw error(e.extended_code(), "column " + std::to_string(column) + " ('" +
                                           columns_[column] + "'): " + e.message());
    }
}

}  // namespace uio::sqlite
