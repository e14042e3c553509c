// Keeping untrusted text literal per destination (see literal.hpp). Decided
// on code points, so a multi-byte character is never split; invalid UTF-8
// becomes U+FFFD.
#include "reminding/literal.hpp"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace prereadd::reminding {
namespace {

constexpr std::string_view zero_width_space = "\u200b";
constexpr std::string_view replacement = "\ufffd";

struct code_point {
    char32_t value = 0;
    std::string_view bytes;  // as it was in the input (or the replacement character)
};

// Reads one code point at `at`; an invalid or truncated sequence is one U+FFFD for its first byte.
code_point next_code_point(std::string_view text, std::size_t& at)
{
    const auto b0 = static_cast<unsigned char>(text[at]);
    std::size_t length = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xe ? 3 : (b0 >> 3) == 0x1e ? 4 : 0;
    char32_t value = length == 1 ? b0 : length == 2 ? (b0 & 0x1f) : length == 3 ? (b0 & 0x0f) : (b0 & 0x07);
    bool valid = length != 0 && at + length <= text.size();
    for (std::size_t i = 1; valid && i < length; ++i) {
        const auto b = static_cast<unsigned char>(text[at + i]);
        valid = (b & 0xc0) == 0x80;
        value = (value << 6) | (b & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not characters either.
    if (valid && ((length == 2 && value < 0x80) || (length == 3 && value < 0x800) || (length == 4 && value < 0x10000) ||
                  (value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff))
        valid = false;
    if (!valid) {
        ++at;
        return {0xfffd, replacement};
    }
    code_point cp{value, text.substr(at, length)};
    at += length;
    return cp;
}

bool is_line_break(char32_t c) { return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85; }

bool is_dropped(char32_t c)
{
    // C0 and C1 controls, and the bidirectional embeddings, overrides and
    // isolates that would show a name in another order than it has.
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

bool is_word(char32_t c) { return c < 0x80 && (std::isalnum(static_cast<int>(c)) != 0); }

bool starts_with_ci(std::string_view text, std::size_t at, std::string_view what)
{
    if (at + what.size() > text.size()) return false;
    for (std::size_t i = 0; i < what.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[at + i])) != what[i]) return false;
    return true;
}

// One line of Markdown that shows exactly `untrusted` and does nothing else.
std::string markdown_literal(std::string_view untrusted)
{
    std::string out;
    out.reserve(untrusted.size() + 8);
    char32_t previous = ' ';
    for (std::size_t at = 0; at < untrusted.size();) {
        const std::size_t here = at;
        const code_point cp = next_code_point(untrusted, at);
        const char32_t c = cp.value;
        if (is_line_break(c) || c == '\t') {
            out += ' ';
            previous = ' ';
            continue;
        }
        if (is_dropped(c)) continue;
        switch (c) {
        case '\\':
        case '`':
        case '*':
        case '~':
        case '[':
        case ']':
        case '<':
        case '>':
        case '&':
        case '|':
            // Emphasis, code, strike-through, links and images, HTML and entities, table cells.
            out += '\\';
            out += static_cast<char>(c);
            break;
        case '_': {
            // Inside a word an underscore is no emphasis (CommonMark); only at a word's edge it is escaped.
            std::size_t peek = at;
            const char32_t following = at < untrusted.size() ? next_code_point(untrusted, peek).value : ' ';
            if (is_word(previous) && is_word(following))
                out += '_';
            else
                out += "\\_";
            break;
        }
        case '@':
            // Talk's mention pattern needs a user id, "all" or a quote right after the '@' (15o).
            out += '@';
            out += zero_width_space;
            break;
        case '{':
            // Talk's rich-text placeholders ({mention-user1}) would be filled with the real ones.
            out += '{';
            out += zero_width_space;
            break;
        case ':':
            out += ':';
            if (untrusted.substr(at, 2) == "//") out += zero_width_space;  // "https://": not a link
            break;
        default:
            if ((c == 'w' || c == 'W') && !is_word(previous) && starts_with_ci(untrusted, here, "www.")) {
                out += untrusted.substr(here, 3);
                out += zero_width_space;
                out += '.';
                at = here + 4;
                previous = '.';
                continue;
            }
            out += cp.bytes;
        }
        previous = c;
    }
    return out;
}

}  // namespace

std::string talk_text(std::string_view untrusted) { return markdown_literal(untrusted); }

std::string deck_text(std::string_view untrusted) { return markdown_literal(untrusted); }

std::string plain_line(std::string_view untrusted)
{
    std::string out;
    for (std::size_t at = 0; at < untrusted.size();) {
        const code_point cp = next_code_point(untrusted, at);
        if (is_line_break(cp.value) || cp.value == '\t')
            out += ' ';
        else if (!is_dropped(cp.value))
            out += cp.bytes;
    }
    return out;
}

std::string html_attribute(std::string_view value)
{
    std::string out;
    for (char c : value) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
        }
    }
    return out;
}

std::string html_text(std::string_view untrusted)
{
    const std::string line = plain_line(untrusted);
    std::string broken;  // "://" and "www." with a zero-width space inside
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line.compare(i, 4, "www.") == 0) {
            broken += "www\u200B.";
            i += 3;
            continue;
        }
        broken += line[i];
        if (line.compare(i, 3, "://") == 0) broken += "\u200B";
    }
    return html_attribute(broken);
}

std::string log_text(std::string_view untrusted)
{
    std::string out;
    out.reserve(untrusted.size());
    for (char ch : untrusted) {
        const auto b = static_cast<unsigned char>(ch);
        if (b < 0x20 || b == 0x7f) {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", b);
            out += escaped;
        } else {
            out += ch;
        }
    }
    return out;
}

}  // namespace prereadd::reminding
