// The HTTP client against scripted loopback servers: keep-alive, closes,
// deadlines, limits, chunking, retries, redirects, cancellation and TLS.
#include "http/client.hpp"
#include "tests/support/certificates.hpp"
#include "tests/support/run.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_server.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/verb.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <optional>

namespace prereadd::http {
namespace {

namespace asio = boost::asio;
using boost::beast::http::verb;
using test::reply;
using namespace std::chrono_literals;

class http_client_test : public ::testing::Test {
protected:
    http_client_test() { config.retry.base_delay = 10ms; }

    client& make_client(credential cred = {"preread", secret("app-password-1")})
    {
        client_.emplace(io.get_executor(), config, std::move(cred));
        client_->set_jitter_source([] { return 0.0; });
        return *client_;
    }

    outcome<response> send(request r) { return test::run_awaitable(io, client_->async_request(std::move(r))); }

    outcome<response> get(const std::string& url)
    {
        request r;
        r.url = url;
        return send(std::move(r));
    }

    asio::io_context io;
    client_config config;
    std::optional<client> client_;
};

reply ok(std::string body = "ok")
{
    reply r;
    r.body = std::move(body);
    return r;
}

TEST_F(http_client_test, keep_alive_reuses_one_connection)
{
    test::test_server server([](const test::received_request&) { return ok(); });
    auto& c = make_client();
    for (int i = 0; i < 5; ++i) {
        auto res = get(server.url("/status.php"));
        ASSERT_TRUE(res) << res.error().message();
        EXPECT_EQ(res->status, 200u);
        EXPECT_EQ(res->body, "ok");
    }
    EXPECT_EQ(server.connections_accepted(), 1u);
    EXPECT_EQ(c.connection_stats().opened, 1u);
    EXPECT_EQ(c.connection_stats().reused, 4u);
}

TEST_F(http_client_test, connection_close_is_never_reused)
{
    test::test_server server([](const test::received_request&) {
        auto r = ok();
        r.keep_alive = false;
        return r;
    });
    auto& c = make_client();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(get(server.url("/")));
    EXPECT_EQ(server.connections_accepted(), 3u);
    EXPECT_EQ(c.connection_stats().reused, 0u);
    EXPECT_EQ(c.open_connections(), 0u);
}

TEST_F(http_client_test, idle_connection_closed_by_server_is_not_reused)
{
    std::atomic<int> n{0};
    test::test_server server([&](const test::received_request&) {
        // The first answer promises keep-alive, then the connection is closed
        // as Apache does when its KeepAliveTimeout passes.
        if (n++ == 0) {
            reply r;
            r.what = reply::action::raw;
            r.raw = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
            return r;
        }
        return ok("second");
    });
    auto& c = make_client();
    ASSERT_TRUE(get(server.url("/")));
    ASSERT_TRUE(server.wait_for_closed(1, 5s));
    auto second = get(server.url("/"));
    ASSERT_TRUE(second) << second.error().message();
    EXPECT_EQ(second->body, "second");
    EXPECT_EQ(server.connections_accepted(), 2u);
    EXPECT_EQ(c.stats().retries, 0u);
}

TEST_F(http_client_test, stalled_server_hits_the_deadline)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.what = reply::action::stall;
        return r;
    });
    config.request_timeout = 300ms;
    config.retry.max_attempts = 1;
    make_client();
    auto started = std::chrono::steady_clock::now();
    auto res = get(server.url("/remote.php/dav/files/preread/"));
    auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::timeout)) << res.error().message();
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 5s);
    EXPECT_EQ(client_->open_connections(), 0u);
}

TEST_F(http_client_test, idempotent_request_retried_after_timeout)
{
    std::atomic<int> n{0};
    test::test_server server([&](const test::received_request&) {
        if (n++ == 0) {
            reply r;
            r.what = reply::action::stall;
            return r;
        }
        return ok();
    });
    config.request_timeout = 300ms;
    make_client();
    auto res = get(server.url("/"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->attempts, 2u);
}

TEST_F(http_client_test, body_over_limit_is_an_error_not_a_truncation)
{
    test::test_server server([](const test::received_request&) { return ok(std::string(2 * 1024 * 1024, 'x')); });
    config.max_body_size = 1024 * 1024;
    make_client();
    auto res = get(server.url("/big"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::body_too_large));
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(http_client_test, body_at_limit_is_accepted)
{
    test::test_server server([](const test::received_request&) { return ok(std::string(4096, 'x')); });
    config.max_body_size = 4096;
    make_client();
    auto res = get(server.url("/"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->body.size(), 4096u);
}

TEST_F(http_client_test, chunked_body_is_assembled)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.what = reply::action::raw;
        r.close_after_raw = false;
        r.raw =
            "HTTP/1.1 207 Multi-Status\r\nTransfer-Encoding: chunked\r\nContent-Type: application/xml\r\n\r\n"
            "5\r\n<?xml\r\n"
            "10\r\n version=\"1.0\"?>\r\n"
            "0\r\n\r\n";
        return r;
    });
    auto& c = make_client();
    auto res = get(server.url("/"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->status, 207u);
    EXPECT_EQ(res->body, "<?xml version=\"1.0\"?>");
    ASSERT_TRUE(get(server.url("/")));
    EXPECT_EQ(c.connection_stats().reused, 1u);
}

TEST_F(http_client_test, chunked_body_over_limit_is_an_error)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.what = reply::action::raw;
        r.raw =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            "400\r\n" +
            std::string(1024, 'a') + "\r\n" + "400\r\n" + std::string(1024, 'b') + "\r\n0\r\n\r\n";
        return r;
    });
    config.max_body_size = 1500;
    make_client();
    auto res = get(server.url("/"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::body_too_large));
}

TEST_F(http_client_test, retry_after_seconds_is_honoured)
{
    std::atomic<int> n{0};
    test::test_server server([&](const test::received_request&) {
        if (n++ == 0) {
            reply r;
            r.status = 503;
            r.headers = {{"Retry-After", "1"}};
            return r;
        }
        return ok();
    });
    make_client();
    auto started = std::chrono::steady_clock::now();
    auto res = get(server.url("/ocs/v2.php/cloud/capabilities"));
    auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->attempts, 2u);
    EXPECT_GE(elapsed, 950ms);  // the wait is the behaviour under test
    EXPECT_LT(elapsed, 10s);
}

TEST_F(http_client_test, retry_after_beyond_the_cap_is_returned_to_the_caller)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.status = 429;
        r.headers = {{"Retry-After", "3600"}};
        return r;
    });
    make_client();
    auto res = get(server.url("/"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::rate_limited));
    ASSERT_TRUE(res.error().retry_after);
    EXPECT_EQ(*res.error().retry_after, 3600s);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(http_client_test, gateway_errors_retried_with_backoff_until_attempts_run_out)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.status = 502;
        return r;
    });
    config.retry.max_attempts = 3;
    make_client();
    auto res = get(server.url("/"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::server_unavailable));
    EXPECT_EQ(res.error().status, 502u);
    EXPECT_EQ(server.request_count(), 3u);
    EXPECT_EQ(client_->stats().retries, 2u);
}

TEST_F(http_client_test, maintenance_mode_is_named_in_the_failure)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.status = 503;
        r.headers = {{"X-Nextcloud-Maintenance-Mode", "1"}, {"Content-Type", "application/json; charset=utf-8"}};
        r.body = R"({"ocs":{"meta":{"status":"failure","statuscode":503,"message":""},"data":[]}})";
        return r;
    });
    config.retry.max_attempts = 2;
    make_client();
    auto res = get(server.url("/ocs/v2.php/cloud/capabilities"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::maintenance_mode));
    EXPECT_THAT(res.error().detail, ::testing::HasSubstr("maintenance mode")) << res.error().detail;
    EXPECT_EQ(server.requests().size(), 1u) << "not retried: the daemon watches status.php for its end";
}

TEST_F(http_client_test, post_is_never_retried)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.status = 503;
        return r;
    });
    make_client();
    request r;
    r.method = verb::post;
    r.url = server.url("/ocs/v2.php/apps/spreed/api/v1/chat/4csmt372");
    r.body = R"({"message":"hello"})";
    auto res = send(std::move(r));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::server_unavailable));
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(http_client_test, a_post_that_only_reads_is_retried_like_a_get)
{
    std::atomic<int> n{0};
    test::test_server server([&](const test::received_request&) {
        if (n++ == 0) {
            reply r;
            r.status = 503;
            return r;
        }
        return ok();
    });
    make_client();
    request r;
    r.method = verb::post;
    r.url = server.url("/webservice/rest/server.php?moodlewsrestformat=json");
    r.body = "wstoken=x&wsfunction=core_course_get_contents&courseid=2";
    r.safe_to_repeat = true;
    auto res = send(std::move(r));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->attempts, 2u);
    EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(http_client_test, post_not_retried_after_connection_reset)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.what = reply::action::close;
        return r;
    });
    make_client();
    request r;
    r.method = verb::put;
    r.url = server.url("/index.php/apps/deck/api/v1.0/boards/2/stacks/4/cards/4");
    auto res = send(std::move(r));
    ASSERT_FALSE(res);
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(http_client_test, unauthorized_is_not_retried_and_the_credential_is_set_aside)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.status = 401;
        r.headers = {{"WWW-Authenticate", "Basic realm=\"Nextcloud\", charset=\"UTF-8\""}};
        return r;
    });
    auto& c = make_client();
    auto first = get(server.url("/remote.php/dav/files/preread/Projects/Alpha"));
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, make_error_code(error::unauthorized));
    EXPECT_EQ(server.request_count(), 1u);
    EXPECT_FALSE(c.credential_usable());

    auto second = get(server.url("/remote.php/dav/files/preread/Projects/Alpha"));
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, make_error_code(error::credential_rejected));
    EXPECT_EQ(server.request_count(), 1u) << "a rejected credential must not be sent again";
    EXPECT_THAT(second.error().detail, ::testing::Not(::testing::HasSubstr("app-password")));

    c.reset_credential({"preread", secret("app-password-2")});
    auto third = get(server.url("/"));
    EXPECT_EQ(server.request_count(), 2u);
    EXPECT_EQ(third.error().code, make_error_code(error::unauthorized));
}

TEST_F(http_client_test, forbidden_is_a_distinct_error_with_the_body)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.status = 403;
        r.body = R"({"status":403,"message":"Permission denied"})";
        return r;
    });
    make_client();
    auto res = get(server.url("/index.php/apps/deck/api/v1.0/boards/99999"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::forbidden));
    EXPECT_THAT(res.error().detail, ::testing::HasSubstr("Permission denied"));
    EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(http_client_test, not_found_is_a_response_for_the_caller)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.status = 404;
        return r;
    });
    make_client();
    auto res = get(server.url("/missing"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404u);
}

TEST_F(http_client_test, sends_identity_authorization_and_ocs_header)
{
    test::test_server server([](const test::received_request&) { return ok(); });
    make_client({"preread", secret("app:pass")});
    request r;
    r.url = server.url("/ocs/v2.php/cloud/user?format=json");
    r.ocs = true;
    ASSERT_TRUE(send(std::move(r)));
    request plain;
    plain.url = server.url("/status.php");
    plain.anonymous = true;
    ASSERT_TRUE(send(std::move(plain)));

    auto seen = server.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].target, "/ocs/v2.php/cloud/user?format=json");
    EXPECT_EQ(seen[0].headers["ocs-apirequest"], "true");
    EXPECT_EQ(seen[0].headers["authorization"], "Basic cHJlcmVhZDphcHA6cGFzcw==");  // preread:app:pass
    EXPECT_EQ(seen[0].headers["user-agent"], std::string("prereadd/") + prereadd::version);
    EXPECT_EQ(seen[0].headers["host"], "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(seen[1].headers.count("authorization"), 0u);
    EXPECT_EQ(seen[1].headers.count("ocs-apirequest"), 0u);
}

TEST_F(http_client_test, same_host_redirect_is_followed)
{
    test::test_server server([](const test::received_request& req) {
        if (req.target == "/old") {
            reply r;
            r.status = 301;
            r.headers = {{"Location", "/new?x=1"}};
            return r;
        }
        return ok(req.target);
    });
    make_client();
    auto res = get(server.url("/old"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->body, "/new?x=1");
    EXPECT_EQ(client_->stats().redirects, 1u);
}

TEST_F(http_client_test, redirect_to_another_host_is_refused)
{
    test::test_server elsewhere([](const test::received_request&) { return ok(); });
    test::test_server server([&](const test::received_request&) {
        reply r;
        r.status = 302;
        r.headers = {{"Location", elsewhere.url("/steal")}};
        return r;
    });
    make_client();
    auto res = get(server.url("/"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::redirect_to_other_host));
    EXPECT_EQ(elsewhere.request_count(), 0u);
}

TEST_F(http_client_test, redirect_loop_stops_after_five)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.status = 307;
        r.headers = {{"Location", "/again"}};
        return r;
    });
    make_client();
    auto res = get(server.url("/"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::too_many_redirects));
    EXPECT_EQ(server.request_count(), 6u);
}

TEST_F(http_client_test, see_other_turns_post_into_get)
{
    test::test_server server([](const test::received_request& req) {
        if (req.method == "POST") {
            reply r;
            r.status = 303;
            r.headers = {{"Location", "/result"}};
            return r;
        }
        return ok(req.method + " " + req.target);
    });
    make_client();
    request r;
    r.method = verb::post;
    r.url = server.url("/submit");
    r.body = "x=1";
    auto res = send(std::move(r));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "GET /result");
}

TEST_F(http_client_test, refused_connection_is_retried_then_reported)
{
    config.retry.max_attempts = 2;
    make_client();
    auto res = get("http://127.0.0.1:" + std::to_string(test::unused_port()) + "/");
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(asio::error::connection_refused)) << res.error().message();
    EXPECT_EQ(client_->stats().attempts, 2u);
}

TEST_F(http_client_test, malformed_response_is_an_error)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.what = reply::action::raw;
        r.raw = "this is not HTTP\r\n\r\n";
        return r;
    });
    make_client();
    auto res = get(server.url("/"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::malformed_response)) << res.error().message();
}

TEST_F(http_client_test, truncated_body_is_an_error)
{
    test::test_server server([](const test::received_request&) {
        reply r;
        r.what = reply::action::raw;
        r.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part";
        return r;
    });
    config.retry.max_attempts = 1;
    make_client();
    auto res = get(server.url("/"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::connection_closed)) << res.error().message();
}

TEST_F(http_client_test, cancellation_aborts_the_request_in_flight)
{
    asio::cancellation_signal cancel;
    test::test_server server([&](const test::received_request&) {
        // The request has arrived: cancel it from the client's own thread.
        asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
        reply r;
        r.what = reply::action::stall;
        return r;
    });
    config.request_timeout = 20s;
    make_client();
    request r;
    r.url = server.url("/");
    std::optional<outcome<response>> result;
    asio::co_spawn(io, client_->async_request(std::move(r)),
                   asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, outcome<response> res) {
                       if (e) std::rethrow_exception(e);
                       result.emplace(std::move(res));
                   }));
    auto started = std::chrono::steady_clock::now();
    io.run_for(15s);
    ASSERT_TRUE(result.has_value());
    ASSERT_FALSE(*result);
    EXPECT_EQ(result->error().code, make_error_code(asio::error::operation_aborted)) << result->error().message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_EQ(client_->open_connections(), 0u);
}

TEST_F(http_client_test, connections_per_host_are_bounded)
{
    test::test_server server([](const test::received_request&) {
        auto r = ok();
        r.delay = 50ms;
        return r;
    });
    config.max_connections_per_host = 2;
    make_client();
    int done = 0;
    for (int i = 0; i < 6; ++i) {
        request r;
        r.url = server.url("/" + std::to_string(i));
        asio::co_spawn(io, client_->async_request(std::move(r)), [&](std::exception_ptr e, outcome<response> res) {
            if (e) std::rethrow_exception(e);
            EXPECT_TRUE(res) << res.error().message();
            ++done;
        });
    }
    io.run_for(20s);
    EXPECT_EQ(done, 6);
    EXPECT_EQ(server.request_count(), 6u);
    EXPECT_LE(server.max_concurrent_connections(), 2u);
    EXPECT_EQ(server.connections_accepted(), 2u);
}

class http_tls_test : public http_client_test {
protected:
    std::string ca_file(const test::test_ca& which) const { return tmp.write("ca.pem", which.certificate_pem()); }

    test::test_ca ca;
    test::temp_dir tmp;
};

TEST_F(http_tls_test, certificate_trusted_through_ca_file_is_accepted)
{
    auto identity = ca.issue({"DNS:localhost", "IP:127.0.0.1"});
    test::test_server server([](const test::received_request&) { return ok("secure"); }, &identity);
    config.ca_file = ca_file(ca);
    auto& c = make_client();
    for (const char* host : {"localhost", "127.0.0.1"}) {
        auto res = get(server.url("/status.php", host));
        ASSERT_TRUE(res) << host << ": " << res.error().message();
        EXPECT_EQ(res->body, "secure");
    }
    ASSERT_TRUE(get(server.url("/status.php", "localhost")));
    EXPECT_GE(c.connection_stats().reused, 1u);
}

TEST_F(http_tls_test, wrong_host_name_is_refused_and_says_why)
{
    auto identity = ca.issue({"DNS:cloud.example.org"});
    test::test_server server([](const test::received_request&) { return ok(); }, &identity);
    config.ca_file = ca_file(ca);
    make_client();
    auto res = get(server.url("/", "localhost"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::tls_verification_failed)) << res.error().message();
    EXPECT_THAT(res.error().detail, ::testing::HasSubstr("hostname mismatch")) << res.error().detail;
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(http_tls_test, untrusted_certificate_is_refused_and_says_why)
{
    test::test_ca stranger("untrusted CA");
    auto identity = stranger.issue({"DNS:localhost"});
    test::test_server server([](const test::received_request&) { return ok(); }, &identity);
    config.ca_file = ca_file(ca);
    make_client();
    auto res = get(server.url("/", "localhost"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::tls_verification_failed)) << res.error().message();
    EXPECT_THAT(res.error().detail, ::testing::HasSubstr("local issuer certificate")) << res.error().detail;
    EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(http_tls_test, system_store_does_not_trust_a_private_ca)
{
    auto identity = ca.issue({"DNS:localhost"});
    test::test_server server([](const test::received_request&) { return ok(); }, &identity);
    make_client();
    auto res = get(server.url("/", "localhost"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(error::tls_verification_failed)) << res.error().message();
}

TEST_F(http_tls_test, close_without_close_notify_after_a_complete_body_is_not_an_error)
{
    auto identity = ca.issue({"DNS:localhost"});
    test::test_server server(
        [](const test::received_request&) {
            reply r;
            r.what = reply::action::raw;
            // No Content-Length: the body ends when the connection does, and the
            // peer drops TCP without a TLS close_notify.
            r.raw = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\ncomplete body";
            return r;
        },
        &identity);
    config.ca_file = ca_file(ca);
    make_client();
    auto res = get(server.url("/", "localhost"));
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->body, "complete body");
}

TEST_F(http_tls_test, missing_ca_file_is_a_start_up_error)
{
    config.ca_file = "/nonexistent/prereadd-ca.pem";
    EXPECT_THROW(make_client(), std::runtime_error);
}

}  // namespace
}  // namespace prereadd::http
