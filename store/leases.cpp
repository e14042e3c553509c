// Leases between daemons (leases.hpp).
#include "store/leases.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace prereadd::store::leases {
namespace {

std::int64_t as_integer(const std::optional<std::string>& v) { return v ? std::stoll(*v) : 0; }

std::vector<lease> leases_of(const postgresql::rows& r)
{
    std::vector<lease> out;
    for (const auto& row : r.values)
        out.push_back({row.at(0).value_or(""), row.at(1).value_or(""), as_integer(row.at(2)), as_integer(row.at(3))});
    return out;
}

// The database's clock, in whole seconds.
constexpr const char* db_now = "floor(extract(epoch FROM clock_timestamp()))::bigint";

}  // namespace

lease_plan plan_leases(const std::vector<lease>& current, const std::vector<std::string>& projects,
                       const std::string& me, std::size_t live, std::int64_t now)
{
    lease_plan plan;
    const std::set<std::string> configured(projects.begin(), projects.end());
    std::map<std::string, const lease*> by_project;
    std::vector<const lease*> mine;
    for (const auto& l : current) {
        if (l.expires < now) continue;  // expired: as good as free, whoever held it
        by_project[l.project] = &l;
        if (l.holder != me) continue;
        if (configured.count(l.project))
            mine.push_back(&l);
        else
            plan.release.push_back(l.project);
    }
    const std::size_t share = (projects.size() + std::max<std::size_t>(live, 1) - 1) / std::max<std::size_t>(live, 1);
    // The longest held first: what goes back is what was taken last.
    std::stable_sort(mine.begin(), mine.end(), [](const lease* a, const lease* b) {
        return a->since != b->since ? a->since < b->since : a->project < b->project;
    });
    for (std::size_t i = 0; i < mine.size(); ++i) (i < share ? plan.keep : plan.release).push_back(mine[i]->project);
    if (mine.size() >= share || projects.empty()) return plan;
    const std::size_t wanted = share - mine.size();
    const std::size_t start = std::hash<std::string>{}(me) % projects.size();
    for (std::size_t k = 0; k < projects.size() && plan.take.size() < wanted; ++k) {
        const auto& p = projects[(start + k) % projects.size()];
        if (!by_project.count(p)) plan.take.push_back(p);
    }
    return plan;
}

std::string array_literal(const std::vector<std::string>& items)
{
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

boost::asio::awaitable<boost::system::error_code> async_create_tables(postgresql::connection& c,
                                                                      std::chrono::milliseconds deadline)
{
    // One statement per query: the extended protocol takes no more.
    for (std::string sql : {"CREATE TABLE IF NOT EXISTS prereadd_daemons ("
                            "  id TEXT PRIMARY KEY, node TEXT NOT NULL, started BIGINT NOT NULL,"
                            "  seen BIGINT NOT NULL, expires BIGINT NOT NULL)",
                            "CREATE TABLE IF NOT EXISTS project_leases ("
                            "  project TEXT PRIMARY KEY, holder TEXT NOT NULL, since BIGINT NOT NULL,"
                            "  expires BIGINT NOT NULL)"}) {
        auto done = co_await c.async_query(std::move(sql), {}, deadline);
        if (!done) co_return done.error();
    }
    co_return boost::system::error_code{};
}

boost::asio::awaitable<boost::system::result<heartbeat>> async_heartbeat(postgresql::connection& c, std::string me,
                                                                         std::string node,
                                                                         std::chrono::seconds lease_for,
                                                                         std::chrono::milliseconds deadline)
{
    // The row written is not visible to the same statement's count: the others + 1.
    // Daemons gone for an hour (killed, their node removed) are forgotten on the way.
    std::string sql = std::string("WITH t AS (SELECT ") + db_now +
                      " AS now), "
                      "gone AS (DELETE FROM prereadd_daemons d USING t WHERE d.expires < t.now - 3600), "
                      "up AS (INSERT INTO prereadd_daemons(id, node, started, seen, expires) "
                      "  SELECT $1, $2, t.now, t.now, t.now + $3::bigint FROM t "
                      "  ON CONFLICT (id) DO UPDATE SET node = EXCLUDED.node, seen = EXCLUDED.seen,"
                      "  expires = EXCLUDED.expires RETURNING id) "
                      "SELECT t.now, (SELECT count(*) FROM prereadd_daemons d "
                      "  WHERE d.expires >= t.now AND d.id <> $1) + 1 FROM t, up";
    std::vector<std::optional<std::string>> params{me, node, std::to_string(lease_for.count())};
    auto r = co_await c.async_query(std::move(sql), std::move(params), deadline);
    if (!r) co_return r.error();
    if (r->values.size() != 1) co_return postgresql::error::query_failed;
    co_return heartbeat{as_integer(r->values[0].at(0)), static_cast<std::size_t>(as_integer(r->values[0].at(1)))};
}

boost::asio::awaitable<boost::system::result<std::vector<lease>>> async_current(postgresql::connection& c,
                                                                                std::chrono::milliseconds deadline,
                                                                                bool held_now)
{
    std::string sql = "SELECT project, holder, since, expires FROM project_leases";
    if (held_now) sql += std::string(" WHERE expires >= ") + db_now;
    sql += " ORDER BY project";
    auto r = co_await c.async_query(std::move(sql), {}, deadline);
    if (!r) co_return r.error();
    co_return leases_of(*r);
}

boost::asio::awaitable<boost::system::result<std::vector<lease>>> async_take(postgresql::connection& c, std::string me,
                                                                             std::vector<std::string> projects,
                                                                             std::chrono::seconds lease_for,
                                                                             std::chrono::milliseconds deadline)
{
    if (projects.empty()) co_return std::vector<lease>{};
    // Rows are locked in one order whatever order each daemon asks in, so two
    // daemons taking at once wait for each other instead of deadlocking.
    // The row is taken only where the WHERE holds: its holder's, or expired.
    // `since` stays when the holder renews, and is now when it changes hands.
    std::string sql = std::string("WITH t AS (SELECT ") + db_now +
                      " AS now) "
                      "INSERT INTO project_leases AS l (project, holder, since, expires) "
                      "  SELECT p, $1, t.now, t.now + $3::bigint FROM t, unnest($2::text[]) AS p ORDER BY p "
                      "ON CONFLICT (project) DO UPDATE SET holder = EXCLUDED.holder,"
                      "  since = CASE WHEN l.holder = EXCLUDED.holder THEN l.since ELSE EXCLUDED.since END,"
                      "  expires = EXCLUDED.expires "
                      "  WHERE l.holder = EXCLUDED.holder OR l.expires < EXCLUDED.since "
                      "RETURNING project, holder, since, expires";
    std::vector<std::optional<std::string>> params{me, array_literal(projects), std::to_string(lease_for.count())};
    auto r = co_await c.async_query(std::move(sql), std::move(params), deadline);
    if (!r) co_return r.error();
    auto held = leases_of(*r);
    std::sort(held.begin(), held.end(), [](const lease& a, const lease& b) { return a.project < b.project; });
    co_return held;
}

boost::asio::awaitable<boost::system::error_code> async_release(postgresql::connection& c, std::string me,
                                                                std::vector<std::string> projects, bool all,
                                                                std::chrono::milliseconds deadline)
{
    if (!all && projects.empty()) co_return boost::system::error_code{};
    std::string sql = "DELETE FROM project_leases WHERE holder = $1";
    std::vector<std::optional<std::string>> params{me};
    if (!all) {
        sql += " AND project = ANY($2::text[])";
        params.emplace_back(array_literal(projects));
    }
    auto r = co_await c.async_query(std::move(sql), std::move(params), deadline);
    if (!r) co_return r.error();
    if (all) {
        std::string forget = "DELETE FROM prereadd_daemons WHERE id = $1";
        std::vector<std::optional<std::string>> who{me};
        auto gone = co_await c.async_query(std::move(forget), std::move(who), deadline);
        if (!gone) co_return gone.error();
    }
    co_return boost::system::error_code{};
}

void lease_keeper::renewed(std::vector<lease> held, std::chrono::steady_clock::time_point sent_at)
{
    held_ = std::move(held);
    valid_until_ = sent_at + lease_for_ - margin_;
    valid_ = true;
}

bool lease_keeper::holds(const std::string& project) const
{
    return std::any_of(held_.begin(), held_.end(), [&](const lease& l) { return l.project == project; });
}

}  // namespace prereadd::store::leases
