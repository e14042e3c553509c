// A reader's language (see language.hpp): Boost.Locale's gettext facet over
// the catalogues built into the program, ICU's formats for the locale.
#include "i18n/language.hpp"

#include "i18n/catalogues.hpp"

#include <boost/locale/generator.hpp>
#include <boost/locale/gnu_gettext.hpp>
#include <boost/locale/message.hpp>
#include <unicode/dtptngen.h>
#include <unicode/listformatter.h>
#include <unicode/numfmt.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <stdexcept>

namespace prereadd::i18n {
namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string upper(std::string_view s)
{
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// "pt_BR", "pt-br", "es_mx", "de" -> ("pt", "BR"), ("de", ""): the language and a two-letter region.
std::pair<std::string, std::string> split_tag(std::string_view tag)
{
    const auto cut = tag.find_first_of("_-");
    std::string language = lower(tag.substr(0, cut));
    std::string region;
    if (cut != std::string_view::npos) {
        auto rest = tag.substr(cut + 1);
        rest = rest.substr(0, rest.find_first_of("_-.@"));
        if (rest.size() == 2 &&
            std::all_of(rest.begin(), rest.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
            region = upper(rest);
    }
    return {language, region};
}

// Where a reader's locale names no region: the region whose conventions the
// language is written with most where prereadd is used (docs/languages.md).
std::string default_region(const std::string& language)
{
    static const std::map<std::string, std::string> regions = {
        {"en", "GB"}, {"de", "DE"}, {"fr", "FR"}, {"es", "ES"}, {"pt", "PT"}};
    auto it = regions.find(language);
    return it == regions.end() ? std::string() : it->second;
}

std::string utf8(const icu::UnicodeString& s)
{
    std::string out;
    s.toUTF8String(out);
    return out;
}

UDate as_udate(date::local_seconds t)
{
    // Local times from date::tz (the system's zone database), formatted by ICU as UTC: one zone database.
    return static_cast<UDate>(t.time_since_epoch().count()) * 1000.0;
}

}  // namespace

// ICU's formatters for one locale; ICU's formatters are not safe to share
// between threads, hence the lock.
struct language::formats {
    std::mutex lock;
    std::unique_ptr<icu::SimpleDateFormat> full_date;
    std::unique_ptr<icu::SimpleDateFormat> day_and_month;
    std::unique_ptr<icu::SimpleDateFormat> short_date;
    std::unique_ptr<icu::SimpleDateFormat> clock;
    std::unique_ptr<icu::ListFormatter> and_list;
    std::unique_ptr<icu::NumberFormat> number;
    std::locale messages;  // Boost.Locale's, with the catalogue's facet

    std::string formatted(const icu::SimpleDateFormat& format, UDate at)
    {
        std::lock_guard guard(lock);
        icu::UnicodeString out;
        format.format(at, out);
        return utf8(out);
    }
};

namespace {

std::unique_ptr<icu::SimpleDateFormat> date_format(const icu::Locale& where, icu::DateTimePatternGenerator& patterns,
                                                   const char* skeleton)
{
    UErrorCode status = U_ZERO_ERROR;
    const auto pattern = patterns.getBestPattern(icu::UnicodeString(skeleton), status);
    auto out = std::make_unique<icu::SimpleDateFormat>(pattern, where, status);
    if (U_FAILURE(status))
        throw std::runtime_error(std::string("ICU date format ") + skeleton + ": " + u_errorName(status));
    out->setTimeZone(*icu::TimeZone::getGMT());
    return out;
}

std::vector<char> catalogue_file(const std::string& file_name)
{
    // Boost.Locale asks for "<path>/<language>/LC_MESSAGES/prereadd.mo".
    for (const auto& c : compiled_catalogues())
        if (file_name == "built-in/" + std::string(c.code) + "/LC_MESSAGES/prereadd.mo")
            return std::vector<char>(c.mo.begin(), c.mo.end());
    return {};
}

std::locale messages_locale(const std::string& code, const std::string& locale)
{
    boost::locale::generator generate;
    generate.categories(boost::locale::category_t::information);  // the messages are the facet below
    std::locale base = generate(locale + ".UTF-8");
    boost::locale::gnu_gettext::messages_info info;
    info.language = code;
    info.encoding = "UTF-8";
    info.domains.emplace_back("prereadd");
    info.paths.emplace_back("built-in");
    info.callback = [](const std::string& file_name, const std::string&) { return catalogue_file(file_name); };
    return std::locale(base, boost::locale::gnu_gettext::create_messages_facet<char>(info));
}

}  // namespace

language::language(std::string code, std::string locale)
    : code_(std::move(code)), locale_(std::move(locale)), formats_(std::make_unique<formats>())
{
    const icu::Locale where(locale_.c_str());
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::DateTimePatternGenerator> patterns(
        icu::DateTimePatternGenerator::createInstance(where, status));
    if (U_FAILURE(status)) throw std::runtime_error("ICU patterns for " + locale_ + ": " + u_errorName(status));
    formats_->full_date = date_format(where, *patterns, "yMMMMEEEEd");
    formats_->day_and_month = date_format(where, *patterns, "MMMMEEEEd");
    formats_->short_date = date_format(where, *patterns, "yMMMd");
    formats_->clock = date_format(where, *patterns, "jmm");
    formats_->and_list.reset(icu::ListFormatter::createInstance(where, status));
    formats_->number.reset(icu::NumberFormat::createInstance(where, status));
    if (U_FAILURE(status)) throw std::runtime_error("ICU formats for " + locale_ + ": " + u_errorName(status));
    formats_->messages = messages_locale(code_, locale_);
}

language::~language() = default;

const std::vector<std::string>& language::codes()
{
    static const std::vector<std::string> all = [] {
        std::vector<std::string> out{"en"};
        for (const auto& c : compiled_catalogues()) out.emplace_back(c.code);
        return out;
    }();
    return all;
}

const language* language::find(std::string_view tag, std::string_view locale)
{
    auto [code, region] = split_tag(tag);
    if (std::find(codes().begin(), codes().end(), code) == codes().end()) return nullptr;
    if (auto [locale_language, locale_region] = split_tag(locale); !locale_region.empty()) region = locale_region;
    if (region.empty()) region = default_region(code);
    const std::string conventions = region.empty() ? code : code + "_" + region;

    static std::mutex lock;
    static std::map<std::string, std::unique_ptr<language>> made;
    std::lock_guard guard(lock);
    auto& slot = made[conventions];
    if (!slot) slot.reset(new language(code, conventions));
    return slot.get();
}

const language& language::english() { return *find("en"); }

std::string language::text(const char* english) const
{
    return boost::locale::translate(english).str(formats_->messages);
}

std::string language::text_n(const char* singular, const char* plural, long long n) const
{
    return boost::locale::translate(singular, plural, n).str(formats_->messages);
}

std::string language::full_date(date::local_days day) const
{
    return formats_->formatted(*formats_->full_date, as_udate(day));
}

std::string language::day_and_month(date::local_days day) const
{
    return formats_->formatted(*formats_->day_and_month, as_udate(day));
}

std::string language::short_date(date::local_days day) const
{
    return formats_->formatted(*formats_->short_date, as_udate(day));
}

std::string language::clock(date::local_seconds t) const { return formats_->formatted(*formats_->clock, as_udate(t)); }

std::string language::and_list(const std::vector<std::string>& items) const
{
    if (items.empty()) return {};
    std::vector<icu::UnicodeString> unicode;
    for (const auto& i : items) unicode.push_back(icu::UnicodeString::fromUTF8(i));
    std::lock_guard guard(formats_->lock);
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString out;
    formats_->and_list->format(unicode.data(), static_cast<int32_t>(unicode.size()), out, status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU list format: ") + u_errorName(status));
    return utf8(out);
}

std::string language::number(long long n) const
{
    std::lock_guard guard(formats_->lock);
    icu::UnicodeString out;
    formats_->number->format(static_cast<int64_t>(n), out);
    return utf8(out);
}

std::string filled(std::string_view pattern,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> values)
{
    std::string out;
    out.reserve(pattern.size() + 64);
    for (std::size_t at = 0; at < pattern.size();) {
        const auto open = pattern.find('{', at);
        if (open == std::string_view::npos) {
            out.append(pattern, at);
            break;
        }
        out.append(pattern, at, open - at);
        const auto close = pattern.find('}', open);
        const auto name =
            close == std::string_view::npos ? std::string_view() : pattern.substr(open + 1, close - open - 1);
        const auto value = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
        if (value == values.end()) {
            out += '{';
            at = open + 1;
            continue;
        }
        out.append(value->second);
        at = close + 1;
    }
    return out;
}

}  // namespace prereadd::i18n
