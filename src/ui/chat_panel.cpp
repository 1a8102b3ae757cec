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

} // namespace

const char* const* ChatPanel::emojiList(int& count) {
    count = (int)(sizeof(kEmoji) / sizeof(kEmoji[0]));
    return kEmoji;
}

std::string ChatPanel::glyphText(const ViewModel& vm, bool all) {
    std::string s;
    for (const std::string* t : {&vm.title, &vm.subtitle, &vm.welcome, &vm.typingText, &vm.notice, &vm.loadOlderLabel,
                                 &vm.voiceLabel, &vm.videoLabel, &vm.sendLabel, &vm.closeLabel, &vm.emojiLabel,
                                 &vm.call.status, &vm.call.unavailable, &vm.retryLabel, &vm.discardLabel})
        s += *t;
    // The call's controls only while there is a call (or one is offered), the picker's emoji only once the
    // first frame is out: colour emoji are the slowest glyphs to rasterize.
    const CallView& c = vm.call;
    if (all || c.active || c.incoming || c.offerVoice || c.canSwitch)
        for (const std::string* t :
             {&vm.hangupLabel, &vm.cancelLabel, &vm.muteLabel, &vm.unmuteLabel, &vm.cameraOnLabel, &vm.cameraOffLabel,
              &vm.voiceInsteadLabel, &vm.toVideoLabel, &vm.toVoiceLabel, &vm.answerLabel, &vm.declineLabel})
            s += *t;
    for (const MessageView& m : vm.messages) {
        s += m.text;
        s += m.time;
        s += m.separator;
        s += m.error;
        s += m.mark;
    }
    s += vm.newMessageLabel + vm.dividerLabel + "·";
    if (all) {
        for (const char* e : kEmoji) s += e;
        for (char ch = 0x20; ch < 0x7F; ++ch) s.push_back(ch); // printable ASCII: nearly every later frame needs it
    } else {
        s += kEmoji[2]; // the emoji button's own
    }
    s += "×•!";
    return s;
}

void ChatPanel::requireGlyphs(FontAtlas& atlas, const ViewModel& vm, bool all) {
    atlas.requireBody(glyphText(vm, all));
    atlas.requireTitle(vm.title.empty() ? std::string("?") : vm.title);
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

bool ChatPanel::pill(const char* id, const char* label, ImU32 bg, ImU32 fg, float height, bool enabled, float padX,
                     const std::string& why) {
    ImGui::PushFont(mBody);
    const ImVec2 ts = ImGui::CalcTextSize(label);
    const float pad = padX >= 0 ? padX : 12 * mS;
    const ImVec2 size(pillWidth(label, pad), height);
    // The target is at least mTarget tall (44 px on phones), centred on the pill drawn.
    const float hit = std::max(height, mTarget * mS);
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(p.x, p.y - (hit - height) / 2));
    ImGui::PushID(id);
    const bool pressed = ImGui::InvisibleButton("##pill", ImVec2(size.x, hit));
    const bool clicked = (twin(id, label, enabled, why) || pressed) && enabled;
    const bool hovered = ImGui::IsItemHovered() && enabled;
    ImGui::PopID();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImU32 fill = bg;
    if (!enabled)
        fill = withAlpha(bg, 0.35f);
    else if (hovered)
        fill = withAlpha(bg, ((bg >> IM_COL32_A_SHIFT) & 0xFF) / 255.0f * 0.85f + 0.1f);
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), fill, height / 2);
    dl->AddText(ImVec2(p.x + (size.x - ts.x) / 2, p.y + (height - ts.y) / 2), enabled ? fg : withAlpha(fg, 0.6f),
                label);
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    ImGui::PopFont();
    return clicked;
}

bool ChatPanel::twin(const std::string& key, const std::string& label, bool enabled, const std::string& why) {
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    if (mZone == kZoneList) { // list content coordinates: the DOM layer scrolls like the list
        const ImGuiWindow* w = ImGui::GetCurrentWindow();
        const ImVec2 d(-w->Pos.x, w->Scroll.y - w->Pos.y);
        a = ImVec2(a.x + d.x, a.y + d.y);
        b = ImVec2(b.x + d.x, b.y + d.y);
    }
    mDom.controls.push_back(
        {key, label, mZone, enabled, Rect{a.x / mS, a.y / mS, (b.x - a.x) / mS, (b.y - a.y) / mS}, why});
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

    mTarget = vm.fullscreen ? 44 : 24; // CSS px: touch targets on phones, WCAG's minimum elsewhere
    mComposerH = (theme::kComposerH + (vm.fullscreen ? 8 : 0)) * mS;
    mDom.notes.clear();
    header(vm, out);
    callBar(vm, out);
    const float top = ImGui::GetCursorPosY();
    const float noticeH = noticeHeight(vm);
    float listH = mH - top - mComposerH - noticeH;
    messages(vm, out, std::max(listH, 40 * mS));
    notice(vm, noticeH);
    const bool pickerWasOpen = mEmojiOpen; // Escape then closes only the picker
    composer(vm, out);

    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) && !pickerWasOpen) out.close = true;
    ImGui::PopFont();
    ImGui::End();
    return out;
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
        if (pill("older", vm.loadOlderLabel.c_str(), IM_COL32(0, 0, 0, 14), theme::kMuted, 26 * mS, !vm.loadingHistory,
                 -1, vm.loadOlderLabel)) // disabled while loading: its label, 加载中…, says why
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
        mSelection.paint(dl, ImVec2(win->Pos.x - win->Scroll.x, win->Pos.y - win->Scroll.y), mS, p,
                         ImVec2(p.x + size.x, p.y + size.y), mine ? theme::kSelectionOnBrand : theme::selection());
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
    const float y = mH - mComposerH;
    dl->AddRectFilled(ImVec2(0, y), ImVec2(mW, mH), theme::kWhite);
    dl->AddLine(ImVec2(0, y), ImVec2(mW, y), theme::kBorder, 1 * mS);

    // Toolbar: emoji.
    const float tb = std::max(30.0f, mTarget) * mS;
    mZone = kZoneComposer;
    ImGui::SetCursorPos(ImVec2(8 * mS, y + 4 * mS));
    if (ImGui::InvisibleButton("##emoji", ImVec2(tb, tb)) | twin("emoji", vm.emojiLabel)) mEmojiOpen = !mEmojiOpen;
    const ImVec2 ep = ImGui::GetItemRectMin();
    if (ImGui::IsItemHovered()) {
        dl->AddRectFilled(ep, ImVec2(ep.x + tb, ep.y + tb), IM_COL32(0, 0, 0, 14), 6 * mS);
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        tip(vm.emojiLabel);
    }
    const ImVec2 es = ImGui::CalcTextSize(kEmoji[2]);
    dl->AddText(ImVec2(ep.x + (tb - es.x) / 2, ep.y + (tb - es.y) / 2), theme::kMuted, kEmoji[2]);

    // The DOM <textarea> goes here; the send button to its right.
    const float sendH = 32 * mS;
    const float sendW = pillWidth(vm.sendLabel.c_str(), 12 * mS);
    const float areaY = y + tb + 8 * mS;
    const float areaH = mH - areaY - 8 * mS;
    out.composer = Rect{8.0f, areaY / mS, (mW - sendW - 28 * mS) / mS, areaH / mS}; // CSS px
    ImGui::SetCursorPos(ImVec2(mW - sendW - 12 * mS, mH - sendH - 12 * mS));
    mZone = kZoneSend;
    if (pill("send", vm.sendLabel.c_str(), theme::kBrand, theme::kWhite, sendH, !vm.composerEmpty, -1, vm.sendHint))
        out.send = true;
    mZone = kZoneComposer; // the picker's cells come after the emoji button

    if (mEmojiOpen) {
        const float cellCss = std::max(34.0f, mTarget);
        const int cols = std::max(4, std::min(8, (int)((mW / mS - 32) / cellCss)));
        const float cell = cellCss * mS;
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
