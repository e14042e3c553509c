// Multistatus parsing on pugixml (see multistatus.hpp). One walk over the
// responses serves files and comments; each picks the properties it knows
// and ignores the rest, so new server properties never break parsing.
#include "webdav/multistatus.hpp"

#include "webdav/detail/xml_names.hpp"
#include "webdav/error.hpp"
#include "http/timestamp.hpp"

#include <boost/url/pct_string_view.hpp>

#include <charconv>
#include <iterator>

namespace prereadd::webdav {
namespace {

using detail::name_resolver;
using http::parse_http_date;

// One property under a 2xx propstat, its name resolved.
struct property {
    pugi::xml_node node;
    std::string_view ns;
    std::string_view name;
};

// The text of an element. The document is parsed with parse_embed_pcdata,
// which keeps an element's leading text in the element itself rather than in
// a child node of its own (half the nodes of a listing); text after a comment
// or CDATA follows as children and is joined in `scratch`.
std::string_view text_of(const pugi::xml_node& node, std::string& scratch)
{
    std::string_view embedded = node.value();
    auto first = node.first_child();
    if (!first) return embedded;
    scratch.assign(embedded);
    for (auto c : node.children())
        if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) scratch += c.value();
    return scratch;
}

std::string text_of(const pugi::xml_node& node)
{
    std::string scratch;
    return std::string(text_of(node, scratch));
}

template <class Int>
std::optional<Int> number(std::string_view text)
{
    Int value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

unsigned status_code(std::string_view status_line)
{
    // "HTTP/1.1 404 Not Found"
    auto space = status_line.find(' ');
    if (space == std::string_view::npos) return 0;
    return number<unsigned>(status_line.substr(space + 1, 3)).value_or(0);
}

constexpr unsigned parse_options = pugi::parse_default | pugi::parse_ws_pcdata_single | pugi::parse_embed_pcdata;

// A body that is a document: either a view (copied by pugixml) or a string
// given up to be parsed in its own buffer.
struct body_source {
    std::string_view view;
    std::string* own = nullptr;

    bool load(pugi::xml_document& doc) const
    {
        if (own) return static_cast<bool>(doc.load_buffer_inplace(own->data(), own->size(), parse_options));
        return static_cast<bool>(doc.load_buffer(view.data(), view.size(), parse_options));
    }
};

// Calls on_response(href, properties, names) for each d:response, with the
// properties of its 2xx propstats; those answered 404 or otherwise are left
// out, as if not asked for. The property list is reused from one response to
// the next: a 10,000-entry listing allocates it once. `responses` is set to
// the number of children of the root before the first call, for reserve().
template <class OnResponse>
boost::system::error_code for_each_response(body_source body, std::size_t& responses, OnResponse&& on_response)
{
    pugi::xml_document doc;
    if (!body.load(doc)) return make_error_code(error::malformed_xml);
    auto root = doc.document_element();
    responses = static_cast<std::size_t>(std::distance(root.begin(), root.end()));
    const name_resolver names(root);
    if (!names.is(root, ns::dav, "multistatus")) return make_error_code(error::not_multistatus);
    std::vector<property> found;
    std::string scratch;
    // One pass over each level, each name read once: an element's namespace
    // comes from the root's bindings unless it or one above it declares one.
    for (auto response : root.children()) {
        if (response.type() != pugi::node_element) continue;
        if (auto n = names.name_below(response, true); n.ns != ns::dav || n.local != "response") continue;
        const bool response_plain = !response.first_attribute();
        pugi::xml_node href;
        found.clear();
        for (auto part : response.children()) {
            if (part.type() != pugi::node_element) continue;
            const auto n = names.name_below(part, response_plain);
            if (n.ns != ns::dav) continue;
            if (n.local == "href") {
                if (!href) href = part;
                continue;
            }
            if (n.local != "propstat") continue;
            const bool propstat_plain = response_plain && !part.first_attribute();
            pugi::xml_node status, prop;
            for (auto c : part.children()) {
                if (c.type() != pugi::node_element) continue;
                const auto cn = names.name_below(c, propstat_plain);
                if (cn.ns != ns::dav) continue;
                if (cn.local == "status" && !status)
                    status = c;
                else if (cn.local == "prop" && !prop)
                    prop = c;
            }
            const unsigned code = status_code(text_of(status, scratch));
            if (code < 200 || code >= 300) continue;
            const bool plain = propstat_plain && !prop.first_attribute();
            for (auto p : prop.children()) {
                if (p.type() != pugi::node_element) continue;
                const auto pn = names.name_below(p, plain);
                found.push_back({p, pn.ns, pn.local});
            }
        }
        auto raw = text_of(href, scratch);
        auto decoded = boost::urls::make_pct_string_view(raw);
        if (!href || raw.empty() || !decoded) return make_error_code(error::bad_href);
        std::string path = decoded->decode();
        on_response(std::move(path), found, names);
    }
    return {};
}

std::string unquote(std::string_view etag)
{
    if (etag.starts_with("W/")) etag.remove_prefix(2);
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    return std::string(etag);
}

boost::system::result<std::vector<file_entry>> files_of(body_source body)
{
    std::vector<file_entry> out;
    std::string scratch;
    std::size_t responses = 0;
    auto failed = for_each_response(
        body, responses, [&](std::string href, const std::vector<property>& found, const name_resolver& names) {
            if (out.empty()) out.reserve(responses);
            file_entry& e = out.emplace_back();
            e.href = std::move(href);
            for (const auto& [p, ns, name] : found) {
                auto text = [&, &p = p] { return text_of(p, scratch); };
                if (ns == ns::dav) {
                    if (name == "getetag")
                        e.etag = unquote(text());
                    else if (name == "resourcetype")
                        e.collection = static_cast<bool>(names.child(p, ns::dav, "collection"));
                    else if (name == "getcontentlength")
                        e.content_length = number<std::int64_t>(text());
                    else if (name == "getcontenttype")
                        e.content_type = text();
                    else if (name == "getlastmodified")
                        e.last_modified = parse_http_date(text());
                    else if (name == "displayname")
                        e.display_name = text();
                } else if (ns == ns::owncloud) {
                    if (name == "fileid")
                        e.file_id = number<std::int64_t>(text());
                    else if (name == "size")
                        e.size = number<std::int64_t>(text());
                    else if (name == "permissions")
                        e.permissions = text();
                    else if (name == "owner-id")
                        e.owner_id = text();
                    else if (name == "comments-count")
                        e.comments_count = number<int>(text());
                    else if (name == "comments-unread")
                        e.comments_unread = number<int>(text());
                    else if (name == "share-types")
                        for (auto t : p.children())
                            if (names.is(t, ns::owncloud, "share-type"))
                                if (auto n = number<int>(text_of(t, scratch))) e.share_types.push_back(*n);
                } else if (ns == ns::nextcloud) {
                    if (name == "mount-type")
                        e.mount_type = text();
                    else if (name == "system-tags")
                        for (auto tag : p.children())
                            if (names.is(tag, ns::nextcloud, "system-tag"))
                                e.system_tags.emplace_back(text_of(tag, scratch));
                }
            }
        });
    if (failed) return failed;
    return out;
}

}  // namespace

namespace {

// The comment's text properties and where they go.
std::string comment_entry::*comment_text_member(std::string_view name)
{
    static constexpr std::pair<std::string_view, std::string comment_entry::*> members[] = {
        {"objectType", &comment_entry::object_type},
        {"actorType", &comment_entry::actor_type},
        {"actorId", &comment_entry::actor_id},
        {"actorDisplayName", &comment_entry::actor_display_name},
        {"verb", &comment_entry::verb},
        {"message", &comment_entry::message}};
    for (const auto& [key, member] : members)
        if (key == name) return member;
    return nullptr;
}

}  // namespace

boost::system::result<std::vector<file_entry>> parse_files(std::string_view body) { return files_of({body}); }

boost::system::result<std::vector<file_entry>> parse_files_in_place(std::string& body) { return files_of({{}, &body}); }

boost::system::result<std::vector<comment_entry>> parse_comments(std::string_view body)
{
    std::vector<comment_entry> out;
    std::string scratch;
    std::size_t responses = 0;
    auto failed = for_each_response(
        {body}, responses, [&](std::string href, const std::vector<property>& found, const name_resolver& names) {
            comment_entry c;
            c.href = std::move(href);
            bool has_id = false;
            for (const auto& [p, ns, name] : found) {
                if (ns != ns::owncloud) continue;
                const std::string_view text = text_of(p, scratch);
                if (auto member = comment_text_member(name)) {
                    c.*member = text;
                } else if (name == "id") {
                    if (auto n = number<std::int64_t>(text)) c.id = *n, has_id = true;
                } else if (name == "objectId") {
                    c.object_id = number<std::int64_t>(text).value_or(0);
                } else if (name == "creationDateTime") {
                    c.created = parse_http_date(text);
                } else if (name == "isUnread") {
                    c.unread = text == "true";
                } else if (name == "mentions") {
                    for (auto m : p.children()) {
                        if (!names.is(m, ns::owncloud, "mention")) continue;
                        c.mentions.push_back({text_of(names.child(m, ns::owncloud, "mentionType")),
                                              text_of(names.child(m, ns::owncloud, "mentionId")),
                                              text_of(names.child(m, ns::owncloud, "mentionDisplayName"))});
                    }
                }
            }
            if (has_id) out.push_back(std::move(c));
        });
    if (failed) return failed;
    return out;
}

boost::system::result<std::vector<calendar_object>> parse_calendar_objects(std::string_view body)
{
    std::vector<calendar_object> out;
    std::string scratch;
    std::size_t responses = 0;
    auto failed = for_each_response({body}, responses,
                                    [&](std::string href, const std::vector<property>& found, const name_resolver&) {
                                        calendar_object o;
                                        o.href = std::move(href);
                                        bool has_data = false;
                                        for (const auto& [p, ns, name] : found) {
                                            if (ns == ns::dav && name == "getetag")
                                                o.etag = unquote(text_of(p, scratch));
                                            else if (ns == ns::caldav && name == "calendar-data") {
                                                o.data = text_of(p, scratch);
                                                has_data = true;
                                            }
                                        }
                                        if (has_data) out.push_back(std::move(o));
                                    });
    if (failed) return failed;
    return out;
}

}  // namespace prereadd::webdav
