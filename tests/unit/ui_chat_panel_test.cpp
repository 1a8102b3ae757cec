// The chat panel (src/ui/chat_panel.cpp) drawn headless with Dear ImGui: a fake glyph host supplies the font
// atlas, the mouse and keyboard are simulated through ImGuiIO, and the tests read the Intents and draw data.
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

using namespace kefu;
using kefu::test::FakeGlyphHost;
namespace theme = kefu::ui::theme;

namespace {

ViewModel baseView() {
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

MessageView message(int i, int from = -1) {
    MessageView m;
    m.id = "m" + std::to_string(i);
    m.from = from >= 0 ? from : i % 2;
    m.text = "第" + std::to_string(i) + "条消息，内容稍微长一点以便换行显示在气泡里面";
    m.time = "14:05";
    return m;
}

std::vector<MessageView> messages(int from, int count) {
    std::vector<MessageView> out;
    for (int i = from; i < from + count; ++i) out.push_back(message(i));
    return out;
}

void inCall(ViewModel& vm, bool video) {
    vm.call.state = "in-call";
    vm.call.active = true;
    vm.call.video = video;
    vm.call.status = "通话中 00:05";
    vm.call.showRemoteVideo = video;
    vm.call.showLocalVideo = video;
}

bool inside(const Rect& r, const Rect& outer, float slack = 0.01f) {
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

} // namespace

TEST_F(ChatPanelTest, RendersDrawDataWithoutAGpu) {
    ViewModel vm = baseView();
    vm.messages = messages(0, 5);
    run(vm, 2);
    const ImDrawData* dd = ImGui::GetDrawData();
    ASSERT_NE(dd, nullptr);
    EXPECT_TRUE(dd->Valid);
    EXPECT_GT(dd->CmdListsCount, 0);
    EXPECT_GT(dd->TotalVtxCount, 0);
    EXPECT_GT(dd->TotalIdxCount, 0);
    EXPECT_EQ(dd->DisplaySize.x, 370);
    EXPECT_EQ(dd->DisplaySize.y, 560);
    // Everything samples the atlas texture the fake host created.
    for (int l = 0; l < dd->CmdListsCount; ++l)
        for (const ImDrawCmd& c : dd->CmdLists[l]->CmdBuffer)
            if (c.ElemCount) {
                EXPECT_EQ((unsigned)(intptr_t)c.TextureId, (unsigned)(intptr_t)ImGui::GetIO().Fonts->TexID);
            }
    // The header is the brand colour across the top.
    const Box header = boxOfColour(ui::theme::kBrand, 0, 1);
    EXPECT_FALSE(header.empty());
    EXPECT_EQ(header.x0, 0);
    EXPECT_EQ(header.x1, 370);
}

// The bold title font is rasterized only for the agent's name: the first open does the glyph work once,
// and nothing drawn falls back to '?'.
TEST_F(ChatPanelTest, TheTitleFontHoldsOnlyTheAgentsName) {
    ViewModel vm = baseView();
    vm.messages = messages(0, 5);
    run(vm, 2);
    EXPECT_EQ(fallbackQuads(), 0);
    const ImFont* title = atlas->title();
    const ImFont* body = atlas->body();
    // Printable ASCII, the ellipsis and the fallback come with every font (FontAtlas::reset), then the name.
    EXPECT_LE(title->Glyphs.Size, 97 + (int)kefu::decodeUtf8(vm.title).size());
    EXPECT_GT(body->Glyphs.Size, title->Glyphs.Size + 30);
    for (char32_t cp : kefu::decodeUtf8(vm.title)) EXPECT_NE(title->FindGlyphNoFallback((ImWchar)cp), nullptr);
}

TEST_F(ChatPanelTest, TheFirstOpenAsksOnlyForTheGlyphsItDraws) {
    ViewModel vm = baseView();
    vm.messages = messages(0, 5);
    int count = 0;
    ui::ChatPanel::emojiList(count);
    run(vm, 2);
    const int every = atlas->body()->Glyphs.Size;
    // The first open: no ASCII up front, no picker emoji, no call controls; still nothing falls back to '?'.
    allGlyphs = false;
    atlas->reset(ui::theme::kBodyFont, ui::theme::kTitleFont, false);
    run(vm, 2);
    EXPECT_EQ(fallbackQuads(), 0);
    const int first = atlas->body()->Glyphs.Size;
    EXPECT_LT(first, every - (count - 1));
    EXPECT_EQ(ui::ChatPanel::glyphText(vm, false).find(vm.hangupLabel), std::string::npos);
    // Opening the picker before the rest came asks for its emoji at once.
    click(vm, emojiButton().x, emojiButton().y);
    run(vm);
    ASSERT_TRUE(window("##emojis")->Active);
    EXPECT_EQ(fallbackQuads(), 0);
    EXPECT_GE(atlas->body()->Glyphs.Size, first + count - 1);
}

TEST_F(ChatPanelTest, HeaderButtonsSitRightToLeftCloseVideoVoice) {
    ViewModel vm = baseView();
    run(vm);
    auto hits = scanRow(vm, 30);
    ASSERT_TRUE(hits.count("voice"));
    ASSERT_TRUE(hits.count("video"));
    ASSERT_TRUE(hits.count("close"));
    EXPECT_EQ(hits.size(), 3u) << "only the three header buttons react along the header";
    EXPECT_LT(hits["voice"].second, hits["video"].first);
    EXPECT_LT(hits["video"].second, hits["close"].first);
    // × in the top-right corner, ~32 px wide, 10 px from the edge.
    EXPECT_LE(hits["close"].first, w - 26);
    EXPECT_GE(hits["close"].second, w - 26);
    EXPECT_NEAR(hits["close"].second, w - 10, 2.5);
    EXPECT_NEAR(hits["close"].second - hits["close"].first, 32, 3);
    // The pills are as wide as their labels plus padding (fake glyphs: 0.6 × 14 px ≈ 8 px each).
    EXPECT_NEAR(hits["voice"].second - hits["voice"].first, 2 * 8 + 24, 3);
    EXPECT_NEAR(hits["video"].second - hits["video"].first, 2 * 8 + 24, 3);
    // The title area does nothing.
    EXPECT_GT(hits["voice"].first, 62);
}

TEST_F(ChatPanelTest, CloseButtonAtTheTopRightClosesAtAnyPixelRatio) {
    ViewModel vm = baseView();
    for (float dpr : {1.0f, 2.0f, 3.0f}) {
        setSize(370, 560, dpr);
        run(vm);
        EXPECT_TRUE(click(vm, w - 26, 30).close) << "dpr " << dpr;
        moveAway();
        EXPECT_FALSE(run(vm).close) << "dpr " << dpr;
        // Just outside the button: nothing.
        EXPECT_FALSE(click(vm, w - 26, 52).close) << "dpr " << dpr;
        EXPECT_FALSE(click(vm, w - 4, 30).close) << "dpr " << dpr;
    }
}

TEST_F(ChatPanelTest, HeaderButtonsScaleWithThePixelRatio) {
    ViewModel vm = baseView();
    setSize(370, 560, 2);
    run(vm);
    auto hits = scanRow(vm, 30);
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_LT(hits["voice"].second, hits["video"].first);
    EXPECT_LT(hits["video"].second, hits["close"].first);
    EXPECT_NEAR(hits["close"].second, w - 10, 2.5);
}

TEST_F(ChatPanelTest, EscapeClosesThePanel) {
    ViewModel vm = baseView();
    run(vm);
    EXPECT_TRUE(pressEscape(vm).close);
    EXPECT_FALSE(run(vm).close); // once per press
}

TEST_F(ChatPanelTest, EscapeWithTheEmojiPickerOpenOnlyClosesThePicker) {
    ViewModel vm = baseView();
    run(vm);
    openEmojiPicker(vm);
    ASSERT_NE(window("##emojis"), nullptr);
    ASSERT_TRUE(window("##emojis")->Active);

    EXPECT_FALSE(pressEscape(vm).close);
    run(vm);
    EXPECT_FALSE(window("##emojis")->Active);
    // The next Escape closes the panel.
    EXPECT_TRUE(pressEscape(vm).close);
}

TEST_F(ChatPanelTest, CallButtonsDoNothingDuringACall) {
    ViewModel vm = baseView();
    run(vm);
    auto idle = scanRow(vm, 30);
    ASSERT_TRUE(idle.count("voice") && idle.count("video"));
    const float voiceX = (idle["voice"].first + idle["voice"].second) / 2;
    const float videoX = (idle["video"].first + idle["video"].second) / 2;

    for (const char* state : {"requesting", "ringing", "connecting", "in-call"}) {
        ViewModel busy = baseView();
        busy.call.state = state;
        busy.call.active = true;
        busy.call.status = "正在呼叫…";
        run(busy);
        EXPECT_FALSE(click(busy, voiceX, 30).startVoice) << state;
        EXPECT_FALSE(click(busy, videoX, 30).startVideo) << state;
        EXPECT_TRUE(click(busy, w - 26, 30).close) << state; // closing still works
    }
    // After the call, they work again.
    run(vm);
    EXPECT_TRUE(click(vm, voiceX, 30).startVoice);
    EXPECT_TRUE(click(vm, videoX, 30).startVideo);
}

TEST_F(ChatPanelTest, CallButtonsThisBrowserCannotUseAreDimmedAndSayWhy) {
    ViewModel vm = baseView();
    run(vm);
    auto idle = scanRow(vm, 30);
    ASSERT_TRUE(idle.count("voice") && idle.count("video"));
    const float voiceX = (idle["voice"].first + idle["voice"].second) / 2;
    const float videoX = (idle["video"].first + idle["video"].second) / 2;
    const ImU32 fadedLabel = IM_COL32(255, 255, 255, 153);
    moveAway();
    run(vm);
    EXPECT_TRUE(boxOfColour(fadedLabel, 0, 60).empty()) << "available: labels at full strength";

    ViewModel no = baseView();
    no.call.unavailable = "此浏览器不支持语音和视频通话，可以继续文字聊天";
    run(no);
    EXPECT_FALSE(boxOfColour(fadedLabel, 0, 60).empty()) << "unavailable: 语音/视频 drawn faded";
    EXPECT_EQ(fallbackQuads(), 0) << "the reason's glyphs are in the atlas";
    // Hovering tells why.
    mouse = ImVec2(voiceX, 30);
    run(no);
    ImGuiWindow* tip = window("##Tooltip");
    ASSERT_NE(tip, nullptr);
    EXPECT_TRUE(tip->Active);
    EXPECT_EQ(fallbackQuads(), 0);
    // A tap (no hover on a touch screen) still reaches the widget, which answers with the reason.
    EXPECT_TRUE(click(no, voiceX, 30).startVoice);
    EXPECT_TRUE(click(no, videoX, 30).startVideo);
    moveAway();
    run(no);
    EXPECT_FALSE(window("##Tooltip")->Active);
}

TEST_F(ChatPanelTest, CallBarButtonsHangUpMuteAndToggleTheCamera) {
    ViewModel vm = baseView();
    inCall(vm, false);
    run(vm);
    const float barY = theme::kHeaderH + theme::kCallBarH / 2;
    auto hits = scanRow(vm, barY);
    EXPECT_TRUE(hits.count("mute"));
    EXPECT_TRUE(hits.count("hangup"));
    EXPECT_FALSE(hits.count("camera")) << "a voice call has no camera button";
    EXPECT_LT(hits["mute"].second, hits["hangup"].first);
    EXPECT_NEAR(hits["hangup"].second, w - 10, 2.5); // right-aligned

    ViewModel video = baseView();
    inCall(video, true);
    run(video);
    const Intents in = run(video);
    const float videoBarY = in.remoteVideo.y + in.remoteVideo.h + theme::kCallBarH / 2;
    hits = scanRow(video, videoBarY);
    EXPECT_TRUE(hits.count("mute"));
    EXPECT_TRUE(hits.count("camera"));
    EXPECT_TRUE(hits.count("hangup"));
    EXPECT_LT(hits["camera"].second, hits["hangup"].first);

    // Ringing: only a cancel button, which hangs up.
    ViewModel ringing = baseView();
    ringing.call.state = "ringing";
    ringing.call.active = true;
    ringing.call.status = "正在呼叫…";
    run(ringing);
    hits = scanRow(ringing, barY);
    EXPECT_TRUE(hits.count("hangup"));
    EXPECT_FALSE(hits.count("mute"));

    // A video call that failed for lack of a camera offers a voice call.
    ViewModel failed = baseView();
    failed.call.state = "failed";
    failed.call.status = "没有摄像头";
    failed.call.offerVoice = true;
    run(failed);
    hits = scanRow(failed, barY);
    EXPECT_TRUE(hits.count("voice"));
    EXPECT_FALSE(hits.count("hangup"));
}

TEST_F(ChatPanelTest, FourCallButtonsFitANarrowPanelAndTheTimeStaysVisible) {
    for (const bool english : {false, true}) {
        setSize(320, 560, 1);
        ViewModel vm = baseView();
        inCall(vm, true);
        vm.call.canSwitch = true;
        vm.call.statusShort = "00:05";
        vm.toVideoLabel = english ? "Video" : "转视频";
        vm.toVoiceLabel = english ? "Voice" : "转语音";
        if (english) {
            vm.muteLabel = "Mute";
            vm.cameraOffLabel = "Camera off";
            vm.hangupLabel = "Hang up";
            vm.call.status = "In call 00:05";
        }
        run(vm);
        const Intents in = run(vm);
        const float barY = in.remoteVideo.y + in.remoteVideo.h + theme::kCallBarH / 2;
        auto hits = scanRow(vm, barY, 1);
        for (const char* b : {"mute", "camera", "switch", "hangup"})
            ASSERT_TRUE(hits.count(b)) << b << " english " << english;
        EXPECT_LT(hits["mute"].second, hits["camera"].first);
        EXPECT_LT(hits["camera"].second, hits["switch"].first);
        EXPECT_LT(hits["switch"].second, hits["hangup"].first);
        EXPECT_LE(hits["hangup"].second, w - 8);
        EXPECT_GT(hits["mute"].first, 12 + 20) << "room is left for the elapsed time";
    }
}

TEST_F(ChatPanelTest, TheSwitchButtonSwitchesAndIsHiddenWhileSwitching) {
    ViewModel vm = baseView();
    inCall(vm, false);
    vm.call.canSwitch = true;
    vm.toVideoLabel = "转视频";
    run(vm);
    const float barY = theme::kHeaderH + theme::kCallBarH / 2;
    auto hits = scanRow(vm, barY);
    ASSERT_TRUE(hits.count("switch"));
    EXPECT_LT(hits["mute"].second, hits["switch"].first);
    EXPECT_LT(hits["switch"].second, hits["hangup"].first);
    vm.call.canSwitch = false;
    vm.revision++;
    run(vm);
    EXPECT_FALSE(scanRow(vm, barY).count("switch"));
}

TEST_F(ChatPanelTest, ComposerRectSitsAtTheBottomInCssPixels) {
    ViewModel vm = baseView();
    const Rect at1 = run(vm).composer;
    EXPECT_GT(at1.w, 0);
    EXPECT_GT(at1.h, 0);
    EXPECT_TRUE(inside(at1, panelRect()));
    EXPECT_GE(at1.y, composerTop());   // in the composer area, below the message list
    EXPECT_NEAR(at1.y + at1.h, h, 16); // near the bottom edge
    EXPECT_LT(at1.x + at1.w, w - 40);  // room for the send button to its right
    EXPECT_GT(at1.w, w / 2);

    setSize(370, 560, 2);
    const Rect at2 = run(vm).composer;
    EXPECT_NEAR(at2.x, at1.x, 0.5);
    EXPECT_NEAR(at2.y, at1.y, 0.5);
    EXPECT_NEAR(at2.h, at1.h, 0.5);
    EXPECT_NEAR(at2.w, at1.w, 2); // the send label's rounded glyph advances may differ by a pixel
    EXPECT_TRUE(inside(at2, panelRect()));

    // A different panel size moves it with the bottom edge.
    setSize(500, 700, 1);
    const Rect big = run(vm).composer;
    EXPECT_NEAR(big.y + big.h, at1.y + at1.h + 140, 0.5);
    EXPECT_NEAR(big.w, at1.w + 130, 0.5);
}

TEST_F(ChatPanelTest, SendIsDisabledWhileTheComposerIsEmpty) {
    ViewModel vm = baseView();
    vm.composerEmpty = true;
    run(vm);
    const Rect c = run(vm).composer;
    // The send pill is to the right of the text box, near the bottom-right corner.
    const float sx = w - 12 - 10, sy = h - 12 - 16;
    EXPECT_GT(sx, c.x + c.w);
    EXPECT_FALSE(click(vm, sx, sy).send);

    vm.composerEmpty = false;
    run(vm);
    EXPECT_TRUE(click(vm, sx, sy).send);
    moveAway();
    EXPECT_FALSE(run(vm).send);
    // Clicking the text box area does not send.
    EXPECT_FALSE(click(vm, c.x + c.w / 2, c.y + c.h / 2).send);
}

TEST_F(ChatPanelTest, LoadOlderPillAppearsWithMoreHistory) {
    ViewModel vm = baseView();
    vm.messages = messages(0, 2);
    vm.hasMoreHistory = false;
    run(vm);
    auto scanColumn = [&](const ViewModel& v) {
        std::vector<float> ys;
        for (float y = theme::kHeaderH + 2; y < theme::kHeaderH + 80; y += 2)
            if (click(v, w / 2, y).loadOlder) ys.push_back(y);
        moveAway();
        return ys;
    };
    EXPECT_TRUE(scanColumn(vm).empty());

    vm.hasMoreHistory = true;
    run(vm);
    EXPECT_FALSE(run(vm).loadOlder) << "a short list is not scrolled to the top to load more by itself";
    const std::vector<float> ys = scanColumn(vm);
    ASSERT_FALSE(ys.empty());
    EXPECT_NEAR(ys.back() - ys.front(), 26, 3);  // the pill is 26 px tall
    EXPECT_LT(ys.front(), theme::kHeaderH + 30); // at the top of the list

    // While loading, the pill is disabled.
    vm.loadingHistory = true;
    run(vm);
    EXPECT_FALSE(click(vm, w / 2, (ys.front() + ys.back()) / 2).loadOlder);
}

TEST_F(ChatPanelTest, VideoCallPlacesRemoteAndLocalVideoInsideThePanel) {
    for (float dpr : {1.0f, 2.0f}) {
        setSize(370, 560, dpr);
        ViewModel vm = baseView();
        const Intents idle = run(vm);
        EXPECT_EQ(idle.remoteVideo, Rect{}) << "no call: no video";
        EXPECT_EQ(idle.localVideo, Rect{});

        inCall(vm, true);
        const Intents in = run(vm);
        const Rect& r = in.remoteVideo;
        const Rect& l = in.localVideo;
        EXPECT_GT(r.w, 0);
        EXPECT_GT(r.h, 0);
        EXPECT_GT(l.w, 0);
        EXPECT_GT(l.h, 0);
        EXPECT_TRUE(inside(r, panelRect()));
        EXPECT_GE(r.y, theme::kHeaderH);     // below the header
        EXPECT_LE(r.y + r.h, composerTop()); // above the composer
        EXPECT_EQ(r.w, w);                   // full width
        EXPECT_TRUE(inside(l, r)) << "local preview inside the remote video";
        EXPECT_LT(l.w * l.h, r.w * r.h / 4);
        // The text box stays where it was.
        EXPECT_GE(in.composer.y, composerTop());

        // Camera preview only while the local stream is shown.
        vm.call.showLocalVideo = false;
        const Intents noLocal = run(vm);
        EXPECT_EQ(noLocal.localVideo, Rect{});
        EXPECT_EQ(noLocal.remoteVideo, r);

        // A voice call has no video area.
        inCall(vm, false);
        const Intents voice = run(vm);
        EXPECT_EQ(voice.remoteVideo, Rect{});
        EXPECT_EQ(voice.localVideo, Rect{});
    }
}

TEST_F(ChatPanelTest, VideoRectsDoNotDependOnThePixelRatio) {
    ViewModel vm = baseView();
    inCall(vm, true);
    const Intents a = run(vm);
    setSize(370, 560, 2);
    const Intents b = run(vm);
    EXPECT_NEAR(a.remoteVideo.x, b.remoteVideo.x, 0.01);
    EXPECT_NEAR(a.remoteVideo.y, b.remoteVideo.y, 0.01);
    EXPECT_NEAR(a.remoteVideo.w, b.remoteVideo.w, 0.01);
    EXPECT_NEAR(a.remoteVideo.h, b.remoteVideo.h, 0.01);
    EXPECT_NEAR(a.localVideo.x, b.localVideo.x, 0.01);
    EXPECT_NEAR(a.localVideo.y, b.localVideo.y, 0.01);
    EXPECT_NEAR(a.localVideo.w, b.localVideo.w, 0.01);
    EXPECT_NEAR(a.localVideo.h, b.localVideo.h, 0.01);
}

TEST_F(ChatPanelTest, LocalPreviewStaysInsideTheRemoteVideoOnALandscapePhone) {
    // Phones in landscape get the whole (short, wide) viewport.
    for (auto [vw, vh] : {std::pair{844.0f, 390.0f}, std::pair{667.0f, 375.0f}, std::pair{375.0f, 667.0f}}) {
        setSize(vw, vh, 3);
        ViewModel vm = baseView();
        vm.fullscreen = true;
        inCall(vm, true);
        const Intents in = run(vm);
        EXPECT_TRUE(inside(in.remoteVideo, panelRect())) << vw << "x" << vh;
        EXPECT_GT(in.localVideo.w, 0);
        EXPECT_TRUE(inside(in.localVideo, in.remoteVideo))
            << vw << "x" << vh << ": local " << in.localVideo.x << "," << in.localVideo.y << " " << in.localVideo.w
            << "x" << in.localVideo.h << " remote " << in.remoteVideo.y << "+" << in.remoteVideo.h;
    }
}

TEST_F(ChatPanelTest, EmojiPickerInsertsThePickedEmoji) {
    ViewModel vm = baseView();
    run(vm);
    int count = 0;
    const char* const* list = ui::ChatPanel::emojiList(count);
    ASSERT_EQ(count, 24);
    for (int i : {0, 5, 7, 8, 15, 16, 23}) {
        const ImVec2 b = emojiButton();
        EXPECT_TRUE(click(vm, b.x, b.y).insertText.empty());
        const ImVec2 c = emojiCell(i);
        const Intents in = click(vm, c.x, c.y);
        EXPECT_EQ(in.insertText, list[i]) << "emoji " << i;
        EXPECT_FALSE(in.send);
        EXPECT_FALSE(in.close);
        // Picking closes the picker: the same spot is message list again.
        moveAway();
        run(vm);
        EXPECT_TRUE(click(vm, c.x, c.y).insertText.empty()) << "emoji " << i;
    }
}

TEST_F(ChatPanelTest, EmojiPickerClosesOnASecondTapOrAClickOutside) {
    ViewModel vm = baseView();
    run(vm);
    const ImVec2 b = emojiButton();
    click(vm, b.x, b.y);
    ASSERT_TRUE(window("##emojis") && window("##emojis")->Active);
    click(vm, b.x, b.y); // the button toggles
    run(vm);
    EXPECT_FALSE(window("##emojis")->Active);

    click(vm, b.x, b.y);
    run(vm);
    ASSERT_TRUE(window("##emojis")->Active);
    const Intents in = click(vm, w / 2, theme::kHeaderH + 20); // in the message list, away from the picker
    EXPECT_TRUE(in.insertText.empty());
    run(vm);
    EXPECT_FALSE(window("##emojis")->Active);
}

TEST_F(ChatPanelTest, EmojiPickerShowsEveryEmojiWithoutScrolling) {
    ViewModel vm = baseView();
    run(vm);
    openEmojiPicker(vm);
    ImGuiWindow* picker = window("##emojis");
    ASSERT_TRUE(picker && picker->Active);
    EXPECT_EQ(picker->ScrollMax.y, 0) << "the last row is cut off";
    EXPECT_EQ(picker->ScrollMax.x, 0);
    // Cells form a regular grid: the bottom-left corner of a cell on the third row picks that cell.
    int count = 0;
    const char* const* list = ui::ChatPanel::emojiList(count);
    const ImVec2 c = emojiCell(16);
    EXPECT_EQ(click(vm, c.x - 15, c.y - 15).insertText, list[16]);
}

TEST_F(ChatPanelTest, GlyphTextCoversEveryVisibleString) {
    ViewModel vm = baseView();
    vm.notice = "消息太长了";
    vm.typingText = "对方正在输入…";
    vm.hasMoreHistory = true;
    vm.agentTyping = true;
    vm.messages = messages(0, 3);
    vm.messages[0].separator = "今天 09:30";
    vm.messages[1].time = "09:31";
    vm.messages[2].from = 0;
    vm.messages[2].failed = true;
    vm.messages[2].error = "发送失败，请重试";
    MessageView sys;
    sys.id = "sys";
    sys.from = 2;
    sys.text = "客服已接入会话";
    vm.messages.push_back(sys);
    inCall(vm, true);
    vm.call.muted = true;

    const std::string text = ui::ChatPanel::glyphText(vm);
    for (const std::string* s :
         {&vm.title,          &vm.subtitle,    &vm.welcome,           &vm.typingText,     &vm.notice,
          &vm.loadOlderLabel, &vm.voiceLabel,  &vm.videoLabel,        &vm.hangupLabel,    &vm.cancelLabel,
          &vm.muteLabel,      &vm.unmuteLabel, &vm.cameraOnLabel,     &vm.cameraOffLabel, &vm.sendLabel,
          &vm.closeLabel,     &vm.emojiLabel,  &vm.voiceInsteadLabel, &vm.toVideoLabel,   &vm.toVoiceLabel,
          &vm.call.status})
        EXPECT_NE(text.find(*s), std::string::npos) << *s;
    for (const MessageView& m : vm.messages)
        for (const std::string* s : {&m.text, &m.time, &m.separator, &m.error})
            EXPECT_NE(text.find(*s), std::string::npos) << *s;
    int count = 0;
    const char* const* list = ui::ChatPanel::emojiList(count);
    for (int i = 0; i < count; ++i) EXPECT_NE(text.find(list[i]), std::string::npos) << list[i];

    // Drawn with only those glyphs in the atlas, nothing falls back to '?': not the texts, the tooltips, the
    // avatar's initial, the failure mark or the emoji picker.
    atlas->reset(ui::theme::kBodyFont, ui::theme::kTitleFont);
    run(vm);
    EXPECT_EQ(fallbackQuads(), 0);
    run(vm, 1);
    mouse = ImVec2(w - 26, 30); // close tooltip
    run(vm);
    EXPECT_EQ(fallbackQuads(), 0);
    mouse = emojiButton(); // emoji tooltip
    run(vm);
    EXPECT_EQ(fallbackQuads(), 0);
    click(vm, emojiButton().x, emojiButton().y); // the picker
    run(vm);
    ASSERT_TRUE(window("##emojis")->Active);
    EXPECT_EQ(fallbackQuads(), 0);

    // A text the atlas was never asked for would show up as '?' (the check above can fail).
    ViewModel stray = vm;
    stray.subtitle = "未见过的字";
    atlas->reset(ui::theme::kBodyFont, ui::theme::kTitleFont);
    atlas->require(ui::ChatPanel::glyphText(vm));
    atlas->flush();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(w, h);
    ImGui::NewFrame();
    panel.draw(stray, w, h, 1, atlas->body(), atlas->title());
    ImGui::Render();
    EXPECT_GT(fallbackQuads(), 0);
}

TEST_F(ChatPanelTest, LongHistoryOnlyDrawsWhatIsOnScreen) {
    ViewModel few = baseView();
    few.messages = messages(0, 20);
    run(few, 4);
    const int fewVtx = ImGui::GetDrawData()->TotalVtxCount;

    ViewModel many = baseView();
    many.messages = messages(0, 200);
    panel = ui::ChatPanel(); // as if the long conversation were opened afresh
    const Intents in = run(many, 4);
    const int manyVtx = ImGui::GetDrawData()->TotalVtxCount;
    EXPECT_GT(fewVtx, 0);
    EXPECT_LT(manyVtx, fewVtx * 2) << "20 messages: " << fewVtx << " vertices, 200: " << manyVtx;
    EXPECT_TRUE(in.scrolledToBottom) << "a conversation opens on its newest message";
}

TEST_F(ChatPanelTest, OpensAtTheNewestMessageWithoutLoadingOlderHistory) {
    ViewModel vm = baseView();
    vm.messages = messages(100, 60);
    vm.hasMoreHistory = true;
    // The widget draws 3 frames after a change; by the last one the newest message is in view.
    Intents in;
    for (int i = 0; i < 3; ++i) {
        in = frame(vm);
        EXPECT_FALSE(in.loadOlder) << "frame " << i;
    }
    EXPECT_TRUE(in.scrolledToBottom);
    ImGuiWindow* list = window("##log");
    ASSERT_NE(list, nullptr);
    EXPECT_GT(list->Scroll.y, 0);
    EXPECT_EQ(list->Scroll.y, list->ScrollMax.y);
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(frame(vm).loadOlder);

    // A new message while at the bottom: still at the bottom.
    vm.messages.push_back(message(160));
    run(vm, 1);
    EXPECT_TRUE(run(vm).scrolledToBottom);
}

TEST_F(ChatPanelTest, ScrollingToTheTopLoadsOlderHistoryOnceAndKeepsThePlace) {
    ViewModel vm = baseView();
    vm.messages = messages(100, 60);
    vm.hasMoreHistory = true;
    run(vm, 4);
    ImGuiWindow* list = window("##log");
    ASSERT_NE(list, nullptr);
    ASSERT_GT(list->ScrollMax.y, 0);

    // The wheel over the list scrolls it up to the top, which asks for older messages.
    mouse = ImVec2(w / 2, h / 2);
    bool asked = false;
    Intents in;
    for (int i = 0; i < 200 && !asked; ++i) {
        wheel = 3;
        in = frame(vm);
        asked = in.loadOlder;
    }
    ASSERT_TRUE(asked);
    EXPECT_FALSE(in.scrolledToBottom);
    EXPECT_EQ(list->Scroll.y, 0);

    // Loading: no more requests.
    vm.loadingHistory = true;
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(frame(vm).loadOlder);

    const float contentBefore = list->ContentSize.y;
    // 40 older messages arrive above. The visitor keeps reading where they were, so nothing more loads.
    std::vector<MessageView> older = messages(60, 40);
    vm.messages.insert(vm.messages.begin(), older.begin(), older.end());
    vm.loadingHistory = false;
    vm.revision++;
    for (int i = 0; i < 4; ++i)
        EXPECT_FALSE(frame(vm).loadOlder) << "frame " << i << " after the older messages arrived";
    EXPECT_FALSE(run(vm).scrolledToBottom);
    // Scrolled down by the height the older messages added (ImGui rounds positions above the visible area
    // differently, so that height is measured where the list now is): the same message is on screen.
    EXPECT_NEAR(list->Scroll.y, list->ContentSize.y - contentBefore, 2);
}

TEST_F(ChatPanelTest, TheVisitorCanScrollBackAndIsNotPulledDown) {
    ViewModel vm = baseView();
    vm.messages = messages(100, 60);
    EXPECT_TRUE(run(vm).scrolledToBottom);
    ImGuiWindow* list = window("##log");
    ASSERT_NE(list, nullptr);
    const float bottom = list->Scroll.y;

    mouse = ImVec2(w / 2, h / 2);
    for (int i = 0; i < 3; ++i) {
        wheel = 1;
        frame(vm);
    }
    Intents in = run(vm, 5);
    const float reading = list->Scroll.y;
    EXPECT_LT(reading, bottom - 100);
    EXPECT_FALSE(in.scrolledToBottom);

    // Messages arriving meanwhile do not move what the visitor reads.
    vm.messages.push_back(message(160));
    vm.messages.push_back(message(161));
    in = run(vm, 5);
    EXPECT_EQ(list->Scroll.y, reading);
    EXPECT_FALSE(in.scrolledToBottom);
    vm.agentTyping = true;
    vm.typingText = "对方正在输入…";
    in = run(vm, 3);
    EXPECT_EQ(list->Scroll.y, reading);

    // Back at the bottom, the list follows new messages again.
    for (int i = 0; i < 40 && !in.scrolledToBottom; ++i) {
        wheel = -1;
        in = frame(vm);
    }
    in = run(vm, 2);
    ASSERT_TRUE(in.scrolledToBottom);
    vm.agentTyping = false;
    vm.messages.push_back(message(162));
    in = run(vm, 3);
    EXPECT_TRUE(in.scrolledToBottom);
    EXPECT_EQ(list->Scroll.y, list->ScrollMax.y);
}

TEST_F(ChatPanelTest, VisitorTimeAlignsWithTheBubbleRightEdge) {
    ViewModel vm = baseView();
    vm.welcome.clear();
    MessageView m = message(1, 0);
    m.text = "好的";
    m.time = "昨天 14:05";
    vm.messages = {m};
    for (float dpr : {1.0f, 2.0f}) {
        setSize(370, 560, dpr);
        run(vm);
        const float listTop = theme::kHeaderH + 1, listBottom = composerTop();
        const Box bubble = boxOfColour(ui::theme::kBrand, listTop, listBottom);
        const Box time = boxOfColour(ui::theme::kMuted, listTop, listBottom);
        ASSERT_FALSE(bubble.empty());
        ASSERT_FALSE(time.empty());
        EXPECT_NEAR(bubble.x1, w - 12, 1) << "dpr " << dpr;
        EXPECT_GT(time.y0, bubble.y1 - 1); // below the bubble
        // Glyph quads overhang their advance by up to 2 texels.
        EXPECT_NEAR(time.x1, bubble.x1, 2.5) << "dpr " << dpr;
    }
}

TEST_F(ChatPanelTest, AFailedMessageOffersRetryAndDeleteUnderIt) {
    ViewModel vm = baseView();
    vm.retryLabel = "重试";
    vm.discardLabel = "删除";
    vm.messages = messages(0, 2);
    MessageView failed = message(9, 0);
    failed.failed = true;
    failed.error = "网络不佳，消息未能送达";
    vm.messages.push_back(failed);
    run(vm);
    // Down a column near the right edge, where the visitor's own bubble and its actions end.
    std::vector<float> rows;
    for (float y = theme::kHeaderH + 2; y < composerTop(); y += 2)
        if (click(vm, w - 16, y).discardId == "m9") rows.push_back(y);
    moveAway();
    ASSERT_FALSE(rows.empty()) << "no delete action under the failed message";
    EXPECT_NEAR(rows.back() - rows.front(), 22, 3); // a 22 px pill
    const float y = (rows.front() + rows.back()) / 2;
    float retryX0 = w, retryX1 = 0, discardX0 = w;
    for (float x = 1; x < w; x += 2) {
        const Intents in = click(vm, x, y);
        EXPECT_FALSE(!in.retryId.empty() && !in.discardId.empty());
        if (in.retryId == "m9") retryX0 = std::min(retryX0, x), retryX1 = std::max(retryX1, x);
        if (in.discardId == "m9") discardX0 = std::min(discardX0, x);
    }
    moveAway();
    EXPECT_LT(retryX1, discardX0) << "retry sits left of delete";
    EXPECT_GT(retryX0, w / 2) << "under the visitor's own (right-hand) bubble";
    // A message that went out has no actions.
    vm.messages.back().failed = false;
    vm.messages.back().error.clear();
    run(vm);
    EXPECT_TRUE(click(vm, w - 16, y).discardId.empty());
    EXPECT_EQ(fallbackQuads(), 0); // the labels' glyphs were asked for
}

TEST_F(ChatPanelTest, TheCallBarShowsTheConnectionQualityAsBarsBeforeTheStatus) {
    const float y0 = theme::kHeaderH, y1 = theme::kHeaderH + theme::kCallBarH;
    const ImU32 green = IM_COL32(82, 196, 26, 255), amber = IM_COL32(250, 173, 20, 255);
    ViewModel vm = baseView();
    inCall(vm, false);
    run(vm);
    EXPECT_TRUE(boxOfColour(theme::kOffline, y0, y1).empty()) << "no level known: no bars";
    const float width[] = {0, 13, 8, 3}; // three bars of 3 px, 2 px apart: all, two or one lit
    for (int q = 1; q <= 3; ++q) {
        vm.call.quality = q;
        run(vm);
        const Box lit = boxOfColour(q == 1 ? green : q == 2 ? amber : theme::kDanger, y0, y1);
        ASSERT_FALSE(lit.empty()) << q;
        EXPECT_LT(lit.x0, 20.f) << "at the start of the bar, before the status";
        if (q < 3) EXPECT_NEAR(lit.x1 - lit.x0, width[q], 1.1f) << q; // the red hang-up pill shares red
        const Box dim = boxOfColour(theme::kOffline, y0, y1);
        if (q == 1) {
            EXPECT_TRUE(dim.empty());
        } else {
            ASSERT_FALSE(dim.empty());
            EXPECT_NEAR(dim.x1 - dim.x0, width[4 - q + 1], 1.1f) << q; // rounded corners: up to 1 px less
        }
    }
}
