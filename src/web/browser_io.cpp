#include "web/browser_io.hpp"

#include <chrono>

namespace kefu::web {

class BrowserIo::JsSocket : public Socket {
  public:
    JsSocket(BrowserIo& io, unsigned id) : mIo(io), mId(id) {}
    ~JsSocket() override { close(); }
    void send(const std::string& text) override { mIo.mGlue.call<void>("wsSend", mId, text); }
    void close() override {
        if (mIo.mSockets.erase(mId)) mIo.mGlue.call<void>("wsClose", mId);
    }

  private:
    BrowserIo& mIo;
    unsigned mId;
};

std::int64_t BrowserIo::nowMs() const {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

TimerId BrowserIo::after(int delayMs, std::function<void()> fn) {
    const unsigned id = mNext++;
    mTimers[id] = std::move(fn);
    mGlue.call<void>("timer", id, delayMs < 0 ? 0 : delayMs);
    return id;
}

void BrowserIo::cancel(TimerId id) {
    if (mTimers.erase((unsigned)id)) mGlue.call<void>("clearTimer", (unsigned)id);
}

void BrowserIo::onTimer(unsigned id) {
    auto it = mTimers.find(id);
    if (it == mTimers.end()) return;
    auto fn = std::move(it->second);
    mTimers.erase(it);
    fn();
}

SocketFactory BrowserIo::socketFactory() {
    return [this](const std::string& url, SocketCallbacks cbs) -> std::unique_ptr<Socket> {
        const unsigned id = mNext++;
        mSockets[id] = std::move(cbs);
        mGlue.call<void>("wsOpen", id, url);
        return std::make_unique<JsSocket>(*this, id);
    };
}

void BrowserIo::onSocketOpen(unsigned id) {
    auto it = mSockets.find(id);
    if (it != mSockets.end() && it->second.onOpen) it->second.onOpen();
}

void BrowserIo::onSocketMessage(unsigned id, const std::string& text) {
    auto it = mSockets.find(id);
    if (it != mSockets.end() && it->second.onMessage) it->second.onMessage(text);
}

void BrowserIo::onSocketClose(unsigned id, int code) {
    auto it = mSockets.find(id);
    if (it == mSockets.end()) return;
    auto cb = std::move(it->second.onClose);
    mSockets.erase(it);
    if (cb) cb(code);
}

HttpFn BrowserIo::http(bool keepalive) {
    return [this, keepalive](const std::string& method, const std::string& url, const std::string& body,
                             const std::string& bearer, std::function<void(HttpResponse)> done) {
        const unsigned id = mNext++;
        mRequests[id] = std::move(done);
        mGlue.call<void>("http", id, method, url, body, bearer, keepalive);
    };
}

void BrowserIo::onHttp(unsigned id, int status, const std::string& body) {
    auto it = mRequests.find(id);
    if (it == mRequests.end()) return;
    auto done = std::move(it->second);
    mRequests.erase(it);
    done(HttpResponse{status, body});
}

} // namespace kefu::web
