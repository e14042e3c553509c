// The HTTP layer's error category and the failure value every request returns.
// Error policy: what Nextcloud or the network can do (status codes, timeouts,
// refused connections, bad certificates, malformed or oversized responses) is a
// `failure` value inside `outcome<T>`; exceptions are reserved for start-up
// errors (an unreadable CA file) and programming errors.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <system_error>

namespace prereadd::http {

enum class error {
    timeout = 1,              // the request's deadline passed
    unauthorized,             // 401: the credential was rejected
    credential_rejected,      // a 401 was seen earlier; the credential is no longer used
    forbidden,                // 403
    server_unavailable,       // 502/503/504 after the retries the policy allows
    rate_limited,             // 429 after the retries the policy allows
    tls_verification_failed,  // the peer's certificate or host name did not verify
    body_too_large,           // the response body exceeds the configured limit
    malformed_response,       // not parseable as HTTP/1.1
    connection_closed,        // the peer closed or reset before a complete response
    redirect_to_other_host,   // Location points at another scheme, host or port
    too_many_redirects,
    invalid_url,
    maintenance_mode,  // 503 with X-Nextcloud-Maintenance-Mode: 1 (capture 21b); not retried
};

}  // namespace prereadd::http

namespace boost::system {
template <>
struct is_error_code_enum<prereadd::http::error> : std::true_type {
};
}  // namespace boost::system

namespace prereadd::http {

const boost::system::error_category& error_category() noexcept;

// The project's error categories (http, webdav, ocs, ...) differ only in
// their name and their words for each value (numbered from 1): one class,
// given both. A table, so that a new value without words fails to compile
// where the table is checked against the enumeration (static_assert).
class words_category final : public boost::system::error_category {
public:
    words_category(const char* name, std::span<const char* const> words) noexcept : name_(name), words_(words) {}
    const char* name() const noexcept override { return name_; }
    std::string message(int ev) const override
    {
        if (ev >= 1 && static_cast<std::size_t>(ev) <= words_.size()) return words_[static_cast<std::size_t>(ev) - 1];
        return std::string("unknown ") + name_ + " error";
    }

private:
    const char* name_;
    std::span<const char* const> words_;
};

inline boost::system::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), error_category()}; }

// Why a request did not produce a usable response. `detail` is meant for the
// log and says why in words (the certificate problem, the stalled stage);
// it never contains credentials.
struct failure {
    failure() = default;
    failure(boost::system::error_code c, std::string why = {}, unsigned http_status = 0,
            std::optional<std::chrono::seconds> wait = std::nullopt)
        : code(c), detail(std::move(why)), status(http_status), retry_after(wait)
    {
    }
    template <class ErrorEnum>
    requires boost::system::is_error_code_enum<ErrorEnum>::value failure(
        ErrorEnum e, std::string why = {}, unsigned http_status = 0,
        std::optional<std::chrono::seconds> wait = std::nullopt)
        : failure(make_error_code(e), std::move(why), http_status, wait)
    {
    }

    boost::system::error_code code;
    std::string detail;
    unsigned status = 0;                              // the HTTP status, when one arrived
    std::optional<std::chrono::seconds> retry_after;  // from the server, when it sent one

    std::string message() const;
};

template <class T>
using outcome = boost::system::result<T, failure>;

// Lets `outcome<T>::value()` throw on a programming error such as reading the
// value of a failed outcome.
[[noreturn]] void throw_exception_from_error(const failure& f, const boost::source_location& loc);

}  // namespace prereadd::http
