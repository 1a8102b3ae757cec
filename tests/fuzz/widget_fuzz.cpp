// The whole widget: settings from the page, the visitor's clicks and typing, the chat and PeerJS sockets,
// the backend's answers, the browser's media, the clock. Everything it hands the page (events, stored
// values, the state and message lists) must stay valid JSON, and the saved outbox must read back.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "call_fakes.hpp"
#include "core/outbox.hpp"
#include "core/widget.hpp"
#include "fakes.hpp"
#include "fuzz_input.hpp"

using namespace kefu;

namespace {

void mustBeJson(const std::string& text) {
    if (!nlohmann::json::accept(text)) __builtin_trap();
}

test::FakeConnection* latest(test::FakeSocketHub& hub, const char* urlPart) {
    for (auto it = hub.connections.rbegin(); it != hub.connections.rend(); ++it)
        if ((*it)->url.find(urlPart) != std::string::npos) return it->get();
    return nullptr;
}

WidgetSettings settingsFrom(fuzz::Script& s) {
    if (s.pick(4) == 0) {
        WidgetSettings w = parseWidgetSettings(s.text(300));
        w.server = "https://chat.test";
        return w;
    }
    fuzz::json j = {{"server", "https://chat.test"},
                    {"lang", s.str("zh-CN")},
                    {"tzOffsetMin", s.num(480)},
                    {"ringTimeout", s.num(30)},
                    {"hasMedia", s.boolean()}};
    if (s.flip()) {
        j["token"] = "tok1";
        j["visitorId"] = "v_1";
    }
    if (s.flip()) j["outbox"] = s.flip() ? R"([{"id":"m_1","text":"离线","time":1000}])" : s.text(80);
    if (s.flip()) j["user"] = {{"name", s.str("Ann")}, {"attrs", s.value()}};
    if (s.flip()) j["iceServers"] = s.value();
    return parseWidgetSettings(s.dump(j));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Script s(data, size);
    test::FakeScheduler clock;
    test::FakeSocketHub sockets;
    test::FakeHttp http;
    calltest::FakeMediaDevices devices;
    calltest::FakeRtc rtc;
    devices.micAllowed = s.flip();
    auto widget =
        std::make_unique<Widget>(settingsFrom(s), Widget::Platform{clock, sockets.factory(), http.fn(), devices,
                                                                   rtc.factory(), test::sequenceRandom()});
    std::string outbox;
    widget->onEvent([](const std::string&, const std::string& j) { mustBeJson(j); });
    widget->onStore([&](const std::string& key, const std::string& value) {
        if (key.size() >= 7 && key.compare(key.size() - 7, 7, ":outbox") == 0) outbox = value;
    });
    widget->onWarning([](const std::string& w) {
        if (w.empty()) __builtin_trap();
    });
    widget->start();
    std::int64_t seq = 0;

    for (int step = 0; step < 300 && s.more(); ++step) {
        Widget& w = *widget;
        std::string err;
        switch (s.pick(20)) {
        case 0: w.setOpen(s.flip()); break;
        case 1: w.setPageFocused(s.flip()); break;
        case 2: w.setViewport(float(s.pick(2000)), float(s.pick(2000))); break;
        case 3: w.send(s.pick(3) ? "在吗?" : s.text(60)); break;
        case 4: w.composerChanged(s.text(20)); break;
        case 5: {
            Intents in;
            in.close = s.pick(6) == 0;
            in.send = s.flip();
            in.loadOlder = s.flip();
            in.startVoice = s.pick(4) == 0;
            in.startVideo = s.pick(4) == 0;
            in.hangup = s.pick(4) == 0;
            in.toggleMute = s.flip();
            in.toggleCamera = s.flip();
            in.switchKind = s.pick(4) == 0;
            in.scrolledToBottom = s.flip();
            bool clear = false;
            w.apply(in, s.text(20), clear);
            break;
        }
        case 6: w.startCall(s.flip(), err); break;
        case 7: w.hangup(); break;
        case 8: w.switchCall(s.flip(), err); break;
        case 9: w.setUser(s.flip() ? R"({"name":"Ann"})" : s.text(60)); break;
        case 10: w.setLocale(s.flip() ? "en" : s.text(6)); break;
        case 11:
            if (auto* c = latest(sockets, "/ws/visitor")) {
                if (!c->open) c->accept();
                c->receive(fuzz::chatFrame(s, seq));
            }
            break;
        case 12:
            if (auto* c = latest(sockets, "/peerjs")) {
                if (!c->open) c->accept();
                c->receive(fuzz::peerFrame(s, "mc_x"));
            }
            break;
        case 13:
            if (!sockets.connections.empty())
                sockets.connections[s.pick(unsigned(sockets.connections.size()))]->drop(fuzz::closeCode(s));
            break;
        case 14: {
            if (http.requests.empty()) break;
            const std::shared_ptr<test::FakeRequest> r = http.requests[s.pick(unsigned(http.requests.size()))];
            if (r->answered) break;
            r->answered = true;
            const int status = fuzz::httpStatus(s);
            r->done(HttpResponse{status, fuzz::httpBody(s, r->url, seq)});
            break;
        }
        case 15:
            if (!devices.requests.empty() && !devices.requests.back().answered) {
                if (s.pick(4))
                    devices.grant(true, s.flip());
                else
                    devices.deny("NotAllowedError");
            }
            break;
        case 16:
            if (rtc.size()) {
                calltest::PcRecord& pc = *rtc.records[s.pick(unsigned(rtc.size()))];
                if (s.flip()) pc.negotiate();
                pc.resolveRemote(s.pick(4) != 0);
                if (pc.pc && !pc.closed) pc.pc->emitIceConnectionState(s.flip() ? "connected" : "failed");
            }
            break;
        case 17: clock.advance(s.delay()); break;
        case 18: {
            const ViewModel& v = w.view();
            for (const MessageView& m : v.messages)
                if (m.time.size() != 5) __builtin_trap();
            break;
        }
        default:
            mustBeJson(w.stateJson());
            mustBeJson(w.messagesJson());
            break;
        }
    }
    // What was saved for the next page reads back whole.
    if (!outbox.empty()) {
        const SavedOutbox saved = parseSavedOutbox(outbox);
        if (!saved.error.empty() || saved.dropped != 0) __builtin_trap();
    }
    if (s.flip()) widget->shutdown();
    widget.reset();
    clock.advance(120000);
    return 0;
}
