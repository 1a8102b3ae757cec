#include "core/line_break.hpp"

#include "core/grapheme.hpp"

#include <cstring>

namespace kefu {
namespace {

// UAX #14 line breaking classes that chat text needs. SA (Thai and similar) is treated as AL: without a
// dictionary such runs are kept whole. CJ (small kana) is NS, as in CSS `line-break: strict`.
enum Cls : unsigned char {
    AL,
    BA,
    BB,
    B2,
    BK,
    CL,
    CP,
    CR,
    EX,
    GL,
    HY,
    ID,
    IN,
    IS,
    LF,
    NS,
    NU,
    OP,
    PO,
    PR,
    QU,
    SP,
    SY,
    WJ,
    ZW
};

struct ClassRange {
    char32_t lo, hi;
    Cls cls;
};

// Non-ASCII code points whose class is not AL, sorted. Ranges of CJK ideographs, kana and emoji are ID.
const ClassRange kRanges[] = {
    {0x0085, 0x0085, BK}, {0x00A0, 0x00A0, GL}, {0x00A1, 0x00A1, OP},   {0x00A2, 0x00A2, PO},   {0x00A3, 0x00A5, PR},
    {0x00AB, 0x00AB, QU}, {0x00AD, 0x00AD, BA}, {0x00B0, 0x00B0, PO},   {0x00B1, 0x00B1, PR},   {0x00B4, 0x00B4, BB},
    {0x00BB, 0x00BB, QU}, {0x00BF, 0x00BF, OP}, {0x034F, 0x034F, GL},   {0x0E00, 0x0E7F, AL},   {0x1100, 0x115F, ID},
    {0x180E, 0x180E, GL}, {0x2000, 0x2006, BA}, {0x2007, 0x2007, GL},   {0x2008, 0x200A, BA},   {0x200B, 0x200B, ZW},
    {0x2010, 0x2010, BA}, {0x2011, 0x2011, GL}, {0x2012, 0x2013, BA},   {0x2014, 0x2014, B2},   {0x2018, 0x2019, QU},
    {0x201A, 0x201A, OP}, {0x201C, 0x201D, QU}, {0x201E, 0x201E, OP},   {0x2024, 0x2026, IN},   {0x2027, 0x2027, BA},
    {0x2028, 0x2029, BK}, {0x202F, 0x202F, GL}, {0x2030, 0x2037, PO},   {0x2039, 0x203A, QU},   {0x203C, 0x203D, NS},
    {0x2044, 0x2044, IS}, {0x2047, 0x2049, NS}, {0x2060, 0x2060, WJ},   {0x20A0, 0x20CF, PR},   {0x2103, 0x2103, PO},
    {0x2116, 0x2116, PR}, {0x231A, 0x231B, ID}, {0x23E9, 0x23F3, ID},   {0x2600, 0x27BF, ID},   {0x2B50, 0x2B55, ID},
    {0x2E80, 0x2FFF, ID}, {0x3000, 0x3000, BA}, {0x3001, 0x3002, CL},   {0x3003, 0x3004, ID},   {0x3005, 0x3005, NS},
    {0x3006, 0x3007, ID}, {0x3008, 0x3008, OP}, {0x3009, 0x3009, CL},   {0x300A, 0x300A, OP},   {0x300B, 0x300B, CL},
    {0x300C, 0x300C, OP}, {0x300D, 0x300D, CL}, {0x300E, 0x300E, OP},   {0x300F, 0x300F, CL},   {0x3010, 0x3010, OP},
    {0x3011, 0x3011, CL}, {0x3012, 0x3013, ID}, {0x3014, 0x3014, OP},   {0x3015, 0x3015, CL},   {0x3016, 0x3016, OP},
    {0x3017, 0x3017, CL}, {0x3018, 0x3018, OP}, {0x3019, 0x3019, CL},   {0x301A, 0x301A, OP},   {0x301B, 0x301B, CL},
    {0x301C, 0x301C, NS}, {0x301D, 0x301D, OP}, {0x301E, 0x301F, CL},   {0x3020, 0x303A, ID},   {0x303B, 0x303C, NS},
    {0x303D, 0x303F, ID}, {0x3040, 0x3040, ID}, {0x3041, 0x3041, NS},   {0x3042, 0x3042, ID},   {0x3043, 0x3043, NS},
    {0x3044, 0x309A, ID}, {0x309B, 0x309E, NS}, {0x309F, 0x309F, ID},   {0x30A0, 0x30A0, NS},   {0x30A1, 0x30FA, ID},
    {0x30FB, 0x30FE, NS}, {0x30FF, 0x33FF, ID}, {0x3400, 0x4DBF, ID},   {0x4E00, 0x9FFF, ID},   {0xA000, 0xA4CF, ID},
    {0xAC00, 0xD7A3, ID}, {0xF900, 0xFAFF, ID}, {0xFE10, 0xFE10, IS},   {0xFE11, 0xFE12, CL},   {0xFE13, 0xFE14, IS},
    {0xFE15, 0xFE16, EX}, {0xFE30, 0xFE4F, ID}, {0xFEFF, 0xFEFF, WJ},   {0xFF01, 0xFF01, EX},   {0xFF02, 0xFF03, ID},
    {0xFF04, 0xFF04, PR}, {0xFF05, 0xFF05, PO}, {0xFF06, 0xFF07, ID},   {0xFF08, 0xFF08, OP},   {0xFF09, 0xFF09, CL},
    {0xFF0A, 0xFF0B, ID}, {0xFF0C, 0xFF0C, CL}, {0xFF0D, 0xFF0D, ID},   {0xFF0E, 0xFF0E, CL},   {0xFF0F, 0xFF19, ID},
    {0xFF1A, 0xFF1B, NS}, {0xFF1C, 0xFF1E, ID}, {0xFF1F, 0xFF1F, EX},   {0xFF20, 0xFF3A, ID},   {0xFF3B, 0xFF3B, OP},
    {0xFF3C, 0xFF3C, ID}, {0xFF3D, 0xFF3D, CL}, {0xFF3E, 0xFF5A, ID},   {0xFF5B, 0xFF5B, OP},   {0xFF5C, 0xFF5C, ID},
    {0xFF5D, 0xFF5D, CL}, {0xFF5E, 0xFF5E, ID}, {0xFF5F, 0xFF5F, OP},   {0xFF60, 0xFF61, CL},   {0xFF62, 0xFF62, OP},
    {0xFF63, 0xFF64, CL}, {0xFF65, 0xFF65, NS}, {0xFF66, 0xFFDC, ID},   {0xFFE0, 0xFFE0, PO},   {0xFFE1, 0xFFE1, PR},
    {0xFFE2, 0xFFE4, ID}, {0xFFE5, 0xFFE6, PR}, {0x1F000, 0x1FAFF, ID}, {0x1FC00, 0x1FFFD, ID}, {0x20000, 0x3FFFD, ID},
};

Cls asciiClass(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return AL;
    if (c >= '0' && c <= '9') return NU;
    switch (c) {
    case '\n': return LF;
    case '\r': return CR;
    case '\v':
    case '\f': return BK;
    case '\t': return BA;
    case ' ': return SP;
    case '!':
    case '?': return EX;
    case '"':
    case '\'': return QU;
    case '$':
    case '+':
    case '\\': return PR;
    case '%': return PO;
    case '(':
    case '[':
    case '{': return OP;
    case ')':
    case ']': return CP;
    case '}': return CL;
    case ',':
    case '.':
    case ':':
    case ';': return IS;
    case '-': return HY;
    case '/': return SY;
    case '|': return BA;
    default: return AL;
    }
}

Cls classOf(char32_t cp) {
    if (cp < 0x80) return asciiClass((char)cp);
    std::size_t lo = 0, hi = sizeof kRanges / sizeof kRanges[0];
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        if (cp < kRanges[mid].lo)
            hi = mid;
        else if (cp > kRanges[mid].hi)
            lo = mid + 1;
        else
            return kRanges[mid].cls;
    }
    return AL;
}

// East Asian Width F, W or H (for the quotation rule LB19a and LB30).
bool eastAsian(char32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE6F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
           (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

struct Unit {
    std::size_t pos;
    char32_t cp; // first code point of the cluster
    Cls cls;
    bool ea;
    bool inUrl;
};

bool in(Cls c, std::initializer_list<Cls> set) {
    for (Cls s : set)
        if (c == s) return true;
    return false;
}

bool alpha(Cls c) {
    return c == AL;
}

// May the line break between u[i-1] and u[i]? The rules of UAX #14 in their order, LB4 to LB31.
Break between(const std::vector<Unit>& u, std::size_t i) {
    const Unit& a = u[i - 1];
    const Unit& b = u[i];
    if (in(a.cls, {BK, LF, CR})) return Break::Mandatory;    // LB4, LB5 (CR LF is one cluster)
    if (in(b.cls, {BK, LF, CR, SP, ZW})) return Break::None; // LB6, LB7
    std::size_t k = i - 1;                                   // the last non-space before the break
    while (k > 0 && u[k].cls == SP) --k;
    const Cls x = u[k].cls == SP ? SP : u[k].cls;
    if (x == ZW) return Break::Allowed;                              // LB8
    if (a.cls == WJ || b.cls == WJ) return Break::None;              // LB11
    if (a.cls == GL) return Break::None;                             // LB12
    if (b.cls == GL && !in(a.cls, {SP, BA, HY})) return Break::None; // LB12a
    if (in(b.cls, {CL, CP, EX, IS, SY})) return Break::None;         // LB13
    if (x == OP) return Break::None;                                 // LB14
    if (x == QU && b.cls == OP) return Break::None;                  // LB15
    if (in(x, {CL, CP}) && b.cls == NS) return Break::None;          // LB16
    if (x == B2 && b.cls == B2) return Break::None;                  // LB17
    if (a.cls == SP) return Break::Allowed;                          // LB18
    // LB19, LB19a: quotation marks glue to both sides, except an opening one between two East Asian
    // characters may start a line and a closing one between two may end it (说“你好”吧).
    if (b.cls == QU) {
        const bool opening = b.cp == 0x201C || b.cp == 0x2018;
        const bool eaAround = a.ea && i + 1 < u.size() && u[i + 1].ea;
        return opening && eaAround ? Break::Allowed : Break::None;
    }
    if (a.cls == QU) {
        const bool closing = a.cp == 0x201D || a.cp == 0x2019;
        const bool eaAround = b.ea && i >= 2 && u[i - 2].ea;
        return closing && eaAround ? Break::Allowed : Break::None;
    }
    if (in(b.cls, {BA, HY, NS}) || a.cls == BB) return Break::None;                                         // LB21
    if (b.cls == IN) return Break::None;                                                                    // LB22
    if ((alpha(a.cls) && b.cls == NU) || (a.cls == NU && alpha(b.cls))) return Break::None;                 // LB23
    if ((a.cls == PR && b.cls == ID) || (a.cls == ID && b.cls == PO)) return Break::None;                   // LB23a
    if ((in(a.cls, {PR, PO}) && alpha(b.cls)) || (alpha(a.cls) && in(b.cls, {PR, PO}))) return Break::None; // LB24
    // LB25: numbers such as $1,000.00, 50%, (2) and -5 stay whole.
    if (in(a.cls, {CL, CP, NU}) && in(b.cls, {PO, PR})) return Break::None;
    if (in(a.cls, {PO, PR}) && (b.cls == NU || (b.cls == OP && i + 1 < u.size() && u[i + 1].cls == NU)))
        return Break::None;
    // A hyphen keeps a number it starts (-5), not one after a word or number ("SPRING-2025", "9:00-18:00").
    if (a.cls == HY && b.cls == NU && (i < 2 || !in(u[i - 2].cls, {AL, NU}))) return Break::None;
    if (in(a.cls, {IS, NU, SY, OP}) && b.cls == NU) return Break::None;
    if (a.cls == SY && alpha(b.cls)) return Break::None;  // as Chromium: "and/or", "https://x" stay whole
    if (alpha(a.cls) && alpha(b.cls)) return Break::None; // LB28
    if (a.cls == IS && alpha(b.cls)) return Break::None;  // LB29
    if (in(a.cls, {AL, NU}) && b.cls == OP && !b.ea) return Break::None; // LB30
    if (a.cls == CP && !a.ea && in(b.cls, {AL, NU})) return Break::None;
    return Break::Allowed; // LB31
}

} // namespace

std::vector<BreakPoint> breakOpportunities(std::string_view text,
                                           const std::vector<std::pair<std::size_t, std::size_t>>& urls) {
    std::vector<Unit> units;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t p = pos;
        const char32_t cp = decodeAt(text, p);
        Cls c = classOf(cp);
        if (isPictographic(cp) && c == AL) c = ID;
        bool url = false;
        for (const auto& r : urls) url = url || (pos >= r.first && pos < r.second);
        units.push_back({pos, cp, c, eastAsian(cp), url});
        pos = clusterEnd(text, pos);
    }
    std::vector<BreakPoint> out;
    out.reserve(units.size());
    for (std::size_t i = 0; i < units.size(); ++i) {
        BreakPoint b{units[i].pos, i == 0 ? Break::None : between(units, i), in(units[i].cls, {CL, CP, EX, IS, NS, IN}),
                     units[i].cls == OP};
        if (i > 0) {
            const Unit& a = units[i - 1];
            b.url = a.inUrl && units[i].inUrl && a.cp < 0x80 && std::strchr("/?&=#", (int)a.cp) && a.cp &&
                    !std::strchr("/?&=#.", (int)units[i].cp) && !(a.cp == '/' && i >= 2 && units[i - 2].cp == '/');
        }
        out.push_back(b);
    }
    return out;
}

std::vector<Line> breakLines(std::string_view text, float maxWidth,
                             const std::function<float(std::string_view cluster)>& width,
                             const std::vector<std::pair<std::size_t, std::size_t>>& urls) {
    const std::vector<BreakPoint> bp = breakOpportunities(text, urls);
    const std::size_t n = bp.size();
    auto endOf = [&](std::size_t i) { return i + 1 < n ? bp[i + 1].pos : text.size(); };
    std::vector<float> w(n);
    std::vector<bool> space(n), newline(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string_view c = text.substr(bp[i].pos, endOf(i) - bp[i].pos);
        newline[i] = c[0] == '\n' || c[0] == '\r' || c == "\v" || c == "\f" || c == "\xC2\x85" || c == "\xE2\x80\xA8" ||
                     c == "\xE2\x80\xA9";
        space[i] = c == " " || newline[i]; // these hang at the end of a line
        w[i] = newline[i] ? 0 : width(c);
    }
    constexpr float kSlack = 0.01f; // measured widths are sums of floats
    std::vector<Line> lines;
    auto emit = [&](std::size_t start, std::size_t stop) {
        Line l;
        l.begin = start < n ? bp[start].pos : text.size();
        l.next = stop < n ? bp[stop].pos : text.size();
        std::size_t last = stop;
        while (last > start && space[last - 1]) --last;
        l.end = last > start ? endOf(last - 1) : l.begin;
        for (std::size_t j = start; j < last; ++j) l.width += w[j];
        lines.push_back(l);
    };
    std::size_t start = 0;
    do {
        float lineW = 0, pendingSpaces = 0; // spaces count only once something follows them
        std::size_t lastBreak = 0, stop = n;
        for (std::size_t i = start; i < n; ++i) {
            if (i > start && bp[i].kind == Break::Mandatory) {
                stop = i;
                break;
            }
            if (i > start && bp[i].kind == Break::Allowed) lastBreak = i;
            if (space[i]) {
                pendingSpaces += w[i];
                continue;
            }
            if (i > start && lineW + pendingSpaces + w[i] > maxWidth + kSlack) {
                // The last opportunity on this line, or (a word wider than the line) right here, but never
                // before a closing or after an opening punctuation mark when a cluster can move down with it.
                stop = lastBreak > start ? lastBreak : i;
                if (lastBreak <= start) {
                    for (std::size_t j = i; j > start; --j) // a URL too long for the line: after / ? & = #
                        if (bp[j].url) {
                            stop = j;
                            break;
                        }
                    while (stop == i && stop > start + 1 && (bp[stop].closing || bp[stop - 1].opening)) --stop;
                }
                break;
            }
            lineW += pendingSpaces + w[i];
            pendingSpaces = 0;
        }
        emit(start, stop);
        start = stop;
    } while (start < n);
    return lines;
}

} // namespace kefu
