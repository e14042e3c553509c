// The Moodle client (moodle/site.hpp) against the Moodle simulator over the
// network: typed calls, paging, errors as values, the token latch, retries of
// reads and none of a send, a recipient's failure inside a batch.
#include "moodle/site.hpp"
#include "tests/sim/moodle.hpp"
#include "tests/sim/recorded_moodle.hpp"
#include "tests/support/run.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace prereadd {
namespace {

using namespace std::chrono_literals;

class moodle_client_test : public ::testing::Test {
protected:
    moodle_client_test()
    {
        sim.with_world([](sim::moodle_world& w) { sim::seed_recorded_moodle(w); });
        config.retry.base_delay = 10ms;
    }

    template <class T>
    T run(boost::asio::awaitable<T> task)
    {
        return test::run_awaitable(io, std::move(task));
    }

    moodle::site site_with(const std::string& token)
    {
        return moodle::site(client, *http::parse_url(sim.base_url()), http::secret(token));
    }

    sim::moodle sim;
    boost::asio::io_context io;
    http::client_config config;
    http::client client{io.get_executor(), config, {}};
};

TEST_F(moodle_client_test, the_course_its_sections_and_the_completion_of_a_student)
{
    auto site = site_with(sim::recorded_token("preread"));
    auto info = run(site.async_site_info());
    ASSERT_TRUE(info) << info.error().message();
    EXPECT_EQ(info->userid, 3);
    auto courses = run(site.async_courses("shortname", "ALPHA"));
    ASSERT_TRUE(courses) << courses.error().message();
    ASSERT_EQ(courses->size(), 1u);
    auto sections = run(site.async_contents((*courses)[0].id));
    ASSERT_TRUE(sections) << sections.error().message();
    ASSERT_EQ(sections->size(), 4u);
    EXPECT_EQ((*sections)[3].modules.size(), 3u);
    sim.control({{"op", "view"}, {"user", "bob"}, {"cmid", 2}});
    auto status = run(site.async_completion(2, 5));
    ASSERT_TRUE(status) << status.error().message();
    ASSERT_EQ(status->size(), 6u);
    EXPECT_TRUE((*status)[1].complete());
    EXPECT_FALSE((*status)[0].complete());
}

TEST_F(moodle_client_test, enrolled_users_are_read_page_by_page)
{
    for (int i = 0; i < 5; ++i)
        sim.control(nlohmann::json::array({{{"op", "user"}, {"username", "s" + std::to_string(i)}},
                                           {{"op", "enrol"}, {"course", "ALPHA"}, {"user", "s" + std::to_string(i)}}}));
    auto site = site_with(sim::recorded_token("preread"));
    auto users = run(site.async_enrolled_users(2, std::nullopt, 3));
    ASSERT_TRUE(users) << users.error().message();
    EXPECT_EQ(users->size(), 9u);
    // Three full pages, then an empty one that ends the reading.
    EXPECT_EQ(sim.with_world([](sim::moodle_world& w) { return w.calls_by_function["core_enrol_get_enrolled_users"]; }),
              4u);
    auto team = run(site.async_enrolled_users(2, 1, 3));
    ASSERT_TRUE(team) << team.error().message();
    EXPECT_EQ(team->size(), 2u);
}

TEST_F(moodle_client_test, a_missing_capability_is_named_and_a_missing_course_is_a_missing_record)
{
    sim.control({{"op", "capability"}, {"revoke", "report/progress:view"}});
    auto site = site_with(sim::recorded_token("preread"));
    auto refused = run(site.async_completion(2, 5));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, moodle::make_error_code(moodle::error::no_permission));
    EXPECT_NE(refused.error().detail.find("report/progress:view"), std::string::npos) << refused.error().detail;
    auto missing = run(site.async_contents(99999));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, moodle::make_error_code(moodle::error::missing_record));
}

TEST_F(moodle_client_test, a_rejected_token_is_not_sent_again_until_reset)
{
    auto site = site_with("0123456789abcdef0123456789abcdef");
    auto first = run(site.async_site_info());
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().code, moodle::make_error_code(moodle::error::invalid_token));
    const auto calls = sim.with_world([](sim::moodle_world& w) { return w.calls; });
    auto second = run(site.async_site_info());
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, moodle::make_error_code(moodle::error::token_rejected));
    EXPECT_EQ(sim.with_world([](sim::moodle_world& w) { return w.calls; }), calls);
    site.reset_token(http::secret(sim::recorded_token("preread")));
    EXPECT_TRUE(run(site.async_site_info()));
}

TEST_F(moodle_client_test, a_read_is_retried_after_a_503_and_a_send_is_not)
{
    auto site = site_with(sim::recorded_token("preread"));
    sim.control({{"op", "fault"}, {"kind", "status"}, {"status", 503}, {"function", "core_course_get_contents"}});
    auto read = run(site.async_contents(2));
    EXPECT_TRUE(read) << read.error().message();
    sim.control({{"op", "fault"}, {"kind", "status"}, {"status", 503}, {"function", "core_message_send_instant_messages"}});
    auto sent = run(site.async_send({{5, "<p>Hello</p>", "r-1"}}));
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().code, http::make_error_code(http::error::server_unavailable));
    EXPECT_EQ(sim.with_world([](sim::moodle_world& w) { return w.messages.size(); }), 0u);
}

TEST_F(moodle_client_test, a_failed_recipient_fails_alone_and_a_sent_message_reads_back_as_sent)
{
    auto site = site_with(sim::recorded_token("preread"));
    const std::string text = "Reminder: <a href=\"http://moodle.example/mod/page/view.php?id=2\">Welcome page</a>";
    auto sent = run(site.async_send({{99999, text, "r-1"}, {5, text, "r-2"}}));
    ASSERT_TRUE(sent) << sent.error().message();
    ASSERT_EQ(sent->size(), 2u);
    EXPECT_FALSE((*sent)[0].sent());
    EXPECT_TRUE((*sent)[1].sent());
    EXPECT_EQ((*sent)[1].clientmsgid, "r-2");
    sim.control({{"op", "function"}, {"add", "core_message_get_messages"}});
    auto back = run(site.async_messages_to(5, 3));
    ASSERT_TRUE(back) << back.error().message();
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].fullmessagehtml, text);
}

TEST_F(moodle_client_test, a_slow_answer_runs_into_the_deadline)
{
    config.request_timeout = 200ms;
    config.retry.max_attempts = 1;
    http::client impatient{io.get_executor(), config, {}};
    moodle::site site(impatient, *http::parse_url(sim.base_url()), http::secret(sim::recorded_token("preread")));
    sim.control({{"op", "fault"}, {"kind", "delay"}, {"delay_ms", 2000}, {"function", "core_course_get_contents"}});
    auto slow = run(site.async_contents(2));
    ASSERT_FALSE(slow);
    EXPECT_EQ(slow.error().code, http::make_error_code(http::error::timeout));
}

}  // namespace
}  // namespace prereadd
