// Each fault the simulator can inject, and how the HTTP client reacts to it:
// retry, back off, give up, or return an error value.
#include "http/client.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/support/run.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace prereadd::sim {
namespace {

using namespace std::chrono_literals;
using http::error;

class fault_test : public ::testing::Test {
protected:
    fault_test()
    {
        sim.with_world([](world& w) {
            w.add_user("preread", "login-password").app_passwords.insert("app-password");
            w.first_login(*w.find_user("preread"));
            w.make_folder("preread", "/Projects");
        });
        config.retry.base_delay = 5ms;
        config.request_timeout = 2s;
    }

    http::client& client()
    {
        if (!client_) {
            client_.emplace(io.get_executor(), config, http::credential{"preread", http::secret("app-password")});
            client_->set_jitter_source([] { return 0.0; });
        }
        return *client_;
    }

    http::outcome<http::response> propfind()
    {
        http::request r;
        r.method = boost::beast::http::verb::propfind;
        r.url = sim.base_url() + "/remote.php/dav/files/preread/Projects";
        r.headers.set("Depth", "0");
        return test::run_awaitable(io, client().async_request(std::move(r)));
    }

    http::outcome<http::response> capabilities()
    {
        http::request r;
        r.url = sim.base_url() + "/ocs/v2.php/cloud/capabilities?format=json";
        r.ocs = true;
        return test::run_awaitable(io, client().async_request(std::move(r)));
    }

    nextcloud sim;
    boost::asio::io_context io;
    http::client_config config;
    std::optional<http::client> client_;
};

TEST_F(fault_test, status_503_with_retry_after_is_waited_out_then_succeeds)
{
    sim.inject(fault::of(fault::kind::status).on("/remote.php/dav/").answering(503).with_retry_after("1"));
    auto started = std::chrono::steady_clock::now();
    auto res = propfind();
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 207u);
    EXPECT_EQ(res->attempts, 2u);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);  // the wait is the behaviour under test
}

TEST_F(fault_test, status_429_beyond_the_cap_gives_up_with_the_server_s_wait)
{
    sim.inject(fault::of(fault::kind::status).answering(429).with_retry_after("600").times(5));
    auto res = capabilities();
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::rate_limited));
    EXPECT_EQ(res.error().retry_after, std::chrono::seconds(600));
    EXPECT_EQ(sim.requests_served(), 1u);
}

TEST_F(fault_test, repeated_502_backs_off_and_gives_up_after_the_attempts)
{
    config.retry.max_attempts = 3;
    sim.inject(fault::of(fault::kind::status).answering(502).times(0));
    auto res = propfind();
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::server_unavailable));
    EXPECT_EQ(sim.requests_served(), 3u);
}

TEST_F(fault_test, faults_for_a_time_window_end_by_themselves)
{
    // The window opens at inject(): long enough that the first attempt falls
    // into it even on a loaded machine under ASan (300 ms was not).
    config.retry.max_attempts = 50;
    config.retry.base_delay = 50ms;
    config.retry.max_delay = 100ms;
    sim.inject(fault::of(fault::kind::status).answering(503).for_window(1s));
    client().set_jitter_source([] { return 1.0; });
    auto res = propfind();
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_GT(res->attempts, 1u);
}

TEST_F(fault_test, delay_within_the_deadline_is_only_slower)
{
    sim.inject(fault::of(fault::kind::delay).after(200ms));
    auto res = propfind();
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->attempts, 1u);
}

TEST_F(fault_test, delay_beyond_the_deadline_times_out_then_the_retry_succeeds)
{
    config.request_timeout = 300ms;
    sim.inject(fault::of(fault::kind::delay).after(2s));
    auto res = propfind();
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->attempts, 2u);
}

TEST_F(fault_test, stall_is_a_timeout_error)
{
    config.request_timeout = 300ms;
    config.retry.max_attempts = 2;
    sim.inject(fault::of(fault::kind::stall).times(0));
    auto res = propfind();
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::timeout));
}

TEST_F(fault_test, a_server_gone_refuses_the_connection_until_it_listens_again)
{
    config.retry.max_attempts = 2;
    ASSERT_TRUE(propfind());  // a connection kept alive from now on
    sim.set_listening(false);
    auto gone = propfind();
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().code, boost::asio::error::connection_refused) << gone.error().message();
    boost::asio::ip::tcp::socket probe(io);
    boost::system::error_code ec;
    probe.connect({boost::asio::ip::make_address("127.0.0.1"), sim.port()}, ec);
    EXPECT_EQ(ec, boost::asio::error::connection_refused);
    sim.set_listening(true);
    auto back = propfind();
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(back->status, 207u);
}

TEST_F(fault_test, connection_reset_is_retried_for_reads)
{
    sim.inject(fault::of(fault::kind::reset));
    auto res = propfind();
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->attempts, 2u);
}

TEST_F(fault_test, connection_reset_is_not_retried_for_writes)
{
    sim.inject(fault::of(fault::kind::reset));
    http::request r;
    r.method = boost::beast::http::verb::put;
    r.url = sim.base_url() + "/remote.php/dav/files/preread/Projects/new.md";
    r.body = "hello";
    auto res = test::run_awaitable(io, client().async_request(std::move(r)));
    ASSERT_FALSE(res);
    EXPECT_TRUE(sim.with_world([](world& w) { return w.resolve("preread", "/Projects/new.md") == nullptr; }));
}

TEST_F(fault_test, truncated_body_is_a_connection_error_and_the_next_request_succeeds)
{
    config.retry.max_attempts = 1;
    sim.inject(fault::of(fault::kind::truncated));
    auto res = propfind();
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::connection_closed)) << res.error().message();
    auto again = propfind();
    ASSERT_TRUE(again) << again.error().message();
}

TEST_F(fault_test, malformed_body_arrives_as_is_for_the_parser_to_refuse)
{
    sim.inject(fault::of(fault::kind::malformed).on("/ocs/"));
    auto res = capabilities();
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_TRUE(nlohmann::json::parse(res->body, nullptr, false).is_discarded());
}

TEST_F(fault_test, oversized_body_is_refused_not_truncated)
{
    config.max_body_size = 1024 * 1024;
    sim.inject(fault::of(fault::kind::oversized).sized(4 * 1024 * 1024));
    auto res = propfind();
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::body_too_large));
}

TEST_F(fault_test, maintenance_mode_is_reported_as_such)
{
    config.retry.max_attempts = 2;
    sim.set_maintenance(true);
    auto dav = propfind();
    ASSERT_FALSE(dav);
    EXPECT_EQ(dav.error().code, make_error_code(error::maintenance_mode));
    EXPECT_EQ(sim.requests_served(), 1u) << "not retried: the daemon watches status.php for its end";
    auto ocs = capabilities();
    ASSERT_FALSE(ocs);
    EXPECT_THAT(ocs.error().detail, ::testing::HasSubstr("maintenance mode")) << ocs.error().detail;
    sim.set_maintenance(false);
    EXPECT_TRUE(propfind());
}

TEST_F(fault_test, wrong_password_is_sent_once_and_then_refused_locally)
{
    client_.emplace(io.get_executor(), config, http::credential{"preread", http::secret("wrong")});
    auto first = propfind();
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, make_error_code(error::unauthorized));
    auto second = propfind();
    EXPECT_EQ(second.error().code, make_error_code(error::credential_rejected));
    EXPECT_EQ(sim.requests_served(), 1u);
}

TEST(simulator_tls, serves_https_with_a_certificate_made_at_start)
{
    options opts;
    opts.tls = true;
    nextcloud sim(opts);
    ASSERT_FALSE(sim.ca_certificate_pem().empty());
    test::temp_dir tmp;
    boost::asio::io_context io;
    http::client_config config;
    config.ca_file = tmp.write("sim-ca.pem", sim.ca_certificate_pem());
    http::client c(io.get_executor(), config, {});
    for (const std::string host : {"127.0.0.1", "localhost"}) {
        http::request r;
        r.url = "https://" + host + ":" + std::to_string(sim.port()) + "/status.php";
        r.anonymous = true;
        auto res = test::run_awaitable(io, c.async_request(std::move(r)));
        ASSERT_TRUE(res) << host << ": " << res.error().message();
        EXPECT_THAT(res->body, ::testing::HasSubstr("\"installed\":true"));
    }
}

}  // namespace
}  // namespace prereadd::sim
