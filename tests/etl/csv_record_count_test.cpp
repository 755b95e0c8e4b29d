// csv_record_count: records ended in a stream fed piece by piece, quotes spanning pieces.
#include "uio/db/etl/detail/csv_record_count.hpp"

#include <catch2/catch.hpp>
#include <string>

using uio::etl::csv_record_count;

TEST_CASE("csv_record_count counts line ends outside quotes, across pieces") {
    const std::string text =
        "id,note\n1,plain\n2,\"two\nlines\"\n3,\"a \"\"quoted\"\" word\"\n4,\"\"\n5,last\n";
    // Fed whole, and cut at every position: always 6 records (the header and 5 rows).
    csv_record_count whole('"');
    CHECK(whole.feed(text) == 6);
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
        INFO("cut at " << cut);
        csv_record_count pieces('"');
        std::uint64_t n = pieces.feed(std::string_view(text).substr(0, cut));
        n += pieces.feed(std::string_view(text).substr(cut));
        CHECK(n == 6);
    }
    // Inside a quoted field, a piece without quotes counts nothing.
    csv_record_count open('"');
    CHECK(open.feed("1,\"starts\n") == 0);
    CHECK(open.feed("no quote here\nnor here\n") == 0);
    CHECK(open.feed("ends\"\n2,x\n") == 2);
    // Another quote character: '"' is then an ordinary byte.
    csv_record_count single('\'');
    CHECK(single.feed("a,\"b\n'c\nd',e\n") == 2);
}
