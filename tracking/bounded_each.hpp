// Work spread over a few coroutines at once: a poll cycle's projects over the
// connections Nextcloud may take, a course's completion requests over those
// Moodle may take. One coroutine a connection, each taking the next item when
// it is done with one: a request that waited in the pool's queue would spend
// its deadline there.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <vector>

namespace prereadd::tracking {

// Awaits `step(i)` for each i below `count`, in order of i, at most `at_once`
// at a time. A step that answers false stops the others taking more (a
// failure that ends the work: what was taken still ends). Cancellation stops
// them taking more too. An exception, a programming error, is rethrown once
// every step has ended.
template <class Step>
boost::asio::awaitable<void> async_each_at_most(std::size_t count, std::size_t at_once, Step step)
{
    std::size_t next = 0;
    bool stop = false;
    auto worker = [&]() -> boost::asio::awaitable<void> {
        while (next < count && !stop) {
            const auto state = co_await boost::asio::this_coro::cancellation_state;
            if (state.cancelled() != boost::asio::cancellation_type::none) co_return;
            if (!co_await step(next++)) stop = true;
        }
    };
    auto executor = co_await boost::asio::this_coro::executor;
    using spawned = decltype(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
    std::vector<spawned> running;
    const std::size_t workers = std::clamp<std::size_t>(at_once, 1, std::max<std::size_t>(count, 1));
    for (std::size_t w = 0; w < workers; ++w)
        running.push_back(boost::asio::co_spawn(executor, worker(), boost::asio::deferred));
    auto [order, failures] = co_await boost::asio::experimental::make_parallel_group(std::move(running))
                                 .async_wait(boost::asio::experimental::wait_for_all(), boost::asio::use_awaitable);
    for (const auto& failure : failures)
        if (failure) std::rethrow_exception(failure);
}

}  // namespace prereadd::tracking
