// Scheduler, Socket and HTTP for the core, over the page's setTimeout, WebSocket and fetch (web/glue.js).
// Handles are small integers; the JS side keeps the objects. Replies come back through App's
// onTimer / onSocket* / onHttp entry points, which route them here.
#pragma once

#include "core/platform.hpp"

#include <emscripten/val.h>

#include <map>

namespace kefu::web {

class BrowserIo : public Scheduler {
  public:
    explicit BrowserIo(emscripten::val glue) : mGlue(std::move(glue)) {}

    std::int64_t nowMs() const override;
    TimerId after(int delayMs, std::function<void()> fn) override;
    void cancel(TimerId id) override;

    SocketFactory socketFactory();
    HttpFn http(bool keepalive = false);

    void onTimer(unsigned id);
    void onSocketOpen(unsigned id);
    void onSocketMessage(unsigned id, const std::string& text);
    void onSocketClose(unsigned id, int code);
    void onHttp(unsigned id, int status, const std::string& body);

  private:
    class JsSocket;
    emscripten::val mGlue;
    unsigned mNext = 1;
    std::map<unsigned, std::function<void()>> mTimers;
    std::map<unsigned, SocketCallbacks> mSockets;
    std::map<unsigned, std::function<void(HttpResponse)>> mRequests;
};

} // namespace kefu::web
