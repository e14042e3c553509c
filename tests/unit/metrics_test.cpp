// /metrics text and /healthz rules, without a server.
#include "daemon/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prereadd::daemon {
namespace {

using namespace std::chrono_literals;

TEST(metrics, endpoints_are_a_bounded_set_of_labels)
{
    EXPECT_EQ(endpoint_of("/remote.php/dav/files/preread/Projects/Alpha"), "dav_files");
    EXPECT_EQ(endpoint_of("/nextcloud/remote.php/dav/comments/files/14"), "dav_comments");
    EXPECT_EQ(endpoint_of("/remote.php/dav/calendars/preread/personal/"), "dav_calendars");
    EXPECT_EQ(endpoint_of("/ocs/v2.php/apps/files_sharing/api/v1/shares"), "ocs_shares");
    EXPECT_EQ(endpoint_of("/ocs/v2.php/cloud/groups/team-alpha/users"), "ocs_groups");
    EXPECT_EQ(endpoint_of("/ocs/v2.php/apps/activity/api/v2/activity/all"), "ocs_activity");
    EXPECT_EQ(endpoint_of("/ocs/v2.php/apps/spreed/api/v1/chat/4csmt372"), "talk_chat");
    EXPECT_EQ(endpoint_of("/ocs/v2.php/apps/spreed/api/v4/room"), "talk_room");
    EXPECT_EQ(endpoint_of("/index.php/apps/deck/api/v1.0/boards/2/stacks/4"), "deck");
    EXPECT_EQ(endpoint_of("/somewhere/else"), "other");
}

TEST(metrics, the_text_format_with_counters_histograms_and_labels)
{
    metrics m;
    m.observe(http::exchange_record{"PROPFIND", "/remote.php/dav/files/preread/Projects/Alpha", 207, {}, 30ms, {}});
    m.observe(http::exchange_record{"PROPFIND", "/remote.php/dav/files/preread/Projects/Beta", 207, {}, 2s, {}});
    m.observe(http::exchange_record{"GET",
                                    "/ocs/v2.php/apps/activity/api/v2/activity/all",
                                    0,
                                    make_error_code(boost::asio::error::connection_refused),
                                    1ms,
                                    {}});
    tracking::cycle_report cycle;
    cycle.projects_ok = 1;
    cycle.polled = {"alpha \"quoted\""};
    cycle.engagements_recorded = 3;
    cycle.folders_vouched = 1;
    m.observe(cycle, 40ms, 1796202000, 1);
    reminding::reminder_report sent;
    sent.sent = 2;
    sent.late = 1;
    m.observe(sent);
    m.set_audit_lag(512);
    const auto text = m.render();
    EXPECT_THAT(text, ::testing::HasSubstr("# TYPE prereadd_http_requests_total counter\n"));
    EXPECT_THAT(text, ::testing::HasSubstr("prereadd_http_requests_total{endpoint=\"dav_files\",status=\"207\"} 2\n"))
        << text;
    EXPECT_THAT(text,
                ::testing::HasSubstr("prereadd_http_requests_total{endpoint=\"ocs_activity\",status=\"error\"} 1\n"));
    EXPECT_NE(text.find("prereadd_http_request_duration_seconds_bucket{endpoint=\"dav_files\",le=\"0.05\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("prereadd_http_request_duration_seconds_bucket{endpoint=\"dav_files\",le=\"+Inf\"} 2\n"),
              std::string::npos);
    EXPECT_THAT(text, ::testing::HasSubstr("prereadd_http_request_duration_seconds_count{endpoint=\"dav_files\"} 2\n"));
    EXPECT_THAT(text, ::testing::HasSubstr("prereadd_poll_cycle_duration_seconds_count 1\n"));
    EXPECT_THAT(text, ::testing::HasSubstr("prereadd_messages_total{outcome=\"late\"} 1\n"));
    EXPECT_THAT(text, ::testing::HasSubstr("prereadd_engagements_recorded_total 3\n"));
    EXPECT_THAT(
        text, ::testing::HasSubstr("# TYPE prereadd_folders_vouched_total counter\nprereadd_folders_vouched_total 1\n"))
        << text;
    EXPECT_THAT(text, ::testing::HasSubstr("prereadd_audit_log_lag_bytes 512\n"));
    EXPECT_NE(
        text.find("prereadd_last_successful_cycle_timestamp_seconds{project=\"alpha \\\"quoted\\\"\"} 1796202000\n"),
        std::string::npos)
        << text;
}

TEST(metrics, healthy_only_within_three_intervals_of_a_complete_cycle)
{
    metrics m;
    EXPECT_FALSE(m.healthz(1000, 60s).ok);
    tracking::cycle_report failed;
    failed.errors = {"alpha: PROPFIND /Projects/Alpha answered 503"};
    m.observe(failed, 10ms, 1000, 1);
    auto h = m.healthz(1000, 60s);
    EXPECT_FALSE(h.ok);
    EXPECT_THAT(h.reason, ::testing::HasSubstr("503")) << h.reason;
    tracking::cycle_report ok;
    ok.projects_ok = 1;
    m.observe(ok, 10ms, 1060, 1);
    EXPECT_TRUE(m.healthz(1060 + 180, 60s).ok);
    h = m.healthz(1060 + 181, 60s);
    EXPECT_FALSE(h.ok);
    EXPECT_THAT(h.reason, ::testing::HasSubstr("181 s ago")) << h.reason;
    m.set_credential_rejected(true);
    EXPECT_THAT(m.healthz(1061, 60s).reason, ::testing::HasSubstr("401"));
}

}  // namespace
}  // namespace prereadd::daemon
