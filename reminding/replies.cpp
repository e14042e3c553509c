// Answers to "status" asked in the project conversation (see decisions.hpp).
#include "reminding/decisions.hpp"

#include "reminding/detail/wording.hpp"
#include "reminding/literal.hpp"
#include "scheduler/time.hpp"

#include <algorithm>
#include <cctype>

namespace prereadd::reminding {

using i18n::filled;
using i18n::translated;
using scheduler::seconds_of;

namespace {

bool has_word(std::string_view text, std::string_view word)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto is_word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
    for (std::size_t at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
        const bool starts = at == 0 || !is_word_char(lower[at - 1]);
        const bool ends = at + word.size() == lower.size() || !is_word_char(lower[at + word.size()]);
        if (starts && ends) return true;
    }
    return false;
}

// The text without its {placeholders}: a mention's name cannot be the word asked for.
std::string without_placeholders(const std::string& text)
{
    std::string out;
    bool inside = false;
    for (char c : text) {
        if (c == '{') inside = true;
        if (!inside) out += c;
        if (c == '}') inside = false;
    }
    return out;
}

// "Last session (…): attended alice, bob; did not attend carol." or nothing.
std::string last_session_line(const config::project_config& p, const std::vector<scheduler::session>& sessions,
                              const project_state& state, date::sys_seconds now, const i18n::language& l)
{
    const scheduler::session* last = nullptr;
    for (const auto& s : sessions)
        if (!s.cancelled && s.end <= now) last = &s;
    if (!last) return {};
    const auto a = attendance_of(last->key, seconds_of(last->start), seconds_of(last->end), state.calls,
                                 {p.calls.join_before}, seconds_of(now));
    const auto title = talk_text(last->title);
    const auto time = local_time(last->start, *p.time_zone, l);
    if (!a.call_happened)
        // TRANSLATORS: a reply to "status" in Talk, for a facilitator.
        return "\n" + filled(translated(l, "Last session ({title}, {time}): no call in this conversation."),
                             {{"title", title}, {"time", time}});
    std::string present, absent;
    for (const auto& user : state.participants) {
        std::string& to = a.present.count(user) ? present : absent;
        to += (to.empty() ? "" : ", ") + talk_text(user);
    }
    const auto nobody = translated(l, "nobody");
    return "\n" +
           // TRANSLATORS: a reply to "status" in Talk, for a facilitator; {present} and {absent} are lists of names.
           filled(translated(l, "Last session ({title}, {time}): attended: {present}; did not attend: {absent}."),
                  {{"title", title},
                   {"time", time},
                   {"present", present.empty() ? nobody : present},
                   {"absent", absent.empty() ? nobody : absent}});
}

// "2 of 3 left: a.md, b.md; no access yet to c.md", or "ready".
std::string left_line(const reminder_input& in, const std::string& user, const i18n::language& l)
{
    const auto open = pending(in.participants, in.documents, in.done, in.blocked);
    const auto unreachable = out_of_reach(in.participants, in.documents, in.done, in.blocked);
    std::string line;
    if (auto it = open.find(user); it != open.end())
        // TRANSLATORS: a reply to "status": a participant's documents left.
        line = filled(translated(l, "{left} of {total} left: {documents}"),
                      {{"left", l.number(static_cast<long long>(it->second.size()))},
                       {"total", l.number(static_cast<long long>(in.documents.size()))},
                       {"documents", detail::paths_of(it->second, talk_text)}});
    if (auto it = unreachable.find(user); it != unreachable.end())
        line += (line.empty() ? "" : "; ") +
                // TRANSLATORS: a reply to "status", after the documents left (or alone).
                filled(translated(l, "no access yet to {documents}"),
                       {{"documents", detail::paths_of(it->second, talk_text)}});
    // TRANSLATORS: a reply to "status": a participant with nothing left.
    return line.empty() ? translated(l, "ready") : line;
}

}  // namespace

bool asks_for_status(const ocs::chat_message& m, const std::string& service_user)
{
    if (!m.system_message.empty() || m.actor_type != "users" || m.actor_id == service_user) return false;
    const bool mentions_service = std::any_of(m.users.begin(), m.users.end(), [&](const auto& param) {
        return param.first.starts_with("mention-user") && param.second == service_user;
    });
    return mentions_service && has_word(without_placeholders(m.message), "status");
}

message status_reply(const config::project_config& p, const std::string& asker,
                     const std::vector<scheduler::session>& sessions, const project_state& state, date::sys_seconds now)
{
    const scheduler::session* next = nullptr;
    for (const auto& s : sessions)
        if (!s.cancelled && s.end > now) {
            next = &s;
            break;
        }
    const bool facilitator = std::find(p.facilitators.begin(), p.facilitators.end(), asker) != p.facilitators.end();
    const bool participant = std::find(state.participants.begin(), state.participants.end(), asker) !=
                             state.participants.end();
    auto own = state.languages.find(asker);
    const auto& l = own != state.languages.end() && own->second ? *own->second : *state.language;
    std::string text;
    if (!next) {
        // TRANSLATORS: a reply to "status" in Talk.
        text = filled(translated(l, "No session is planned in project {project}."), {{"project", talk_text(p.id)}});
    } else {
        const auto in = input_for(p, *next, state, now);
        auto zone = in.zones.find(asker);
        const auto time =
            time_in_both(next->start, zone == in.zones.end() ? *p.time_zone : *zone->second, *p.time_zone, l);
        text =
            // TRANSLATORS: a reply to "status": the next session; {how_soon} is "in 3 days" or "under way".
            filled(translated(l, "{title} — {time}, {how_soon}."),
                   {{"title", "**" + talk_text(next->title) + "**"},
                    {"time", time},
                    {"how_soon", next->start > now
                                     ? starts_in(std::chrono::duration_cast<std::chrono::seconds>(next->start - now), l)
                                     // TRANSLATORS: a reply to "status": the session has started.
                                     : translated(l, "under way")}});
        if (facilitator) {
            // The last session's attendance first: a long table is what gets cut.
            text += last_session_line(p, sessions, state, now, l);
            // TRANSLATORS: a reply to "status" for a facilitator; a line per participant follows.
            text += "\n" + filled(translated(l, "Pre-reads ({n}):"),
                                  {{"n", l.number(static_cast<long long>(in.documents.size()))}});
            for (const auto& user : in.participants) text += "\n- " + talk_text(user) + ": " + left_line(in, user, l);
        } else if (participant) {
            // TRANSLATORS: a reply to "status" for a participant: their own line.
            text += "\n" + filled(translated(l, "You: {left}"), {{"left", left_line(in, asker, l)}});
        } else {
            // TRANSLATORS: a reply to "status" for someone who is no participant.
            text += "\n" + filled(translated(l, "You are not among the participants of project {project}."),
                                  {{"project", talk_text(p.id)}});
        }
    }
    if (facilitator && !next) text += last_session_line(p, sessions, state, now, l);
    return {fitted(std::move(text), l), {}};
}

}  // namespace prereadd::reminding
