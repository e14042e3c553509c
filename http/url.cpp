// URL handling on Boost.URL: parsing, origins and redirect resolution.
// Kept apart from the client so the rules are tested without sockets.
#include "http/url.hpp"

#include <algorithm>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace prereadd::http {
namespace {

failure invalid(std::string_view text, std::string_view why)
{
    return {http::error::invalid_url, std::string(why) + ": \"" + std::string(text) + '"'};
}

outcome<url> from_view(std::string_view text, const boost::urls::url_view_base& u)
{
    url result;
    if (u.scheme_id() == boost::urls::scheme::https) {
        result.origin.tls = true;
    } else if (u.scheme_id() == boost::urls::scheme::http) {
        result.origin.tls = false;
    } else {
        return invalid(text, "only http and https URLs are supported");
    }
    if (!u.has_authority() || u.encoded_host().empty()) return invalid(text, "the URL has no host");
    if (u.has_userinfo()) return invalid(text, "credentials in URLs are not accepted");
    if (u.has_port()) {
        if (u.port_number() == 0) return invalid(text, "invalid port");
        result.origin.port = u.port_number();
    } else {
        result.origin.port = result.origin.tls ? 443 : 80;
    }
    if (u.host_type() == boost::urls::host_type::ipv6) {
        result.origin.host = std::string(u.host_ipv6_address().to_string());
    } else {
        result.origin.host = u.host();
    }
    // encoded_target() asserts on some resolved URLs in Boost 1.81; path and
    // query are taken separately instead.
    result.target = std::string(u.encoded_path());
    if (u.has_query()) {
        result.target += '?';
        result.target += std::string(u.encoded_query());
    }
    if (result.target.empty() || result.target.front() != '/') result.target.insert(0, "/");
    return result;
}

}  // namespace

bool origin::host_is_ip_literal() const
{
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address(host, ec);
    return !ec;
}

std::string origin::host_header() const
{
    std::string h = host.find(':') != std::string::npos ? '[' + host + ']' : host;
    if (port != (tls ? 443 : 80)) h += ':' + std::to_string(port);
    return h;
}

std::string origin::to_string() const
{
    std::string h = host.find(':') != std::string::npos ? '[' + host + ']' : host;
    return std::string(tls ? "https://" : "http://") + h + ':' + std::to_string(port);
}

std::string url::to_string() const
{
    std::string h = origin.host.find(':') != std::string::npos ? '[' + origin.host + ']' : origin.host;
    return std::string(origin.tls ? "https://" : "http://") + h + ':' + std::to_string(origin.port) + target;
}

std::string url::with_path(std::string_view path) const
{
    std::string_view prefix = target;
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    std::string out = origin.to_string();
    out += prefix;
    if (path.empty() || path.front() != '/') out += '/';
    out += path;
    return out;
}

// Checked before Boost.URL sees the text: Boost 1.81's parser trips an
// assertion in path_segments on "Sep:`" and on "hTtrp:?" (found by the dates
// fuzzer). Only what the daemon can use passes: characters RFC 3986 allows,
// and an http(s) URL, or (for Location) a reference without a scheme.
bool starts_with_no_case(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
           });
}

bool http_url_shape(std::string_view text)
{
    return starts_with_no_case(text, "http://") || starts_with_no_case(text, "https://");
}

bool uri_characters_only(std::string_view text)
{
    static constexpr std::string_view allowed = "-._~:/?#[]@!$&'()*+,;=%";
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               allowed.find(c) != std::string_view::npos;
    });
}

outcome<url> parse_url(std::string_view text)
{
    if (!uri_characters_only(text)) return invalid(text, "not a valid URL");
    if (!http_url_shape(text))
        return invalid(text, text.find("://") != std::string_view::npos ? "only http and https URLs are supported"
                                                                        : "not a valid URL");
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) return invalid(text, "not a valid URL");
    return from_view(text, *parsed);
}

outcome<url> resolve_location(const url& base, std::string_view location)
{
    // A reference with a scheme (a ':' before any '/', '?' or '#') must be http(s); relative ones pass.
    const auto colon = location.find(':');
    const bool has_scheme = colon != std::string_view::npos && location.find_first_of("/?#") > colon;
    if (!uri_characters_only(location) || (has_scheme && !http_url_shape(location)))
        return invalid(location, "invalid Location header");
    auto ref = boost::urls::parse_uri_reference(location);
    if (!ref) return invalid(location, "invalid Location header");
    boost::urls::url base_url(base.to_string());
    boost::urls::url resolved;
    if (auto r = boost::urls::resolve(base_url, *ref, resolved); !r)
        return invalid(location, "unresolvable Location header");
    return from_view(location, resolved);
}

}  // namespace prereadd::http
