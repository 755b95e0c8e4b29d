// Transactions: a failure anywhere leaves the table exactly as it was; an open transaction
// keeps other tasks' requests out until it ends.
#include "uio/db/sqlite/database.hpp"

#include <sqlite3.h>

#include <optional>
#include <string>

#include "test_support.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/io_context.hpp"

using uio::task;
namespace sqlite = uio::sqlite;

namespace {

task<sqlite::database> accounts_db() {
    auto db = co_await sqlite::database::open(":memory:");
    co_await db.execute(
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT UNIQUE, balance INTEGER);"
        "INSERT INTO accounts VALUES (1, 'ann', 100), (2, 'bob', 50);");
    co_return db;
}

task<std::string> snapshot(sqlite::database& db) {
    co_return co_await db.fetch_value<std::string>(
        "SELECT group_concat(id || ':' || owner || ':' || balance, ',') FROM "
        "(SELECT * FROM accounts ORDER BY id)");
}

}  // namespace

TEST_CASE("a constraint violation inside db.transaction(fn) rolls everything back") {
    uio::run([&]() -> task<void> {
        auto db = co_await accounts_db();
        const std::string before = co_await snapshot(db);
        int code = 0;
        try {
            const std::string duplicate = "ann";  // captured by value on purpose
            auto body = [duplicate](sqlite::blocking_connection& c) {
                c.execute("UPDATE accounts SET balance = balance - 30 WHERE id = 1");
                c.execute("UPDATE accounts SET balance = balance + 30 WHERE id = 2");
                c.execute("INSERT INTO accounts (owner, balance) VALUES (?, 0)", duplicate);
            };
            co_await db.transaction(body);
        } catch (const sqlite::error& e) {
            code = e.extended_code();
        }
        CHECK(code == SQLITE_CONSTRAINT_UNIQUE);
        const std::string after = co_await snapshot(db);
        CHECK(after == before);
        // A body that succeeds commits, and its value comes back.
        auto moved = co_await db.transaction([](sqlite::blocking_connection& c) {
            return c.execute("UPDATE accounts SET balance = balance - 30 WHERE id = 1") +
                   c.execute("UPDATE accounts SET balance = balance + 30 WHERE id = 2");
        });
        CHECK(moved == 2);
        const std::string committed = co_await snapshot(db);
        CHECK(committed == "1:ann:70,2:bob:80");
    }());
}

TEST_CASE("an exception of any type in the body rolls back, nested levels are savepoints") {
    uio::run([&]() -> task<void> {
        auto db = co_await accounts_db();
        bool caught = false;
        try {
            co_await db.transaction([](sqlite::blocking_connection& c) {
                c.execute("DELETE FROM accounts");
                throw std::runtime_error("changed my mind");
            });
        } catch (const std::runtime_error&) {
            caught = true;
        }
        CHECK(caught);
        auto count = co_await db.fetch_value<std::int64_t>("SELECT count(*) FROM accounts");
        CHECK(count == 2);
        // An inner level fails and is undone; the outer level goes on and commits.
        co_await db.transaction([](sqlite::blocking_connection& c) {
            c.execute("UPDATE accounts SET balance = 0 WHERE id = 1");
            try {
                c.transaction([](sqlite::blocking_connection& inner) {
                    inner.execute("UPDATE accounts SET balance = 0 WHERE id = 2");
                    inner.execute("INSERT INTO accounts (owner) VALUES ('ann')");
                });
            } catch (const sqlite::error&) {
            }
        });
        const std::string after = co_await snapshot(db);
        CHECK(after == "1:ann:0,2:bob:50");
    }());
}

TEST_CASE("an RAII transaction rolls back unless committed, and after a failed statement") {
    uio::run([&]() -> task<void> {
        auto db = co_await accounts_db();
        const std::string before = co_await snapshot(db);
        {
            auto tx = co_await db.begin();
            co_await tx.execute("UPDATE accounts SET balance = 0");
            // Leaves scope without commit: rolled back.
        }
        const std::string after_drop = co_await snapshot(db);
        CHECK(after_drop == before);

        int code = 0;
        try {
            auto tx = co_await db.begin();
            co_await tx.execute("UPDATE accounts SET balance = 0 WHERE id = 1");
            co_await tx.execute("INSERT INTO accounts (owner) VALUES (?)", "bob");
            co_await tx.commit();
        } catch (const sqlite::error& e) {
            code = e.extended_code();
        }
        CHECK(code == SQLITE_CONSTRAINT_UNIQUE);
        const std::string after_error = co_await snapshot(db);
        CHECK(after_error == before);

        auto tx = co_await db.begin();
        co_await tx.execute("UPDATE accounts SET balance = 1 WHERE id = 1");
        auto inside =
            co_await tx.fetch_value<std::int64_t>("SELECT balance FROM accounts WHERE id = 1");
        CHECK(inside == 1);
        co_await tx.commit();
        CHECK(!tx.active());
        const std::string committed = co_await snapshot(db);
        CHECK(committed == "1:ann:1,2:bob:50");
        bool misuse = false;
        try {
            co_await tx.commit();
        } catch (const sqlite::error& e) {
            misuse = e.extended_code() == SQLITE_MISUSE;
        }
        CHECK(misuse);
    }());
}

namespace {
// Written once against sqlite::executor: runs on the database and on a transaction alike.
task<std::optional<std::string>> executor_test_owner_of(const sqlite::executor& db,
                                                        std::int64_t id) {
    std::optional<sqlite::rows::row> r =
        co_await db.fetch_row("SELECT owner FROM accounts WHERE id = ?", id);
    if (!r) co_return std::nullopt;
    co_return r->get<std::string>("owner");
}
}  // namespace

TEST_CASE("fetch_row yields the first row or none, on the database and on a transaction") {
    uio::run([&]() -> task<void> {
        auto db = co_await accounts_db();
        // The row keeps its own storage: no rows object to hold.
        std::optional<sqlite::rows::row> first =
            co_await db.fetch_row("SELECT id, owner FROM accounts ORDER BY id DESC");
        REQUIRE(first);
        CHECK(first->get<std::int64_t>(0) == 2);
        CHECK(first->get<std::string>("owner") == "bob");
        std::optional<sqlite::rows::row> none =
            co_await db.fetch_row("SELECT id FROM accounts WHERE id = ?", 99);
        CHECK(!none);

        auto on_db = co_await executor_test_owner_of(db, 1);
        CHECK(on_db == "ann");
        {
            auto tx = co_await db.begin();
            co_await tx.execute("UPDATE accounts SET owner = ? WHERE id = ?", "amy", 1);
            auto in_tx = co_await executor_test_owner_of(tx, 1);
            CHECK(in_tx == "amy");
            co_await tx.rollback();
        }
        auto after = co_await executor_test_owner_of(db, 1);
        CHECK(after == "ann");

        // The blocking connection has it too, and steps no further than the first row.
        auto owner = co_await db.run([](sqlite::blocking_connection& c) {
            std::optional<sqlite::rows::row> r = c.fetch_row("SELECT owner FROM accounts");
            return r ? r->get<std::string>(0) : std::string();
        });
        CHECK(owner == "ann");
    }());
}

TEST_CASE("other tasks' requests wait until an open transaction ends") {
    uio::run([&]() -> task<void> {
        auto db = co_await accounts_db();
        std::vector<std::string> seen;
        auto writer = [&]() -> task<void> {
            auto tx = co_await db.begin();
            co_await tx.execute("UPDATE accounts SET balance = -1 WHERE id = 1");
            // Give the reader every chance to run in between.
            for (int i = 0; i < 20; ++i) co_await tx.fetch("SELECT 1");
            co_await tx.execute("UPDATE accounts SET balance = 100 WHERE id = 1");
            co_await tx.commit();
        };
        auto reader = [&]() -> task<void> {
            for (int i = 0; i < 20; ++i) {
                auto b = co_await db.fetch_value<std::int64_t>(
                    "SELECT balance FROM accounts WHERE id = 1");
                seen.push_back(std::to_string(b));
            }
        };
        co_await uio::when_all(writer(), reader());
        // The reader never observes the transaction's intermediate state.
        for (const auto& b : seen) CHECK(b == "100");
        CHECK(seen.size() == 20);
    }());
}
