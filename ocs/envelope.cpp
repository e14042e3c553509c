// OCS parsing (see envelope.hpp). Nextcloud mixes strings and numbers for ids
// (share "id":"5" but "file_source":14, activity file ids both ways), so
// number fields accept either.
#include "ocs/envelope.hpp"

#include "http/error.hpp"
#include "http/timestamp.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace prereadd::ocs {
namespace {

// The date at the start of a share's "expiration" ("2026-12-09 00:00:00"), a
// real calendar date; strict, like http/timestamp.hpp (date::parse is not used).
std::optional<date::year_month_day> parse_share_date(std::string_view text)
{
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int y = 0;
    unsigned m = 0, d = 0;
    auto number = [&](std::size_t at, std::size_t length, auto& out) {
        auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, out);
        return ec == std::errc() && end == text.data() + at + length;
    };
    if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return std::nullopt;
    const date::year_month_day day{date::year{y}, date::month{m}, date::day{d}};
    if (!day.ok()) return std::nullopt;
    return day;
}

using json = nlohmann::json;

// In the order of the enumeration (ocs/envelope.hpp).
constexpr const char* words[] = {"malformed JSON in an OCS response", "OCS response without an ocs.meta envelope",
                                 "the OCS request failed", "OCS data of an unexpected shape"};
static_assert(std::size(words) == static_cast<std::size_t>(error::unexpected_data));

std::optional<std::int64_t> integer(const json& j)
{
    if (j.is_number_integer()) return j.get<std::int64_t>();
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        std::int64_t v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc() && end == s.data() + s.size()) return v;
    }
    return std::nullopt;
}

std::string text(const json& object, const char* key)
{
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
}

}  // namespace

const boost::system::error_category& error_category() noexcept
{
    static const http::words_category instance("prereadd.ocs", words);
    return instance;
}

boost::system::result<envelope> parse_envelope(std::string_view body)
{
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded()) return make_error_code(error::malformed_json);
    if (!j.is_object() || !j.contains("ocs") || !j["ocs"].is_object() || !j["ocs"].contains("meta") ||
        !j["ocs"]["meta"].is_object())
        return make_error_code(error::not_an_envelope);
    const auto& meta = j["ocs"]["meta"];
    envelope e;
    e.status = text(meta, "status");
    e.statuscode = static_cast<int>(integer(meta.value("statuscode", json())).value_or(0));
    e.message = text(meta, "message");
    e.data = j["ocs"].value("data", json());
    return e;
}

boost::system::result<json> parse_ok_data(std::string_view body)
{
    auto e = parse_envelope(body);
    if (!e) return e.error();
    if (!e->ok()) return make_error_code(error::request_failed);
    return std::move(e->data);
}

namespace {

// The string members of a record and the keys Nextcloud gives them.
template <class Record>
using text_fields = std::initializer_list<std::pair<std::string Record::*, const char*>>;

const text_fields<share> share_texts = {{&share::owner, "uid_owner"},     {&share::share_with, "share_with"},
                                        {&share::path, "path"},           {&share::file_target, "file_target"},
                                        {&share::item_type, "item_type"}, {&share::token, "token"}};
const text_fields<activity> activity_texts = {{&activity::app, "app"},         {&activity::type, "type"},
                                              {&activity::user, "user"},       {&activity::subject, "subject"},
                                              {&activity::message, "message"}, {&activity::object_type, "object_type"}};

template <class Record>
void read_texts(const json& object, Record& record, const text_fields<Record>& fields)
{
    for (const auto& [member, key] : fields) record.*member = text(object, key);
}

}  // namespace

boost::system::result<std::vector<share>> parse_shares(const json& data)
{
    if (!data.is_array()) return make_error_code(error::unexpected_data);
    std::vector<share> out;
    for (const auto& s : data) {
        if (!s.is_object()) return make_error_code(error::unexpected_data);
        share sh;
        sh.id = text(s, "id");
        auto type = integer(s.value("share_type", json()));
        auto file = integer(s.value("file_source", json()));
        auto permissions = integer(s.value("permissions", json()));
        if (sh.id.empty() || !type || !file || !permissions) return make_error_code(error::unexpected_data);
        sh.type = static_cast<int>(*type);
        sh.file_id = *file;
        sh.permissions = static_cast<int>(*permissions);
        read_texts(s, sh, share_texts);
        // "YYYY-MM-DD 00:00:00", not ISO 8601 (04b).
        if (auto expiration = text(s, "expiration"); !expiration.empty()) {
            auto day = parse_share_date(expiration);
            if (!day) return make_error_code(error::unexpected_data);
            sh.expiration = *day;
        }
        out.push_back(std::move(sh));
    }
    return out;
}

boost::system::result<std::vector<std::string>> parse_group_members(const json& data)
{
    if (!data.is_object() || !data.contains("users") || !data["users"].is_array())
        return make_error_code(error::unexpected_data);
    std::vector<std::string> out;
    for (const auto& u : data["users"]) {
        if (!u.is_string()) return make_error_code(error::unexpected_data);
        out.push_back(u.get<std::string>());
    }
    return out;
}

namespace {

// "file", "file1", "file12": the parameter is `stem` followed by digits or nothing.
bool numbered(const std::string& key, std::string_view stem)
{
    if (!key.starts_with(stem)) return false;
    return std::all_of(key.begin() + static_cast<std::ptrdiff_t>(stem.size()), key.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

// subject_rich is [template, {name: parameter}] (or [template, []] without
// parameters). File ids are ints on Nextcloud 29 and strings on 34.
void read_rich_subject(const json& a, activity& act)
{
    const auto it = a.find("subject_rich");
    if (it == a.end() || !it->is_array() || it->size() != 2) return;
    if ((*it)[0].is_string()) act.subject_template = (*it)[0].get<std::string>();
    const auto& parameters = (*it)[1];
    if (!parameters.is_object()) return;
    for (const auto& [name, p] : parameters.items()) {
        if (!p.is_object()) continue;
        const auto type = text(p, "type");
        if (numbered(name, "file") && type == "file") {
            if (auto file = integer(p.value("id", json()))) act.rich_files.push_back(*file);
        } else if (numbered(name, "actor") && type == "user") {
            if (auto user = text(p, "id"); !user.empty()) act.rich_actors.push_back(std::move(user));
        }
    }
}

}  // namespace

boost::system::result<std::vector<activity>> parse_activities(const json& data)
{
    if (!data.is_array()) return make_error_code(error::unexpected_data);
    std::vector<activity> out;
    for (const auto& a : data) {
        if (!a.is_object()) return make_error_code(error::unexpected_data);
        auto id = integer(a.value("activity_id", json()));
        if (!id) return make_error_code(error::unexpected_data);
        activity act;
        act.id = *id;
        read_texts(a, act, activity_texts);
        act.object_id = integer(a.value("object_id", json())).value_or(0);
        // "objects" is {"14": "/path"}, or [] when empty (PHP's empty array).
        if (auto it = a.find("objects"); it != a.end() && it->is_object())
            for (const auto& [key, value] : it->items())
                if (auto file = integer(json(key)))
                    act.objects[*file] = value.is_string() ? value.get<std::string>() : "";
        act.datetime = http::parse_iso8601_timestamp(text(a, "datetime"));
        read_rich_subject(a, act);
        out.push_back(std::move(act));
    }
    return out;
}

}  // namespace prereadd::ocs
