// Text from elsewhere — file and folder names, session and event titles,
// user ids and display names, server messages — as it may appear in what
// prereadd writes: one function per destination, each keeping the text literal
// there. Anyone who can name a file in a project folder or title a calendar
// event controls that text, so it must never mention anyone, link anywhere,
// format anything or break a line.
#pragma once

#include <string>
#include <string_view>

namespace prereadd::reminding {

// For a Talk message (Talk renders Markdown and parses mentions anywhere in
// the text, captures 15m-15q): one line; a zero-width space after every '@'
// (15o: no mention, not even @all); Markdown that could make emphasis, code,
// links, images or HTML escaped with a backslash; "://" and "www." broken by a
// zero-width space so nothing becomes a link; control and bidirectional
// override characters dropped.
std::string talk_text(std::string_view untrusted);

// For a Deck card description (Markdown, with mentions): the same rules.
std::string deck_text(std::string_view untrusted);

// For a Deck card title (plain text): one line, no control characters.
std::string plain_line(std::string_view untrusted);

// For a Moodle message (HTML, textformat 1): one line, HTML escaped, and
// "://" and "www." broken by a zero-width space so Moodle's URL filter makes
// no link of it (10a: a bare URL in a message is auto-linked).
std::string html_text(std::string_view untrusted);

// For an HTML attribute value from a trusted source (a module's view page as
// Moodle gave it): escaped, control characters made spaces, never broken.
std::string html_attribute(std::string_view value);

// For a log line or a terminal: every control byte written as \xNN, so a
// name cannot forge a log record or move the cursor. UTF-8 text stays as is.
std::string log_text(std::string_view untrusted);

}  // namespace prereadd::reminding
