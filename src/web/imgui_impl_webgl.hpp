// Dear ImGui renderer backend for WebGL2, or WebGL1 where WebGL2 is missing (through Emscripten).
// Implemented:
//  [X] Renderer: draw lists, scissor clipping, one GLSL ES 1.00 shader pair for both versions, no VAO.
//  [X] Renderer: WebGL1 needs OES_element_index_uint (32-bit indices); without it the context is refused.
//  [X] Renderer: the font texture is owned by the caller (src/ui/font_atlas) and updated in sub-rectangles.
//  [X] Renderer: context loss: after `webglcontextrestored`, ImGui_ImplWebGL_Init() again recreates the GPU
//      objects (textures are re-uploaded by their owner).
// Not implemented: user textures (the widget draws none).
#pragma once

#include <cstdint>

struct ImDrawData;

// Creates a WebGL2 context on the canvas `target`, else a WebGL1 one, makes it current and Init()s the
// renderer on it. Returns the context (0: no usable WebGL) and sets *version to 2, 1 or 0.
int ImGui_ImplWebGL_CreateContext(const char* target, int* version);
bool ImGui_ImplWebGL_Init();
void ImGui_ImplWebGL_Shutdown();
void ImGui_ImplWebGL_RenderDrawData(ImDrawData* drawData, int framebufferW, int framebufferH);

// Texture of RGBA8 pixels; returns an id usable as ImTextureID.
unsigned ImGui_ImplWebGL_CreateTexture(int w, int h, const std::uint8_t* rgba);
void ImGui_ImplWebGL_UpdateTexture(unsigned tex, int x, int y, int w, int h, int stride, const std::uint8_t* rgba);
void ImGui_ImplWebGL_DestroyTexture(unsigned tex);
