// The chat panel drawn headless, as the widget draws it (web/app.cpp): an ImGui context, the glyph atlas on
// the fake host of ui_fakes.hpp, one ChatPanel, and frames run with mouse, wheel and Escape input in CSS px.
// The UI tests derive their fixtures from it.
#pragma once

#include <gtest/gtest.h>

#include "core/view_model.hpp"
#include "ui/chat_panel.hpp"
#include "ui/font_atlas.hpp"
#include "ui/theme.hpp"
#include "ui_fakes.hpp"

#include <imgui.h>

#include <cfloat>
#include <cmath>
#include <memory>

namespace kefu::test {

class PanelTest : public ::testing::Test {
  protected:
    static constexpr int kEscapeKey = 27; // index into io.KeysDown

    ImGuiContext* ctx = nullptr;
    FakeGlyphHost host;
    std::unique_ptr<ui::FontAtlas> atlas;
    ui::ChatPanel panel;
    float w = 370, h = 560, scale = 0;
    // Input for the next frame, in CSS px.
    ImVec2 mouse{-FLT_MAX, -FLT_MAX};
    bool mouseDown = false;
    float wheel = 0;
    bool escape = false;
    bool allGlyphs = true; // false: the first open's frame, before the rest of the glyphs are asked for

    void SetUp() override {
        ctx = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.LogFilename = nullptr;
        io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
        io.KeyMap[ImGuiKey_Escape] = kEscapeKey;
        io.KeyMap[ImGuiKey_Space] = 32; // keyboard navigation (enabled as in the widget) needs these
        io.KeyMap[ImGuiKey_Enter] = 13;
        io.KeyMap[ImGuiKey_Tab] = 9;
        atlas = std::make_unique<ui::FontAtlas>(io.Fonts, host.rasterizer(), host.measurer(), host.textureOps());
        panel.setAtlas(atlas.get());
        setSize(370, 560, 1);
    }

    void TearDown() override {
        atlas.reset();
        ImGui::DestroyContext(ctx);
    }

    // Panel size in CSS px and device pixel ratio (fonts and style are rebuilt when the ratio changes).
    void setSize(float cssW, float cssH, float dpr) {
        w = cssW;
        h = cssH;
        if (dpr != scale) {
            scale = dpr;
            atlas->reset(ui::theme::kBodyFont * dpr, ui::theme::kTitleFont * dpr);
            ui::theme::apply(dpr);
        }
    }

    // One frame as the widget runs it: glyphs, upload, input, draw, render.
    Intents frame(const ViewModel& vm) {
        ui::ChatPanel::requireGlyphs(*atlas, vm, allGlyphs || panel.emojiOpen()); // as web/app.cpp asks
        atlas->flush();
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(std::round(w * scale), std::round(h * scale));
        io.DeltaTime = 1.0f / 60.0f;
        io.MousePos = mouse.x == -FLT_MAX ? mouse : ImVec2(mouse.x * scale, mouse.y * scale);
        io.MouseDown[0] = mouseDown;
        io.MouseWheel = wheel;
        wheel = 0;
        io.KeysDown[kEscapeKey] = escape;
        ImGui::NewFrame();
        Intents in = panel.draw(vm, w, h, scale, atlas->body(), atlas->title());
        ImGui::Render();
        return in;
    }

    // `n` frames with the current input; the Intents of the last one.
    Intents run(const ViewModel& vm, int n = 3) {
        Intents in;
        for (int i = 0; i < n; ++i) in = frame(vm);
        return in;
    }

    // Moves the mouse to (x, y) CSS px, presses and releases: the Intents of the release frame.
    Intents click(const ViewModel& vm, float x, float y) {
        mouse = ImVec2(x, y);
        mouseDown = false;
        frame(vm);
        mouseDown = true;
        frame(vm);
        mouseDown = false;
        return frame(vm);
    }
};

} // namespace kefu::test
