// Grapheme clusters as a reader sees them: an emoji sequence (ZWJ families, skin tones, flags, keycaps,
// VS16) or a letter with its combining marks is one unit, drawn as one glyph and never split by a line
// break. A compact subset of UAX #29 that covers chat text; Hangul jamo sequences are not joined.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kefu {

// The code point at `pos` (advancing `pos` past it); a malformed byte decodes to U+FFFD and advances one.
char32_t decodeAt(std::string_view s, std::size_t& pos);

// Byte offset where the cluster starting at `pos` ends (> pos while pos < s.size()).
std::size_t clusterEnd(std::string_view s, std::size_t pos);

// Emoji-like code points (Extended_Pictographic, approximated by ranges).
bool isPictographic(char32_t cp);

// Gives each multi-code-point cluster a private-use code point (a "key") so that a font atlas keyed by
// code point can hold the whole cluster as one glyph. Keys are allocated on first sight and stay valid.
class ClusterTable {
  public:
    // In the BMP's Private Use Area: a font's glyph lookup tables run up to its highest code point, so
    // keys at U+F0000 cost megabytes per font on the first open; U+E000 is just above CJK.
    static constexpr char32_t kFirstKey = 0xE000;
    static constexpr std::size_t kMaxKeys = 4096; // a hostile sender cannot grow the table (or atlas) forever
    static constexpr std::size_t kMaxClusterBytes = 64;

    static bool isKey(char32_t cp) { return cp >= kFirstKey && cp < kFirstKey + kMaxKeys; }

    // `s` with every multi-code-point cluster replaced by its key. Code points of the key range that the
    // text itself holds become U+FFFD, so no text can draw a cluster it does not contain. Clusters over
    // kMaxClusterBytes, or met once the table is full, stay as separate code points.
    std::string encode(std::string_view s);
    // The cluster a key stands for; nullptr for anything else.
    const std::string* cluster(char32_t key) const;
    std::size_t size() const { return mClusters.size(); }

  private:
    std::vector<std::string> mClusters; // the cluster of key kFirstKey + i (searched in order: few, and small)
};

} // namespace kefu
