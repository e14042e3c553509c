// The retry rules as a pure function: which methods, which outcomes, how long
// to wait, and Retry-After in both of its forms.
#include "http/error.hpp"
#include "http/retry_policy.hpp"

#include <boost/asio/error.hpp>
#include <date/date.h>
#include <gtest/gtest.h>

namespace prereadd::http {
namespace {

using boost::beast::http::verb;
using namespace std::chrono_literals;

attempt_result status(unsigned s, std::optional<std::chrono::seconds> retry_after = std::nullopt)
{
    attempt_result r;
    r.status = s;
    r.retry_after = retry_after;
    return r;
}

attempt_result transport(boost::system::error_code ec)
{
    attempt_result r;
    r.transport = ec;
    return r;
}

TEST(retry_policy, only_idempotent_methods_are_retried)
{
    retry_config c;
    for (verb m : {verb::get, verb::head, verb::propfind, verb::report, verb::options})
        EXPECT_TRUE(decide_retry(c, m, 1, status(503), 0.5).retry) << boost::beast::http::to_string(m);
    for (verb m : {verb::post, verb::put, verb::delete_, verb::proppatch, verb::mkcol, verb::patch})
        EXPECT_FALSE(decide_retry(c, m, 1, status(503), 0.5).retry) << boost::beast::http::to_string(m);
}

TEST(retry_policy, retryable_statuses)
{
    retry_config c;
    for (unsigned s : {429u, 502u, 503u, 504u}) EXPECT_TRUE(decide_retry(c, verb::get, 1, status(s), 0.5).retry) << s;
    for (unsigned s : {200u, 207u, 304u, 400u, 401u, 403u, 404u, 412u, 500u, 501u})
        EXPECT_FALSE(decide_retry(c, verb::get, 1, status(s), 0.5).retry) << s;
}

TEST(retry_policy, maintenance_mode_is_not_retried_within_a_request)
{
    // Issue 27: each failed pass in maintenance sent four PROPFINDs; the daemon
    // watches status.php for the end of maintenance instead.
    retry_config c;
    auto maintenance = status(503);
    maintenance.maintenance = true;
    EXPECT_FALSE(decide_retry(c, verb::get, 1, maintenance, 0.5).retry);
    maintenance.retry_after = std::chrono::seconds(1);
    EXPECT_FALSE(decide_retry(c, verb::get, 1, maintenance, 0.5).retry);
}

TEST(retry_policy, transient_transport_errors_are_retried)
{
    retry_config c;
    EXPECT_TRUE(decide_retry(c, verb::get, 1, transport(boost::asio::error::connection_refused), 0.5).retry);
    EXPECT_TRUE(decide_retry(c, verb::get, 1, transport(boost::asio::error::connection_reset), 0.5).retry);
    EXPECT_TRUE(decide_retry(c, verb::get, 1, transport(make_error_code(error::timeout)), 0.5).retry);
    EXPECT_TRUE(decide_retry(c, verb::get, 1, transport(make_error_code(error::connection_closed)), 0.5).retry);
    EXPECT_FALSE(decide_retry(c, verb::get, 1, transport(make_error_code(error::tls_verification_failed)), 0.5).retry);
    EXPECT_FALSE(decide_retry(c, verb::get, 1, transport(make_error_code(error::body_too_large)), 0.5).retry);
    EXPECT_FALSE(decide_retry(c, verb::get, 1, transport(make_error_code(error::malformed_response)), 0.5).retry);
    EXPECT_FALSE(decide_retry(c, verb::get, 1, transport(boost::asio::error::operation_aborted), 0.5).retry);
}

TEST(retry_policy, attempts_are_bounded)
{
    retry_config c;
    c.max_attempts = 3;
    EXPECT_TRUE(decide_retry(c, verb::get, 2, status(503), 0.5).retry);
    EXPECT_FALSE(decide_retry(c, verb::get, 3, status(503), 0.5).retry);
}

TEST(retry_policy, full_jitter_grows_exponentially_up_to_the_cap)
{
    retry_config c;
    c.base_delay = 500ms;
    c.max_delay = 4s;
    c.max_attempts = 10;
    EXPECT_EQ(decide_retry(c, verb::get, 1, status(503), 0.999999).delay, 499ms);
    EXPECT_EQ(decide_retry(c, verb::get, 2, status(503), 0.5).delay, 500ms);
    EXPECT_EQ(decide_retry(c, verb::get, 3, status(503), 0.5).delay, 1000ms);
    EXPECT_EQ(decide_retry(c, verb::get, 9, status(503), 0.5).delay, 2000ms);  // capped at 4 s
    EXPECT_EQ(decide_retry(c, verb::get, 3, status(503), 0.0).delay, 0ms);
}

TEST(retry_policy, retry_after_replaces_the_backoff_up_to_its_cap)
{
    retry_config c;
    c.max_retry_after = 120s;
    auto d = decide_retry(c, verb::get, 1, status(503, 7s), 0.0);
    EXPECT_TRUE(d.retry);
    EXPECT_EQ(d.delay, 7000ms);
    EXPECT_FALSE(decide_retry(c, verb::get, 1, status(429, 121s), 0.0).retry);
}

TEST(retry_policy, retry_after_in_seconds)
{
    auto now = std::chrono::system_clock::now();
    EXPECT_EQ(parse_retry_after("120", now), std::chrono::seconds(120));
    EXPECT_EQ(parse_retry_after(" 0 ", now), std::chrono::seconds(0));
    EXPECT_FALSE(parse_retry_after("-5", now));
    EXPECT_FALSE(parse_retry_after("1.5", now));
    EXPECT_FALSE(parse_retry_after("", now));
    EXPECT_FALSE(parse_retry_after("soon", now));
}

TEST(retry_policy, retry_after_as_http_date)
{
    using namespace date;
    const auto now = sys_days{2026_y / November / 25} + 12h + 45min + 51s;
    EXPECT_EQ(parse_retry_after("Wed, 25 Nov 2026 12:46:51 GMT", now), std::chrono::seconds(60));
    EXPECT_EQ(parse_retry_after("Wednesday, 25-Nov-26 12:46:51 GMT", now), std::chrono::seconds(60));
    EXPECT_EQ(parse_retry_after("Wed Nov 25 12:46:51 2026", now), std::chrono::seconds(60));
    EXPECT_EQ(parse_retry_after("Wed, 25 Nov 2026 12:00:00 GMT", now), std::chrono::seconds(0));
    EXPECT_FALSE(parse_retry_after("Wed, 25 Nov 2026 12:46:51 GMT trailing", now));
    EXPECT_FALSE(parse_retry_after("25 Nov 2026", now));
    // Found by the fuzzer: a date a thousand years back overflowed the nanosecond difference.
    EXPECT_EQ(parse_retry_after("Wed, 25 Nov 1013 12:44:19 GMT", now), std::chrono::seconds(0));
    EXPECT_EQ(parse_retry_after("Wed, 25 Nov 9999 12:44:19 GMT", now),
              sys_days{9999_y / November / 25} + 12h + 44min + 19s - now);
}

}  // namespace
}  // namespace prereadd::http
