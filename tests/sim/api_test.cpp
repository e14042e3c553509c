// The daemon's WebDAV and OCS calls against the simulator: listings, the
// ETag short-cut, comments, shares, group members and the activity cursor.
#include "ocs/api.hpp"
#include "tests/sim/nextcloud.hpp"
#include "tests/support/run.hpp"
#include "webdav/error.hpp"
#include "webdav/requests.hpp"

#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace prereadd {
namespace {

using namespace std::chrono_literals;

class api_test : public ::testing::Test {
protected:
    api_test()
    {
        // The server's clock at the recordings' time: agenda.md's share to alice
        // expires on 2026-12-09, after which Nextcloud deletes it when listed.
        sim.with_world([](sim::world& w) { w.set_clock(1795610700); });  // 2026-11-25 12:45 UTC
        sim.control(nlohmann::json::parse(R"([
          {"op":"user","id":"preread","password":"pw","app_password":"app-pw"},
          {"op":"user","id":"alice","password":"pw"},
          {"op":"user","id":"bob","password":"pw"},
          {"op":"group","id":"team-alpha","members":["alice","bob"]},
          {"op":"mkdir","user":"preread","path":"/Projects"},
          {"op":"mkdir","user":"preread","path":"/Projects/Alpha"},
          {"op":"put","user":"preread","path":"/Projects/Alpha/agenda.md","content":"# Agenda","mime":"text/markdown"},
          {"op":"put","user":"preread","path":"/Projects/Alpha/Präsentation #1.pdf","content":"%PDF","mime":"application/pdf"},
          {"op":"share","user":"preread","path":"/Projects/Alpha","type":"group","with":"team-alpha"},
          {"op":"share","user":"preread","path":"/Projects/Alpha/agenda.md","type":"user","with":"alice","expire":"2026-12-09"}
        ])"));
        base = *http::parse_url(sim.base_url());
    }

    template <class T>
    T run(boost::asio::awaitable<T> task)
    {
        return test::run_awaitable(io, std::move(task));
    }

    sim::nextcloud sim;
    boost::asio::io_context io;
    http::client client{io.get_executor(), {}, {"preread", http::secret("app-pw")}};
    http::url base;
};

TEST_F(api_test, folder_listing_and_the_etag_short_cut)
{
    auto folder = run(webdav::async_list(client, base, "preread", "/Projects/Alpha", 0));
    ASSERT_TRUE(folder) << folder.error().message();
    ASSERT_EQ(folder->size(), 1u);
    const auto etag = folder->front().etag;
    ASSERT_TRUE(etag);

    auto listing = run(webdav::async_list(client, base, "preread", "/Projects/Alpha", 1));
    ASSERT_TRUE(listing) << listing.error().message();
    ASSERT_EQ(listing->size(), 3u);
    auto named = [&](const std::string& href) {
        return std::find_if(listing->begin(), listing->end(), [&](const auto& e) { return e.href == href; });
    };
    const std::string prefix = "/remote.php/dav/files/preread/Projects/Alpha/";
    EXPECT_NE(named(prefix + "Präsentation #1.pdf"), listing->end());  // percent-encoding round trip
    ASSERT_NE(named(prefix + "agenda.md"), listing->end());
    EXPECT_EQ(named(prefix + "agenda.md")->share_types, std::vector<int>{0});

    // A comment leaves the ETag alone; a write changes it.
    sim.control({{"op", "comment"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}, {"message", "read @preread"}});
    EXPECT_EQ(run(webdav::async_list(client, base, "preread", "/Projects/Alpha", 0))->front().etag, etag);
    sim.control({{"op", "put"}, {"user", "preread"}, {"path", "/Projects/Alpha/agenda.md"}, {"content", "# v2"}});
    EXPECT_NE(run(webdav::async_list(client, base, "preread", "/Projects/Alpha", 0))->front().etag, etag);
}

TEST_F(api_test, a_missing_folder_is_not_found)
{
    auto res = run(webdav::async_list(client, base, "preread", "/Projects/Gone", 0));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(webdav::error::not_found));
}

TEST_F(api_test, comments_of_a_file)
{
    auto listing = run(webdav::async_list(client, base, "preread", "/Projects/Alpha/agenda.md", 0));
    ASSERT_TRUE(listing);
    const auto file_id = *listing->front().file_id;
    sim.control({{"op", "comment"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}, {"message", "first"}});
    sim.control({{"op", "comment"}, {"user", "alice"}, {"path", "/Alpha/agenda.md"}, {"message", "second, @bob"}});
    auto comments = run(webdav::async_comments(client, base, file_id));
    ASSERT_TRUE(comments) << comments.error().message();
    ASSERT_EQ(comments->size(), 2u);
    EXPECT_EQ(comments->front().actor_id, "alice");
    ASSERT_EQ(comments->front().mentions.size(), 1u);
    EXPECT_EQ(comments->front().mentions[0].id, "bob");
}

TEST_F(api_test, shares_of_the_folder_and_its_files)
{
    auto folder = run(ocs::async_shares(client, base, "/Projects/Alpha", false));
    ASSERT_TRUE(folder) << folder.error().message();
    ASSERT_EQ(folder->size(), 1u);
    EXPECT_EQ(folder->front().type, 1);
    EXPECT_EQ(folder->front().file_target, "/Alpha");
    auto files = run(ocs::async_shares(client, base, "/Projects/Alpha", true));
    ASSERT_TRUE(files);
    ASSERT_EQ(files->size(), 1u);
    EXPECT_EQ(files->front().share_with, "alice");
    ASSERT_TRUE(files->front().expiration);
    auto missing = run(ocs::async_shares(client, base, "/Projects/Gone", false));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, make_error_code(ocs::error::request_failed));
    EXPECT_THAT(missing.error().detail, ::testing::HasSubstr("404")) << missing.error().detail;
}

TEST_F(api_test, group_members_need_a_sub_admin)
{
    auto refused = run(ocs::async_group_members(client, base, "team-alpha"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, make_error_code(http::error::forbidden));
    sim.with_world([](sim::world& w) { w.add_subadmin("preread", "team-alpha"); });
    auto members = run(ocs::async_group_members(client, base, "team-alpha"));
    ASSERT_TRUE(members) << members.error().message();
    EXPECT_EQ(*members, (std::vector<std::string>{"alice", "bob"}));
}

TEST_F(api_test, the_activity_cursor_moves_and_then_costs_a_304)
{
    auto first = run(ocs::async_activities(client, base, 0));
    ASSERT_TRUE(first) << first.error().message();
    ASSERT_FALSE(first->items.empty());
    ASSERT_TRUE(first->last_given);
    EXPECT_TRUE(std::is_sorted(first->items.begin(), first->items.end(),
                               [](const auto& a, const auto& b) { return a.id < b.id; }));

    auto nothing = run(ocs::async_activities(client, base, *first->last_given));
    ASSERT_TRUE(nothing);
    EXPECT_TRUE(nothing->not_modified);

    sim.control({{"op", "comment"}, {"user", "bob"}, {"path", "/Alpha/agenda.md"}, {"message", "news"}});
    auto news = run(ocs::async_activities(client, base, *first->last_given));
    ASSERT_TRUE(news) << news.error().message();
    ASSERT_EQ(news->items.size(), 1u);
    EXPECT_EQ(news->items.front().type, "comments");
    EXPECT_EQ(news->items.front().user, "bob");
}

}  // namespace
}  // namespace prereadd
