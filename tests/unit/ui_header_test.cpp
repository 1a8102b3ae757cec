// The header and the notice strip wrap their text (src/ui/chat_header.cpp), every target is at least 44 px
// on phones and 24 px elsewhere, and a disabled call button's twin says why it is disabled.
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

using namespace kefu;
using kefu::test::FakeGlyphHost;
namespace theme = kefu::ui::theme;

namespace {

const char* const kAway = "We're away right now. Leave a message and we'll reply soon.";
const char* const kDenied = "Microphone/camera access was denied. Allow it in your browser settings and try again.";

ViewModel view() {
    ViewModel vm;
    vm.revision = 1;
    vm.title = "Support";
    vm.subtitle = "Online";
    vm.agentOnline = true;
    vm.welcome = "Hi! How can we help you?";
    vm.voiceLabel = "Voice";
    vm.videoLabel = "Video";
    vm.sendLabel = "Send";
    vm.closeLabel = "Close";
    vm.emojiLabel = "Emoji";
    vm.loadOlderLabel = "Load older messages";
    vm.hasMoreHistory = true;
    vm.call.state = "idle";
    return vm;
}

class HeaderTest : public test::PanelTest {
  protected:
    const ui::DomMirror& draw(const ViewModel& vm, int frames = 3) {
        run(vm, frames);
        return panel.mirror();
    }
    const ui::DomNote* note(const std::string& key) {
        for (const ui::DomNote& n : panel.mirror().notes)
            if (n.key == key) return &n;
        return nullptr;
    }
};

} // namespace

TEST_F(HeaderTest, AShortPresenceLineStaysBesideTheName) {
    const ui::DomMirror& m = draw(view());
    EXPECT_FLOAT_EQ(m.list.y, theme::kHeaderH);
    ASSERT_NE(note("sub"), nullptr);
    EXPECT_EQ(note("sub")->text, "Online");
}

TEST_F(HeaderTest, TheAwayLineWrapsAndTheHeaderGrows) {
    ViewModel vm = view();
    vm.subtitle = kAway;
    vm.agentOnline = false;
    const ui::DomMirror& m = draw(vm);
    ASSERT_NE(note("sub"), nullptr);
    EXPECT_EQ(note("sub")->text, kAway); // all of it, for the DOM layer too
    const float lh = theme::kBodyFont;
    // 59 characters of 8.4 px in a 296 px wide line: two lines under the name row.
    EXPECT_GE(m.list.y, theme::kHeaderH + 2 * lh - 1);
    EXPECT_GE(note("sub")->r.y, theme::kHeaderH - 10);
    EXPECT_LE(note("sub")->r.x + note("sub")->r.w, w);
}

TEST_F(HeaderTest, ALongNoticeWrapsOverAsManyLinesAsItNeeds) {
    ViewModel vm = view();
    vm.notice = "Too long";
    const float listShort = draw(vm).list.h;
    vm.notice = kDenied;
    const ui::DomMirror& m = draw(vm);
    ASSERT_NE(note("notice"), nullptr);
    EXPECT_EQ(note("notice")->text, kDenied);
    // 85 characters at 346 px: three lines, so the list gives up two more lines.
    EXPECT_LE(m.list.h, listShort - 2 * theme::kBodyFont + 1);
}

TEST_F(HeaderTest, EveryTargetIs44PxOnAPhoneAnd24Elsewhere) {
    ViewModel vm = view();
    MessageView mine;
    mine.id = "m1";
    mine.text = "hi";
    vm.messages.push_back(mine);
    vm.messages.back().failed = true;
    vm.messages.back().error = "Not sent";
    vm.retryLabel = "Retry";
    vm.discardLabel = "Delete";
    for (bool phone : {false, true}) {
        vm.fullscreen = phone;
        w = phone ? 390 : 370;
        h = phone ? 844 : 560;
        const float min = phone ? 44 : 24;
        const ui::DomMirror& m = draw(vm);
        ASSERT_GE(m.controls.size(), 8u);
        for (const ui::DomControl& c : m.controls) {
            EXPECT_GE(c.r.w, min - 0.01f) << c.key << (phone ? " (phone)" : "");
            EXPECT_GE(c.r.h, min - 0.01f) << c.key << (phone ? " (phone)" : "");
        }
    }
}

TEST_F(HeaderTest, DisabledCallButtonsSayWhy) {
    ViewModel vm = view();
    vm.call.unavailable = "No agent is online, so calls are unavailable right now.";
    int found = 0;
    for (const ui::DomControl& c : draw(vm).controls) {
        if (c.key != "voice" && c.key != "video") continue;
        ++found;
        EXPECT_FALSE(c.enabled);
        EXPECT_EQ(c.why, vm.call.unavailable);
    }
    EXPECT_EQ(found, 2);
    vm.call.unavailable.clear();
    for (const ui::DomControl& c : draw(vm).controls)
        if (c.key == "voice") {
            EXPECT_TRUE(c.enabled && c.why.empty());
        }
}

TEST_F(HeaderTest, ALongCallFailureWrapsAndTheCallBarGrows) {
    ViewModel vm = view();
    vm.call.state = "failed";
    vm.call.status = "Call failed";
    const float shortTop = draw(vm).list.y;
    EXPECT_FLOAT_EQ(shortTop, theme::kHeaderH + theme::kCallBarH);
    vm.call.status = kDenied; // 85 characters of 8.4 px in 346 px: three lines
    EXPECT_GE(draw(vm).list.y, shortTop + 3 * theme::kBodyFont + 16 - theme::kCallBarH - 0.5f);
}

TEST_F(HeaderTest, EveryDisabledTwinSaysWhy) {
    ViewModel vm = view();
    vm.composerEmpty = true;
    vm.sendHint = "Type a message first";
    vm.loadingHistory = true;
    vm.loadOlderLabel = "Loading…";
    vm.call.unavailable = "This browser can't make voice or video calls. You can still chat.";
    int disabled = 0;
    for (const ui::DomControl& c : draw(vm).controls) {
        if (c.enabled) continue;
        ++disabled;
        EXPECT_FALSE(c.why.empty()) << c.key;
    }
    EXPECT_EQ(disabled, 4); // 语音, 视频, 发送, load older
}
