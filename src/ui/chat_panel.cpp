#include "ui/chat_panel.hpp"

#include "ui/font_atlas.hpp"
#include "ui/theme.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace kefu::ui {
namespace {

const char* const kEmoji[] = {"😀", "😂", "😊", "😍",      "🤔", "😅", "😭", "😡", "👍", "👎", "👏", "🙏",
                              "💪", "👌", "🎉", "❤️", "💔",    "🔥", "✅", "❌", "❓", "👋", "🌹", "☕"};

ImU32 withAlpha(ImU32 c, float a) {
    return (c & ~IM_COL32_A_MASK) | ((ImU32)(a * 255.0f) << IM_COL32_A_SHIFT);
}

// First UTF-8 character of a name, for the avatar.
std::string initial(const std::string& s) {
    if (s.empty()) return "?";
    const unsigned char c = (unsigned char)s[0];
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    return s.substr(0, std::min(n, s.size()));
}

} // namespace

const char* const* ChatPanel::emojiList(int& count) {
    count = (int)(sizeof(kEmoji) / sizeof(kEmoji[0]));
    return kEmoji;
}

std::string ChatPanel::glyphText(const ViewModel& vm) {
    std::string s;
    for (const std::string* t :
         {&vm.title,          &vm.subtitle,         &vm.welcome,           &vm.typingText,     &vm.notice,
          &vm.loadOlderLabel, &vm.voiceLabel,       &vm.videoLabel,        &vm.hangupLabel,    &vm.cancelLabel,
          &vm.muteLabel,      &vm.unmuteLabel,      &vm.cameraOnLabel,     &vm.cameraOffLabel, &vm.sendLabel,
          &vm.closeLabel,     &vm.emojiLabel,       &vm.voiceInsteadLabel, &vm.toVideoLabel,   &vm.toVoiceLabel,
          &vm.call.status,    &vm.call.unavailable, &vm.retryLabel,        &vm.discardLabel})
        s += *t;
    for (const MessageView& m : vm.messages) {
        s += m.text;
        s += m.time;
        s += m.separator;
        s += m.error;
        s += m.mark;
    }
    s += vm.newMessageLabel + vm.dividerLabel + "·";
    s += vm.answerLabel + vm.declineLabel;
    for (const char* e : kEmoji) s += e;
    s += "×•!";
    return s;
}

const TextLayout& ChatPanel::layout(const std::string& text, float wrap) {
    const std::size_t glyphs = mAtlas ? mAtlas->glyphCount() : 0;
    // New glyphs (or new fonts) change advances: lay out again. So does a cache grown past what a
    // conversation shows.
    if (mLayoutFont != mBody || mLayoutFontSize != mBody->FontSize || mLayoutGlyphs != glyphs ||
        mLayouts.size() > 4096) {
        mLayouts.clear();
        mLayoutFont = mBody;
        mLayoutFontSize = mBody->FontSize;
        mLayoutGlyphs = glyphs;
    }
    // A frame asks for the bubbles in the order of the previous one: start after the last hit.
    for (std::size_t k = 0, n = mLayouts.size(); k < n; ++k) {
        const std::size_t i = (mLayoutHint + 1 + k) % n;
        if (mLayouts[i].wrap == wrap && mLayouts[i].text == text) {
            mLayoutHint = i;
            return mLayouts[i].layout;
        }
    }
    mLayouts.push_back({wrap, text, layoutText(mAtlas, mBody, text, wrap)});
    mLayoutHint = mLayouts.size() - 1;
    return mLayouts.back().layout;
}

std::vector<std::string> ChatPanel::bubbleLines(const std::string& text, float& widthCss) {
    widthCss = mInner / mS;
    std::vector<std::string> out;
    if (!mBody) return out;
    for (const TextLine& l : layout(text, mInner).lines) out.push_back(text.substr(l.begin, l.end - l.begin));
    return out;
}

bool ChatPanel::pill(const char* id, const char* label, ImU32 bg, ImU32 fg, float height, bool enabled, float padX) {
    ImGui::PushFont(mBody);
    const ImVec2 ts = ImGui::CalcTextSize(label);
    const float pad = padX >= 0 ? padX : 12 * mS;
    const ImVec2 size(ts.x + 2 * pad, height);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::PushID(id);
    const bool pressed = ImGui::InvisibleButton("##pill", size);
    const bool clicked = (twin(id, label, enabled) || pressed) && enabled;
    const bool hovered = ImGui::IsItemHovered() && enabled;
    ImGui::PopID();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImU32 fill = bg;
    if (!enabled)
        fill = withAlpha(bg, 0.35f);
    else if (hovered)
        fill = withAlpha(bg, ((bg >> IM_COL32_A_SHIFT) & 0xFF) / 255.0f * 0.85f + 0.1f);
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), fill, height / 2);
    dl->AddText(ImVec2(p.x + pad, p.y + (height - ts.y) / 2), enabled ? fg : withAlpha(fg, 0.6f), label);
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    ImGui::PopFont();
    return clicked;
}

bool ChatPanel::twin(const std::string& key, const std::string& label, bool enabled) {
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    if (mZone == kZoneList) { // list content coordinates: the DOM layer scrolls like the list
        const ImGuiWindow* w = ImGui::GetCurrentWindow();
        const ImVec2 d(-w->Pos.x, w->Scroll.y - w->Pos.y);
        a = ImVec2(a.x + d.x, a.y + d.y);
        b = ImVec2(b.x + d.x, b.y + d.y);
    }
    mDom.controls.push_back({key, label, mZone, enabled, Rect{a.x / mS, a.y / mS, (b.x - a.x) / mS, (b.y - a.y) / mS}});
    if (!enabled || mActivate != key) return false;
    mActivate.clear();
    return true;
}

Intents ChatPanel::draw(const ViewModel& vm, float w, float h, float scale, ImFont* body, ImFont* title) {
    Intents out;
    mDom.runs.clear();
    mDom.controls.clear();
    mDom.lineH = body->FontSize / scale;
    mZone = kZoneTop;
    mS = scale;
    mW = w * scale;
    mH = h * scale;
    mBody = body;
    mTitle = title;

    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(mW, mH));
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                   ImGuiWindowFlags_NoScrollWithMouse;
    ImGui::Begin("##kefu", nullptr, flags);
    ImGui::PushFont(body);

    header(vm, out);
    callBar(vm, out);
    const float top = ImGui::GetCursorPosY();
    float noticeH = vm.notice.empty() ? 0 : 26 * mS;
    float listH = mH - top - theme::kComposerH * mS - noticeH;
    messages(vm, out, std::max(listH, 40 * mS));
    if (!vm.notice.empty()) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 p = ImGui::GetCursorScreenPos();
        dl->AddRectFilled(p, ImVec2(p.x + mW, p.y + noticeH), IM_COL32(255, 241, 240, 255));
        dl->AddText(ImVec2(p.x + 12 * mS, p.y + (noticeH - ImGui::GetFontSize()) / 2), theme::kDanger,
                    vm.notice.c_str());
        ImGui::Dummy(ImVec2(mW, noticeH));
    }
    const bool pickerWasOpen = mEmojiOpen; // Escape then closes only the picker
    composer(vm, out);

    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) && !pickerWasOpen) out.close = true;
    ImGui::PopFont();
    ImGui::End();
    return out;
}

void ChatPanel::header(const ViewModel& vm, Intents& out) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float hh = theme::kHeaderH * mS;
    dl->AddRectFilled(ImVec2(0, 0), ImVec2(mW, hh), theme::kBrand);

    // Avatar with the agent's initial and a presence dot.
    const ImVec2 c(16 * mS + 18 * mS, hh / 2);
    dl->AddCircleFilled(c, 18 * mS, IM_COL32(255, 255, 255, 60));
    const std::string ini = initial(vm.title);
    ImGui::PushFont(mTitle);
    const ImVec2 isz = ImGui::CalcTextSize(ini.c_str());
    dl->AddText(ImVec2(c.x - isz.x / 2, c.y - isz.y / 2), theme::kWhite, ini.c_str());
    dl->AddCircleFilled(ImVec2(c.x + 13 * mS, c.y + 13 * mS), 5 * mS, theme::kWhite);
    dl->AddCircleFilled(ImVec2(c.x + 13 * mS, c.y + 13 * mS), 3.5f * mS,
                        vm.agentOnline ? theme::kOnline : theme::kOffline);
    const float tx = 62 * mS;
    ImGui::PopFont();

    // Buttons on the right: 语音, 视频, close. Measured first so the texts can be clipped before them.
    const float bh = 30 * mS;
    const float closeW = 32 * mS;
    const float voiceW = ImGui::CalcTextSize(vm.voiceLabel.c_str()).x + 24 * mS;
    const float videoW = ImGui::CalcTextSize(vm.videoLabel.c_str()).x + 24 * mS;
    float x = mW - 10 * mS - closeW - 6 * mS - videoW - 6 * mS - voiceW;

    dl->PushClipRect(ImVec2(tx, 0), ImVec2(x - 8 * mS, hh), true);
    ImGui::PushFont(mTitle);
    dl->AddText(ImVec2(tx, hh / 2 - ImGui::GetFontSize() + 2 * mS), theme::kWhite, vm.title.c_str());
    ImGui::PopFont();
    dl->AddText(ImVec2(tx, hh / 2 + 3 * mS), theme::kWhite, vm.subtitle.c_str());
    dl->PopClipRect();
    if (ImGui::IsMouseHoveringRect(ImVec2(tx, 0), ImVec2(x - 8 * mS, hh)) &&
        ImGui::CalcTextSize(vm.subtitle.c_str()).x > x - 8 * mS - tx)
        ImGui::SetTooltip("%s", vm.subtitle.c_str());

    const bool unavailable = !vm.call.unavailable.empty();
    const bool canCall = !vm.call.active && !unavailable;
    // Calls this browser cannot make: the pills stay, dimmed; hovering says why, and so does a tap (the
    // widget then shows the reason as a notice), since a touch screen has no hover.
    auto whyNot = [&](bool& intent) {
        if (!unavailable || vm.call.active || !ImGui::IsItemHovered()) return;
        ImGui::SetTooltip("%s", vm.call.unavailable.c_str());
        if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) intent = true;
    };
    ImGui::SetCursorPos(ImVec2(x, (hh - bh) / 2));
    if (pill("voice", vm.voiceLabel.c_str(), theme::kOnBrand, theme::kWhite, bh, canCall)) out.startVoice = true;
    whyNot(out.startVoice);
    ImGui::SetCursorPos(ImVec2(x + voiceW + 6 * mS, (hh - bh) / 2));
    if (pill("video", vm.videoLabel.c_str(), theme::kOnBrand, theme::kWhite, bh, canCall)) out.startVideo = true;
    whyNot(out.startVideo);
    ImGui::SetCursorPos(ImVec2(mW - 10 * mS - closeW, (hh - closeW) / 2));
    if (ImGui::InvisibleButton("##close", ImVec2(closeW, closeW)) | twin("close", vm.closeLabel)) out.close = true;
    const ImVec2 cp = ImGui::GetItemRectMin();
    const bool hov = ImGui::IsItemHovered();
    if (hov) {
        dl->AddCircleFilled(ImVec2(cp.x + closeW / 2, cp.y + closeW / 2), closeW / 2, IM_COL32(255, 255, 255, 40));
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        ImGui::SetTooltip("%s", vm.closeLabel.c_str());
        mSelection.paint(dl, ImVec2(win->Pos.x - win->Scroll.x, win->Pos.y - win->Scroll.y), mS, p,
                         ImVec2(p.x + size.x, p.y + size.y), mine ? theme::kSelectionOnBrand : theme::selection());
    }
    const float k = 6 * mS;
    const ImVec2 m(cp.x + closeW / 2, cp.y + closeW / 2);
    dl->AddLine(ImVec2(m.x - k, m.y - k), ImVec2(m.x + k, m.y + k), theme::kWhite, 2 * mS);
    dl->AddLine(ImVec2(m.x - k, m.y + k), ImVec2(m.x + k, m.y - k), theme::kWhite, 2 * mS);
    ImGui::SetCursorPos(ImVec2(0, hh));
}

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
    const float bh = theme::kCallBarH * mS;
    const bool failed = c.state == "failed";
    dl->AddRectFilled(ImVec2(0, y), ImVec2(mW, y + bh),
                      failed ? IM_COL32(255, 241, 240, 255) : IM_COL32(230, 244, 255, 255));
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
    // (the elapsed time alone), and the status is clipped rather than drawn under the buttons.
    const float gap = 6 * mS, margin = 10 * mS, left = 12 * mS;
    auto buttonsWidth = [&](float pad) {
        float w = 0;
        for (const auto& b : buttons) w += ImGui::CalcTextSize(b.first).x + 2 * pad + gap;
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
    float textX = left;
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
        textX += 3 * (bw + 2 * mS) + 6 * mS;
    }
    dl->PushClipRect(ImVec2(0, y), ImVec2(statusRight, y + bh), true);
    dl->AddText(ImVec2(textX, y + (bh - ImGui::GetFontSize()) / 2), failed ? theme::kDanger : theme::kBrandDark,
                status);
    dl->PopClipRect();
    float x = mW - margin;
    for (auto it = buttons.rbegin(); it != buttons.rend(); ++it) {
        x -= ImGui::CalcTextSize(it->first).x + 2 * pad;
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

void ChatPanel::messages(const ViewModel& vm, Intents& out, float height) {
    ImGui::BeginChild("##log", ImVec2(mW, height), false, ImGuiWindowFlags_NoScrollWithMouse);
    // ImGui's own wheel handling is off for the root window; let the list take the wheel.
    ImGuiWindow* win = ImGui::GetCurrentWindow();
    mZone = kZoneList;
    mDom.list = Rect{win->Pos.x / mS, win->Pos.y / mS, win->Size.x / mS, win->Size.y / mS};
    mDom.contentH = (win->ScrollMax.y + win->Size.y) / mS;
    bool leftBottom = false;
    if (mScrollReq >= 0) { // the DOM layer moved (find-in-page, focus): follow it, and stop following new messages
        const float y = ImClamp(mScrollReq * mS, 0.0f, win->ScrollMax.y);
        ImGui::SetScrollY(win, y);
        mScrollReq = -1;
        mAnchorFrames = 0;
        leftBottom = y < win->ScrollMax.y - 4 * mS;
    }
    const float wheel = ImGui::IsWindowHovered() ? ImGui::GetIO().MouseWheel : 0.0f;
    if (wheel != 0)
        ImGui::SetScrollY(win, ImClamp(win->Scroll.y - wheel * 5 * ImGui::GetFontSize(), 0.0f, win->ScrollMax.y));
    const bool atBottom = win->Scroll.y >= win->ScrollMax.y - 4 * mS;
    // The visitor scrolls up: with the wheel here; touch and the scrollbar have moved Scroll already.
    const bool scrolledUp = wheel > 0 || (win->Scroll.y < mPrevScroll - 0.5f && !atBottom);
    const std::string firstId = vm.messages.empty() ? std::string() : vm.messages.front().id;
    const bool prepended = !mFirstId.empty() && firstId != mFirstId && vm.messages.size() > mLastCount && !atBottom;
    if (prepended) { // older messages came in above: keep the one the visitor was reading where it was
        mAnchorId = mFirstId;
        mAnchorOffset = mFirstY - mPrevScroll;
        mAnchorFrames = 3; // a few frames: positions above the visible area shift by rounding as it scrolls
    }
    if (scrolledUp || wheel != 0) mAnchorFrames = 0;

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float pad = 12 * mS;
    const float maxBubble = (mW - 2 * pad) * 0.75f;
    ImGui::Dummy(ImVec2(1, pad));

    if (vm.hasMoreHistory) {
        const float lw = ImGui::CalcTextSize(vm.loadOlderLabel.c_str()).x + 24 * mS;
        ImGui::SetCursorPosX((mW - lw) / 2);
        if (pill("older", vm.loadOlderLabel.c_str(), IM_COL32(0, 0, 0, 14), theme::kMuted, 26 * mS, !vm.loadingHistory))
            out.loadOlder = true;
        if (win->Scroll.y <= 0 && win->ScrollMax.y > 0 && !vm.loadingHistory && mAnchorFrames == 0)
            out.loadOlder = true;
    }

    mInner = maxBubble - 24 * mS;
    mLinkHits.clear();
    auto bubble = [&](const std::string& id, const std::string& text, int from, bool dim) {
        const bool mine = from == 0, system = from == 2;
        // Measured and drawn from the same lines, so the text always fits its bubble.
        const float wrap = system ? mW - 4 * pad : mInner;
        const TextLayout& tl = layout(text, wrap);
        const ImVec2 size(std::ceil(tl.width) + (system ? 16 : 24) * mS,
                          mBody->FontSize * (float)tl.lines.size() + (system ? 8 : 16) * mS);
        const float x = system ? (mW - size.x) / 2 : mine ? mW - pad - size.x : pad;
        ImGui::SetCursorPosX(x);
        mDom.runs.push_back({id, text, from, (x + (system ? 8 : 12) * mS) / mS,
                             (ImGui::GetCursorPosY() + (system ? 4 : 8) * mS) / mS, wrap / mS, (int)tl.lines.size(),
                             tl.links});
        const ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::Dummy(size);
        if (!ImGui::IsItemVisible()) return; // off-screen: only its size matters
        const ImU32 bg = system ? IM_COL32(0, 0, 0, 12) : mine ? theme::kBrand : theme::kAgentBubble;
        dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), dim ? withAlpha(bg, 0.9f) : bg,
                          system ? size.y / 2 : theme::kRadius * mS);
        const ImU32 fg = system ? theme::kMuted : mine ? theme::kVisitorText : theme::kAgentText;
        // Links: underlined, in the link colour on light bubbles and in the text colour on the visitor's own.
        drawText(dl, mAtlas, mBody, tl, ImVec2(p.x + (system ? 8 : 12) * mS, p.y + (system ? 4 : 8) * mS), fg,
                 mine ? fg : theme::kBrandDark, &mLinkHits);
    };
    // Under a message that did not go out: the visitor sends it again or drops it (it waits for them until
    // then, across reloads too).
    auto failedActions = [&](const MessageView& m, bool mine, const ViewModel& v, Intents& o) {
        if (v.retryLabel.empty() || v.discardLabel.empty()) return;
        const float ph = 24 * mS, padX = 8 * mS, gap = 6 * mS; // 24 px: the smallest target WCAG allows
        ImGui::PushFont(mBody);
        const float wRetry = ImGui::CalcTextSize(v.retryLabel.c_str()).x + 2 * padX;
        const float wDiscard = ImGui::CalcTextSize(v.discardLabel.c_str()).x + 2 * padX;
        ImGui::PopFont();
        ImGui::SetCursorPosX(mine ? mW - pad - wRetry - gap - wDiscard : pad);
        const std::string retry = "retry:" + m.id, discard = "discard:" + m.id;
        if (pill(retry.c_str(), v.retryLabel.c_str(), theme::kBrand, theme::kWhite, ph, true, padX)) o.retryId = m.id;
        ImGui::SameLine(0, gap);
        if (pill(discard.c_str(), v.discardLabel.c_str(), IM_COL32(0, 0, 0, 14), theme::kMuted, ph, true, padX))
            o.discardId = m.id;
    };
    auto meta = [&](const std::string& text, bool mine, ImU32 col) {
        const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
        ImGui::SetCursorPosX(mine ? mW - pad - ts.x * 0.86f : pad);
        ImGui::PushStyleColor(ImGuiCol_Text, col);
        ImGui::SetWindowFontScale(0.86f);
        ImGui::TextUnformatted(text.c_str());
        ImGui::SetWindowFontScale(1.0f);
        ImGui::PopStyleColor();
    };

    if (!vm.welcome.empty()) bubble("welcome", vm.welcome, 1, false);

    float firstY = 0, anchorY = -1;
    for (std::size_t i = 0; i < vm.messages.size(); ++i) {
        const MessageView& m = vm.messages[i];
        if (i == 0) firstY = ImGui::GetCursorPosY();
        if (mAnchorFrames > 0 && m.id == mAnchorId) anchorY = ImGui::GetCursorPosY();
        if (m.divider) unreadDivider(vm);
        if (!m.separator.empty()) {
            ImGui::Dummy(ImVec2(1, 4 * mS));
            const ImVec2 ts = ImGui::CalcTextSize(m.separator.c_str());
            ImGui::SetCursorPosX((mW - ts.x * 0.86f) / 2);
            ImGui::PushStyleColor(ImGuiCol_Text, theme::kMuted);
            ImGui::SetWindowFontScale(0.86f);
            ImGui::TextUnformatted(m.separator.c_str());
            ImGui::SetWindowFontScale(1.0f);
            ImGui::PopStyleColor();
        } else if (!m.grouped) {
            ImGui::Dummy(ImVec2(1, 4 * mS));
        }
        const bool mine = m.from == 0;
        bubble(m.id, m.text, m.from, m.pending);
        const bool lastOfGroup = i + 1 == vm.messages.size() || !vm.messages[i + 1].grouped;
        const bool timed = (lastOfGroup || m.minuteEnds) && m.from != 2; // not under each consecutive bubble
        if (m.failed) {
            meta("! " + m.error, mine, theme::kDanger);
            failedActions(m, mine, vm, out);
        } else if (timed || !m.mark.empty())
            marks(m, timed);
    }
    if (vm.agentTyping) meta(vm.typingText, false, theme::kBrand);
    ImGui::Dummy(ImVec2(1, pad));
    links(out);

    if (mAnchorFrames > 0) {
        if (anchorY >= 0) ImGui::SetScrollY(win, anchorY - mAnchorOffset);
        --mAnchorFrames;
    }
    // Follow the newest message until the visitor scrolls away, every frame: ImGui rounds item positions
    // differently above and below the visible area, so the bottom measured from another scroll position can be
    // off by a pixel per message.
    const bool jump = newMessagePill(vm, atBottom);
    mStick = !scrolledUp && !leftBottom && (atBottom || mStick);
    if (jump) mStick = true;
    if (mStick) ImGui::SetScrollHereY(1.0f);
    out.scrolledToBottom = atBottom;
    mLastCount = vm.messages.size();
    mFirstId = firstId;
    mFirstY = firstY;
    mPrevScroll = win->Scroll.y;
    mScroll = win->Scroll.y;
    ImGui::EndChild();
}

void ChatPanel::links(Intents& out) {
    // A link opens on a click (press and release on it without dragging), so scrolling by touch does not.
    const ImGuiIO& io = ImGui::GetIO();
    const LinkHit* over = nullptr;
    if (ImGui::IsWindowHovered())
        for (const LinkHit& h : mLinkHits)
            if (ImGui::IsMouseHoveringRect(h.min, h.max, false)) over = &h;
    if (over) {
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        if (ImGui::IsMouseClicked(0)) mPressedLink = over->href;
    }
    if (ImGui::IsMouseReleased(0)) {
        const float slop = 6 * mS;
        if (over && over->href == mPressedLink && io.MouseDragMaxDistanceSqr[0] <= slop * slop)
            out.openLink = over->href;
        mPressedLink.clear();
    }
}

void ChatPanel::composer(const ViewModel& vm, Intents& out) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float y = mH - theme::kComposerH * mS;
    dl->AddRectFilled(ImVec2(0, y), ImVec2(mW, mH), theme::kWhite);
    dl->AddLine(ImVec2(0, y), ImVec2(mW, y), theme::kBorder, 1 * mS);

    // Toolbar: emoji.
    const float tb = 30 * mS;
    mZone = kZoneComposer;
    ImGui::SetCursorPos(ImVec2(8 * mS, y + 4 * mS));
    if (ImGui::InvisibleButton("##emoji", ImVec2(tb, tb)) | twin("emoji", vm.emojiLabel)) mEmojiOpen = !mEmojiOpen;
    const ImVec2 ep = ImGui::GetItemRectMin();
    if (ImGui::IsItemHovered()) {
        dl->AddRectFilled(ep, ImVec2(ep.x + tb, ep.y + tb), IM_COL32(0, 0, 0, 14), 6 * mS);
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        ImGui::SetTooltip("%s", vm.emojiLabel.c_str());
    }
    const ImVec2 es = ImGui::CalcTextSize(kEmoji[2]);
    dl->AddText(ImVec2(ep.x + (tb - es.x) / 2, ep.y + (tb - es.y) / 2), theme::kMuted, kEmoji[2]);

    // The DOM <textarea> goes here; the send button to its right.
    const float sendH = 32 * mS;
    const float sendW = ImGui::CalcTextSize(vm.sendLabel.c_str()).x + 24 * mS;
    const float areaY = y + 38 * mS;
    const float areaH = mH - areaY - 8 * mS;
    out.composer = Rect{8.0f, areaY / mS, (mW - sendW - 28 * mS) / mS, areaH / mS}; // CSS px
    ImGui::SetCursorPos(ImVec2(mW - sendW - 12 * mS, mH - sendH - 12 * mS));
    mZone = kZoneSend;
    if (pill("send", vm.sendLabel.c_str(), theme::kBrand, theme::kWhite, sendH, !vm.composerEmpty)) out.send = true;
    mZone = kZoneComposer; // the picker's cells come after the emoji button

    if (mEmojiOpen) {
        const int cols = 8;
        const float cell = 34 * mS;
        int count = 0;
        emojiList(count);
        const int rows = (count + cols - 1) / cols;
        const ImVec2 size(cols * cell + 16 * mS, rows * cell + 16 * mS);
        ImGui::SetNextWindowPos(ImVec2(8 * mS, y - size.y - 4 * mS));
        ImGui::SetNextWindowSize(size);
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8 * mS, 8 * mS));
        ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0)); // cells touch: the window is rows × cell
        ImGui::Begin("##emojis", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
        ImGui::GetWindowDrawList()->AddRectFilled(
            ImGui::GetWindowPos(), ImVec2(ImGui::GetWindowPos().x + size.x, ImGui::GetWindowPos().y + size.y),
            theme::kWhite, 10 * mS);
        ImGui::GetWindowDrawList()->AddRect(ImGui::GetWindowPos(),
                                            ImVec2(ImGui::GetWindowPos().x + size.x, ImGui::GetWindowPos().y + size.y),
                                            theme::kBorder, 10 * mS);
        for (int i = 0; i < count; ++i) {
            if (i % cols) ImGui::SameLine(0, 0);
            ImGui::PushID(i);
            const ImVec2 p = ImGui::GetCursorScreenPos();
            if (ImGui::InvisibleButton("##e", ImVec2(cell, cell)) | twin("e" + std::to_string(i), kEmoji[i])) {
                out.insertText = kEmoji[i];
                mEmojiOpen = false;
            }
            if (ImGui::IsItemHovered()) {
                ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + cell, p.y + cell), IM_COL32(0, 0, 0, 14),
                                                          6 * mS);
                ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
            }
            // Drawn by cluster: ❤️ is one glyph, not a heart and a variation selector.
            const TextLayout& e = layout(kEmoji[i], 1e6f);
            drawText(ImGui::GetWindowDrawList(), mAtlas, mBody, e,
                     ImVec2(p.x + (cell - e.width) / 2, p.y + (cell - mBody->FontSize) / 2), theme::kAgentText,
                     theme::kAgentText, nullptr);
            ImGui::PopID();
        }
        // The cell just pressed is the active item, which would hide the hover; the emoji button is outside this
        // window's clip rect.
        const bool clickedOutside = ImGui::IsMouseClicked(0) &&
                                    !ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
                                    !ImGui::IsMouseHoveringRect(ep, ImVec2(ep.x + tb, ep.y + tb), false);
        ImGui::End();
        ImGui::PopStyleVar(2);
        if (clickedOutside || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) mEmojiOpen = false;
    }
}

} // namespace kefu::ui
