// The web-service functions of the Moodle simulator (see moodle.hpp): each
// answers with the shape, types and errors of its recordings in
// tests/recordings/moodle-api/captures, checked in the order Moodle checks them
// (token, webservice/rest:use, the function, the service, the parameters,
// the capability, the records).
#include "tests/sim/moodle.hpp"

#include <boost/url/decode_view.hpp>

#include <algorithm>
#include <chrono>
#include <functional>

namespace prereadd::sim {
namespace {

using json = nlohmann::ordered_json;
using form = std::map<std::string, std::string>;

std::string decode(std::string_view text)
{
    std::string plus_as_space(text);
    std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
    try {
        boost::urls::decode_view view(plus_as_space);
        return std::string(view.begin(), view.end());
    } catch (const std::exception&) {
        return plus_as_space;
    }
}

void parse_pairs(std::string_view text, form& out)
{
    while (!text.empty()) {
        auto amp = text.find('&');
        auto pair = text.substr(0, amp);
        auto eq = pair.find('=');
        if (!pair.empty()) out[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        text.remove_prefix(amp + 1);
    }
}

// Moodle's answer for an exception (debuginfo only with debugging on).
struct ws_error {
    std::string exception, errorcode, message, debuginfo;
};

ws_error no_permission(const char* shown)
{
    return {"core\\exception\\required_capability_exception", "nopermissions",
            std::string("Sorry, but you do not currently have permissions to do that (") + shown + ").", ""};
}
ws_error missing_record(const char* table, std::string sql)
{
    return {"dml_missing_record_exception", "invalidrecord",
            std::string("Can't find data record in database table ") + table + ".", std::move(sql)};
}
ws_error invalid_parameter(std::string why)
{
    return {"core\\exception\\invalid_parameter_exception", "invalidparameter", "Invalid parameter value detected",
            std::move(why)};
}

// json_encode as PHP writes it: "/" escaped (Findings).
std::string php_json(const json& value)
{
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    std::string escaped;
    for (char ch : text) {
        if (ch == '/') escaped += '\\';
        escaped += ch;
    }
    return escaped;
}

struct call {
    moodle_world& w;
    std::int64_t caller = 0;
    bool mobile = false;  // the official mobile service (students' own tokens)
    form p;

    bool service_user() const { return caller == w.service_user; }
    bool can(const std::string& capability) const
    {
        return service_user() && w.service_capabilities.count(capability) != 0;
    }
    std::string site() const { return w.siteurl; }
    std::string image(const std::string& rest) const { return site() + "/theme/image.php/boost/" + rest; }
};

using result = std::variant<json, ws_error>;

std::optional<std::int64_t> integer(const form& p, const std::string& key)
{
    auto it = p.find(key);
    if (it == p.end() || it->second.empty()) return std::nullopt;
    std::int64_t v = 0;
    for (char c : it->second) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

// A required integer parameter, or the invalidparameter answer naming it.
std::variant<std::int64_t, ws_error> required(const form& p, const std::string& key)
{
    if (!p.count(key)) return invalid_parameter("Missing required key in single structure: " + key);
    if (auto v = integer(p, key)) return *v;
    return invalid_parameter(key + " => Invalid parameter value detected (Invalid external api parameter: the value is \"" +
                             p.at(key) + "\", the server was expecting \"int\" type)");
}

moodle_course* course_of(moodle_world& w, std::int64_t id) { return w.courses.count(id) ? &w.courses.at(id) : nullptr; }

ws_error missing_course(std::int64_t id)
{
    return missing_record("course", "SELECT * FROM {course} WHERE id = ?\n[array (\n  0 => " + std::to_string(id) + ",\n)]");
}

json site_info(call& c)
{
    const auto& u = c.w.users.at(c.caller);
    json functions = json::array();
    for (const auto& f : c.w.service_functions)
        functions.push_back({{"name", f}, {"version", f.starts_with("block_") ? "2024100700" : "2024100706"}});
    return {{"sitename", "Moodle Real (prereadd ground truth)"},
            {"username", u.username},
            {"firstname", u.firstname},
            {"lastname", u.lastname},
            {"fullname", u.fullname()},
            {"lang", "en"},
            {"userid", u.id},
            {"siteurl", c.site()},
            {"userpictureurl", c.image("core/1796029289/u/f1")},
            {"functions", functions},
            {"downloadfiles", 1},
            {"uploadfiles", 0},
            {"release", "4.5.6 (Build: 20250811)"},
            {"version", "2024100706"},
            {"mobilecssurl", ""},
            {"advancedfeatures",
             json::array({{{"name", "usecomments"}, {"value", 1}},       {{"name", "usetags"}, {"value", 1}},
                          {{"name", "enablenotes"}, {"value", 1}},       {{"name", "messaging"}, {"value", 1}},
                          {{"name", "enableblogs"}, {"value", 1}},       {{"name", "enablecompletion"}, {"value", 1}},
                          {{"name", "enablebadges"}, {"value", 1}},      {{"name", "messagingallusers"}, {"value", 0}},
                          {{"name", "enablecustomreports"}, {"value", 1}}, {{"name", "enableglobalsearch"}, {"value", 0}},
                          {{"name", "mnet_dispatcher_mode"}, {"value", 0}}, {{"name", "enablecompetencies"}, {"value", 1}}})},
            {"usercanmanageownfiles", true},
            {"userquota", 104857600},
            {"usermaxuploadfilesize", 536870912},
            {"userhomepage", 1},
            {"userprivateaccesskey", "0123456789abcdef0123456789abcdef"},
            {"siteid", 1},
            {"sitecalendartype", "gregorian"},
            {"usercalendartype", "gregorian"},
            {"userissiteadmin", false},
            {"theme", "boost"},
            {"limitconcurrentlogins", 0},
            {"policyagreed", 0}};
}

json course_json(const call& c, const moodle_course& course)
{
    json filters = json::array();
    for (const char* f : {"displayh5p", "activitynames", "mathjaxloader", "emoticon", "urltolink", "mediaplugin"})
        filters.push_back({{"filter", f}, {"localstate", 0}, {"inheritedstate", 1}});
    return {{"id", course.id},
            {"fullname", course.fullname},
            {"displayname", course.fullname},
            {"shortname", course.shortname},
            {"courseimage", c.site() + "/pluginfile.php/15/course/generated/course.svg"},
            {"categoryid", 1},
            {"categoryname", "Category 1"},
            {"sortorder", 10001},
            {"summary", "Ground-truth course for prereadd."},
            {"summaryformat", 1},
            {"summaryfiles", json::array()},
            {"overviewfiles", json::array()},
            {"showactivitydates", false},
            {"showcompletionconditions", true},
            {"contacts", json::array()},
            {"enrollmentmethods", json::array({"manual"})},
            {"format", "topics"},
            {"showgrades", 1},
            {"newsitems", 0},
            {"startdate", course.startdate},
            {"enddate", 0},
            {"maxbytes", 0},
            {"showreports", 0},
            {"visible", 1},
            {"groupmode", 0},
            {"groupmodeforce", 0},
            {"defaultgroupingid", 0},
            {"enablecompletion", 1},
            {"completionnotify", 0},
            {"lang", ""},
            {"theme", ""},
            {"marker", 0},
            {"filters", filters},
            {"courseformatoptions", json::array({{{"name", "hiddensections"}, {"value", 1}},
                                                 {{"name", "coursedisplay"}, {"value", 0}},
                                                 {{"name", "indentation"}, {"value", "1"}}})}};
}

result courses_by_field(call& c)
{
    const std::string field = c.p.count("field") ? c.p.at("field") : "";
    const std::string value = c.p.count("value") ? c.p.at("value") : "";
    json list = json::array();
    for (const auto& [id, course] : c.w.courses)
        if ((field == "shortname" && course.shortname == value) || (field == "id" && std::to_string(id) == value))
            list.push_back(course_json(c, course));
    return json{{"courses", list}, {"warnings", json::array()}};
}

json completion_details(const moodle_module& m, int state)
{
    if (m.completion != 2) return json::array();
    return json::array({{{"rulename", "completionview"}, {"rulevalue", {{"status", state ? 1 : 0}, {"description", "View"}}}}});
}

std::pair<int, std::int64_t> state_of(const moodle_world& w, std::int64_t cmid, std::int64_t user)
{
    auto it = w.completion.find({cmid, user});
    return it == w.completion.end() ? std::pair<int, std::int64_t>{0, 0} : it->second;
}

// A module's completion for one user, as get_contents (completiondata) and
// the completion status answer both write it; students are the tracked users.
json completion_json(const moodle_world& w, const moodle_module& m, std::int64_t user)
{
    auto [state, time] = state_of(w, m.cmid, user);
    const auto& enrolments = w.courses.at(m.course).enrolments;
    const auto role = enrolments.find(user);
    return {{"state", state},
            {"timecompleted", time},
            {"overrideby", nullptr},
            {"valueused", false},
            {"hascompletion", true},
            {"isautomatic", m.completion == 2},
            {"istrackeduser", role != enrolments.end() && role->second == "student"},
            {"uservisible", true},
            {"details", completion_details(m, state)},
            {"isoverallcomplete", state != 0}};
}

json module_json(const call& c, const moodle_module& m)
{
    const std::string view = c.site() + "/mod/" + m.modname + "/view.php?id=" + std::to_string(m.cmid);
    const std::map<std::string, std::pair<const char*, const char*>> kinds{
        {"resource", {"Files", "content"}}, {"page", {"Pages", "content"}},
        {"url", {"URLs", "content"}},       {"forum", {"Forums", "collaboration"}}};
    auto kind = kinds.count(m.modname) ? kinds.at(m.modname) : std::pair<const char*, const char*>{"Activities", "content"};
    std::string icon = m.modname == "resource"
                           ? c.image("core/1796029289/f/" + std::string(m.mimetype == "video/mp4" ? "video" : "pdf") +
                                     "?filtericon=1")
                           : c.image(m.modname + "/1796029289/monologo?filtericon=1");
    json j{{"id", m.cmid},
           {"url", view},
           {"name", m.name},
           {"instance", m.instance},
           {"contextid", m.contextid},
           {"visible", 1},
           {"uservisible", true},
           {"visibleoncoursepage", 1},
           {"modicon", icon},
           {"modname", m.modname},
           {"purpose", kind.second},
           {"branded", false},
           {"modplural", kind.first},
           {"availability", nullptr},
           {"indent", 0},
           {"onclick", ""},
           {"afterlink", nullptr}};
    if (m.modname == "resource" || m.modname == "forum") j["activitybadge"] = json::array();
    if (m.modname == "resource")
        j["customdata"] = std::string(R"({"filtericon":true,"displayoptions":"a:1:{s:10:\"printintro\";i:0;}","display":)") +
                          (m.mimetype == "video/mp4" ? "1" : "5") + "}";
    else if (m.modname == "url")
        j["customdata"] = R"({"display":4,"filtericon":true})";
    else if (m.modname == "forum")
        j["customdata"] =
            R"({"customcompletionrules":{"completiondiscussions":"0","completionreplies":"0","completionposts":"0"},"trackingtype":"1"})";
    else
        j["customdata"] = "\"\"";
    j["noviewlink"] = false;
    j["completion"] = m.completion;
    if (m.completion != 0) {
        // For the caller: the service user is never a tracked user (03).
        j["completiondata"] = completion_json(c.w, m, c.caller);
    }
    j["downloadcontent"] = 1;
    j["dates"] = json::array();
    j["groupmode"] = 0;
    if (m.modname == "forum") return j;
    json file;
    if (m.modname == "url") {
        file = {{"type", "url"},       {"filename", m.name},      {"filepath", nullptr},      {"filesize", 0},
                {"fileurl", m.external_url}, {"timecreated", nullptr}, {"timemodified", m.created}, {"sortorder", nullptr},
                {"userid", nullptr},   {"author", nullptr},       {"license", nullptr}};
    } else {
        const bool page = m.modname == "page";
        const std::string name = page ? "index.html" : m.filename;
        file = {{"type", "file"},
                {"filename", name},
                {"filepath", "/"},
                {"filesize", page ? 0 : m.filesize},
                {"fileurl", c.site() + "/webservice/pluginfile.php/" + std::to_string(m.contextid) + "/mod_" + m.modname +
                                "/content/" + (page ? "" : "0/") + name + "?forcedownload=1"},
                {"timecreated", page ? json(nullptr) : json(m.created)},
                {"timemodified", m.created},
                {"sortorder", 1}};
        if (!page) {
            file["mimetype"] = m.mimetype;
            file["isexternalfile"] = false;
        }
        file["userid"] = nullptr;
        file["author"] = nullptr;
        file["license"] = nullptr;
    }
    j["contents"] = json::array({file});
    json mimetypes = json::array();
    if (m.modname == "resource") mimetypes.push_back(m.mimetype);
    j["contentsinfo"] = {{"filescount", 1},
                         {"filessize", m.modname == "resource" ? m.filesize : 0},
                         {"lastmodified", m.created},
                         {"mimetypes", mimetypes},
                         {"repositorytype", ""}};
    return j;
}

result contents(call& c)
{
    auto id = required(c.p, "courseid");
    if (auto* e = std::get_if<ws_error>(&id)) return *e;
    auto* course = course_of(c.w, std::get<std::int64_t>(id));
    if (!course) return missing_course(std::get<std::int64_t>(id));
    json out = json::array();
    for (std::size_t n = 0; n < course->sections.size(); ++n) {
        json modules = json::array();
        for (const auto& [cmid, m] : c.w.modules)
            if (m.course == course->id && m.section == static_cast<int>(n)) modules.push_back(module_json(c, m));
        out.push_back({{"id", course->sections[n].first},
                       {"name", course->sections[n].second},
                       {"visible", 1},
                       {"summary", ""},
                       {"summaryformat", 1},
                       {"section", n},
                       {"hiddenbynumsections", 0},
                       {"uservisible", true},
                       {"component", nullptr},
                       {"itemid", nullptr},
                       {"modules", modules}});
    }
    return out;
}

json group_brief(const moodle_group& g)
{
    return {{"id", g.id},
            {"name", g.name},
            {"description", "<div class=\"text_to_html\">" + g.description + "</div>"},
            {"descriptionformat", 0}};
}

result enrolled_users(call& c)
{
    auto id = required(c.p, "courseid");
    if (auto* e = std::get_if<ws_error>(&id)) return *e;
    const std::int64_t course_id = std::get<std::int64_t>(id);
    auto* course = course_of(c.w, course_id);
    if (!course) return missing_course(course_id);
    if (!c.can("moodle/course:viewparticipants")) return no_permission("View participants");
    std::map<std::string, std::string> options;
    for (int i = 0; c.p.count("options[" + std::to_string(i) + "][name]"); ++i)
        options[c.p.at("options[" + std::to_string(i) + "][name]")] = c.p["options[" + std::to_string(i) + "][value]"];
    std::optional<std::int64_t> group;
    if (options.count("groupid")) {
        group = std::stoll(options.at("groupid"));
        bool member = false;
        for (const auto& g : c.w.groups)
            if (g.id == *group) member = std::count(g.members.begin(), g.members.end(), c.caller) != 0;
        if (!member && !c.can("moodle/site:accessallgroups")) return no_permission("Access all groups");
    }
    if (options.count("onlyactive") && options.at("onlyactive") == "1" && !c.can("moodle/course:enrolreview"))
        return no_permission("Review course enrolments");
    std::set<std::string> fields;
    if (options.count("userfields")) {
        std::string list = options.at("userfields");
        for (std::size_t start = 0; start <= list.size();) {
            auto comma = list.find(',', start);
            fields.insert(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    auto wanted = [&](const char* f) { return fields.empty() || fields.count(f); };
    const std::int64_t from = options.count("limitfrom") ? std::stoll(options.at("limitfrom")) : 0;
    const std::int64_t limit = options.count("limitnumber") ? std::stoll(options.at("limitnumber")) : 0;
    json out = json::array();
    std::int64_t index = 0;
    for (const auto& [uid, role] : course->enrolments) {
        std::vector<const moodle_group*> of;
        for (const auto& g : c.w.groups)
            if (g.course == course_id && std::count(g.members.begin(), g.members.end(), uid)) of.push_back(&g);
        if (group && std::none_of(of.begin(), of.end(), [&](const moodle_group* g) { return g->id == *group; })) continue;
        if (index++ < from) continue;
        if (limit > 0 && static_cast<std::int64_t>(out.size()) >= limit) break;
        const auto& u = c.w.users.at(uid);
        json j{{"id", uid}};
        // Another user's username only with moodle/user:viewalldetails (04a).
        if (wanted("username") && (uid == c.caller || c.can("moodle/user:viewalldetails"))) j["username"] = u.username;
        if (fields.empty()) {
            j["firstname"] = u.firstname;
            j["lastname"] = u.lastname;
        }
        j["fullname"] = u.fullname();  // whatever userfields says (09e)
        if (wanted("email")) j["email"] = u.email;
        if (fields.empty() && uid == c.caller) j["department"] = "";
        for (const char* f : {"firstaccess", "lastaccess", "lastcourseaccess"})
            if (fields.count(f) || (fields.empty())) j[f] = 0;
        if (fields.empty()) {
            j["profileimageurlsmall"] = c.image("core/1796029289/u/f2");
            j["profileimageurl"] = c.image("core/1796029289/u/f1");
        }
        if (wanted("groups") && !of.empty()) {
            json gs = json::array();
            for (const auto* g : of) gs.push_back(group_brief(*g));
            j["groups"] = gs;
        }
        if (wanted("roles"))
            j["roles"] = json::array({{{"roleid", role == "student" ? 5 : role == "teacher" ? 4 : 3},
                                       {"name", ""},
                                       {"shortname", role},
                                       {"sortorder", 0}}});
        if (fields.empty() && uid == c.caller)
            j["preferences"] = json::array({{{"name", "last_time_enrolments_synced"}, {"value", std::to_string(c.w.now())}},
                                            {{"name", "_lastloaded"}, {"value", c.w.now()}}});
        if (fields.empty())
            j["enrolledcourses"] =
                json::array({{{"id", course_id}, {"fullname", course->fullname}, {"shortname", course->shortname}}});
        out.push_back(j);
    }
    return out;
}

result course_groups(call& c)
{
    auto id = required(c.p, "courseid");
    if (auto* e = std::get_if<ws_error>(&id)) return *e;
    if (!course_of(c.w, std::get<std::int64_t>(id))) return missing_course(std::get<std::int64_t>(id));
    if (!c.can("moodle/course:managegroups")) return no_permission("Manage groups");
    json out = json::array();
    for (const auto& g : c.w.groups)
        if (g.course == std::get<std::int64_t>(id))
            out.push_back({{"id", g.id},
                           {"courseid", g.course},
                           {"name", g.name},
                           {"description", g.description},
                           {"descriptionformat", 1},
                           {"enrolmentkey", nullptr},
                           {"idnumber", g.idnumber},
                           {"visibility", 0},
                           {"participation", true}});
    return out;
}

result group_members(call& c)
{
    json out = json::array();
    for (int i = 0; c.p.count("groupids[" + std::to_string(i) + "]"); ++i) {
        auto id = integer(c.p, "groupids[" + std::to_string(i) + "]");
        auto g = std::find_if(c.w.groups.begin(), c.w.groups.end(), [&](const moodle_group& x) { return id && x.id == *id; });
        if (g == c.w.groups.end()) return missing_record("groups", "");
        if (!c.can("moodle/course:managegroups")) return no_permission("Manage groups");
        out.push_back({{"groupid", g->id}, {"userids", g->members}});
    }
    return out;
}

// The course and the user a completion call asks about (courseid, userid),
// checked in Moodle's order: both parameters, then the course.
std::variant<std::pair<moodle_course*, std::int64_t>, ws_error> course_and_user(call& c)
{
    auto course_id = required(c.p, "courseid");
    if (auto* e = std::get_if<ws_error>(&course_id)) return *e;
    auto user_id = required(c.p, "userid");
    if (auto* e = std::get_if<ws_error>(&user_id)) return *e;
    auto* course = course_of(c.w, std::get<std::int64_t>(course_id));
    if (!course) return missing_course(std::get<std::int64_t>(course_id));
    return std::pair{course, std::get<std::int64_t>(user_id)};
}

result activities_completion(call& c)
{
    auto asked = course_and_user(c);
    if (auto* e = std::get_if<ws_error>(&asked)) return *e;
    auto [course, user] = std::get<std::pair<moodle_course*, std::int64_t>>(asked);
    if (!c.w.users.count(user)) return ws_error{"dml_missing_record_exception", "invaliduser", "Invalid user", ""};
    if (user != c.caller && !c.can("report/progress:view")) return no_permission("View activity completion reports");
    json statuses = json::array();
    for (const auto& [cmid, m] : c.w.modules) {
        if (m.course != course->id || m.completion == 0) continue;  // completion off: absent (12b)
        json status{{"cmid", cmid}, {"modname", m.modname}, {"instance", m.instance}};
        const json completion = completion_json(c.w, m, user);
        for (const auto& [key, value] : completion.items()) {
            status[key] = value;
            if (key == "timecompleted") status["tracking"] = m.completion;
        }
        statuses.push_back(std::move(status));
    }
    return json{{"statuses", statuses}, {"warnings", json::array()}};
}

result view_module(call& c, const std::string& modname, const std::string& key)
{
    auto id = required(c.p, key);
    if (auto* e = std::get_if<ws_error>(&id)) return *e;
    for (const auto& [cmid, m] : c.w.modules)
        if (m.modname == modname && m.instance == std::get<std::int64_t>(id)) {
            c.w.view(c.caller, cmid);
            return json{{"status", true}, {"warnings", json::array()}};
        }
    return missing_record(modname.c_str(), "");
}

result manual_completion(call& c)
{
    auto id = required(c.p, "cmid");
    if (auto* e = std::get_if<ws_error>(&id)) return *e;
    auto it = c.w.modules.find(std::get<std::int64_t>(id));
    if (it == c.w.modules.end()) return missing_record("course_modules", "");
    if (it->second.completion != 1)
        return ws_error{"core\\exception\\moodle_exception", "cannotmanualctrack",
                        "Activity does not provide manual completion tracking", ""};
    const bool done = c.p.count("completed") && c.p.at("completed") == "1";
    c.w.completion[{it->first, c.caller}] = {done ? 1 : 0, done ? c.w.now() : 0};
    return json{{"status", true}, {"warnings", json::array()}};
}

result course_completion(call& c)
{
    auto asked = course_and_user(c);
    if (auto* e = std::get_if<ws_error>(&asked)) return *e;
    auto [course, user] = std::get<std::pair<moodle_course*, std::int64_t>>(asked);
    if (user != c.caller && !c.can("report/completion:view"))
        return ws_error{"core\\exception\\moodle_exception", "cannotviewreport", "You cannot view this report", ""};
    if (!course->criteria_since)
        return ws_error{"core\\exception\\moodle_exception", "nocriteriaset",
                        "No completion criteria set for this course", ""};
    json completions = json::array();
    bool all = true;
    for (const auto& [cmid, m] : c.w.modules) {
        if (m.course != course->id || m.completion != 2) continue;
        auto credited = c.w.credited.find({cmid, user});
        const bool done = credited != c.w.credited.end();
        all = all && done;
        const std::string noun = m.modname == "resource" ? "file" : m.modname;
        completions.push_back(
            {{"type", 4},
             {"title", "Activity completion"},
             {"status", done ? "Yes" : "No"},
             {"complete", done},
             {"timecompleted", done ? json(credited->second) : json(nullptr)},
             {"details",
              {{"type", "Activity completion"},
               {"criteria", "<a href=\"" + c.site() + "/mod/" + m.modname + "/view.php?id=" + std::to_string(cmid) +
                                "\">" + m.name + "</a>"},
               {"requirement", "Viewing the " + noun},
               {"status", ""}}}});
    }
    return json{{"completionstatus", {{"completed", all}, {"aggregation", 1}, {"completions", completions}}},
                {"warnings", json::array()}};
}

result recent_items(call& c)
{
    json out = json::array();
    std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> mine;
    // Newest first; among views of the same second, the later one first.
    for (auto r = c.w.recent.rbegin(); r != c.w.recent.rend(); ++r)
        if (std::get<0>(*r) == c.caller) mine.push_back(*r);
    std::stable_sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) { return std::get<2>(a) > std::get<2>(b); });
    std::int64_t id = static_cast<std::int64_t>(mine.size());
    for (const auto& [user, cmid, time] : mine) {
        const auto& m = c.w.modules.at(cmid);
        const auto& course = c.w.courses.at(m.course);
        const std::map<std::string, std::string> titles{{"resource", "File"}, {"page", "Page"}, {"url", "URL"}, {"forum", "Forum"}};
        const std::string title = titles.count(m.modname) ? titles.at(m.modname) : m.modname;
        const std::string src = m.modname == "resource" ? c.image("core/1796029289/f/pdf?filtericon=1")
                                                        : c.image(m.modname + "/1796029289/monologo?filtericon=1");
        out.push_back({{"id", id--},
                       {"courseid", m.course},
                       {"cmid", cmid},
                       {"userid", user},
                       {"modname", m.modname},
                       {"name", m.name},
                       {"coursename", course.fullname},
                       {"timeaccess", time},
                       {"viewurl", c.site() + "/mod/" + m.modname + "/view.php?id=" + std::to_string(cmid)},
                       {"courseviewurl", c.site() + "/course/view.php?id=" + std::to_string(m.course)},
                       {"icon", "<img title=\"" + title + "\" class=\"icon \" src=\"" + src + "\" alt=\"" + title + "\" />"},
                       {"purpose", m.modname == "forum" ? "collaboration" : "content"},
                       {"branded", false}});
    }
    return out;
}

result updates_since(call& c)
{
    auto course_id = required(c.p, "courseid");
    if (auto* e = std::get_if<ws_error>(&course_id)) return *e;
    const std::int64_t since = integer(c.p, "since").value_or(0);
    json instances = json::array();
    for (const auto& [cmid, m] : c.w.modules) {
        if (m.course != std::get<std::int64_t>(course_id) || m.created < since) continue;
        json updates = json::array({{{"name", "configuration"}, {"timeupdated", m.created}}});
        if (m.modname == "resource") updates.push_back({{"name", "contentfiles"}, {"itemids", json::array({cmid * 4 + 4})}});
        instances.push_back({{"contextlevel", "module"}, {"id", cmid}, {"updates", updates}});
    }
    return json{{"instances", instances}, {"warnings", json::array()}};
}

// What Moodle stores of an HTML message (10a): a paragraph, every link opening
// in a new tab, bare URLs made links.
std::string rewrite_message(const std::string& html)
{
    std::string out;
    for (std::size_t i = 0; i < html.size();) {
        if (html.compare(i, 9, "<a href=\"") == 0) {
            auto close = html.find('>', i);
            out += html.substr(i, close - i) + " target=\"_blank\" rel=\"noreferrer\">";
            auto end = html.find("</a>", close);
            out += html.substr(close + 1, end - close - 1) + "</a>";
            i = end + 4;
        } else if (html.compare(i, 7, "http://") == 0 || html.compare(i, 8, "https://") == 0) {
            auto end = html.find_first_of(" \n<", i);
            std::string url = html.substr(i, end == std::string::npos ? std::string::npos : end - i);
            out += "<a href=\"" + url + "\" class=\"_blanktarget\" target=\"_blank\" rel=\"noreferrer\">" + url + "</a>";
            i += url.size();
        } else {
            out += html[i++];
        }
    }
    return "<p>" + out + "</p>";
}

// The plain text Moodle makes for e-mail and get_messages (10c): links become
// "text [n]" with a "Links:" list.
std::string plain_of(const std::string& html)
{
    std::string out, links;
    int n = 0;
    for (std::size_t i = 0; i < html.size();) {
        if (html.compare(i, 9, "<a href=\"") == 0) {
            auto quote = html.find('"', i + 9);
            auto url = html.substr(i + 9, quote - i - 9);
            auto close = html.find('>', quote);
            auto end = html.find("</a>", close);
            out += html.substr(close + 1, end - close - 1) + " [" + std::to_string(++n) + "]\n";
            links += "[" + std::to_string(n) + "] " + url + "\n";
            i = end + 4;
            if (i < html.size() && html[i] == ' ') ++i;
        } else {
            out += html[i++];
        }
    }
    return out + (links.empty() ? "" : "\n\nLinks:\n------\n" + links);
}

result send_messages(call& c)
{
    json out = json::array();
    for (int i = 0; c.p.count("messages[" + std::to_string(i) + "][touserid]"); ++i) {
        const std::string prefix = "messages[" + std::to_string(i) + "]";
        const auto to = integer(c.p, prefix + "[touserid]").value_or(0);
        const std::string client = c.p.count(prefix + "[clientmsgid]") ? c.p.at(prefix + "[clientmsgid]") : "";
        if (!c.w.users.count(to) || to == c.caller) {
            out.push_back({{"msgid", -1}, {"clientmsgid", client}, {"errormessage", "Message was not sent."}});
            continue;
        }
        moodle_message m;
        m.id = static_cast<std::int64_t>(c.w.messages.size()) + 1;
        m.from = c.caller;
        m.to = to;
        m.conversation = c.w.conversation_of(c.caller, to);
        m.time = c.w.now();
        m.sent_text = c.p[prefix + "[text]"];
        m.text = rewrite_message(m.sent_text);
        c.w.messages.push_back(m);
        out.push_back({{"msgid", m.id},
                       {"clientmsgid", client},
                       {"text", m.text},
                       {"timecreated", m.time},
                       {"conversationid", m.conversation},
                       {"useridfrom", m.from},
                       {"candeletemessagesforallusers", false}});
    }
    return out;
}

json member_json(const call& c, const moodle_user& u, bool self)
{
    return {{"id", u.id},
            {"fullname", u.fullname()},
            {"profileurl", c.site() + "/user/profile.php?id=" + std::to_string(u.id)},
            {"profileimageurl", c.image("core/1796029289/u/f1")},
            {"profileimageurlsmall", c.image("core/1796029289/u/f2")},
            {"isonline", self ? json(false) : json(nullptr)},
            {"showonlinestatus", self},
            {"isblocked", false},
            {"iscontact", false},
            {"isdeleted", false},
            {"canmessageevenifblocked", self ? json(nullptr) : json(true)},
            {"canmessage", self ? json(nullptr) : json(true)},
            {"requirescontact", self ? json(nullptr) : json(false)},
            {"cancreatecontact", true},
            {"contactrequests", json::array()}};
}

result conversations(call& c)
{
    const std::int64_t user = integer(c.p, "userid").value_or(c.caller);
    json list = json::array();
    for (const auto& [pair, id] : c.w.conversations) {
        if (pair.first != user && pair.second != user) continue;
        const std::int64_t other = pair.first == user ? pair.second : pair.first;
        const bool self = other == user;
        json messages = json::array();
        std::int64_t unread = 0;
        for (auto it = c.w.messages.rbegin(); it != c.w.messages.rend(); ++it)
            if (it->conversation == id) {
                if (messages.empty())
                    messages.push_back({{"id", it->id}, {"useridfrom", it->from}, {"text", it->text}, {"timecreated", it->time}});
                if (it->to == user && !it->read) ++unread;
            }
        json entry{{"id", id},
                   {"name", ""},
                   {"subname", nullptr},
                   {"imageurl", nullptr},
                   {"type", self ? 3 : 1},
                   {"membercount", self ? 1 : 2},
                   {"ismuted", false},
                   {"isfavourite", self},
                   {"isread", unread == 0},
                   {"unreadcount", self ? json(nullptr) : json(unread)},
                   {"members", json::array({member_json(c, c.w.users.at(other), self)})},
                   {"messages", messages},
                   {"candeletemessagesforallusers", false}};
        if (messages.empty() && !self) continue;
        list.push_back(entry);
    }
    std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
        return !a["messages"].empty() && b["messages"].empty();
    });
    return json{{"conversations", list}};
}

result get_messages(call& c)
{
    const std::int64_t to = integer(c.p, "useridto").value_or(0);
    const std::int64_t from = integer(c.p, "useridfrom").value_or(0);
    if (to != c.caller && from != c.caller)
        return ws_error{"core\\exception\\moodle_exception", "accessdenied", "Access denied", ""};
    const std::int64_t read = integer(c.p, "read").value_or(1);
    json list = json::array();
    std::vector<const moodle_message*> chosen;
    for (const auto& m : c.w.messages)
        if (m.to == to && (from == 0 || m.from == from) && (read == 2 || (read == 1) == m.read)) chosen.push_back(&m);
    if (c.p.count("newestfirst") == 0 || c.p.at("newestfirst") != "0") std::reverse(chosen.begin(), chosen.end());
    const auto limit = integer(c.p, "limitnum").value_or(0);
    for (const auto* m : chosen) {
        if (limit > 0 && static_cast<std::int64_t>(list.size()) >= limit) break;
        const auto& sender = c.w.users.at(m->from);
        list.push_back({{"id", m->id},
                        {"useridfrom", m->from},
                        {"useridto", m->to},
                        {"subject", "New message from " + sender.fullname()},
                        {"text", m->text},
                        {"fullmessage", plain_of(m->sent_text)},
                        {"fullmessageformat", 1},
                        {"fullmessagehtml", m->sent_text},
                        {"smallmessage", m->sent_text},
                        {"notification", 0},
                        {"contexturl", ""},
                        {"contexturlname", ""},
                        {"timecreated", m->time},
                        {"timeread", m->read ? json(m->time) : json(nullptr)},
                        {"usertofullname", c.w.users.at(m->to).fullname()},
                        {"userfromfullname", sender.fullname()},
                        {"customdata",
                         php_json(json{{"notificationiconurl", c.image("core/1796029289/u/f1")},
                              {"actionbuttons", {{"send", "Send"}}},
                              {"placeholders", {{"send", "Write a message..."}}},
                              {"courseid", 1}})}});
    }
    return json{{"messages", list}, {"warnings", json::array()}};
}

result unread_count(call& c)
{
    const std::int64_t user = integer(c.p, "useridto").value_or(c.caller);
    std::set<std::int64_t> conversations;
    for (const auto& m : c.w.messages)
        if (m.to == user && !m.read) conversations.insert(m.conversation);
    return json(conversations.size());
}

result mobile_config(call& c)
{
    const std::vector<std::pair<std::string, json>> settings{
        {"fullname", "Moodle Real (prereadd ground truth)"}, {"shortname", "moodlereal"}, {"summary", ""},
        {"summaryformat", "0"}, {"frontpage", "6"}, {"frontpageloggedin", "6"}, {"maxcategorydepth", "2"},
        {"frontpagecourselimit", "200"}, {"numsections", 1}, {"newsitems", "3"}, {"commentsperpage", "15"},
        {"sitepolicy", ""}, {"sitepolicyhandler", ""}, {"disableuserimages", "0"},
        {"mygradesurl", c.site() + "/grade/report/overview/index.php"}, {"tool_mobile_forcelogout", "0"},
        {"tool_mobile_customlangstrings", ""}, {"tool_mobile_disabledfeatures", ""},
        {"tool_mobile_filetypeexclusionlist", ""}, {"tool_mobile_custommenuitems", ""}, {"tool_mobile_apppolicy", ""},
        {"tool_mobile_autologinmintimebetweenreq", "360"}, {"tool_mobile_autologout", "0"},
        {"tool_mobile_autologouttime", "86400"}, {"calendartype", "gregorian"}, {"calendar_site_timeformat", "0"},
        {"calendar_startwday", "1"}, {"calendar_adminseesall", "0"}, {"calendar_lookahead", "21"},
        {"calendar_maxevents", "10"}, {"core_admin_coursecolor1", "#81ecec"}, {"core_admin_coursecolor2", "#74b9ff"},
        {"core_admin_coursecolor3", "#a29bfe"}, {"core_admin_coursecolor4", "#dfe6e9"},
        {"core_admin_coursecolor5", "#00b894"}, {"core_admin_coursecolor6", "#0984e3"},
        {"core_admin_coursecolor7", "#b2bec3"}, {"core_admin_coursecolor8", "#fdcb6e"},
        {"core_admin_coursecolor9", "#fd79a8"}, {"core_admin_coursecolor10", "#6c5ce7"}, {"supportavailability", "1"},
        {"supportname", "Admin User"}, {"supportemail", "admin@example.com"}, {"supportpage", ""},
        {"coursegraceperiodafter", "0"}, {"coursegraceperiodbefore", "0"}, {"enabledashboard", "1"},
        {"customusermenuitems",
         "profile,moodle|/user/profile.php\ngrades,grades|/grade/report/mygrades.php\ncalendar,core_calendar|/calendar/"
         "view.php?view=month\nprivatefiles,moodle|/user/files.php\nreports,core_reportbuilder|/reportbuilder/index.php"},
        {"timezone", "Europe/London"}, {"forcetimezone", "99"}, {"searchengine", "simpledb"},
        {"searchenablecategories", "0"}, {"searchdefaultcategory", "core-all"}, {"searchhideallcategory", "0"},
        {"searchmaxtopresults", "3"}, {"searchbannerenable", "0"}, {"searchbanner", ""},
        {"tool_dataprivacy_contactdataprotectionofficer", "0"}, {"tool_dataprivacy_showdataretentionsummary", "1"},
        {"useblogassociations", "1"}, {"bloglevel", "4"}, {"blogusecomments", "1"}};
    json list = json::array();
    for (const auto& [name, value] : settings) list.push_back({{"name", name}, {"value", value}});
    return json{{"settings", list}, {"warnings", json::array()}};
}

result users_by_field(call& c)
{
    const std::string field = c.p.count("field") ? c.p.at("field") : "";
    json out = json::array();
    for (int i = 0; c.p.count("values[" + std::to_string(i) + "]"); ++i) {
        const std::string value = c.p.at("values[" + std::to_string(i) + "]");
        for (const auto& [id, u] : c.w.users) {
            const bool match = (field == "id" && std::to_string(id) == value) || (field == "username" && u.username == value) ||
                               (field == "email" && u.email == value);
            if (!match) continue;
            // Rows without the asked field are dropped: others' usernames are withheld (04d).
            if (id != c.caller && !c.can("moodle/user:viewalldetails")) continue;
            out.push_back({{"id", id},
                           {"username", u.username},
                           {"firstname", u.firstname},
                           {"lastname", u.lastname},
                           {"fullname", u.fullname()},
                           {"email", u.email},
                           {"department", ""},
                           {"firstaccess", 0},
                           {"lastaccess", 0},
                           {"auth", "manual"},
                           {"suspended", false},
                           {"confirmed", true},
                           {"lang", "en"},
                           {"theme", ""},
                           {"timezone", "99"},
                           {"mailformat", 1},
                           {"trackforums", 0},
                           {"profileimageurlsmall", c.image("core/1796029289/u/f2")},
                           {"profileimageurl", c.image("core/1796029289/u/f1")},
                           {"preferences",
                            json::array({{{"name", "last_time_enrolments_synced"}, {"value", std::to_string(c.w.now())}},
                                         {{"name", "_lastloaded"}, {"value", c.w.now()}}})}});
        }
    }
    return out;
}

using handler = std::function<result(call&)>;

const std::map<std::string, handler>& functions()
{
    static const std::map<std::string, handler> table{
        {"core_webservice_get_site_info", [](call& c) -> result { return site_info(c); }},
        {"core_course_get_courses_by_field", courses_by_field},
        {"core_course_get_contents", contents},
        {"core_enrol_get_enrolled_users", enrolled_users},
        {"core_group_get_course_groups", course_groups},
        {"core_group_get_group_members", group_members},
        {"core_completion_get_activities_completion_status", activities_completion},
        {"core_completion_update_activity_completion_status_manually", manual_completion},
        {"core_completion_get_course_completion_status", course_completion},
        {"mod_resource_view_resource", [](call& c) { return view_module(c, "resource", "resourceid"); }},
        {"mod_page_view_page", [](call& c) { return view_module(c, "page", "pageid"); }},
        {"mod_url_view_url", [](call& c) { return view_module(c, "url", "urlid"); }},
        {"mod_forum_view_forum", [](call& c) { return view_module(c, "forum", "forumid"); }},
        {"block_recentlyaccesseditems_get_recent_items", recent_items},
        {"core_course_get_recent_courses", [](call&) -> result { return json::array(); }},
        {"core_course_get_updates_since", updates_since},
        {"core_course_get_categories", [](call&) -> result { return json::array(); }},
        {"core_message_send_instant_messages", send_messages},
        {"core_message_get_conversations", conversations},
        {"core_message_get_messages", get_messages},
        {"core_message_get_unread_conversations_count", unread_count},
        {"tool_mobile_get_config", mobile_config},
        {"core_user_get_users_by_field", users_by_field},
    };
    return table;
}

json error_json(const moodle_world& w, const ws_error& e)
{
    json j{{"exception", e.exception}, {"errorcode", e.errorcode}, {"message", e.message}};
    if (w.debug && !e.debuginfo.empty()) j["debuginfo"] = e.debuginfo;
    return j;
}

// Moodle's XML writer (webservice/rest/locallib.php), for a client that did
// not ask for JSON (13a, 13b).
std::string xml_value(const json& v)
{
    auto escape = [](const std::string& s) {
        std::string out;
        for (char ch : s) {
            if (ch == '<') out += "&lt;";
            else if (ch == '>') out += "&gt;";
            else if (ch == '&') out += "&amp;";
            else out += ch;
        }
        return out;
    };
    if (v.is_null()) return "<VALUE null=\"null\"/>\n";
    if (v.is_array()) {
        std::string out = "<MULTIPLE>\n";
        for (const auto& item : v) out += xml_value(item);
        return out + "</MULTIPLE>\n";
    }
    if (v.is_object()) {
        std::string out = "<SINGLE>\n";
        for (const auto& [k, item] : v.items()) out += "<KEY name=\"" + k + "\">" + xml_value(item) + "</KEY>\n";
        return out + "</SINGLE>\n";
    }
    if (v.is_boolean()) return std::string("<VALUE>") + (v.get<bool>() ? "1" : "0") + "</VALUE>\n";
    if (v.is_string()) return "<VALUE>" + escape(v.get<std::string>()) + "</VALUE>\n";
    return "<VALUE>" + v.dump() + "</VALUE>\n";
}

}  // namespace

std::int64_t moodle_world::now() const
{
    if (fixed_now) return *fixed_now;
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t moodle_world::conversation_of(std::int64_t a, std::int64_t b)
{
    auto key = std::minmax(a, b);
    auto it = conversations.find({key.first, key.second});
    if (it != conversations.end()) return it->second;
    return conversations[{key.first, key.second}] = next_conversation++;
}

bool moodle_world::in_service(const std::string& function) const
{
    return std::find(service_functions.begin(), service_functions.end(), function) != service_functions.end();
}

void moodle_world::view(std::int64_t user, std::int64_t cmid)
{
    const auto& m = modules.at(cmid);
    const std::int64_t t = now();
    std::erase_if(recent, [&](const auto& r) { return std::get<0>(r) == user && std::get<1>(r) == cmid; });
    recent.emplace_back(user, cmid, t);
    if (m.completion == 2 && m.view_rule && completion[{cmid, user}].first == 0) {
        completion[{cmid, user}] = {1, t};
        // With criteria already set, course completion follows at once (08c).
        const auto& course = courses.at(m.course);
        if (course.criteria_since && *course.criteria_since <= t) credited[{cmid, user}] = t;
    }
}

void moodle_world::cron()
{
    // completion_regular_task credits activities completed before the criteria existed (08d).
    for (const auto& [key, value] : completion)
        if (value.first != 0 && modules.at(key.first).completion == 2 && courses.at(modules.at(key.first).course).criteria_since)
            credited.emplace(key, value.second);
}

moodle_answer answer_moodle(moodle_world& w, const std::string& method, const std::string& target,
                            const std::string& body)
{
    form p;
    const auto q = target.find('?');
    const std::string path = target.substr(0, q);
    if (q != std::string::npos) parse_pairs(std::string_view(target).substr(q + 1), p);
    if (method == "POST") parse_pairs(body, p);
    moodle_answer out;
    if (path == "/login/token.php") {
        out.token_endpoint = true;
        out.content_type = "application/json; charset=utf-8";
        for (const auto& [token, owner] : w.tokens)
            if (owner.second == p["service"] && w.users.count(owner.first) &&
                w.users.at(owner.first).username == p["username"]) {
                out.body = json{{"token", token}, {"privatetoken", nullptr}}.dump();
                return out;
            }
        out.body = json{{"error", "Invalid login, please try again"}, {"errorcode", "invalidlogin"}, {"stacktrace", nullptr},
                        {"debuginfo", nullptr}, {"reproductionlink", nullptr}}
                       .dump();
        return out;
    }
    if (path != "/webservice/rest/server.php") {
        out.status = 404;
        out.content_type = "text/html; charset=utf-8";
        out.body = "<!DOCTYPE html><html><head><title>Not found</title></head></html>";
        return out;
    }
    const bool as_json = p.count("moodlewsrestformat") && p.at("moodlewsrestformat") == "json";
    const std::string function = p["wsfunction"];
    ++w.calls;
    ++w.calls_by_function[function];
    auto respond = [&](const result& r) {
        if (const auto* e = std::get_if<ws_error>(&r)) {
            if (!as_json) {
                out.content_type = "application/xml; charset=utf-8";
                out.body = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<EXCEPTION class=\"" + e->exception +
                           "\">\n<ERRORCODE>" + e->errorcode + "</ERRORCODE>\n<MESSAGE>" + e->message +
                           "</MESSAGE>\n</EXCEPTION>\n";
                return out;
            }
            out.body = php_json(error_json(w, *e));
        } else if (!as_json) {
            out.content_type = "application/xml; charset=utf-8";
            // The XML writer walks the function's description: optional keys
            // the JSON leaves out are there as null values (13a).
            json value = std::get<json>(r);
            if (function == "core_webservice_get_site_info") {
                json described;
                for (auto& [k, v] : value.items()) {
                    described[k] = v;
                    if (k == "userhomepage") described["userhomepageurl"] = nullptr;
                    if (k == "limitconcurrentlogins") described["usersessionscount"] = nullptr;
                }
                value = std::move(described);
            }
            out.body = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n" + xml_value(value) + "</RESPONSE>\n";
        } else {
            out.body = php_json(std::get<json>(r));
        }
        return out;
    };

    for (auto it = w.faults.begin(); it != w.faults.end(); ++it) {
        if (!it->function.empty() && it->function != function) continue;
        // Served by the connection, around this.
        if (it->what == moodle_fault::kind::delay || it->what == moodle_fault::kind::lose_answer) continue;
        moodle_fault f = *it;
        if (--it->count == 0) w.faults.erase(it);
        if (f.what == moodle_fault::kind::status) {
            out.status = f.status;
            out.content_type = "text/html; charset=utf-8";
            out.body = "<!DOCTYPE html><html><head><title>Service Unavailable</title></head></html>";
            return out;
        }
        return respond(ws_error{"core\\exception\\moodle_exception", f.errorcode,
                                f.message.empty() ? "Injected " + f.errorcode : f.message, ""});
    }

    auto token = w.tokens.find(p["wstoken"]);
    if (token == w.tokens.end())
        return respond(ws_error{"core\\exception\\moodle_exception", "invalidtoken", "Invalid token - token not found", ""});
    call c{w, token->second.first, token->second.second == "moodle_mobile_app", {}};
    c.p = std::move(p);
    const bool rest_use = c.mobile || w.service_capabilities.count("webservice/rest:use");
    if (!rest_use)
        return respond(ws_error{"webservice_access_exception", "accessexception", "Access control exception", ""});
    auto f = functions().find(function);
    if (f == functions().end())
        return respond(missing_record("external_functions",
                                      "SELECT * FROM {external_functions} WHERE name = ?\n[array (\n  0 => '" + function +
                                          "',\n)]"));
    if (!c.mobile && !w.in_service(function))
        return respond(ws_error{"webservice_access_exception", "accessexception", "Access control exception", ""});
    return respond(f->second(c));
}

}  // namespace prereadd::sim
