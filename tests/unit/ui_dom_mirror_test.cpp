// The DOM layer's view of the chat panel (src/ui/dom_mirror.hpp): message texts where they are drawn, a twin
// for every control in visual order, activation of a control through its twin, and the list following the
// layer's scrolling. The panel is drawn headless as in ui_chat_panel_test.cpp.
#include <gtest/gtest.h>

#include "ui/chat_panel.hpp"
#include "ui/font_atlas.hpp"
#include "ui/theme.hpp"
#include "ui_fakes.hpp"
#include "ui_panel_fixture.hpp"

#include <imgui.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

using namespace kefu;

namespace {

class DomMirrorTest : public test::PanelTest {
  protected:
    ViewModel vm;

    void SetUp() override {
        PanelTest::SetUp();
        vm.revision = 1;
        vm.title = "小王";
        vm.welcome = "您好，有什么可以帮您？";
        vm.voiceLabel = "语音";
        vm.videoLabel = "视频";
        vm.hangupLabel = "挂断";
        vm.muteLabel = "静音";
        vm.sendLabel = "发送";
        vm.closeLabel = "关闭";
        vm.emojiLabel = "表情";
        vm.call.state = "idle";
    }
    Intents frame(int n = 1) { return run(vm, n); }
    std::vector<std::string> keys() const {
        std::vector<std::string> k;
        for (const ui::DomControl& c : panel.mirror().controls) k.push_back(c.key);
        return k;
    }
    void addMessages(int n) {
        for (int i = 0; i < n; ++i) {
            MessageView m;
            m.id = "m" + std::to_string(i);
            m.from = i % 2;
            m.text = "第" + std::to_string(i) + "条 https://example.com/o/" + std::to_string(i) + " 请查收";
            m.time = "14:05";
            vm.messages.push_back(m);
        }
    }
};

TEST_F(DomMirrorTest, EveryDrawnControlHasATwinWithItsLabelInVisualOrder) {
    frame(2);
    const std::vector<std::string> want = {"voice", "video", "close", "emoji", "send"};
    EXPECT_EQ(keys(), want);
    const auto& c = panel.mirror().controls;
    EXPECT_EQ(c[0].label, "语音");
    EXPECT_EQ(c[2].label, "关闭");
    EXPECT_EQ(c[4].zone, ui::kZoneSend);
    EXPECT_FALSE(c[4].enabled) << "nothing to send yet";
    for (const ui::DomControl& t : c) {
        EXPECT_GE(t.r.w, 24) << t.key << ": a target of at least 24×24 CSS px";
        EXPECT_GE(t.r.h, 24) << t.key;
    }
}

TEST_F(DomMirrorTest, ActivatingATwinClicksItsControl) {
    frame(2);
    panel.activate("close");
    EXPECT_TRUE(frame().close);
    EXPECT_FALSE(frame().close) << "once";
    panel.activate("send"); // disabled: nothing happens
    EXPECT_FALSE(frame().send);
    vm.composerEmpty = false;
    frame();
    panel.activate("send");
    EXPECT_TRUE(frame().send);
    panel.activate("emoji");
    frame(2);
    EXPECT_EQ(keys().size(), 5u + 24u) << "the picker's cells follow the emoji button";
    panel.activate("e0");
    EXPECT_EQ(frame().insertText, "😀");
}

TEST_F(DomMirrorTest, CallControlsHaveTwinsToo) {
    vm.call.state = "in-call";
    vm.call.active = true;
    vm.call.status = "通话中 00:05";
    frame(2);
    const auto& c = panel.mirror().controls;
    auto at = [&](const std::string& key) {
        for (const ui::DomControl& t : c)
            if (t.key == key) return t.r;
        ADD_FAILURE() << key;
        return Rect{};
    };
    EXPECT_LT(at("call1").x, at("call3").x) << "静音 left of 挂断 (the DOM layer orders twins by position)";
    EXPECT_GT(at("call1").y, at("close").y) << "in the call bar under the header";
    panel.activate("call3");
    EXPECT_TRUE(frame().hangup);
}

TEST_F(DomMirrorTest, AVideoCallsEnlargeControlIsInTheCallBarWithANamedTwin) {
    vm.call.state = "in-call";
    vm.call.active = true;
    vm.call.video = true;
    vm.call.showRemoteVideo = true;
    vm.call.status = "通话中 00:05";
    vm.enlargeLabel = "全屏显示对方画面";
    const Intents first = frame(2);
    const ui::DomControl* z = nullptr;
    for (const ui::DomControl& t : panel.mirror().controls)
        if (t.key == "call8") z = &t;
    ASSERT_NE(z, nullptr) << "the enlarge control has a twin";
    EXPECT_EQ(z->label, "全屏显示对方画面");
    EXPECT_GE(z->r.y, first.remoteVideo.y + first.remoteVideo.h - 1) << "in the call bar, not on the video";
    panel.activate("call8");
    EXPECT_TRUE(frame().enlargeVideo);
    vm.call.showRemoteVideo = false; // a voice call: no such control
    frame(2);
    for (const ui::DomControl& t : panel.mirror().controls) EXPECT_NE(t.key, "call8");
}

TEST_F(DomMirrorTest, MessageTextsAreWhereTheyAreDrawnWithTheirLinks) {
    addMessages(3);
    frame(3);
    const ui::DomMirror& m = panel.mirror();
    ASSERT_EQ(m.runs.size(), 4u); // welcome + 3
    EXPECT_EQ(m.runs[0].id, "welcome");
    EXPECT_EQ(m.runs[1].id, "m0");
    EXPECT_EQ(m.runs[2].from, 1);
    EXPECT_EQ(m.lineH, atlas->body()->FontSize);
    for (std::size_t i = 1; i < m.runs.size(); ++i) {
        EXPECT_GT(m.runs[i].y, m.runs[i - 1].y) << "in reading order, list content coordinates";
        ASSERT_EQ(m.runs[i].links.size(), 1u);
        EXPECT_EQ(m.runs[i].links[0].href, "https://example.com/o/" + std::to_string(i - 1));
    }
    EXPECT_GT(m.runs[1].x, m.runs[2].x) << "the visitor's bubble is on the right";
    EXPECT_GT(m.list.h, 100);
}

TEST_F(DomMirrorTest, TheListFollowsTheLayersScrollAndStopsFollowingNewMessages) {
    addMessages(40);
    frame(4);
    const float bottom = panel.scrollCss();
    ASSERT_GT(bottom, 200) << "at the newest message";
    const float firstY = panel.mirror().runs[1].y;
    panel.scrollTo(100);
    frame(3);
    EXPECT_NEAR(panel.scrollCss(), 100, 1);
    EXPECT_NEAR(panel.mirror().runs[1].y, firstY, 1.5f) << "content coordinates do not move with the scroll";
    addMessages(1);
    vm.messages.back().id = "new";
    frame(3);
    EXPECT_NEAR(panel.scrollCss(), 100, 1) << "a visitor reading older messages stays there";
}

TEST_F(DomMirrorTest, SameAsIgnoresRoundingButNotChanges) {
    addMessages(2);
    frame(3);
    ui::DomMirror a = panel.mirror(), b = a;
    b.runs[0].y += 0.9f;
    EXPECT_TRUE(a.sameAs(b));
    b.runs[0].text += "!";
    EXPECT_FALSE(a.sameAs(b));
    b = a;
    b.controls[0].label = "x";
    EXPECT_FALSE(a.sameAs(b));
}

} // namespace
