// Two libc functions replaced for the widget build, each pulling in far more than the widget uses:
// - sscanf: only Dear ImGui's .ini settings readers call it, and the widget never loads settings
//   (io.IniFilename is null). musl's scanf brings its float scanner and 128-bit long double arithmetic.
// - strtod (and strtof, strtold): only nlohmann/json calls it, on a number its lexer has already checked
//   against JSON's grammar. The browser's own Number() parses it with the same correct rounding.
// The linker takes these definitions instead of libc's (an archive); the native build keeps the real ones.
#include <emscripten/emscripten.h>

#include <cctype>
#include <cstdlib>

namespace {

// clang-format off
EM_JS(double, kefu_number_of, (const char* s, int n), { return Number(UTF8ToString(s, n)); });
// clang-format on

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

extern "C" {

int sscanf(const char*, const char*, ...) {
    return 0;
} // nothing matched: the setting line is skipped

// Decimal numbers only ([+-]digits[.digits][e[+-]digits]), which is all JSON has; anything else is no
// number at all (*end = s, 0), as strtod says for input it cannot convert.
double strtod(const char* s, char** end) {
    const char* p = s;
    while (std::isspace((unsigned char)*p)) ++p;
    const char* start = p;
    if (*p == '+' || *p == '-') ++p;
    const char* digits = p;
    while (isDigit(*p)) ++p;
    bool any = p != digits;
    if (*p == '.') {
        const char* frac = ++p;
        while (isDigit(*p)) ++p;
        any = any || p != frac;
        if (!any) p = frac - 1;
    }
    if (!any) {
        if (end) *end = const_cast<char*>(s);
        return 0;
    }
    if (*p == 'e' || *p == 'E') {
        const char* q = p + 1;
        if (*q == '+' || *q == '-') ++q;
        if (isDigit(*q)) {
            while (isDigit(*q)) ++q;
            p = q;
        }
    }
    if (end) *end = const_cast<char*>(p);
    return kefu_number_of(start, (int)(p - start));
}
// Defined too, so nothing pulls libc's strtod.o (which holds all three) in beside these.
float strtof(const char* s, char** end) {
    return (float)strtod(s, end);
}
long double strtold(const char* s, char** end) {
    return strtod(s, end);
}

} // extern "C"
