// Client TLS set-up on OpenSSL 3: verification is configured here once so no
// caller can forget the host name check (the gap of beast#2974).
#include "http/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace prereadd::http {

boost::asio::ssl::context make_client_tls_context(const std::optional<std::filesystem::path>& ca_file)
{
    namespace ssl = boost::asio::ssl;
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_verify_mode(ssl::verify_peer);

    boost::system::error_code ec;
    if (ca_file) {
        ctx.load_verify_file(ca_file->string(), ec);
        if (ec) throw std::runtime_error("cannot load CA file " + ca_file->string() + ": " + ec.message());
    } else {
        ctx.set_default_verify_paths(ec);
        if (ec) throw std::runtime_error("cannot load the system CA store: " + ec.message());
    }
    return ctx;
}

bool prepare_tls_connection(SSL* ssl, const origin& peer)
{
    SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
    if (peer.host_is_ip_literal()) {
        // RFC 6066 forbids IP literals in SNI; the certificate must list the IP.
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        return X509_VERIFY_PARAM_set1_ip_asc(param, peer.host.c_str()) == 1;
    }
    if (SSL_set_tlsext_host_name(ssl, peer.host.c_str()) != 1) return false;
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return SSL_set1_host(ssl, peer.host.c_str()) == 1;
}

std::string tls_verification_problem(SSL* ssl)
{
    long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK) return {};
    return X509_verify_cert_error_string(result);
}

}  // namespace prereadd::http
