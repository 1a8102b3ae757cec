// The chat panel drawn headless (ui_chat_panel_fixture.hpp): draw data without a GPU, the fonts it asks
// for, the header's buttons, Escape, the composer, the older-history pill and the emoji picker.
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
