#include "core/layout.hpp"

#include <algorithm>

#include "core/i18n.hpp"

namespace kefu {

PanelLayout computePanel(float viewportW, float viewportH, Side side) {
    using namespace layout;
    PanelLayout l;
    viewportW = std::max(0.0f, viewportW);
    viewportH = std::max(0.0f, viewportH);
    const float reserved = kLauncherSize + 2 * kMargin; // launcher plus the gaps above and below it
    l.launcher.w = l.launcher.h = kLauncherSize;
    l.launcher.x = side == Side::Right ? viewportW - kMargin - kLauncherSize : kMargin;
    l.launcher.y = viewportH - kMargin - kLauncherSize;

    // Only a narrow viewport (a phone) gets the whole window: a short but wide one (a laptop's browser with
    // its toolbars, a page zoomed to 200 %) keeps a panel, shrunk to fit with a margin above it.
    if (viewportW < kFullscreenBelowWidth) {
        l.fullscreen = true;
        l.panel = Rect{0, 0, viewportW, viewportH};
    } else {
        l.panel.w = std::min(kPanelWidth, viewportW - 2 * kMargin);
        l.panel.h = std::min(kPanelHeight, viewportH - reserved - kMargin);
        l.panel.y = l.launcher.y - kMargin - l.panel.h;
        if (l.panel.h < kPanelMinHeight) { // too low above the launcher: over it, margins above and below
            l.panel.h = std::max(0.0f, std::min(kPanelMinHeight, viewportH - 2 * kMargin));
            l.panel.y = std::max(0.0f, viewportH - kMargin - l.panel.h);
        }
        l.panel.x = side == Side::Right ? viewportW - kMargin - l.panel.w : kMargin;
    }
    l.bubbleMaxWidth = l.panel.w * kBubbleMaxFraction;
    return l;
}

bool needsTimeSeparator(const Message& prev, const Message& cur, int tzOffsetMin) {
    const std::int64_t gap = clampTimeMs(cur.timeMs) - clampTimeMs(prev.timeMs); // cannot overflow
    if (gap >= layout::kGroupGapMs || gap <= -layout::kGroupGapMs) return true;
    return localDay(prev.timeMs, tzOffsetMin) != localDay(cur.timeMs, tzOffsetMin);
}

bool sameGroup(const Message& a, const Message& b, int tzOffsetMin) {
    if (a.from != b.from || a.kind == "call" || b.kind == "call") return false;
    if (a.from == Sender::Agent && a.agentName != b.agentName) return false;
    return !needsTimeSeparator(a, b, tzOffsetMin);
}

std::string badgeText(int unread) {
    if (unread <= 0) return std::string();
    if (unread > 99) return "99+";
    return std::to_string(unread);
}

} // namespace kefu
