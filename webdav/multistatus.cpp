// Multistatus parsing on pugixml (see multistatus.hpp). One walk over the
// responses serves files and comments; each picks the properties it knows
// and ignores the rest, so new server properties never break parsing.
#include "webdav/multistatus.hpp"

#include "webdav/detail/xml_names.hpp"
#include "webdav/error.hpp"
#include "http/timestamp.hpp"

#include <boost/url/pct_string_view.hpp>

#include <charconv>

namespace prereadd::webdav {
namespace {

using detail::child;
using detail::is;
using detail::local_name;
using detail::namespace_of;
using http::parse_http_date;

struct response_view {
    std::string href;
    std::vector<pugi::xml_node> found;  // properties under a 2xx propstat
    std::set<std::string> not_found;    // "{ns}name" under a 404 propstat
};

std::string text_of(const pugi::xml_node& node)
{
    std::string text;
    for (auto c : node.children())
        if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
    return text;
}

template <class Int>
std::optional<Int> number(const std::string& text)
{
    Int value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

unsigned status_code(const std::string& status_line)
{
    // "HTTP/1.1 404 Not Found"
    auto space = status_line.find(' ');
    if (space == std::string::npos) return 0;
    return number<unsigned>(status_line.substr(space + 1, 3)).value_or(0);
}

boost::system::result<std::vector<response_view>> responses(std::string_view body, pugi::xml_document& doc)
{
    if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default | pugi::parse_ws_pcdata_single))
        return make_error_code(error::malformed_xml);
    auto root = doc.document_element();
    if (!is(root, ns::dav, "multistatus")) return make_error_code(error::not_multistatus);
    std::vector<response_view> out;
    for (auto response : root.children()) {
        if (!is(response, ns::dav, "response")) continue;
        response_view view;
        auto href = child(response, ns::dav, "href");
        auto raw = text_of(href);
        auto decoded = boost::urls::make_pct_string_view(raw);
        if (!href || raw.empty() || !decoded) return make_error_code(error::bad_href);
        view.href = decoded->decode();
        for (auto propstat : response.children()) {
            if (!is(propstat, ns::dav, "propstat")) continue;
            const unsigned status = status_code(text_of(child(propstat, ns::dav, "status")));
            for (auto prop : child(propstat, ns::dav, "prop").children()) {
                if (prop.type() != pugi::node_element) continue;
                if (status >= 200 && status < 300)
                    view.found.push_back(prop);
                else
                    view.not_found.insert("{" + std::string(namespace_of(prop)) + "}" + std::string(local_name(prop)));
            }
        }
        out.push_back(std::move(view));
    }
    return out;
}

std::string unquote(std::string etag)
{
    if (etag.starts_with("W/")) etag.erase(0, 2);
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    return etag;
}

}  // namespace


boost::system::result<std::vector<file_entry>> parse_files(std::string_view body)
{
    pugi::xml_document doc;
    auto views = responses(body, doc);
    if (!views) return views.error();
    std::vector<file_entry> out;
    for (auto& v : *views) {
        file_entry e;
        e.href = std::move(v.href);
        e.not_found = std::move(v.not_found);
        for (const auto& p : v.found) {
            const std::string_view ns = namespace_of(p);
            const std::string_view name = local_name(p);
            const std::string text = text_of(p);
            if (ns == ns::dav) {
                if (name == "getetag") e.etag = unquote(text);
                else if (name == "resourcetype") e.collection = static_cast<bool>(child(p, ns::dav, "collection"));
                else if (name == "getcontentlength") e.content_length = number<std::int64_t>(text);
                else if (name == "getcontenttype") e.content_type = text;
                else if (name == "getlastmodified") e.last_modified = parse_http_date(text);
                else if (name == "displayname") e.display_name = text;
            } else if (ns == ns::owncloud) {
                if (name == "fileid") e.file_id = number<std::int64_t>(text);
                else if (name == "size") e.size = number<std::int64_t>(text);
                else if (name == "permissions") e.permissions = text;
                else if (name == "owner-id") e.owner_id = text;
                else if (name == "comments-count") e.comments_count = number<int>(text);
                else if (name == "comments-unread") e.comments_unread = number<int>(text);
                else if (name == "share-types")
                    for (auto t : p.children())
                        if (is(t, ns::owncloud, "share-type"))
                            if (auto n = number<int>(text_of(t))) e.share_types.push_back(*n);
            } else if (ns == ns::nextcloud) {
                if (name == "mount-type") e.mount_type = text;
                else if (name == "system-tags")
                    for (auto tag : p.children())
                        if (is(tag, ns::nextcloud, "system-tag")) e.system_tags.push_back(tag.child_value());
            }
        }
        out.push_back(std::move(e));
    }
    return out;
}

boost::system::result<std::vector<comment_entry>> parse_comments(std::string_view body)
{
    pugi::xml_document doc;
    auto views = responses(body, doc);
    if (!views) return views.error();
    std::vector<comment_entry> out;
    for (auto& v : *views) {
        comment_entry c;
        c.href = std::move(v.href);
        bool has_id = false;
        for (const auto& p : v.found) {
            if (namespace_of(p) != ns::owncloud) continue;
            const std::string_view name = local_name(p);
            const std::string text = text_of(p);
            if (name == "id") {
                if (auto n = number<std::int64_t>(text)) c.id = *n, has_id = true;
            } else if (name == "objectId") c.object_id = number<std::int64_t>(text).value_or(0);
            else if (name == "objectType") c.object_type = text;
            else if (name == "actorType") c.actor_type = text;
            else if (name == "actorId") c.actor_id = text;
            else if (name == "actorDisplayName") c.actor_display_name = text;
            else if (name == "verb") c.verb = text;
            else if (name == "message") c.message = text;
            else if (name == "creationDateTime") c.created = parse_http_date(text);
            else if (name == "isUnread") c.unread = text == "true";
            else if (name == "mentions") {
                for (auto m : p.children()) {
                    if (!is(m, ns::owncloud, "mention")) continue;
                    c.mentions.push_back({text_of(child(m, ns::owncloud, "mentionType")),
                                          text_of(child(m, ns::owncloud, "mentionId")),
                                          text_of(child(m, ns::owncloud, "mentionDisplayName"))});
                }
            }
        }
        if (has_id) out.push_back(std::move(c));
    }
    return out;
}

boost::system::result<std::vector<calendar_object>> parse_calendar_objects(std::string_view body)
{
    pugi::xml_document doc;
    auto views = responses(body, doc);
    if (!views) return views.error();
    std::vector<calendar_object> out;
    for (auto& v : *views) {
        calendar_object o;
        o.href = std::move(v.href);
        bool has_data = false;
        for (const auto& p : v.found) {
            if (is(p, ns::dav, "getetag")) o.etag = unquote(text_of(p));
            else if (is(p, ns::caldav, "calendar-data")) {
                o.data = p.child_value();
                has_data = true;
            }
        }
        if (has_data) out.push_back(std::move(o));
    }
    return out;
}

}  // namespace prereadd::webdav
