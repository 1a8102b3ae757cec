#include "ui/selection_paint.hpp"

#include <algorithm>
#include <cmath>

namespace kefu::ui {

bool SelectionPaint::set(std::string_view s) {
    std::vector<Rect> rects;
    float v[4];
    int n = 0;
    bool ok = true;
    for (std::size_t i = 0; i < s.size() && ok;) {
        if (s[i] == ' ') {
            ++i;
            continue;
        }
        bool neg = s[i] == '-';
        if (neg) ++i;
        long q = 0;
        std::size_t digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 7) q = q * 10 + (s[i++] - '0'), ++digits;
        ok = digits > 0 && (i == s.size() || s[i] == ' ');
        v[n++] = (neg ? -q : q) / 4.0f;
        if (n == 4) {
            if (v[2] > 0 && v[3] > 0) rects.push_back(Rect{v[0], v[1], v[2], v[3]});
            n = 0;
            ok = ok && rects.size() <= kMaxRects;
        }
    }
    if (!ok || n != 0) rects.clear();
    const bool same = rects.size() == mRects.size() &&
                      std::equal(rects.begin(), rects.end(), mRects.begin(), [](const Rect& a, const Rect& b) {
                          return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
                      });
    mRects = std::move(rects);
    return !same;
}

void SelectionPaint::paint(ImDrawList* dl, ImVec2 origin, float scale, ImVec2 clipMin, ImVec2 clipMax,
                           ImU32 colour) const {
    auto px = [](float v) { return std::floor(v + 0.5f); };
    for (const Rect& r : mRects) {
        // Whole texels, so the neighbouring line boxes of one selection neither overlap nor leave a seam.
        const ImVec2 a(std::max(clipMin.x, px(origin.x + r.x * scale)),
                       std::max(clipMin.y, px(origin.y + r.y * scale)));
        const ImVec2 b(std::min(clipMax.x, px(origin.x + (r.x + r.w) * scale)),
                       std::min(clipMax.y, px(origin.y + (r.y + r.h) * scale)));
        if (a.x < b.x && a.y < b.y) dl->AddRectFilled(a, b, colour);
    }
}

} // namespace kefu::ui
