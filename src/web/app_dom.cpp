// App, the DOM side of each frame (see app.hpp): the panel's boxes for the page (panel, composer, videos),
// the text layer's runs, control twins and notes (web/text_layer.js), and the layer's scroll. Each goes
// out only when it changed.
#include "web/app.hpp"

#include "core/linkify.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <string>

namespace kefu::web {

void App::pushLayout(const Intents& in) {
    const PanelLayout& l = mWidget->layout();
    const ViewModel& vm = mWidget->view();
    nlohmann::json j;
    auto rect = [](const Rect& r) -> nlohmann::json {
        if (r.w <= 0 || r.h <= 0) return nullptr;
        return {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}};
    };
    j["open"] = mWidget->isOpen();
    j["fullscreen"] = l.fullscreen;
    j["panel"] = rect(l.panel);
    if (j["panel"].is_null()) j["panel"] = {{"x", 0}, {"y", 0}, {"w", 1}, {"h", 1}};
    j["composer"] = rect(in.composer);
    j["remoteVideo"] = rect(in.remoteVideo);
    j["localVideo"] = rect(in.localVideo);
    j["placeholder"] = vm.placeholder;
    j["title"] = vm.title;
    j["focusComposer"] = mFocusComposer;
    std::string s = j.dump();
    if (s == mLastLayout) return;
    mLastLayout = s;
    mFocusComposer = false;
    mPresented = 0; // a resized canvas starts blank: draw the next frame whatever it holds
    mGlue.call<void>("layout", s);
}

// JSON by hand for the DOM layer: a few appends cost far less code than building nlohmann values.
static void jsonString(std::string& o, const std::string& s) {
    o += nlohmann::json(s).dump();
}
static void jsonNumbers(std::string& o, std::initializer_list<float> v) {
    char b[24];
    o += '[';
    for (float x : v) {
        std::snprintf(b, sizeof b, "%.2f,", x);
        o += b;
    }
    o.back() = ']';
}

void App::pushMirror() {
    const ui::DomMirror& m = mPanel.mirror();
    if (!m.sameAs(mMirror)) {
        mMirror = m;
        std::string o = "{\"list\":";
        jsonNumbers(o, {m.list.x, m.list.y, m.list.w, m.list.h});
        o += ",\"hl\":";
        jsonNumbers(o, {m.contentH, m.lineH});
        o += ",\"runs\":[";
        for (const ui::DomRun& r : m.runs) {
            o += "{\"i\":";
            jsonString(o, r.id);
            o += ",\"f\":";
            o += (char)('0' + r.from);
            o += ",\"r\":";
            jsonNumbers(o, {r.x, r.y, r.wrap});
            // The text cut at its links: plain, link, plain, …, plain; hrefs alongside.
            o += ",\"p\":[";
            std::string hrefs;
            std::size_t at = 0;
            for (const Link& l : r.links) {
                jsonString(o, r.text.substr(at, l.begin - at));
                o += ',';
                jsonString(o, r.text.substr(l.begin, l.end - l.begin));
                o += ',';
                jsonString(hrefs, l.href);
                hrefs += ',';
                at = l.end;
            }
            jsonString(o, r.text.substr(at));
            if (!hrefs.empty()) hrefs.pop_back();
            o += "],\"h\":[" + hrefs + "]},";
        }
        if (o.back() == ',') o.pop_back();
        o += "],\"c\":[";
        for (const ui::DomControl& c : m.controls) {
            o += "{\"k\":";
            jsonString(o, c.key);
            o += ",\"l\":";
            jsonString(o, c.label);
            o += ",\"z\":";
            o += (char)('0' + c.zone);
            o += c.enabled ? ",\"e\":1,\"r\":" : ",\"e\":0,\"r\":";
            jsonNumbers(o, {c.r.x, c.r.y, c.r.w, c.r.h});
            if (!c.why.empty()) {
                o += ",\"d\":";
                jsonString(o, c.why);
            }
            o += "},";
        }
        if (o.back() == ',') o.pop_back();
        o += "],\"s\":["; // the header's presence line and the notice
        for (const ui::DomNote& n : m.notes) {
            o += "{\"k\":";
            jsonString(o, n.key);
            o += ",\"t\":";
            jsonString(o, n.text);
            o += ",\"r\":";
            jsonNumbers(o, {n.r.x, n.r.y, n.r.w});
            o += "},";
        }
        if (o.back() == ',') o.pop_back();
        o += "]}";
        mGlue.call<void>("mirror", o);
    }
}

void App::pushLayerScroll() {
    if (std::fabs(mPanel.scrollCss() - mMirrorScroll) > 0.25f) {
        mMirrorScroll = mPanel.scrollCss();
        mGlue.call<void>("layerScroll", mMirrorScroll);
    }
}

} // namespace kefu::web
