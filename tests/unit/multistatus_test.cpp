// The multistatus parsers fed with the real recorded bodies, and with the
// hostile variants a server or a proxy could send.
#include "tests/support/source_tree.hpp"
#include "tests/sim/capture.hpp"
#include "webdav/error.hpp"
#include "webdav/multistatus.hpp"

#include <gtest/gtest.h>

namespace prereadd::webdav {
namespace {

using namespace date;
using namespace std::chrono_literals;

std::string recorded_body(const std::string& name)
{
    return sim::load_capture(prereadd::test::nextcloud29_recordings() + "/" + name + ".http").response.body;
}

const file_entry& by_name(const std::vector<file_entry>& entries, const std::string& suffix)
{
    for (const auto& e : entries)
        if (e.href.ends_with(suffix)) return e;
    throw std::runtime_error("no entry ending in " + suffix);
}

TEST(multistatus, depth1_listing_of_the_project_folder)
{
    auto entries = parse_files(recorded_body("06-propfind-alpha-depth1"));
    ASSERT_TRUE(entries) << entries.error().message();
    ASSERT_EQ(entries->size(), 4u);

    const auto& folder = entries->front();
    EXPECT_EQ(folder.href, "/remote.php/dav/files/preread/Projects/Alpha/");
    EXPECT_TRUE(folder.collection);
    EXPECT_EQ(folder.etag, "6b06d7fec0e13");
    EXPECT_EQ(folder.file_id, 13);
    EXPECT_EQ(folder.size, 670);
    EXPECT_EQ(folder.permissions, "RGDNVCK");
    EXPECT_EQ(folder.share_types, std::vector<int>{1});
    EXPECT_FALSE(folder.content_length);  // in the 404 propstat

    const auto& agenda = by_name(*entries, "/agenda.md");
    EXPECT_FALSE(agenda.collection);
    EXPECT_EQ(agenda.etag, "f9e13f35532fe033dd9218597944c0d9");
    EXPECT_EQ(agenda.file_id, 14);
    EXPECT_EQ(agenda.content_length, 69);
    EXPECT_EQ(agenda.content_type, "text/markdown");
    EXPECT_EQ(agenda.last_modified, sys_days{2026_y / November / 25} + 12h + 43min + 42s);
    EXPECT_EQ(agenda.owner_id, "preread");
    EXPECT_EQ(agenda.share_types, std::vector<int>{0});
    EXPECT_EQ(agenda.comments_count, 0);
    EXPECT_EQ(agenda.mount_type, "");

    EXPECT_EQ(by_name(*entries, "/slides.pdf").share_types, std::vector<int>{3});
    EXPECT_TRUE(by_name(*entries, "/budget.ods").share_types.empty());
}

TEST(multistatus, parsing_in_place_reads_the_same_listing)
{
    const std::string recorded = recorded_body("06-propfind-alpha-depth1");
    auto copied = parse_files(recorded);
    std::string body = recorded;
    auto in_place = parse_files_in_place(body);
    ASSERT_TRUE(copied && in_place);
    ASSERT_EQ(in_place->size(), copied->size());
    for (std::size_t i = 0; i < copied->size(); ++i) {
        const auto& a = (*copied)[i];
        const auto& b = (*in_place)[i];
        EXPECT_EQ(b.href, a.href);
        EXPECT_EQ(b.etag, a.etag);
        EXPECT_EQ(b.file_id, a.file_id);
        EXPECT_EQ(b.last_modified, a.last_modified);
        EXPECT_EQ(b.permissions, a.permissions);
        EXPECT_EQ(b.share_types, a.share_types);
        EXPECT_EQ(b.comments_count, a.comments_count);
    }
    std::string broken = "<d:multistatus xmlns:d=\"DAV:\"><d:response>";
    EXPECT_FALSE(parse_files_in_place(broken));
}

TEST(multistatus, system_tags_empty_as_recorded_and_filled_as_nextcloud_writes_them)
{
    auto recorded = parse_files(recorded_body("06-propfind-alpha-depth1"));
    ASSERT_TRUE(recorded);
    for (const auto& e : *recorded) EXPECT_TRUE(e.system_tags.empty()) << e.href;
    // The recorded answer with agenda.md tagged, as SystemTagList serializes a tag.
    std::string body = recorded_body("06-propfind-alpha-depth1");
    const auto at = body.find("<nc:system-tags/>", body.find("agenda.md"));
    ASSERT_NE(at, std::string::npos);
    body.replace(at, 17,
                 "<nc:system-tags><nc:system-tag oc:can-assign=\"true\" oc:id=\"3\" oc:user-assignable=\"true\" "
                 "oc:user-visible=\"true\">alpha-2026-12-02</nc:system-tag></nc:system-tags>");
    auto tagged = parse_files(body);
    ASSERT_TRUE(tagged);
    bool found = false;
    for (const auto& e : *tagged)
        if (e.href.ends_with("agenda.md")) {
            EXPECT_EQ(e.system_tags, std::vector<std::string>{"alpha-2026-12-02"});
            found = true;
        }
    EXPECT_TRUE(found);
}

TEST(multistatus, recipient_sees_the_share_as_a_mount)
{
    auto entries = parse_files(recorded_body("09f-propfind-bob-root-depth1"));
    ASSERT_TRUE(entries) << entries.error().message();
    const auto& alpha = by_name(*entries, "/bob/Alpha/");
    EXPECT_EQ(alpha.mount_type, "shared");
    EXPECT_EQ(alpha.permissions, "SRGDNVCK");
    EXPECT_EQ(alpha.owner_id, "preread");
    EXPECT_EQ(alpha.file_id, 13);
}

TEST(multistatus, etags_change_with_a_write_but_not_with_a_comment)
{
    auto before = parse_files(recorded_body("10a-etag-folder-before"));
    auto written = parse_files(recorded_body("10c-etag-folder-after-modify"));
    auto commented = parse_files(recorded_body("10d-etag-folder-after-comment"));
    ASSERT_TRUE(before && written && commented);
    EXPECT_NE(before->front().etag, written->front().etag);
    EXPECT_NE(by_name(*before, "/agenda.md").etag, by_name(*written, "/agenda.md").etag);
    EXPECT_EQ(written->front().etag, commented->front().etag);
    EXPECT_EQ(by_name(*commented, "/agenda.md").comments_count, 1);
    EXPECT_EQ(by_name(*commented, "/agenda.md").comments_unread, 1);
}

TEST(multistatus, comments_report_newest_first_with_mentions)
{
    auto comments = parse_comments(recorded_body("11c-comments-report"));
    ASSERT_TRUE(comments) << comments.error().message();
    ASSERT_EQ(comments->size(), 2u);
    const auto& alice = comments->front();
    EXPECT_EQ(alice.id, 2);
    EXPECT_EQ(alice.actor_id, "alice");
    EXPECT_EQ(alice.object_id, 14);
    EXPECT_EQ(alice.object_type, "files");
    EXPECT_EQ(alice.message, "Second comment by alice: numbers are fine, thanks @\"bob\"");
    EXPECT_EQ(alice.created, sys_days{2026_y / November / 25} + 12h + 44min + 20s);
    EXPECT_TRUE(alice.unread);
    ASSERT_EQ(alice.mentions.size(), 1u);
    EXPECT_EQ(alice.mentions[0].id, "bob");
    EXPECT_EQ(comments->back().actor_id, "bob");
}

TEST(multistatus, comments_propfind_skips_the_collection)
{
    auto comments = parse_comments(recorded_body("11e-comments-propfind-collection"));
    ASSERT_TRUE(comments) << comments.error().message();
    ASSERT_EQ(comments->size(), 2u);
    EXPECT_EQ(comments->front().href, "/remote.php/dav/comments/files/14/2");
}

TEST(multistatus, names_are_matched_by_namespace_not_prefix)
{
    auto entries = parse_files(
        R"(<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/x/</D:href><D:propstat>)"
        R"(<D:prop><D:getetag>"abc"</D:getetag><X:fileid xmlns:X="http://owncloud.org/ns">7</X:fileid>)"
        R"(<Y:fileid xmlns:Y="urn:other">9</Y:fileid><D:resourcetype><D:collection/></D:resourcetype></D:prop>)"
        R"(<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>)");
    ASSERT_TRUE(entries) << entries.error().message();
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ(entries->front().file_id, 7);
    EXPECT_EQ(entries->front().etag, "abc");
    EXPECT_TRUE(entries->front().collection);
}

TEST(multistatus, a_prefix_bound_again_below_the_root_takes_the_nearer_binding)
{
    // d: means DAV: at the root and the ownCloud namespace inside one response;
    // o: is declared on the response, the default namespace on a property.
    auto entries = parse_files(
        R"(<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:o="urn:unused">)"
        R"(<d:response xmlns:o="http://owncloud.org/ns"><d:href>/a</d:href><d:propstat><d:prop>)"
        R"(<o:fileid>7</o:fileid><getetag xmlns="DAV:">"e1"</getetag>)"
        R"(<d:size xmlns:d="http://owncloud.org/ns">12</d:size></d:prop>)"
        R"(<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>)"
        R"(<d:response><d:href>/b</d:href><d:propstat><d:prop><o:fileid>8</o:fileid><d:getetag>"e2"</d:getetag></d:prop>)"
        R"(<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>)");
    ASSERT_TRUE(entries) << entries.error().message();
    ASSERT_EQ(entries->size(), 2u);
    EXPECT_EQ((*entries)[0].file_id, 7);
    EXPECT_EQ((*entries)[0].etag, "e1");
    EXPECT_EQ((*entries)[0].size, 12);
    EXPECT_FALSE((*entries)[1].file_id);  // o: is urn:unused outside the first response
    EXPECT_EQ((*entries)[1].etag, "e2");
}

TEST(multistatus, properties_of_a_404_propstat_are_not_taken)
{
    auto entries = parse_files(
        R"(<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:response>)"
        R"(<d:href>/a</d:href><d:propstat><d:prop><oc:comments-count>3</oc:comments-count></d:prop>)"
        R"(<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat><d:propstat><d:prop><oc:fileid>7</oc:fileid></d:prop>)"
        R"(<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>)");
    ASSERT_TRUE(entries) << entries.error().message();
    EXPECT_FALSE(entries->front().comments_count);
    EXPECT_EQ(entries->front().file_id, 7);
}

TEST(multistatus, text_split_by_a_comment_or_cdata_is_joined)
{
    auto entries = parse_files(
        R"(<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/a</d:href><d:propstat><d:prop>)"
        R"(<d:displayname>Pre<!-- x -->-read <![CDATA[<one>]]></d:displayname></d:prop>)"
        R"(<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>)");
    ASSERT_TRUE(entries) << entries.error().message();
    EXPECT_EQ(entries->front().display_name, "Pre-read <one>");
}

TEST(multistatus, an_href_in_pieces_is_joined_whole)
{
    auto entries =
        parse_files(R"(<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response>)"
                    R"(<d:href>/remote.php/dav/files/preread/<![CDATA[My%20Docs]]>/a.md</d:href><d:propstat><d:prop>)"
                    R"(<d:getetag>"e"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>)"
                    R"(</d:response></d:multistatus>)");
    ASSERT_TRUE(entries) << entries.error().message();
    EXPECT_EQ(entries->front().href, "/remote.php/dav/files/preread/My Docs/a.md");
    EXPECT_EQ(entries->front().etag, "e");
}

TEST(multistatus, hrefs_are_percent_decoded_including_non_ascii)
{
    auto entries =
        parse_files(R"(<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response>)"
                    R"(<d:href>/remote.php/dav/files/preread/My%20Docs/Pr%C3%A4sentation%20%23%3F%25.pdf</d:href>)"
                    R"(</d:response></d:multistatus>)");
    ASSERT_TRUE(entries) << entries.error().message();
    EXPECT_EQ(entries->front().href, "/remote.php/dav/files/preread/My Docs/Präsentation #?%.pdf");
}

TEST(multistatus, unknown_elements_are_ignored)
{
    auto entries = parse_files(
        R"(<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:z="urn:z"><z:extra>1</z:extra><d:response>)"
        R"(<d:href>/a</d:href><z:note/><d:propstat><d:prop><z:thing>x</z:thing><d:getcontentlength>5</d:getcontentlength>)"
        R"(</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>)");
    ASSERT_TRUE(entries) << entries.error().message();
    EXPECT_EQ(entries->front().content_length, 5);
}

TEST(multistatus, bad_bodies_are_error_values)
{
    const std::string listing = recorded_body("06-propfind-alpha-depth1");
    EXPECT_EQ(parse_files(listing.substr(0, listing.size() / 2)).error(), make_error_code(error::malformed_xml));
    EXPECT_EQ(parse_files("").error(), make_error_code(error::malformed_xml));
    EXPECT_EQ(parse_files(R"({"ocs":{}})").error(), make_error_code(error::malformed_xml));
    EXPECT_EQ(parse_files(recorded_body("07-propfind-missing-404")).error(), make_error_code(error::not_multistatus));
    EXPECT_EQ(
        parse_files(R"(<d:multistatus xmlns:d="DAV:"><d:response><d:propstat/></d:response></d:multistatus>)").error(),
        make_error_code(error::bad_href));
    EXPECT_EQ(parse_files(
                  R"(<d:multistatus xmlns:d="DAV:"><d:response><d:href>/bad%zz</d:href></d:response></d:multistatus>)")
                  .error(),
              make_error_code(error::bad_href));
    EXPECT_EQ(parse_comments("<oops").error(), make_error_code(error::malformed_xml));
}

}  // namespace
}  // namespace prereadd::webdav
