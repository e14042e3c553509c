// URL parsing into origin and target, and redirect resolution.
#include "http/url.hpp"

#include <gtest/gtest.h>

namespace prereadd::http {
namespace {

TEST(url, splits_origin_and_target)
{
    auto u = parse_url("https://cloud.example.org/remote.php/dav/files/preread/My%20Docs?x=1");
    ASSERT_TRUE(u);
    EXPECT_TRUE(u->origin.tls);
    EXPECT_EQ(u->origin.host, "cloud.example.org");
    EXPECT_EQ(u->origin.port, 443);
    EXPECT_EQ(u->target, "/remote.php/dav/files/preread/My%20Docs?x=1");
    EXPECT_EQ(u->origin.host_header(), "cloud.example.org");
}

TEST(url, explicit_ports_and_ipv6)
{
    auto u = parse_url("http://[::1]:8080");
    ASSERT_TRUE(u);
    EXPECT_FALSE(u->origin.tls);
    EXPECT_EQ(u->origin.host, "::1");
    EXPECT_EQ(u->origin.port, 8080);
    EXPECT_EQ(u->target, "/");
    EXPECT_EQ(u->origin.host_header(), "[::1]:8080");
    EXPECT_TRUE(u->origin.host_is_ip_literal());
}

TEST(url, refuses_other_schemes_missing_hosts_and_userinfo)
{
    EXPECT_FALSE(parse_url("ftp://example.org/"));
    EXPECT_FALSE(parse_url("https:///path"));
    EXPECT_FALSE(parse_url("https://user:pw@example.org/"));
    EXPECT_FALSE(parse_url("not a url"));
    EXPECT_EQ(parse_url("mailto:x@y").error().code, make_error_code(error::invalid_url));
    // Characters no URI has are refused before Boost.URL sees them (its 1.81 parser asserts on this one).
    EXPECT_FALSE(parse_url("Sep:`"));
    EXPECT_FALSE(parse_url("hTtrp:?"));
    EXPECT_FALSE(parse_url("https://cloud.example.org/a b"));
}

TEST(url, resolves_relative_and_absolute_locations)
{
    auto base = parse_url("https://cloud.example.org/index.php/apps/deck/");
    ASSERT_TRUE(base);
    auto rel = resolve_location(*base, "../files/?dir=/");
    ASSERT_TRUE(rel);
    EXPECT_EQ(rel->target, "/index.php/apps/files/?dir=/");
    EXPECT_EQ(rel->origin, base->origin);
    auto abs = resolve_location(*base, "https://other.example.org/login");
    ASSERT_TRUE(abs);
    EXPECT_NE(abs->origin, base->origin);
    auto downgrade = resolve_location(*base, "http://cloud.example.org/");
    ASSERT_TRUE(downgrade);
    EXPECT_NE(downgrade->origin, base->origin);
    EXPECT_FALSE(resolve_location(*base, "hTtrp:?")) << "another scheme, and one Boost.URL 1.81 asserts on";
}

}  // namespace
}  // namespace prereadd::http
