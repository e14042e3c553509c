// Structural comparison of recorded and simulated responses (see compare.hpp):
// XML by namespace URI and local name, JSON by keys and value types.
#include "tests/sim/compare.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <set>
#include <strings.h>

namespace prereadd::sim {
namespace {

using json = nlohmann::json;

bool is_http_date(std::string_view v)
{
    // "Wed, 25 Nov 2026 12:43:42 GMT"
    return v.size() == 29 && v[3] == ',' && v.substr(26) == "GMT" && v[19] == ':' && v[22] == ':';
}

bool is_numeric_zone_date(std::string_view v)
{
    // "Wed, 25 Nov 2026 12:44:30 +0000": the preview controller's Last-Modified and Expires (12b)
    return v.size() == 31 && v[3] == ',' && v[19] == ':' && v[22] == ':' && (v[26] == '+' || v[26] == '-');
}

// Talk's session ids: 255 random characters of Base64's alphabet (30a). Their
// punctuation falls anywhere, so their form is their length.
bool is_random_base64(std::string_view v)
{
    if (v.size() < 64) return false;
    bool punctuation = false;
    for (char c : v) {
        if (c == '+' || c == '/')
            punctuation = true;
        else if (!std::isalnum(static_cast<unsigned char>(c)))
            return false;
    }
    return punctuation;
}

bool is_iso_date(std::string_view v)
{
    // "2026-11-25T12:43:42+00:00" (optionally with fraction or Z)
    return v.size() >= 20 && v[4] == '-' && v[7] == '-' && v[10] == 'T' && v[13] == ':' &&
           std::isdigit(static_cast<unsigned char>(v[0]));
}

std::string header_of(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name,
                      bool* present = nullptr)
{
    for (const auto& [n, v] : headers)
        if (n.size() == name.size() && ::strncasecmp(n.data(), name.data(), n.size()) == 0) {
            if (present) *present = true;
            return v;
        }
    if (present) *present = false;
    return {};
}

std::string normalise_content_type(std::string v)
{
    std::string out;
    for (char c : v)
        if (c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Headers whose presence and form must match the recording.
constexpr const char* form_headers[] = {
    "ETag",
    "OC-ETag",
    "OC-FileId",
    "Content-Location",
    "Location",
    "Retry-After",
    "Link",
    "X-Activity-First-Known",
    "X-Activity-Last-Given",
    "X-Chat-Last-Given",
    "X-Chat-Last-Common-Read",
    "X-Nextcloud-Talk-Hash",
    "X-Nextcloud-Talk-Modified-Before",
    "X-Nextcloud-Has-User-Statuses",
    "Last-Modified",
    "Content-Disposition",
    "X-User-Id",  // Nextcloud 34 on every answer past the login
};
// Headers whose value must match exactly.
constexpr const char* exact_headers[] = {
    "DAV",
    "WWW-Authenticate",
    "X-Nextcloud-Maintenance-Mode",
};

class differences {
public:
    void add(std::string text)
    {
        if (list_.size() < 25) list_.push_back(std::move(text));
    }
    std::vector<std::string> take() { return std::move(list_); }

private:
    std::vector<std::string> list_;
};

std::string namespace_of(const pugi::xml_node& node)
{
    std::string name = node.name();
    auto colon = name.find(':');
    std::string attr = colon == std::string::npos ? "xmlns" : "xmlns:" + name.substr(0, colon);
    for (pugi::xml_node n = node; n; n = n.parent())
        if (auto a = n.attribute(attr.c_str())) return a.value();
    return {};
}

std::string local_name(const pugi::xml_node& node)
{
    std::string name = node.name();
    auto colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
}

std::string qualified(const pugi::xml_node& node) { return "{" + namespace_of(node) + "}" + local_name(node); }

std::vector<pugi::xml_node> element_children(const pugi::xml_node& node)
{
    std::vector<pugi::xml_node> out;
    for (auto child : node.children())
        if (child.type() == pugi::node_element) out.push_back(child);
    return out;
}

std::string text_of(const pugi::xml_node& node)
{
    std::string text;
    for (auto child : node.children())
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) text += child.value();
    // Whitespace between elements is formatting, not content.
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

void compare_xml(const pugi::xml_node& expected, const pugi::xml_node& actual, const std::string& path,
                 differences& diff)
{
    const std::string here = path + "/" + qualified(expected);
    if (qualified(expected) != qualified(actual)) {
        diff.add(path + ": expected element " + qualified(expected) + ", got " + qualified(actual));
        return;
    }
    auto e_children = element_children(expected);
    auto a_children = element_children(actual);
    if (e_children.empty() && a_children.empty()) {
        auto e = text_of(expected), a = text_of(actual);
        if (value_form(e) != value_form(a))
            diff.add(here + ": expected text of the form \"" + value_form(e) + "\" (\"" + e.substr(0, 80) +
                     "\"), got \"" + a.substr(0, 80) + "\"");
        return;
    }
    if (e_children.size() != a_children.size()) {
        std::string e_names, a_names;
        for (auto& c : e_children) e_names += local_name(c) + " ";
        for (auto& c : a_children) a_names += local_name(c) + " ";
        diff.add(here + ": expected " + std::to_string(e_children.size()) + " children [" + e_names + "], got " +
                 std::to_string(a_children.size()) + " [" + a_names + "]");
    }
    for (std::size_t i = 0; i < std::min(e_children.size(), a_children.size()); ++i)
        compare_xml(e_children[i], a_children[i], here, diff);
}

const char* type_name(const json& j)
{
    if (j.is_number_integer()) return "integer";
    if (j.is_number_float()) return "float";
    return j.type_name();
}

void compare_json(const json& expected, const json& actual, const std::string& path, differences& diff)
{
    if (std::string(type_name(expected)) != type_name(actual)) {
        diff.add(path + ": expected " + type_name(expected) + " " + expected.dump().substr(0, 60) + ", got " +
                 type_name(actual) + " " + actual.dump().substr(0, 60));
        return;
    }
    const auto numeric_keys = [](const json& j) {
        if (!j.is_object() || j.empty()) return false;
        for (const auto& [k, v] : j.items())
            if (k.empty() ||
                !std::all_of(k.begin(), k.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
                return false;
        return true;
    };
    if (numeric_keys(expected)) {
        // Keyed by ids ({"14": "/Projects/Alpha/agenda.md"}): ids differ, so
        // compare the values in id order.
        if (!numeric_keys(actual) || actual.size() != expected.size()) {
            diff.add(path + ": expected " + std::to_string(expected.size()) + " id-keyed members, got " +
                     actual.dump().substr(0, 80));
            return;
        }
        auto sorted = [](const json& j) {
            std::vector<std::pair<long long, json>> v;
            for (const auto& [k, value] : j.items()) v.emplace_back(std::stoll(k), value);
            std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            return v;
        };
        auto e = sorted(expected), a = sorted(actual);
        for (std::size_t i = 0; i < e.size(); ++i)
            compare_json(e[i].second, a[i].second, path + "{" + std::to_string(i) + "}", diff);
        return;
    }
    if (expected.is_object()) {
        std::set<std::string> keys;
        for (const auto& [k, v] : expected.items()) keys.insert(k);
        for (const auto& [k, v] : actual.items()) keys.insert(k);
        for (const auto& k : keys) {
            bool in_e = expected.contains(k), in_a = actual.contains(k);
            if (!in_e)
                diff.add(path + "." + k + ": not in the recording");
            else if (!in_a)
                diff.add(path + "." + k + ": missing");
            else
                compare_json(expected[k], actual[k], path + "." + k, diff);
        }
    } else if (expected.is_array()) {
        if (expected.size() != actual.size())
            diff.add(path + ": expected " + std::to_string(expected.size()) + " elements, got " +
                     std::to_string(actual.size()));
        for (std::size_t i = 0; i < std::min(expected.size(), actual.size()); ++i)
            compare_json(expected[i], actual[i], path + "[" + std::to_string(i) + "]", diff);
    } else if (expected.is_string()) {
        auto e = expected.get<std::string>(), a = actual.get<std::string>();
        if (value_form(e) != value_form(a))
            diff.add(path + ": expected a string of the form \"" + value_form(e).substr(0, 80) + "\", got \"" +
                     a.substr(0, 80) + "\"");
    } else if (expected.is_boolean()) {
        if (expected != actual) diff.add(path + ": expected " + expected.dump() + ", got " + actual.dump());
    }
    // Numbers: ids, times and counts legitimately differ; the type was compared.
}

bool looks_like_json(const std::string& content_type, const std::string& body)
{
    return content_type.find("json") != std::string::npos ||
           (!body.empty() && (body.front() == '{' || body.front() == '['));
}

bool looks_like_xml(const std::string& content_type, const std::string& body)
{
    return content_type.find("xml") != std::string::npos || body.starts_with("<?xml");
}

}  // namespace

std::string value_form(std::string_view v)
{
    if (is_http_date(v)) return "<http-date>";
    if (is_numeric_zone_date(v)) return "<http-date-numeric-zone>";
    if (is_random_base64(v)) return "<random-base64-" + std::to_string(v.size()) + ">";
    if (is_iso_date(v)) return "<iso-date>";
    std::string out;
    std::size_t i = 0;
    while (i < v.size()) {
        if (!std::isalnum(static_cast<unsigned char>(v[i]))) {
            out += v[i++];
            continue;
        }
        std::size_t start = i;
        bool digit = false, alpha = false;
        while (i < v.size() && std::isalnum(static_cast<unsigned char>(v[i]))) {
            (std::isdigit(static_cast<unsigned char>(v[i])) ? digit : alpha) = true;
            ++i;
        }
        auto run = v.substr(start, i - start);
        if (digit && !alpha)
            out += '9';
        else if (digit && alpha && run.size() >= 6)
            out += "<alnum" + std::to_string(run.size()) + ">";
        else
            out += run;
    }
    return out;
}

std::vector<std::string> compare_responses(const capture& recorded, const observed_response& actual)
{
    differences diff;
    if (recorded.status != actual.status)
        diff.add("status: expected " + std::to_string(recorded.status) + ", got " + std::to_string(actual.status));

    const auto& rh = recorded.response.headers;
    bool present = false;
    auto recorded_type = header_of(rh, "Content-Type", &present);
    auto actual_type = header_of(actual.headers, "Content-Type");
    if (present && normalise_content_type(recorded_type) != normalise_content_type(actual_type))
        diff.add("Content-Type: expected \"" + recorded_type + "\", got \"" + actual_type + "\"");
    for (const char* name : exact_headers) {
        bool in_e = false, in_a = false;
        auto e = header_of(rh, name, &in_e);
        auto a = header_of(actual.headers, name, &in_a);
        if (in_e != in_a || e != a)
            diff.add(std::string(name) + ": expected " + (in_e ? "\"" + e + "\"" : "none") + ", got " +
                     (in_a ? "\"" + a + "\"" : "none"));
    }
    for (const char* name : form_headers) {
        bool in_e = false, in_a = false;
        auto e = header_of(rh, name, &in_e);
        auto a = header_of(actual.headers, name, &in_a);
        if (in_e != in_a || value_form(e) != value_form(a))
            diff.add(std::string(name) + ": expected " + (in_e ? "the form \"" + value_form(e) + "\"" : "none") +
                     ", got " + (in_a ? "\"" + a + "\"" : "none"));
    }
    bool recorded_close = header_of(rh, "Connection") == "close";
    bool actual_close = header_of(actual.headers, "Connection") == "close";
    if (recorded_close != actual_close)
        diff.add(std::string("Connection: expected ") + (recorded_close ? "close" : "keep-alive") + ", got " +
                 (actual_close ? "close" : "keep-alive"));

    const std::string& e_body = recorded.response.body;
    const std::string& a_body = actual.body;
    if (e_body.starts_with("<binary body: ")) {
        // The recording kept only the size of binary bodies (images, PDFs).
        if (a_body.empty()) diff.add("body: expected a binary body, got none");
    } else if (e_body.empty() || a_body.empty()) {
        if (e_body.empty() != a_body.empty())
            diff.add("body: expected " + std::string(e_body.empty() ? "none" : "a body") + ", got " +
                     (a_body.empty() ? "none" : std::to_string(a_body.size()) + " bytes"));
    } else if (recorded_type.find("text/html") != std::string::npos) {
        // An HTML page (maintenance, errors): the same kind of page, by its title.
        auto title = [](const std::string& html) {
            auto start = html.find("<title>");
            auto end = html.find("</title>");
            if (start == std::string::npos || end == std::string::npos) return std::string();
            std::string t = html.substr(start + 7, end - start - 7);
            t.erase(0, t.find_first_not_of(" \t\r\n"));
            t.erase(t.find_last_not_of(" \t\r\n") + 1);
            return t;
        };
        if (!a_body.starts_with("<!DOCTYPE html>") || title(e_body) != title(a_body))
            diff.add("body: expected an HTML page titled \"" + title(e_body) + "\", got \"" + a_body.substr(0, 80) +
                     "\"");
    } else if (looks_like_xml(recorded_type, e_body)) {
        pugi::xml_document e_doc, a_doc;
        if (!e_doc.load_string(e_body.c_str())) {
            diff.add("body: the recorded XML does not parse");
        } else if (!a_doc.load_string(a_body.c_str())) {
            diff.add("body: not well-formed XML: " + a_body.substr(0, 120));
        } else {
            compare_xml(e_doc.document_element(), a_doc.document_element(), "", diff);
        }
    } else if (looks_like_json(recorded_type, e_body)) {
        auto e = json::parse(e_body, nullptr, false);
        auto a = json::parse(a_body, nullptr, false);
        if (e.is_discarded())
            diff.add("body: the recorded JSON does not parse");
        else if (a.is_discarded())
            diff.add("body: not valid JSON: " + a_body.substr(0, 120));
        else {
            compare_json(e, a, "$", diff);
            // OCS meta must match exactly: clients branch on it.
            if (e.contains("ocs") && a.contains("ocs") && e["ocs"].contains("meta") && a["ocs"].contains("meta")) {
                for (const char* k : {"status", "statuscode", "message"})
                    if (e["ocs"]["meta"].value(k, json()) != a["ocs"]["meta"].value(k, json()))
                        diff.add(std::string("ocs.meta.") + k + ": expected " +
                                 e["ocs"]["meta"].value(k, json()).dump() + ", got " +
                                 a["ocs"]["meta"].value(k, json()).dump());
            }
        }
    } else if (value_form(e_body) != value_form(a_body)) {
        diff.add("body: expected \"" + e_body.substr(0, 80) + "\", got \"" + a_body.substr(0, 80) + "\"");
    }
    return diff.take();
}

}  // namespace prereadd::sim
