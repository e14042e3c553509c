// The texts of a session's Deck card (see messages.hpp): its title, its
// description's checklist and the marker prereadd finds its cards by.
#include "reminding/literal.hpp"
#include "reminding/messages.hpp"

namespace prereadd::reminding {

std::string deck_title(const scheduler::session& s, const date::time_zone& zone)
{
    const date::year_month_day ymd{date::floor<date::days>(zone.to_local(s.start))};
    return "Pre-reads: " + plain_line(s.title) + " (" + std::to_string(static_cast<unsigned>(ymd.day())) + " " +
           month_name(ymd.month()).substr(0, 3) + " " + std::to_string(static_cast<int>(ymd.year())) + ")";
}

std::string deck_marker(const std::string& project, const scheduler::session& s)
{
    return "prereadd: " + project + "/" + s.key;
}

std::string deck_description(const std::string& project, const reminder_input& in)
{
    std::string text =
        "Pre-reads for **" + deck_text(in.session->title) + "** — " + session_time(*in.session, *in.zone) + "\n";
    for (const auto& user : in.participants)
        for (const auto& d : in.documents) {
            const bool done = in.done.count({user, d.file_id}) != 0;
            text += std::string("\n- [") + (done ? "x" : " ") + "] " + deck_text(user) + ": " +
                    deck_text(document_label(d));
            if (!done && in.blocked.count({user, d.file_id})) text += " — no access yet";
        }
    text += "\n\n" + deck_marker(project, *in.session);
    return text;
}

}  // namespace prereadd::reminding
