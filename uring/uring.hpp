// Everything of uio::uring in one include.
#pragma once

#include "uio/core/async_generator.hpp"
#include "uio/core/channel.hpp"
#include "uio/core/offload.hpp"
#include "uio/core/semaphore.hpp"
#include "uio/core/task.hpp"
#include "uio/core/task_group.hpp"
#include "uio/core/when_all.hpp"
#include "uio/uring/buffer_pool.hpp"
#include "uio/uring/file.hpp"
#include "uio/uring/io_context.hpp"
#include "uio/uring/operations.hpp"
#include "uio/uring/registered_files.hpp"
#include "uio/uring/timeout.hpp"
