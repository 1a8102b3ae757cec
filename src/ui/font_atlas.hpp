// A font atlas that grows as text arrives. Glyphs are rasterized by the host (the browser's canvas with
// the visitor's own system fonts, CJK and colour emoji included), so the widget ships no font file.
// Dear ImGui 1.86 has no dynamic fonts; this fills ImFont/ImFontAtlas by hand instead of Build().
#pragma once

#include "core/grapheme.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

struct ImFont;
struct ImFontAtlas;

namespace kefu::ui {

struct GlyphBitmap {
    char32_t codepoint = 0;
    int width = 0, height = 0; // cell in texels; the whole line height
    float advance = 0;         // texels
    bool colored = false;      // emoji: drawn untinted
};

struct FontStyle {
    float pixelSize = 14; // CSS px × device pixel ratio
    bool bold = false;
};

// Rasterizes `texts` (one glyph each: a code point, or a whole grapheme cluster behind a key code point,
// see kefu::ClusterTable) with `style`; writes each glyph's RGBA (straight alpha, white for plain text)
// into `pixels` at the given origins with row stride `stride` (in pixels), and fills the metrics.
// `lineHeight` and `ascent` describe the cell. Returns false when the host cannot rasterize.
struct RasterRequest {
    FontStyle style;
    std::vector<char32_t> codepoints;  // the glyphs' code points in the atlas (keys for clusters)
    std::vector<std::string> texts;    // what each one draws (UTF-8)
    std::vector<int> originX, originY; // where each glyph's cell goes in the atlas
    std::vector<int> widths;           // cell widths (advance rounded up + 2 texels of overhang room)
    int cellHeight = 0;
};
using Rasterizer =
    std::function<bool(const RasterRequest&, std::uint8_t* atlasPixels, int stride, std::vector<GlyphBitmap>& out)>;
// Measures the advance of each text (texels) so cells can be packed before drawing.
using Measurer = std::function<std::vector<float>(const FontStyle&, const std::vector<std::string>&)>;

struct TextureOps {
    std::function<unsigned(int w, int h, const std::uint8_t* rgba)> create;
    std::function<void(unsigned tex, int x, int y, int w, int h, int stride, const std::uint8_t* rgba)> update;
    std::function<void(unsigned tex)> destroy;
};

class FontAtlas {
  public:
    FontAtlas(ImFontAtlas* atlas, Rasterizer raster, Measurer measure, TextureOps tex);
    ~FontAtlas();

    // Drops every glyph and sets the font sizes (on start and when the device pixel ratio changes); with
    // `ascii`, printable ASCII is rasterized in both fonts at once.
    void reset(float bodyPx, float titlePx, bool ascii = true);
    ImFont* body() const { return mFonts[0]; }
    ImFont* title() const { return mFonts[1]; }

    // Makes sure every codepoint of `utf8`, and every grapheme cluster of it as one glyph, has a glyph in both
    // fonts. Call between frames.
    void require(std::string_view utf8) {
        requireIn(0, utf8);
        requireIn(1, utf8);
    }
    // The same for one font: the bold title font draws only the agent's name, so the panel's text is not
    // rasterized twice (half the glyph work of the first open).
    void requireBody(std::string_view utf8) { requireIn(0, utf8); }
    void requireTitle(std::string_view utf8) { requireIn(1, utf8); }
    // `utf8` with each multi-code-point cluster replaced by its key: what text drawn cluster by cluster
    // (see text_layout.hpp) hands to the fonts.
    std::string encode(std::string_view utf8) { return mClusters.encode(utf8); }
    // The exact advance of a glyph (texels, unrounded: what the browser measured), for line breaking
    // that agrees with the browser's; ImGui's own glyphs keep rounded advances for crisp labels.
    float advance(const ImFont* font, char32_t cp) const;
    // Uploads what changed; returns true if glyphs were added since the last call.
    bool flush();
    // The GPU texture is gone (WebGL context lost and restored): upload everything again on flush().
    void textureLost() {
        mTexture = 0;
        mRecreate = true;
    }
    std::size_t glyphCount() const { return mKnown[0].size(); } // the body font's
    int textureSize() const { return mSize; }

  private:
    void requireIn(int font, std::string_view utf8);
    void addGlyphs(int fontIndex, const std::vector<char32_t>& cps);
    bool place(int w, int h, int& x, int& y);
    void grow();
    void publish();

    ImFontAtlas* mAtlas;
    Rasterizer mRaster;
    Measurer mMeasure;
    TextureOps mTex;
    ImFont* mFonts[2] = {nullptr, nullptr};
    FontStyle mStyles[2];
    std::unordered_set<char32_t> mKnown[2]; // per font: body, title
    kefu::ClusterTable mClusters;           // outlives reset(): keys stay valid for text already encoded
    std::vector<float> mExact[2];           // by index into the font's Glyphs; 0 for none
    std::vector<std::uint8_t> mPixels;
    int mSize = 0;
    int mShelfX = 0, mShelfY = 0, mShelfH = 0;
    unsigned mTexture = 0;
    int mDirtyY0 = 0, mDirtyY1 = 0;
    bool mRecreate = false;
};

} // namespace kefu::ui
