// Dear ImGui renderer backend for Canvas 2D, for browsers with no WebGL at all. The drawing is JavaScript
// (web/kefu-canvas2d.js, fetched only in that case); this side only hands it, per frame, each draw list's
// vertex and index buffers as views of wasm memory (no copies) and its commands (clip rect, texture id,
// element count, index offset), and the font atlas's pixels as textures.
// Implemented:
//  [X] Renderer: draw lists, clip rects, the caller's font texture updated in rows.
//  [X] Renderer: ImGui's anti-aliased fringes are turned off (see NewFrame): Canvas 2D anti-aliases itself.
// Not implemented: user textures (the widget draws none).
#pragma once

#include <emscripten/val.h>

#include <cstdint>

struct ImDrawData;

// `js`: the renderer kefu-canvas2d.js made for the canvas. Before this, textures are placeholders.
void ImGui_ImplCanvas2D_Init(emscripten::val js);
void ImGui_ImplCanvas2D_NewFrame();
void ImGui_ImplCanvas2D_RenderDrawData(ImDrawData* drawData);

unsigned ImGui_ImplCanvas2D_CreateTexture(int w, int h, const std::uint8_t* rgba);
void ImGui_ImplCanvas2D_UpdateTexture(unsigned tex, int x, int y, int w, int h, int stride, const std::uint8_t* rgba);
void ImGui_ImplCanvas2D_DestroyTexture(unsigned tex);
