// The Moodle client's parsers and error classifier fed with every recording
// of a real Moodle 4.5.6 (tests/recordings/moodle-api/captures and its README).
#include "tests/support/source_tree.hpp"
#include "moodle/answers.hpp"
#include "moodle/site.hpp"
#include "reminding/literal.hpp"
#include "tests/sim/capture.hpp"

#include <gtest/gtest.h>

#include <map>

namespace prereadd {
namespace {

using moodle::error;

sim::capture recorded(const std::string& name)
{
    return sim::load_capture(prereadd::test::moodle_recordings() + "/" + name + ".http");
}

// The wsfunction a recording called (form body, or the query of 01b).
std::string function_of(const sim::capture& c)
{
    for (const std::string* where : {&c.request.body, &c.target}) {
        auto at = where->find("wsfunction=");
        if (at == std::string::npos) continue;
        auto end = where->find('&', at);
        return where->substr(at + 11, end == std::string::npos ? std::string::npos : end - at - 11);
    }
    return {};
}

http::outcome<nlohmann::json> answer_of(const sim::capture& c)
{
    return moodle::read_answer(c.response.body, c.response.header("Content-Type"), function_of(c));
}

nlohmann::json ok(const std::string& name)
{
    auto answer = answer_of(recorded(name));
    EXPECT_TRUE(answer) << name << ": " << (answer ? "" : answer.error().message());
    return answer ? *answer : nlohmann::json();
}

// Every error recording (README index, "→ errorcode") and what it must become.
struct expected_error {
    error value;
    const char* capability = nullptr;  // what the failure names, when a capability is missing
};
const std::map<std::string, expected_error> error_recordings{
    {"04c-enrolled-users-groupfilter-nocap", {error::no_permission, "moodle/site:accessallgroups"}},
    {"04e-enrolled-users-onlyactive-nocap", {error::no_permission, "moodle/course:enrolreview"}},
    {"05a-course-groups-nocap", {error::no_permission, "moodle/course:managegroups"}},
    {"05c-group-members-nocap", {error::no_permission, "moodle/course:managegroups"}},
    {"07h-carol-manual-on-automatic-error", {error::other_exception}},
    {"08a-course-completion-status-nocriteria", {error::other_exception}},
    {"11a-error-no-rest-use-capability", {error::access_exception}},
    {"11b-error-invalid-token", {error::invalid_token}},
    {"11c-error-no-token", {error::invalid_token}},
    {"11d-error-function-not-in-service", {error::access_exception}},
    {"11e-error-function-does-not-exist", {error::missing_record}},
    {"11f-error-missing-parameter", {error::invalid_parameter}},
    {"11g-error-bad-parameter-type", {error::invalid_parameter}},
    {"11h-error-course-does-not-exist", {error::missing_record}},
    {"11i-error-completion-course-does-not-exist", {error::missing_record}},
    {"11j-error-enrolled-users-course-does-not-exist", {error::missing_record}},
    {"11k-error-bob-reads-alice-completion", {error::no_permission, "report/progress:view"}},
    {"11n-error-user-does-not-exist", {error::invalid_user}},
    {"11o-error-missing-parameter-debug-on", {error::invalid_parameter}},
    {"11p-error-course-does-not-exist-debug-on", {error::missing_record}},
    {"11q-nocap-enrolled-users-viewparticipants", {error::no_permission, "moodle/course:viewparticipants"}},
    {"11r-nocap-activities-completion-progress-view", {error::no_permission, "report/progress:view"}},
    {"11s-nocap-course-completion-cannotviewreport", {error::no_permission, "report/completion:view"}},
    {"12c-carol-manual-on-disabled-error", {error::other_exception}},
    {"13a-site-info-xml-default-format", {error::xml_answer}},
    {"13b-error-xml-default-format", {error::xml_answer}},
};

TEST(moodle_recordings, every_error_recording_is_classified_and_every_other_is_data)
{
    auto all = sim::load_captures(prereadd::test::moodle_recordings());
    ASSERT_EQ(all.size(), 68U);
    std::size_t errors = 0;
    for (const auto& c : all) {
        auto answer = answer_of(c);
        auto expected = error_recordings.find(c.name);
        if (expected == error_recordings.end()) {
            EXPECT_TRUE(answer) << c.name << ": " << (answer ? "" : answer.error().message());
            continue;
        }
        ++errors;
        ASSERT_FALSE(answer) << c.name;
        EXPECT_EQ(answer.error().code, moodle::make_error_code(expected->second.value)) << c.name;
        EXPECT_NE(answer.error().detail.find(function_of(c)), std::string::npos) << c.name;
        if (expected->second.capability) {
            EXPECT_NE(answer.error().detail.find(expected->second.capability), std::string::npos)
                << c.name << ": " << answer.error().detail;
        }
    }
    EXPECT_EQ(errors, error_recordings.size());
}

TEST(moodle_recordings, each_function_the_daemon_calls_parses_its_recorded_answers)
{
    using parse_check = bool (*)(const nlohmann::json&);
    const std::map<std::string, parse_check> parsers{
        {"core_webservice_get_site_info", [](const nlohmann::json& j) { return !!moodle::parse_site_info(j); }},
        {"core_course_get_courses_by_field", [](const nlohmann::json& j) { return !!moodle::parse_courses(j); }},
        {"core_course_get_contents", [](const nlohmann::json& j) { return !!moodle::parse_contents(j); }},
        {"core_enrol_get_enrolled_users", [](const nlohmann::json& j) { return !!moodle::parse_enrolled_users(j); }},
        {"core_group_get_course_groups", [](const nlohmann::json& j) { return !!moodle::parse_groups(j); }},
        {"core_group_get_group_members",
         [](const nlohmann::json& j) { return !!moodle::parse_group_members(j, 1); }},
        {"core_completion_get_activities_completion_status",
         [](const nlohmann::json& j) { return !!moodle::parse_completion(j); }},
        {"core_message_send_instant_messages",
         [](const nlohmann::json& j) { return !!moodle::parse_sent_messages(j); }},
        {"core_message_get_messages", [](const nlohmann::json& j) { return !!moodle::parse_messages(j); }},
    };
    std::size_t parsed = 0;
    for (const auto& c : sim::load_captures(prereadd::test::moodle_recordings())) {
        auto parser = parsers.find(function_of(c));
        auto answer = answer_of(c);
        if (parser == parsers.end() || !answer) continue;
        EXPECT_TRUE(parser->second(*answer)) << c.name;
        ++parsed;
    }
    EXPECT_EQ(parsed, 21U);
}

TEST(moodle_recordings, site_info_names_the_service_user_and_the_service_functions)
{
    for (const char* name : {"01a-site-info", "01b-site-info-get"}) {
        auto info = moodle::parse_site_info(ok(name));
        ASSERT_TRUE(info) << name;
        EXPECT_EQ(info->userid, 3);
        EXPECT_EQ(info->username, "preread");
        EXPECT_EQ(info->version, "2024100706");
        EXPECT_TRUE(info->functions.count("core_completion_get_activities_completion_status"));
        EXPECT_FALSE(info->functions.count("core_message_get_messages"));
    }
}

TEST(moodle_recordings, an_unknown_shortname_is_an_empty_list_not_an_error)
{
    auto found = moodle::parse_courses(ok("02-courses-by-field-shortname"));
    ASSERT_TRUE(found);
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ((*found)[0].id, 2);
    EXPECT_EQ((*found)[0].shortname, "ALPHA");
    EXPECT_TRUE((*found)[0].completion_enabled);
    auto none = moodle::parse_courses(ok("02b-courses-by-field-no-match"));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST(moodle_recordings, contents_give_sections_modules_view_pages_and_completion_rules)
{
    auto sections = moodle::parse_contents(ok("03-course-contents"));
    ASSERT_TRUE(sections);
    ASSERT_EQ(sections->size(), 4U);
    EXPECT_EQ((*sections)[0].name, "General");
    EXPECT_TRUE((*sections)[0].modules.empty());
    const auto& week1 = (*sections)[1];
    EXPECT_EQ(week1.number, 1);
    EXPECT_EQ(week1.name, "Week 1");
    ASSERT_EQ(week1.modules.size(), 2U);
    EXPECT_EQ(week1.modules[0].cmid, 1);
    EXPECT_EQ(week1.modules[0].name, "Course handbook (PDF)");
    EXPECT_EQ(week1.modules[0].url, "http://127.0.0.1:8081/mod/resource/view.php?id=1");
    EXPECT_EQ(week1.modules[0].tracking, moodle::tracking::automatic);
    EXPECT_TRUE(week1.modules[0].completes_on_view);
    const auto& week3 = (*sections)[3];
    ASSERT_EQ(week3.modules.size(), 3U);
    EXPECT_EQ(week3.modules[0].modname, "forum");
    EXPECT_TRUE(week3.modules[0].completes_on_view);
    EXPECT_EQ(week3.modules[1].tracking, moodle::tracking::manual);
    EXPECT_FALSE(week3.modules[1].completes_on_view);
    EXPECT_EQ(week3.modules[2].tracking, moodle::tracking::none);
    EXPECT_FALSE(week3.modules[2].completes_on_view);
}

TEST(moodle_recordings, enrolled_users_carry_roles_and_groups_and_usernames_only_for_the_caller)
{
    auto users = moodle::parse_enrolled_users(ok("04b-enrolled-users-userfields"));
    ASSERT_TRUE(users);
    ASSERT_EQ(users->size(), 4U);
    EXPECT_EQ((*users)[0].username, "preread");
    EXPECT_EQ((*users)[0].roles, std::vector<std::string>{"teacher"});
    EXPECT_EQ((*users)[1].fullname, "Alice Anders");
    EXPECT_EQ((*users)[1].username, "");
    EXPECT_EQ((*users)[1].email, "alice@example.com");
    EXPECT_EQ((*users)[1].roles, std::vector<std::string>{"student"});
    EXPECT_EQ((*users)[1].groups, std::vector<std::int64_t>{1});
    auto page = moodle::parse_enrolled_users(ok("04g-enrolled-users-group-onlyactive-paged"));
    ASSERT_TRUE(page);
    ASSERT_EQ(page->size(), 1U);
    EXPECT_EQ((*page)[0].id, 4);
}

TEST(moodle_recordings, groups_and_their_members)
{
    auto groups = moodle::parse_groups(ok("05b-course-groups"));
    ASSERT_TRUE(groups);
    ASSERT_EQ(groups->size(), 1U);
    EXPECT_EQ((*groups)[0].idnumber, "team-alpha");
    auto members = moodle::parse_group_members(ok("05d-group-members"), 1);
    ASSERT_TRUE(members);
    EXPECT_EQ(*members, (std::vector<std::int64_t>{4, 5}));
}

TEST(moodle_recordings, completion_after_views_and_a_manual_tick_and_without_completion)
{
    auto before = moodle::parse_completion(ok("06-completion-bob-before"));
    ASSERT_TRUE(before);
    for (const auto& s : *before) EXPECT_FALSE(s.complete()) << s.cmid;
    auto after = moodle::parse_completion(ok("07d-completion-bob-after"));
    ASSERT_TRUE(after);
    std::vector<std::int64_t> viewed;
    for (const auto& s : *after)
        if (s.complete()) {
            viewed.push_back(s.cmid);
            EXPECT_GT(s.timecompleted, 0);
            EXPECT_EQ(s.tracking, moodle::tracking::automatic);
        }
    EXPECT_EQ(viewed, (std::vector<std::int64_t>{1, 2, 3}));
    auto carol = moodle::parse_completion(ok("07g-completion-carol-after-manual"));
    ASSERT_TRUE(carol);
    ASSERT_EQ(carol->size(), 6U);
    EXPECT_EQ(carol->back().cmid, 6);
    EXPECT_TRUE(carol->back().complete());
    EXPECT_EQ(carol->back().tracking, moodle::tracking::manual);
    // cmid 7 has completion off: never listed, even after bob viewed it.
    auto nocompletion = moodle::parse_completion(ok("12b-completion-bob-after-nocompl-view"));
    ASSERT_TRUE(nocompletion);
    for (const auto& s : *nocompletion) EXPECT_NE(s.cmid, 7);
    auto outsider = moodle::parse_completion(ok("11m-user-not-enrolled-no-error"));
    ASSERT_TRUE(outsider);
    ASSERT_FALSE(outsider->empty());
    EXPECT_FALSE(outsider->front().tracked_user);
}

TEST(moodle_recordings, a_sent_message_and_how_it_reads_back)
{
    auto sent = moodle::parse_sent_messages(ok("10a-send-instant-message"));
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->size(), 1U);
    EXPECT_TRUE((*sent)[0].sent());
    EXPECT_EQ((*sent)[0].clientmsgid, "prereadd-reminder-0001");
    EXPECT_EQ((*sent)[0].conversationid, 5);
    auto read = moodle::parse_messages(ok("10c-bob-get-messages-unread"));
    ASSERT_TRUE(read);
    ASSERT_EQ(read->size(), 1U);
    EXPECT_EQ((*read)[0].from, 3);
    EXPECT_EQ((*read)[0].to, 5);
    // The text as sent, which recovery compares: 10a's text parameter.
    EXPECT_EQ((*read)[0].fullmessagehtml,
              "Reminder: please read the course handbook before Friday: <a "
              "href=\"http://127.0.0.1:8081/mod/resource/view.php?id=4\">Intro video</a> and "
              "http://127.0.0.1:8081/mod/resource/view.php?id=1");
    EXPECT_NE((*read)[0].text.find("target=\"_blank\""), std::string::npos);
}

TEST(moodle_answers, a_failed_recipient_is_an_item_not_a_batch_failure)
{
    auto sent = moodle::parse_sent_messages(nlohmann::json::parse(
        R"([{"msgid":-1,"clientmsgid":"a","errormessage":"Message was not sent."},{"msgid":9,"clientmsgid":"b","text":"<p>x</p>","timecreated":1,"conversationid":6,"useridfrom":3,"candeletemessagesforallusers":false}])"));
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->size(), 2U);
    EXPECT_FALSE((*sent)[0].sent());
    EXPECT_EQ((*sent)[0].errormessage, "Message was not sent.");
    EXPECT_TRUE((*sent)[1].sent());
}

TEST(moodle_answers, malformed_and_misshapen_answers_are_values)
{
    auto garbage = moodle::read_answer("<!DOCTYPE html><html>", "text/html", "core_course_get_contents");
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.error().code, moodle::make_error_code(error::xml_answer));
    auto broken = moodle::read_answer("{\"courses\":[", "application/json", "f");
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code, moodle::make_error_code(error::malformed_json));
    EXPECT_FALSE(moodle::parse_contents(nlohmann::json::object()));
    EXPECT_FALSE(moodle::parse_completion(nlohmann::json::array()));
    EXPECT_FALSE(moodle::parse_courses(nlohmann::json::parse(R"({"courses":[{"shortname":"X"}]})")));
}

TEST(moodle_requests, the_form_body_encodes_like_the_recordings)
{
    // 04b's body, token aside.
    moodle::parameters params{{"courseid", "2"},
                              {"options[0][name]", "userfields"},
                              {"options[0][value]", "id,username,fullname,email,lastcourseaccess,roles,groups"}};
    auto body = moodle::form_body(http::secret("<token>"), "core_enrol_get_enrolled_users", params);
    auto recorded_body = recorded("04b-enrolled-users-userfields").request.body;
    EXPECT_EQ(body.substr(body.find('&')), recorded_body.substr(recorded_body.find('&')));
}

TEST(moodle_text, names_moodle_escaped_are_decoded_once)
{
    // format_string escapes names (issue 27: "Q&A session" arrived as "Q&amp;A session").
    const std::pair<const char*, const char*> cases[] = {
        {"Q&amp;A session", "Q&A session"},
        {"&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>"},
        {"&quot;quoted&quot; &#039;single&#39;", "\"quoted\" 'single'"},
        {"caf&#233; &#x65E5;&#X672C;", "caf\u00e9 \u65e5\u672c"},
        {"&amp;amp; stays one level", "&amp; stays one level"},
        {"5 & 6 &unknown; &#0; &#xD800; &#99999999;", "5 & 6 &unknown; &#0; &#xD800; &#99999999;"},
        {"no entity", "no entity"},
        {"&", "&"},
        {"trailing &amp", "trailing &amp"},
    };
    for (const auto& [in, out] : cases) EXPECT_EQ(moodle::decode_html_text(in), out) << in;
}

TEST(moodle_text, a_module_name_is_escaped_once_in_every_channel)
{
    // A module named  Q&A <b>"x"</b> &amp; é  as Moodle sends it in core_course_get_contents.
    const auto answer = nlohmann::json::parse(R"([{"id":1,"section":1,"name":"Week &lt;1&gt;","modules":[
        {"id":9,"name":"Q&amp;A &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp;amp; &#233;","modname":"page","url":"u",
         "completion":1}]}])");
    const auto sections = moodle::parse_contents(answer);
    ASSERT_TRUE(sections);
    const auto& name = (*sections)[0].modules[0].name;
    EXPECT_EQ(name, "Q&A <b>\"x\"</b> &amp; \u00e9");
    EXPECT_EQ((*sections)[0].name, "Week <1>");
    // Moodle message (HTML): escaped once, so students read the name as it is.
    EXPECT_EQ(reminding::html_text(name), "Q&amp;A &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp;amp; \u00e9");
    // Talk and Deck (Markdown): each special character escaped once, no entity left to decode.
    EXPECT_EQ(reminding::talk_text(name), "Q\\&A \\<b\\>\"x\"\\</b\\> \\&amp; \u00e9");
    EXPECT_EQ(reminding::deck_text(name), reminding::talk_text(name));
    // status and the log: as it is.
    EXPECT_EQ(reminding::plain_line(name), name);
    EXPECT_EQ(reminding::log_text(name), name);
}

}  // namespace
}  // namespace prereadd
