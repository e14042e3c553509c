// Percent-encoding of DAV paths with Boost.URL's encoder and character sets,
// instead of a hand-written table.
#include "webdav/path.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>

namespace prereadd::webdav {

std::string encode_path(std::string_view path)
{
    std::string out;
    out.reserve(path.size() + 8);
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        auto segment = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        out += boost::urls::encode(segment, boost::urls::pchars);
        if (slash == std::string_view::npos) break;
        out += '/';
        start = slash + 1;
    }
    return out;
}

std::string files_url(const http::url& base, std::string_view user, std::string_view path)
{
    std::string tail = "/remote.php/dav/files/" + encode_path(user);
    if (!path.empty() && path.front() != '/') tail += '/';
    tail += encode_path(path);
    return base.with_path(tail);
}

}  // namespace prereadd::webdav
