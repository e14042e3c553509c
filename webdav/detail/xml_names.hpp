// Element names by namespace URI, whatever prefix a server chose: Nextcloud
// writes "d:", "oc:", "nc:" and sometimes "x1:" for the same vocabularies.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prereadd::webdav::detail {

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

// Resolves names against the bindings declared on the document element, where
// Nextcloud declares every prefix it uses, without walking up to it and
// building an attribute name for each element; an element on the way up
// with attributes of its own (x1: is declared on the property it names) is
// resolved by the exact walk above.
class name_resolver {
public:
    explicit name_resolver(const pugi::xml_node& root) : root_(root)
    {
        for (auto a : root.attributes()) {
            std::string_view name = a.name();
            if (name == "xmlns")
                bindings_.emplace_back(std::string_view{}, a.value());
            else if (name.starts_with("xmlns:"))
                bindings_.emplace_back(name.substr(6), a.value());
        }
    }

    struct qualified_name {
        std::string_view ns;
        std::string_view local;
    };

    // Both parts of an element's name, for a walk down from the root that
    // knows whether an element on the way declared anything: only the
    // element's own attributes are looked at then.
    qualified_name name_below(const pugi::xml_node& node, bool ancestors_declare_nothing) const
    {
        const std::string_view qualified = node.name();
        const auto colon = qualified.find(':');
        const std::string_view prefix =
            colon == std::string_view::npos ? std::string_view{} : qualified.substr(0, colon);
        const std::string_view local = colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
        if (!ancestors_declare_nothing || node.first_attribute()) return {detail::namespace_of(node), local};
        for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it)
            if (it->first == prefix) return {it->second, local};
        return {{}, local};
    }

    // The same for any element: its ancestors up to the root are looked at.
    qualified_name name_of(const pugi::xml_node& node) const
    {
        bool plain = true;
        for (pugi::xml_node n = node.parent(); n && n != root_; n = n.parent()) plain = plain && !n.first_attribute();
        return name_below(node, plain);
    }

    bool is(const pugi::xml_node& node, std::string_view ns, std::string_view local) const
    {
        if (node.type() != pugi::node_element) return false;
        const auto name = name_of(node);
        return name.local == local && name.ns == ns;
    }

    pugi::xml_node child(const pugi::xml_node& node, std::string_view ns, std::string_view local) const
    {
        for (auto c : node.children())
            if (is(c, ns, local)) return c;
        return {};
    }

private:
    pugi::xml_node root_;
    std::vector<std::pair<std::string_view, std::string_view>> bindings_;  // prefix ("" default) -> URI
};

}  // namespace prereadd::webdav::detail
