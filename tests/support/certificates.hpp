// Test PKI made at run time with OpenSSL: a CA and server certificates for
// chosen DNS names and IPs, so TLS tests never ship keys in the repository.
#pragma once

#include "tests/support/test_server.hpp"

#include <memory>
#include <string>
#include <vector>

namespace prereadd::test {

class test_ca {
public:
    explicit test_ca(const std::string& name = "prereadd test CA");
    ~test_ca();
    test_ca(const test_ca&) = delete;
    test_ca& operator=(const test_ca&) = delete;

    const std::string& certificate_pem() const { return certificate_pem_; }

    // A server certificate signed by this CA. Each entry of `subject_alt_names`
    // is "DNS:name" or "IP:address".
    tls_identity issue(const std::vector<std::string>& subject_alt_names) const;

private:
    struct keys;
    std::unique_ptr<keys> keys_;
    std::string certificate_pem_;
};

}  // namespace prereadd::test
