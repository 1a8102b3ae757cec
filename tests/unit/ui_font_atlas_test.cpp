// The glyph atlas that grows as text arrives (src/ui/font_atlas.cpp), driven by a fake host: no GPU, no browser.
#include <gtest/gtest.h>

#include "ui/font_atlas.hpp"
#include "ui_fakes.hpp"

#include <imgui.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

using namespace kefu;
using kefu::test::FakeGlyphHost;
using kefu::ui::FontAtlas;

namespace {

std::string utf8(char32_t cp) {
    std::string s;
    if (cp < 0x80) {
        s += (char)cp;
    } else if (cp < 0x800) {
        s += (char)(0xC0 | (cp >> 6));
        s += (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        s += (char)(0xE0 | (cp >> 12));
        s += (char)(0x80 | ((cp >> 6) & 0x3F));
        s += (char)(0x80 | (cp & 0x3F));
    } else {
        s += (char)(0xF0 | (cp >> 18));
        s += (char)(0x80 | ((cp >> 12) & 0x3F));
        s += (char)(0x80 | ((cp >> 6) & 0x3F));
        s += (char)(0x80 | (cp & 0x3F));
    }
    return s;
}

// `n` CJK ideographs from U+4E00 + `from`.
std::string ideographs(int from, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += utf8(0x4E00 + from + i);
    return s;
}

// Glyphs the atlas placed (ImGui's own TAB glyph is a copy of the space's cell, not a cell of its own).
std::vector<const ImFontGlyph*> cells(const ImFont* f) {
    std::vector<const ImFontGlyph*> out;
    for (const ImFontGlyph& g : f->Glyphs)
        if (g.Codepoint != '\t') out.push_back(&g);
    return out;
}

class FontAtlasTest : public ::testing::Test {
  protected:
    ImFontAtlas imAtlas;
    FakeGlyphHost host;
    std::unique_ptr<FontAtlas> atlas =
        std::make_unique<FontAtlas>(&imAtlas, host.rasterizer(), host.measurer(), host.textureOps());

    // The texture the fonts currently draw from.
    unsigned texture() const { return (unsigned)(intptr_t)imAtlas.TexID; }

    // Each glyph's cell, looked up through its UVs in the uploaded texture, holds that glyph's pixels.
    void expectGlyphsShowThemselves(const ImFont* f) {
        const int size = atlas->textureSize();
        for (const ImFontGlyph* g : cells(f)) {
            const int cx = (int)std::floor((g->U0 + g->U1) / 2 * size);
            const int cy = (int)std::floor((g->V0 + g->V1) / 2 * size);
            EXPECT_EQ(host.texel(texture(), cx, cy), FakeGlyphHost::marker(g->Codepoint))
                << "U+" << std::hex << g->Codepoint;
        }
    }

    // No two cells share a texel, none covers the white block, all lie inside the texture.
    void expectCellsDisjoint() {
        const int size = atlas->textureSize();
        std::vector<bool> used((std::size_t)size * size, false);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 3; ++x) used[(std::size_t)y * size + x] = true;
        for (const ImFont* f : {atlas->body(), atlas->title()})
            for (const ImFontGlyph* g : cells(f)) {
                const int x0 = (int)std::lround(g->U0 * size), x1 = (int)std::lround(g->U1 * size);
                const int y0 = (int)std::lround(g->V0 * size), y1 = (int)std::lround(g->V1 * size);
                ASSERT_GE(x0, 0);
                ASSERT_GE(y0, 0);
                ASSERT_LE(x1, size);
                ASSERT_LE(y1, size);
                for (int y = y0; y < y1; ++y)
                    for (int x = x0; x < x1; ++x) {
                        ASSERT_FALSE(used[(std::size_t)y * size + x])
                            << "U+" << std::hex << g->Codepoint << " overlaps at " << std::dec << x << "," << y;
                        used[(std::size_t)y * size + x] = true;
                    }
            }
    }
};

} // namespace

TEST_F(FontAtlasTest, ResetBuildsBodyAndTitleFontsWithAscii) {
    atlas->reset(14, 16);
    ASSERT_NE(atlas->body(), nullptr);
    ASSERT_NE(atlas->title(), nullptr);
    EXPECT_NE(atlas->body(), atlas->title());
    ASSERT_EQ(imAtlas.Fonts.Size, 2);
    EXPECT_EQ(imAtlas.Fonts[0], atlas->body());
    EXPECT_EQ(imAtlas.Fonts[1], atlas->title());
    for (char32_t c = 0x20; c < 0x7F; ++c) {
        EXPECT_NE(atlas->body()->FindGlyphNoFallback((ImWchar)c), nullptr) << (char)c;
        EXPECT_NE(atlas->title()->FindGlyphNoFallback((ImWchar)c), nullptr) << (char)c;
    }
    EXPECT_NE(atlas->body()->FindGlyphNoFallback((ImWchar)0x2026), nullptr); // ellipsis
    EXPECT_EQ(atlas->glyphCount(), 95u + 1u);
    EXPECT_EQ(atlas->textureSize(), 512);

    // Line height 1.35 × the pixel size; advances as measured, rounded to whole texels.
    EXPECT_EQ(atlas->body()->FontSize, std::ceil(14 * 1.35f));
    EXPECT_EQ(atlas->title()->FontSize, std::ceil(16 * 1.35f));
    EXPECT_EQ(atlas->body()->FindGlyph('A')->AdvanceX, std::round(14 * FakeGlyphHost::kAdvance));
    EXPECT_EQ(atlas->title()->FindGlyph('A')->AdvanceX, std::round(16 * FakeGlyphHost::kAdvance));
    EXPECT_EQ(atlas->body()->FallbackChar, (ImWchar)'?');

    // One batch per font: regular body, bold title, at their pixel sizes.
    ASSERT_EQ(host.rasterCalls, 2);
    EXPECT_FALSE(host.requests[0].style.bold);
    EXPECT_EQ(host.requests[0].style.pixelSize, 14);
    EXPECT_TRUE(host.requests[1].style.bold);
    EXPECT_EQ(host.requests[1].style.pixelSize, 16);
    EXPECT_EQ(host.requests[0].cellHeight, (int)atlas->body()->FontSize);
    EXPECT_EQ(host.requests[1].cellHeight, (int)atlas->title()->FontSize);
}

TEST_F(FontAtlasTest, ResetForANewPixelRatioDropsEveryGlyph) {
    atlas->reset(14, 16);
    atlas->require("你好");
    ASSERT_NE(atlas->body()->FindGlyphNoFallback((ImWchar)U'你'), nullptr);
    atlas->flush();

    atlas->reset(28, 32);
    EXPECT_EQ(imAtlas.Fonts.Size, 2);
    EXPECT_EQ(atlas->body()->FindGlyphNoFallback((ImWchar)U'你'), nullptr);
    EXPECT_EQ(atlas->glyphCount(), 96u);
    EXPECT_EQ(atlas->body()->FontSize, std::ceil(28 * 1.35f));
    EXPECT_EQ(host.requests.back().style.pixelSize, 32);
    // Known again only once asked for again, at the new size.
    const int calls = host.rasterCalls;
    atlas->require("你");
    EXPECT_EQ(host.rasterCalls, calls + 2);
    EXPECT_EQ(host.requests.back().style.pixelSize, 32);

    // The texture is rebuilt (not patched) at the next flush.
    host.ops.clear();
    ASSERT_TRUE(atlas->flush());
    ASSERT_GE(host.ops.size(), 1u);
    EXPECT_EQ(host.ops[0].kind, "destroy");
    EXPECT_EQ(host.ops.back().kind, "create");
}

TEST_F(FontAtlasTest, RequireRasterizesEachNewCodePointOnce) {
    atlas->reset(14, 16);
    const std::size_t before = atlas->glyphCount();
    host.rasterCalls = 0;
    host.requests.clear();

    atlas->require("你好😀");
    EXPECT_EQ(atlas->glyphCount(), before + 3);
    ASSERT_EQ(host.rasterCalls, 2); // body and title
    for (const ui::RasterRequest& r : host.requests)
        EXPECT_EQ(r.codepoints, (std::vector<char32_t>{U'你', U'好', U'😀'}));
    for (const ImFont* f : {atlas->body(), atlas->title()}) {
        EXPECT_NE(f->FindGlyphNoFallback((ImWchar)U'你'), nullptr);
        EXPECT_NE(f->FindGlyphNoFallback((ImWchar)U'好'), nullptr);
        EXPECT_NE(f->FindGlyphNoFallback((ImWchar)0x1F600), nullptr);
    }

    // Known code points are never drawn again, whatever text they arrive in.
    atlas->require("你好😀");
    atlas->require("好你 ok😀你");
    atlas->require("");
    EXPECT_EQ(host.rasterCalls, 2);
    EXPECT_EQ(atlas->glyphCount(), before + 3);

    // Only the new one of a mixed string; repeats within a string count once.
    atlas->require("你好吗吗");
    ASSERT_EQ(host.rasterCalls, 4);
    EXPECT_EQ(host.requests.back().codepoints, std::vector<char32_t>{U'吗'});
    EXPECT_EQ(atlas->glyphCount(), before + 4);
}

TEST_F(FontAtlasTest, ControlsAndLineBreaksNeverBecomeGlyphs) {
    atlas->reset(14, 16);
    const std::size_t before = atlas->glyphCount();
    const int calls = host.rasterCalls;
    atlas->require("a\nb\r\nc\td\x01\x1b\x1f");
    EXPECT_EQ(atlas->glyphCount(), before);
    EXPECT_EQ(host.rasterCalls, calls);

    atlas->require("第一行\n第二行\r\n\t第三行");
    for (const ui::RasterRequest& r : host.requests)
        for (char32_t cp : r.codepoints)
            EXPECT_GE((std::uint32_t)cp, 0x20u) << "control U+" << std::hex << (std::uint32_t)cp << " rasterized";
    EXPECT_EQ(atlas->body()->FindGlyphNoFallback((ImWchar)'\n'), nullptr);
    EXPECT_EQ(atlas->body()->FindGlyphNoFallback((ImWchar)'\r'), nullptr);
    EXPECT_EQ(atlas->glyphCount(), before + 5); // 第 一 行 二 三
}

TEST_F(FontAtlasTest, ColouredFlagFollowsTheRasterizer) {
    atlas->reset(14, 16);
    atlas->require("字😀🎉✅");
    for (const ImFont* f : {atlas->body(), atlas->title()}) {
        EXPECT_TRUE(f->FindGlyphNoFallback((ImWchar)0x1F600)->Colored);
        EXPECT_TRUE(f->FindGlyphNoFallback((ImWchar)0x1F389)->Colored);
        EXPECT_FALSE(f->FindGlyphNoFallback((ImWchar)0x2705)->Colored); // below U+1F300 in the fake host
        EXPECT_FALSE(f->FindGlyphNoFallback((ImWchar)U'字')->Colored);
        EXPECT_FALSE(f->FindGlyph('A')->Colored);
    }
    // A host with only a monochrome emoji font: its emoji are tinted like text.
    host.colorEmoji = false;
    atlas->require("😂");
    EXPECT_FALSE(atlas->body()->FindGlyphNoFallback((ImWchar)0x1F602)->Colored);
}

// The first open's cost: ImGui's lookup tables run up to the highest code point in each font. An emoji
// cluster (the picker's 👍🏽, a ZWJ family) must not stretch them to megabytes per font.
TEST_F(FontAtlasTest, EmojiClustersKeepTheLookupTablesSmall) {
    atlas->reset(14, 16);
    atlas->require("好👍🏽👨\u200d👩\u200d👧😀");
    for (const ImFont* f : {atlas->body(), atlas->title()}) {
        EXPECT_LE(f->IndexLookup.Size, 0x20000) << "lookup table of " << f->IndexLookup.Size << " entries";
        EXPECT_LE(f->IndexAdvanceX.Size, 0x20000);
        EXPECT_NE(f->FindGlyphNoFallback((ImWchar)0x1F600), nullptr);
    }
}

TEST_F(FontAtlasTest, WithoutMetricsFromTheHostGlyphsStillGetCellsAndAdvances) {
    // A failing rasterizer and a measurer returning the wrong count: the fonts stay usable.
    FontAtlas bare(
        &imAtlas, [](const ui::RasterRequest&, std::uint8_t*, int, std::vector<ui::GlyphBitmap>&) { return false; },
        [](const ui::FontStyle&, const std::vector<std::string>&) { return std::vector<float>{}; }, host.textureOps());
    bare.reset(14, 16);
    ASSERT_NE(bare.body()->FindGlyphNoFallback('A'), nullptr);
    EXPECT_EQ(bare.body()->FindGlyph('A')->AdvanceX, 14); // falls back to the pixel size
    EXPECT_GT(bare.body()->FindGlyph('A')->U1, bare.body()->FindGlyph('A')->U0);
    EXPECT_TRUE(bare.flush());
}

TEST_F(FontAtlasTest, FlushCreatesTheTextureFirstThenUploadsOnlyTheDirtyBand) {
    atlas->reset(14, 16);
    EXPECT_FALSE(imAtlas.TexReady);
    ASSERT_TRUE(atlas->flush());
    ASSERT_EQ(host.ops.size(), 1u);
    EXPECT_EQ(host.ops[0].kind, "create");
    EXPECT_EQ(host.ops[0].w, 512);
    EXPECT_EQ(host.ops[0].h, 512);

    // Published for ImGui: texture id, size, the white pixel for solid fills, ready.
    EXPECT_TRUE(imAtlas.TexReady);
    EXPECT_TRUE(imAtlas.IsBuilt());
    EXPECT_EQ(texture(), host.ops[0].tex);
    EXPECT_EQ(imAtlas.TexWidth, 512);
    EXPECT_EQ(imAtlas.TexHeight, 512);
    EXPECT_FLOAT_EQ(imAtlas.TexUvScale.x, 1.0f / 512);
    const int wx = (int)(imAtlas.TexUvWhitePixel.x * 512), wy = (int)(imAtlas.TexUvWhitePixel.y * 512);
    EXPECT_EQ(host.texel(texture(), wx, wy), 0xFFFFFFu); // opaque white
    expectGlyphsShowThemselves(atlas->body());
    expectGlyphsShowThemselves(atlas->title());

    // Nothing new: nothing to do.
    EXPECT_FALSE(atlas->flush());
    EXPECT_EQ(host.ops.size(), 1u);
    atlas->require("hello"); // all known
    EXPECT_FALSE(atlas->flush());
    EXPECT_EQ(host.ops.size(), 1u);

    // New glyphs: one update of the rows they occupy, full width, same texture.
    atlas->require("你好");
    ASSERT_TRUE(atlas->flush());
    ASSERT_EQ(host.ops.size(), 2u);
    const FakeGlyphHost::TexOp& up = host.ops[1];
    EXPECT_EQ(up.kind, "update");
    EXPECT_EQ(up.tex, texture());
    EXPECT_EQ(up.x, 0);
    EXPECT_EQ(up.w, 512);
    EXPECT_EQ(up.stride, 512);
    EXPECT_GT(up.h, 0);
    EXPECT_LT(up.h, 512); // a band, not the whole texture
    for (const ImFont* f : {atlas->body(), atlas->title()})
        for (char32_t cp : {U'你', U'好'}) {
            const ImFontGlyph* g = f->FindGlyphNoFallback((ImWchar)cp);
            ASSERT_NE(g, nullptr);
            EXPECT_GE(g->V0 * 512, up.y - 0.01f);
            EXPECT_LE(g->V1 * 512, up.y + up.h + 0.01f);
        }
    expectGlyphsShowThemselves(atlas->body());
    expectGlyphsShowThemselves(atlas->title());
    EXPECT_FALSE(atlas->flush());
    EXPECT_EQ(host.ops.size(), 2u);
}

TEST_F(FontAtlasTest, DestroysItsTextureWhenDestroyed) {
    atlas->reset(14, 16);
    atlas->flush();
    const unsigned tex = texture();
    atlas.reset();
    ASSERT_FALSE(host.ops.empty());
    EXPECT_EQ(host.ops.back().kind, "destroy");
    EXPECT_EQ(host.ops.back().tex, tex);
}

TEST_F(FontAtlasTest, GrowsWhenFullAndKeepsExistingGlyphsOnTheirTexels) {
    atlas->reset(14, 16);
    atlas->require("你好😀");
    ASSERT_TRUE(atlas->flush());
    ASSERT_EQ(atlas->textureSize(), 512);
    const unsigned first = texture();

    struct Before {
        const ImFont* font;
        ImWchar cp;
        float u0, v0, u1, v1; // in texels
    };
    std::vector<Before> before;
    for (const ImFont* f : {atlas->body(), atlas->title()})
        for (const ImFontGlyph* g : cells(f))
            before.push_back({f, (ImWchar)g->Codepoint, g->U0 * 512, g->V0 * 512, g->U1 * 512, g->V1 * 512});

    // ~1000 more ideographs (two cells each) do not fit in 512².
    atlas->require(ideographs(100, 1000));
    EXPECT_EQ(atlas->textureSize(), 1024);
    for (const Before& b : before) {
        const ImFontGlyph* g = b.font->FindGlyphNoFallback(b.cp);
        ASSERT_NE(g, nullptr);
        EXPECT_FLOAT_EQ(g->U0 * 1024, b.u0) << "U+" << std::hex << (unsigned)b.cp;
        EXPECT_FLOAT_EQ(g->V0 * 1024, b.v0) << "U+" << std::hex << (unsigned)b.cp;
        EXPECT_FLOAT_EQ(g->U1 * 1024, b.u1) << "U+" << std::hex << (unsigned)b.cp;
        EXPECT_FLOAT_EQ(g->V1 * 1024, b.v1) << "U+" << std::hex << (unsigned)b.cp;
    }

    // A bigger texture replaces the old one; ImGui gets its new size and white pixel.
    host.ops.clear();
    ASSERT_TRUE(atlas->flush());
    ASSERT_EQ(host.ops.size(), 2u);
    EXPECT_EQ(host.ops[0].kind, "destroy");
    EXPECT_EQ(host.ops[0].tex, first);
    EXPECT_EQ(host.ops[1].kind, "create");
    EXPECT_EQ(host.ops[1].w, 1024);
    EXPECT_EQ(texture(), host.ops[1].tex);
    EXPECT_EQ(imAtlas.TexWidth, 1024);
    EXPECT_FLOAT_EQ(imAtlas.TexUvWhitePixel.x, 1.5f / 1024);
    EXPECT_EQ(host.texel(texture(), 1, 1), 0xFFFFFFu);

    // Old and new glyphs alike point at their own pixels, and no two cells overlap.
    expectGlyphsShowThemselves(atlas->body());
    expectGlyphsShowThemselves(atlas->title());
    expectCellsDisjoint();

    // Further glyphs land in the grown texture through band updates.
    host.ops.clear();
    atlas->require(ideographs(1200, 10));
    ASSERT_TRUE(atlas->flush());
    ASSERT_EQ(host.ops.size(), 1u);
    EXPECT_EQ(host.ops[0].kind, "update");
    expectGlyphsShowThemselves(atlas->body());
    expectGlyphsShowThemselves(atlas->title());
}

TEST_F(FontAtlasTest, GrowsAcrossSeveralSizesInOneRequest) {
    atlas->reset(14, 16);
    atlas->require(ideographs(0, 6000));
    EXPECT_EQ(atlas->textureSize(), 4096);
    EXPECT_EQ(atlas->glyphCount(), 96u + 6000u);
    ASSERT_TRUE(atlas->flush());
    expectGlyphsShowThemselves(atlas->body());
    expectGlyphsShowThemselves(atlas->title());
    expectCellsDisjoint();
}

TEST_F(FontAtlasTest, AFullAtlasStillDrawsTheGlyphsThatFit) {
    // At 280 px the largest atlas holds all of ASCII in the body font but only part of it in the title font.
    atlas->reset(280, 280);
    EXPECT_EQ(atlas->textureSize(), 4096);
    for (char32_t c = 0x20; c < 0x7F; ++c)
        EXPECT_NE(atlas->body()->FindGlyphNoFallback((ImWchar)c), nullptr) << (char)c;
    // The title glyphs that found room are drawable; the rest fall back.
    EXPECT_GT(cells(atlas->title()).size(), 0u);
    ASSERT_NE(atlas->title()->FallbackGlyph, nullptr);
    EXPECT_NE(atlas->title()->FindGlyphNoFallback((ImWchar)' '), nullptr);
    // Every code point handed to the rasterizer ended up in the font it was drawn for.
    for (const ui::RasterRequest& r : host.requests) {
        const ImFont* f = r.style.bold ? atlas->title() : atlas->body();
        for (char32_t cp : r.codepoints)
            EXPECT_NE(f->FindGlyphNoFallback((ImWchar)cp), nullptr) << "U+" << std::hex << (unsigned)cp;
    }

    // Once full, new text costs no rasterizer work and breaks nothing.
    const int calls = host.rasterCalls;
    atlas->require("你好");
    EXPECT_EQ(host.rasterCalls, calls);
    EXPECT_EQ(atlas->body()->FindGlyph((ImWchar)U'你'), atlas->body()->FallbackGlyph);
    ASSERT_TRUE(atlas->flush());
    expectGlyphsShowThemselves(atlas->body());
    expectGlyphsShowThemselves(atlas->title());
    expectCellsDisjoint();
}

TEST_F(FontAtlasTest, GlyphListHoldsOneGlyphPerCodePointWhateverTheBatches) {
    atlas->reset(14, 16);
    for (const char* batch : {"你", "好", "吗", "😀", "谢谢"}) atlas->require(batch);
    atlas->require("\x7f\xc2\x85"); // DEL and a C1 control: never glyphs
    for (const ImFont* f : {atlas->body(), atlas->title()}) {
        int tabs = 0;
        for (const ImFontGlyph& g : f->Glyphs) tabs += g.Codepoint == '\t';
        EXPECT_EQ(tabs, 1) << "one tab glyph, not one per batch";
        EXPECT_EQ(f->FindGlyphNoFallback((ImWchar)0x7F), nullptr);
        EXPECT_EQ(f->FindGlyphNoFallback((ImWchar)0x85), nullptr);
        EXPECT_EQ((std::size_t)f->Glyphs.Size, atlas->glyphCount() + 1); // + the tab
    }
}
