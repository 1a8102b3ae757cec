// Test doubles for the glyph atlas host (src/ui/font_atlas.hpp): a rasterizer with known metrics and a texture
// that mirrors what would be uploaded to the GPU, so the chat panel can be drawn headless.
//
// Every glyph advances 0.6 × the pixel size. The rasterizer fills each glyph's cell (inside its 1-texel
// margins) with a solid block whose RGB encodes the code point, and reports code points from U+1F300 up as
// coloured (emoji).
#pragma once

#include "core/grapheme.hpp"
#include "ui/font_atlas.hpp"

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace kefu::test {

class FakeGlyphHost {
  public:
    static constexpr float kAdvance = 0.6f; // × pixel size

    struct TexOp {
        std::string kind; // "create", "update", "destroy"
        unsigned tex = 0;
        int x = 0, y = 0, w = 0, h = 0, stride = 0;
    };

    int rasterCalls = 0;
    std::vector<ui::RasterRequest> requests;
    std::vector<TexOp> ops;
    std::map<unsigned, std::vector<std::uint8_t>> textures; // what the "GPU" holds, by texture id
    std::map<unsigned, int> textureSize;
    bool colorEmoji = true; // false: the host only has a monochrome emoji font

    static std::uint32_t marker(char32_t cp) { return (std::uint32_t)cp & 0xFFFFFF; }

    ui::Rasterizer rasterizer() {
        return [this](const ui::RasterRequest& r, std::uint8_t* pixels, int stride, std::vector<ui::GlyphBitmap>& out) {
            ++rasterCalls;
            requests.push_back(r);
            out.clear();
            for (std::size_t i = 0; i < r.codepoints.size(); ++i) {
                const char32_t cp = r.codepoints[i];
                const std::uint32_t m = marker(cp);
                for (int y = r.originY[i]; y < r.originY[i] + r.cellHeight; ++y)
                    for (int x = r.originX[i] + 1; x < r.originX[i] + r.widths[i] - 1; ++x) {
                        std::uint8_t* p = pixels + ((std::size_t)y * stride + x) * 4;
                        p[0] = m & 0xFF;
                        p[1] = (m >> 8) & 0xFF;
                        p[2] = (m >> 16) & 0xFF;
                        p[3] = 0xFF;
                    }
                ui::GlyphBitmap g;
                g.codepoint = cp;
                g.width = r.widths[i];
                g.height = r.cellHeight;
                g.advance = kAdvance * r.style.pixelSize;
                // Like a colour emoji font: single emoji from U+1F300, and every cluster (a key standing for
                // an emoji sequence).
                g.colored = colorEmoji && (cp >= 0x1F300 || kefu::ClusterTable::isKey(cp));
                out.push_back(g);
            }
            return true;
        };
    }

    ui::Measurer measurer() {
        return [](const ui::FontStyle& s, const std::vector<std::string>& texts) {
            return std::vector<float>(texts.size(), kAdvance * s.pixelSize);
        };
    }

    ui::TextureOps textureOps() {
        ui::TextureOps t;
        t.create = [this](int w, int h, const std::uint8_t* rgba) {
            const unsigned id = ++nextId_;
            ops.push_back({"create", id, 0, 0, w, h, w});
            textures[id].assign(rgba, rgba + (std::size_t)w * h * 4);
            textureSize[id] = w;
            return id;
        };
        t.update = [this](unsigned tex, int x, int y, int w, int h, int stride, const std::uint8_t* rgba) {
            ops.push_back({"update", tex, x, y, w, h, stride});
            std::vector<std::uint8_t>& dst = textures[tex];
            const int size = textureSize[tex];
            for (int row = y; row < y + h; ++row)
                std::memcpy(&dst[((std::size_t)row * size + x) * 4], rgba + ((std::size_t)row * stride + x) * 4,
                            (std::size_t)w * 4);
        };
        t.destroy = [this](unsigned tex) {
            ops.push_back({"destroy", tex});
            textures.erase(tex);
            textureSize.erase(tex);
        };
        return t;
    }

    // The code point encoded at texel (x, y) of texture `tex`, or ~0u when transparent.
    std::uint32_t texel(unsigned tex, int x, int y) const {
        const std::vector<std::uint8_t>& t = textures.at(tex);
        const int size = textureSize.at(tex);
        const std::uint8_t* p = &t[((std::size_t)y * size + x) * 4];
        if (p[3] == 0) return ~0u;
        return (std::uint32_t)p[0] | ((std::uint32_t)p[1] << 8) | ((std::uint32_t)p[2] << 16);
    }

  private:
    unsigned nextId_ = 0;
};

} // namespace kefu::test
