// Messages of the prereadd.webdav error category.
#include "webdav/error.hpp"

#include "http/error.hpp"

#include <string>

namespace prereadd::webdav {
namespace {

// In the order of the enumeration (webdav/error.hpp).
constexpr const char* words[] = {"malformed XML in a WebDAV response", "WebDAV response is not a multistatus",
                                 "WebDAV response entry without a valid href", "no such file or folder",
                                 "unexpected WebDAV status"};
static_assert(std::size(words) == static_cast<std::size_t>(error::unexpected_status));

}  // namespace

const boost::system::error_category& error_category() noexcept
{
    static const http::words_category instance("prereadd.webdav", words);
    return instance;
}

}  // namespace prereadd::webdav
