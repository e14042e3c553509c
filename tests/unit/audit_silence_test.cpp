// The silent audit log rule (tracking/audit_silence.hpp): how long, with how
// many downloads, once, and cleared when the log grows.
#include "tracking/audit_silence.hpp"

#include <gtest/gtest.h>

namespace prereadd::tracking {
namespace {

using namespace std::chrono_literals;

TEST(audit_silence, silent_for_an_hour_while_downloads_are_reported_warns_once)
{
    auto step = watch_audit_silence({}, false, 0, 1000, 1h);
    EXPECT_EQ(step.next, (audit_silence{1000, 0, false})) << "watching starts";
    step = watch_audit_silence(step.next, false, 2, 1000 + 3599, 1h);
    EXPECT_FALSE(step.warn_now) << "not an hour yet";
    step = watch_audit_silence(step.next, false, 0, 1000 + 3600, 1h);
    EXPECT_TRUE(step.warn_now);
    EXPECT_EQ(step.next.downloads_since, 2);
    step = watch_audit_silence(step.next, false, 5, 1000 + 7200, 1h);
    EXPECT_FALSE(step.warn_now) << "once";
    step = watch_audit_silence(step.next, true, 0, 1000 + 7300, 1h);
    EXPECT_TRUE(step.cleared);
    EXPECT_EQ(step.next, (audit_silence{1000 + 7300, 0, false}));
}

TEST(audit_silence, a_quiet_log_with_nobody_downloading_is_no_warning)
{
    auto step = watch_audit_silence({1000, 0, false}, false, 0, 1000 + 86400, 1h);
    EXPECT_FALSE(step.warn_now) << "nothing was read: a quiet log is expected";
}

TEST(audit_silence, kept_as_text_in_the_cursors)
{
    const audit_silence s{1796000000, 3, true};
    EXPECT_EQ(parse_audit_silence(to_string(s)), s);
    EXPECT_FALSE(parse_audit_silence(""));
    EXPECT_FALSE(parse_audit_silence("1:2"));
    EXPECT_FALSE(parse_audit_silence("1:2:3"));
    EXPECT_FALSE(parse_audit_silence("1:2:1x"));
}

}  // namespace
}  // namespace prereadd::tracking
