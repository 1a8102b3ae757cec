#include "web/app.hpp"

#include "core/linkify.hpp"
#include "ui/theme.hpp"
#include "web/imgui_impl_canvas2d.hpp"
#include "web/imgui_impl_webgl.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <random>

using emscripten::val;

namespace kefu::web {
namespace {

// Dear ImGui needs a couple of frames to settle after any change (hover, layout, scroll requests).
constexpr int kSettleFrames = 3;
// While a call is being set up, at most one picture per kSetupRedrawMs; once it is up, the first one after
// kCallWarmupMs (jitter buffers, DTLS). Measured at 40 ms RTT on a 2-core machine, one present during
// set-up (tens of ms of compositing on a software GPU) delayed the agent's answer by as much.
constexpr int kSetupRedrawMs = 400;
constexpr int kCallWarmupMs = 150;
// The glyphs the first open's frame does not show (the emoji picker's, the call controls') come this long
// after it, so they are not on the way to the panel's first picture.
constexpr int kRestGlyphsMs = 100;

std::uint64_t randomBits() {
    static std::mt19937_64 rng((std::uint64_t)(emscripten_random() * 9007199254740991.0) ^
                               (std::uint64_t)emscripten_get_now());
    return rng();
}

// Ringing or connecting: the moments a redraw competes with the call for the page's CPU.
bool connecting(CallState s) {
    return s == CallState::Requesting || s == CallState::Ringing || s == CallState::Connecting;
}

// FNV-1a over everything that decides the pixels of a frame.
std::uint64_t drawHash(const ImDrawData* dd) {
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const void* p, std::size_t n) {
        const unsigned char* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
    };
    if (!dd) return h;
    mix(&dd->DisplaySize, sizeof(dd->DisplaySize));
    for (int n = 0; n < dd->CmdListsCount; ++n) {
        const ImDrawList* cl = dd->CmdLists[n];
        mix(cl->VtxBuffer.Data, (std::size_t)cl->VtxBuffer.Size * sizeof(ImDrawVert));
        mix(cl->IdxBuffer.Data, (std::size_t)cl->IdxBuffer.Size * sizeof(ImDrawIdx));
        for (const ImDrawCmd& c : cl->CmdBuffer) {
            mix(&c.ClipRect, sizeof(c.ClipRect));
            mix(&c.TextureId, sizeof(c.TextureId));
            mix(&c.ElemCount, sizeof(c.ElemCount));
            mix(&c.IdxOffset, sizeof(c.IdxOffset));
        }
    }
    return h;
}

} // namespace

App::App(val glue) : mGlue(glue), mIo(glue), mRtc(glue) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    mInput.init();

    mContext = ImGui_ImplWebGL_CreateContext("#canvas", &mGlVersion);

    // One call each way, the texts joined by '\n' (a glyph's text never holds one) and the numbers in typed
    // views of wasm memory: per-glyph embind calls were a good part of the first open's glyph time.
    auto joined = [](const std::vector<std::string>& texts) {
        std::string s;
        for (const std::string& t : texts) (s += t) += '\n';
        if (!s.empty()) s.pop_back();
        return s;
    };
    ui::Rasterizer raster = [this, joined](const ui::RasterRequest& r, std::uint8_t* pixels, int stride,
                                           std::vector<ui::GlyphBitmap>& out) {
        const std::size_t n = r.codepoints.size();
        std::vector<std::uint8_t> colored(n, 0);
        mGlue.call<void>("raster", r.style.bold, r.style.pixelSize, r.cellHeight, joined(r.texts),
                         val(emscripten::typed_memory_view(n, r.originX.data())),
                         val(emscripten::typed_memory_view(n, r.originY.data())),
                         val(emscripten::typed_memory_view(n, r.widths.data())),
                         val(emscripten::typed_memory_view((std::size_t)stride * stride * 4, pixels)), stride,
                         val(emscripten::typed_memory_view(n, colored.data())));
        out.clear();
        for (std::size_t i = 0; i < n; ++i) {
            ui::GlyphBitmap g;
            g.codepoint = r.codepoints[i];
            g.colored = colored[i] != 0;
            out.push_back(g);
        }
        return true;
    };
    ui::Measurer measure = [this, joined](const ui::FontStyle& s, const std::vector<std::string>& texts) {
        std::vector<float> widths(texts.size(), 0.0f);
        mGlue.call<void>("measure", s.bold, s.pixelSize, joined(texts),
                         val(emscripten::typed_memory_view(widths.size(), widths.data())));
        return widths;
    };
    ui::TextureOps tex{ImGui_ImplWebGL_CreateTexture, ImGui_ImplWebGL_UpdateTexture, ImGui_ImplWebGL_DestroyTexture};
    if (mContext <= 0) // no WebGL: Canvas 2D once its script is in (useCanvas2d); the frames run meanwhile
        tex = {ImGui_ImplCanvas2D_CreateTexture, ImGui_ImplCanvas2D_UpdateTexture, ImGui_ImplCanvas2D_DestroyTexture};
    mAtlas = std::make_unique<ui::FontAtlas>(ImGui::GetIO().Fonts, raster, measure, tex);
    mPanel.setAtlas(mAtlas.get());
}

App::~App() {
    if (mDeferredFrame) mIo.cancel(mDeferredFrame);
    if (mRestTimer) mIo.cancel(mRestTimer);
    mWidget.reset();
    mAtlas.reset();
    ImGui_ImplWebGL_Shutdown();
    ImGui::DestroyContext();
}

void App::start(const std::string& settingsJson) {
    WidgetSettings s = parseWidgetSettings(settingsJson);
    Widget::Platform p{mIo, mIo.socketFactory(), mIo.http(), mRtc, mRtc.factory(), randomBits};
    mWidget = std::make_unique<Widget>(s, p);
    mWidget->onEvent([this](const std::string& name, const std::string& j) {
        if (name == "unread") mGlue.call<void>("setUnread", mWidget->unread());
        mGlue.call<void>("emit", name, j);
    });
    mWidget->onStore([this](const std::string& k, const std::string& v) { mGlue.call<void>("store", k, v); });
    mWidget->onChange([this] { widgetChanged(); });
    mWidget->onAttach([this](const char* role, int h) { mRtc.attach(role, h); });
    mWidget->onWarning([this](const std::string& w) { mGlue.call<void>("warn", w); });
    mWidget->onAttention([this](int n) { mGlue.call<void>("attention", n); });
    mWidget->setViewport(mViewW, mViewH);
    mWidget->start();
    resetFonts();
    requestFrames(kSettleFrames);
    // Without WebGL the panel is drawn with Canvas 2D, whose script is fetched now (glue.js, useCanvas2d).
    if (mContext <= 0) mGlue.call<void>("canvas2d");
}

void App::useCanvas2d(val js) {
    if (!js.as<bool>()) {
        // No renderer at all: say so instead of showing an empty panel (the DOM text layer, composer and
        // cards still work).
        mGlue.call<void>("emit", std::string("error"),
                         std::string("{\"code\":\"no_webgl\",\"message\":\"This browser has no WebGL: the chat "
                                     "panel cannot be drawn\"}"));
        return;
    }
    ImGui_ImplCanvas2D_Init(js);
    mCanvas2d = true;
    mAtlas->textureLost(); // the placeholder texture becomes a real one on the next flush
    mPresented = 0;
    requestFrames(kSettleFrames);
}

void App::resetFonts() {
    mAtlas->reset(ui::theme::kBodyFont * mDpr, ui::theme::kTitleFont * mDpr, false); // glyphs as drawn
    ui::theme::apply(mDpr);
    mGlyphRevision = ~0ull;
}

double App::setupPresentAtMs() const {
    const CallState s = mWidget->call().state();
    if (connecting(s)) return mLastPresentMs + kSetupRedrawMs;
    if (s == CallState::InCall) return mSetupEndedMs + kCallWarmupMs; // the media path is still warming up
    return 0;
}

void App::deferFrame() {
    // The picture waits until setupPresentAtMs() (sooner than one already waiting, if that changed).
    const double now = emscripten_get_now(), due = setupPresentAtMs();
    if (mDeferredFrame && mDeferredDue <= due) return;
    if (mDeferredFrame) mIo.cancel(mDeferredFrame);
    mDeferredDue = due;
    mDeferredFrame = mIo.after(static_cast<int>(std::max(0.0, due - now)) + 1, [this] {
        mDeferredFrame = 0;
        requestFrames(kSettleFrames);
    });
}

void App::widgetChanged() {
    const bool connecting = kefu::web::connecting(mWidget->call().state());
    if (connecting && !mWasSetup)
        mLastPresentMs = emscripten_get_now(); // the click's own frame is on screen: the status can wait
    if (!connecting && mWasSetup) mSetupEndedMs = emscripten_get_now();
    mWasSetup = connecting;
    // While a call is being set up, the page's CPU is better spent on the call than on redrawing a status
    // line (on a software GPU one present costs several ms of compositing): coalesce state-driven redraws
    // to one every kSetupRedrawMs. Input still draws at once.
    if (setupPresentAtMs() > emscripten_get_now())
        deferFrame();
    else
        requestFrames(kSettleFrames);
}

void App::requestFrames(int n) {
    if (n > mFramesWanted) mFramesWanted = n;
    mGlue.call<void>("requestFrame");
}

bool App::frame(double) {
    if (!mWidget || mInFrame) return false;
    mInFrame = true;
    const bool more = drawFrame();
    mInFrame = false;
    return more;
}

bool App::drawFrame() {
    if (!mWidget->isOpen()) {
        // Closed: nothing to draw, but keep the DOM layout (hidden panel) in sync.
        pushLayout(Intents{});
        mFramesWanted = 0;
        return false;
    }
    const ViewModel& vm = mWidget->view();
    const bool all = mRestGlyphs || mPanel.emojiOpen();
    if (vm.revision != mGlyphRevision || all != mGlyphsAll) {
        ui::ChatPanel::requireGlyphs(*mAtlas, vm, all);
        mGlyphRevision = vm.revision;
        mGlyphsAll = all;
    }
    const bool atlasChanged = mAtlas->flush();

    const Rect panel = mWidget->layout().panel;
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(std::round(panel.w * mDpr), std::round(panel.h * mDpr));
    io.DisplayFramebufferScale = ImVec2(1, 1);
    io.DeltaTime = 1.0f / 60.0f;
    mInput.apply();
    if (mCanvas2d) ImGui_ImplCanvas2D_NewFrame();
    ImGui::NewFrame();
    mInput.applyTouchScroll();
    const Intents in = mPanel.draw(vm, panel.w, panel.h, mDpr, mAtlas->body(), mAtlas->title());
    ImGui::Render();
    // Act on the frame's clicks before presenting it: a click that starts a call leaves the picture for
    // later (see widgetChanged()) and the browser starts on the microphone at once.
    handle(in);
    // The DOM text layer, then the panel's box and the canvas's size (a canvas resized after the picture is
    // drawn into it is blank until the next frame), then the layer's scroll (which needs the box laid out).
    pushMirror();
    pushLayout(in);
    pushLayerScroll();
    // Settling frames mostly repeat the last picture: present only what differs, so the page's compositor
    // (and a software GPU) has nothing to do. The canvas keeps its last frame (preserveDrawingBuffer).
    const std::uint64_t hash = drawHash(ImGui::GetDrawData()) ^ (std::uint64_t)mAtlas->textureSize();
    const bool differs = hash != mPresented || atlasChanged;
    if (differs && setupPresentAtMs() > emscripten_get_now()) {
        deferFrame(); // during call set-up, at most one present per interval (see widgetChanged())
    } else if (differs && (mContext > 0 || mCanvas2d)) {
        mLastPresentMs = emscripten_get_now();
        if (mCanvas2d) {
            ImGui_ImplCanvas2D_RenderDrawData(ImGui::GetDrawData());
        } else {
            emscripten_webgl_make_context_current(mContext);
            ImGui_ImplWebGL_RenderDrawData(ImGui::GetDrawData(), (int)io.DisplaySize.x, (int)io.DisplaySize.y);
        }
        mPresented = hash;
    }
    mGlue.call<void>("setCursor", std::string(mInput.cursor()));
    if (!mGlyphsAll && !mRestTimer)
        mRestTimer = mIo.after(kRestGlyphsMs, [this] {
            mRestTimer = 0;
            mRestGlyphs = true;
            requestFrames(1);
        });
    if (mInput.pending()) mFramesWanted = std::max(mFramesWanted, 2);
    return --mFramesWanted > 0;
}

void App::handle(const Intents& in) {
    if (!in.insertText.empty()) mGlue.call<void>("composerInsert", in.insertText);
    // Still inside the click's pointerup handler: the browser lets it open a tab.
    if (!in.openLink.empty() && isOpenableHref(in.openLink)) mGlue.call<void>("openLink", in.openLink);
    if (in.enlargeVideo) mGlue.call<void>("enlarge"); // in the click's user activation (call_extras.js)
    bool clear = false;
    const std::string text = in.send ? mGlue.call<std::string>("composerText") : std::string();
    mWidget->apply(in, text, clear);
    if (clear) mGlue.call<void>("composerSet", std::string());
    if (in.send || !in.insertText.empty()) mFocusComposer = true;
}

void App::activate(const std::string& key) {
    mPanel.activate(key);
    if (!mInFrame && mWidget && mWidget->isOpen()) frame(0); // within the key's event, like a click
    requestFrames(kSettleFrames);
}

void App::scrollTo(float y) {
    mPanel.scrollTo(y);
    requestFrames(kSettleFrames);
}

void App::setSelection(const std::string& rects) {
    if (mPanel.selection().set(rects)) requestFrames(1);
}

void App::viewport(float w, float h, float dpr) {
    const bool dprChanged = dpr != mDpr;
    mViewW = w;
    mViewH = h;
    mDpr = dpr > 0 ? dpr : 1;
    mInput.setScale(mDpr);
    if (mWidget) {
        mWidget->setViewport(w, h);
        if (dprChanged) resetFonts();
    }
    requestFrames(kSettleFrames);
}

void App::pointer(float x, float y, bool touch, double timeMs) {
    mInput.pointer(x, y, touch, timeMs);
    requestFrames(2);
}
void App::button(int b, bool down) {
    mInput.button(b, down);
    // Draw now rather than at the next animation frame: a click acts (a call starts ringing) ~16 ms sooner.
    if (!mInFrame && mWidget && mWidget->isOpen()) frame(0);
    requestFrames(kSettleFrames);
}
void App::wheel(float dx, float dy) {
    mInput.wheel(dx, dy);
    requestFrames(kSettleFrames);
}
bool App::key(const std::string& k, bool down, bool ctrl, bool shift) {
    // Escape goes through the panel like every key: it closes the emoji picker first, then the panel.
    const bool used = mInput.key(k, down, ctrl, shift);
    requestFrames(kSettleFrames);
    return used;
}

void App::composerInput(const std::string& text) {
    if (mWidget) mWidget->composerChanged(text);
}

void App::composerEnter(const std::string& text) {
    if (!mWidget) return;
    const SendOutcome o = mWidget->send(text);
    if (o.ok) {
        mGlue.call<void>("composerSet", std::string());
        mWidget->composerChanged("");
    }
}

void App::contextRestored() {
    if (mContext <= 0) return;
    emscripten_webgl_make_context_current(mContext);
    ImGui_ImplWebGL_Init();
    mAtlas->textureLost();
    mPresented = 0; // the canvas was cleared
    requestFrames(kSettleFrames);
}

void App::composerFocus(bool focused) {
    mComposerFocused = focused;
}

void App::pageFocus(bool focused) {
    if (mWidget) mWidget->setPageFocused(focused);
}

void App::shutdown() {
    if (mWidget) mWidget->shutdown();
}

void App::setBrand(int rgb) {
    ui::theme::setBrand(static_cast<unsigned>(rgb) & 0xffffffu);
    requestFrames(kSettleFrames);
}

void App::setOpen(bool open) {
    if (!mWidget) return;
    mWidget->setOpen(open);
    if (open) mFocusComposer = true;
    requestFrames(kSettleFrames);
}

bool App::isOpen() const {
    return mWidget && mWidget->isOpen();
}

std::string App::send(const std::string& text) {
    const SendOutcome o = mWidget->send(text);
    nlohmann::json j;
    if (o.ok)
        j["id"] = o.id;
    else {
        j["error"] = o.errorCode;
        j["message"] = o.message;
    }
    return j.dump();
}

void App::setUser(const std::string& json) {
    mWidget->setUser(json);
}

void App::setLocale(const std::string& lang) {
    mWidget->setLocale(lang);
}

std::string App::call(bool video) {
    std::string err;
    nlohmann::json j;
    if (!mWidget->startCall(video, err)) {
        j["error"] = err;
        if (err == mWidget->callUnsupported()) j["message"] = mWidget->callUnsupportedText();
    } else
        j["ok"] = true;
    return j.dump();
}

void App::hangup() {
    mWidget->hangup();
}

std::string App::switchCall(bool video) {
    std::string err;
    nlohmann::json j;
    const bool already = mWidget->call().state() == CallState::InCall && mWidget->call().isVideo() == video &&
                         !mWidget->call().switching();
    if (!mWidget->switchCall(video, err))
        j["error"] = err;
    else
        j["ok"] = true;
    if (already) j["done"] = true;
    return j.dump();
}

std::string App::messages() const {
    return mWidget ? mWidget->messagesJson() : "[]";
}

std::string App::debugLines(const std::string& text) {
    if (!mWidget) return "{}";
    mAtlas->require(text);
    float width = 0;
    const std::vector<std::string> lines = mPanel.bubbleLines(text, width);
    return nlohmann::json{{"width", width}, {"fontPx", ui::theme::kBodyFont}, {"lines", lines}}.dump();
}

std::string App::state() const {
    static const char* const kRenderer[] = {"none", "webgl1", "webgl2", "canvas2d"};
    std::string s = mWidget ? mWidget->stateJson() : "{\"ready\":false}";
    return s.insert(1, std::string("\"renderer\":\"") + kRenderer[mCanvas2d ? 3 : mGlVersion] +
                           "\",\"newMessagePill\":" + (mPanel.newMessagePill() ? "true," : "false,"));
}

} // namespace kefu::web
