// The cast the simulator tests share, as control operations: the service
// account `preread` (app password given), alice and bob in team-alpha (of
// which preread is a sub-admin), carol outside it, and the empty folder
// /Projects/Alpha shared with the group. Each test adds its own files.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace prereadd::sim {

inline nlohmann::json alpha_team(const std::string& app_password)
{
    auto ops = nlohmann::json::parse(R"([
      {"op":"user","id":"preread","password":"pw"},
      {"op":"user","id":"alice","password":"pw"},
      {"op":"user","id":"bob","password":"pw"},
      {"op":"user","id":"carol","password":"pw"},
      {"op":"group","id":"team-alpha","members":["alice","bob"]},
      {"op":"subadmin","user":"preread","group":"team-alpha"},
      {"op":"mkdir","user":"preread","path":"/Projects"},
      {"op":"mkdir","user":"preread","path":"/Projects/Alpha"},
      {"op":"share","user":"preread","path":"/Projects/Alpha","type":"group","with":"team-alpha"}
    ])");
    ops[0]["app_password"] = app_password;
    return ops;
}

// agenda.md and budget.ods in /Projects/Alpha, both also shared with carol.
inline nlohmann::json agenda_and_budget_for_carol()
{
    return nlohmann::json::parse(R"([
      {"op":"put","user":"preread","path":"/Projects/Alpha/agenda.md","content":"# Agenda","mime":"text/markdown"},
      {"op":"put","user":"preread","path":"/Projects/Alpha/budget.ods","content":"ods","mime":"application/vnd.oasis.opendocument.spreadsheet"},
      {"op":"share","user":"preread","path":"/Projects/Alpha/agenda.md","type":"user","with":"carol"},
      {"op":"share","user":"preread","path":"/Projects/Alpha/budget.ods","type":"user","with":"carol"}
    ])");
}

// Appends `more` (an array of operations) to `ops`.
inline nlohmann::json with(nlohmann::json ops, const nlohmann::json& more)
{
    for (const auto& op : more) ops.push_back(op);
    return ops;
}

}  // namespace prereadd::sim
