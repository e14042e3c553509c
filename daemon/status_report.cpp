// Rendering of `prereadd status` (see status_report.hpp). Dates are UTC here:
// the status is for the admin's terminal; messages to people use the
// session's time zone.
#include "daemon/status_report.hpp"

#include "daemon/detail/status_parts.hpp"
#include "reminding/literal.hpp"
#include "reminding/messages.hpp"
#include "store/sqlite_backend.hpp"
#include "tracking/poll_cycle.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <date/date.h>
#include <unistr.h>
#include <uniwidth.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace prereadd::daemon {

using detail::utc;

namespace {

int strength(store::engagement_kind k)
{
    switch (k) {
    case store::engagement_kind::synced: return 1;
    case store::engagement_kind::opened: return 2;
    case store::engagement_kind::edited: return 3;
    case store::engagement_kind::commented: return 4;
    case store::engagement_kind::acknowledged: return 5;
    }
    return 0;
}

// files_downloadactivity reports a preview as a download: an open known only
// from it says so, lest a thumbnail be taken for reading (docs/opened.md).
std::string engagement_label(const store::engagement& e)
{
    if (e.kind == store::engagement_kind::opened && e.source == "activity") return "downloaded (activity)";
    return store::to_string(e.kind);
}

// Columns a terminal gives the text: East Asian wide characters take two,
// combining marks none (libunistring's Unicode tables).
std::size_t columns_of(std::string_view s)
{
    const int w = u8_width(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(), "UTF-8");
    return w < 0 ? s.size() : static_cast<std::size_t>(w);
}

// Names from elsewhere in one cell: one line, no control characters, at most
// `width` columns (cut with an ellipsis).
std::string cell_text(std::string_view name, std::size_t width)
{
    std::string line = reminding::plain_line(name);
    if (columns_of(line) <= width) return line;
    std::string out;
    std::size_t used = 0;
    for (std::size_t at = 0; at < line.size();) {
        ucs4_t c = 0;
        const int length = u8_mbtouc(&c, reinterpret_cast<const std::uint8_t*>(line.data() + at), line.size() - at);
        const int w = std::max(uc_width(c, "UTF-8"), 0);
        if (used + static_cast<std::size_t>(w) + 1 > width) break;  // room for the ellipsis
        out.append(line, at, static_cast<std::size_t>(length));
        used += static_cast<std::size_t>(w);
        at += static_cast<std::size_t>(length);
    }
    return out + "\u2026";
}

// Pads by display width, with one space between columns.
std::string pad(const std::string& s, std::size_t width)
{
    const auto used = columns_of(s);
    return used >= width ? s + " " : s + std::string(width - used, ' ');
}

using reminding::document_label;

// A Moodle participant without a Nextcloud account by the name Moodle gave.
std::string participant_label(const store::participant_row& u)
{
    return u.display_name.empty() ? u.user_id : u.display_name + " (Moodle)";
}

constexpr std::size_t max_document_column = 48;
constexpr std::size_t participant_column = 22;
// Wider than this, a project is shown a line per participant (23 Moodle participants made 600 columns).
constexpr std::size_t max_table_width = 160;

// The strongest mark of `u` on `d` with its date, "NO ACCESS" or "-".
std::string cell_of(const project_status& p, const store::participant_row& u, const store::document_row& d)
{
    const store::engagement* best = nullptr;
    for (const auto& e : p.engagements)
        if (e.user_id == u.user_id && e.file_id == d.file_id && (!best || strength(e.kind) > strength(best->kind)))
            best = &e;
    if (best) return engagement_label(*best) + " " + utc(best->first_at, "%m-%d %H:%M");
    const bool blocked = std::any_of(p.problems.begin(), p.problems.end(), [&](const auto& pr) {
        return pr.user_id == u.user_id && pr.file_id == d.file_id;
    });
    return blocked ? "NO ACCESS" : "-";
}

// A row per document, a column per participant; false (nothing written) when
// that is wider than a terminal, where render_by_participant takes over.
bool render_grid(std::ostream& out, const project_status& p)
{
    std::size_t first = 8;
    for (const auto& d : p.documents)
        first =
            std::max(first, std::min(columns_of(reminding::plain_line(document_label(d))), max_document_column) + 2);
    std::size_t column = participant_column;
    for (const auto& e : p.engagements) column = std::max(column, engagement_label(e).size() + sizeof(" 11-30 09:28"));
    if (2 + first + column * p.participants.size() > max_table_width) return false;
    out << "  " << pad("", first);
    for (const auto& u : p.participants) out << pad(cell_text(participant_label(u), column - 1), column);
    out << '\n';
    for (const auto& d : p.documents) {
        out << "  " << pad(cell_text(document_label(d), first - 2), first);
        for (const auto& u : p.participants) out << pad(cell_of(p, u, d), column);
        out << '\n';
    }
    return true;
}

// A line per participant: "Bob: agenda.md opened 11-30 09:28, slides.pdf -".
void render_by_participant(std::ostream& out, const project_status& p)
{
    for (const auto& u : p.participants) {
        out << "  " << reminding::plain_line(participant_label(u)) << ":";
        const char* separator = " ";
        for (const auto& d : p.documents) {
            out << separator << reminding::plain_line(document_label(d)) << " " << cell_of(p, u, d);
            separator = ", ";
        }
        out << '\n';
    }
}

}  // namespace

namespace {

// One of a project's lists into its member of project_status.
template <class T>
boost::asio::awaitable<boost::system::error_code> read_into(store::answer<T> asked, T& member)
{
    auto r = co_await std::move(asked);
    if (!r) co_return r.error();
    member = std::move(*r);
    co_return boost::system::error_code{};
}

}  // namespace

bool natural_less(std::string_view a, std::string_view b)
{
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            // Numbers by value: leading zeros skipped, then the longer run is the larger.
            while (i < a.size() && a[i] == '0') ++i;
            while (j < b.size() && b[j] == '0') ++j;
            std::size_t ei = i, ej = j;
            while (ei < a.size() && digit(a[ei])) ++ei;
            while (ej < b.size() && digit(b[ej])) ++ej;
            if (ei - i != ej - j) return ei - i < ej - j;
            if (auto c = a.substr(i, ei - i).compare(b.substr(j, ej - j)); c != 0) return c < 0;
            i = ei;
            j = ej;
            continue;
        }
        if (lower(a[i]) != lower(b[j]))
            return static_cast<unsigned char>(lower(a[i])) < static_cast<unsigned char>(lower(b[j]));
        ++i;
        ++j;
    }
    if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
    return a < b;  // equal but for case or zeros: a fixed order all the same
}

boost::asio::awaitable<boost::system::result<project_status>> async_load_project_status(
    store::backend& st, std::string id, std::string folder, std::chrono::seconds join_before)
{
    project_status p;
    auto row = co_await st.project(id);
    if (!row) co_return row.error();
    if (*row) static_cast<store::project_row&>(p) = std::move(**row);
    // As configured now: a project whose folder was changed shows the new one.
    p.id = id;
    p.folder = folder;
    p.join_before = join_before;
    if (auto ec = co_await read_into(st.participants(id), p.participants)) co_return ec;
    std::stable_sort(p.participants.begin(), p.participants.end(), [](const auto& a, const auto& b) {
        return natural_less(participant_label(a), participant_label(b));
    });
    if (auto ec = co_await read_into(st.documents(id), p.documents)) co_return ec;
    if (auto ec = co_await read_into(st.engagements(id), p.engagements)) co_return ec;
    if (auto ec = co_await read_into(st.open_problems(id), p.problems)) co_return ec;
    if (auto ec = co_await read_into(st.calls(id), p.calls)) co_return ec;
    std::optional<std::string> asked;
    if (auto ec = co_await read_into(st.cursor(tracking::moodle_completion_cursor(id)), asked)) co_return ec;
    if (asked && !asked->empty()) p.moodle_completion_asked = std::stoll(*asked);
    co_return p;
}

boost::asio::awaitable<boost::system::result<std::vector<std::string>>> async_load_status_warnings(store::backend& st)
{
    auto w = co_await st.cursor(tracking::audit_warning_cursor);
    if (!w) co_return w.error();
    std::vector<std::string> out;
    if (*w && !(*w)->empty()) out.push_back(**w);
    co_return out;
}

namespace {

// The awaitable loaders run to their end on SQLite, whose backend never suspends (its failures throw).
template <class T>
T on_sqlite_now(boost::asio::awaitable<boost::system::result<T>> load)
{
    boost::asio::io_context io;
    auto done = boost::asio::co_spawn(io, std::move(load), boost::asio::use_future);
    io.run();
    return done.get().value();
}

}  // namespace

project_status load_project_status(const store::state& st, const std::string& id, const std::string& folder,
                                   std::chrono::seconds join_before)
{
    store::sqlite_backend backend(st.db());
    return on_sqlite_now(async_load_project_status(backend, id, folder, join_before));
}

std::vector<std::string> load_status_warnings(const store::state& st)
{
    store::sqlite_backend backend(st.db());
    return on_sqlite_now(async_load_status_warnings(backend));
}

std::string render_status_text(const std::vector<project_status>& projects, const std::vector<std::string>& warnings)
{
    std::ostringstream out;
    for (const auto& w : warnings) out << "WARNING: " << reminding::log_text(w) << "\n\n";
    for (const auto& p : projects) {
        out << p.id << "  " << p.folder << "  ("
            << (p.last_cycle_at ? "last cycle " + utc(*p.last_cycle_at) + " UTC" : std::string("no poll cycle yet"))
            << ")\n";
        if (p.holder)
            out << "  held by " << reminding::log_text(*p.holder)
                << (p.held_since ? " since " + utc(*p.held_since) + " UTC" : std::string()) << "\n";
        else if (p.leased)
            out << "  held by no daemon: the next daemon to pass takes it\n";
        if (p.last_error)
            out << "  NOT POLLED since " << (p.failing_since ? utc(*p.failing_since) + " UTC" : std::string("?"))
                << ": " << *p.last_error << "\n";
        if (p.documents.empty() || p.participants.empty()) {
            out << "  " << p.documents.size() << " pre-read(s), " << p.participants.size() << " participant(s)\n";
            detail::render_sessions(out, p);
            out << '\n';
            continue;
        }
        if (!render_grid(out, p)) render_by_participant(out, p);
        if (p.moodle_completion_asked)
            out << "  Moodle completion last asked " << utc(*p.moodle_completion_asked)
                << " UTC (asked within reminder windows only: a later view shows then)\n";
        if (!p.problems.empty()) {
            out << "  access problems:\n";
            for (const auto& pr : p.problems)
                out << "    " << reminding::log_text(pr.user_id) << ": " << reminding::log_text(pr.detail) << '\n';
        }
        detail::render_sessions(out, p);
        out << '\n';
    }
    return out.str();
}

nlohmann::json render_status_json(const std::vector<project_status>& projects, const std::vector<std::string>& warnings)
{
    using json = nlohmann::ordered_json;
    json list = json::array();
    for (const auto& p : projects) {
        json docs = json::array();
        for (const auto& d : p.documents) {
            json by_user = json::object();
            for (const auto& e : p.engagements) {
                if (e.file_id != d.file_id) continue;
                by_user[e.user_id][store::to_string(e.kind)] = {{"at", utc(e.first_at, "%FT%TZ")},
                                                                {"source", e.source}};
            }
            json doc = {{"file_id", d.file_id}, {"path", d.path}};
            doc["source"] = d.source.empty() ? "files" : d.source;
            if (d.source == "moodle") {
                doc["cmid"] = -d.file_id;
                doc["section"] = d.section;
                doc["section_name"] = d.section_name;
                doc["link"] = d.link;
            }
            doc["engagements"] = by_user;
            docs.push_back(std::move(doc));
        }
        json participants = json::array();
        for (const auto& u : p.participants) {
            json who = {{"user", u.user_id}, {"source", store::to_string(u.source)}};
            if (!u.display_name.empty()) who["display_name"] = u.display_name;
            participants.push_back(std::move(who));
        }
        json problems = json::array();
        for (const auto& pr : p.problems)
            problems.push_back({{"user", pr.user_id},
                                {"file_id", pr.file_id},
                                {"problem", pr.problem},
                                {"detail", pr.detail},
                                {"since", utc(pr.first_seen, "%FT%TZ")}});
        list.push_back(
            {{"id", p.id},
             {"folder", p.folder},
             {"last_cycle_at", p.last_cycle_at ? json(utc(*p.last_cycle_at, "%FT%TZ")) : json(nullptr)},
             {"last_error",
              p.last_error ? json{{"message", *p.last_error},
                                  {"since", p.failing_since ? json(utc(*p.failing_since, "%FT%TZ")) : json(nullptr)}}
                           : json(nullptr)},
             {"participants", participants},
             {"documents", docs},
             {"access_problems", problems},
             {"sessions", detail::sessions_json(p)},
             {"unmatched_calls", detail::unmatched_calls_json(p)},
             {"sessions_selecting_nothing", detail::selecting_nothing_json(p)},
             {"moodle_completion_asked",
              p.moodle_completion_asked ? json(utc(*p.moodle_completion_asked, "%FT%TZ")) : json(nullptr)}});
        // Only with several daemons on PostgreSQL (docs/status-json.md).
        if (p.leased)
            list.back()["lease"] =
                p.holder ? json{{"holder", *p.holder},
                                {"since", p.held_since ? json(utc(*p.held_since, "%FT%TZ")) : json(nullptr)}}
                         : json(nullptr);
    }
    return nlohmann::json::parse(json{{"format", 1}, {"warnings", warnings}, {"projects", list}}.dump());
}

}  // namespace prereadd::daemon
