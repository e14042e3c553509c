// Message texts (see messages.hpp). English only for now; the wording lives
// here alone so a translation has one place to go.
#include "reminding/messages.hpp"

#include "reminding/literal.hpp"

#include <algorithm>
#include <set>

namespace prereadd::reminding {
namespace {

const char* const weekday_names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

std::string joined(const std::vector<std::string>& items, const char* separator = ", ")
{
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
    return out;
}

// The title, the time (in `zone`, and the project's when it differs) and how soon.
std::string headline(const reminder_input& in, const date::time_zone* zone = nullptr)
{
    const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(in.session->start - in.now);
    return "**" + talk_text(in.session->title) + "** — " +
           time_in_both(in.session->start, zone ? *zone : *in.zone, *in.zone) + ", " + starts_in(remaining) + ".";
}

// The call's link and the board worked on in it, each on its line.
std::string call_lines(const reminder_input& in)
{
    std::string out;
    if (!in.call_link.empty()) out += "\nJoin the call: " + in.call_link;
    if (!in.whiteboard.empty())
        out += "\nWhiteboard for the call: " + talk_text(in.whiteboard) +
               (in.whiteboard_link.empty() ? "" : " " + in.whiteboard_link);
    return out;
}

std::string clock_of(date::sys_seconds t, const date::time_zone& zone)
{
    const auto local = zone.to_local(t);
    return date::format("%H:%M", date::floor<std::chrono::minutes>(local - date::floor<date::days>(local)));
}

// "Monday 7 December 2026", or without the year.
std::string day_name(date::local_days day, bool with_year)
{
    const date::year_month_day ymd{day};
    return std::string(weekday_names[date::weekday{day}.c_encoding()]) + " " +
           std::to_string(static_cast<unsigned>(ymd.day())) + " " + month_names[static_cast<unsigned>(ymd.month()) - 1] +
           (with_year ? " " + std::to_string(static_cast<int>(ymd.year())) : std::string());
}

// "HH:MM (zone)", with the day when it is not the project's day.
std::string clock_in(date::sys_seconds t, const date::time_zone& zone, const date::time_zone& project_zone)
{
    const auto day = date::floor<date::days>(zone.to_local(t));
    const std::string clock = clock_of(t, zone) + " (" + zone.name() + ")";
    if (day == date::floor<date::days>(project_zone.to_local(t))) return clock;
    return day_name(day, false) + ", " + clock;
}

// "In other time zones: 18:30 (Asia/Kolkata)": the zones of the people a message
// mentions whose clocks show another time than the project's.
std::string other_zones(const reminder_input& in, const std::vector<std::string>& mentioned)
{
    std::set<std::string> shown;
    const auto project_offset = in.zone->get_info(in.session->start).offset;
    for (const auto& user : mentioned) {
        auto z = in.zones.find(user);
        if (z == in.zones.end() || z->second->get_info(in.session->start).offset == project_offset) continue;
        shown.insert(clock_in(in.session->start, *z->second, *in.zone));
    }
    if (shown.empty()) return {};
    return "\nIn other time zones: " + joined({shown.begin(), shown.end()}, "; ") + ".";
}

std::string paths_of(const std::vector<const pre_read_doc*>& docs, std::string (*literal)(std::string_view))
{
    std::vector<std::string> paths;
    for (const auto* d : docs) paths.push_back(literal(document_label(*d)));
    return joined(paths);
}

// "alice has been told", "alice and bob have been told"; "" without facilitators.
std::string facilitators_told(const std::vector<std::string>& facilitators)
{
    if (facilitators.empty()) return {};
    std::vector<std::string> names;
    for (const auto& f : facilitators) names.push_back(talk_text(f));
    return and_list(names) + (names.size() == 1 ? " has" : " have") + " been told";
}

// "a.md (no access yet), b.md (no access yet) — alice has been told": each
// document marked, so a list of ten does not read as if only the last were meant.
std::string out_of_reach_list(const std::vector<const pre_read_doc*>& docs,
                              const std::vector<std::string>& facilitators)
{
    std::vector<std::string> marked;
    for (const auto* d : docs) marked.push_back(talk_text(document_label(*d)) + " (no access yet)");
    const auto told = facilitators_told(facilitators);
    return joined(marked) + (told.empty() ? "" : " — " + told);
}

// The lines of a reminder or follow-up: who has what left, their mention only
// when they can act on it; what they cannot open, marked.
void list_what_is_left(const reminder_input& in, std::string& text, message& m)
{
    const auto open = pending(in.participants, in.documents, in.done, in.blocked);
    const auto unreachable = out_of_reach(in.participants, in.documents, in.done, in.blocked);
    for (const auto& user : in.participants) {
        auto mine = open.find(user);
        auto blocked = unreachable.find(user);
        if (mine == open.end() && blocked == unreachable.end()) continue;
        text += "\n- ";
        if (mine != open.end()) {
            text += mention(user) + ": " + paths_of(mine->second, talk_text);
            m.mentioned.push_back(user);
        } else {
            text += talk_text(user) + ":";
        }
        if (blocked != unreachable.end())
            text +=
                std::string(mine != open.end() ? ";" : "") + " " + out_of_reach_list(blocked->second, in.facilitators);
    }
}

// The participants a session's call went on without (nobody when it had no call).
std::vector<std::string> missed_the_call(const reminder_input& in)
{
    std::vector<std::string> out;
    if (!in.attendance || !in.attendance->call_happened) return out;
    for (const auto& user : in.participants)
        if (!in.attendance->present.count(user)) out.push_back(user);
    return out;
}

// Where those who missed the call catch up: the session's folder, offered
// only to those who can open it (no pre-read out of their reach); the others
// are told who to ask.
std::string catch_up_line(const reminder_input& in)
{
    std::vector<std::string> can, cannot;
    for (const auto& user : missed_the_call(in)) {
        const bool blocked =
            std::any_of(in.blocked.begin(), in.blocked.end(), [&](const auto& b) { return b.first == user; });
        (blocked ? cannot : can).push_back(talk_text(user));
    }
    std::string out;
    if (!can.empty())
        out += "\nFor " + (cannot.empty() ? std::string("those who did not attend") : and_list(can)) +
               ": the session's folder " + talk_text(in.session_folder) + " (minutes, recording).";
    if (!cannot.empty()) {
        std::vector<std::string> facilitators;
        for (const auto& name : in.facilitators) facilitators.push_back(talk_text(name));
        out += "\n" + and_list(cannot) + " cannot open the session's folder yet: ask " +
               (facilitators.empty() ? std::string("the project's facilitator") : and_list(facilitators)) +
               " for access to it.";
    }
    return out;
}

}  // namespace

std::string and_list(const std::vector<std::string>& names)
{
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return out;
}

std::string fitted(std::string text)
{
    if (text.size() <= max_message_length) return text;
    const std::string note = "\n… (list cut; `prereadd status` has all of it)";
    auto cut = text.rfind('\n', max_message_length - note.size());
    if (cut == std::string::npos) cut = max_message_length - note.size();
    text.resize(cut);
    return text + note;
}

std::string mention(const std::string& user_id) { return "@\"" + user_id + "\""; }

std::string session_time(const scheduler::session& s, const date::time_zone& zone) { return local_time(s.start, zone); }

std::string time_in_both(date::sys_seconds t, const date::time_zone& zone, const date::time_zone& project_zone)
{
    if (&zone == &project_zone) return local_time(t, zone);
    return local_time(t, zone) + " = " + clock_in(t, project_zone, zone);
}

std::string local_time(date::sys_seconds t, const date::time_zone& zone)
{
    return day_name(date::floor<date::days>(zone.to_local(t)), true) + ", " + clock_of(t, zone) + " (" + zone.name() +
           ")";
}

std::string time_until(std::chrono::seconds remaining)
{
    using namespace std::chrono;
    if (remaining < minutes(1)) return "in less than a minute";
    auto plural = [](long long n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); };
    const auto d = duration_cast<days>(remaining).count();
    const auto h = duration_cast<hours>(remaining % days(1)).count();
    const auto m = duration_cast<minutes>(remaining % hours(1)).count();
    if (d > 0) return "in " + plural(d, "day") + (h > 0 ? " " + plural(h, "hour") : "");
    if (h > 0) return "in " + plural(h, "hour") + (m > 0 ? " " + plural(m, "minute") : "");
    return "in " + plural(m, "minute");
}

std::string starts_in(std::chrono::seconds remaining)
{
    return remaining < std::chrono::minutes(1) ? "starting now" : time_until(remaining);
}

done_set done_from(const std::vector<store::engagement>& engagements)
{
    done_set out;
    for (const auto& e : engagements) out.insert({e.user_id, e.file_id});
    return out;
}

namespace {

// Who has which documents left, among those they can (or cannot) open.
std::map<std::string, std::vector<const pre_read_doc*>> left_to_read(const std::vector<std::string>& participants,
                                                                     const std::vector<pre_read_doc>& documents,
                                                                     const done_set& done, const blocked_set& blocked,
                                                                     bool can_open)
{
    std::map<std::string, std::vector<const pre_read_doc*>> out;
    for (const auto& user : participants)
        for (const auto& d : documents)
            if (!done.count({user, d.file_id}) && (blocked.count({user, d.file_id}) == 0) == can_open)
                out[user].push_back(&d);
    return out;
}

}  // namespace

std::map<std::string, std::vector<const pre_read_doc*>> pending(const std::vector<std::string>& participants,
                                                                const std::vector<pre_read_doc>& documents,
                                                                const done_set& done, const blocked_set& blocked)
{
    return left_to_read(participants, documents, done, blocked, true);
}

std::map<std::string, std::vector<const pre_read_doc*>> out_of_reach(const std::vector<std::string>& participants,
                                                                     const std::vector<pre_read_doc>& documents,
                                                                     const done_set& done, const blocked_set& blocked)
{
    return left_to_read(participants, documents, done, blocked, false);
}

std::optional<message> reminder_message(const reminder_input& in)
{
    if (in.documents.empty() || in.participants.empty()) return std::nullopt;
    const auto open = pending(in.participants, in.documents, in.done, in.blocked);
    message m;
    if (open.empty()) {
        if (!in.when_all_ready) return std::nullopt;
        std::string text = headline(in) + call_lines(in);
        if (out_of_reach(in.participants, in.documents, in.done, in.blocked).empty()) {
            text += "\nEveryone has read the " + std::to_string(in.documents.size()) +
                    (in.documents.size() == 1 ? " pre-read" : " pre-reads") + ". Thank you!";
        } else {
            text += "\nEveryone has read the pre-reads they can open. Thank you! Not open to everyone yet:";
            list_what_is_left(in, text, m);
        }
        m.text = fitted(std::move(text));
        return m;
    }
    std::string text = "\nStill to read:";
    list_what_is_left(in, text, m);
    text = headline(in) + other_zones(in, m.mentioned) + call_lines(in) + text;
    text += "\nReact to this message once you have read everything.";
    m.text = fitted(std::move(text));
    return m;
}

std::optional<message> follow_up_message(const reminder_input& in, date::sys_seconds deadline)
{
    const auto open = pending(in.participants, in.documents, in.done, in.blocked);
    const auto absent = missed_the_call(in);
    if ((in.documents.empty() || open.empty()) && absent.empty()) return std::nullopt;
    message m;
    std::string text = "Follow-up to **" + talk_text(in.session->title) + "** (" + session_time(*in.session, *in.zone) +
                       "): please read by " + local_time(deadline, *in.zone) + ", " +
                       time_until(std::chrono::duration_cast<std::chrono::seconds>(deadline - in.now)) + ".";
    list_what_is_left(in, text, m);
    if (!absent.empty()) {
        text += "\nYou missed the session:";
        for (const auto& user : absent) {
            text += " " + mention(user);
            if (std::find(m.mentioned.begin(), m.mentioned.end(), user) == m.mentioned.end())
                m.mentioned.push_back(user);
        }
        text += " — your follow-up is the session's folder " + talk_text(in.session_folder) +
                " (minutes, recording).";
    }
    m.text = fitted(std::move(text));
    return m;
}

std::optional<message> nudge_message(const reminder_input& in, const std::vector<std::string>& peers)
{
    if (peers.empty()) return std::nullopt;  // no call yet: nothing to join
    message m;
    for (const auto& user : in.participants)
        if (!std::binary_search(peers.begin(), peers.end(), user)) m.mentioned.push_back(user);
    if (m.mentioned.empty()) return std::nullopt;
    std::string text = "The call for **" + talk_text(in.session->title) + "** has started:";
    for (const auto& user : m.mentioned) text += " " + mention(user);
    text += in.call_link.empty() ? std::string(" — join it in this conversation.") : " — join here: " + in.call_link;
    m.text = fitted(std::move(text));
    return m;
}

message summary_message(const reminder_input& in, const std::vector<const pre_read_doc*>& follow_ups)
{
    std::string text =
        "Summary of **" + talk_text(in.session->title) + "** (" + session_time(*in.session, *in.zone) + "):";
    std::vector<std::string> present;
    for (const auto& user : in.participants)
        if (auto it = in.attendance->present.find(user); it != in.attendance->present.end())
            present.push_back(talk_text(user) + " (joined " +
                              clock_of(date::sys_seconds{std::chrono::seconds(it->second)}, *in.zone) + ")");
    std::vector<std::string> absent;
    for (const auto& user : missed_the_call(in)) absent.push_back(talk_text(user));
    text += "\nAttended: " + (present.empty() ? std::string("nobody") : joined(present));
    text += "\nDid not attend: " + (absent.empty() ? std::string("nobody") : joined(absent));
    if (!follow_ups.empty()) text += "\nFollow-ups now due: " + paths_of(follow_ups, talk_text);
    text += catch_up_line(in);
    return {fitted(std::move(text)), {}};
}

message personal_reminder(const reminder_input& in, const std::string& user)
{
    const auto open = pending({user}, in.documents, in.done, in.blocked);
    const auto unreachable = out_of_reach({user}, in.documents, in.done, in.blocked);
    auto zone = in.zones.find(user);
    std::string text = "Reminder: " + headline(in, zone == in.zones.end() ? nullptr : zone->second) + call_lines(in);
    if (auto it = open.find(user); it != open.end())
        text += "\nNot opened by you yet: " + paths_of(it->second, talk_text) + ".";
    if (auto it = unreachable.find(user); it != unreachable.end()) {
        const auto told = facilitators_told(in.facilitators);
        text +=
            "\nYou cannot open " + paths_of(it->second, talk_text) + " yet" + (told.empty() ? "" : ", " + told) + ".";
    }
    return {fitted(std::move(text)), {}};
}

namespace {

std::string label(const std::string& path, const std::string& source, const std::string& section_name)
{
    if (source != "moodle") return path;
    return path + " (Moodle" + (section_name.empty() ? std::string() : ", " + section_name) + ")";
}

}  // namespace

std::string document_label(const pre_read_doc& d) { return label(d.path, d.source, d.section_name); }
std::string document_label(const store::document_row& d) { return label(d.path, d.source, d.section_name); }

std::optional<std::string> moodle_reminder(const reminder_input& in, const std::string& user, const std::string& name)
{
    std::vector<pre_read_doc> modules;
    for (const auto& d : in.documents)
        if (d.from_moodle()) modules.push_back(d);
    const auto open = pending({user}, modules, in.done, in.blocked);
    auto it = open.find(user);
    if (it == open.end()) return std::nullopt;
    const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(in.session->start - in.now);
    std::string html = "<p>Hello " + html_text(name) + ",</p><p>Reminder: <strong>" + html_text(in.session->title) +
                       "</strong> — " + html_text(session_time(*in.session, *in.zone)) + ", " + starts_in(remaining) +
                       ".</p><p>Not opened by you yet:</p><ul>";
    for (const auto* d : it->second) {
        html += "<li><a href=\"" + html_attribute(d->link) + "\">" + html_text(d->path) + "</a>";
        if (!d->section_name.empty()) html += " (" + html_text(d->section_name) + ")";
        html += "</li>";
    }
    html += "</ul>";
    return html;
}

message digest_message(const digest_input& in)
{
    const auto& base = in.base;
    std::string text = "Digest before " + headline(base) + call_lines(base);
    text += "\nRead so far:";
    for (const auto& user : base.participants) {
        std::size_t read = 0;
        std::vector<const pre_read_doc*> blocked;
        for (const auto& d : base.documents) {
            read += base.done.count({user, d.file_id});
            if (!base.done.count({user, d.file_id}) && base.blocked.count({user, d.file_id})) blocked.push_back(&d);
        }
        text += "\n- " + talk_text(user) + ": " + std::to_string(read) + " of " + std::to_string(base.documents.size());
        if (!blocked.empty()) text += "; no access yet to " + paths_of(blocked, talk_text);
    }
    text += "\nBy document:";
    std::map<std::string, std::size_t> comments;
    std::size_t comment_total = 0;
    for (const auto& d : base.documents) {
        std::map<std::string, std::vector<std::string>> by_kind;  // kind -> users
        for (const auto& e : in.engagements) {
            if (e.file_id != d.file_id) continue;
            by_kind[store::to_string(e.kind)].push_back(e.user_id);
            if (e.kind == store::engagement_kind::commented && in.previous_session_end &&
                e.first_at >= in.previous_session_end->time_since_epoch().count()) {
                ++comments[document_label(d)];
                ++comment_total;
            }
        }
        std::vector<std::string> parts;
        for (const char* kind : {"opened", "synced", "commented", "edited", "acknowledged"})
            if (auto it = by_kind.find(kind); it != by_kind.end()) {
                std::sort(it->second.begin(), it->second.end());
                std::vector<std::string> users;
                for (const auto& u : it->second) users.push_back(talk_text(u));
                parts.push_back(std::string(kind) + " by " + joined(users));
            }
        text += "\n- " + talk_text(document_label(d)) + ": " +
                (parts.empty() ? std::string("nobody yet") : joined(parts, "; "));
    }
    if (in.previous_session_end) {
        std::vector<std::string> per_doc;
        for (const auto& [path, n] : comments) per_doc.push_back(talk_text(path) + ": " + std::to_string(n));
        text += "\nComments since the previous session: " + std::to_string(comment_total) +
                (per_doc.empty() ? "" : " (" + joined(per_doc) + ")");
    }
    if (in.first_reminder_at) {
        std::vector<std::string> added;
        for (const auto& d : base.documents)
            if (d.first_seen > in.first_reminder_at->time_since_epoch().count())
                added.push_back(talk_text(document_label(d)));
        if (!added.empty()) text += "\nAdded after the first reminder: " + joined(added);
    }
    return {fitted(std::move(text)), {}};
}

std::string month_name(date::month m) { return month_names[static_cast<unsigned>(m) - 1]; }

}  // namespace prereadd::reminding
