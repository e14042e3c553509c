// The prereadd.http error category: names for the failures the client reports.
// Messages are short and stable because operators grep logs for them.
#include "http/error.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace prereadd::http {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "prereadd.http"; }

    std::string message(int ev) const override
    {
        switch (static_cast<error>(ev)) {
        case error::timeout: return "request timed out";
        case error::unauthorized: return "credential rejected by the server (401)";
        case error::credential_rejected: return "credential not used after an earlier 401";
        case error::forbidden: return "access forbidden (403)";
        case error::server_unavailable: return "server unavailable";
        case error::rate_limited: return "rate limited by the server (429)";
        case error::tls_verification_failed: return "TLS certificate verification failed";
        case error::body_too_large: return "response body exceeds the size limit";
        case error::malformed_response: return "malformed HTTP response";
        case error::connection_closed: return "connection closed before a complete response";
        case error::redirect_to_other_host: return "redirect to another host refused";
        case error::too_many_redirects: return "too many redirects";
        case error::invalid_url: return "invalid URL";
        }
        return "unknown prereadd.http error";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept
{
    static const category instance;
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
