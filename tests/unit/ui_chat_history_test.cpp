// The message list of the chat panel drawn headless (ui_chat_panel_fixture.hpp): every visible string
// in the glyph text, only what is on screen drawn, scrolling and older history, times and failed messages.
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
