// The prereadd.webdav error category: what can be wrong with a WebDAV body.
// Parsers return these as values; a bad body never throws or crashes.
#pragma once

#include <boost/system/error_code.hpp>

namespace prereadd::webdav {

enum class error {
    malformed_xml = 1,  // not well-formed XML
    not_multistatus,    // well-formed, but not a DAV:multistatus
    bad_href,           // a response without a usable DAV:href
    not_found,          // 404: the path does not exist (or is not visible to the user)
    unexpected_status,  // neither 207 nor 404
};

const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), error_category()}; }

}  // namespace prereadd::webdav

namespace boost::system {
template <>
struct is_error_code_enum<prereadd::webdav::error> : std::true_type {
};
}  // namespace boost::system
