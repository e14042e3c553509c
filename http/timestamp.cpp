// Strict timestamp parsers (see timestamp.hpp).
#include "http/timestamp.hpp"

#include <array>
#include <charconv>

namespace prereadd::http {
namespace {

// `n` digits at `at`, nothing else.
std::optional<int> digits(std::string_view s, std::size_t at, std::size_t n)
{
    if (at + n > s.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        value = value * 10 + (s[i] - '0');
    }
    return value;
}

std::optional<unsigned> month_of(std::string_view name)
{
    static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (unsigned i = 0; i < months.size(); ++i)
        if (name == months[i]) return i + 1;
    return std::nullopt;
}

bool weekday_name(std::string_view name, bool full)
{
    static constexpr std::array<std::string_view, 7> days{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                          "Friday", "Saturday", "Sunday"};
    for (auto d : days)
        if (full ? name == d : name == d.substr(0, 3)) return true;
    return false;
}

std::optional<date::sys_seconds> make(int year, unsigned month, int day, int hour, int minute, int second)
{
    const date::year_month_day ymd{date::year{year}, date::month{month}, date::day{static_cast<unsigned>(day)}};
    // 60: a leap second as RFC 9110 allows; it is taken as the next second.
    if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    return date::sys_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{minute} + std::chrono::seconds{second};
}

// "HH:MM:SS" at `at`.
bool time_of_day(std::string_view s, std::size_t at, int& h, int& m, int& sec)
{
    auto hh = digits(s, at, 2), mm = digits(s, at + 3, 2), ss = digits(s, at + 6, 2);
    if (!hh || !mm || !ss || s.size() < at + 8 || s[at + 2] != ':' || s[at + 5] != ':') return false;
    h = *hh, m = *mm, sec = *ss;
    return true;
}

}  // namespace

std::optional<date::sys_seconds> parse_http_date(std::string_view s)
{
    int h = 0, m = 0, sec = 0;
    // IMF-fixdate: "Wed, 25 Nov 2026 12:43:42 GMT"
    if (s.size() == 29 && s[3] == ',' && weekday_name(s.substr(0, 3), false) && s[4] == ' ' && s[7] == ' ' &&
        s[11] == ' ' && s[16] == ' ' && s.substr(25) == " GMT") {
        auto day = digits(s, 5, 2), year = digits(s, 12, 4);
        auto month = month_of(s.substr(8, 3));
        if (day && year && month && time_of_day(s, 17, h, m, sec)) return make(*year, *month, *day, h, m, sec);
        return std::nullopt;
    }
    // asctime: "Wed Nov 25 12:43:42 2026" (the day may be space-padded)
    if (s.size() == 24 && s[3] == ' ' && weekday_name(s.substr(0, 3), false) && s[7] == ' ' && s[10] == ' ' &&
        s[19] == ' ') {
        auto month = month_of(s.substr(4, 3));
        auto day = s[8] == ' ' ? digits(s, 9, 1) : digits(s, 8, 2);
        auto year = digits(s, 20, 4);
        if (day && year && month && time_of_day(s, 11, h, m, sec)) return make(*year, *month, *day, h, m, sec);
        return std::nullopt;
    }
    // RFC 850: "Wednesday, 25-Nov-26 12:43:42 GMT"; a two-digit year within 50 years of 2000 (RFC 9110 says
    // to take the most recent past year with those digits, which a server's clock never contradicts here).
    if (const auto comma = s.find(", "); comma != std::string_view::npos && weekday_name(s.substr(0, comma), true)) {
        const auto rest = s.substr(comma + 2);
        if (rest.size() != 22 || rest[2] != '-' || rest[6] != '-' || rest[9] != ' ' || rest.substr(18) != " GMT")
            return std::nullopt;
        auto day = digits(rest, 0, 2), yy = digits(rest, 7, 2);
        auto month = month_of(rest.substr(3, 3));
        if (day && yy && month && time_of_day(rest, 10, h, m, sec))
            return make(*yy < 50 ? 2000 + *yy : 1900 + *yy, *month, *day, h, m, sec);
    }
    return std::nullopt;
}

std::optional<date::sys_seconds> parse_iso8601_timestamp(std::string_view s)
{
    // "YYYY-MM-DDTHH:MM:SS" then [.fraction] then Z | +HH:MM | +HHMM
    auto year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
    int h = 0, m = 0, sec = 0;
    if (!year || !month || !day || s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        !time_of_day(s, 11, h, m, sec))
        return std::nullopt;
    std::size_t at = 19;
    if (at < s.size() && s[at] == '.') {
        ++at;
        const std::size_t from = at;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
        if (at == from) return std::nullopt;
    }
    std::chrono::minutes offset{0};
    const auto zone = s.substr(at);
    if (zone == "Z" || zone == "z") {
    } else if ((zone.size() == 6 && zone[3] == ':') || zone.size() == 5) {
        if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
        auto oh = digits(zone, 1, 2), om = digits(zone, zone.size() == 6 ? 4 : 3, 2);
        if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
        offset = std::chrono::hours{*oh} + std::chrono::minutes{*om};
        if (zone[0] == '-') offset = -offset;
    } else {
        return std::nullopt;
    }
    auto t = make(*year, static_cast<unsigned>(*month), *day, h, m, sec);
    if (!t) return std::nullopt;
    return *t - offset;
}

}  // namespace prereadd::http
