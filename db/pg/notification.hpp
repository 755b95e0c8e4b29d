// A NOTIFY received on a connection that LISTENs (connection::notifications()).
#pragma once

#include <string>

namespace uio::pg {

struct notification {
    std::string channel;
    std::string payload;
    int sender_pid = 0;  // the backend that sent NOTIFY
};

}  // namespace uio::pg
