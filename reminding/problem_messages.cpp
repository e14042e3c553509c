// The messages to facilitators about problems a pass found: access to
// pre-reads, Deck membership, Moodle modules without a view condition, in the
// facilitator's language. The problems' details are the daemon's own words,
// as its log and `prereadd status` give them.
#include "reminding/detail/wording.hpp"
#include "reminding/literal.hpp"

namespace prereadd::reminding {

using i18n::filled;
using i18n::translated;
using i18n::translated_n;

namespace {

// "carol cannot open slides.pdf: not shared with carol"; a problem of no one
// person ("(the service account)") is its detail alone.
std::string access_problem_line(const std::string& user, const std::string& detail, const i18n::language& l)
{
    if (user.empty() || user.front() == '(') return talk_text(detail);
    // TRANSLATORS: {detail} is "slides.pdf: not shared with carol", in English (the daemon's own words).
    return filled(translated(l, "{name} cannot open {detail}"),
                  {{"name", talk_text(user)}, {"detail", talk_text(detail)}});
}

}  // namespace

message access_problems_message(const std::string& project, const std::string& folder,
                                const std::vector<std::pair<std::string, std::string>>& problems,
                                const i18n::language& l)
{
    const auto project_name = talk_text(project);
    const auto folder_name = talk_text(folder);
    if (problems.size() == 1)
        return {fitted(filled(translated(l,
                                         // TRANSLATORS: to a facilitator, one-to-one; {problem} is "carol cannot open
                                         // slides.pdf: ...".
                                         "Access problem in project {project} ({folder}): {problem}. Once it is "
                                         "fixed, prereadd notices by itself."),
                              {{"project", project_name},
                               {"folder", folder_name},
                               {"problem", access_problem_line(problems[0].first, problems[0].second, l)}}),
                       l),
                {}};
    // TRANSLATORS: to a facilitator; a line per problem follows.
    std::string text = filled(translated(l, "Access problems in project {project} ({folder}):"),
                              {{"project", project_name}, {"folder", folder_name}});
    for (const auto& [user, detail] : problems) text += "\n- " + access_problem_line(user, detail, l);
    // TRANSLATORS: the last line of the access problems message.
    text += "\n" + translated(l, "Once they are fixed, prereadd notices by itself.");
    return {fitted(std::move(text), l), {}};
}

message talk_problem_message(const std::string& project, const std::string& conversation,
                             const std::vector<std::string>& users, const i18n::language& l)
{
    std::vector<std::string> names;
    for (const auto& user : users) names.push_back(talk_text(user));
    return {fitted(filled(translated_n(l,
                                       // TRANSLATORS: to a facilitator; {names} are participants, {conversation} a Talk
                                       // conversation's token.
                                       "Talk in project {project}: {names} is not in conversation {conversation}, so "
                                       "the reminders' mentions do not reach them. Add them to the conversation, or "
                                       "make prereadd's account one of its moderators so it adds them itself.",
                                       "Talk in project {project}: {names} are not in conversation {conversation}, "
                                       "so the reminders' mentions do not reach them. Add them to the conversation, "
                                       "or make prereadd's account one of its moderators so it adds them itself.",
                                       static_cast<long long>(names.size())),
                          {{"project", talk_text(project)},
                           {"names", l.and_list(names)},
                           {"conversation", talk_text(conversation)}}),
                   l),
            {}};
}

message deck_problem_message(const std::string& project, const std::vector<std::pair<std::string, std::string>>& users,
                             const i18n::language& l)
{
    // TRANSLATORS: to a facilitator; a line per participant with why follows (the daemon's words, English).
    std::string text = filled(translated(l, "Deck in project {project}: the session card cannot be assigned to"),
                              {{"project", talk_text(project)}});
    for (const auto& [user, why] : users) text += "\n- " + talk_text(user) + ": " + talk_text(why);
    text += "\n" + translated(l,
                              // TRANSLATORS: the last lines of the Deck problem message; "Deck" is the Nextcloud app.
                              "Share the board with them in Deck: read-only is enough to be assigned the card; to "
                              "tick it done they need edit rights. Once it is fixed, prereadd notices by itself.");
    return {fitted(std::move(text), l), {}};
}

message untracked_modules_message(const std::string& project, const std::string& course,
                                  const std::vector<std::string>& modules, const i18n::language& l)
{
    std::string text = filled(translated(l,
                                         // TRANSLATORS: to a facilitator; a line per Moodle module follows.
                                         "Moodle course {course} of project {project}: prereadd cannot know who "
                                         "opened these modules, so they are left out of the reminders:"),
                              {{"course", talk_text(course)}, {"project", talk_text(project)}});
    for (const auto& m : modules) text += "\n- " + talk_text(m);
    text += "\n" + translated(l,
                              // TRANSLATORS: Moodle's own labels are quoted: "Add requirements", "View", "Students must
                              // view this activity to complete it" — use the words Moodle shows in your language.
                              "In each module's settings, under Completion conditions, choose \"Add requirements\" "
                              "and tick \"View\" (Students must view this activity to complete it). Once it is on, "
                              "prereadd notices by itself.");
    return {fitted(std::move(text), l), {}};
}

}  // namespace prereadd::reminding
