#include "core/linkify.hpp"

#include "core/grapheme.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace kefu {
namespace {

struct Cp {
    char32_t c;
    std::size_t pos; // byte offset
};

bool asciiAlnum(char32_t c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool digit(char32_t c) {
    return c >= '0' && c <= '9';
}

// Letters of internationalized host names: anything past ASCII but spaces, punctuation and emoji.
// (CJK ideographs count; full-width and CJK punctuation do not, so "例子.测试，" ends before the comma.)
bool hostLetter(char32_t c) {
    return c >= 0xA0 && c != 0xD7 && c != 0xF7 && c != 0xFFFD && !(c >= 0x2000 && c <= 0x2BFF) &&
           !(c >= 0x3000 && c <= 0x303F) && !(c >= 0xFE00 && c <= 0xFE6F) && !(c >= 0xFF00 && c <= 0xFF65) &&
           !isPictographic(c) && !isTrimmedSpace(c);
}

// What a path, query or fragment may hold: printable ASCII but what never appears unescaped in a URL
// typed in a chat, and Latin/Greek/Cyrillic letters. CJK text ends the link.
bool pathChar(char32_t c) {
    if (c > 0x20 && c < 0x7F) return !std::strchr("<>\"`{}|\\^", (int)c);
    return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x370 && c <= 0x52F);
}

class Scanner {
  public:
    explicit Scanner(std::string_view t) : text(t) {
        for (std::size_t p = 0; p < t.size();) {
            const std::size_t at = p;
            cps.push_back({decodeAt(t, p), at});
        }
        cps.push_back({0, t.size()}); // sentinel
        n = cps.size() - 1;
    }

    char32_t at(std::size_t i) const { return i < n ? cps[i].c : 0; }
    char32_t lower(std::size_t i) const {
        const char32_t c = at(i);
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    bool startsWith(std::size_t i, const char* s) const {
        for (std::size_t k = 0; s[k]; ++k)
            if (lower(i + k) != (char32_t)s[k]) return false;
        return true;
    }

    // A host name from `i`: labels of ASCII letters, digits and '-', or internationalized ones. A label that
    // began in ASCII ends where CJK text begins ("example.com谢谢"). Returns where it ends; `dots` counts.
    std::size_t host(std::size_t i, int& dots) const {
        dots = 0;
        std::size_t k = i;
        bool labelAscii = true, labelEmpty = true;
        while (k < n) {
            const char32_t c = at(k);
            if (asciiAlnum(c) || (c == '-' && !labelEmpty)) {
                labelEmpty = false;
            } else if (hostLetter(c)) {
                if (!labelEmpty && labelAscii) break;
                labelAscii = false;
                labelEmpty = false;
            } else if (c == '.' && !labelEmpty && (asciiAlnum(at(k + 1)) || hostLetter(at(k + 1)))) {
                ++dots;
                labelAscii = labelEmpty = true;
            } else {
                break;
            }
            ++k;
        }
        while (k > i && at(k - 1) == '-') --k;
        return k;
    }

    // True when the last label of the host [i, end) looks like a top-level domain (two letters or more).
    bool hasTld(std::size_t i, std::size_t end) const {
        std::size_t k = end, letters = 0;
        while (k > i && at(k - 1) != '.') {
            --k;
            if (digit(at(k)) || at(k) == '-') return false;
            ++letters;
        }
        return k > i && letters >= 2;
    }

    // Port, path, query and fragment after a host, then the trailing punctuation a sentence adds.
    std::size_t rest(std::size_t start, std::size_t k) const {
        if (at(k) == ':' && digit(at(k + 1))) {
            ++k;
            while (digit(at(k))) ++k;
        }
        if (at(k) == '/' || at(k) == '?' || at(k) == '#')
            while (k < n && pathChar(at(k))) ++k;
        for (;;) {
            const char32_t c = k > start ? at(k - 1) : 0;
            if (c && std::strchr(".,!?;:'\"*~", (int)c)) {
                --k;
                continue;
            }
            const char* close = c == ')' ? "()" : c == ']' ? "[]" : c == '}' ? "{}" : nullptr;
            if (close) {
                int depth = 0;
                for (std::size_t j = start; j < k; ++j)
                    depth += at(j) == (char32_t)close[0] ? 1 : at(j) == (char32_t)close[1] ? -1 : 0;
                if (depth < 0) {
                    --k;
                    continue;
                }
            }
            return k;
        }
    }

    std::string bytes(std::size_t i, std::size_t end) const {
        return std::string(text.substr(cps[i].pos, cps[end].pos - cps[i].pos));
    }

    std::string_view text;
    std::vector<Cp> cps;
    std::size_t n = 0;
};

struct Found {
    std::size_t begin, end; // code point indexes
    LinkKind kind;
    std::string href;
};

bool overlaps(const std::vector<Found>& found, std::size_t b, std::size_t e) {
    for (const Found& f : found)
        if (b < f.end && f.begin < e) return true;
    return false;
}

void findWeb(const Scanner& s, std::vector<Found>& out) {
    for (std::size_t i = 0; i < s.n; ++i) {
        const char32_t prev = i > 0 ? s.at(i - 1) : 0;
        if (asciiAlnum(prev) || (prev && prev < 0x80 && std::strchr(".-_@/", (int)prev))) continue;
        int dots = 0;
        if (s.startsWith(i, "http://") || s.startsWith(i, "https://")) {
            const std::size_t h = i + (s.lower(i + 4) == 's' ? 8 : 7);
            const std::size_t he = s.host(h, dots);
            if (he == h) continue;
            const std::size_t e = s.rest(i, he);
            out.push_back({i, e, LinkKind::Web, s.bytes(i, e)});
            i = e - 1;
        } else if (s.startsWith(i, "www.")) {
            const std::size_t he = s.host(i, dots);
            if (dots < 2 || !s.hasTld(i, he)) continue;
            const std::size_t e = s.rest(i, he);
            out.push_back({i, e, LinkKind::Web, "https://" + s.bytes(i, e)});
            i = e - 1;
        }
    }
}

bool localChar(char32_t c) {
    return asciiAlnum(c) || (c < 0x80 && std::strchr("._%+-", (int)c));
}

void findEmail(const Scanner& s, std::vector<Found>& out) {
    for (std::size_t k = 1; k < s.n; ++k) {
        if (s.at(k) != '@') continue;
        std::size_t b = k;
        while (b > 0 && localChar(s.at(b - 1))) --b;
        while (b < k && s.at(b) == '.') ++b;
        if (b == k || s.at(k - 1) == '.') continue;
        int dots = 0;
        std::size_t e = s.host(k + 1, dots);
        if (dots < 1 || !s.hasTld(k + 1, e)) continue;
        if (overlaps(out, b, e)) continue;
        out.push_back({b, e, LinkKind::Email, "mailto:" + s.bytes(b, e)});
        k = e;
    }
}

bool mobile(const std::string& d) {
    return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

void findPhone(const Scanner& s, std::vector<Found>& out) {
    for (std::size_t i = 0; i < s.n; ++i) {
        const bool plus = s.at(i) == '+' && digit(s.at(i + 1));
        if (!plus && !digit(s.at(i))) continue;
        const char32_t prev = i > 0 ? s.at(i - 1) : 0;
        std::string d;
        std::vector<std::size_t> groups;
        std::size_t k = plus ? i + 1 : i;
        for (;;) {
            const std::size_t g = d.size();
            while (digit(s.at(k))) d.push_back((char)s.at(k++));
            groups.push_back(d.size() - g);
            if ((s.at(k) == ' ' || s.at(k) == '-') && digit(s.at(k + 1)))
                ++k;
            else
                break;
        }
        const std::size_t e = k;
        const char32_t next = s.at(e);
        // Part of a word, an amount, a time, a date or a path: "QS20250412", "13800.00", "10:30", "2025/04/12".
        const bool glued = (prev && (asciiAlnum(prev) || (prev < 0x80 && std::strchr("+-./:_%#@&=\\", (int)prev)))) ||
                           asciiAlnum(next) || (next < 0x80 && next && std::strchr("%@_", (int)next)) ||
                           (next < 0x80 && next && std::strchr(".,:/-", (int)next) && digit(s.at(e + 1)));
        std::string href;
        if (!glued) {
            std::string intl = plus ? d : d.rfind("00", 0) == 0 ? d.substr(2) : std::string();
            if (!intl.empty()) {
                const bool cn = intl.rfind("86", 0) == 0;
                const std::string rest = cn ? intl.substr(2) : intl;
                const bool ok = cn ? mobile(rest) || (rest.size() >= 9 && rest.size() <= 11 && rest[0] != '0')
                                   : intl.size() >= 8 && intl.size() <= 15 && intl[0] != '0';
                if (ok && (plus || d.size() >= 12)) href = "tel:+" + intl;
            } else {
                const std::vector<std::size_t> one{d.size()};
                const bool mob = mobile(d) && (groups == one || groups == std::vector<std::size_t>{3, 4, 4});
                const bool hotline = d.size() == 10 && (d.rfind("400", 0) == 0 || d.rfind("800", 0) == 0) &&
                                     (groups == one || groups == std::vector<std::size_t>{3, 3, 4} ||
                                      groups == std::vector<std::size_t>{3, 4, 3});
                const bool landline = groups.size() >= 2 && d[0] == '0' && d[1] != '0' &&
                                      (groups[0] == 3 || groups[0] == 4) &&
                                      (d.size() - groups[0] == 7 || d.size() - groups[0] == 8);
                if (mob || hotline || landline) href = "tel:" + d;
            }
        }
        if (!href.empty() && !overlaps(out, i, e)) out.push_back({i, e, LinkKind::Phone, href});
        i = e > i ? e - 1 : i; // never restart inside a rejected number: its tail is no number either
    }
}

} // namespace

std::vector<Link> findLinks(std::string_view text) {
    const Scanner s(text);
    std::vector<Found> found;
    findWeb(s, found);
    findEmail(s, found);
    findPhone(s, found);
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.begin < b.begin; });
    std::vector<Link> out;
    for (Found& f : found) out.push_back({s.cps[f.begin].pos, s.cps[f.end].pos, f.kind, std::move(f.href)});
    return out;
}

bool isOpenableHref(std::string_view href) {
    if (href.empty() || href.size() > 2048 || !isValidUtf8(href)) return false;
    for (char32_t c : decodeUtf8(href))
        if (c <= 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\\' || c == 0x2028 || c == 0x2029 ||
            (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
            return false;
    std::string lower;
    for (std::size_t i = 0; i < href.size() && i < 8; ++i) lower.push_back((char)std::tolower((unsigned char)href[i]));
    auto after = [&](const char* p) { return href.substr(std::strlen(p)); };
    if (lower.rfind("https://", 0) == 0 || lower.rfind("http://", 0) == 0) {
        const std::string_view rest = after(lower[4] == 's' ? "https://" : "http://");
        return !rest.empty() && !std::strchr("/?#@:.", rest[0]);
    }
    if (lower.rfind("mailto:", 0) == 0) {
        const std::string_view a = after("mailto:");
        const std::size_t at = a.find('@');
        return at != std::string_view::npos && at > 0 && at + 1 < a.size() && a.find('@', at + 1) == a.npos;
    }
    if (lower.rfind("tel:", 0) == 0) {
        std::string_view t = after("tel:");
        if (!t.empty() && t[0] == '+') t.remove_prefix(1);
        if (t.empty() || t.size() > 20) return false;
        return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
    return false;
}

} // namespace kefu
