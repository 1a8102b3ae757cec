// Grapheme clusters (src/core/grapheme.cpp): each emoji sequence is one unit, drawn as one glyph.
#include <gtest/gtest.h>

#include "core/grapheme.hpp"
#include "core/text.hpp"

#include <string>
#include <vector>

using namespace kefu;

namespace {

std::vector<std::string> clusters(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t p = 0; p < s.size();) {
        const std::size_t e = clusterEnd(s, p);
        out.push_back(s.substr(p, e - p));
        p = e;
    }
    return out;
}

using V = std::vector<std::string>;

} // namespace

TEST(Grapheme, EmojiSequencesAreOneCluster) {
    EXPECT_EQ(clusters("👨‍👩‍👧‍👦"), (V{"👨‍👩‍👧‍👦"}));       // ZWJ family
    EXPECT_EQ(clusters("👍🏽"), (V{"👍🏽"}));                                         // skin tone
    EXPECT_EQ(clusters("🇨🇳🇺🇸"), (V{"🇨🇳", "🇺🇸"}));                                             // two flags
    EXPECT_EQ(clusters("1️⃣#️⃣"), (V{"1️⃣", "#️⃣"}));                         // keycaps
    EXPECT_EQ(clusters("❤️好"), (V{"❤️", "好"}));                                    // VS16
    EXPECT_EQ(clusters("👩🏻‍💻!"), (V{"👩🏻‍💻", "!"}));                     // tone + ZWJ
    EXPECT_EQ(clusters("🏴󠁧󠁢󠁳󠁣󠁴󠁿"), (V{"🏴󠁧󠁢󠁳󠁣󠁴󠁿"})); // tag sequence
    EXPECT_EQ(clusters("e\xCC\x81x"), (V{"e\xCC\x81", "x"}));                                 // combining acute
    EXPECT_EQ(clusters("a\r\nb"), (V{"a", "\r\n", "b"}));
    EXPECT_EQ(clusters("中文ab"), (V{"中", "文", "a", "b"}));
    EXPECT_EQ(clusters("🇨"), (V{"🇨"})); // a lone regional indicator
}

TEST(Grapheme, ClusterTableGivesEachSequenceOneStableKey) {
    ClusterTable t;
    const std::string a = t.encode("家👨‍👩‍👧‍👦和🇨🇳");
    const std::vector<char32_t> cps = decodeUtf8(a);
    ASSERT_EQ(cps.size(), 4u);
    EXPECT_EQ(cps[0], U'家');
    EXPECT_TRUE(ClusterTable::isKey(cps[1]));
    EXPECT_EQ(cps[2], U'和');
    EXPECT_TRUE(ClusterTable::isKey(cps[3]));
    EXPECT_NE(cps[1], cps[3]);
    EXPECT_EQ(*t.cluster(cps[1]), "👨‍👩‍👧‍👦");
    EXPECT_EQ(*t.cluster(cps[3]), "🇨🇳");
    EXPECT_EQ(decodeUtf8(t.encode("🇨🇳")), std::vector<char32_t>{cps[3]}); // the same key again
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(t.encode("plain 中文 😀"), "plain 中文 😀"); // single code points stay as they are
    EXPECT_EQ(t.cluster(U'😀'), nullptr);
}

TEST(Grapheme, TextCannotSmuggleInAKey) {
    ClusterTable t;
    const std::string fam = t.encode("👨‍👩‍👧");
    // The same private-use code point arriving in a message is not drawn as the family.
    std::string forged;
    appendUtf8(forged, ClusterTable::kFirstKey);
    EXPECT_EQ(t.encode(forged), "\xEF\xBF\xBD");
    EXPECT_NE(t.encode(forged), fam);
}

TEST(Grapheme, TheTableStaysBounded) {
    ClusterTable t;
    std::string many;
    for (int i = 0; i < 5000; ++i) {
        many += "a";
        for (int b = 0; b < 13; ++b)
            if (i & (1 << b)) many += std::string("\xCC") + (char)(0x81 + b); // a distinct cluster each time
        many += "\xCC\x80";
    }
    const std::string out = t.encode(many);
    EXPECT_EQ(t.size(), ClusterTable::kMaxKeys);
    EXPECT_TRUE(isValidUtf8(out));
    ClusterTable fresh;
    std::string zalgo = "z";
    for (int i = 0; i < 200; ++i) zalgo += "\xCC\x81";
    EXPECT_EQ(fresh.encode(zalgo), zalgo); // too long for a key: drawn mark by mark
}
