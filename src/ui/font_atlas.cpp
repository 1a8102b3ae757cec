#include "ui/font_atlas.hpp"

#include "core/text.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace kefu::ui {
namespace {

constexpr int kPad = 1;         // texels between cells, so linear filtering never bleeds
constexpr int kFirstSize = 512; // grows ×2 when full
constexpr int kMaxSize = 4096;

// ImFont::BuildLookupTable() frees its tables and refills them up to the highest code point on every
// call: hundreds of KB per batch once CJK or emoji are in. Only the glyphs from `from`
// on are new: index just those (unknown code points keep the fallback's advance, as it sets them).
void indexGlyphs(ImFont* f, int from) {
    int top = f->IndexLookup.Size;
    for (int i = from; i < f->Glyphs.Size; ++i) top = std::max(top, (int)f->Glyphs[i].Codepoint + 1);
    f->IndexAdvanceX.resize(top, f->FallbackAdvanceX);
    f->IndexLookup.resize(top, (ImWchar)-1);
    for (int i = from; i < f->Glyphs.Size; ++i) {
        const int cp = (int)f->Glyphs[i].Codepoint, page = cp / 4096;
        f->IndexAdvanceX[cp] = f->Glyphs[i].AdvanceX;
        f->IndexLookup[cp] = (ImWchar)i;
        f->Used4kPagesMap[page >> 3] |= (ImU8)(1 << (page & 7));
    }
    // AddGlyph may have moved Glyphs: the fallback glyph is a pointer into it.
    if (const ImFontGlyph* g = f->FindGlyphNoFallback(f->FallbackChar)) f->FallbackGlyph = g;
    f->DirtyLookupTables = false;
}

} // namespace

FontAtlas::FontAtlas(ImFontAtlas* atlas, Rasterizer raster, Measurer measure, TextureOps tex)
    : mAtlas(atlas), mRaster(std::move(raster)), mMeasure(std::move(measure)), mTex(std::move(tex)) {}

FontAtlas::~FontAtlas() {
    if (mTexture && mTex.destroy) mTex.destroy(mTexture);
}

void FontAtlas::reset(float bodyPx, float titlePx, bool ascii) {
    for (ImFont* f : mAtlas->Fonts) IM_DELETE(f);
    mAtlas->Fonts.clear();
    mAtlas->Flags |= ImFontAtlasFlags_NoBakedLines | ImFontAtlasFlags_NoMouseCursors;
    mKnown[0].clear();
    mKnown[1].clear();
    mExact[0].clear();
    mExact[1].clear();
    mSize = kFirstSize;
    mPixels.assign((std::size_t)mSize * mSize * 4, 0);
    // A white block for solid fills (TexUvWhitePixel).
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x) std::memset(&mPixels[((std::size_t)y * mSize + x) * 4], 0xFF, 4);
    mShelfX = 3 + kPad;
    mShelfY = 0;
    mShelfH = 3;
    mStyles[0] = {bodyPx, false};
    mStyles[1] = {titlePx, true};
    for (int i = 0; i < 2; ++i) {
        ImFont* f = IM_NEW(ImFont);
        f->ContainerAtlas = mAtlas;
        f->FontSize = std::ceil(mStyles[i].pixelSize * 1.35f);
        f->Ascent = std::round(f->FontSize * 0.8f);
        f->Descent = f->Ascent - f->FontSize;
        f->FallbackChar = (ImWchar)'?';
        mAtlas->Fonts.push_back(f);
        mFonts[i] = f;
    }
    mRecreate = true;
    // The space, the fallback and the ellipsis always; printable ASCII up front unless the caller asks for
    // exactly what it draws (the widget's first open: ChatPanel::requireGlyphs brings ASCII after it).
    std::string first = " ?\xE2\x80\xA6";
    for (char c = 0x20; ascii && c < 0x7F; ++c) first.push_back(c);
    require(first);
}

void FontAtlas::requireIn(int font, std::string_view utf8) {
    std::vector<char32_t> missing;
    auto want = [&](char32_t cp) {
        // Line breaks and controls (C0, DEL, C1) are never drawn as glyphs.
        if (cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F) && mKnown[font].insert(cp).second) missing.push_back(cp);
    };
    // The code points for text ImGui draws itself, the cluster keys for text drawn by cluster.
    for (char32_t cp : kefu::decodeUtf8(utf8))
        if (!kefu::ClusterTable::isKey(cp)) want(cp);
    for (char32_t cp : kefu::decodeUtf8(mClusters.encode(utf8)))
        if (kefu::ClusterTable::isKey(cp)) want(cp);
    if (!missing.empty()) addGlyphs(font, missing);
}

float FontAtlas::advance(const ImFont* font, char32_t cp) const {
    const int i = font == mFonts[1] ? 1 : 0;
    const ImFontGlyph* g = font ? font->FindGlyph((ImWchar)cp) : nullptr;
    if (!g) return 0.0f;
    const std::size_t at = (std::size_t)(g - font->Glyphs.Data);
    return at < mExact[i].size() && mExact[i][at] > 0 ? mExact[i][at] : g->AdvanceX;
}

bool FontAtlas::place(int w, int h, int& x, int& y) {
    if (mShelfX + w > mSize) {
        mShelfY += mShelfH + kPad;
        mShelfX = 0;
        mShelfH = 0;
    }
    if (mShelfY + h > mSize) return false;
    x = mShelfX;
    y = mShelfY;
    mShelfX += w + kPad;
    mShelfH = std::max(mShelfH, h);
    return true;
}

void FontAtlas::grow() {
    const int old = mSize;
    mSize = std::min(old * 2, kMaxSize);
    std::vector<std::uint8_t> pixels((std::size_t)mSize * mSize * 4, 0);
    for (int y = 0; y < old; ++y)
        std::memcpy(&pixels[(std::size_t)y * mSize * 4], &mPixels[(std::size_t)y * old * 4], (std::size_t)old * 4);
    mPixels.swap(pixels);
    const float k = (float)old / (float)mSize;
    for (ImFont* f : mFonts)
        for (ImFontGlyph& g : f->Glyphs) {
            g.U0 *= k;
            g.U1 *= k;
            g.V0 *= k;
            g.V1 *= k;
        }
    // The new space is to the right of the old square and below it; continue below.
    mShelfX = 0;
    mShelfY = old + kPad;
    mShelfH = 0;
    mRecreate = true;
}

void FontAtlas::addGlyphs(int fontIndex, const std::vector<char32_t>& cps) {
    ImFont* font = mFonts[fontIndex];
    const FontStyle& style = mStyles[fontIndex];
    const int cellH = (int)font->FontSize;
    std::vector<std::string> texts;
    for (char32_t cp : cps) {
        const std::string* c = mClusters.cluster(cp);
        texts.emplace_back(c ? *c : std::string());
        if (!c) kefu::appendUtf8(texts.back(), cp);
    }
    std::vector<float> adv = mMeasure ? mMeasure(style, texts) : std::vector<float>(cps.size(), style.pixelSize);
    if (adv.size() != cps.size()) adv.assign(cps.size(), style.pixelSize);

    RasterRequest req;
    req.style = style;
    req.cellHeight = cellH;
    std::vector<int>& widths = req.widths;
    for (std::size_t i = 0; i < cps.size(); ++i) {
        int w = (int)std::ceil(adv[i]) + 2; // 1 texel each side for overhangs
        int x = 0, y = 0;
        bool full = false;
        while (!full && !place(w, cellH, x, y)) {
            if (mSize >= kMaxSize)
                full = true;
            else
                grow();
        }
        if (full) break; // this glyph and the rest fall back to '?'; the ones already placed are still drawn
        req.codepoints.push_back(cps[i]);
        req.texts.push_back(texts[i]);
        req.originX.push_back(x);
        req.originY.push_back(y);
        widths.push_back(w);
        mDirtyY0 = mRecreate ? 0 : std::min(mDirtyY0, y);
        mDirtyY1 = std::max(mDirtyY1, y + cellH);
    }
    if (req.codepoints.empty()) return;
    std::vector<GlyphBitmap> out;
    if (!mRaster || !mRaster(req, mPixels.data(), mSize, out) || out.size() != req.codepoints.size())
        out.assign(req.codepoints.size(), GlyphBitmap{});

    const int from = font->Glyphs.Size; // the first batch (ASCII, from reset()) builds the tables whole
    const float inv = 1.0f / (float)mSize;
    for (std::size_t i = 0; i < req.codepoints.size(); ++i) {
        const float x = (float)req.originX[i], y = (float)req.originY[i], w = (float)widths[i];
        const float advance = out[i].advance > 0 ? out[i].advance : adv[i];
        font->AddGlyph(nullptr, (ImWchar)req.codepoints[i], -1.0f, 0.0f, w - 1.0f, (float)cellH, x * inv, y * inv,
                       (x + w) * inv, (y + (float)cellH) * inv, std::round(advance));
        font->Glyphs.back().Colored = out[i].colored; // a monochrome fallback emoji is tinted like text
        mExact[fontIndex].resize((std::size_t)font->Glyphs.Size, 0.0f);
        mExact[fontIndex].back() = advance;
    }
    if (from == 0)
        font->BuildLookupTable();
    else
        indexGlyphs(font, from);
}

bool FontAtlas::flush() {
    if (!mRecreate && mDirtyY1 <= mDirtyY0) return false;
    if (mRecreate || !mTexture) {
        if (mTexture && mTex.destroy) mTex.destroy(mTexture);
        mTexture = mTex.create ? mTex.create(mSize, mSize, mPixels.data()) : 0;
    } else if (mTex.update) {
        mTex.update(mTexture, 0, mDirtyY0, mSize, mDirtyY1 - mDirtyY0, mSize, mPixels.data());
    }
    mRecreate = false;
    mDirtyY0 = mSize;
    mDirtyY1 = 0;
    publish();
    return true;
}

void FontAtlas::publish() {
    mAtlas->TexID = (ImTextureID)(intptr_t)mTexture;
    mAtlas->TexWidth = mAtlas->TexHeight = mSize;
    mAtlas->TexUvScale = ImVec2(1.0f / (float)mSize, 1.0f / (float)mSize);
    mAtlas->TexUvWhitePixel = ImVec2(1.5f / (float)mSize, 1.5f / (float)mSize);
    mAtlas->TexReady = true;
}

} // namespace kefu::ui
