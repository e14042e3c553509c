// The readers' languages (i18n/language.hpp): plural forms, lists, dates and
// times in each locale, the fallback chain, and the catalogues themselves
// (complete, every placeholder kept, no mention or markup brought in).
#include "i18n/language.hpp"
#include "tests/support/source_tree.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace prereadd::i18n {
namespace {

using namespace std::chrono_literals;

const language& in(const char* code)
{
    const auto* l = language::find(code);
    EXPECT_NE(l, nullptr) << code;
    return l ? *l : language::english();
}

std::string days(const language& l, long long n)
{
    return filled(translated_n(l, "{n} day", "{n} days", n), {{"n", l.number(n)}});
}

TEST(language, plural_forms_at_0_1_2_5_21_22)
{
    const std::map<std::string, std::vector<std::string>> expected = {
        {"en", {"0 days", "1 day", "2 days", "5 days", "21 days", "22 days"}},
        {"de", {"0 Tagen", "1 Tag", "2 Tagen", "5 Tagen", "21 Tagen", "22 Tagen"}},  // after "in": dative
        {"fr", {"0 jour", "1 jour", "2 jours", "5 jours", "21 jours", "22 jours"}},  // 0 is singular in French
        {"es", {"0 días", "1 día", "2 días", "5 días", "21 días", "22 días"}},
        {"pt", {"0 dias", "1 dia", "2 dias", "5 dias", "21 dias", "22 dias"}},
    };
    for (const auto& [code, forms] : expected) {
        const auto& l = in(code.c_str());
        const long long counts[] = {0, 1, 2, 5, 21, 22};
        for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(days(l, counts[i]), forms[i]) << code << " " << counts[i];
    }
}

TEST(language, lists_are_joined_as_each_language_joins_them)
{
    const std::vector<std::string> three = {"alice", "bob", "carol"};
    EXPECT_EQ(in("en").and_list(three), "alice, bob and carol");
    EXPECT_EQ(in("de").and_list(three), "alice, bob und carol");
    EXPECT_EQ(in("fr").and_list(three), "alice, bob et carol");
    EXPECT_EQ(in("es").and_list(three), "alice, bob y carol");
    EXPECT_EQ(in("pt").and_list(three), "alice, bob e carol");
    EXPECT_EQ(in("de").and_list({"alice", "bob"}), "alice und bob");
    EXPECT_EQ(in("fr").and_list({"alice"}), "alice");
    EXPECT_EQ(in("fr").and_list({}), "");
}

TEST(language, dates_and_times_in_each_locale_around_a_dst_change)
{
    // Sunday, 25 October 2026, 02:30 local: Europe's summer time ends that night.
    const auto day = date::local_days{date::year{2026} / 10 / 25};
    const auto half_past_two = day + 2h + 30min;
    const struct {
        const char* code;
        const char* locale;
        const char* full;
        const char* clock;
    } cases[] = {
        {"en", "", "Sunday, 25 October 2026", "02:30"},
        {"en", "en_US", "Sunday, October 25, 2026", "2:30\u202fAM"},
        {"de", "", "Sonntag, 25. Oktober 2026", "02:30"},
        {"fr", "", "dimanche 25 octobre 2026", "02:30"},
        {"es", "", "domingo, 25 de octubre de 2026", "2:30"},
        {"pt", "", "domingo, 25 de outubro de 2026", "02:30"},
        {"pt_BR", "", "domingo, 25 de outubro de 2026", "02:30"},
    };
    for (const auto& c : cases) {
        const auto* l = language::find(c.code, c.locale);
        ASSERT_NE(l, nullptr) << c.code;
        EXPECT_EQ(l->full_date(day), c.full) << c.code << " " << c.locale;
        EXPECT_EQ(l->clock(half_past_two), c.clock) << c.code << " " << c.locale;
    }
    // The hour that comes twice is formatted as the local time it is: the zone's rules are date::tz's.
    EXPECT_EQ(in("de").clock(day + 2h + 59min), "02:59");
}

TEST(language, tags_as_nextcloud_and_moodle_give_them_and_the_fallback)
{
    EXPECT_EQ(language::find("de")->code(), "de");
    EXPECT_EQ(language::find("de")->locale(), "de_DE");
    EXPECT_EQ(language::find("de", "de_CH")->locale(), "de_CH") << "the locale's region";
    EXPECT_EQ(language::find("pt_BR")->code(), "pt");
    EXPECT_EQ(language::find("pt_BR")->locale(), "pt_BR");
    EXPECT_EQ(language::find("es_mx")->locale(), "es_MX") << "Moodle writes regions in lower case";
    EXPECT_EQ(language::find("fr-CA")->locale(), "fr_CA");
    EXPECT_EQ(language::find("EN")->code(), "en");
    EXPECT_EQ(language::find("en", "")->locale(), "en_GB");
    EXPECT_EQ(language::find("xx"), nullptr) << "no catalogue: the caller falls back";
    EXPECT_EQ(language::find(""), nullptr);
    EXPECT_EQ(language::find("de"), language::find("de_DE")) << "made once";
    EXPECT_EQ(language::english().code(), "en");
}

TEST(language, placeholders_are_filled_once_and_values_are_never_read_as_placeholders)
{
    EXPECT_EQ(filled("{a} and {b}", {{"a", "{b}"}, {"b", "x"}}), "{b} and x");
    EXPECT_EQ(filled("{unknown} {a", {{"a", "1"}}), "{unknown} {a");
    EXPECT_EQ(filled("no placeholders", {}), "no placeholders");
}

// A catalogue's entries: msgid (or "msgid\0msgid_plural") -> its forms.
std::map<std::string, std::vector<std::string>> entries_of(const std::string& file)
{
    std::ifstream in(file);
    EXPECT_TRUE(in) << file;
    std::map<std::string, std::vector<std::string>> out;
    std::string line, id, plural, *last = nullptr;
    std::vector<std::string> forms;
    auto unquote = [](const std::string& s) {
        std::string text;
        const auto first = s.find('"');
        for (std::size_t i = first + 1; i + 1 < s.size(); ++i) {
            if (s[i] == '\\' && i + 2 < s.size()) {
                const char c = s[++i];
                text += c == 'n' ? '\n' : c;
            } else {
                text += s[i];
            }
        }
        return text;
    };
    auto flush = [&] {
        if (!id.empty()) out[plural.empty() ? id : id + '\0' + plural] = forms;
        id.clear();
        plural.clear();
        forms.clear();
        last = nullptr;
    };
    while (std::getline(in, line)) {
        if (line.rfind("msgid_plural ", 0) == 0) {
            plural = unquote(line);
            last = &plural;
        } else if (line.rfind("msgid ", 0) == 0) {
            flush();
            id = unquote(line);
            last = &id;
        } else if (line.rfind("msgstr", 0) == 0) {
            forms.push_back(unquote(line));
            last = &forms.back();
        } else if (!line.empty() && line[0] == '"' && last) {
            *last += unquote(line);
        }
    }
    flush();
    return out;
}

std::set<std::string> placeholders_of(const std::string& text)
{
    std::set<std::string> out;
    static const std::regex placeholder(R"(\{[a-z_]+\})");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), placeholder); it != std::sregex_iterator(); ++it)
        out.insert(it->str());
    return out;
}

std::vector<std::string> catalogued()
{
    std::vector<std::string> out;
    for (const auto& code : language::codes())
        if (code != "en") out.push_back(code);
    return out;
}

TEST(catalogues, every_catalogue_has_every_sentence_with_its_placeholders_and_nothing_more)
{
    const auto template_entries = entries_of(test::source_path("po/prereadd.pot"));
    ASSERT_GT(template_entries.size(), 50u);
    ASSERT_EQ(catalogued(), (std::vector<std::string>{"de", "fr", "es", "pt"}));
    for (const auto& code : catalogued()) {
        const auto entries = entries_of(test::source_path("po/" + code + ".po"));
        for (const auto& [key, unused] : template_entries) {
            if (key.empty()) continue;  // the header
            auto it = entries.find(key);
            ASSERT_NE(it, entries.end()) << code << " lacks: " << key;
            const bool is_plural = key.find('\0') != std::string::npos;
            const auto english = placeholders_of(key.substr(0, key.find('\0')));
            for (std::size_t form = 0; form < it->second.size(); ++form) {
                const auto& text = it->second[form];
                EXPECT_FALSE(text.empty()) << code << " untranslated: " << key;
                auto wanted = english;
                // A singular form may leave the count out ("das Dokument" for "the 1 pre-read").
                if (is_plural && form + 1 < it->second.size()) wanted.erase("{n}");
                auto have = placeholders_of(text);
                if (is_plural && form + 1 < it->second.size()) have.erase("{n}");
                EXPECT_EQ(have, wanted) << code << ": " << text;
                // A catalogue brings words only: no mention, no link, no markup of its own.
                for (const char* forbidden : {"@", "http", "**", "<", ">", "[", "]("}) {
                    if (key.find(forbidden) == std::string::npos) {
                        EXPECT_EQ(text.find(forbidden), std::string::npos)
                            << code << " brings " << forbidden << ": " << text;
                    }
                }
                // Talk shows a line of a message unfolded up to about 400 characters.
                EXPECT_LE(text.size(), 400u) << code << ": " << text;
            }
        }
    }
}

TEST(catalogues, no_entry_is_fuzzy)
{
    // msgfmt leaves a fuzzy entry out of the compiled catalogue: its readers would get English.
    for (const auto& code : catalogued()) {
        std::ifstream in(test::source_path("po/" + code + ".po"));
        std::string line;
        std::size_t number = 0;
        while (std::getline(in, line)) {
            ++number;
            EXPECT_FALSE(line.rfind("#,", 0) == 0 && line.find("fuzzy") != std::string::npos)
                << "po/" << code << ".po:" << number << " is fuzzy: review it and drop the flag";
        }
    }
}

TEST(catalogues, each_sentence_is_read_from_the_built_in_catalogue)
{
    EXPECT_EQ(translated(in("de"), "Still to read:"), "Noch zu lesen:");
    EXPECT_EQ(translated(in("fr"), "Still to read:"), "Reste à lire :");
    EXPECT_EQ(translated(in("es"), "Still to read:"), "Falta por leer:");
    EXPECT_EQ(translated(in("pt"), "Still to read:"), "Ainda por ler:");
    EXPECT_EQ(translated(in("en"), "Still to read:"), "Still to read:");
    EXPECT_EQ(translated(in("de"), "a sentence no catalogue has"), "a sentence no catalogue has");
}

}  // namespace
}  // namespace prereadd::i18n
