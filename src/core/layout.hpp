// Layout decisions that do not need a GPU, so they can be tested natively. All sizes are CSS pixels.
#pragma once

#include <cstdint>
#include <string>

#include "core/message.hpp"

namespace kefu {

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
};

enum class Side { Left, Right };

namespace layout {
constexpr float kFullscreenBelowWidth = 640; // phones: the panel takes the whole viewport
constexpr float kPanelWidth = 370;
constexpr float kPanelHeight = 560;
constexpr float kPanelMinHeight = 360;
constexpr float kMargin = 20;
constexpr float kLauncherSize = 60;
constexpr float kBubbleMaxFraction = 0.75f;
constexpr std::int64_t kGroupGapMs = 5 * 60 * 1000;
} // namespace layout

struct PanelLayout {
    bool fullscreen = false;
    Rect panel;    // the open chat panel
    Rect launcher; // the round button in the corner
    float bubbleMaxWidth = 0;
};

// The panel sits above the launcher in the chosen bottom corner: 370×560, shortened to leave a 20 px margin
// at the top of the viewport. Below 360 px above the launcher it covers the launcher instead (up to 360 px,
// 20 px margins above and below). Fullscreen only when the viewport is narrower than 640 (phones): a short
// wide window or a zoomed page keeps a panel.
PanelLayout computePanel(float viewportW, float viewportH, Side side);

// A time separator goes between two messages 5 minutes or more apart or on different local days.
// `tzOffsetMin` as in formatTime().
bool needsTimeSeparator(const Message& prev, const Message& cur, int tzOffsetMin = 0);

// Consecutive messages of the same sender (same agent) within 5 minutes form a group: one header.
// Call records never group.
bool sameGroup(const Message& a, const Message& b, int tzOffsetMin = 0);

// "" for none, "1".."99", then "99+".
std::string badgeText(int unread);

} // namespace kefu
