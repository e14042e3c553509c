// The main loop's back-off from an unavailable Nextcloud: doubling rests,
// Retry-After honoured and capped, one answer ending it.
#include "daemon/host_rest.hpp"

#include "http/error.hpp"

#include <boost/asio/error.hpp>
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

http::exchange_record failed(unsigned status, boost::system::error_code ec, std::optional<std::chrono::seconds> wait = {})
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
    EXPECT_EQ(rest.reason(), "HTTP 503 (maintenance or overload)");
}

TEST(host_rest_test, refused_connections_and_timeouts_are_unavailability_too)
{
    host_rest rest;
    rest.observe(failed(0, boost::asio::error::connection_refused));
    EXPECT_EQ(rest.end_pass(), 10s);
    EXPECT_NE(rest.reason().find("no connection"), std::string::npos);
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
