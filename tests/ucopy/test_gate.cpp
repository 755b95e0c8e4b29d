// The gate's arrival log and its wait (test_gate.hpp).
#include "test_gate.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include <uio/uring/timeout.hpp>

namespace ucopy {

test_gate::test_gate() {
    if (const char* dir = std::getenv("UCOPY_TEST_GATE")) dir_ = dir;
    if (const char* only = std::getenv("UCOPY_TEST_GATE_ONLY")) only_ = only;
    if (const char* pass = std::getenv("UCOPY_TEST_GATE_PASS")) {
        pass_ = static_cast<unsigned>(std::atoi(pass));
    }
}

uio::task<void> test_gate::arrive(const std::string& source) {
    if (!armed() || source.find(only_) == std::string::npos) co_return;
    // One write of the whole line: O_APPEND keeps lines whole for the reader.
    const std::string line = source + "\n";
    const std::string log = dir_ + "/arrived";
    const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
        (void)!::write(fd, line.data(), line.size());
        ::close(fd);
    }
    if (++arrivals_ <= pass_) co_return;
    const std::string open = dir_ + "/open";
    while (::access(open.c_str(), F_OK) != 0) {
        co_await uio::sleep_for(std::chrono::milliseconds(2));
    }
}

}  // namespace ucopy
