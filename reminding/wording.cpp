// The words messages are built of (see messages.hpp): times and how soon, in
// the reader's language; a document's label; the cut of an over-long message.
#include "reminding/detail/wording.hpp"

#include "reminding/literal.hpp"

namespace prereadd::reminding {

using i18n::filled;
using i18n::translated;
using i18n::translated_n;

namespace detail {

std::string joined(const std::vector<std::string>& items, const char* separator)
{
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
    return out;
}

std::string paths_of(const std::vector<const pre_read_doc*>& docs, std::string (*literal)(std::string_view))
{
    std::vector<std::string> paths;
    for (const auto* d : docs) paths.push_back(literal(document_label(*d)));
    return joined(paths);
}

std::string clock_of(date::sys_seconds t, const date::time_zone& zone, const i18n::language& l)
{
    return l.clock(date::floor<std::chrono::minutes>(zone.to_local(t)));
}

std::string clock_in(date::sys_seconds t, const date::time_zone& zone, const date::time_zone& project_zone,
                     const i18n::language& l)
{
    const auto day = date::floor<date::days>(zone.to_local(t));
    const auto clock = clock_of(t, zone, l);
    const auto name = zone.name();
    if (day == date::floor<date::days>(project_zone.to_local(t)))
        return filled("{time} ({zone})", {{"time", clock}, {"zone", name}});
    // TRANSLATORS: a time on another day than the project's: "Tuesday, 8 December, 01:30 (Asia/Kolkata)".
    return filled(translated(l, "{day}, {time} ({zone})"),
                  {{"day", l.day_and_month(day)}, {"time", clock}, {"zone", name}});
}

std::string bold_title(const reminder_input& in) { return "**" + talk_text(in.session->title) + "**"; }

// The title, the time (in `zone`, and the project's when it differs) and how soon.
std::string headline(const reminder_input& in, const i18n::language& l, const date::time_zone* zone)
{
    const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(in.session->start - in.now);
    // TRANSLATORS: the first line of reminders: "**Kick-off** — Monday, 7 December 2026, 09:00 (Europe/Berlin), in 3
    // days."
    return filled(translated(l, "{title} — {time}, {how_soon}."),
                  {{"title", bold_title(in)},
                   {"time", time_in_both(in.session->start, zone ? *zone : *in.zone, *in.zone, l)},
                   {"how_soon", starts_in(remaining, l)}});
}

// The call's link and the board worked on in it, each on its line.
std::string call_lines(const reminder_input& in, const i18n::language& l)
{
    std::string out;
    // TRANSLATORS: a line of reminders; {link} is the call's address.
    if (!in.call_link.empty()) out += "\n" + filled(translated(l, "Join the call: {link}"), {{"link", in.call_link}});
    if (!in.whiteboard.empty())
        // TRANSLATORS: a line of reminders; {board} is a file name, {link} its address (may be empty).
        out += "\n" + filled(translated(l, "Whiteboard for the call: {board} {link}"),
                             {{"board", talk_text(in.whiteboard)}, {"link", in.whiteboard_link}});
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace detail

const i18n::language& language_of(const reminder_input& in, const std::string& user)
{
    auto it = in.languages.find(user);
    if (it != in.languages.end() && it->second) return *it->second;
    return in.language ? *in.language : english();
}

std::string mention(const std::string& user_id) { return "@\"" + user_id + "\""; }

std::string local_time(date::sys_seconds t, const date::time_zone& zone, const i18n::language& l)
{
    const auto day = date::floor<date::days>(zone.to_local(t));
    // TRANSLATORS: a session's date and time: "Monday, 7 December 2026, 09:00 (Europe/Berlin)".
    return filled(translated(l, "{date}, {time} ({zone})"),
                  {{"date", l.full_date(day)}, {"time", detail::clock_of(t, zone, l)}, {"zone", zone.name()}});
}

std::string session_time(const scheduler::session& s, const date::time_zone& zone, const i18n::language& l)
{
    return local_time(s.start, zone, l);
}

std::string time_in_both(date::sys_seconds t, const date::time_zone& zone, const date::time_zone& project_zone,
                         const i18n::language& l)
{
    if (&zone == &project_zone) return local_time(t, zone, l);
    return local_time(t, zone, l) + " = " + detail::clock_in(t, project_zone, zone, l);
}

std::string time_until(std::chrono::seconds remaining, const i18n::language& l)
{
    using namespace std::chrono;
    // TRANSLATORS: how soon a session starts or a follow-up is due.
    if (remaining < minutes(1)) return translated(l, "in less than a minute");
    const auto d = duration_cast<days>(remaining).count();
    const auto h = duration_cast<hours>(remaining % days(1)).count();
    const auto m = duration_cast<minutes>(remaining % hours(1)).count();
    // TRANSLATORS: the parts of "in 3 days 2 hours", after "in" (German: dative, "in 3 Tagen").
    const auto day_part = filled(translated_n(l, "{n} day", "{n} days", d), {{"n", l.number(d)}});
    const auto hour_part = filled(translated_n(l, "{n} hour", "{n} hours", h), {{"n", l.number(h)}});
    const auto minute_part = filled(translated_n(l, "{n} minute", "{n} minutes", m), {{"n", l.number(m)}});
    const auto two = [&](const std::string& a, const std::string& b) {
        // TRANSLATORS: "in 1 day 2 hours", "in 3 hours 20 minutes": how soon, in two units.
        return filled(translated(l, "in {larger} {smaller}"), {{"larger", a}, {"smaller", b}});
    };
    // TRANSLATORS: "in 3 days", "in 45 minutes": how soon, in one unit.
    const auto one = [&](const std::string& a) { return filled(translated(l, "in {amount}"), {{"amount", a}}); };
    if (d > 0) return h > 0 ? two(day_part, hour_part) : one(day_part);
    if (h > 0) return m > 0 ? two(hour_part, minute_part) : one(hour_part);
    return one(minute_part);
}

std::string starts_in(std::chrono::seconds remaining, const i18n::language& l)
{
    // TRANSLATORS: instead of "in 3 hours" when a session starts within the minute.
    return remaining < std::chrono::minutes(1) ? translated(l, "starting now") : time_until(remaining, l);
}

std::string fitted(std::string text, const i18n::language& l)
{
    if (text.size() <= max_message_length) return text;
    // TRANSLATORS: ends a message cut short for Talk; `prereadd status` is a command, not translated.
    const std::string note = "\n… " + translated(l, "(list cut; `prereadd status` has all of it)");
    auto cut = text.rfind('\n', max_message_length - note.size());
    if (cut == std::string::npos) cut = max_message_length - note.size();
    text.resize(cut);
    return text + note;
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

done_set done_from(const std::vector<store::engagement>& engagements)
{
    done_set out;
    for (const auto& e : engagements) out.insert({e.user_id, e.file_id});
    return out;
}

}  // namespace prereadd::reminding
