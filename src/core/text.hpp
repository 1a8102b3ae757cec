// UTF-8 helpers shared by the codec, the composer and the font atlas.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kefu {

constexpr std::size_t kMaxMessageChars = 2000; // code points, after trimming
constexpr std::size_t kMaxMessageBytes = 8192; // UTF-8 bytes, after trimming

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view s);

// Number of code points; each malformed byte counts as one (it would render as U+FFFD).
std::size_t countCodePoints(std::string_view s);

// Code points of `s` in order; malformed bytes decode to U+FFFD.
std::vector<char32_t> decodeUtf8(std::string_view s);

// Sorted, duplicate-free code points of `s`: what the font atlas must be able to draw.
std::vector<char32_t> uniqueCodePoints(std::string_view s);

// Appends the UTF-8 encoding of `cp` (invalid code points become U+FFFD).
void appendUtf8(std::string& out, char32_t cp);

// Replaces every malformed sequence with U+FFFD so the text is always safe to encode as JSON.
std::string sanitizeUtf8(std::string_view s);

// Directional formatting characters: the embeddings and overrides U+202A..U+202E, the isolates
// U+2066..U+2069 and the marks U+200E, U+200F, U+061C.
bool isBidiControl(char32_t cp);

// `s` without directional formatting characters, for display: a name or a message must not reorder what
// is drawn around it (a visitor's U+202E would otherwise run on past its own text). The canvas lays text
// out in logical order and has no use for them; what the page API returns keeps them.
std::string stripBidiControls(std::string_view s);

// Whitespace the server's trim() removes: ASCII whitespace, NBSP, the ideographic space U+3000 and the other
// Unicode spaces, so that the widget never sends something the server would consider empty.
bool isTrimmedSpace(char32_t cp);

// `s` without leading and trailing whitespace (see isTrimmedSpace).
std::string trim(std::string_view s);

struct OutgoingText {
    bool ok = false;
    std::string trimmed;   // what is sent when ok
    std::string errorCode; // "bad_request" (empty or malformed) | "too_long"
};

// Applies the protocol limits to what the visitor typed: trimmed, not empty, at most `maxChars` code points
// and kMaxMessageBytes bytes. Never cuts the text.
OutgoingText validateOutgoing(std::string_view text, std::size_t maxChars = kMaxMessageChars);

} // namespace kefu
