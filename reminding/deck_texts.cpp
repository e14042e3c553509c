// The texts of a session's Deck card (see messages.hpp): its title, its
// description's checklist and the marker prereadd finds its cards by, in the
// project's language (the marker never: it is looked for).
#include "reminding/detail/wording.hpp"
#include "reminding/literal.hpp"

namespace prereadd::reminding {

using i18n::filled;
using i18n::translated;

std::string deck_title(const scheduler::session& s, const date::time_zone& zone, const i18n::language& l)
{
    return filled(
        // TRANSLATORS: a Deck card's title: "Pre-reads: Kick-off (2 Dec 2026)".
        translated(l, "Pre-reads: {title} ({date})"),
        {{"title", plain_line(s.title)}, {"date", l.short_date(date::floor<date::days>(zone.to_local(s.start)))}});
}

std::string deck_marker(const std::string& project, const scheduler::session& s)
{
    return "prereadd: " + project + "/" + s.key;
}

std::string deck_description(const std::string& project, const reminder_input& in)
{
    const auto& l = *in.language;
    std::string text =
        // TRANSLATORS: a Deck card's description: the first line; a checklist follows.
        filled(translated(l, "Pre-reads for {title} — {time}"), {{"title", "**" + deck_text(in.session->title) + "**"},
                                                                 {"time", session_time(*in.session, *in.zone, l)}}) +
        "\n";
    for (const auto& user : in.participants)
        for (const auto& d : in.documents) {
            const bool done = in.done.count({user, d.file_id}) != 0;
            text += std::string("\n- [") + (done ? "x" : " ") + "] " + deck_text(user) + ": " +
                    deck_text(document_label(d));
            // TRANSLATORS: a Deck card's checklist, after a document its participant cannot open.
            if (!done && in.blocked.count({user, d.file_id})) text += " — " + translated(l, "no access yet");
        }
    text += "\n\n" + deck_marker(project, *in.session);
    return text;
}

}  // namespace prereadd::reminding
