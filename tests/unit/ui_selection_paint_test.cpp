// The text layer's selection drawn in the canvas (src/ui/selection_paint.hpp): the rects web/selection.js
// sends are read strictly, drawn inside bubbles only, under the bubble's glyphs, in the theme's colour.
#include <gtest/gtest.h>

#include "ui/chat_panel.hpp"
#include "ui/font_atlas.hpp"
#include "ui/selection_paint.hpp"
#include "ui/theme.hpp"
#include "ui_fakes.hpp"
#include "ui_panel_fixture.hpp"

#include <imgui.h>

#include <memory>
#include <string>

using namespace kefu;

TEST(SelectionPaint, ReadsQuarterPixelRects) {
    ui::SelectionPaint s;
    EXPECT_TRUE(s.set("40 -8 400 68 0 0 4 4"));
    ASSERT_EQ(s.rects().size(), 2u);
    EXPECT_FLOAT_EQ(s.rects()[0].x, 10);
    EXPECT_FLOAT_EQ(s.rects()[0].y, -2);
    EXPECT_FLOAT_EQ(s.rects()[0].w, 100);
    EXPECT_FLOAT_EQ(s.rects()[0].h, 17);
    EXPECT_FALSE(s.set("40 -8 400 68 0 0 4 4")) << "the same rects: nothing to redraw";
    EXPECT_TRUE(s.set(""));
    EXPECT_TRUE(s.rects().empty());
}

TEST(SelectionPaint, AnythingMalformedClearsTheSelection) {
    ui::SelectionPaint s;
    for (const char* bad : {"1 2 3", "1 2 3 x", "1 2 3 4.5", "1,2,3,4", "1 2 3 99999999", "1 2 3 4 -"}) {
        s.set("4 4 40 40");
        EXPECT_TRUE(s.set(bad)) << bad;
        EXPECT_TRUE(s.rects().empty()) << bad;
    }
    std::string many;
    for (std::size_t i = 0; i <= ui::SelectionPaint::kMaxRects; ++i) many += "0 0 4 4 ";
    s.set(many);
    EXPECT_TRUE(s.rects().empty()) << "more rects than any selection has";
    s.set("0 0 0 4 0 0 4 -4");
    EXPECT_TRUE(s.rects().empty()) << "empty rects are dropped";
}

namespace {

class SelectionPanelTest : public test::PanelTest {
  protected:
    ViewModel vm;

    void SetUp() override {
        PanelTest::SetUp();
        vm.revision = 1;
        vm.title = "小王";
        vm.welcome = "您好，有什么可以帮您？";
        vm.call.state = "idle";
    }
    // Draws two frames; returns the index of the first vertex of `col` in the list's draw list and of the
    // last one of `after` (-1 when none).
    void frame(ImU32 col, ImU32 after, int& first, int& last) {
        run(vm, 2);
        first = last = -1;
        const ImDrawData* dd = ImGui::GetDrawData();
        for (int l = 0; l < dd->CmdListsCount; ++l) {
            const ImDrawList* dl = dd->CmdLists[l];
            for (int v = 0; v < dl->VtxBuffer.Size; ++v) {
                if (dl->VtxBuffer[v].col == col && first < 0) first = l * 1000000 + v;
                if (dl->VtxBuffer[v].col == after) last = l * 1000000 + v;
            }
        }
    }
};

TEST_F(SelectionPanelTest, DrawnInsideTheBubbleUnderItsGlyphs) {
    int first, last;
    frame(ui::theme::selection(), ui::theme::kAgentText, first, last);
    EXPECT_EQ(first, -1) << "nothing selected, nothing drawn";
    const ui::DomRun& run = panel.mirror().runs.at(0); // the welcome, in list content coordinates
    const auto q = [](float v) { return std::to_string((int)(v * 4)); };
    panel.selection().set(q(run.x) + " " + q(run.y) + " " + q(40) + " " + q(17));
    frame(ui::theme::selection(), ui::theme::kAgentText, first, last);
    ASSERT_GE(first, 0) << "the selection is drawn";
    EXPECT_LT(first, last) << "under the welcome's glyphs, which come after it";
    // Over the list's background, outside every bubble: nothing.
    panel.selection().set(q(2) + " " + q(run.y) + " " + q(4) + " " + q(17));
    frame(ui::theme::selection(), ui::theme::kAgentText, first, last);
    EXPECT_EQ(first, -1);
}

} // namespace
