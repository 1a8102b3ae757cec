// Colours and sizes of the chat panel (CSS pixels; multiplied by the device pixel ratio when drawn).
#pragma once

#include <imgui.h>

namespace kefu::ui::theme {

// Text contrast at least 4.5:1 (WCAG AA): white on kBrand 6.2, white on kOnBrand over kBrand 4.9, kMuted on the
// list background 5.5 and on the call-record pill 4.9, kDanger on the notice strip 5.1.
// The site's primary colour (branding.primary of /api/config, set through setBrand) and a darker one for
// text on white; these defaults until a site sets its own.
inline ImU32 kBrand = IM_COL32(9, 88, 217, 255);
inline ImU32 kBrandDark = IM_COL32(0, 62, 179, 255);
constexpr ImU32 kOnBrand = IM_COL32(255, 255, 255, 32); // pills on the header
constexpr ImU32 kBackground = IM_COL32(245, 246, 248, 255);
constexpr ImU32 kAgentBubble = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kAgentText = IM_COL32(31, 31, 31, 255);
constexpr ImU32 kVisitorText = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kMuted = IM_COL32(100, 100, 100, 255);
constexpr ImU32 kDanger = IM_COL32(207, 19, 34, 255);
constexpr ImU32 kOnline = IM_COL32(82, 196, 26, 255);
constexpr ImU32 kOffline = IM_COL32(191, 191, 191, 255);
constexpr ImU32 kBorder = IM_COL32(230, 230, 230, 255);
constexpr ImU32 kWhite = IM_COL32(255, 255, 255, 255);
// Selected text (ui/selection_paint.hpp): the brand colour at 32 % on light bubbles, white at 50 % on the
// visitor's own (the brand colour).
constexpr ImU32 kSelectionOnBrand = IM_COL32(255, 255, 255, 128);
inline ImU32 selection() { return (kBrand & ~IM_COL32_A_MASK) | ((ImU32)82 << IM_COL32_A_SHIFT); }

constexpr float kHeaderH = 60;
constexpr float kCallBarH = 48;
constexpr float kComposerH = 104;
constexpr float kBodyFont = 14;
constexpr float kTitleFont = 16;
constexpr float kRadius = 12;

void apply(float scale);
// rgb = 0xRRGGBB; the server has checked its contrast with white text.
void setBrand(unsigned rgb);

} // namespace kefu::ui::theme
