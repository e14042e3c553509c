// WebDAV and OCS URLs: encoded paths, the base path prefix, the OCS header.
#include "ocs/request.hpp"
#include "webdav/path.hpp"

#include <gtest/gtest.h>

namespace prereadd {
namespace {

TEST(webdav_path, encodes_each_segment)
{
    EXPECT_EQ(webdav::encode_path("/Projects/Alpha/agenda.md"), "/Projects/Alpha/agenda.md");
    EXPECT_EQ(webdav::encode_path("/My Docs/a#b?c%d.md"), "/My%20Docs/a%23b%3Fc%25d.md");
    EXPECT_EQ(webdav::encode_path("/Präsentation.pdf"), "/Pr%C3%A4sentation.pdf");
}

TEST(webdav_path, files_url_keeps_the_base_path)
{
    auto base = http::parse_url("https://cloud.example.org/nextcloud");
    ASSERT_TRUE(base);
    EXPECT_EQ(webdav::files_url(*base, "preread", "/Projects/Alpha"),
              "https://cloud.example.org:443/nextcloud/remote.php/dav/files/preread/Projects/Alpha");
}

TEST(ocs_request, v2_json_with_the_api_header)
{
    auto base = http::parse_url("http://127.0.0.1:8080");
    ASSERT_TRUE(base);
    auto req = ocs::make_request(*base, "/apps/files_sharing/api/v1/shares", "path=%2FProjects%2FAlpha");
    EXPECT_TRUE(req.ocs);
    EXPECT_EQ(req.url,
              "http://127.0.0.1:8080/ocs/v2.php/apps/files_sharing/api/v1/shares?path=%2FProjects%2FAlpha&format=json");
    EXPECT_EQ(req.headers[boost::beast::http::field::accept], "application/json");
}

}  // namespace
}  // namespace prereadd
