// LISTEN/NOTIFY as an async generator.
#include <catch2/catch.hpp>
#include <chrono>

#include "pg_test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/db/pg/connection.hpp"
#include "uio/uring/timeout.hpp"

using namespace std::chrono_literals;
namespace pg = uio::pg;

TEST_CASE("notifications arrive in order as an async generator") {
    uio::testing::require_cluster();
    uio::run([]() -> uio::task<void> {
        auto listener = co_await pg::connection::connect("", 5s);
        auto sender = co_await pg::connection::connect("", 5s);
        co_await listener.listen("uio events");  // a name that needs quoting
        std::vector<std::string> payloads;
        int sender_pid = 0;
        auto listen = [&]() -> uio::task<void> {
            auto notes = listener.notifications();
            while (auto note = co_await notes.next()) {
                CHECK(note->channel == "uio events");
                sender_pid = note->sender_pid;
                payloads.push_back(note->payload);
                if (payloads.size() == 3) break;
            }
        };
        auto send = [&]() -> uio::task<void> {
            co_await uio::sleep_for(50ms);
            for (std::string p : {"one", "two", "three"}) {
                co_await sender.fetch("select pg_notify('uio events', $1)", p);
            }
        };
        co_await uio::with_timeout(uio::when_all(listen(), send()), 10s);
        CHECK(payloads == std::vector<std::string>{"one", "two", "three"});
        CHECK(sender_pid == sender.backend_pid());
        // The listener stays usable, and a stopped wait leaves it idle.
        bool timed_out = false;
        try {
            co_await uio::with_timeout(
                [&]() -> uio::task<void> {
                    auto notes = listener.notifications();
                    co_await notes.next();
                }(),
                100ms);
        } catch (const std::system_error& e) {
            timed_out = e.code() == std::errc::timed_out;
        }
        CHECK(timed_out);
        pg::result r = co_await listener.fetch("select 1");
        CHECK(r[0][0].as<int>() == 1);
    }());
}
