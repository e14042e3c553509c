// The prereadd.http error category: names for the failures the client reports.
// Messages are short and stable because operators grep logs for them.
#include "http/error.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace prereadd::http {
namespace {

constexpr const char* words[] = {
    "request timed out",
    "credential rejected by the server (401)",
    "credential not used after an earlier 401",
    "access forbidden (403)",
    "server unavailable",
    "rate limited by the server (429)",
    "TLS certificate verification failed",
    "response body exceeds the size limit",
    "malformed HTTP response",
    "connection closed before a complete response",
    "redirect to another host refused",
    "too many redirects",
    "invalid URL",
    "Nextcloud is in maintenance mode",
};
static_assert(std::size(words) == static_cast<std::size_t>(error::maintenance_mode));

}  // namespace

const boost::system::error_category& error_category() noexcept
{
    static const http::words_category instance("prereadd.http", words);
    return instance;
}

std::string failure::message() const
{
    std::string text = code.message();
    if (!detail.empty()) {
        text += ": ";
        text += detail;
    }
    return text;
}

void throw_exception_from_error(const failure& f, const boost::source_location& loc)
{
    boost::throw_exception(std::runtime_error(f.message()), loc);
}

}  // namespace prereadd::http
