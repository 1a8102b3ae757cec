// The chat panel (src/ui/chat_panel.cpp) drawn headless with Dear ImGui, as ui_chat_panel_test.cpp,
// ui_chat_history_test.cpp and ui_call_bar_test.cpp share it: a base ViewModel and its messages,
// rectangle checks, and ChatPanelTest, which drives the panel through simulated mouse and keyboard input
// and reads the Intents and draw data back.
#pragma once

#include <gtest/gtest.h>

#include "core/text.hpp"
#include "ui/chat_panel.hpp"
#include "ui/font_atlas.hpp"
#include "ui/theme.hpp"
#include "ui_fakes.hpp"
#include "ui_panel_fixture.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <cfloat>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kefu::uitest {

namespace theme = kefu::ui::theme;
using kefu::test::FakeGlyphHost;

inline ViewModel baseView() {
    ViewModel vm;
    vm.revision = 1;
    vm.title = "小王";
    vm.subtitle = "在线";
    vm.agentOnline = true;
    vm.welcome = "您好，有什么可以帮您？";
    vm.placeholder = "输入消息…";
    vm.loadOlderLabel = "查看更早的消息";
    vm.voiceLabel = "语音";
    vm.videoLabel = "视频";
    vm.hangupLabel = "挂断";
    vm.cancelLabel = "取消";
    vm.muteLabel = "静音";
    vm.unmuteLabel = "取消静音";
    vm.cameraOnLabel = "开摄像头";
    vm.cameraOffLabel = "关摄像头";
    vm.sendLabel = "发送";
    vm.closeLabel = "关闭";
    vm.emojiLabel = "表情";
    vm.voiceInsteadLabel = "改用语音";
    vm.composerEmpty = true;
    vm.call.state = "idle";
    return vm;
}

inline MessageView message(int i, int from = -1) {
    MessageView m;
    m.id = "m" + std::to_string(i);
    m.from = from >= 0 ? from : i % 2;
    m.text = "第" + std::to_string(i) + "条消息，内容稍微长一点以便换行显示在气泡里面";
    m.time = "14:05";
    return m;
}

inline std::vector<MessageView> messages(int from, int count) {
    std::vector<MessageView> out;
    for (int i = from; i < from + count; ++i) out.push_back(message(i));
    return out;
}

inline void inCall(ViewModel& vm, bool video) {
    vm.call.state = "in-call";
    vm.call.active = true;
    vm.call.video = video;
    vm.call.status = "通话中 00:05";
    vm.call.showRemoteVideo = video;
    vm.call.showLocalVideo = video;
}

inline bool inside(const Rect& r, const Rect& outer, float slack = 0.01f) {
    return r.x >= outer.x - slack && r.y >= outer.y - slack && r.x + r.w <= outer.x + outer.w + slack &&
           r.y + r.h <= outer.y + outer.h + slack;
}

// Bounding box (CSS px) of the draw-list vertices of colour `col` within rows [y0, y1) (CSS px).
struct Box {
    float x0 = FLT_MAX, y0 = FLT_MAX, x1 = -FLT_MAX, y1 = -FLT_MAX;
    bool empty() const { return x0 > x1; }
};

class ChatPanelTest : public test::PanelTest {
  protected:
    Intents pressEscape(const ViewModel& vm) {
        escape = true;
        const Intents in = frame(vm);
        escape = false;
        frame(vm);
        return in;
    }

    void moveAway() { mouse = ImVec2(-FLT_MAX, -FLT_MAX); }

    // Clicks along a horizontal line and records, for each intent, the x range (CSS px) where it fired.
    std::map<std::string, std::pair<float, float>> scanRow(const ViewModel& vm, float y, float step = 2) {
        std::map<std::string, std::pair<float, float>> hits;
        for (float x = step / 2; x < w; x += step) {
            const Intents in = click(vm, x, y);
            auto note = [&](bool fired, const char* name) {
                if (!fired) return;
                auto it = hits.find(name);
                if (it == hits.end())
                    hits[name] = {x, x};
                else
                    it->second.second = x;
            };
            note(in.close, "close");
            note(in.startVoice, "voice");
            note(in.startVideo, "video");
            note(in.hangup, "hangup");
            note(in.toggleMute, "mute");
            note(in.toggleCamera, "camera");
            note(in.send, "send");
            note(in.loadOlder, "older");
            note(!in.insertText.empty(), "emoji");
            note(in.switchKind, "switch");
        }
        moveAway();
        return hits;
    }

    // A click on the emoji button, the pointer moved away, and the frame after it.
    void openEmojiPicker(const ViewModel& vm) {
        const ImVec2 b = emojiButton();
        click(vm, b.x, b.y);
        moveAway();
        run(vm);
    }

    Box boxOfColour(ImU32 col, float cssY0, float cssY1) const {
        Box b;
        const ImDrawData* dd = ImGui::GetDrawData();
        for (int l = 0; l < dd->CmdListsCount; ++l)
            for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer) {
                const float x = v.pos.x / scale, y = v.pos.y / scale;
                if (v.col != col || y < cssY0 || y >= cssY1) continue;
                b.x0 = std::min(b.x0, x);
                b.x1 = std::max(b.x1, x);
                b.y0 = std::min(b.y0, y);
                b.y1 = std::max(b.y1, y);
            }
        return b;
    }

    // How many drawn quads use the fallback glyph ('?') of either font: text the atlas was not asked for.
    int fallbackQuads() const {
        int n = 0;
        const ImDrawData* dd = ImGui::GetDrawData();
        for (const ImFont* f : {atlas->body(), atlas->title()}) {
            const ImFontGlyph* q = f->FallbackGlyph;
            for (int l = 0; l < dd->CmdListsCount; ++l)
                for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer)
                    if (v.uv.x == q->U0 && v.uv.y == q->V0) ++n;
        }
        return n;
    }

    static ImGuiWindow* window(const char* nameContains) {
        for (ImGuiWindow* win : ImGui::GetCurrentContext()->Windows)
            if (std::string(win->Name).find(nameContains) != std::string::npos) return win;
        return nullptr;
    }

    Rect panelRect() const { return Rect{0, 0, w, h}; }
    float composerTop() const { return h - ui::theme::kComposerH; }
    ImVec2 emojiButton() const { return ImVec2(8 + 15, composerTop() + 4 + 15); }
    // Centre of emoji `i` in the open picker (8 per row, 34 px cells, 8 px padding, 4 px above the composer).
    ImVec2 emojiCell(int i) const {
        int count = 0;
        ui::ChatPanel::emojiList(count);
        const int rows = (count + 7) / 8;
        const float top = composerTop() - 4 - (rows * 34 + 16);
        return ImVec2(8 + 8 + (i % 8) * 34 + 17, top + 8 + (i / 8) * 34 + 17);
    }
};

} // namespace kefu::uitest
