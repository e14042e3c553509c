// Text from elsewhere kept literal per destination (reminding/literal.hpp): the
// hostile names of the captures 15m-15q and of the hostile-input suite.
#include "reminding/literal.hpp"

#include <gtest/gtest.h>

namespace prereadd::reminding {
namespace {

TEST(literal, no_mention_survives_in_talk_or_deck)
{
    // 15m: " @all " became a call mention; 15n: @"carol" a mention; 15p: backticks do not help.
    EXPECT_EQ(talk_text("file read @all now.md"), "file read @\u200ball now.md");
    EXPECT_EQ(talk_text("x @\"carol\" y.md"), "x @\u200b\"carol\" y.md");
    EXPECT_EQ(talk_text("`x @carol y.md`"), "\\`x @\u200bcarol y.md\\`");
    EXPECT_EQ(deck_text("@all"), "@\u200ball");
    EXPECT_EQ(talk_text("anne@example.org"), "anne@\u200bexample.org");
}

TEST(literal, no_markdown_turns_a_name_into_a_link_emphasis_or_code)
{
    EXPECT_EQ(talk_text("[x](http://evil.example/)"), "\\[x\\](http:\u200b//evil.example/)");
    EXPECT_EQ(talk_text("![img](x.png)"), "!\\[img\\](x.png)");
    EXPECT_EQ(talk_text("**x**"), "\\*\\*x\\*\\*");
    EXPECT_EQ(talk_text("~~gone~~"), "\\~\\~gone\\~\\~");
    EXPECT_EQ(talk_text("<b>x</b> &amp;"), "\\<b\\>x\\</b\\> \\&amp;");
    EXPECT_EQ(talk_text("see https://x.example and www.x.example"),
              "see https:\u200b//x.example and www\u200b.x.example");
    EXPECT_EQ(talk_text("{mention-user1}"), "{\u200bmention-user1}");
    // An underscore inside a word is no emphasis and stays as it is; at a word's edge it is escaped.
    EXPECT_EQ(talk_text("notes_v1_final.md"), "notes_v1_final.md");
    EXPECT_EQ(talk_text("_draft_.md"), "\\_draft\\_.md");
    // Ordinary names are untouched.
    EXPECT_EQ(talk_text("Budget 2027 (draft) - v2.ods"), "Budget 2027 (draft) - v2.ods");
    EXPECT_EQ(talk_text("na\u00efve caf\u00e9 \u65e5\u672c.md"), "na\u00efve caf\u00e9 \u65e5\u672c.md");
}

TEST(literal, one_line_without_control_or_direction_override_characters)
{
    EXPECT_EQ(talk_text("a\nb\r\nc\td"), "a b  c d");
    EXPECT_EQ(talk_text("invoice \u202egpj.exe"), "invoice gpj.exe");
    EXPECT_EQ(talk_text(std::string("a\x01\x7f"
                                    "b")),
              "ab");
    EXPECT_EQ(talk_text("bad \xff\xfe utf-8"), "bad \ufffd\ufffd utf-8");
    EXPECT_EQ(plain_line("title\nwith @all and **x**"), "title with @all and **x**");
    EXPECT_EQ(log_text("a\x1b[31mred\nline"), "a\\x1b[31mred\\x0aline");
}

}  // namespace
}  // namespace prereadd::reminding
