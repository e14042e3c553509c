// Element names by namespace URI, whatever prefix a server chose: Nextcloud
// writes "d:", "oc:", "nc:" and sometimes "x1:" for the same vocabularies.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
            if (name == "xmlns") bindings_.emplace_back(std::string_view{}, a.value());
            else if (name.starts_with("xmlns:")) bindings_.emplace_back(name.substr(6), a.value());
        }
    }

    std::string_view namespace_of(const pugi::xml_node& node) const
    {
        for (pugi::xml_node n = node; n && n != root_; n = n.parent())
            if (n.first_attribute()) return detail::namespace_of(node);
        return bound(node);
    }

    // For a walk that checked the ancestors up to the root already: only the
    // element's own attributes are looked at. `prefix` is that of its name.
    std::string_view namespace_below(const pugi::xml_node& node, std::string_view prefix,
                                     bool ancestors_declare_nothing) const
    {
        if (!ancestors_declare_nothing || node.first_attribute()) return detail::namespace_of(node);
        return bound(prefix);
    }

    struct qualified_name {
        std::string_view ns;
        std::string_view local;
    };

    // Both parts of an element's name, for a walk down from the root that
    // knows whether an element on the way declared anything.
    qualified_name name_below(const pugi::xml_node& node, bool ancestors_declare_nothing) const
    {
        const std::string_view qualified = node.name();
        const auto colon = qualified.find(':');
        if (colon == std::string_view::npos) return {namespace_below(node, {}, ancestors_declare_nothing), qualified};
        return {namespace_below(node, qualified.substr(0, colon), ancestors_declare_nothing), qualified.substr(colon + 1)};
    }

private:
    std::string_view bound(const pugi::xml_node& node) const
    {
        std::string_view name = node.name();
        auto colon = name.find(':');
        return bound(colon == std::string_view::npos ? std::string_view{} : name.substr(0, colon));
    }

    std::string_view bound(std::string_view prefix) const
    {
        for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it)
            if (it->first == prefix) return it->second;
        return {};
    }

public:
    bool is(const pugi::xml_node& node, std::string_view ns, std::string_view local) const
    {
        return node.type() == pugi::node_element && local_name(node) == local && namespace_of(node) == ns;
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
