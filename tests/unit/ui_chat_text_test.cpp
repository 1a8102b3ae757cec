// Message text in the chat panel as a visitor sees it: it fits its bubble at every width, lines break
// where Chinese typography wants, emoji sequences are one glyph, and links are drawn, hovered and opened.
// The panel is drawn headless with the fake glyph host (every glyph 0.6 × the pixel size wide).
#include <gtest/gtest.h>

#include "core/text.hpp"
#include "ui/chat_panel.hpp"
#include "ui/font_atlas.hpp"
#include "ui/theme.hpp"
#include "ui_fakes.hpp"
#include "ui_panel_fixture.hpp"

#include <imgui.h>

#include <cfloat>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

using namespace kefu;
namespace theme = kefu::ui::theme;

namespace {

struct Box {
    float x0 = FLT_MAX, y0 = FLT_MAX, x1 = -FLT_MAX, y1 = -FLT_MAX;
    int vertices = 0;
    bool empty() const { return vertices == 0; }
};

class ChatTextTest : public test::PanelTest {
  protected:
    void setScale(float dpr) { setSize(w, h, dpr); }

    static ViewModel view(const std::string& text, int from = 1) {
        ViewModel vm;
        vm.revision = 1;
        vm.title = "小王";
        vm.sendLabel = "发送";
        vm.voiceLabel = "语音";
        vm.videoLabel = "视频";
        MessageView m;
        m.id = "m1";
        m.from = from;
        m.text = text;
        m.time = "14:05";
        vm.messages = {m};
        return vm;
    }

    // Presses at (x, y), moves by (dx, 0) and releases there: the Intents of the release frame.
    Intents click(const ViewModel& vm, float x, float y, float dx = 0) {
        mouse = ImVec2(x, y);
        mouseDown = false;
        frame(vm);
        mouseDown = true;
        frame(vm);
        mouse = ImVec2(x + dx, y);
        frame(vm);
        mouseDown = false;
        return frame(vm);
    }

    // Glyph quads of colour `col` drawn in the message list.
    int glyphQuads(ImU32 col) const {
        int n = 0;
        const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
        const ImDrawData* dd = ImGui::GetDrawData();
        for (int l = 0; l < dd->CmdListsCount; ++l)
            for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer) {
                const float y = v.pos.y / scale;
                if (v.col == col && (v.uv.x != white.x || v.uv.y != white.y) && y > theme::kHeaderH + 1 &&
                    y < h - theme::kComposerH)
                    ++n;
            }
        return n / 4;
    }

    // Vertices of colour `col` in the message list (CSS px).
    Box boxOf(ImU32 col) const {
        Box b;
        const ImDrawData* dd = ImGui::GetDrawData();
        for (int l = 0; l < dd->CmdListsCount; ++l)
            for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer) {
                const float x = v.pos.x / scale, y = v.pos.y / scale;
                if (v.col != col || y < theme::kHeaderH + 1 || y >= h - theme::kComposerH) continue;
                b.x0 = std::min(b.x0, x);
                b.x1 = std::max(b.x1, x);
                b.y0 = std::min(b.y0, y);
                b.y1 = std::max(b.y1, y);
                ++b.vertices;
            }
        return b;
    }
};

const char* const kClosing[] = {"，", "。", "、", "！", "？", "：", "；", "）", "」", "』",
                                "】", "》", "…",  ",",  ".",  "!",  "?",  ";",  ":"};

} // namespace

TEST_F(ChatTextTest, TextFitsItsBubbleAtEveryWidthAndNoLineStartsWithClosingPunctuation) {
    const std::string texts[] = {"您的订单号是 QS20250412，请查收",
                                 "第 13 条消息，内容稍微长一点以便换行显示在气泡里面。",
                                 "客服回复：您好，请问有什么可以帮您？我们会尽快处理。", "好的。"};
    for (float dpr : {1.0f, 2.0f}) {
        setScale(dpr);
        for (float width = 300; width <= 420; width += 1) {
            w = width;
            for (const std::string& t : texts) {
                const ViewModel vm = view(t);
                run(vm);
                const Box bubble = boxOf(theme::kAgentBubble), text = boxOf(theme::kAgentText);
                ASSERT_FALSE(bubble.empty());
                ASSERT_FALSE(text.empty());
                // Glyph cells overhang their advance by a texel on each side; the bubble's edge is anti-aliased.
                EXPECT_LE(text.x1, bubble.x1 - 12 + 2.51f / dpr) << t << " at " << width << " dpr " << dpr;
                EXPECT_GE(text.x0, bubble.x0 + 12 - 2.0f / dpr) << t;
                EXPECT_LE(text.y1, bubble.y1) << t;
                float innerCss = 0;
                const std::vector<std::string> lines = panel.bubbleLines(t, innerCss);
                EXPECT_NEAR(bubble.y1 - bubble.y0, lines.size() * atlas->body()->FontSize / dpr + 16, 1.01f) << t;
                for (std::size_t i = 1; i < lines.size(); ++i)
                    for (const char* c : kClosing)
                        EXPECT_NE(lines[i].rfind(c, 0), 0u) << "line " << lines[i] << " of " << t;
                EXPECT_FALSE(lines.size() == 2 && lines[1] == "。") << t;
            }
        }
    }
}

TEST_F(ChatTextTest, EmojiSequencesAreDrawnAsOneGlyphEach) {
    // Family (7 code points), skin tone (2), flag (2), keycap (3), VS16 (2), technologist with tone (4).
    const ViewModel vm = view("👨‍👩‍👧‍👦👍🏽🇨🇳1️⃣❤️👩🏻‍💻");
    run(vm);
    // The fake host reports every glyph from U+1F300 up (cluster keys included) as colour: drawn untinted.
    EXPECT_EQ(glyphQuads(IM_COL32_WHITE), 6) << "one quad per cluster";
    EXPECT_EQ(glyphQuads(theme::kAgentText), 0) << "no loose code points (ZWJ, VS16, keycap) drawn";
    bool rasterizedWhole = false;
    for (const ui::RasterRequest& r : host.requests)
        for (const std::string& t : r.texts) rasterizedWhole = rasterizedWhole || t == "👨‍👩‍👧‍👦";
    EXPECT_TRUE(rasterizedWhole) << "the browser is asked to draw the family as one string";
}

TEST_F(ChatTextTest, ALinkIsUnderlinedShowsAHandAndOpensOnClick) {
    const ViewModel vm = view("请看https://a.cn/b?c=1，谢谢");
    run(vm);
    const Box bubble = boxOf(theme::kAgentBubble);
    const Box link = boxOf(theme::kBrandDark);
    ASSERT_FALSE(link.empty()) << "the link is drawn in the link colour";
    const float adv = test::FakeGlyphHost::kAdvance * theme::kBodyFont;
    EXPECT_NEAR(link.x0, bubble.x0 + 12 + 2 * adv, 1.5f) << "the link starts after 请看";
    EXPECT_NEAR(link.x1, bubble.x0 + 12 + 20 * adv, 1.5f) << "and ends before the full-width comma";
    const float y = (link.y0 + link.y1) / 2;

    mouse = ImVec2(link.x0 + 20, y);
    run(vm);
    EXPECT_EQ(ImGui::GetMouseCursor(), ImGuiMouseCursor_Hand);
    EXPECT_EQ(click(vm, link.x0 + 20, y).openLink, "https://a.cn/b?c=1");
    // Not on the text after it, and not when the press turns into a drag (scrolling by touch).
    EXPECT_EQ(click(vm, link.x1 + 3 * adv, y).openLink, "");
    EXPECT_EQ(click(vm, link.x0 + 20, y, 40).openLink, "");
    mouse = ImVec2(link.x1 + 3 * adv, y);
    run(vm);
    EXPECT_NE(ImGui::GetMouseCursor(), ImGuiMouseCursor_Hand);
}

TEST_F(ChatTextTest, OnlyDetectedLinksOpenAndTheVisitorsOwnAreWhiteAndUnderlined) {
    ViewModel vm = view("javascript:alert(1) 或 data:text/html,x");
    run(vm);
    const Box text = boxOf(theme::kAgentText);
    for (float x = text.x0 + 2; x < text.x1; x += 4) EXPECT_EQ(click(vm, x, (text.y0 + text.y1) / 2).openLink, "") << x;

    vm = view("我的电话 13800138000", 0);
    run(vm);
    const Box bubble = boxOf(theme::kBrand);
    const float adv = test::FakeGlyphHost::kAdvance * theme::kBodyFont;
    const float y = bubble.y0 + 8 + atlas->body()->FontSize / 2;
    EXPECT_EQ(click(vm, bubble.x0 + 12 + 8 * adv, y).openLink, "tel:13800138000");
}
