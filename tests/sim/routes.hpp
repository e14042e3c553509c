// Request handling of the simulated Nextcloud, free of sockets: a request in,
// the response the real server would give out (captures/README.md lists the
// quirks reproduced here).
#pragma once

#include "tests/sim/world.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace prereadd::sim {

struct sim_request {
    std::string method;
    std::string target;                          // as received, percent-encoded
    std::string path;                            // decoded, without the query
    std::map<std::string, std::string> query;    // decoded
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    std::string header(const std::string& lower_name) const
    {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct sim_response {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool close = false;  // Connection: close, as Nextcloud sends it in maintenance mode

    void set(const std::string& name, const std::string& value) { headers.emplace_back(name, value); }
};

// What kind of endpoint a path belongs to; errors take that family's format.
enum class route_family { status, dav, ocs, index, other };
route_family family_of(const std::string& path);

sim_request parse_request(const std::string& method, const std::string& target,
                          std::map<std::string, std::string> headers, std::string body);

sim_response handle(world& w, bool maintenance, const sim_request& req);

// The error body a route family answers with for `status` (used by faults).
sim_response error_response(const sim_request& req, unsigned status);

// A body of the route's content type that does not parse.
sim_response malformed_response(const sim_request& req);

}  // namespace prereadd::sim
