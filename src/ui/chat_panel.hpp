// The chat panel drawn with Dear ImGui: header, call bar, message list, composer frame, emoji picker.
// It reads a ViewModel and fills Intents; the composer's text box itself is a DOM <textarea> placed in
// the rectangle reported through Intents (IME, paste and on-screen keyboards need a real text field).
#pragma once

#include "core/view_model.hpp"

#include <imgui.h>

#include <string>

struct ImFont;

namespace kefu::ui {

class ChatPanel {
  public:
    // Draws one frame. `w`, `h` in CSS px; `scale` = device pixel ratio.
    Intents draw(const ViewModel& vm, float w, float h, float scale, ImFont* body, ImFont* title);
    // Every text the next frame may draw, for the glyph atlas.
    static std::string glyphText(const ViewModel& vm);
    static const char* const* emojiList(int& count);

  private:
    void header(const ViewModel& vm, Intents& out);
    void callBar(const ViewModel& vm, Intents& out);
    void messages(const ViewModel& vm, Intents& out, float height);
    void composer(const ViewModel& vm, Intents& out);
    // padX: horizontal padding inside the pill; negative means the default (12 px at scale 1).
    bool pill(const char* id, const char* label, ImU32 bg, ImU32 fg, float height, bool enabled = true,
              float padX = -1);

    float mS = 1, mW = 0, mH = 0;
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
};

} // namespace kefu::ui
