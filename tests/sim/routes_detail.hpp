// Helpers the route files share (OCS envelopes, form decoding) and the
// per-app handlers that live in their own files.
#pragma once

#include "tests/sim/routes.hpp"
#include "tests/sim/text.hpp"

#include <nlohmann/json.hpp>

namespace prereadd::sim::detail {

// Ordered: OCS XML lists elements in the order the server builds them.
using json = nlohmann::ordered_json;

sim_response ocs_reply(const sim_request& req, unsigned status, const std::string& message, json payload);
std::map<std::string, std::string> form_or_json(const sim_request& req);

// Activity (/ocs/v2.php/apps/activity/api/v2/activity/...).
sim_response handle_activity(world& w, const user& who, const sim_request& req, const std::string& route);

// Talk (/ocs/v2.php/apps/spreed/api/...); `route` has the OCS prefix removed.
sim_response handle_talk(world& w, const user& who, const sim_request& req, const std::string& route);

// CalDAV under /remote.php/dav/calendars/.
sim_response handle_caldav(world& w, const user& who, const sim_request& req);

// Deck: REST under /index.php/apps/deck/api/v1.0/ and card comments over OCS.
sim_response handle_deck(world& w, const user& who, const sim_request& req);
sim_response handle_deck_ocs(world& w, const user& who, const sim_request& req, const std::string& route);

}  // namespace prereadd::sim::detail
