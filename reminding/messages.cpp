// Message texts (see messages.hpp), each sentence in its reader's language
// (i18n/language.hpp; docs/languages.md). The pieces they share are in
// wording.cpp.
#include "reminding/messages.hpp"

#include "reminding/detail/wording.hpp"
#include "reminding/literal.hpp"

#include <algorithm>
#include <set>

namespace prereadd::reminding {

using detail::bold_title;
using detail::call_lines;
using detail::clock_in;
using detail::clock_of;
using detail::headline;
using detail::joined;
using detail::paths_of;
using i18n::filled;
using i18n::translated;
using i18n::translated_n;

namespace {

// "In other time zones: 18:30 (Asia/Kolkata)": the zones of the people a message
// mentions whose clocks show another time than the project's.
std::string other_zones(const reminder_input& in, const std::vector<std::string>& mentioned, const i18n::language& l)
{
    std::set<std::string> shown;
    const auto project_offset = in.zone->get_info(in.session->start).offset;
    for (const auto& user : mentioned) {
        auto z = in.zones.find(user);
        if (z == in.zones.end() || z->second->get_info(in.session->start).offset == project_offset) continue;
        shown.insert(clock_in(in.session->start, *z->second, *in.zone, l));
    }
    if (shown.empty()) return {};
    // TRANSLATORS: a line of the group reminder; {times} is "18:30 (Asia/Kolkata); 04:00 (America/New_York)".
    return "\n" + filled(translated(l, "In other time zones: {times}."),
                         {{"times", joined({shown.begin(), shown.end()}, "; ")}});
}

// "alice has been told", "alice and bob have been told"; "" without facilitators.
std::string facilitators_told(const std::vector<std::string>& facilitators, const i18n::language& l)
{
    if (facilitators.empty()) return {};
    std::vector<std::string> names;
    for (const auto& f : facilitators) names.push_back(talk_text(f));
    return filled(
        // TRANSLATORS: after documents someone cannot open; {names} are the project's facilitators.
        translated_n(l, "{names} has been told", "{names} have been told", static_cast<long long>(names.size())),
        {{"names", l.and_list(names)}});
}

// "a.md (no access yet), b.md (no access yet) — alice has been told": each
// document marked, so a list of ten does not read as if only the last were meant.
std::string out_of_reach_list(const std::vector<const pre_read_doc*>& docs, const reminder_input& in,
                              const i18n::language& l)
{
    std::vector<std::string> marked;
    for (const auto* d : docs)
        marked.push_back(
            // TRANSLATORS: a document a participant cannot open yet, in a list of documents.
            filled(translated(l, "{document} (no access yet)"), {{"document", talk_text(document_label(*d))}}));
    const auto told = facilitators_told(in.facilitators, l);
    return joined(marked) + (told.empty() ? "" : " — " + told);
}

// The lines of a reminder or follow-up: who has what left, their mention only
// when they can act on it; what they cannot open, marked.
void list_what_is_left(const reminder_input& in, std::string& text, message& m, const i18n::language& l)
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
            text += std::string(mine != open.end() ? ";" : "") + " " + out_of_reach_list(blocked->second, in, l);
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
std::string catch_up_line(const reminder_input& in, const i18n::language& l)
{
    std::vector<std::string> can, cannot;
    for (const auto& user : missed_the_call(in)) {
        const bool blocked =
            std::any_of(in.blocked.begin(), in.blocked.end(), [&](const auto& b) { return b.first == user; });
        (blocked ? cannot : can).push_back(talk_text(user));
    }
    std::string out;
    if (!can.empty())
        // TRANSLATORS: a line of the summary after a session; {who} is names or "those who did not attend".
        out += "\n" + filled(translated(l, "For {who}: the session's folder {folder} (minutes, recording)."),
                             {{"who", cannot.empty() ? translated(l, "those who did not attend") : l.and_list(can)},
                              {"folder", talk_text(in.session_folder)}});
    if (!cannot.empty()) {
        std::vector<std::string> facilitators;
        for (const auto& name : in.facilitators) facilitators.push_back(talk_text(name));
        out +=
            // TRANSLATORS: a line of the summary; {names} missed the session and cannot open its folder, {whom} can
            // give access.
            "\n" + filled(translated_n(l, "{names} cannot open the session's folder yet: ask {whom} for access to it.",
                                       "{names} cannot open the session's folder yet: ask {whom} for access to it.",
                                       static_cast<long long>(cannot.size())),
                          {{"names", l.and_list(cannot)},
                           {"whom", facilitators.empty() ? translated(l, "the project's facilitator")
                                                         : l.and_list(facilitators)}});
    }
    return out;
}

}  // namespace

std::map<std::string, std::vector<const pre_read_doc*>> pending(const std::vector<std::string>& participants,
                                                                const std::vector<pre_read_doc>& documents,
                                                                const done_set& done, const blocked_set& blocked)
{
    std::map<std::string, std::vector<const pre_read_doc*>> out;
    for (const auto& user : participants)
        for (const auto& d : documents)
            if (!done.count({user, d.file_id}) && !blocked.count({user, d.file_id})) out[user].push_back(&d);
    return out;
}

std::map<std::string, std::vector<const pre_read_doc*>> out_of_reach(const std::vector<std::string>& participants,
                                                                     const std::vector<pre_read_doc>& documents,
                                                                     const done_set& done, const blocked_set& blocked)
{
    std::map<std::string, std::vector<const pre_read_doc*>> out;
    for (const auto& user : participants)
        for (const auto& d : documents)
            if (!done.count({user, d.file_id}) && blocked.count({user, d.file_id})) out[user].push_back(&d);
    return out;
}

std::optional<message> reminder_message(const reminder_input& in)
{
    if (in.documents.empty() || in.participants.empty()) return std::nullopt;
    const auto& l = *in.language;
    const auto open = pending(in.participants, in.documents, in.done, in.blocked);
    message m;
    if (open.empty()) {
        if (!in.when_all_ready) return std::nullopt;
        std::string text = headline(in, l) + call_lines(in, l);
        if (out_of_reach(in.participants, in.documents, in.done, in.blocked).empty()) {
            const auto n = static_cast<long long>(in.documents.size());
            // TRANSLATORS: the group reminder when everyone is ready.
            text += "\n" + filled(translated_n(l, "Everyone has read the {n} pre-read. Thank you!",
                                               "Everyone has read the {n} pre-reads. Thank you!", n),
                                  {{"n", l.number(n)}});
        } else {
            text +=
                "\n" +
                // TRANSLATORS: the group reminder when everyone read what they can; a list of who cannot open what
                // follows.
                translated(l, "Everyone has read the pre-reads they can open. Thank you! Not open to everyone yet:");
            list_what_is_left(in, text, m, l);
        }
        m.text = fitted(std::move(text), l);
        return m;
    }
    // TRANSLATORS: the group reminder; a line per participant with what they have left follows.
    std::string text = "\n" + translated(l, "Still to read:");
    list_what_is_left(in, text, m, l);
    text = headline(in, l) + other_zones(in, m.mentioned, l) + call_lines(in, l) + text;
    // TRANSLATORS: the last line of the group reminder (a reaction in Talk is read as "done").
    text += "\n" + translated(l, "React to this message once you have read everything.");
    m.text = fitted(std::move(text), l);
    return m;
}

std::optional<message> follow_up_message(const reminder_input& in, date::sys_seconds deadline)
{
    const auto& l = *in.language;
    const auto open = pending(in.participants, in.documents, in.done, in.blocked);
    const auto absent = missed_the_call(in);
    if ((in.documents.empty() || open.empty()) && absent.empty()) return std::nullopt;
    message m;
    std::string text =
        // TRANSLATORS: the first line of a follow-up after a session; {deadline} is a date and time.
        filled(translated(l, "Follow-up to {title} ({time}): please read by {deadline}, {how_soon}."),
               {{"title", bold_title(in)},
                {"time", session_time(*in.session, *in.zone, l)},
                {"deadline", local_time(deadline, *in.zone, l)},
                {"how_soon", time_until(std::chrono::duration_cast<std::chrono::seconds>(deadline - in.now), l)}});
    list_what_is_left(in, text, m, l);
    if (!absent.empty()) {
        std::string mentions;
        for (const auto& user : absent) {
            mentions += (mentions.empty() ? "" : " ") + mention(user);
            if (std::find(m.mentioned.begin(), m.mentioned.end(), user) == m.mentioned.end())
                m.mentioned.push_back(user);
        }
        text += "\n" +
                filled(translated(
                           l,
                           // TRANSLATORS: a line of the follow-up; {mentions} are the participants who missed the call.
                           "You missed the session: {mentions} — your follow-up is the session's "
                           "folder {folder} (minutes, recording)."),
                       {{"mentions", mentions}, {"folder", talk_text(in.session_folder)}});
    }
    m.text = fitted(std::move(text), l);
    return m;
}

std::optional<message> nudge_message(const reminder_input& in, const std::vector<std::string>& peers)
{
    if (peers.empty()) return std::nullopt;  // no call yet: nothing to join
    const auto& l = *in.language;
    message m;
    for (const auto& user : in.participants)
        if (!std::binary_search(peers.begin(), peers.end(), user)) m.mentioned.push_back(user);
    if (m.mentioned.empty()) return std::nullopt;
    std::string mentions;
    for (const auto& user : m.mentioned) mentions += (mentions.empty() ? "" : " ") + mention(user);
    const auto text =
        in.call_link.empty()
            ? filled(
                  translated(l,
                             // TRANSLATORS: posted when a session's call started; {mentions} are who is not in it yet.
                             "The call for {title} has started: {mentions} — join it in this "
                             "conversation."),
                  {{"title", bold_title(in)}, {"mentions", mentions}})
            // TRANSLATORS: the same with the call's address.
            : filled(translated(l, "The call for {title} has started: {mentions} — join here: {link}"),
                     {{"title", bold_title(in)}, {"mentions", mentions}, {"link", in.call_link}});
    m.text = fitted(text, l);
    return m;
}

message summary_message(const reminder_input& in, const std::vector<const pre_read_doc*>& follow_ups)
{
    const auto& l = *in.language;
    // TRANSLATORS: the first line of the summary after a session's call.
    std::string text = filled(translated(l, "Summary of {title} ({time}):"),
                              {{"title", bold_title(in)}, {"time", session_time(*in.session, *in.zone, l)}});
    std::vector<std::string> present;
    for (const auto& user : in.participants)
        if (auto it = in.attendance->present.find(user); it != in.attendance->present.end())
            present.push_back(
                // TRANSLATORS: an attendee in the summary, with when they joined the call: "alice (joined 09:02)".
                filled(translated(l, "{name} (joined {time})"),
                       {{"name", talk_text(user)},
                        {"time", clock_of(date::sys_seconds{std::chrono::seconds(it->second)}, *in.zone, l)}}));
    std::vector<std::string> absent;
    for (const auto& user : missed_the_call(in)) absent.push_back(talk_text(user));
    // TRANSLATORS: in the summary, instead of names.
    const auto nobody = translated(l, "nobody");
    // TRANSLATORS: lines of the summary; {names} is a list of participants.
    text += "\n" + filled(translated(l, "Attended: {names}"), {{"names", present.empty() ? nobody : joined(present)}});
    text +=
        "\n" + filled(translated(l, "Did not attend: {names}"), {{"names", absent.empty() ? nobody : joined(absent)}});
    if (!follow_ups.empty())
        // TRANSLATORS: a line of the summary; {documents} were added for the session since it started.
        text += "\n" + filled(translated(l, "Follow-ups now due: {documents}"),
                              {{"documents", paths_of(follow_ups, talk_text)}});
    text += catch_up_line(in, l);
    return {fitted(std::move(text), l), {}};
}

message personal_reminder(const reminder_input& in, const std::string& user)
{
    const auto& l = language_of(in, user);
    const auto open = pending({user}, in.documents, in.done, in.blocked);
    const auto unreachable = out_of_reach({user}, in.documents, in.done, in.blocked);
    auto zone = in.zones.find(user);
    // TRANSLATORS: the first line of a one-to-one reminder; {headline} is "**Kick-off** — <date and time>, in 3 days."
    std::string text = filled(translated(l, "Reminder: {headline}"),
                              {{"headline", headline(in, l, zone == in.zones.end() ? nullptr : zone->second)}}) +
                       call_lines(in, l);
    if (auto it = open.find(user); it != open.end())
        // TRANSLATORS: a line of a one-to-one reminder.
        text += "\n" + filled(translated(l, "Not opened by you yet: {documents}."),
                              {{"documents", paths_of(it->second, talk_text)}});
    if (auto it = unreachable.find(user); it != unreachable.end()) {
        const auto told = facilitators_told(in.facilitators, l);
        const auto documents = paths_of(it->second, talk_text);
        text += "\n" + (told.empty()
                            // TRANSLATORS: a line of a one-to-one reminder.
                            ? filled(translated(l, "You cannot open {documents} yet."), {{"documents", documents}})
                            // TRANSLATORS: the same, with "alice has been told".
                            : filled(translated(l, "You cannot open {documents} yet, {told}."),
                                     {{"documents", documents}, {"told", told}}));
    }
    return {fitted(std::move(text), l), {}};
}

std::optional<std::string> moodle_reminder(const reminder_input& in, const std::string& user, const std::string& name)
{
    const auto& l = language_of(in, user);
    std::vector<pre_read_doc> modules;
    for (const auto& d : in.documents)
        if (d.from_moodle()) modules.push_back(d);
    const auto open = pending({user}, modules, in.done, in.blocked);
    auto it = open.find(user);
    if (it == open.end()) return std::nullopt;
    const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(in.session->start - in.now);
    // TRANSLATORS: a Moodle message (HTML is added around it): the greeting.
    // The sentences are escaped as HTML too: a catalogue adds words, never markup.
    std::string html = "<p>" + filled(html_text(translated(l, "Hello {name},")), {{"name", html_text(name)}}) +
                       "</p><p>" +
                       // TRANSLATORS: a Moodle message: the session, when, and how soon.
                       filled(html_text(translated(l, "Reminder: {title} — {time}, {how_soon}.")),
                              {{"title", "<strong>" + html_text(in.session->title) + "</strong>"},
                               {"time", html_text(session_time(*in.session, *in.zone, l))},
                               {"how_soon", html_text(starts_in(remaining, l))}}) +
                       // TRANSLATORS: a Moodle message: a list of the course's modules follows.
                       "</p><p>" + html_text(translated(l, "Not opened by you yet:")) + "</p><ul>";
    for (const auto* d : it->second) {
        html += "<li><a href=\"" + html_attribute(d->link) + "\">" + html_text(d->path) + "</a>";
        if (!d->section_name.empty()) html += " (" + html_text(d->section_name) + ")";
        html += "</li>";
    }
    html += "</ul>";
    return html;
}

}  // namespace prereadd::reminding
