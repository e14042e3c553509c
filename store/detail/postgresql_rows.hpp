// What the PostgreSQL state's translation units share (postgresql_state.cpp,
// postgresql_messages.cpp): column values as text and back, and the row
// readers of `state`, templates both use.
#pragma once

#include "store/postgresql_state.hpp"

#include <optional>
#include <string>

namespace prereadd::store::postgresql {
namespace columns {

inline std::string num(std::int64_t v) { return std::to_string(v); }
inline std::optional<std::string> num(const std::optional<std::int64_t>& v)
{
    return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}
inline std::string text(const std::optional<std::string>& v) { return v.value_or(""); }
inline std::int64_t integer(const std::optional<std::string>& v) { return v ? std::stoll(*v) : 0; }
inline std::optional<std::int64_t> optional_integer(const std::optional<std::string>& v)
{
    return v ? std::optional<std::int64_t>(std::stoll(*v)) : std::nullopt;
}

}  // namespace columns

template <class Row, class Read>
answer<std::vector<Row>> state::project_rows(std::string sql, std::string project, Read read)
{
    params p{std::move(project)};
    auto r = co_await run(std::move(sql), std::move(p));
    if (!r) co_return r.error();
    std::vector<Row> out;
    out.reserve(r->values.size());
    for (const auto& v : r->values) out.push_back(read(v));
    co_return out;
}

template <class Row, class Read>
answer<std::optional<Row>> state::one_row(std::string sql, params p, Read read)
{
    auto r = co_await run(std::move(sql), std::move(p));
    if (!r) co_return r.error();
    if (r->values.empty()) co_return std::optional<Row>{};
    co_return std::optional<Row>(read(r->values[0]));
}

}  // namespace prereadd::store::postgresql
