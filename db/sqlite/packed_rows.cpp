// packed_rows: appending a value, and binding a row of cells in place.
#include "uio/db/sqlite/packed_rows.hpp"

#include <sqlite3.h>

namespace uio::sqlite {

void packed_rows::push(const value& v) {
    switch (v.type()) {
        case value_type::null_value:
            push_null();
            break;
        case value_type::integer:
            push_integer(std::get<std::int64_t>(v.variant()));
            break;
        case value_type::real:
            push_real(std::get<double>(v.variant()));
            break;
        case value_type::text:
            push_text(std::get<std::string>(v.variant()));
            break;
        case value_type::blob_value:
            push_blob(std::get<blob>(v.variant()));
            break;
    }
}

void packed_rows::append_cells(const packed_rows& from, std::size_t first, std::size_t count) {
    for (std::size_t i = first; i < first + count; ++i) {
        const cell& c = from.cells_[i];
        if (c.type == value_type::text || c.type == value_type::blob_value) {
            push_bytes(from.bytes_.data() + c.integer, c.size, c.type);
        } else {
            cells_.push_back(c);
        }
    }
}

int packed_rows::bind(sqlite3_stmt* stmt, std::size_t first, std::size_t count) const noexcept {
    // bytes_.data() is never null (a std::string), so empty TEXT and BLOB stay empty, not NULL.
    const char* base = bytes_.data();
    for (std::size_t i = 0; i < count; ++i) {
        const cell& c = cells_[first + i];
        int index = static_cast<int>(i + 1);
        int rc = SQLITE_OK;
        switch (c.type) {
            case value_type::null_value:
                rc = sqlite3_bind_null(stmt, index);
                break;
            case value_type::integer:
                rc = sqlite3_bind_int64(stmt, index, c.integer);
                break;
            case value_type::real:
                rc = sqlite3_bind_double(stmt, index, c.real);
                break;
            case value_type::text:
                rc = sqlite3_bind_text64(stmt, index, base + c.integer, c.size, SQLITE_STATIC,
                                         SQLITE_UTF8);
                break;
            case value_type::blob_value:
                rc = sqlite3_bind_blob64(stmt, index, base + c.integer, c.size, SQLITE_STATIC);
                break;
        }
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

}  // namespace uio::sqlite
