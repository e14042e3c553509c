// The activity stream read from the stored cursor to its end (see poll_cycle.hpp,
// detail::async_read_activity).
#include "tracking/poll_cycle.hpp"

#include "ocs/api.hpp"

#include <charconv>
#include <iterator>

namespace prereadd::tracking::detail {

boost::asio::awaitable<boost::system::result<std::int64_t>> async_read_activity(cycle_context& ctx,
                                                                                store::backend& st,
                                                                                std::vector<ocs::activity>& activities,
                                                                                cycle_report& report)
{
    const auto& base = ctx.config.global.nextcloud.base;
    auto stored = co_await st.cursor("activity");
    if (!stored) co_return stored.error();
    std::int64_t cursor = 0;
    if (!*stored) {
        auto newest = co_await ocs::async_newest_activity(ctx.client, base);
        if (!newest) {
            report.errors.push_back("activity: " + newest.error().message());
            co_return cursor;
        }
        if (auto ec = co_await st.set_cursor("activity", std::to_string(*newest))) co_return ec;
        co_return *newest;
    }
    std::from_chars((*stored)->data(), (*stored)->data() + (*stored)->size(), cursor);
    for (unsigned pages = 0; pages < ctx.tuning.activity_pages; ++pages) {
        auto page = co_await ocs::async_activities(ctx.client, base, cursor);
        if (!page) {
            report.errors.push_back("activity: " + page.error().message());
            break;
        }
        if (page->not_modified) break;
        activities.insert(activities.end(), std::make_move_iterator(page->items.begin()),
                             std::make_move_iterator(page->items.end()));
        if (!page->last_given || *page->last_given <= cursor) break;
        cursor = *page->last_given;
        if (!page->more) break;
    }
    co_return cursor;
}

}  // namespace prereadd::tracking::detail
