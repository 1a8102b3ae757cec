// The panel's header (avatar, name, presence line, 语音 / 视频 / close) and the notice strip above the
// composer. Both wrap their text with the bubbles' line breaker and grow to as many lines as it needs.
#include "ui/chat_panel.hpp"
#include "ui/theme.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <string>

namespace kefu::ui {
namespace {

// First UTF-8 character of a name, for the avatar.
std::string initial(const std::string& s) {
    if (s.empty()) return "?";
    const unsigned char c = (unsigned char)s[0];
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    return s.substr(0, std::min(n, s.size()));
}

} // namespace

void ChatPanel::tip(const std::string& text) {
    // The root window has no padding (the panel is drawn edge to edge); a tooltip needs some.
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8 * mS, 5 * mS));
    ImGui::SetTooltip("%s", text.c_str());
    ImGui::PopStyleVar();
}

float ChatPanel::pillWidth(const char* label, float padX) const {
    return std::max(ImGui::CalcTextSize(label).x + 2 * padX, mTarget * mS);
}

void ChatPanel::header(const ViewModel& vm, Intents& out) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float row = theme::kHeaderH * mS; // the avatar, name and buttons row
    const float lh = mBody->FontSize;
    const float tx = 62 * mS;

    // Buttons on the right: 语音, 视频, close. Measured first: the texts wrap before them.
    const float bh = 30 * mS;
    const float closeW = std::max(32.0f, mTarget) * mS;
    const float voiceW = pillWidth(vm.voiceLabel.c_str(), 12 * mS);
    const float videoW = pillWidth(vm.videoLabel.c_str(), 12 * mS);
    const float x = mW - 10 * mS - closeW - 6 * mS - videoW - 6 * mS - voiceW;

    // The presence line beside the name when it fits there on one line; else on lines of its own under the
    // row, the full width of the panel ("客服暂时不在线，留言后会尽快回复您" is never cut).
    const float narrow = std::max(1.0f, x - 8 * mS - tx);
    const TextLayout* sub = &layout(vm.subtitle, narrow);
    const bool below = sub->lines.size() > 1;
    float subY = row / 2 + 3 * mS, hh = row;
    if (below) {
        sub = &layout(vm.subtitle, std::max(1.0f, mW - tx - 12 * mS));
        subY = row - 8 * mS;
        hh = subY + lh * (float)sub->lines.size() + 10 * mS;
    }
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(mW, hh), theme::kBrand);

    // Avatar with the agent's initial and a presence dot.
    const ImVec2 c(16 * mS + 18 * mS, row / 2);
    dl->AddCircleFilled(c, 18 * mS, IM_COL32(255, 255, 255, 60));
    const std::string ini = initial(vm.title);
    ImGui::PushFont(mTitle);
    const ImVec2 isz = ImGui::CalcTextSize(ini.c_str());
    dl->AddText(ImVec2(c.x - isz.x / 2, c.y - isz.y / 2), theme::kWhite, ini.c_str());
    dl->AddCircleFilled(ImVec2(c.x + 13 * mS, c.y + 13 * mS), 5 * mS, theme::kWhite);
    dl->AddCircleFilled(ImVec2(c.x + 13 * mS, c.y + 13 * mS), 3.5f * mS,
                        vm.agentOnline ? theme::kOnline : theme::kOffline);
    // The name, clipped before the buttons (a name is short; the tooltip and the dialog's label have it all).
    dl->PushClipRect(ImVec2(tx, 0), ImVec2(x - 8 * mS, row), true);
    const float titleY = below ? (row - ImGui::GetFontSize()) / 2 : row / 2 - ImGui::GetFontSize() + 2 * mS;
    dl->AddText(ImVec2(tx, titleY), theme::kWhite, vm.title.c_str());
    const bool titleCut = ImGui::CalcTextSize(vm.title.c_str()).x > x - 8 * mS - tx;
    dl->PopClipRect();
    ImGui::PopFont();
    drawText(dl, mAtlas, mBody, *sub, ImVec2(tx, subY), theme::kWhite, theme::kWhite, nullptr);
    mDom.notes.push_back({"sub", vm.subtitle, Rect{tx / mS, subY / mS, (below ? mW - tx - 12 * mS : narrow) / mS, 0}});
    if (titleCut && ImGui::IsMouseHoveringRect(ImVec2(tx, 0), ImVec2(x - 8 * mS, row))) tip(vm.title);

    // Calls that cannot be made now (this browser, or nobody there to answer): the pills stay, dimmed; hovering
    // says why, and so does a tap (the widget then shows the reason as a notice), since a touch screen has no
    // hover. The twins carry the reason as their description.
    const std::string& why = vm.call.unavailable;
    const bool unavailable = !why.empty();
    const bool canCall = !vm.call.active && !unavailable;
    auto whyNot = [&](bool& intent) {
        if (!unavailable || vm.call.active || !ImGui::IsItemHovered()) return;
        tip(why);
        if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) intent = true;
    };
    const std::string& reason = canCall || vm.call.active ? std::string() : why;
    ImGui::SetCursorPos(ImVec2(x, (row - bh) / 2));
    if (pill("voice", vm.voiceLabel.c_str(), theme::kOnBrand, theme::kWhite, bh, canCall, -1, reason))
        out.startVoice = true;
    if (canCall && ImGui::IsItemHovered()) out.primeVoice = true;
    whyNot(out.startVoice);
    ImGui::SetCursorPos(ImVec2(x + voiceW + 6 * mS, (row - bh) / 2));
    if (pill("video", vm.videoLabel.c_str(), theme::kOnBrand, theme::kWhite, bh, canCall, -1, reason))
        out.startVideo = true;
    whyNot(out.startVideo);
    ImGui::SetCursorPos(ImVec2(mW - 10 * mS - closeW, (row - closeW) / 2));
    if (ImGui::InvisibleButton("##close", ImVec2(closeW, closeW)) | twin("close", vm.closeLabel)) out.close = true;
    const ImVec2 cp = ImGui::GetItemRectMin();
    if (ImGui::IsItemHovered()) {
        dl->AddCircleFilled(ImVec2(cp.x + closeW / 2, cp.y + closeW / 2), 16 * mS, IM_COL32(255, 255, 255, 40));
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        tip(vm.closeLabel);
    }
    const float k = 6 * mS;
    const ImVec2 m(cp.x + closeW / 2, cp.y + closeW / 2);
    dl->AddLine(ImVec2(m.x - k, m.y - k), ImVec2(m.x + k, m.y + k), theme::kWhite, 2 * mS);
    dl->AddLine(ImVec2(m.x - k, m.y + k), ImVec2(m.x + k, m.y - k), theme::kWhite, 2 * mS);
    ImGui::SetCursorPos(ImVec2(0, hh));
}

float ChatPanel::noticeHeight(const ViewModel& vm) {
    if (vm.notice.empty()) return 0;
    const TextLayout& tl = layout(vm.notice, std::max(1.0f, mW - 24 * mS));
    return std::max(26 * mS, mBody->FontSize * (float)tl.lines.size() + 10 * mS);
}

void ChatPanel::notice(const ViewModel& vm, float height) {
    if (vm.notice.empty()) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const TextLayout& tl = layout(vm.notice, std::max(1.0f, mW - 24 * mS));
    const float textH = mBody->FontSize * (float)tl.lines.size();
    dl->AddRectFilled(p, ImVec2(p.x + mW, p.y + height), IM_COL32(255, 241, 240, 255));
    const ImVec2 at(p.x + 12 * mS, p.y + (height - textH) / 2);
    drawText(dl, mAtlas, mBody, tl, at, theme::kDanger, theme::kDanger, nullptr);
    mDom.notes.push_back({"notice", vm.notice, Rect{at.x / mS, at.y / mS, (mW - 24 * mS) / mS, 0}});
    ImGui::Dummy(ImVec2(mW, height));
}

} // namespace kefu::ui
