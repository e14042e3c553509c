// Moodle web-service calls (see site.hpp).
#include "moodle/site.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace prereadd::moodle {
namespace {

namespace asio = boost::asio;

void append_pair(std::string& body, std::string_view name, std::string_view value)
{
    if (!body.empty()) body += '&';
    body += boost::urls::encode(name, boost::urls::unreserved_chars);
    body += '=';
    body += boost::urls::encode(value, boost::urls::unreserved_chars);
}

template <class T>
using parser = boost::system::result<T> (*)(const nlohmann::json&);

template <class T>
asio::awaitable<http::outcome<T>> typed(site& s, std::string function, parameters params, parser<T> parse)
{
    auto answer = co_await s.async_call(function, std::move(params));
    if (!answer) co_return answer.error();
    auto parsed = parse(*answer);
    if (!parsed) co_return http::failure{parsed.error(), function};
    co_return std::move(*parsed);
}

}  // namespace

std::string form_body(const http::secret& token, std::string_view function, const parameters& params)
{
    std::string body;
    append_pair(body, "wstoken", token.reveal_for_authorization());
    append_pair(body, "wsfunction", function);
    for (const auto& [name, value] : params) append_pair(body, name, value);
    return body;
}

site::site(http::client& client, http::url base, http::secret token)
    : client_(client), base_(std::move(base)), token_(std::move(token))
{
}

void site::reset_token(http::secret token)
{
    token_ = std::move(token);
    token_rejected_ = false;
    service_user_ = 0;  // a new token may be another user's
}

asio::awaitable<http::outcome<nlohmann::json>> site::async_call(std::string function, parameters params,
                                                                bool safe_to_repeat)
{
    if (token_rejected_)
        co_return http::failure{error::token_rejected, function + ": Moodle rejected the token earlier"};
    http::request req;
    req.method = boost::beast::http::verb::post;
    req.url = base_.with_path("/webservice/rest/server.php") + "?moodlewsrestformat=json";
    req.anonymous = true;
    req.safe_to_repeat = safe_to_repeat;
    req.headers.set(boost::beast::http::field::content_type, "application/x-www-form-urlencoded");
    req.headers.set(boost::beast::http::field::accept, "application/json");
    req.body = form_body(token_, function, params);
    auto res = co_await client_.async_request(std::move(req));
    if (!res) co_return res.error();
    if (res->status != 200)
        co_return http::failure{http::error::malformed_response,
                                function + ": HTTP " + std::to_string(res->status) + " from Moodle", res->status};
    auto answer = read_answer(res->body, res->header("Content-Type"), function);
    if (!answer && answer.error().code == error::invalid_token) token_rejected_ = true;
    co_return answer;
}

asio::awaitable<http::outcome<std::int64_t>> site::async_service_user()
{
    if (service_user_ == 0) {
        auto info = co_await async_site_info();
        if (!info) co_return info.error();
        service_user_ = info->userid;
    }
    co_return service_user_;
}

asio::awaitable<http::outcome<site_info>> site::async_site_info()
{
    co_return co_await typed<site_info>(*this, "core_webservice_get_site_info", {}, parse_site_info);
}

asio::awaitable<http::outcome<std::vector<course>>> site::async_courses(std::string field, std::string value)
{
    parameters params{{"field", std::move(field)}, {"value", std::move(value)}};
    co_return co_await typed<std::vector<course>>(*this, "core_course_get_courses_by_field", std::move(params),
                                                  parse_courses);
}

asio::awaitable<http::outcome<std::vector<section>>> site::async_contents(std::int64_t course)
{
    parameters params{{"courseid", std::to_string(course)}};
    co_return co_await typed<std::vector<section>>(*this, "core_course_get_contents", std::move(params),
                                                   parse_contents);
}

asio::awaitable<http::outcome<std::vector<enrolled_user>>> site::async_enrolled_users(
    std::int64_t course, std::optional<std::int64_t> group, int page_size)
{
    std::vector<enrolled_user> all;
    for (int from = 0;; from += page_size) {
        parameters params{{"courseid", std::to_string(course)}};
        int option = 0;
        auto add = [&](const char* name, std::string value) {
            const std::string prefix = "options[" + std::to_string(option++) + "]";
            params.emplace_back(prefix + "[name]", name);
            params.emplace_back(prefix + "[value]", std::move(value));
        };
        if (group) add("groupid", std::to_string(*group));
        add("userfields", "id,username,fullname,email,roles,groups");
        add("limitfrom", std::to_string(from));
        add("limitnumber", std::to_string(page_size));
        auto page = co_await typed<std::vector<enrolled_user>>(*this, "core_enrol_get_enrolled_users",
                                                               std::move(params), parse_enrolled_users);
        if (!page) co_return page.error();
        const auto got = page->size();
        for (auto& user : *page) all.push_back(std::move(user));
        if (got < static_cast<std::size_t>(page_size)) break;
    }
    co_return all;
}

asio::awaitable<http::outcome<std::vector<group>>> site::async_groups(std::int64_t course)
{
    parameters params{{"courseid", std::to_string(course)}};
    co_return co_await typed<std::vector<group>>(*this, "core_group_get_course_groups", std::move(params),
                                                 parse_groups);
}

asio::awaitable<http::outcome<std::vector<std::int64_t>>> site::async_group_members(std::int64_t group)
{
    parameters params{{"groupids[0]", std::to_string(group)}};
    const std::string function = "core_group_get_group_members";
    auto answer = co_await async_call(function, std::move(params));
    if (!answer) co_return answer.error();
    auto members = parse_group_members(*answer, group);
    if (!members) co_return http::failure{members.error(), function};
    co_return std::move(*members);
}

asio::awaitable<http::outcome<std::vector<completion_status>>> site::async_completion(std::int64_t course,
                                                                                     std::int64_t user)
{
    parameters params{{"courseid", std::to_string(course)}, {"userid", std::to_string(user)}};
    co_return co_await typed<std::vector<completion_status>>(
        *this, "core_completion_get_activities_completion_status", std::move(params), parse_completion);
}

asio::awaitable<http::outcome<std::vector<sent_message>>> site::async_send(
    const std::vector<outgoing_message>& messages)
{
    parameters params;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const std::string prefix = "messages[" + std::to_string(i) + "]";
        params.emplace_back(prefix + "[touserid]", std::to_string(messages[i].to));
        params.emplace_back(prefix + "[text]", messages[i].text);
        params.emplace_back(prefix + "[textformat]", "1");
        params.emplace_back(prefix + "[clientmsgid]", messages[i].clientmsgid);
    }
    const std::string function = "core_message_send_instant_messages";
    auto answer = co_await async_call(function, std::move(params), false);
    if (!answer) co_return answer.error();
    auto sent = parse_sent_messages(*answer);
    if (!sent) co_return http::failure{sent.error(), function};
    co_return std::move(*sent);
}

asio::awaitable<http::outcome<std::vector<received_message>>> site::async_messages_to(std::int64_t user,
                                                                                     std::int64_t self, int limit)
{
    parameters params{{"useridto", std::to_string(user)}, {"useridfrom", std::to_string(self)},
                      {"type", "conversations"},          {"read", "2"},
                      {"newestfirst", "1"},               {"limitfrom", "0"},
                      {"limitnum", std::to_string(limit)}};
    co_return co_await typed<std::vector<received_message>>(*this, "core_message_get_messages", std::move(params),
                                                            parse_messages);
}

}  // namespace prereadd::moodle
