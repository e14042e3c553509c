// The messages to facilitators about problems a pass found: access to
// pre-reads, Deck membership, Moodle modules without a view condition.
#include "reminding/literal.hpp"
#include "reminding/messages.hpp"

namespace prereadd::reminding {

namespace {

// "carol cannot open slides.pdf: not shared with carol"; a problem of no one
// person ("(the service account)") is its detail alone.
std::string access_problem_line(const std::string& user, const std::string& detail)
{
    return user.empty() || user.front() == '(' ? talk_text(detail)
                                               : talk_text(user) + " cannot open " + talk_text(detail);
}

}  // namespace

message access_problems_message(const std::string& project, const std::string& folder,
                                const std::vector<std::pair<std::string, std::string>>& problems)
{
    const std::string where = " in project " + talk_text(project) + " (" + talk_text(folder) + ")";
    if (problems.size() == 1)
        return {fitted("Access problem" + where + ": " + access_problem_line(problems[0].first, problems[0].second) +
                       ". Once it is fixed, prereadd notices by itself."),
                {}};
    std::string text = "Access problems" + where + ":";
    for (const auto& [user, detail] : problems) text += "\n- " + access_problem_line(user, detail);
    text += "\nOnce they are fixed, prereadd notices by itself.";
    return {fitted(std::move(text)), {}};
}

message talk_problem_message(const std::string& project, const std::string& conversation,
                             const std::vector<std::string>& users)
{
    std::vector<std::string> names;
    for (const auto& user : users) names.push_back(talk_text(user));
    return {fitted("Talk in project " + talk_text(project) + ": " + and_list(names) +
                   (users.size() == 1 ? " is" : " are") + " not in conversation " + talk_text(conversation) +
                   ", so the reminders' mentions do not reach them. Add them to the conversation, or make prereadd's "
                   "account one of its moderators so it adds them itself."),
            {}};
}

message deck_problem_message(const std::string& project, const std::vector<std::pair<std::string, std::string>>& users)
{
    std::string text = "Deck in project " + talk_text(project) + ": the session card cannot be assigned to";
    for (const auto& [user, why] : users) text += "\n- " + talk_text(user) + ": " + talk_text(why);
    text +=
        "\nShare the board with them in Deck: read-only is enough to be assigned the card; to tick it done they "
        "need edit rights. Once it is fixed, prereadd notices by itself.";
    return {fitted(std::move(text)), {}};
}

message untracked_modules_message(const std::string& project, const std::string& course,
                                  const std::vector<std::string>& modules)
{
    std::string text = "Moodle course " + talk_text(course) + " of project " + talk_text(project) +
                       ": prereadd cannot know who opened these modules, so they are left out of the reminders:";
    for (const auto& m : modules) text += "\n- " + talk_text(m);
    text +=
        "\nIn each module's settings, under Completion conditions, choose \"Add requirements\" and tick \"View\" "
        "(Students must view this activity to complete it). Once it is on, prereadd notices by itself.";
    return {fitted(std::move(text)), {}};
}

}  // namespace prereadd::reminding
