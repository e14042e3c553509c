// TLS for outgoing connections: a client context that always verifies the
// peer (system store or a named CA file, TLS >= 1.2), and per-connection SNI
// and host name checks. There is deliberately no way to turn verification off.
#pragma once

#include "http/url.hpp"

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <optional>
#include <string>

struct ssl_st;

namespace prereadd::http {

// Throws std::runtime_error naming the file when the CA file cannot be loaded:
// that is a start-up error, not something to carry on without.
boost::asio::ssl::context make_client_tls_context(const std::optional<std::filesystem::path>& ca_file);

// Sets SNI (for DNS names) and the name or IP the certificate must match.
// Returns false if OpenSSL refused the settings.
bool prepare_tls_connection(ssl_st* ssl, const origin& peer);

// Why the peer's certificate did not verify, in OpenSSL's words, or an empty
// string when verification was not the problem.
std::string tls_verification_problem(ssl_st* ssl);

}  // namespace prereadd::http
