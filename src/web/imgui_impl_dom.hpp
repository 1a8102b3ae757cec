// Dear ImGui platform backend for a canvas inside a web page, fed by web/glue.js DOM listeners.
// Implemented:
//  [X] Platform: pointer (mouse, pen, touch) with capture, so a release outside the canvas is not lost.
//  [X] Platform: input queue: at most one button change per frame, so a quick tap is never lost
//      (Dear ImGui 1.86 has no input trickling of its own).
//  [X] Platform: touch drag scrolls the window under the finger (no wheel on phones), and a flick glides on
//      (core/momentum.hpp) until it slows to a stop or a finger touches.
//  [X] Platform: wheel, navigation keys (Escape, Page Up/Down, Home/End, Tab, Enter, Space, arrows).
//  [X] Platform: device pixel ratio: ImGui works in device pixels so text is crisp on high-DPI screens.
//  [X] Platform: mouse cursor shape (arrow / hand / text) for the canvas.
// Not implemented: text input (the composer is a real <textarea>, which gives IME, paste and the
// on-screen keyboard for free), gamepads, multiple viewports.
#pragma once

#include "core/momentum.hpp"

#include <deque>
#include <string>

namespace kefu::web {

class DomInput {
  public:
    void init();
    // Positions in CSS pixels relative to the canvas.
    // timeMs: the event's timeStamp, on the clock of emscripten_get_now() (performance.now()).
    void pointer(float x, float y, bool touch, double timeMs);
    void button(int button, bool down);
    void wheel(float dx, float dy);
    // Returns true if the widget uses the key (the page should not).
    bool key(const std::string& key, bool down, bool ctrl, bool shift);
    void setScale(float dpr) { mScale = dpr; }
    float scale() const { return mScale; }

    // Before NewFrame: moves queued events into ImGuiIO.
    void apply();
    // After NewFrame: applies touch scrolling to the window under the finger.
    void applyTouchScroll();
    bool pending() const { return !mQueue.empty() || mPendingScroll != 0 || mFling.moving(); }
    const char* cursor() const;

  private:
    struct Event {
        enum Kind { Pos, Button, Key } kind;
        float x = 0, y = 0;
        int code = 0;
        bool down = false;
    };
    std::deque<Event> mQueue;
    float mScale = 1;
    float mWheelX = 0, mWheelY = 0;
    bool mCtrl = false, mShift = false;
    bool mTouch = false, mTouchDown = false, mDragging = false;
    float mLastY = 0, mStartY = 0, mPendingScroll = 0;
    Momentum mFling;
    double mPointerT = 0;
    unsigned mFlingWindow = 0; // ImGuiID of the window the finger scrolled
};

} // namespace kefu::web
