// Element names by namespace URI, whatever prefix a server chose: Nextcloud
// writes "d:", "oc:", "nc:" and sometimes "x1:" for the same vocabularies.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace prereadd::webdav::detail {

inline std::string_view local_name(const pugi::xml_node& node)
{
    std::string_view name = node.name();
    auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The namespace URI in scope for the element's prefix ("" when undeclared).
inline std::string_view namespace_of(const pugi::xml_node& node)
{
    std::string_view name = node.name();
    auto colon = name.find(':');
    std::string attribute = colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
    for (pugi::xml_node n = node; n; n = n.parent())
        if (auto a = n.attribute(attribute.c_str())) return a.value();
    return {};
}

inline bool is(const pugi::xml_node& node, std::string_view ns, std::string_view local)
{
    return node.type() == pugi::node_element && local_name(node) == local && namespace_of(node) == ns;
}

inline pugi::xml_node child(const pugi::xml_node& node, std::string_view ns, std::string_view local)
{
    for (auto c : node.children())
        if (is(c, ns, local)) return c;
    return {};
}

}  // namespace prereadd::webdav::detail
