#include <gtest/gtest.h>

#include "core/text.hpp"

using namespace kefu;

namespace {
std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}
} // namespace

TEST(Text, ValidatesUtf8) {
    EXPECT_TRUE(isValidUtf8(""));
    EXPECT_TRUE(isValidUtf8("hello 你好 😀"));
    EXPECT_FALSE(isValidUtf8("\xC0\xAF"));         // overlong '/'
    EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));     // surrogate U+D800
    EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80")); // above U+10FFFF
    EXPECT_FALSE(isValidUtf8("abc\xE4\xBD"));      // truncated
    EXPECT_FALSE(isValidUtf8("\x80"));
}

TEST(Text, CountsCodePointsNotBytes) {
    EXPECT_EQ(countCodePoints("abc"), 3u);
    EXPECT_EQ(countCodePoints("你好"), 2u);
    EXPECT_EQ(countCodePoints("😀"), 1u);
    EXPECT_EQ(countCodePoints("a\xFF"
                              "b"),
              3u); // a malformed byte shows as one replacement character
}

TEST(Text, DecodesCodePointsForTheFontAtlas) {
    EXPECT_EQ(decodeUtf8("a你😀"), (std::vector<char32_t>{U'a', U'你', U'😀'}));
    EXPECT_EQ(decodeUtf8("\xFF"), (std::vector<char32_t>{0xFFFD}));
    EXPECT_EQ(uniqueCodePoints("你好你a"), (std::vector<char32_t>{U'a', U'你', U'好'}));
}

TEST(Text, EncodesAndSanitises) {
    std::string s;
    appendUtf8(s, U'你');
    appendUtf8(s, U'😀');
    appendUtf8(s, 0xD800);
    EXPECT_EQ(s, "你😀\xEF\xBF\xBD");
    EXPECT_EQ(sanitizeUtf8("ok"), "ok");
    EXPECT_EQ(sanitizeUtf8("a\xFF"
                           "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_TRUE(isValidUtf8(sanitizeUtf8("\xC0\xAF\xED\xA0\x80")));
}

TEST(Text, TrimsAsciiAndIdeographicSpace) {
    EXPECT_EQ(trim("  hi \n\t"), "hi");
    EXPECT_EQ(trim("\u3000\u3000你好\u3000"), "你好");
    EXPECT_EQ(trim("\u00A0x\u00A0"), "x");
    EXPECT_EQ(trim("a b"), "a b");
    EXPECT_EQ(trim(" \u3000 "), "");
    EXPECT_EQ(trim(""), "");
}

TEST(Text, AcceptsExactly2000ChineseCharacters) {
    const auto r = validateOutgoing(repeat("汉", 2000));
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(countCodePoints(r.trimmed), 2000u);
    EXPECT_TRUE(r.errorCode.empty());
}

TEST(Text, Refuses2001CharactersAsTooLongWithoutCutting) {
    const auto r = validateOutgoing(repeat("汉", 2001));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.errorCode, "too_long");
}

TEST(Text, LimitCountsAfterTrimming) {
    EXPECT_TRUE(validateOutgoing("   " + repeat("a", 2000) + "\u3000\n").ok);
}

TEST(Text, RefusesEmptyAndWhitespaceOnly) {
    EXPECT_EQ(validateOutgoing("").errorCode, "bad_request");
    EXPECT_EQ(validateOutgoing(" \n\t\u3000 ").errorCode, "bad_request");
}

TEST(Text, RefusesMoreThan8KiBEvenUnder2000Characters) {
    // 2000 emoji are 8000 bytes: fine. 2049 emoji are 8196 bytes: over 8 KiB whatever the character limit.
    EXPECT_TRUE(validateOutgoing(repeat("😀", 2000)).ok);
    EXPECT_EQ(validateOutgoing(repeat("😀", 2049), 5000).errorCode, "too_long");
}

TEST(Text, RefusesMalformedUtf8) {
    EXPECT_EQ(validateOutgoing("hi\xFF").errorCode, "bad_request");
}

TEST(Text, HonoursASmallerServerLimit) {
    EXPECT_TRUE(validateOutgoing("abcde", 5).ok);
    EXPECT_EQ(validateOutgoing("abcdef", 5).errorCode, "too_long");
}

TEST(Text, BidiControlsAreStrippedForDisplayAndNothingElse) {
    // Every embedding, override, isolate and mark; Hebrew, Arabic and CJK letters stay.
    EXPECT_EQ(stripBidiControls("\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee\u2066f\u2067g\u2068h\u2069i\u200Ej\u200Fk\u061Cl"),
              "abcdefghijkl");
    EXPECT_EQ(stripBidiControls("שלום سلام 你好 \u200D\u00AD"), "שלום سلام 你好 \u200D\u00AD");
    EXPECT_EQ(stripBidiControls(std::string("bad\xE2\x80\xff\xE2\x80\xAE")), std::string("bad\xE2\x80\xff"));
    EXPECT_TRUE(isBidiControl(0x202E));
    EXPECT_FALSE(isBidiControl(0x200D)); // the zero-width joiner builds emoji, not direction
}
