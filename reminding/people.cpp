// Whom the messages are written to (see pass.hpp): each person's time zone
// and language, from the configuration where it names them, else from their
// Nextcloud user details (asked at most once a day per person), and the
// project's language: configured, else the service account's, else English
// (docs/languages.md).
#include "reminding/pass.hpp"

#include "reminding/literal.hpp"
#include "ocs/api.hpp"
#include "scheduler/time.hpp"

#include <set>

namespace prereadd::reminding {

namespace {

const i18n::language* configured(const std::string& code)
{
    return code.empty() ? nullptr : i18n::language::find(code);
}

}  // namespace

bool pass::stale(const reminder_memory::user_setting& known) const
{
    return known.fetched_at == 0 ||
           ctx_.now() - known.fetched_at >= std::chrono::seconds(ctx_.tuning.user_settings_refresh).count();
}

// Its own details, kept beside the others' (a participant too, maybe).
boost::asio::awaitable<void> pass::learn_service_language()
{
    const auto& self = ctx_.config.global.nextcloud.user;
    auto& known = ctx_.memory.user_settings[self];
    if (ctx_.nextcloud_away || ctx_.dry_run || !stale(known)) co_return;
    auto answer = co_await ocs::async_user_settings(ctx_.client, base(), self);
    if (!answer) co_return;  // asked again next pass; English meanwhile
    known.fetched_at = ctx_.now();
    known.language = i18n::language::find(answer->language, answer->locale);
    known.zone = nullptr;
    if (answer->zone)
        if (auto found = scheduler::find_time_zone(*answer->zone)) known.zone = *found;
}

boost::asio::awaitable<void> pass::learn_project_language(const config::project_config& p, project_state& state)
{
    state.language = configured(p.language);
    if (!state.language) state.language = configured(ctx_.config.global.language);
    if (!state.language) {
        co_await learn_service_language();
        state.language = ctx_.memory.user_settings[ctx_.config.global.nextcloud.user].language;
    }
    if (!state.language) state.language = &english();
}

// A refusal (not a sub-admin of the user's group: 22e) is nothing known for a
// day; any other failure (Nextcloud busy or away) ends the asking for this
// pass, so a due message is not held up: it goes out in the project's language.
boost::asio::awaitable<void> pass::learn_about_people(const config::project_config& p, project_state& state,
                                                      const std::vector<std::string>& others)
{
    co_await learn_project_language(p, state);

    std::set<std::string> people(state.participants.begin(), state.participants.end());
    people.insert(others.begin(), others.end());
    bool asking = !ctx_.nextcloud_away && !ctx_.dry_run;
    for (const auto& user : people) {
        const auto* own_language =
            configured(p.participants.languages.count(user) ? p.participants.languages.at(user) : "");
        const bool zone_configured = state.zones.count(user) != 0;
        // Moodle participants without a Nextcloud account have no details there.
        const bool in_nextcloud = !user.starts_with(store::moodle_user_prefix);
        auto& known = ctx_.memory.user_settings[user];
        if (asking && in_nextcloud && !(own_language && zone_configured) && stale(known)) {
            auto answer = co_await ocs::async_user_settings(ctx_.client, base(), user);
            if (!answer && answer.error().status != 403 && answer.error().status != 404) {
                asking = false;
            } else {
                known.fetched_at = ctx_.now();
                known.zone = nullptr;
                known.language = answer ? i18n::language::find(answer->language, answer->locale) : nullptr;
                if (answer && answer->zone) {
                    if (auto found = scheduler::find_time_zone(*answer->zone))
                        known.zone = *found;
                    else if (known.unknown_zone != *answer->zone) {
                        // Said once per user and name (asked again a day later): times stay in the project's zone.
                        known.unknown_zone = *answer->zone;
                        report_.notices.push_back(p.id + ": " + log_text(user) + "'s time zone in Nextcloud, \"" +
                                                  log_text(*answer->zone) +
                                                  "\", is no IANA zone this system knows: their times are shown in " +
                                                  p.time_zone->name() + " only");
                    }
                }
            }
        }
        if (!zone_configured && known.zone && known.zone != p.time_zone) state.zones[user] = known.zone;
        if (const auto* l = own_language ? own_language : known.language) state.languages[user] = l;
    }
}

const i18n::language& pass::language_for(const project_state& state, const std::string& user)
{
    if (auto it = state.languages.find(user); it != state.languages.end() && it->second) return *it->second;
    return state.language ? *state.language : english();
}

}  // namespace prereadd::reminding
