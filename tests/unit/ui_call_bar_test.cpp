// The call controls of the chat panel drawn headless (ui_chat_panel_fixture.hpp): the header's call
// buttons, the call bar, the voice/video switch, the video placement and the quality bars.
#include <gtest/gtest.h>

#include "ui_chat_panel_fixture.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <cfloat>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace kefu;
using namespace kefu::uitest;
using kefu::test::FakeGlyphHost;
namespace theme = kefu::ui::theme;

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
        if (q < 3) { // the red hang-up pill shares red
            EXPECT_NEAR(lit.x1 - lit.x0, width[q], 1.1f) << q;
        }
        const Box dim = boxOfColour(theme::kOffline, y0, y1);
        if (q == 1) {
            EXPECT_TRUE(dim.empty());
        } else {
            ASSERT_FALSE(dim.empty());
            EXPECT_NEAR(dim.x1 - dim.x0, width[4 - q + 1], 1.1f) << q; // rounded corners: up to 1 px less
        }
    }
}
