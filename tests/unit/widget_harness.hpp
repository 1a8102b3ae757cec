// The Widget as the page sees it, wired to the chat and call fakes (manual clock, scripted server, fake
// browser media), with the frames and steps the widget_*_test.cpp files share: the config answered, the
// chat socket authenticated, a call taken to ringing, connecting or in-call, the events read back.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "call_fakes.hpp"
#include "core/widget.hpp"
#include "fakes.hpp"

namespace kefu::widgettest {

using json = nlohmann::json;

using kefu::test::FakeConnection;
using kefu::test::FakeRequest;

constexpr const char* kServer = "https://chat.example.com";
constexpr const char* kAgentPeer = "agent1";

const std::string kConfigBody =
    R"({"kefu":{"id":"kefu1","name":"小美"},"welcome":{"zh-CN":"您好,有什么可以帮您?","en":"Hi there"},
        "peer":{"host":"peer.example.com","port":9000,"path":"/peerjs","key":"peerjs","secure":false},
        "iceServers":[{"urls":"stun:stun.example.com"}],"limits":{"maxMessageChars":2000}})";

inline std::string hello(std::int64_t lastSeq = 0, bool agentOnline = true) {
    return json{{"type", "hello"},
                {"data",
                 {{"visitorId", "v_1"},
                  {"kefu", {{"id", "kefu1"}, {"name", "小美"}, {"online", agentOnline}}},
                  {"lastSeq", lastSeq},
                  {"visitorReadSeq", 0},
                  {"agentReadSeq", 0}}}}
        .dump();
}

inline json messageJson(const std::string& id, std::int64_t seq, const std::string& from, const std::string& text,
                        std::int64_t timeMs) {
    json m = {{"id", id}, {"seq", seq}, {"from", from}, {"text", text}, {"time", timeMs}, {"kind", "text"}};
    if (from == "agent") m["agent"] = "小美";
    return m;
}

inline std::string serverFrame(const std::string& type, const json& data) {
    return json{{"type", type}, {"data", data}}.dump();
}

inline std::string callRecord(const std::string& id, std::int64_t seq, bool video, int duration,
                              const std::string& outcome, std::int64_t timeMs) {
    json m = messageJson(id, seq, "system", "语音通话", timeMs);
    m["kind"] = "call";
    m["call"] = {{"video", video}, {"duration", duration}, {"outcome", outcome}};
    return serverFrame("message", m);
}

inline std::string longText(int chars) {
    std::string s;
    for (int i = 0; i < chars; ++i) s += "字";
    return s;
}

inline std::vector<json> framesOf(const FakeConnection& c, const std::string& type) {
    std::vector<json> out;
    for (const auto& f : c.sent) {
        json j = json::parse(f, nullptr, false);
        if (j.is_object() && j.value("type", "") == type) out.push_back(j);
    }
    return out;
}

struct Harness {
    kefu::test::FakeScheduler clock;
    kefu::test::FakeSocketHub sockets;
    kefu::test::FakeHttp http;
    kefu::calltest::FakeMediaDevices devices;
    kefu::calltest::FakeRtc rtc;
    std::unique_ptr<Widget> widget;

    std::vector<std::pair<std::string, json>> events;
    std::map<std::string, std::string> stored;
    std::vector<int> attention;
    std::vector<std::string> warnings;
    std::map<std::string, int> attached;
    int changes = 0;
    std::map<const FakeConnection*, std::size_t> scanned; // frames already looked at for pings
    FakeConnection noConnection;

    // A returning visitor: the saved identity connects at once.
    static WidgetSettings defaults() {
        WidgetSettings s;
        s.server = kServer;
        s.lang = "en";
        s.token = "tok1";
        s.visitorId = "v_1";
        return s;
    }
    // First visit: no identity yet.
    static WidgetSettings newVisitor() {
        WidgetSettings s = defaults();
        s.token.clear();
        s.visitorId.clear();
        return s;
    }

    explicit Harness(WidgetSettings s = defaults()) {
        widget = std::make_unique<Widget>(std::move(s), Widget::Platform{clock, sockets.factory(), http.fn(), devices,
                                                                         rtc.factory(), kefu::test::sequenceRandom()});
        Widget& w = *widget;
        w.onEvent([this](const std::string& name, const std::string& j) { events.emplace_back(name, json::parse(j)); });
        w.onStore([this](const std::string& k, const std::string& v) { stored[k] = v; });
        w.onAttention([this](int n) { attention.push_back(n); });
        w.onWarning([this](const std::string& text) { warnings.push_back(text); });
        w.onAttach([this](const char* role, int stream) { attached[role] = stream; });
        w.onChange([this] { ++changes; });
    }

    Widget& w() { return *widget; }

    // The latest chat socket (the PeerJS socket goes through the same factory).
    FakeConnection& chat() {
        for (auto it = sockets.connections.rbegin(); it != sockets.connections.rend(); ++it)
            if ((*it)->url.find("/ws/visitor") != std::string::npos) return **it;
        ADD_FAILURE() << "no chat socket";
        return noConnection;
    }
    FakeConnection* peer() {
        for (auto it = sockets.connections.rbegin(); it != sockets.connections.rend(); ++it)
            if ((*it)->url.find("/peerjs?") != std::string::npos) return it->get();
        return nullptr;
    }
    std::size_t peerSocketCount() const {
        std::size_t n = 0;
        for (const auto& c : sockets.connections) n += c->url.find("/peerjs?") != std::string::npos;
        return n;
    }

    // Loads the config and authenticates with the saved identity.
    FakeConnection& online(std::int64_t lastSeq = 0, bool agentOnline = true) {
        w().start();
        EXPECT_TRUE(http.reply("GET", "/api/config", 200, kConfigBody));
        FakeConnection& c = chat();
        c.accept();
        c.receive(hello(lastSeq, agentOnline));
        return c;
    }

    // Moves the clock in steps, answering the chat pings like a live server would.
    void advance(std::int64_t ms) {
        while (ms > 0) {
            const std::int64_t step = std::min<std::int64_t>(ms, 1000);
            clock.advance(step);
            ms -= step;
            for (std::size_t i = 0; i < sockets.connections.size(); ++i) {
                const std::shared_ptr<FakeConnection> c = sockets.connections[i];
                if (c->url.find("/ws/visitor") == std::string::npos || !c->live()) continue;
                std::size_t& seen = scanned[c.get()];
                for (; seen < c->sent.size(); ++seen) {
                    const json f = json::parse(c->sent[seen], nullptr, false);
                    if (f.is_object() && f.value("type", "") == "ping") c->receive(serverFrame("pong", json::object()));
                }
            }
        }
    }

    void agentSays(const std::string& id, std::int64_t seq, const std::string& text) {
        chat().receive(serverFrame("message", messageJson(id, seq, "agent", text, clock.nowMs())));
    }

    std::vector<json> eventsNamed(const std::string& name) const {
        std::vector<json> out;
        for (const auto& e : events)
            if (e.first == name) out.push_back(e.second);
        return out;
    }
    std::vector<int> unreadCounts() const {
        std::vector<int> out;
        for (const auto& e : eventsNamed("unread")) out.push_back(e["count"].get<int>());
        return out;
    }
    std::vector<std::string> callStates() const {
        std::vector<std::string> out;
        for (const auto& e : eventsNamed("call")) out.push_back(e["state"].get<std::string>());
        return out;
    }
    json state() const { return json::parse(widget->stateJson()); }

    // ---- calls ----

    void registerPeer() {
        FakeConnection* p = peer();
        ASSERT_NE(p, nullptr);
        if (p->open) return;
        p->accept();
        p->receive(R"({"type":"OPEN"})");
    }
    void toRinging(bool video) {
        std::string err;
        ASSERT_TRUE(w().startCall(video, err)) << err;
        devices.grant(true, video);
        registerPeer();
        ASSERT_TRUE(http.reply("POST", "/2/callKefu", 200, R"({"ok":true,"callId":"c_1"})"));
    }
    void toConnecting(bool video) {
        toRinging(video);
        chat().receive(serverFrame("accept", kAgentPeer));
    }
    std::string offerConnectionId() {
        for (const auto& f : framesOf(*peer(), "OFFER")) return f["payload"].value("connectionId", "");
        return {};
    }
    void toInCall(bool video) {
        toConnecting(video);
        ASSERT_GT(rtc.size(), 0u);
        kefu::calltest::PcRecord& pc = rtc.last();
        pc.negotiate();
        peer()->receive(json{{"type", "ANSWER"},
                             {"src", kAgentPeer},
                             {"dst", "me"},
                             {"payload",
                              {{"sdp", {{"type", "answer"}, {"sdp", "v=0 answer"}}},
                               {"type", "media"},
                               {"connectionId", offerConnectionId()}}}}
                            .dump());
        pc.resolveRemote();
        pc.pc->emitRemoteTrack(MediaKind::Audio, 90);
        if (video) pc.pc->emitRemoteTrack(MediaKind::Video, 90);
        pc.pc->emitIceConnectionState("checking");
        pc.pc->emitIceConnectionState("connected");
    }
};

} // namespace kefu::widgettest
