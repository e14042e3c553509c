// OpenSSL 3 certificate generation for tests (see certificates.hpp).
// EC P-256 keys keep generation fast enough to do per test.
#include "tests/support/certificates.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace prereadd::test {
namespace {

struct pkey_deleter {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_deleter {
    void operator()(X509* x) const { X509_free(x); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

pkey_ptr make_key()
{
    pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) throw std::runtime_error("EC key generation failed");
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) throw std::runtime_error("bad certificate extension " + value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

x509_ptr make_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key, bool is_ca,
                          const std::vector<std::string>& alt_names)
{
    static long serial = 1;
    x509_ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                               -1, -1, 0);
    X509* signer = issuer ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    if (is_ca) {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
        add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
        std::string sans;
        for (const auto& n : alt_names) sans += (sans.empty() ? "" : ",") + n;
        if (!sans.empty()) add_extension(cert.get(), signer, NID_subject_alt_name, sans);
    }
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    if (!X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()))
        throw std::runtime_error("certificate signing failed");
    return cert;
}

template <class Write>
std::string to_pem(Write write)
{
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return pem;
}

std::string to_pem(X509* cert)
{
    return to_pem([&](BIO* bio) { PEM_write_bio_X509(bio, cert); });
}

std::string to_pem(EVP_PKEY* key)
{
    return to_pem([&](BIO* bio) { PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr); });
}

}  // namespace

struct test_ca::keys {
    pkey_ptr key;
    x509_ptr cert;
};

test_ca::test_ca(const std::string& name) : keys_(std::make_unique<keys>())
{
    keys_->key = make_key();
    keys_->cert = make_certificate(keys_->key.get(), name, nullptr, nullptr, true, {});
    certificate_pem_ = to_pem(keys_->cert.get());
}

test_ca::~test_ca() = default;

tls_identity test_ca::issue(const std::vector<std::string>& subject_alt_names) const
{
    auto key = make_key();
    auto cert = make_certificate(key.get(), "prereadd test server", keys_->cert.get(), keys_->key.get(), false,
                                 subject_alt_names);
    return {to_pem(cert.get()), to_pem(key.get())};
}

}  // namespace prereadd::test
