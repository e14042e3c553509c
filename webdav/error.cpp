// Messages of the prereadd.webdav error category.
#include "webdav/error.hpp"

#include <string>

namespace prereadd::webdav {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "prereadd.webdav"; }
    std::string message(int ev) const override
    {
        switch (static_cast<error>(ev)) {
        case error::malformed_xml: return "malformed XML in a WebDAV response";
        case error::not_multistatus: return "WebDAV response is not a multistatus";
        case error::bad_href: return "WebDAV response entry without a valid href";
        case error::not_found: return "no such file or folder";
        case error::unexpected_status: return "unexpected WebDAV status";
        }
        return "unknown prereadd.webdav error";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept
{
    static const category instance;
    return instance;
}

}  // namespace prereadd::webdav
