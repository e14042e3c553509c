// A reader's language: the catalogue their sentences come from (GNU gettext
// catalogues in po/, compiled by msgfmt and built into the program, read with
// Boost.Locale) and the conventions of their locale for dates, times, numbers
// and lists (ICU). docs/languages.md says which languages there are, how one
// is chosen for each reader and how a translator adds one.
//
// The English sentence is the key: a sentence is written in the code as
// translated(l, "Still to read:"), which xgettext finds (po/CMakeLists.txt),
// and a comment "// TRANSLATORS: ..." just above it reaches the translator.
// Placeholders are named, "{title}", and filled after translation with text
// that is already quoted for its channel (reminding/literal.hpp): a catalogue
// adds words, never a mention, a link or markup of a reader's.
#pragma once

#include <date/date.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prereadd::i18n {

class language {
public:
    // The languages with a catalogue ("en" is the sentences' own), by code.
    static const std::vector<std::string>& codes();

    // The language a tag names and the conventions of a locale: a Nextcloud
    // language ("de", "pt_BR", "en") or Moodle's ("de", "pt_br", "es_mx"),
    // a BCP 47 tag ("fr-CH"); `locale` ("de_CH", "en_US"), where known, sets
    // the region's conventions (12 or 24 hours). Nothing when the language has
    // no catalogue (the caller falls back: docs/languages.md).
    static const language* find(std::string_view tag, std::string_view locale = {});
    // English with British conventions (24 hours, day before month): the last fallback.
    static const language& english();

    const std::string& code() const { return code_; }      // "de"
    const std::string& locale() const { return locale_; }  // "de_DE": the conventions used

    // The sentence in this language (the English one where the catalogue has none).
    std::string text(const char* english) const;
    // The form for `n` (plural forms as the language has them: one, few, many...).
    std::string text_n(const char* singular, const char* plural, long long n) const;

    // "Mittwoch, 2. Dezember 2026"; without the year "Mittwoch, 2. Dezember".
    std::string full_date(date::local_days day) const;
    std::string day_and_month(date::local_days day) const;
    // "2 Dec 2026", "2. Dez. 2026": short, for titles.
    std::string short_date(date::local_days day) const;
    // "14:30", "2:30 PM": the hour cycle of the locale.
    std::string clock(date::local_seconds t) const;
    // "alice, bob und carol": the items as the language joins a list with "and".
    std::string and_list(const std::vector<std::string>& items) const;
    std::string number(long long n) const;

    ~language();
    language(const language&) = delete;
    language& operator=(const language&) = delete;

private:
    struct formats;
    language(std::string code, std::string locale);
    std::string code_;
    std::string locale_;
    std::unique_ptr<formats> formats_;
};

// The keywords xgettext extracts (po/CMakeLists.txt): the English sentence is
// the second argument; a plural's forms the second and third.
inline std::string translated(const language& l, const char* english) { return l.text(english); }
inline std::string translated_n(const language& l, const char* singular, const char* plural, long long n)
{
    return l.text_n(singular, plural, n);
}

// `pattern` with each "{name}" replaced by its value; values are inserted as
// they are (quoted for their channel by the caller), and a name the pattern
// does not have is no error.
std::string filled(std::string_view pattern,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> values);

}  // namespace prereadd::i18n
