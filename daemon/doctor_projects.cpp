// `prereadd doctor`'s checks of one project on Nextcloud (detail/doctor_context.hpp):
// the folder and its shares, whether every participant can open every file in it
// (the poll cycle's own access check), the groups, Talk and Deck.
#include "daemon/detail/doctor_context.hpp"

#include "ocs/api.hpp"
#include "ocs/deck.hpp"
#include "ocs/talk.hpp"
#include "reminding/decisions.hpp"
#include "scheduler/sessions.hpp"
#include "tracking/access_check.hpp"
#include "webdav/requests.hpp"

#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

namespace prereadd::daemon::detail {
namespace {

using group_members = std::map<std::string, std::vector<std::string>>;

// "a, b and c"
std::string listed(const std::vector<std::string>& items)
{
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + reminding::log_text(items[i]);
    return out;
}

std::string joined(const std::vector<std::string>& items, const char* separator)
{
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
    return out;
}

// What the folder holds and who it is shared with, as the poll cycle reads them.
struct folder_facts {
    std::vector<tracking::pre_read> files;           // directly in the folder
    std::vector<scheduler::pre_read_doc> documents;  // the same, with their collaborative tags
    std::vector<ocs::share> shares;                  // of the folder and of the files in it
};

boost::asio::awaitable<std::optional<folder_facts>> async_check_folder(doctor_context& d,
                                                                       const config::project_config& p)
{
    const std::string name = "project " + p.id;
    auto listing = co_await webdav::async_list(d.client, d.base(), d.user(), p.folder, 1);
    if (!listing) {
        d.add(name + ": folder", verdict::problem,
              p.folder + " cannot be listed as " + d.user() + ": " + said(listing.error()),
              "create " + p.folder + " as " + d.user() +
                  " (the owner of the project folders), or correct \"folder\" in " + p.file.string());
        co_return std::nullopt;
    }
    d.add(name + ": folder", verdict::ok, p.folder + " exists");
    folder_facts facts;
    for (const auto& e : *listing)
        if (!e.collection && e.file_id) {
            const auto slash = e.href.find_last_of('/');
            facts.files.push_back({*e.file_id, slash == std::string::npos ? e.href : e.href.substr(slash + 1)});
            facts.documents.push_back({*e.file_id, facts.files.back().path, 0, e.system_tags});
        }
    for (const bool of_files : {false, true}) {
        auto shares = co_await ocs::async_shares(d.client, d.base(), p.folder, of_files);
        if (!shares) {
            d.add(name + ": shares", verdict::problem,
                  "cannot read the shares of " + p.folder + ": " + said(shares.error()));
            co_return std::nullopt;
        }
        for (auto& s : *shares)
            if (std::none_of(facts.shares.begin(), facts.shares.end(), [&](const auto& o) { return o.id == s.id; }))
                facts.shares.push_back(std::move(s));
    }
    if (facts.shares.empty())
        d.add(name + ": shares", verdict::problem, p.folder + " is shared with nobody: the participants cannot read it",
              "share " + p.folder + " with the participants' group (Files > Share), as " + d.user());
    else
        d.add(name + ": shares", verdict::ok, p.folder + ": " + std::to_string(facts.shares.size()) + " share(s)");
    co_return facts;
}

// The configured participants: its users and the members of its groups that can be listed.
boost::asio::awaitable<std::set<std::string>> async_check_groups(doctor_context& d, const config::project_config& p,
                                                                 group_members& members)
{
    std::set<std::string> who(p.participants.users.begin(), p.participants.users.end());
    for (const auto& g : p.participants.groups) {
        auto listed_members = co_await ocs::async_group_members(d.client, d.base(), g);
        if (!listed_members) {
            d.add("project " + p.id + ": group " + g, verdict::problem,
                  d.user() + " cannot list the members of " + g + ": " + said(listed_members.error()),
                  "make " + d.user() + " a sub-admin of " + g + " (Users > " + d.user() +
                      " > Group admin for), or: curl -u admin -X POST -H 'OCS-APIRequest: true' " +
                      d.base().to_string() + "/ocs/v2.php/cloud/users/" + d.user() + "/subadmins -d groupid=" + g);
            continue;
        }
        d.add("project " + p.id + ": group " + g, verdict::ok, std::to_string(listed_members->size()) + " member(s)");
        who.insert(listed_members->begin(), listed_members->end());
        members[g] = std::move(*listed_members);
    }
    who.erase(d.user());
    co_return who;
}

// The daemon's access check (tracking::check_access) over the files of the
// folder: one line per participant who cannot open some of them.
boost::asio::awaitable<void> async_check_access(doctor_context& d, const config::project_config& p,
                                                const folder_facts& facts, const std::set<std::string>& who,
                                                group_members& members)
{
    if (facts.files.empty() || who.empty()) co_return;
    // The groups shared with that the participants' groups did not list already.
    for (const auto& s : facts.shares)
        if (s.type == ocs::share_with_group && !members.count(s.share_with))
            if (auto m = co_await ocs::async_group_members(d.client, d.base(), s.share_with))
                members[s.share_with] = *m;
    const tracking::project_view view{d.user(), p.folder, facts.files, facts.shares};
    const tracking::group_membership is_member = [&](const std::string& user, const std::string& group) {
        auto it = members.find(group);
        return it != members.end() && std::find(it->second.begin(), it->second.end(), user) != it->second.end();
    };
    const auto today = date::year_month_day{date::floor<date::days>(std::chrono::system_clock::now())};
    const auto problems = tracking::check_access(view, {who.begin(), who.end()}, is_member, today);
    // user -> reason -> the files: "agenda.md and budget.ods (not shared with dave)"
    std::map<std::string, std::map<std::string, std::vector<std::string>>> by_user;
    for (const auto& pr : problems) {
        auto file = std::find_if(facts.files.begin(), facts.files.end(),
                                 [&](const auto& f) { return f.file_id == pr.file_id; });
        const std::string prefix = file == facts.files.end() ? std::string() : file->path + ": ";
        if (!prefix.empty() && pr.detail.starts_with(prefix))
            by_user[pr.user][pr.detail.substr(prefix.size())].push_back(file->path);
        else
            by_user[pr.user][pr.detail];
    }
    const std::string name = "project " + p.id + ": access";
    if (by_user.empty())
        d.add(name, verdict::ok,
              "all " + std::to_string(who.size()) + " participant(s) can open the " +
                  std::to_string(facts.files.size()) + " file(s) in " + p.folder);
    for (const auto& [user, reasons] : by_user) {
        std::size_t count = 0;
        std::vector<std::string> parts;
        for (const auto& [reason, files] : reasons) {
            count += files.size();
            parts.push_back(listed(files) + " (" + reminding::log_text(reason) + ")");
        }
        d.add(name, verdict::problem,
              reminding::log_text(user) + " cannot open " + std::to_string(count) + " of " +
                  std::to_string(facts.files.size()) + " file(s) in " + p.folder + ": " + joined(parts, "; "),
              "share " + p.folder + " with " + reminding::log_text(user) +
                  " or a group of theirs (Files > Share), as " + d.user());
    }
}

// The coming sessions whose own selection (the dated
// sub-folder, the dated tag) selects no file: the daemon would remind them of
// nothing (issue 27). Calendar sessions are not expanded here.
boost::asio::awaitable<void> async_check_selections(doctor_context& d, const config::project_config& p,
                                                    const folder_facts& facts)
{
    using scheduler::pre_read_scope;
    if (p.pre_reads == pre_read_scope::folder) co_return;
    const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto ahead = reminding::selection_horizon(p);
    const auto sessions = scheduler::expand_sessions(p.sessions, p.weekly, *p.time_zone, now, now + ahead);
    std::vector<std::string> empty;
    for (const auto& s : sessions) {
        auto documents = facts.documents;
        const auto day = date::format("%F", date::floor<date::days>(p.time_zone->to_local(s.start)));
        if (p.pre_reads == pre_read_scope::session_folder)
            if (auto dated = co_await webdav::async_list(d.client, d.base(), d.user(), p.folder + "/" + day, 1))
                for (const auto& e : *dated)
                    if (!e.collection && e.file_id)
                        documents.push_back({*e.file_id, day + "/" + e.href.substr(e.href.find_last_of('/') + 1)});
        if (scheduler::documents_for(s, *p.time_zone, documents, p.pre_reads, p.pre_read_tag_prefix).empty())
            empty.push_back("\"" + reminding::log_text(s.title) + "\" (" + s.key + ")");
    }
    const std::string name = "project " + p.id + ": pre-reads";
    if (sessions.empty()) co_return;
    if (empty.empty()) {
        d.add(name, verdict::ok,
              "each session of the next " + std::to_string(ahead.count() / 86400) + " days has pre-reads");
        co_return;
    }
    const bool by_folder = p.pre_reads == pre_read_scope::session_folder;
    d.add(name, verdict::problem,
          listed(empty) + (empty.size() == 1 ? " selects" : " select") + " no file: " +
              (by_folder ? "nothing at the top of " + p.folder + " and nothing in the dated sub-folder"
                         : "no untagged file and none tagged " + p.pre_read_tag_prefix + "<its date>") +
              ", so its reminders would list nothing",
          by_folder ? "put each session's pre-reads in " + p.folder + "/<YYYY-MM-DD of the session>/"
                    : "tag each session's pre-reads " + p.pre_read_tag_prefix + "<YYYY-MM-DD of the session>");
}

boost::asio::awaitable<void> async_check_talk(doctor_context& d, const config::project_config& p,
                                              const std::set<std::string>& who)
{
    const std::string name = "project " + p.id + ": Talk";
    auto attendees = co_await ocs::async_talk_participants(d.client, d.base(), p.talk->conversation);
    if (!attendees) {
        d.add(
            name, verdict::problem,
            "conversation " + p.talk->conversation + " cannot be read as " + d.user() + ": " + said(attendees.error()),
            "add " + d.user() + " to the conversation as a moderator, or correct talk.conversation in " +
                p.file.string());
        co_return;
    }
    d.add(name, verdict::ok,
          "conversation " + p.talk->conversation + ", " + std::to_string(attendees->size()) + " attendee(s)");
    // A mention of someone outside the conversation notifies nobody.
    const auto in_room = ocs::talk_users(*attendees);
    std::vector<std::string> outside;
    for (const auto& u : who)
        if (!std::binary_search(in_room.begin(), in_room.end(), u)) outside.push_back(u);
    if (!outside.empty())
        d.add(name, verdict::warning,
              listed(outside) + (outside.size() == 1 ? " is" : " are") + " not in conversation " +
                  p.talk->conversation + ": a reminder mentions them, but Talk does not notify them",
              "add them to the conversation (its Participants tab), as one of its moderators");
}

boost::asio::awaitable<void> async_check_deck(doctor_context& d, const config::project_config& p,
                                              const std::set<std::string>& who)
{
    const std::string name = "project " + p.id + ": Deck";
    const std::string board_id = std::to_string(p.deck->board);
    auto board = co_await ocs::async_board(d.client, d.base(), p.deck->board);
    if (!board && board.error().status == 403) {
        // Deck answers 403 for a deleted board too, also to its owner.
        d.add(name, verdict::problem,
              "Deck refuses board " + board_id + " to " + d.user() +
                  ": it may have been deleted, or it is not shared with " + d.user(),
              "restore it in Deck (Deleted boards) or set deck.board in " + p.file.string() +
                  " to a board that exists; otherwise share it with " + d.user() + " with edit and share rights");
        co_return;
    }
    if (!board) {
        d.add(name, verdict::problem,
              "board " + board_id + " cannot be read as " + d.user() + ": " + said(board.error()),
              "share Deck board " + board_id + " with " + d.user() +
                  " with edit and share rights, or correct deck.board in " + p.file.string());
        co_return;
    }
    std::vector<std::string> outside;
    for (const auto& u : who)
        if (std::find(board->members.begin(), board->members.end(), u) == board->members.end()) outside.push_back(u);
    const std::string names = listed(outside);
    const bool one = outside.size() == 1;
    if (outside.empty())
        d.add(name, verdict::ok, "board " + board_id + ": every participant is a member");
    else if (p.deck->share_with_participants && board->may_share)
        d.add(name, verdict::ok,
              "board " + board_id + ": " + names + (one ? " is not a member" : " are not members") +
                  " yet; prereadd shares the board with " + (one ? "them" : "each") +
                  " (read-only) before assigning a card");
    else
        d.add(name, verdict::problem,
              "board " + board_id + " is not shared with " + names + ": Deck cannot assign them the session cards",
              p.deck->share_with_participants
                  ? "give " + d.user() + " share rights on board " + board_id +
                        ", or share it with them in Deck (read-only is enough)"
                  : "share board " + board_id +
                        " with them in Deck (read-only is enough), or set deck.share_with_participants");
}

}  // namespace

boost::asio::awaitable<void> async_check_project(doctor_context& d, const config::project_config& p)
{
    std::optional<folder_facts> folder;
    if (!p.folder.empty()) folder = co_await async_check_folder(d, p);  // none: a Moodle course only
    group_members members;
    const auto who = co_await async_check_groups(d, p, members);
    if (folder) co_await async_check_access(d, p, *folder, who, members);
    if (folder) co_await async_check_selections(d, p, *folder);
    if (p.talk) co_await async_check_talk(d, p, who);
    if (p.deck) co_await async_check_deck(d, p, who);
}

}  // namespace prereadd::daemon::detail
