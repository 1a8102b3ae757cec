// The text selection of the DOM text layer, drawn in the canvas: the layer's own ::selection is transparent
// (its glyphs are), so the browser's highlight would sit over nothing. web/selection.js sends the selected
// text's line boxes whenever the selection or the layer's layout changes; the message list draws them under
// the glyphs of each bubble, so they survive redraws, new messages and the typing line.
#pragma once

#include "core/layout.hpp"

#include <imgui.h>

#include <string_view>
#include <vector>

namespace kefu::ui {

class SelectionPaint {
  public:
    // `rects`: "x y w h x y w h …", whole quarter CSS px, list content coordinates (the layer's own, which
    // scroll with the list). Anything else clears the selection. True when it changed.
    bool set(std::string_view rects);
    const std::vector<Rect>& rects() const { return mRects; }
    // Fills the parts of the rects inside [clipMin, clipMax) (screen texels), list content (0, 0) being at
    // `origin` and one CSS px `scale` texels.
    void paint(ImDrawList* dl, ImVec2 origin, float scale, ImVec2 clipMin, ImVec2 clipMax, ImU32 colour) const;

    static constexpr std::size_t kMaxRects = 4096; // a select-all of a long history stays well under this

  private:
    std::vector<Rect> mRects;
};

} // namespace kefu::ui
