// CalDAV as recorded (19-19f): MKCALENDAR, the calendar home listing (with
// Deck's generated calendars), PUT with If-None-Match, calendar-query with a
// time range with and without <expand>, and sync-collection.
#include "tests/sim/routes_detail.hpp"

#include <libical/ical.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

namespace prereadd::sim::detail {
namespace {

constexpr const char* caldav_dav_header =
    "1, 3, extended-mkcol, access-control, calendarserver-principal-property-search, calendar-access, calendar-proxy, "
    "calendar-auto-schedule, calendar-availability, nc-calendar-trashbin, nc-calendar-webcal-cache, "
    "calendarserver-subscribed, oc-resource-sharing, oc-calendar-publishing, calendarserver-sharing, "
    "nextcloud-checksum-update, nc-calendar-search, nc-enable-birthday-calendar";
constexpr const char* multistatus_open =
    "<?xml version=\"1.0\"?>\n<d:multistatus xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\" "
    "xmlns:cal=\"urn:ietf:params:xml:ns:caldav\" xmlns:cs=\"http://calendarserver.org/ns/\" "
    "xmlns:oc=\"http://owncloud.org/ns\" xmlns:nc=\"http://nextcloud.org/ns\">";

sim_response dav_error(unsigned status, const std::string& exception, const std::string& message,
                       const std::string& header = {})
{
    sim_response res;
    res.status = status;
    res.set("Content-Type", "application/xml; charset=utf-8");
    res.body =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\">\n"
        "  <s:exception>" +
        exception + "</s:exception>\n  <s:message>" + xml_escape(message) + "</s:message>\n" +
        (header.empty() ? std::string() : "  <s:header>" + header + "</s:header>\n") + "</d:error>\n";
    return res;
}

sim_response multistatus(std::string body, bool dav_header)
{
    sim_response res;
    res.status = 207;
    res.set("Vary", "Brief,Prefer");
    if (dav_header) res.set("DAV", caldav_dav_header);
    res.set("Content-Type", "application/xml; charset=utf-8");
    res.body = multistatus_open + body + "</d:multistatus>\n";
    return res;
}

// Requested property names as "prefix:local" in the response's prefixes.
std::vector<std::pair<std::string, std::string>> requested(const std::string& body)
{
    std::vector<std::pair<std::string, std::string>> out;  // (namespace, local)
    pugi::xml_document doc;
    if (!doc.load_string(body.c_str())) return out;
    for (auto n : doc.select_nodes("//*[local-name()='prop']/*")) {
        std::string name = n.node().name();
        auto colon = name.find(':');
        std::string prefix = colon == std::string::npos ? "" : name.substr(0, colon);
        std::string attr = prefix.empty() ? "xmlns" : "xmlns:" + prefix;
        std::string ns;
        for (auto p = n.node(); p; p = p.parent())
            if (auto a = p.attribute(attr.c_str())) {
                ns = a.value();
                break;
            }
        out.emplace_back(ns, colon == std::string::npos ? name : name.substr(colon + 1));
    }
    return out;
}

std::string tag(const std::string& ns, const std::string& local)
{
    if (ns == "DAV:") return "d:" + local;
    if (ns == "urn:ietf:params:xml:ns:caldav") return "cal:" + local;
    if (ns == "http://calendarserver.org/ns/") return "cs:" + local;
    if (ns == "http://owncloud.org/ns") return "oc:" + local;
    return "x1:" + local;
}

std::string element(const std::string& ns, const std::string& local, const std::optional<std::string>& inner)
{
    const std::string t = tag(ns, local);
    const std::string decl = t.starts_with("x1:") ? " xmlns:x1=\"" + ns + "\"" : "";
    if (!inner || inner->empty()) return "<" + t + decl + "/>";
    return "<" + t + decl + ">" + *inner + "</" + t + ">";
}

struct collection_props {
    std::string href;
    std::map<std::string, std::string> values;  // "ns|local" -> inner XML
};

std::string response(const collection_props& c, const std::vector<std::pair<std::string, std::string>>& props)
{
    std::string found, missing;
    for (const auto& [ns, local] : props) {
        auto it = c.values.find(ns + "|" + local);
        if (it != c.values.end())
            found += element(ns, local, it->second);
        else
            missing += element(ns, local, std::nullopt);
    }
    std::string out = "<d:response><d:href>" + c.href + "</d:href>";
    if (!found.empty())
        out += "<d:propstat><d:prop>" + found + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>";
    if (!missing.empty())
        out += "<d:propstat><d:prop>" + missing + "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>";
    return out + "</d:response>";
}

std::string components_xml(const std::vector<std::string>& comps)
{
    std::string out;
    for (const auto& c : comps) out += "<cal:comp name=\"" + c + "\"/>";
    return out;
}

std::int64_t to_unix(const char* ical_utc)
{
    icaltimetype t = icaltime_from_string(ical_utc);
    return static_cast<std::int64_t>(icaltime_as_timet(t));
}

std::string to_ical_utc(std::int64_t unix_seconds)
{
    icaltimetype t =
        icaltime_from_timet_with_zone(static_cast<time_t>(unix_seconds), 0, icaltimezone_get_utc_timezone());
    return icaltime_as_ical_string(t);
}

// The lines of each VEVENT block of an object, as uploaded (unfolded lines kept as they are).
std::vector<std::vector<std::string>> event_blocks(const std::string& ics)
{
    std::vector<std::vector<std::string>> out;
    std::stringstream in(ics);
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line == "BEGIN:VEVENT") {
            inside = true;
            out.emplace_back();
        } else if (line == "END:VEVENT") {
            inside = false;
        } else if (inside) {
            out.back().push_back(line);
        }
    }
    return out;
}

bool is_property(const std::string& line, const char* name)
{
    const std::size_t n = std::strlen(name);
    return line.compare(0, n, name) == 0 && line.size() > n && (line[n] == ':' || line[n] == ';');
}

struct occurrence {
    std::int64_t start;
    std::int64_t end;
    std::int64_t recurrence_id;
    const std::vector<std::string>* lines;  // the VEVENT it comes from: the series or an overridden instance
};

// Occurrences of the object's event that overlap [from, to), expanded with
// libical as Sabre does: EXDATEs left out, an instance overridden by a VEVENT
// with its RECURRENCE-ID taken from that VEVENT (moved, or STATUS:CANCELLED).
std::vector<occurrence> occurrences(const std::string& ics, const std::vector<std::vector<std::string>>& blocks,
                                    std::int64_t from, std::int64_t to)
{
    std::vector<occurrence> out;
    icalcomponent* root = icalparser_parse_string(ics.c_str());
    if (!root) return out;
    icalcomponent* master = nullptr;
    const std::vector<std::string>* master_lines = nullptr;
    std::map<std::int64_t, std::pair<icalcomponent*, const std::vector<std::string>*>> overrides;
    std::size_t index = 0;
    for (icalcomponent* e = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); e && index < blocks.size();
         e = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT), ++index) {
        icaltimetype rid = icalcomponent_get_recurrenceid(e);
        if (icaltime_is_null_time(rid)) {
            if (!master) {
                master = e;
                master_lines = &blocks[index];
            }
        } else {
            overrides[icaltime_as_timet(rid)] = {e, &blocks[index]};
        }
    }
    auto span = [](icalcomponent* e) {
        return std::pair<std::int64_t, std::int64_t>{icaltime_as_timet(icalcomponent_get_dtstart(e)),
                                                     icaltime_as_timet(icalcomponent_get_dtend(e))};
    };
    auto add = [&](std::int64_t rid, std::int64_t s, std::int64_t e, const std::vector<std::string>* lines) {
        if (s < to && e > from) out.push_back({s, e, rid, lines});
    };
    if (master) {
        auto [start, end] = span(master);
        const std::int64_t length = end - start;
        icalproperty* rrule = icalcomponent_get_first_property(master, ICAL_RRULE_PROPERTY);
        if (!rrule) {
            add(start, start, end, master_lines);
        } else {
            std::set<std::int64_t> excluded;
            for (icalproperty* x = icalcomponent_get_first_property(master, ICAL_EXDATE_PROPERTY); x;
                 x = icalcomponent_get_next_property(master, ICAL_EXDATE_PROPERTY))
                excluded.insert(icaltime_as_timet(icalproperty_get_exdate(x)));
            icalrecur_iterator* it =
                icalrecur_iterator_new(icalproperty_get_rrule(rrule), icalcomponent_get_dtstart(master));
            for (icaltimetype t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
                 t = icalrecur_iterator_next(it)) {
                const std::int64_t s = icaltime_as_timet(t);
                if (s - 7 * 86400 >= to) break;  // a moved instance may land in the window from a week away
                if (excluded.count(s)) continue;
                if (auto o = overrides.find(s); o != overrides.end()) {
                    auto [os, oe] = span(o->second.first);
                    add(s, os, oe, o->second.second);
                } else {
                    add(s, s, s + length, master_lines);
                }
            }
            icalrecur_iterator_free(it);
        }
    }
    icalcomponent_free(root);
    std::sort(out.begin(), out.end(), [](const occurrence& a, const occurrence& b) { return a.start < b.start; });
    return out;
}

// Sabre's <expand>: one VEVENT per occurrence, RRULE and EXDATE dropped, RECURRENCE-ID added, CRLF lines.
std::string expanded(const std::vector<occurrence>& when)
{
    std::string out =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Sabre//Sabre VObject 4.5.4//EN\r\nCALSCALE:GREGORIAN\r\n";
    for (const auto& o : when) {
        out += "BEGIN:VEVENT\r\n";
        for (const auto& l : *o.lines) {
            if (is_property(l, "RRULE") || is_property(l, "EXDATE") || is_property(l, "RECURRENCE-ID")) continue;
            if (is_property(l, "DTSTART"))
                out += "DTSTART:" + to_ical_utc(o.start) + "\r\n";
            else if (is_property(l, "DTEND"))
                out += "DTEND:" + to_ical_utc(o.end) + "\r\n";
            else
                out += l + "\r\n";
        }
        out += "RECURRENCE-ID:" + to_ical_utc(o.recurrence_id) + "\r\n";
        out += "END:VEVENT\r\n";
    }
    return out + "END:VCALENDAR\r\n";
}

}  // namespace

sim_response handle_caldav(world& w, const user& who, const sim_request& req)
{
    // /remote.php/dav/calendars/<user>/[<calendar>/[<object>]]
    const std::string prefix = "/remote.php/dav/calendars/";
    std::vector<std::string> parts;
    {
        std::stringstream in(req.path.substr(prefix.size()));
        for (std::string p; std::getline(in, p, '/');)
            if (!p.empty()) parts.push_back(p);
    }
    if (parts.empty() || parts[0] != who.id)
        return dav_error(404, "Sabre\\DAV\\Exception\\NotFound",
                         "Principal with name " + (parts.empty() ? "" : parts[0]) + " not found");
    auto& calendars = w.calendars[who.id];
    const std::string home = prefix + who.id + "/";

    if (parts.size() == 1 && req.method == "PROPFIND") {
        auto props = requested(req.body);
        std::string body;
        collection_props root{home, {{"DAV:|resourcetype", "<d:collection/>"}}};
        body += response(root, props);
        if (req.header("depth") != "0") {
            for (const auto& [name, cal] : calendars) {
                const std::string token = "http://sabre.io/ns/sync/" + std::to_string(cal.sync_token);
                body += response({home + name + "/",
                                  {{"DAV:|resourcetype", "<d:collection/><cal:calendar/>"},
                                   {"DAV:|displayname", xml_escape(cal.display_name)},
                                   {"http://calendarserver.org/ns/|getctag", token},
                                   {"DAV:|sync-token", token},
                                   {"urn:ietf:params:xml:ns:caldav|supported-calendar-component-set",
                                    components_xml(cal.components)}}},
                                 props);
            }
            body += response({home + "inbox/", {{"DAV:|resourcetype", "<d:collection/><cal:schedule-inbox/>"}}}, props);
            body +=
                response({home + "outbox/", {{"DAV:|resourcetype", "<d:collection/><cal:schedule-outbox/>"}}}, props);
            body += response(
                {home + "trashbin/",
                 {{"DAV:|resourcetype", "<d:collection/><x1:trash-bin xmlns:x1=\"http://nextcloud.com/ns\"/>"}}},
                props);
            // Deck publishes each board the user can see as a VTODO calendar.
            for (const auto& b : w.deck.boards) {
                if (b.owner != who.id) continue;
                body += response(
                    {home + "app-generated--deck--board-" + std::to_string(b.id) + "/",
                     {{"DAV:|resourcetype", "<d:collection/><cal:calendar/>"},
                      {"DAV:|displayname", xml_escape("Deck: " + b.title)},
                      {"urn:ietf:params:xml:ns:caldav|supported-calendar-component-set", components_xml({"VTODO"})}}},
                    props);
            }
        }
        return multistatus(body, true);
    }
    if (parts.size() == 2 && req.method == "MKCALENDAR") {
        if (calendars.count(parts[1]))
            return dav_error(405, "Sabre\\DAV\\Exception\\MethodNotAllowed",
                             "The resource you tried to create already exists");
        calendar cal;
        pugi::xml_document doc;
        if (doc.load_string(req.body.c_str())) {
            if (auto n = doc.select_node("//*[local-name()='displayname']"))
                cal.display_name = n.node().text().as_string();
            if (auto n = doc.select_node("//*[local-name()='calendar-color']")) cal.color = n.node().text().as_string();
            std::vector<std::string> comps;
            for (auto n : doc.select_nodes("//*[local-name()='comp']"))
                comps.push_back(n.node().attribute("name").value());
            if (!comps.empty()) cal.components = comps;
        }
        if (cal.display_name.empty()) cal.display_name = parts[1];
        calendars[parts[1]] = cal;
        sim_response res;
        res.status = 201;
        res.set("Content-Type", "text/html; charset=UTF-8");
        return res;
    }
    auto cal_it = parts.size() >= 2 ? calendars.find(parts[1]) : calendars.end();
    if (cal_it == calendars.end())
        return dav_error(404, "Sabre\\DAV\\Exception\\NotFound",
                         "Node with name '" + (parts.size() > 1 ? parts[1] : "") + "' could not be found");
    calendar& cal = cal_it->second;
    const std::string cal_href = home + cal_it->first + "/";

    if (parts.size() == 3 && req.method == "PUT") {
        const bool exists = cal.objects.count(parts[2]) != 0;
        if (exists && req.header("if-none-match") == "*")
            return dav_error(412, "Sabre\\DAV\\Exception\\PreconditionFailed",
                             "An If-None-Match header was specified, but the ETag matched (or * was specified).",
                             "If-None-Match");
        calendar_object obj{req.body, md5_hex(req.body)};
        cal.objects[parts[2]] = obj;
        ++cal.sync_token;
        sim_response res;
        res.status = exists ? 204 : 201;
        res.set("ETag", "\"" + obj.etag + "\"");
        res.set("OC-ETag", "\"" + obj.etag + "\"");
        res.set("Content-Type", "text/html; charset=UTF-8");
        return res;
    }
    if (parts.size() == 3 && req.method == "GET") {
        auto it = cal.objects.find(parts[2]);
        if (it == cal.objects.end())
            return dav_error(404, "Sabre\\DAV\\Exception\\NotFound", "Calendar object not found");
        sim_response res;
        res.set("ETag", "\"" + it->second.etag + "\"");
        res.set("Content-Type", "text/calendar; charset=utf-8");
        res.body = it->second.ics;
        return res;
    }
    if (parts.size() == 2 && req.method == "REPORT") {
        pugi::xml_document doc;
        if (!doc.load_string(req.body.c_str()))
            return dav_error(400, "Sabre\\DAV\\Exception\\BadRequest", "The REPORT body is not XML");
        std::string root = doc.document_element().name();
        root = root.substr(root.find(':') == std::string::npos ? 0 : root.find(':') + 1);
        if (root == "sync-collection") {
            std::string body = "\n";
            for (const auto& [name, obj] : cal.objects)
                body +=
                    " <d:response>\n  <d:href>" + cal_href + name +
                    "</d:href>\n  <d:propstat>\n   <d:prop>\n    <d:getetag>&quot;" + obj.etag +
                    "&quot;</d:getetag>\n   </d:prop>\n   <d:status>HTTP/1.1 200 OK</d:status>\n  </d:propstat>\n </d:response>\n";
            body += " <d:sync-token>http://sabre.io/ns/sync/" + std::to_string(cal.sync_token) + "</d:sync-token>\n";
            auto res = multistatus(body, false);
            res.headers.erase(res.headers.begin());  // no Vary on sync-collection (19f)
            return res;
        }
        std::int64_t from = 0, to = INT64_MAX;
        if (auto range = doc.select_node("//*[local-name()='time-range']")) {
            if (auto a = range.node().attribute("start")) from = to_unix(a.value());
            if (auto a = range.node().attribute("end")) to = to_unix(a.value());
        }
        auto expand = doc.select_node("//*[local-name()='expand']");
        std::string body;
        for (const auto& [name, obj] : cal.objects) {
            const auto blocks = event_blocks(obj.ics);
            auto when = occurrences(obj.ics, blocks, from, to);
            if (when.empty()) continue;
            std::string data = expand ? expanded(when) : obj.ics;
            body += "<d:response><d:href>" + cal_href + name + "</d:href><d:propstat><d:prop><d:getetag>&quot;" +
                    obj.etag + "&quot;</d:getetag><cal:calendar-data>" + xml_escape(data, true) +
                    "</cal:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>";
        }
        return multistatus(body, false);
    }
    return dav_error(501, "Sabre\\DAV\\Exception\\NotImplemented", req.method + " on calendars");
}

}  // namespace prereadd::sim::detail
