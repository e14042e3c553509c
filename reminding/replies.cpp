// Answers to "status" asked in the project conversation (see decisions.hpp).
#include "reminding/decisions.hpp"

#include "reminding/literal.hpp"
#include "scheduler/time.hpp"

#include <algorithm>
#include <cctype>

namespace prereadd::reminding {

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

std::string list_of(const std::vector<const pre_read_doc*>& docs)
{
    std::string out;
    for (const auto* d : docs) out += (out.empty() ? "" : ", ") + talk_text(document_label(*d));
    return out;
}

// "Last session (…): attended alice, bob; did not attend carol." or nothing.
std::string last_session_line(const config::project_config& p, const std::vector<scheduler::session>& sessions,
                              const project_state& state, date::sys_seconds now)
{
    const scheduler::session* last = nullptr;
    for (const auto& s : sessions)
        if (!s.cancelled && s.end <= now) last = &s;
    if (!last) return {};
    const auto a = attendance_of(last->key, seconds_of(last->start), seconds_of(last->end), state.calls,
                                 {p.calls.join_before}, seconds_of(now));
    std::string line = "\nLast session (" + talk_text(last->title) + ", " + local_time(last->start, *p.time_zone) + "): ";
    if (!a.call_happened) return line + "no call in this conversation.";
    std::string present, absent;
    for (const auto& user : state.participants) {
        std::string& to = a.present.count(user) ? present : absent;
        to += (to.empty() ? "" : ", ") + talk_text(user);
    }
    return line + "attended: " + (present.empty() ? "nobody" : present) +
           "; did not attend: " + (absent.empty() ? "nobody" : absent) + ".";
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
    std::string text;
    if (!next) {
        text = "No session is planned in project " + talk_text(p.id) + ".";
    } else {
        const auto in = input_for(p, *next, state, now);
        auto zone = in.zones.find(asker);
        text =
            "**" + talk_text(next->title) + "** — " +
            time_in_both(next->start, zone == in.zones.end() ? *p.time_zone : *zone->second, *p.time_zone) +
            (next->start > now ? ", " + starts_in(std::chrono::duration_cast<std::chrono::seconds>(next->start - now))
                               : ", under way") +
            ".";
        const auto open = pending(in.participants, in.documents, in.done, in.blocked);
        const auto unreachable = out_of_reach(in.participants, in.documents, in.done, in.blocked);
        auto line_of = [&](const std::string& user) {
            std::string line;
            if (auto it = open.find(user); it != open.end())
                line = std::to_string(it->second.size()) + " of " + std::to_string(in.documents.size()) +
                       " left: " + list_of(it->second);
            if (auto it = unreachable.find(user); it != unreachable.end())
                line += (line.empty() ? "" : "; ") + std::string("no access yet to ") + list_of(it->second);
            return line.empty() ? std::string("ready") : line;
        };
        if (facilitator) {
            // The last session's attendance first: a long table is what gets cut.
            text += last_session_line(p, sessions, state, now);
            text += "\nPre-reads (" + std::to_string(in.documents.size()) + "):";
            for (const auto& user : in.participants) text += "\n- " + talk_text(user) + ": " + line_of(user);
        } else if (participant) {
            text += "\nYou: " + line_of(asker);
        } else {
            text += "\nYou are not among the participants of project " + talk_text(p.id) + ".";
        }
    }
    if (facilitator && !next) text += last_session_line(p, sessions, state, now);
    return {fitted(std::move(text)), {}};
}

}  // namespace prereadd::reminding
