// What the chat panel draws around the bubbles (see core/delivery.hpp for what goes where): the time and
// delivery mark under a bubble, the unread divider, and the "新消息 ↓" pill over the list.
#include "ui/chat_panel.hpp"

#include "ui/theme.hpp"

#include <imgui.h>
#include <imgui_internal.h>

namespace kefu::ui {

namespace {
constexpr float kMetaScale = 0.86f; // the time and mark: smaller than message text
}

void ChatPanel::marks(const MessageView& m, bool withTime) {
    const bool mine = m.from == 0;
    const float pad = 12 * mS;
    const std::string time = withTime ? m.time : std::string();
    const std::string text = time.empty() ? m.mark : m.mark.empty() ? time : time + " · " + m.mark;
    const float w = ImGui::CalcTextSize(text.c_str()).x * kMetaScale;
    const float x = mine ? mW - pad - w : pad;
    ImGui::SetCursorPosX(x);
    if (!m.mark.empty()) {
        // The mark is in the text layer too, so a screen reader hears 已读 (the time is not: each bubble's
        // time would be noise). List content coordinates, as the bubbles'.
        const float markW = ImGui::CalcTextSize(m.mark.c_str()).x * kMetaScale;
        mDom.runs.push_back(
            {m.id, m.mark, 3, (x + w - markW) / mS, ImGui::GetCursorPosY() / mS, markW / mS + 2, 1, {}});
    }
    ImGui::PushStyleColor(ImGuiCol_Text, theme::kMuted);
    ImGui::SetWindowFontScale(kMetaScale);
    ImGui::TextUnformatted(text.c_str());
    ImGui::SetWindowFontScale(1.0f);
    ImGui::PopStyleColor();
}

void ChatPanel::unreadDivider(const ViewModel& vm) {
    ImGui::Dummy(ImVec2(1, 6 * mS));
    const float pad = 12 * mS;
    const ImVec2 ts = ImGui::CalcTextSize(vm.dividerLabel.c_str());
    const float tw = ts.x * kMetaScale, th = ts.y * kMetaScale;
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float cx = mW / 2, y = p.y + th / 2;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddLine(ImVec2(pad, y), ImVec2(cx - tw / 2 - 8 * mS, y), theme::kBrand, mS);
    dl->AddLine(ImVec2(cx + tw / 2 + 8 * mS, y), ImVec2(mW - pad, y), theme::kBrand, mS);
    ImGui::SetCursorPosX(cx - tw / 2);
    mDom.runs.push_back(
        {"divider", vm.dividerLabel, 4, (cx - tw / 2) / mS, ImGui::GetCursorPosY() / mS, tw / mS + 2, 1, {}});
    ImGui::PushStyleColor(ImGuiCol_Text, theme::kBrand);
    ImGui::SetWindowFontScale(kMetaScale);
    ImGui::TextUnformatted(vm.dividerLabel.c_str());
    ImGui::SetWindowFontScale(1.0f);
    ImGui::PopStyleColor();
}

bool ChatPanel::newMessagePill(const ViewModel& vm, bool atBottom) {
    // A reply came while the visitor reads further up: say so instead of pulling them down.
    std::string lastAgent;
    for (auto it = vm.messages.rbegin(); it != vm.messages.rend() && lastAgent.empty(); ++it)
        if (it->from == 1) lastAgent = it->id;
    if (lastAgent != mLastAgentId && !mLastAgentId.empty() && !mStick && !atBottom) mPill = true;
    mLastAgentId = lastAgent;
    if (atBottom) mPill = false;
    if (!mPill || vm.newMessageLabel.empty()) return false;
    const ImGuiWindow* win = ImGui::GetCurrentWindow();
    const ImVec2 cursor = ImGui::GetCursorPos(); // the list's end: following the newest message aims there
    const float h = 28 * mS;
    ImGui::PushFont(mBody);
    const float w = ImGui::CalcTextSize(vm.newMessageLabel.c_str()).x + 24 * mS;
    ImGui::PopFont();
    const ImVec2 p(win->Pos.x + (win->Size.x - w) / 2, win->Pos.y + win->Size.y - h - 10 * mS);
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + 2 * mS), ImVec2(p.x + w, p.y + h + 2 * mS),
                                              IM_COL32(0, 0, 0, 40), h / 2);
    ImGui::SetCursorScreenPos(p);
    mZone = kZoneComposer; // its twin in panel coordinates, after the conversation in Tab order
    const bool clicked = pill("newmsg", vm.newMessageLabel.c_str(), theme::kBrand, theme::kWhite, h);
    mZone = kZoneList;
    ImGui::SetCursorPos(cursor);
    if (clicked) mPill = false;
    return clicked;
}

} // namespace kefu::ui
