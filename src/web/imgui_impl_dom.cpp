#include "web/imgui_impl_dom.hpp"

#include <emscripten/emscripten.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <cfloat>
#include <cmath>

namespace kefu::web {
namespace {

// Our own key codes: indices into io.KeysDown.
enum Code { kTab = 1, kLeft, kRight, kUp, kDown, kPageUp, kPageDown, kHome, kEnd, kSpace, kEnter, kEscape, kBackspace };

int codeOf(const std::string& k) {
    if (k == "Tab") return kTab;
    if (k == "ArrowLeft") return kLeft;
    if (k == "ArrowRight") return kRight;
    if (k == "ArrowUp") return kUp;
    if (k == "ArrowDown") return kDown;
    if (k == "PageUp") return kPageUp;
    if (k == "PageDown") return kPageDown;
    if (k == "Home") return kHome;
    if (k == "End") return kEnd;
    if (k == " ") return kSpace;
    if (k == "Enter") return kEnter;
    if (k == "Escape") return kEscape;
    if (k == "Backspace") return kBackspace;
    return 0;
}

} // namespace

void DomInput::init() {
    ImGuiIO& io = ImGui::GetIO();
    io.BackendPlatformName = "kefu_dom";
    io.BackendFlags |= ImGuiBackendFlags_HasMouseCursors;
    io.KeyMap[ImGuiKey_Tab] = kTab;
    io.KeyMap[ImGuiKey_LeftArrow] = kLeft;
    io.KeyMap[ImGuiKey_RightArrow] = kRight;
    io.KeyMap[ImGuiKey_UpArrow] = kUp;
    io.KeyMap[ImGuiKey_DownArrow] = kDown;
    io.KeyMap[ImGuiKey_PageUp] = kPageUp;
    io.KeyMap[ImGuiKey_PageDown] = kPageDown;
    io.KeyMap[ImGuiKey_Home] = kHome;
    io.KeyMap[ImGuiKey_End] = kEnd;
    io.KeyMap[ImGuiKey_Space] = kSpace;
    io.KeyMap[ImGuiKey_Enter] = kEnter;
    io.KeyMap[ImGuiKey_Escape] = kEscape;
    io.KeyMap[ImGuiKey_Backspace] = kBackspace;
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
}

void DomInput::pointer(float x, float y, bool touch, double timeMs) {
    mTouch = touch;
    mPointerT = timeMs; // when the finger was there: a busy page handles events late, the speed must not suffer
    const float px = x * mScale, py = y * mScale;
    if (touch && mTouchDown) {
        // A finger that moved more than a few pixels is scrolling, not tapping.
        if (!mDragging && std::fabs(py - mStartY) > 8 * mScale) mDragging = true;
        if (mDragging) {
            mPendingScroll += mLastY - py;
            mFling.drag((mLastY - py) / mScale, mPointerT);
            mLastY = py;
            return; // keep ImGui's pointer where the press started so nothing gets dragged
        }
    }
    mLastY = py;
    Event e{Event::Pos};
    e.x = x < -1e5f ? -FLT_MAX : px;
    e.y = y < -1e5f ? -FLT_MAX : py;
    mQueue.push_back(e);
}

void DomInput::button(int b, bool down) {
    if (mTouch) {
        if (down) {
            mTouchDown = true;
            mDragging = false;
            mStartY = mLastY;
            mFling.press(mPointerT); // a touch stops a gliding list
        } else {
            mTouchDown = false;
            if (mDragging) {
                mFling.release(mPointerT); // the list glides on (applyTouchScroll)
                // Cancel the press instead of clicking whatever is under the finger now.
                mDragging = false;
                mQueue.push_back(Event{Event::Pos, -FLT_MAX, -FLT_MAX});
                Event up{Event::Button};
                mQueue.push_back(up);
                return;
            }
        }
    }
    Event e{Event::Button};
    e.code = b == 2 ? 1 : b == 1 ? 2 : 0;
    e.down = down;
    if (b >= 0 && b < 3) mQueue.push_back(e);
    if (mTouch && !down) mQueue.push_back(Event{Event::Pos, -FLT_MAX, -FLT_MAX}); // a lifted finger hovers nothing
}

void DomInput::wheel(float dx, float dy) {
    // Browsers report pixels; ImGui scrolls about 5 lines per wheel unit.
    mWheelX -= dx / 100.0f;
    mWheelY -= dy / 100.0f;
}

bool DomInput::key(const std::string& k, bool down, bool ctrl, bool shift) {
    mCtrl = ctrl;
    mShift = shift;
    const int code = codeOf(k);
    if (!code) return false;
    Event e{Event::Key};
    e.code = code;
    e.down = down;
    mQueue.push_back(e);
    return code != kTab;
}

void DomInput::apply() {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = mCtrl;
    io.KeyShift = mShift;
    io.MouseWheel += mWheelY;
    io.MouseWheelH += mWheelX;
    mWheelX = mWheelY = 0;
    // Positions apply freely; stop after the first button or key change so the next frame sees it.
    while (!mQueue.empty()) {
        Event e = mQueue.front();
        mQueue.pop_front();
        if (e.kind == Event::Pos) {
            io.MousePos = ImVec2(e.x, e.y);
        } else if (e.kind == Event::Button) {
            if (io.MouseDown[e.code] == e.down) continue;
            io.MouseDown[e.code] = e.down;
            break;
        } else {
            io.KeysDown[e.code] = e.down;
            break;
        }
    }
}

void DomInput::applyTouchScroll() {
    const float glide = mFling.moving() ? mFling.step(emscripten_get_now()) * mScale : 0.0f;
    if (mPendingScroll == 0 && glide == 0) return;
    ImGuiContext& g = *GImGui;
    // A lifted finger hovers nothing: the glide goes on in the window the finger dragged.
    ImGuiWindow* w = mPendingScroll != 0 ? g.HoveredWindow : ImGui::FindWindowByID(mFlingWindow);
    while (w && !(w->ScrollMax.y > 0) && w->ParentWindow) w = w->ParentWindow;
    if (w) {
        const float y = ImClamp(w->Scroll.y + mPendingScroll + glide, 0.0f, w->ScrollMax.y);
        if (glide != 0 && y == w->Scroll.y) mFling.stop(); // at the top or the bottom
        ImGui::SetScrollY(w, y);
        mFlingWindow = w->ID;
    } else {
        mFling.stop();
    }
    mPendingScroll = 0;
}

const char* DomInput::cursor() const {
    switch (ImGui::GetMouseCursor()) {
    case ImGuiMouseCursor_Hand: return "pointer";
    case ImGuiMouseCursor_TextInput: return "text";
    case ImGuiMouseCursor_None: return "none";
    default: return "default";
    }
}

} // namespace kefu::web
