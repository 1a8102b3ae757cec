// embind entry points: the App class as seen from web/glue.js.
#include "web/app.hpp"

#include <emscripten/bind.h>

EMSCRIPTEN_BINDINGS(kefu) {
    using kefu::web::App;
    emscripten::class_<App>("App")
        .constructor<emscripten::val>()
        .function("start", &App::start)
        .function("frame", &App::frame)
        .function("viewport", &App::viewport)
        .function("pointer", &App::pointer)
        .function("activate", &App::activate)
        .function("scrollTo", &App::scrollTo)
        .function("setSelection", &App::setSelection)
        .function("button", &App::button)
        .function("wheel", &App::wheel)
        .function("key", &App::key)
        .function("composerInput", &App::composerInput)
        .function("composerEnter", &App::composerEnter)
        .function("composerFocus", &App::composerFocus)
        .function("pageFocus", &App::pageFocus)
        .function("shutdown", &App::shutdown)
        .function("contextRestored", &App::contextRestored)
        .function("useCanvas2d", &App::useCanvas2d)
        .function("setOpen", &App::setOpen)
        .function("isOpen", &App::isOpen)
        .function("send", &App::send)
        .function("setUser", &App::setUser)
        .function("setLocale", &App::setLocale)
        .function("call", &App::call)
        .function("hangup", &App::hangup)
        .function("switchCall", &App::switchCall)
        .function("state", &App::state)
        .function("setBrand", &App::setBrand)
        .function("callStats", &App::callStats)
        .function("messages", &App::messages)
        .function("debugLines", &App::debugLines)
        .function("onTimer", &App::onTimer)
        .function("onSocketOpen", &App::onSocketOpen)
        .function("onSocketMessage", &App::onSocketMessage)
        .function("onSocketClose", &App::onSocketClose)
        .function("onHttp", &App::onHttp)
        .function("onMedia", &App::onMedia)
        .function("onRtcResult", &App::onRtcResult)
        .function("onRtcEvent", &App::onRtcEvent);
}
