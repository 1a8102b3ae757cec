// Canvas 2D renderer backend: see imgui_impl_canvas2d.hpp for what it implements.
#include "web/imgui_impl_canvas2d.hpp"

#include <imgui.h>

using emscripten::typed_memory_view;
using emscripten::val;

namespace {
val gJs = val::undefined();
bool gReady = false;
ImVector<float> gCmds; // per draw list: clip x0 y0 x1 y1, texture, count, offset
} // namespace

void ImGui_ImplCanvas2D_Init(val js) {
    gJs = js;
    gReady = true;
    ImGui::GetIO().BackendRendererName = "kefu_canvas2d";
}

// The fringes are nearly transparent triangles a path fill would draw solid; theme::apply resets the style.
void ImGui_ImplCanvas2D_NewFrame() {
    ImGuiStyle& s = ImGui::GetStyle();
    s.AntiAliasedLines = s.AntiAliasedLinesUseTex = s.AntiAliasedFill = false;
}

void ImGui_ImplCanvas2D_RenderDrawData(ImDrawData* dd) {
    if (!gReady) return;
    gJs.call<void>("begin");
    const float L = dd->DisplayPos.x, T = dd->DisplayPos.y;
    const float sx = dd->FramebufferScale.x, sy = dd->FramebufferScale.y;
    static_assert(sizeof(ImDrawVert) == 20 && sizeof(ImDrawIdx) == 4, "kefu-canvas2d.js reads 5 words a vertex");
    for (int n = 0; n < dd->CmdListsCount; n++) {
        const ImDrawList* cl = dd->CmdLists[n];
        gCmds.resize(0);
        for (const ImDrawCmd& c : cl->CmdBuffer) {
            if (c.UserCallback) continue;
            const float v[7] = {(c.ClipRect.x - L) * sx, (c.ClipRect.y - T) * sy,       (c.ClipRect.z - L) * sx,
                                (c.ClipRect.w - T) * sy, (float)(intptr_t)c.GetTexID(), (float)c.ElemCount,
                                (float)c.IdxOffset};
            for (float f : v) gCmds.push_back(f);
        }
        gJs.call<void>("list", typed_memory_view((std::size_t)cl->VtxBuffer.Size * 5, (const float*)cl->VtxBuffer.Data),
                       typed_memory_view((std::size_t)cl->IdxBuffer.Size, cl->IdxBuffer.Data),
                       typed_memory_view((std::size_t)gCmds.Size, gCmds.Data));
    }
    gJs.call<void>("end");
}

unsigned ImGui_ImplCanvas2D_CreateTexture(int w, int h, const std::uint8_t* rgba) {
    if (!gReady) return 1;
    return gJs.call<unsigned>("tex", w, h, typed_memory_view((std::size_t)w * h * 4, rgba));
}

// Whole rows (the atlas updates whole rows anyway).
void ImGui_ImplCanvas2D_UpdateTexture(unsigned tex, int, int y, int, int h, int stride, const std::uint8_t* rgba) {
    if (!gReady) return;
    gJs.call<void>("texRows", tex, y, h, stride,
                   typed_memory_view((std::size_t)stride * h * 4, rgba + (std::size_t)y * stride * 4));
}

void ImGui_ImplCanvas2D_DestroyTexture(unsigned tex) {
    if (gReady) gJs.call<void>("texFree", tex);
}
