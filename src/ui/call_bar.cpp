// The call bar under the header: the call's status, its quality, and its buttons (静音, 挂断, 接听…), with the
// video area above it in a video call.
#include "ui/chat_panel.hpp"
#include "ui/theme.hpp"

#include <imgui.h>

#include <string>
#include <utility>
#include <vector>

namespace kefu::ui {

void ChatPanel::callBar(const ViewModel& vm, Intents& out) {
    const CallView& c = vm.call;
    if (c.status.empty()) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float y = ImGui::GetCursorPosY();
    if (c.showRemoteVideo) {
        // Video area: the remote <video> fills it, the local preview sits in its corner.
        const float vh = std::min(mW * 0.75f, mH * 0.42f);
        dl->AddRectFilled(ImVec2(0, y), ImVec2(mW, y + vh), IM_COL32(20, 20, 20, 255));
        out.remoteVideo = Rect{0, y / mS, mW / mS, vh / mS};
        if (c.showLocalVideo) {
            float lw = mW * 0.28f, lh = lw * 0.75f;
            if (lh > vh * 0.5f) { // a wide, short panel (phone in landscape): keep it inside the video area
                lh = vh * 0.5f;
                lw = lh / 0.75f;
            }
            out.localVideo = Rect{(mW - lw - 8 * mS) / mS, (y + vh - lh - 8 * mS) / mS, lw / mS, lh / mS};
        }
        y += vh;
    }
    const bool failed = c.state == "failed";
    // Right-aligned buttons.
    const float ph = 30 * mS;
    std::vector<std::pair<const char*, int>> buttons;
    if (c.active) {
        if (c.state == "in-call" || c.state == "connecting")
            buttons.push_back({c.muted ? vm.unmuteLabel.c_str() : vm.muteLabel.c_str(), 1});
        if (c.video && c.state == "in-call")
            buttons.push_back({c.cameraOff ? vm.cameraOnLabel.c_str() : vm.cameraOffLabel.c_str(), 2});
        if (c.canSwitch) buttons.push_back({c.video ? vm.toVoiceLabel.c_str() : vm.toVideoLabel.c_str(), 5});
        buttons.push_back(
            {c.state == "in-call" || c.state == "connecting" ? vm.hangupLabel.c_str() : vm.cancelLabel.c_str(), 3});
    } else if (c.incoming) {
        buttons.push_back({vm.answerLabel.c_str(), 6});
        buttons.push_back({vm.declineLabel.c_str(), 7});
    } else if (c.offerVoice) {
        buttons.push_back({vm.voiceInsteadLabel.c_str(), 4});
    }
    // A narrow panel (a phone, four buttons in a video call): tighter pills first, then the short status
    // (the elapsed time alone); a status still too long wraps, and the bar grows (a failure's help is read whole).
    const float gap = 6 * mS, margin = 10 * mS, left = 12 * mS;
    auto buttonsWidth = [&](float pad) {
        float w = 0;
        for (const auto& b : buttons) w += pillWidth(b.first, pad) + gap;
        return w;
    };
    float pad = 12 * mS;
    const char* status = c.status.c_str();
    const float room = mW - margin - left - 8 * mS - (c.quality > 0 ? 21 * mS : 0); // 21: the quality bars
    if (ImGui::CalcTextSize(status).x + buttonsWidth(pad) > room) pad = 7 * mS;
    if (ImGui::CalcTextSize(status).x + buttonsWidth(pad) > room && !c.statusShort.empty())
        status = c.statusShort.c_str();
    if (ImGui::CalcTextSize(status).x + buttonsWidth(pad) > room) pad = 4 * mS;
    const float statusRight = std::max(left, mW - margin - buttonsWidth(pad));
    float textX = left + (c.quality > 0 ? 21 * mS : 0);
    const TextLayout& tl = layout(status, std::max(1.0f, statusRight - textX - 4 * mS));
    const float textH = mBody->FontSize * (float)tl.lines.size();
    const float bh = std::max(theme::kCallBarH * mS, textH + 16 * mS);
    dl->AddRectFilled(ImVec2(0, y), ImVec2(mW, y + bh),
                      failed ? IM_COL32(255, 241, 240, 255) : IM_COL32(230, 244, 255, 255));
    if (c.quality > 0) {
        // The connection's quality as three rising bars: all green (good), two amber (fair), one red (poor).
        static constexpr ImU32 kLevel[] = {IM_COL32(82, 196, 26, 255), IM_COL32(250, 173, 20, 255), theme::kDanger};
        const ImU32 on = kLevel[std::min(c.quality, 3) - 1];
        const float bw = 3 * mS, base = y + bh / 2 + 7 * mS;
        for (int i = 0; i < 3; ++i) {
            const float x0 = left + i * (bw + 2 * mS);
            dl->AddRectFilled(ImVec2(x0, base - (6 + 4 * i) * mS), ImVec2(x0 + bw, base),
                              i < 4 - c.quality ? on : theme::kOffline, mS);
        }
    }
    const ImU32 col = failed ? theme::kDanger : theme::kBrandDark;
    drawText(dl, mAtlas, mBody, tl, ImVec2(textX, y + (bh - textH) / 2), col, col, nullptr);
    float x = mW - margin;
    for (auto it = buttons.rbegin(); it != buttons.rend(); ++it) {
        x -= pillWidth(it->first, pad);
        ImGui::SetCursorPos(ImVec2(x, y + (bh - ph) / 2));
        const bool danger = it->second == 3 || it->second == 7;
        const std::string key = "call" + std::to_string(it->second);
        if (pill(key.c_str(), it->first, danger ? theme::kDanger : IM_COL32(255, 255, 255, 255),
                 danger ? theme::kWhite : theme::kBrandDark, ph, true, pad)) {
            if (it->second == 1) out.toggleMute = true;
            if (it->second == 2) out.toggleCamera = true;
            if (it->second == 3) out.hangup = true;
            if (it->second == 4) out.startVoice = true;
            if (it->second == 5) out.switchKind = true;
            if (it->second == 6) out.answer = true;
            if (it->second == 7) out.decline = true;
        }
        x -= gap;
    }
    ImGui::SetCursorPos(ImVec2(0, y + bh));
}

} // namespace kefu::ui
