#include "ui/text_layout.hpp"

#include "core/grapheme.hpp"
#include "core/line_break.hpp"
#include "core/text.hpp"
#include "ui/font_atlas.hpp"

#include <algorithm>
#include <cmath>

namespace kefu::ui {
namespace {

float glyphAdvance(const FontAtlas* atlas, const ImFont* font, char32_t cp) {
    if (atlas) return atlas->advance(font, cp);
    const ImFontGlyph* g = font->FindGlyph((ImWchar)cp);
    return g ? g->AdvanceX : 0.0f;
}

std::string encoded(FontAtlas* atlas, std::string_view s) {
    return atlas ? atlas->encode(s) : std::string(s);
}

float runWidth(const FontAtlas* atlas, const ImFont* font, std::string_view glyphs) {
    float w = 0;
    for (std::size_t p = 0; p < glyphs.size();) w += glyphAdvance(atlas, font, decodeAt(glyphs, p));
    return w;
}

} // namespace

TextLayout layoutText(FontAtlas* atlas, const ImFont* font, std::string_view text, float wrapWidth) {
    TextLayout out;
    out.links = findLinks(text);
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    for (const Link& l : out.links) spans.push_back({l.begin, l.end});
    auto width = [&](std::string_view cluster) { return runWidth(atlas, font, encoded(atlas, cluster)); };
    for (const Line& l : breakLines(text, wrapWidth, width, spans)) {
        TextLine line;
        line.begin = l.begin;
        line.end = l.end;
        // Pieces split at link edges; widths summed cluster by cluster, as the breaker measured them.
        std::size_t at = l.begin;
        float x = 0;
        while (at < l.end) {
            int link = -1;
            std::size_t stop = l.end;
            for (std::size_t i = 0; i < out.links.size(); ++i) {
                const Link& k = out.links[i];
                if (k.begin <= at && at < k.end) {
                    link = (int)i;
                    stop = std::min(stop, k.end);
                } else if (k.begin > at) {
                    stop = std::min(stop, k.begin);
                }
            }
            TextPiece piece;
            piece.link = link;
            piece.x = x;
            for (std::size_t p = at; p < stop;) {
                const std::size_t e = clusterEnd(text, p);
                piece.width += width(text.substr(p, e - p));
                p = e;
            }
            piece.glyphs = encoded(atlas, text.substr(at, stop - at));
            x += piece.width;
            line.pieces.push_back(std::move(piece));
            at = stop;
        }
        line.width = x;
        out.width = std::max(out.width, x);
        out.lines.push_back(std::move(line));
    }
    return out;
}

void drawText(ImDrawList* dl, const FontAtlas* atlas, const ImFont* font, const TextLayout& layout, ImVec2 pos,
              ImU32 col, ImU32 linkCol, std::vector<LinkHit>* hits) {
    const float lineH = font->FontSize;
    const float x0 = std::floor(pos.x);
    float y = std::floor(pos.y);
    for (const TextLine& line : layout.lines) {
        for (const TextPiece& piece : line.pieces) {
            const ImU32 c = piece.link >= 0 ? linkCol : col;
            const ImU32 untinted = c | ~IM_COL32_A_MASK; // colour emoji keep their colours
            float pen = x0 + piece.x;
            for (std::size_t p = 0; p < piece.glyphs.size();) {
                const char32_t cp = decodeAt(piece.glyphs, p);
                const ImFontGlyph* g = font->FindGlyph((ImWchar)cp);
                if (g && g->Visible) {
                    const float gx = std::round(pen);
                    dl->PrimReserve(6, 4);
                    dl->PrimRectUV(ImVec2(gx + g->X0, y + g->Y0), ImVec2(gx + g->X1, y + g->Y1), ImVec2(g->U0, g->V0),
                                   ImVec2(g->U1, g->V1), g->Colored ? untinted : c);
                }
                pen += glyphAdvance(atlas, font, cp);
            }
            if (piece.link >= 0) {
                const float uy = std::round(y + lineH * 0.8f) + 0.5f;
                const float thick = std::max(1.0f, std::round(lineH / 19.0f));
                dl->AddLine(ImVec2(x0 + piece.x, uy), ImVec2(x0 + piece.x + piece.width, uy), c, thick);
                if (hits)
                    hits->push_back({ImVec2(x0 + piece.x, y), ImVec2(x0 + piece.x + piece.width, y + lineH),
                                     layout.links[piece.link].href});
            }
        }
        y += lineH;
    }
}

} // namespace kefu::ui
