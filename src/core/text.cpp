#include "core/text.hpp"

#include <algorithm>

namespace kefu {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at s[i]. Returns the number of bytes consumed (≥ 1) and sets `valid`.
// A malformed sequence consumes exactly one byte so decoding resynchronises on the next one.
std::size_t decodeOne(std::string_view s, std::size_t i, char32_t& cp, bool& valid) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    valid = false;
    cp = kReplacement;
    if (b0 < 0x80) {
        cp = b0;
        valid = true;
        return 1;
    }
    std::size_t len = 0;
    char32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1F;
        min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0F;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07;
        min = 0x10000;
    } else {
        cp = kReplacement;
        return 1;
    }
    if (i + len > s.size()) {
        cp = kReplacement;
        return 1;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            cp = kReplacement;
            return 1;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        cp = kReplacement;
        return 1;
    }
    valid = true;
    return len;
}

template <class F> void forEachCodePoint(std::string_view s, F&& f) {
    std::size_t i = 0;
    while (i < s.size()) {
        char32_t cp = 0;
        bool valid = false;
        const std::size_t n = decodeOne(s, i, cp, valid);
        f(cp, valid, i, n);
        i += n;
    }
}

} // namespace

bool isValidUtf8(std::string_view s) {
    bool ok = true;
    forEachCodePoint(s, [&](char32_t, bool valid, std::size_t, std::size_t) { ok = ok && valid; });
    return ok;
}

std::size_t countCodePoints(std::string_view s) {
    std::size_t n = 0;
    forEachCodePoint(s, [&](char32_t, bool, std::size_t, std::size_t) { ++n; });
    return n;
}

std::vector<char32_t> decodeUtf8(std::string_view s) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    forEachCodePoint(s, [&](char32_t cp, bool, std::size_t, std::size_t) { out.push_back(cp); });
    return out;
}

std::vector<char32_t> uniqueCodePoints(std::string_view s) {
    std::vector<char32_t> out = decodeUtf8(s);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string sanitizeUtf8(std::string_view s) {
    if (isValidUtf8(s)) return std::string(s);
    std::string out;
    out.reserve(s.size() + 8);
    forEachCodePoint(s, [&](char32_t, bool valid, std::size_t i, std::size_t n) {
        if (valid)
            out.append(s.substr(i, n));
        else
            appendUtf8(out, kReplacement);
    });
    return out;
}

bool isBidiControl(char32_t cp) {
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
           cp == 0x061C;
}

std::string stripBidiControls(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    forEachCodePoint(s, [&](char32_t cp, bool valid, std::size_t i, std::size_t n) {
        if (!valid || !isBidiControl(cp)) out.append(s.substr(i, n));
    });
    return out;
}

bool isTrimmedSpace(char32_t cp) {
    switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x00A0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF: return true;
    default: return cp >= 0x2000 && cp <= 0x200A;
    }
}

std::string trim(std::string_view s) {
    std::size_t begin = s.size();
    std::size_t end = 0;
    forEachCodePoint(s, [&](char32_t cp, bool valid, std::size_t i, std::size_t n) {
        if (valid && isTrimmedSpace(cp)) return;
        begin = std::min(begin, i);
        end = i + n;
    });
    if (begin >= end) return std::string();
    return std::string(s.substr(begin, end - begin));
}

OutgoingText validateOutgoing(std::string_view text, std::size_t maxChars) {
    OutgoingText r;
    if (!isValidUtf8(text)) {
        r.errorCode = "bad_request";
        return r;
    }
    r.trimmed = trim(text);
    if (r.trimmed.empty()) {
        r.errorCode = "bad_request";
    } else if (countCodePoints(r.trimmed) > maxChars || r.trimmed.size() > kMaxMessageBytes) {
        r.errorCode = "too_long";
    } else {
        r.ok = true;
        return r;
    }
    r.trimmed.clear();
    return r;
}

} // namespace kefu
