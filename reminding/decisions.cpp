// What the reminder pass decides (see decisions.hpp).
#include "reminding/decisions.hpp"

#include "scheduler/time.hpp"

#include <algorithm>

namespace prereadd::reminding {

using scheduler::seconds_of;

namespace {

// The folder a participant finds the session's material in: the project
// folder by its name (as shared with them), or its dated sub-folder.
std::string session_folder(const config::project_config& p, const scheduler::session& s)
{
    std::string name = p.folder.substr(p.folder.rfind('/') + 1);
    if (name.empty()) name = p.folder;
    if (p.pre_reads != scheduler::pre_read_scope::session_folder) return name;
    return name + "/" + date::format("%F", date::floor<date::days>(p.time_zone->to_local(s.start)));
}

}  // namespace

std::optional<std::string> empty_selection(const config::project_config& p, const scheduler::session& s)
{
    const auto day = date::format("%F", date::floor<date::days>(p.time_zone->to_local(s.start)));
    if (s.moodle_section.number)
        return "its Moodle section " + std::to_string(*s.moodle_section.number) + " has no module";
    if (!s.moodle_section.name.empty())
        return "its Moodle section \"" + s.moodle_section.name + "\" matches no section with modules";
    if (p.pre_reads == scheduler::pre_read_scope::session_folder)
        return "the project folder has no file at its top and none in " + day + "/";
    if (p.pre_reads == scheduler::pre_read_scope::tag)
        return "no untagged document and none tagged " + p.pre_read_tag_prefix + day;
    if (p.moodle && p.moodle->modules == scheduler::module_scope::section_with_date && p.folder.empty())
        return "no Moodle section's name holds its date (" + day + ")";
    return std::nullopt;
}

pre_read_doc pre_read_of(const store::document_row& d)
{
    return {d.file_id, d.path, d.first_seen, d.tags, d.source, d.section, d.section_name, d.link};
}

std::chrono::seconds selection_horizon(const config::project_config& p)
{
    return std::max<std::chrono::seconds>(config::longest_lead(p), std::chrono::hours(24 * 14));
}

std::optional<std::string> selects_nothing(const config::project_config& p, const scheduler::session& s,
                                           const std::vector<pre_read_doc>& documents)
{
    const auto modules = p.moodle ? p.moodle->modules : scheduler::module_scope::whole_course;
    if (!documents_for(s, *p.time_zone, documents, p.pre_reads, p.pre_read_tag_prefix, modules).empty())
        return std::nullopt;
    return empty_selection(p, s);
}

std::vector<const pre_read_doc*> follow_ups_of(const reminder_input& in)
{
    std::vector<const pre_read_doc*> out;
    for (const auto& d : in.documents)
        if (d.first_seen >= seconds_of(in.session->start)) out.push_back(&d);
    return out;
}

reminder_input input_for(const config::project_config& p, const scheduler::session& s, const project_state& state,
                         date::sys_seconds now)
{
    reminder_input in;
    in.session = &s;
    in.zone = p.time_zone;
    in.now = now;
    // Moodle participants without a Nextcloud account are reminded through Moodle (moodle_reminder).
    for (const auto& user : state.participants)
        if (!user.starts_with(store::moodle_user_prefix)) in.participants.push_back(user);
    in.documents = documents_for(s, *p.time_zone, state.documents, p.pre_reads, p.pre_read_tag_prefix,
                                 p.moodle ? p.moodle->modules : scheduler::module_scope::whole_course);
    in.done = state.done;
    in.blocked = state.blocked;
    in.facilitators = p.facilitators;
    in.when_all_ready = p.when_all_ready;
    in.call_link = p.talk && p.talk->call_link ? state.call_link : std::string();
    in.zones = state.zones;
    in.language = state.language;
    in.languages = state.languages;
    if (!s.whiteboard.empty()) {
        // The board is worked on in the call, not read before it.
        in.whiteboard = s.whiteboard;
        for (const auto& d : state.documents)
            if (!d.from_moodle() && d.path == s.whiteboard && !state.file_link.empty())
                in.whiteboard_link = state.file_link + std::to_string(d.file_id);
        std::erase_if(in.documents, [&](const pre_read_doc& d) { return !d.from_moodle() && d.path == s.whiteboard; });
    }
    in.session_folder = session_folder(p, s);
    if (p.talk)
        in.attendance = attendance_of(s.key, seconds_of(s.start), seconds_of(s.end), state.calls,
                                      {p.calls.join_before}, seconds_of(now));
    return in;
}

std::optional<date::sys_seconds> first_reminder_of(const std::vector<store::outbox_row>& outbox,
                                                   const std::string& session_key)
{
    std::optional<std::int64_t> first;
    for (const auto& row : outbox)
        if (row.session_key == session_key && row.state == store::outbox_state::sent &&
            row.item.find("/reminder/") != std::string::npos && (!first || row.created_at < *first))
            first = row.created_at;
    if (!first) return std::nullopt;
    return date::sys_seconds{std::chrono::seconds(*first)};
}

std::optional<message> compose(const scheduler::due_item& item, reminder_input in, const project_state& state,
                               const std::vector<scheduler::session>& sessions,
                               std::optional<date::sys_seconds> first_reminder_at,
                               const std::vector<std::string>& peers)
{
    switch (item.kind) {
    case scheduler::item_kind::nudge: return nudge_message(in, peers);
    case scheduler::item_kind::summary: {
        // Only a session whose call happened has anything to sum up: an
        // in-person session is nobody's "missed" call.
        if (!in.attendance || !in.attendance->call_happened) return std::nullopt;
        const auto follow_ups = follow_ups_of(in);
        return summary_message(in, follow_ups);
    }
    case scheduler::item_kind::follow_up:
        // The documents that appeared from the session's start on are its follow-ups.
        std::erase_if(in.documents,
                      [&](const pre_read_doc& d) { return d.first_seen < seconds_of(item.about->start); });
        return follow_up_message(in, item.deadline);
    case scheduler::item_kind::digest: {
        digest_input d{std::move(in), state.engagements, std::nullopt, first_reminder_at};
        for (const auto& s : sessions)
            if (s.end <= item.about->start && !s.cancelled) d.previous_session_end = s.end;
        return digest_message(d);
    }
    case scheduler::item_kind::reminder: break;
    }
    return reminder_message(in);
}

deck_step decide_deck_card(const store::deck_card_row& row, const ocs::deck_card* card)
{
    if (row.card_id && !card) return deck_step::gone;
    if (card && card->done) return deck_step::done_by_participant;
    return card ? deck_step::keep : deck_step::create;
}

const ocs::deck_card* find_card(const std::vector<ocs::deck_card>& stack, const store::deck_card_row& row,
                                const std::string& marker)
{
    const ocs::deck_card* card = nullptr;
    for (const auto& c : stack)
        if (row.card_id ? c.id == *row.card_id : c.description.find(marker) != std::string::npos) card = &c;
    return card;
}

}  // namespace prereadd::reminding
