#include "core/grapheme.hpp"

#include "core/text.hpp"

#include <algorithm>

namespace kefu {
namespace {

struct Range {
    char32_t lo, hi;
};

bool inRanges(char32_t cp, const Range* r, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (cp >= r[i].lo && cp <= r[i].hi) return true;
    return false;
}

// Combining marks, variation selectors, emoji modifiers and tags: they extend the cluster before them.
bool isExtend(char32_t cp) {
    static const Range r[] = {
        {0x0300, 0x036F},   {0x0483, 0x0489},   {0x0591, 0x05BD},   {0x05BF, 0x05C7}, {0x0610, 0x061A},
        {0x064B, 0x065F},   {0x0670, 0x0670},   {0x06D6, 0x06DC},   {0x06DF, 0x06E4}, {0x06E7, 0x06ED},
        {0x0900, 0x0903},   {0x093A, 0x094F},   {0x0951, 0x0957},   {0x0962, 0x0963}, {0x0981, 0x0983},
        {0x09BC, 0x09D7},   {0x0E31, 0x0E31},   {0x0E34, 0x0E3A},   {0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1},
        {0x0EB4, 0x0EBC},   {0x0EC8, 0x0ECE},   {0x1AB0, 0x1AFF},   {0x1DC0, 0x1DFF}, {0x200C, 0x200C},
        {0x20D0, 0x20FF},   {0x302A, 0x302F},   {0x3099, 0x309A},   {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
        {0x1F3FB, 0x1F3FF}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
    };
    return inRanges(cp, r, sizeof r / sizeof r[0]);
}

bool isRegional(char32_t cp) {
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

bool isControl(char32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

} // namespace

char32_t decodeAt(std::string_view s, std::size_t& pos) {
    const unsigned char c = (unsigned char)s[pos];
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 1) {
        ++pos;
        return c;
    }
    if (n == 0 || pos + n > s.size() || !isValidUtf8(s.substr(pos, n))) {
        ++pos;
        return 0xFFFD;
    }
    char32_t cp = c & (0x7F >> n);
    for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | ((unsigned char)s[pos + i] & 0x3F);
    pos += n;
    return cp;
}

bool isPictographic(char32_t cp) {
    static const Range r[] = {
        {0x00A9, 0x00A9},   {0x00AE, 0x00AE},   {0x203C, 0x203C}, {0x2049, 0x2049},   {0x2122, 0x2122},
        {0x2139, 0x2139},   {0x2194, 0x2199},   {0x21A9, 0x21AA}, {0x231A, 0x231B},   {0x2328, 0x2328},
        {0x23CF, 0x23CF},   {0x23E9, 0x23F3},   {0x23F8, 0x23FA}, {0x24C2, 0x24C2},   {0x25AA, 0x25AB},
        {0x25B6, 0x25B6},   {0x25C0, 0x25C0},   {0x25FB, 0x25FE}, {0x2600, 0x27BF},   {0x2934, 0x2935},
        {0x2B05, 0x2B07},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50}, {0x2B55, 0x2B55},   {0x3030, 0x3030},
        {0x303D, 0x303D},   {0x3297, 0x3297},   {0x3299, 0x3299}, {0x1F000, 0x1F1E5}, {0x1F200, 0x1F3FA},
        {0x1F400, 0x1FAFF}, {0x1FC00, 0x1FFFD},
    };
    return inRanges(cp, r, sizeof r / sizeof r[0]);
}

std::size_t clusterEnd(std::string_view s, std::size_t pos) {
    if (pos >= s.size()) return s.size();
    std::size_t p = pos;
    const char32_t first = decodeAt(s, p);
    if (first == '\r' && p < s.size() && s[p] == '\n') return p + 1;
    if (isControl(first)) return p;
    const bool pictographic = isPictographic(first);
    bool regionalOpen = isRegional(first); // a flag is a pair of regional indicators
    bool afterZwj = false;
    while (p < s.size()) {
        std::size_t q = p;
        const char32_t cp = decodeAt(s, q);
        if (isExtend(cp) || cp == 0x200D) {
            afterZwj = cp == 0x200D;
        } else if (afterZwj && pictographic && isPictographic(cp)) {
            afterZwj = false; // ZWJ sequence: 👨‍👩‍👧
        } else if (regionalOpen && isRegional(cp)) {
            regionalOpen = false;
        } else {
            break;
        }
        p = q;
    }
    return p;
}

std::string ClusterTable::encode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t pos = 0;
    while (pos < s.size()) {
        const std::size_t end = clusterEnd(s, pos);
        std::size_t p = pos;
        const char32_t first = decodeAt(s, p);
        // CR LF is a cluster too, but a line break, never a glyph.
        if (p < end && end - pos <= kMaxClusterBytes && first >= 0x20) {
            const std::string_view c = s.substr(pos, end - pos);
            auto it = std::find(mClusters.begin(), mClusters.end(), c);
            if (it == mClusters.end() && mClusters.size() < kMaxKeys) {
                mClusters.emplace_back(c);
                it = mClusters.end() - 1;
            }
            if (it != mClusters.end()) {
                appendUtf8(out, kFirstKey + (char32_t)(it - mClusters.begin()));
                pos = end;
                continue;
            }
        }
        // One code point at a time: a single-code-point cluster, or one that cannot have a key.
        for (std::size_t q = pos; q < end;) {
            const char32_t cp = decodeAt(s, q);
            appendUtf8(out, isKey(cp) ? 0xFFFD : cp);
        }
        pos = end;
    }
    return out;
}

const std::string* ClusterTable::cluster(char32_t key) const {
    if (!isKey(key) || key - kFirstKey >= mClusters.size()) return nullptr;
    return &mClusters[key - kFirstKey];
}

} // namespace kefu
