// The chat panel drawn with Dear ImGui: header, call bar, message list, composer frame, emoji picker.
// It reads a ViewModel and fills Intents; the composer's text box itself is a DOM <textarea> placed in
// the rectangle reported through Intents (IME, paste and on-screen keyboards need a real text field).
#pragma once

#include "core/view_model.hpp"
#include "ui/dom_mirror.hpp"
#include "ui/selection_paint.hpp"
#include "ui/text_layout.hpp"

#include <imgui.h>

#include <string>
#include <vector>

struct ImFont;

namespace kefu::ui {

class FontAtlas;

class ChatPanel {
  public:
    // The atlas whose fonts are passed to draw(): message text is measured with its exact advances and
    // emoji sequences drawn as its cluster glyphs. Without one, ImGui's glyphs are used as they are.
    void setAtlas(FontAtlas* atlas) { mAtlas = atlas; }
    // Draws one frame. `w`, `h` in CSS px; `scale` = device pixel ratio.
    Intents draw(const ViewModel& vm, float w, float h, float scale, ImFont* body, ImFont* title);
    // Every text the next frame may draw, for the glyph atlas; with `all` false, not the emoji picker's
    // nor the call controls' while there is no call (the first open's frame asks for less, the rest after).
    static std::string glyphText(const ViewModel& vm, bool all = true);
    // What the next frame draws, in the fonts that draw it: glyphText in the body font, the agent's name
    // (the header's title and avatar initial) in the title font. Call between frames.
    static void requireGlyphs(FontAtlas& atlas, const ViewModel& vm, bool all = true);
    bool emojiOpen() const { return mEmojiOpen; }
    static const char* const* emojiList(int& count);
    // The lines a message bubble breaks `text` into, and the text width they were broken at (CSS px), as of
    // the last frame drawn: for tests comparing them with the browser's own line breaking.
    std::vector<std::string> bubbleLines(const std::string& text, float& widthCss);
    // The DOM layer's view of the last frame (see dom_mirror.hpp), and where the list was scrolled (CSS px).
    const DomMirror& mirror() const { return mDom; }
    float scrollCss() const { return mScroll / mS; }
    // A DOM twin was activated (Enter, Space, a screen reader): the next frame clicks the control `key`.
    void activate(const std::string& key) { mActivate = key; }
    // The DOM layer was scrolled (find-in-page, focus, keys): the list follows.
    void scrollTo(float cssY) { mScrollReq = cssY; }
    // The "新消息 ↓" pill is shown: a reply came while the visitor was scrolled up.
    bool newMessagePill() const { return mPill; }
    // The text layer's selection, drawn under the glyphs (see selection_paint.hpp).
    SelectionPaint& selection() { return mSelection; }

  private:
    void header(const ViewModel& vm, Intents& out);  // chat_header.cpp
    void callBar(const ViewModel& vm, Intents& out); // call_bar.cpp
    float noticeHeight(const ViewModel& vm);         // chat_header.cpp: the notice strip, wrapped
    void notice(const ViewModel& vm, float height);
    void tip(const std::string& text);                    // a tooltip, padded
    float pillWidth(const char* label, float padX) const; // at least a target wide
    void messages(const ViewModel& vm, Intents& out, float height);
    void composer(const ViewModel& vm, Intents& out);
    void links(Intents& out); // hover and clicks on the links drawn this frame
    // message_marks.cpp: the time and delivery mark under a bubble, the unread divider, the pill (true: clicked)
    void marks(const MessageView& m, bool withTime);
    void unreadDivider(const ViewModel& vm);
    bool newMessagePill(const ViewModel& vm, bool atBottom);
    // call_bar.cpp: the remote video's enlarge control, an icon; `label` names its DOM twin (true: clicked).
    bool enlargeButton(const std::string& key, const char* label, float w, float h);
    // padX: horizontal padding inside the pill; negative means the default (12 px at scale 1).
    // The layout of a bubble's text at `wrap` (texels), cached while fonts and glyphs stay the same.
    const TextLayout& layout(const std::string& text, float wrap);
    // `why`: the reason a disabled pill is disabled, for its twin.
    bool pill(const char* id, const char* label, ImU32 bg, ImU32 fg, float height, bool enabled = true, float padX = -1,
              const std::string& why = std::string());
    // Records the item just drawn as a DOM twin; true when that twin was activated.
    bool twin(const std::string& key, const std::string& label, bool enabled = true,
              const std::string& why = std::string());

    float mS = 1, mW = 0, mH = 0;
    float mTarget = 24;   // smallest pointer target (CSS px): 44 on phones
    float mComposerH = 0; // texels
    ImFont* mBody = nullptr;
    ImFont* mTitle = nullptr;
    std::size_t mLastCount = 0;
    std::string mFirstId; // the oldest message shown in the previous frame
    bool mStick = true;   // follow new messages while the visitor is at the bottom
    float mFirstY = 0;    // where the oldest message started (list content px)
    float mPrevScroll = 0;
    std::string mAnchorId;   // the message kept in place while older ones are added above it
    float mAnchorOffset = 0; // its distance from the top of the visible list
    int mAnchorFrames = 0;
    bool mEmojiOpen = false;
    FontAtlas* mAtlas = nullptr;
    struct CachedLayout {
        float wrap;
        std::string text;
        TextLayout layout;
    };
    std::vector<CachedLayout> mLayouts;
    std::size_t mLayoutHint = 0; // where the last one was found
    const ImFont* mLayoutFont = nullptr;
    float mLayoutFontSize = 0;
    std::size_t mLayoutGlyphs = 0;
    float mInner = 0;               // text width of a bubble in the last frame (texels)
    std::vector<LinkHit> mLinkHits; // links drawn in the last frame
    std::string mPressedLink;
    DomMirror mDom;
    int mZone = kZoneTop;
    std::string mActivate;
    float mScrollReq = -1, mScroll = 0;
    bool mPill = false;
    std::string mLastAgentId; // the newest agent message of the last frame
    SelectionPaint mSelection;
};

} // namespace kefu::ui
