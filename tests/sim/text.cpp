// Encodings shared by the simulator's routes (see text.hpp); OpenSSL and the
// date library do the actual work.
#include "tests/sim/text.hpp"

#include <date/date.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace prereadd::sim {

std::string md5_hex(const std::string& data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), digest, &n, EVP_md5(), nullptr);
    std::string hex;
    char byte[3];
    for (unsigned int i = 0; i < n; ++i) {
        std::snprintf(byte, sizeof byte, "%02x", digest[i]);
        hex += byte;
    }
    return hex;
}

std::string base64_encode(const std::string& plain)
{
    std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64_decode(const std::string& in)
{
    std::string out(in.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0) return {};
    std::size_t padding = 0;
    for (auto it = in.rbegin(); it != in.rend() && *it == '='; ++it) ++padding;
    out.resize(static_cast<std::size_t>(n) - std::min<std::size_t>(padding, static_cast<std::size_t>(n)));
    return out;
}

std::string percent_encode_path(const std::string& path)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string xml_escape(const std::string& text, bool carriage_returns)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\r':
            if (carriage_returns) {
                out += "&#13;";
                break;
            }
            [[fallthrough]];
        default: out += c;
        }
    }
    return out;
}

std::string php_json_slashes(const std::string& json_text)
{
    std::string out;
    out.reserve(json_text.size());
    for (char c : json_text) {
        if (c == '/')
            out += "\\/";
        else
            out += c;
    }
    return out;
}

std::string http_date(std::int64_t unix_seconds)
{
    return date::format("%a, %d %b %Y %H:%M:%S GMT", date::sys_seconds{std::chrono::seconds(unix_seconds)});
}

std::string iso_date(std::int64_t unix_seconds)
{
    return date::format("%FT%T+00:00", date::sys_seconds{std::chrono::seconds(unix_seconds)});
}

}  // namespace prereadd::sim
