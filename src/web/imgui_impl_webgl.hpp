// Dear ImGui renderer backend for WebGL2 (OpenGL ES 3.0 through Emscripten).
// Implemented:
//  [X] Renderer: draw lists with vertex offsets, scissor clipping, one shader, one VAO.
//  [X] Renderer: the font texture is owned by the caller (src/ui/font_atlas) and updated in sub-rectangles.
//  [X] Renderer: context loss: after `webglcontextrestored`, ImGui_ImplWebGL_Init() again recreates the GPU
//      objects (textures are re-uploaded by their owner).
// Not implemented: user textures (the widget draws none).
#pragma once

#include <cstdint>

struct ImDrawData;

bool ImGui_ImplWebGL_Init();
void ImGui_ImplWebGL_Shutdown();
void ImGui_ImplWebGL_RenderDrawData(ImDrawData* drawData, int framebufferW, int framebufferH);

// Texture of RGBA8 pixels; returns an id usable as ImTextureID.
unsigned ImGui_ImplWebGL_CreateTexture(int w, int h, const std::uint8_t* rgba);
void ImGui_ImplWebGL_UpdateTexture(unsigned tex, int x, int y, int w, int h, int stride, const std::uint8_t* rgba);
void ImGui_ImplWebGL_DestroyTexture(unsigned tex);
