// The main loop's back-off from an unavailable Nextcloud: doubling rests,
// Retry-After honoured and capped, one answer ending it.
#include "daemon/host_rest.hpp"

#include "http/error.hpp"

#include <boost/asio/error.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd::daemon {
namespace {

using namespace std::chrono_literals;

http::exchange_record answered(unsigned status)
{
    http::exchange_record r;
    r.status = status;
    return r;
}

http::exchange_record failed(unsigned status, boost::system::error_code ec,
                             std::optional<std::chrono::seconds> wait = {})
{
    http::exchange_record r;
    r.status = status;
    r.error = ec;
    r.retry_after = wait;
    return r;
}

TEST(host_rest_test, maintenance_passes_double_the_rest_up_to_the_cap)
{
    host_rest rest(10s, 60s);
    std::vector<std::chrono::seconds> rests;
    for (int i = 0; i < 5; ++i) {
        rest.observe(failed(503, http::error::server_unavailable));
        rests.push_back(rest.end_pass());
    }
    EXPECT_EQ(rests, (std::vector<std::chrono::seconds>{10s, 20s, 40s, 60s, 60s}));
    EXPECT_EQ(rest.reason(), "HTTP 503 (overload)");
    EXPECT_FALSE(rest.in_maintenance());
}

TEST(host_rest_test, maintenance_mode_is_told_apart_from_overload)
{
    // run.cpp watches status.php in maintenance and tells no back-off then (issue 27).
    host_rest rest(10s, 60s);
    rest.observe(failed(503, http::error::maintenance_mode));
    EXPECT_EQ(rest.end_pass(), 10s);
    EXPECT_TRUE(rest.in_maintenance());
    EXPECT_EQ(rest.reason(), "maintenance mode");
    rest.observe(failed(0, boost::asio::error::connection_refused));
    EXPECT_EQ(rest.end_pass(), 20s);
    EXPECT_FALSE(rest.in_maintenance()) << "the last pass met no maintenance";
    rest.observe(answered(200));
    EXPECT_EQ(rest.end_pass(), 0s);
    EXPECT_FALSE(rest.in_maintenance());
}

TEST(host_rest_test, refused_connections_and_timeouts_are_unavailability_too)
{
    host_rest rest;
    rest.observe(failed(0, boost::asio::error::connection_refused));
    EXPECT_EQ(rest.end_pass(), 10s);
    EXPECT_THAT(rest.reason(), ::testing::HasSubstr("no connection"));
    rest.observe(failed(0, http::error::timeout));
    EXPECT_EQ(rest.end_pass(), 20s);
}

TEST(host_rest_test, retry_after_is_honoured_up_to_its_cap)
{
    host_rest rest(10s, 60s, 300s);
    rest.observe(failed(429, http::error::rate_limited, 120s));
    EXPECT_EQ(rest.end_pass(), 120s) << "longer than the doubling, shorter than the cap";
    rest.observe(failed(429, http::error::rate_limited, 86400s));
    EXPECT_EQ(rest.end_pass(), 300s);
}

TEST(host_rest_test, one_answer_in_a_pass_means_no_rest_and_starts_over)
{
    host_rest rest;
    rest.observe(failed(503, http::error::server_unavailable));
    EXPECT_EQ(rest.end_pass(), 10s);
    rest.observe(failed(503, http::error::server_unavailable));
    rest.observe(answered(207));
    EXPECT_EQ(rest.end_pass(), 0s);
    rest.observe(answered(404));
    EXPECT_EQ(rest.end_pass(), 0s) << "a 404 is Nextcloud answering";
    rest.observe(failed(503, http::error::server_unavailable));
    EXPECT_EQ(rest.end_pass(), 10s) << "the doubling starts over";
}

TEST(host_rest_test, a_rejected_password_is_no_outage)
{
    host_rest rest;
    rest.observe(failed(401, http::error::unauthorized));
    EXPECT_EQ(rest.end_pass(), 0s);
}

}  // namespace
}  // namespace prereadd::daemon

namespace prereadd::daemon {
namespace {

using namespace std::chrono_literals;
using tp = std::chrono::system_clock::time_point;

TEST(next_attempt, a_message_waiting_is_tried_again_after_the_rest_not_at_the_next_turn)
{
    const tp now{1000s};
    EXPECT_EQ(next_attempt(now, now + 50s, 10s, true, std::nullopt, 30s), now + 10s);
    EXPECT_EQ(next_attempt(now, now + 50s, 10s, false, std::nullopt, 30s), now + 50s)
        << "nothing waiting: the next turn";
    EXPECT_EQ(next_attempt(now, now + 5s, 10s, false, std::nullopt, 30s), now + 10s) << "never before the rest is over";
}

TEST(next_attempt, never_past_a_deadline_without_one_more_try)
{
    const tp now{1000s};
    // The back-off grew to 80 s; the session starts in 60 s: one more try 30 s before it.
    EXPECT_EQ(next_attempt(now, now, 80s, true, now + 60s, 30s), now + 30s);
    // Closer than twice the margin: halfway, then halfway again, never sooner than a second.
    EXPECT_EQ(next_attempt(now, now, 80s, true, now + 40s, 30s), now + 20s);
    EXPECT_EQ(next_attempt(now, now, 80s, true, now + 1s, 30s), now + 1s);
    // A deadline after the rest changes nothing; one already past neither.
    EXPECT_EQ(next_attempt(now, now, 10s, true, now + 600s, 30s), now + 10s);
    EXPECT_EQ(next_attempt(now, now, 10s, true, now - 5s, 30s), now + 10s);
}

TEST(host_rest, status_php_answering_says_nothing_about_the_api)
{
    // In maintenance mode status.php answers 200 while everything else answers 503 (21a-21e).
    host_rest rest;
    auto status = answered(200);
    status.path = "/status.php";
    rest.observe(status);
    rest.observe(answered(503));
    EXPECT_EQ(rest.end_pass(), 10s);
}

}  // namespace
}  // namespace prereadd::daemon
