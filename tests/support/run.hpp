// Runs one coroutine to completion on a test's io_context, with a watchdog so
// a hung operation fails the test instead of hanging CTest.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

namespace prereadd::test {

template <class T>
T run_awaitable(boost::asio::io_context& io, boost::asio::awaitable<T> task,
                std::chrono::seconds watchdog = std::chrono::seconds(30))
{
    std::optional<T> result;
    std::exception_ptr error;
    boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e) result.emplace(std::move(value));
    });
    io.restart();
    io.run_for(watchdog);
    if (error) std::rethrow_exception(error);
    if (!result) throw std::runtime_error("watchdog: the coroutine did not finish in time");
    return std::move(*result);
}

}  // namespace prereadd::test
