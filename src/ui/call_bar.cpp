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
        if (c.showRemoteVideo) buttons.push_back({vm.enlargeLabel.c_str(), 8}); // drawn as an icon
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
    auto width = [&](const std::pair<const char*, int>& b, float pad) {
        return b.second == 8 ? std::max(ph, mTarget * mS) : pillWidth(b.first, pad);
    };
    auto buttonsWidth = [&](float pad) {
        float w = 0;
        for (const auto& b : buttons) w += width(b, pad) + gap;
        return w;
    };
    float pad = 12 * mS;
    const char* status = c.status.c_str();
    const float room = mW - margin - left - 8 * mS - (c.quality > 0 ? 21 * mS : 0); // 21: the quality bars
    if (ImGui::CalcTextSize(status).x + buttonsWidth(pad) > room) pad = 7 * mS;
    if (ImGui::CalcTextSize(status).x + buttonsWidth(pad) > room && !c.statusShort.empty())
        status = c.statusShort.c_str();
    if (ImGui::CalcTextSize(status).x + buttonsWidth(pad) > room) pad = 4 * mS;
    // The controls leave no room even for the elapsed time (a phone, five controls): the enlarge control
    // goes to the video's top corner. A longer status wraps instead.
    const char* least = c.statusShort.empty() ? status : c.statusShort.c_str();
    const bool enlargeOnVideo = c.showRemoteVideo && ImGui::CalcTextSize(least).x + buttonsWidth(pad) > room;
    if (enlargeOnVideo) {
        buttons.erase(buttons.begin());
        const float zw = std::max(ph, mTarget * mS);
        ImGui::SetCursorPos(ImVec2(mW - zw - 8 * mS, out.remoteVideo.y * mS + 8 * mS));
        if (enlargeButton("call8", vm.enlargeLabel.c_str(), zw, ph)) out.enlargeVideo = true;
    }
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
        x -= width(*it, pad);
        ImGui::SetCursorPos(ImVec2(x, y + (bh - ph) / 2));
        const bool danger = it->second == 3 || it->second == 7;
        const std::string key = "call" + std::to_string(it->second);
        if (it->second == 8) {
            if (enlargeButton(key, it->first, width(*it, pad), ph)) out.enlargeVideo = true;
        } else if (pill(key.c_str(), it->first, danger ? theme::kDanger : IM_COL32(255, 255, 255, 255),
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

// A round button with four corner marks (full screen); `label` names it for its DOM twin.
bool ChatPanel::enlargeButton(const std::string& key, const char* label, float w, float h) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::PushID(key.c_str());
    const bool pressed = ImGui::InvisibleButton("##z", ImVec2(w, h));
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = twin(key, label) || pressed;
    ImGui::PopID();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), hovered ? IM_COL32(240, 240, 240, 255) : theme::kWhite, h / 2);
    // The marks' corners, each with the way its arms point (x, y).
    const float cx = p.x + w / 2, cy = p.y + h / 2, r = h * 0.2f, l = h * 0.13f;
    const float cs[4][4] = {{-r, -r, 1, 1}, {r, -r, -1, 1}, {-r, r, 1, -1}, {r, r, -1, -1}};
    for (const auto& k : cs) {
        const ImVec2 pts[3] = {ImVec2(cx + k[0], cy + k[1] + k[3] * l), ImVec2(cx + k[0], cy + k[1]),
                               ImVec2(cx + k[0] + k[2] * l, cy + k[1])};
        dl->AddPolyline(pts, 3, theme::kBrandDark, 0, 1.6f * mS);
    }
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    return clicked;
}

} // namespace kefu::ui
