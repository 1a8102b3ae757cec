// Message text laid out for a bubble and drawn the way it was measured: lines from kefu::breakLines with
// the browser's exact glyph advances, links marked, and glyphs drawn cluster by cluster (an emoji
// sequence is one glyph, see kefu::ClusterTable) at whole-pixel positions so they stay crisp.
#pragma once

#include "core/linkify.hpp"

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace kefu::ui {

class FontAtlas;

struct TextPiece {
    std::string glyphs;     // encoded for the atlas (FontAtlas::encode)
    float x = 0, width = 0; // from the start of the line
    int link = -1;          // index into TextLayout::links, or -1
};

struct TextLine {
    std::size_t begin = 0, end = 0; // bytes of the text
    float width = 0;
    std::vector<TextPiece> pieces;
};

struct TextLayout {
    std::vector<TextLine> lines;
    std::vector<Link> links;
    float width = 0; // the widest line
};

// `atlas` may be null (then ImGui's glyph advances are used and clusters are not joined).
TextLayout layoutText(FontAtlas* atlas, const ImFont* font, std::string_view text, float wrapWidth);

struct LinkHit {
    ImVec2 min, max;
    std::string href;
};

// Draws `layout` with its first line's top-left at `pos`, one line per font->FontSize. Links are drawn in
// `linkCol` and underlined; their rectangles are appended to `hits`.
void drawText(ImDrawList* dl, const FontAtlas* atlas, const ImFont* font, const TextLayout& layout, ImVec2 pos,
              ImU32 col, ImU32 linkCol, std::vector<LinkHit>* hits);

} // namespace kefu::ui
