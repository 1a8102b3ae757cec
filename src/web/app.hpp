// The wasm app: owns the ImGui context, the WebGL renderer, the glyph atlas and the core Widget, and
// renders a frame only when something changed. Entry points are called from web/glue.js via embind.
#pragma once

#include "core/view_model.hpp"
#include "core/widget.hpp"
#include "ui/chat_panel.hpp"
#include "ui/font_atlas.hpp"
#include "web/browser_io.hpp"
#include "web/browser_rtc.hpp"
#include "web/imgui_impl_dom.hpp"

#include <emscripten/val.h>

#include <memory>
#include <string>

namespace kefu::web {

class App {
  public:
    explicit App(emscripten::val glue);
    ~App();

    void start(const std::string& settingsJson);
    bool frame(double nowMs);

    // Page events.
    void viewport(float w, float h, float dpr);
    void pointer(float x, float y, bool touch,
                 double timeMs);                 // timeMs: the event's timeStamp (performance.now() clock)
    void activate(const std::string& key);       // a DOM twin of a control (see ui/dom_mirror.hpp)
    void scrollTo(float y);                      // the DOM text layer scrolled (CSS px)
    void setSelection(const std::string& rects); // the layer's selected text (ui/selection_paint.hpp)
    void button(int b, bool down);
    void wheel(float dx, float dy);
    bool key(const std::string& k, bool down, bool ctrl, bool shift);
    void composerInput(const std::string& text);
    void composerEnter(const std::string& text);
    void composerFocus(bool focused);
    void pageFocus(bool focused);
    void shutdown();
    void contextRestored();
    void useCanvas2d(emscripten::val js); // kefu-canvas2d.js's renderer, or null: it could not be had

    // Public API (window.Kefu).
    void setOpen(bool open);
    bool isOpen() const;
    std::string send(const std::string& text);
    void setUser(const std::string& json);
    void setLocale(const std::string& lang);
    std::string call(bool video);
    void hangup();
    std::string switchCall(bool video);
    std::string state() const;
    void setBrand(int rgb); // branding.primary, checked by web/away.js
    // The running call's connection figures from getStats (web/glue.js); returns the level shown.
    std::string callStats(double rttMs, double lossPct, double jitterMs) {
        return toString(mWidget ? mWidget->callStats(CallStats{rttMs, lossPct, jitterMs}) : CallQuality::Unknown);
    }
    // For tests: {width, fontPx, lines} of `text` in a message bubble (see ChatPanel::bubbleLines).
    std::string debugLines(const std::string& text);
    std::string messages() const;

    // Replies from the browser.
    void onTimer(unsigned id) { mIo.onTimer(id); }
    void onSocketOpen(unsigned id) { mIo.onSocketOpen(id); }
    void onSocketMessage(unsigned id, const std::string& t) { mIo.onSocketMessage(id, t); }
    void onSocketClose(unsigned id, int code) { mIo.onSocketClose(id, code); }
    void onHttp(unsigned id, int status, const std::string& body) { mIo.onHttp(id, status, body); }
    void onMedia(unsigned req, const std::string& json) { mRtc.onMedia(req, json); }
    void onRtcResult(unsigned req, bool ok, const std::string& v) { mRtc.onRtcResult(req, ok, v); }
    void onRtcEvent(unsigned pc, const std::string& n, const std::string& v) { mRtc.onRtcEvent(pc, n, v); }

  private:
    void requestFrames(int n);
    void widgetChanged();
    double setupPresentAtMs() const; // while a call is set up: the earliest next present (else in the past)
    void deferFrame();
    bool drawFrame();
    void pushLayout(const Intents& in);
    void pushMirror();
    void pushLayerScroll(); // the text layer scrolled as the list
    void resetFonts();
    void handle(const Intents& in);

    emscripten::val mGlue;
    BrowserIo mIo;
    BrowserRtc mRtc;
    std::unique_ptr<Widget> mWidget;
    DomInput mInput;
    ui::ChatPanel mPanel;
    std::unique_ptr<ui::FontAtlas> mAtlas;
    int mContext = 0;
    int mGlVersion = 0;     // 2, 1, or 0: no WebGL
    bool mCanvas2d = false; // no WebGL, drawn by kefu-canvas2d.js
    float mViewW = 0, mViewH = 0, mDpr = 1;
    int mFramesWanted = 0;
    std::uint64_t mGlyphRevision = ~0ull;
    bool mGlyphsAll = false;  // the atlas holds every glyph the panel may draw (ChatPanel::glyphText)
    bool mRestGlyphs = false; // the first frame is out: ask for the rest too
    TimerId mRestTimer = 0;
    std::string mLastLayout;
    ui::DomMirror mMirror;
    float mMirrorScroll = -1;
    bool mComposerFocused = false;
    bool mFocusComposer = false;
    bool mInFrame = false;
    TimerId mDeferredFrame = 0;
    double mDeferredDue = 0;
    double mLastPresentMs = 0;
    bool mWasSetup = false;
    double mSetupEndedMs = -1e9;
    std::uint64_t mPresented = 0; // hash of the frame on the canvas
};

} // namespace kefu::web
