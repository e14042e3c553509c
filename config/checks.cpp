// What a valid value looks like (see checks.hpp).
#include "config/checks.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace prereadd::config::detail {

bool valid_principal(std::string_view s)
{
    if (s.empty() || s.size() > 255 || s.front() == ' ' || s.back() == ' ') return false;
    return std::none_of(s.begin(), s.end(), [](char c) { return c == '/' || static_cast<unsigned char>(c) < 0x20; });
}

bool valid_project_id(std::string_view s)
{
    if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s.front()))) return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; });
}

bool valid_talk_token(std::string_view s)
{
    return s.size() >= 4 && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool is_loopback_host(const std::string& host)
{
    if (host == "localhost") return true;
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(host, ec);
    return !ec && address.is_loopback();
}

std::optional<date::weekday> parse_weekday(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    static const std::map<std::string, unsigned> names = {
        {"su", 0}, {"sunday", 0},   {"mo", 1}, {"monday", 1}, {"tu", 2}, {"tuesday", 2}, {"we", 3}, {"wednesday", 3},
        {"th", 4}, {"thursday", 4}, {"fr", 5}, {"friday", 5}, {"sa", 6}, {"saturday", 6}};
    auto it = names.find(s);
    if (it == names.end()) return std::nullopt;
    return date::weekday{it->second};
}

}  // namespace prereadd::config::detail
