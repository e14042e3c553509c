// One recorded exchange from tests/recordings/nextcloud-api/captures/*.http: the
// request as curl sent it and the response as the real Nextcloud answered.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace prereadd::sim {

struct recorded_message {
    std::vector<std::pair<std::string, std::string>> headers;  // in order, names as recorded
    std::string body;

    // The first header of that name (case-insensitive), or "" if absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
};

struct capture {
    std::string name;         // file name without ".http", e.g. "05-propfind-alpha-depth0"
    std::string description;  // line 1
    std::string user;         // "preread", "bob", "(none)", a share token, or "(server)"
    bool sent_by_server = false;  // Nextcloud called out (a webhook); a listener answered
    std::string method;
    std::string target;
    recorded_message request;
    unsigned status = 0;
    std::string reason;
    recorded_message response;
};

// Throws std::runtime_error naming the file when it does not have the format
// captures/README.md describes.
capture load_capture(const std::filesystem::path& file);

// Every *.http file of a directory, in file-name order (the order recorded).
std::vector<capture> load_captures(const std::filesystem::path& directory);

}  // namespace prereadd::sim
