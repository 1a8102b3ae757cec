// The widget as the page sees it: settings parsing, the public events, the ViewModel and the call bar,
// driven end to end through the chat and call fakes (manual clock, scripted server, fake browser media).
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

using namespace kefu;
using json = nlohmann::json;

namespace {

using kefu::test::FakeConnection;
using kefu::test::FakeRequest;

constexpr const char* kServer = "https://chat.example.com";
constexpr const char* kAgentPeer = "agent1";

const std::string kConfigBody =
    R"({"kefu":{"id":"kefu1","name":"小美"},"welcome":{"zh-CN":"您好,有什么可以帮您?","en":"Hi there"},
        "peer":{"host":"peer.example.com","port":9000,"path":"/peerjs","key":"peerjs","secure":false},
        "iceServers":[{"urls":"stun:stun.example.com"}],"limits":{"maxMessageChars":2000}})";

std::string hello(std::int64_t lastSeq = 0, bool agentOnline = true) {
    return json{{"type", "hello"},
                {"data",
                 {{"visitorId", "v_1"},
                  {"kefu", {{"id", "kefu1"}, {"name", "小美"}, {"online", agentOnline}}},
                  {"lastSeq", lastSeq},
                  {"visitorReadSeq", 0},
                  {"agentReadSeq", 0}}}}
        .dump();
}

json messageJson(const std::string& id, std::int64_t seq, const std::string& from, const std::string& text,
                 std::int64_t timeMs) {
    json m = {{"id", id}, {"seq", seq}, {"from", from}, {"text", text}, {"time", timeMs}, {"kind", "text"}};
    if (from == "agent") m["agent"] = "小美";
    return m;
}

std::string serverFrame(const std::string& type, const json& data) {
    return json{{"type", type}, {"data", data}}.dump();
}

std::string callRecord(const std::string& id, std::int64_t seq, bool video, int duration, const std::string& outcome,
                       std::int64_t timeMs) {
    json m = messageJson(id, seq, "system", "语音通话", timeMs);
    m["kind"] = "call";
    m["call"] = {{"video", video}, {"duration", duration}, {"outcome", outcome}};
    return serverFrame("message", m);
}

std::string longText(int chars) {
    std::string s;
    for (int i = 0; i < chars; ++i) s += "字";
    return s;
}

std::vector<json> framesOf(const FakeConnection& c, const std::string& type) {
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

} // namespace

// ---- settings ----

TEST(WidgetSettings, ReadsTheLoaderObject) {
    const WidgetSettings s = parseWidgetSettings(
        R"({"server":"https://chat.example.com//","kefu":"kefu2","lang":"zh-CN","position":"left",
            "token":"tok","visitorId":"v_7","readSeq":"42","tzOffsetMin":480,"hasMedia":false,
            "user":{"name":"张三"},"assets":"https://cdn.example.com/","unknown":[1,2]})");
    EXPECT_EQ(s.server, "https://chat.example.com");
    EXPECT_EQ(s.kefu, "kefu2");
    EXPECT_EQ(s.lang, "zh-CN");
    EXPECT_EQ(s.side, Side::Left);
    EXPECT_EQ(s.token, "tok");
    EXPECT_EQ(s.visitorId, "v_7");
    EXPECT_EQ(s.readSeq, 42);
    EXPECT_EQ(s.tzOffsetMin, 480);
    EXPECT_FALSE(s.hasMedia);
    EXPECT_EQ(json::parse(s.userJson), json::parse(R"({"name":"张三"})"));

    const WidgetSettings right = parseWidgetSettings(R"({"server":"http://127.0.0.1:8080/","position":"right"})");
    EXPECT_EQ(right.server, "http://127.0.0.1:8080");
    EXPECT_EQ(right.side, Side::Right);
    EXPECT_EQ(right.lang, "en");
    EXPECT_TRUE(right.token.empty());
    EXPECT_TRUE(right.visitorId.empty());
    EXPECT_EQ(parseWidgetSettings(R"({"position":"top"})").side, Side::Right);
    EXPECT_EQ(parseWidgetSettings(R"({"lang":""})").lang, "en");
    EXPECT_TRUE(parseWidgetSettings(R"({"user":"张三"})").userJson.empty());
    // The loader saves a missing identity as null.
    EXPECT_TRUE(parseWidgetSettings(R"({"token":null,"visitorId":null})").token.empty());
}

TEST(WidgetSettings, PeerOverridesFromDataAttributesOrNumbers) {
    // data-* attributes arrive as strings, window.KefuSettings may use numbers and booleans.
    WidgetSettings s = parseWidgetSettings(
        R"({"peerHost":"peer.example.org","peerPort":"8443","peerPath":"/p","peerKey":"k","peerSecure":"true"})");
    EXPECT_EQ(s.peerHost, "peer.example.org");
    EXPECT_EQ(s.peerPort, 8443);
    EXPECT_EQ(s.peerPath, "/p");
    EXPECT_EQ(s.peerKey, "k");
    EXPECT_EQ(s.peerSecure, 1);

    s = parseWidgetSettings(R"({"peerPort":9000,"peerSecure":true})");
    EXPECT_EQ(s.peerPort, 9000);
    EXPECT_EQ(s.peerSecure, 1);
    EXPECT_EQ(parseWidgetSettings(R"({"peerSecure":"1"})").peerSecure, 1);
    EXPECT_EQ(parseWidgetSettings(R"({"peerSecure":"false"})").peerSecure, 0);
    EXPECT_EQ(parseWidgetSettings(R"({"peerSecure":false})").peerSecure, 0);
    EXPECT_EQ(parseWidgetSettings(R"({})").peerSecure, -1); // keep the server's
    EXPECT_EQ(parseWidgetSettings(R"({})").peerPort, 0);
    EXPECT_EQ(parseWidgetSettings(R"({"peerPort":"abc"})").peerPort, 0);
}

TEST(WidgetSettings, IceServersAsArrayOrJsonString) {
    const std::string expected = json::parse(R"([{"urls":"turn:turn.example.com","username":"u"}])").dump();
    EXPECT_EQ(parseWidgetSettings(R"({"iceServers":[{"urls":"turn:turn.example.com","username":"u"}]})").iceServersJson,
              expected);
    EXPECT_EQ(parseWidgetSettings(R"({"iceServers":"[{\"urls\":\"turn:turn.example.com\",\"username\":\"u\"}]"})")
                  .iceServersJson,
              expected);
    EXPECT_TRUE(parseWidgetSettings(R"({"iceServers":"not json"})").iceServersJson.empty());
    EXPECT_TRUE(parseWidgetSettings(R"({"iceServers":"{\"urls\":\"stun:x\"}"})").iceServersJson.empty());
    EXPECT_TRUE(parseWidgetSettings(R"({"iceServers":{"urls":"stun:x"}})").iceServersJson.empty());
    EXPECT_EQ(parseWidgetSettings(R"({"iceServers":[]})").iceServersJson, "[]");
}

TEST(WidgetSettings, RingTimeoutWithinBoundsOtherwiseThirtySeconds) {
    auto ring = [](const std::string& value) {
        return parseWidgetSettings(R"({"ringTimeout":)" + value + "}").ringTimeoutS;
    };
    EXPECT_EQ(ring("1"), 1);
    EXPECT_EQ(ring("45"), 45);
    EXPECT_EQ(ring("600"), 600);
    EXPECT_EQ(ring(R"("20")"), 20);
    EXPECT_EQ(ring("0"), 30);
    EXPECT_EQ(ring("601"), 30);
    EXPECT_EQ(ring("-5"), 30);
    EXPECT_EQ(ring(R"("soon")"), 30);
    EXPECT_EQ(ring("null"), 30);
    EXPECT_EQ(parseWidgetSettings("{}").ringTimeoutS, 30);
}

TEST(WidgetSettings, GarbageKeepsTheDefaults) {
    for (const char* text : {"", "{not json", "[1,2,3]", "\"server\"", "null", "42"}) {
        SCOPED_TRACE(text);
        const WidgetSettings s = parseWidgetSettings(text);
        EXPECT_EQ(s.server, "");
        EXPECT_EQ(s.lang, "en");
        EXPECT_EQ(s.side, Side::Right);
        EXPECT_EQ(s.ringTimeoutS, 30);
        EXPECT_EQ(s.peerSecure, -1);
        EXPECT_EQ(s.peerPort, 0);
        EXPECT_TRUE(s.hasMedia);
        EXPECT_TRUE(s.iceServersJson.empty());
    }
}

TEST(WidgetSettings, WrongTypesKeepTheDefaults) {
    WidgetSettings s;
    ASSERT_NO_THROW(s = parseWidgetSettings(
                        R"({"server":42.5,"lang":["zh"],"hasMedia":"no","ringTimeout":12.5,"peerPort":{"n":1}})"));
    EXPECT_EQ(s.server, "");
    EXPECT_EQ(s.lang, "en");
    EXPECT_TRUE(s.hasMedia);
    EXPECT_EQ(s.ringTimeoutS, 30);
    EXPECT_EQ(s.peerPort, 0);
    EXPECT_FALSE(parseWidgetSettings(R"({"hasMedia":false})").hasMedia);
}

// ---- identity, connection, events ----

TEST(Widget, OpeningTheChatCreatesAVisitorAndStoresItsIdentity) {
    Harness h(Harness::newVisitor());
    h.w().start();
    h.w().setOpen(true);
    FakeRequest* create = h.http.find("POST", "https://chat.example.com/api/visitors");
    ASSERT_NE(create, nullptr);
    EXPECT_EQ(create->bearer, "");
    EXPECT_EQ(json::parse(create->body)["lang"], "en");
    EXPECT_TRUE(h.stored.empty());
    EXPECT_TRUE(h.state()["visitorId"].is_null());
    h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_9","token":"tok9"})");
    EXPECT_EQ(h.stored["https://chat.example.com:token"], "tok9");
    EXPECT_EQ(h.stored["https://chat.example.com:visitor"], "v_9");
    EXPECT_EQ(h.state()["visitorId"], "v_9");
    EXPECT_EQ(h.chat().url, "wss://chat.example.com/ws/visitor");
    h.chat().accept();
    EXPECT_EQ(framesOf(h.chat(), "auth").at(0)["data"]["token"], "tok9");
}

TEST(Widget, FirstMessageOfANewVisitorGoesOutOnceTheVisitorExists) {
    Harness h(Harness::newVisitor());
    h.w().start();
    const SendOutcome o = h.w().send("hello");
    ASSERT_TRUE(o.ok);
    EXPECT_TRUE(h.w().view().messages.at(0).pending);
    ASSERT_TRUE(h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_9","token":"tok9"})"));
    FakeConnection& c = h.chat();
    c.accept();
    c.receive(hello());
    ASSERT_EQ(framesOf(c, "message").size(), 1u);
    EXPECT_EQ(framesOf(c, "message")[0]["data"]["id"], o.id);
}

TEST(Widget, SavedIdentityIsReused) {
    WidgetSettings s = Harness::defaults();
    s.token = "tok0";
    s.visitorId = "v_0";
    Harness h(s);
    h.w().start();
    EXPECT_EQ(h.http.countOf("POST", "/api/visitors"), 0u);
    h.chat().accept();
    EXPECT_EQ(framesOf(h.chat(), "auth").at(0)["data"]["token"], "tok0");
    EXPECT_EQ(h.state()["visitorId"], "v_0");
    EXPECT_TRUE(h.stored.empty()); // nothing new to save
}

TEST(Widget, APageViewAloneCreatesNothing) {
    Harness h(Harness::newVisitor());
    h.w().start();
    h.clock.advance(60'000);
    EXPECT_TRUE(h.http.requests.empty());
    EXPECT_EQ(h.sockets.count(), 0u);
    EXPECT_TRUE(h.stored.empty());
    EXPECT_EQ(h.state()["connection"], "idle");

    // The page's API counts as first use.
    h.w().setUser(R"({"name":"Ann"})");
    FakeRequest* create = h.http.find("POST", "/api/visitors");
    ASSERT_NE(create, nullptr);
    EXPECT_EQ(json::parse(create->body)["name"], "Ann");
}

TEST(Widget, ACallFromThePageOpensThePanel) {
    Harness h;
    h.online();
    std::string err;
    ASSERT_TRUE(h.w().startCall(false, err));
    EXPECT_TRUE(h.w().isOpen());
    EXPECT_EQ(h.eventsNamed("open").size(), 1u);
    EXPECT_EQ(h.peerSocketCount(), 1u);
}

TEST(Widget, ConnectionEvents) {
    Harness h;
    FakeConnection& c = h.online();
    auto conn = h.eventsNamed("connection");
    ASSERT_EQ(conn.size(), 2u);
    EXPECT_EQ(conn[0], json::parse(R"({"state":"connecting","connected":false})"));
    EXPECT_EQ(conn[1], json::parse(R"({"state":"online","connected":true})"));
    c.drop(1006);
    conn = h.eventsNamed("connection");
    ASSERT_EQ(conn.size(), 3u);
    EXPECT_EQ(conn[2], json::parse(R"({"state":"reconnecting","connected":false})"));
    EXPECT_EQ(h.w().view().subtitle, "Reconnecting…");
    EXPECT_EQ(h.w().view().connection, 1);
    h.clock.advance(1000);
    h.chat().accept();
    h.chat().receive(hello());
    EXPECT_EQ(h.eventsNamed("connection").back()["state"], "online");
    EXPECT_EQ(h.w().view().connection, 0);
}

TEST(Widget, IncomingAgentMessageIsAnnounced) {
    Harness h;
    h.online();
    h.agentSays("a1", 1, "您好");
    const auto msgs = h.eventsNamed("message");
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0]["id"], "a1");
    EXPECT_EQ(msgs[0]["from"], "agent");
    EXPECT_EQ(msgs[0]["text"], "您好");
    EXPECT_EQ(msgs[0]["seq"], 1);
    EXPECT_EQ(msgs[0]["status"], "sent");
    EXPECT_EQ(json::parse(h.w().messagesJson()).at(0)["text"], "您好");
}

TEST(Widget, UnreadCountsWhileClosedAndResetsWhenOpened) {
    Harness h;
    FakeConnection& c = h.online();
    h.agentSays("a1", 1, "one");
    h.agentSays("a2", 2, "two");
    EXPECT_EQ(h.unreadCounts(), (std::vector<int>{1, 2}));
    EXPECT_EQ(h.w().unread(), 2);
    EXPECT_EQ(h.state()["unread"], 2);
    EXPECT_TRUE(framesOf(c, "read").empty());

    h.w().setOpen(true);
    EXPECT_EQ(h.unreadCounts(), (std::vector<int>{1, 2, 0}));
    EXPECT_EQ(h.w().unread(), 0);
    ASSERT_EQ(framesOf(c, "read").size(), 1u);
    EXPECT_EQ(framesOf(c, "read")[0]["data"]["seq"], 2);
    EXPECT_EQ(h.stored["https://chat.example.com:read"], "2");

    // While open, new messages are read at once: no unread event at all.
    h.agentSays("a3", 3, "three");
    EXPECT_EQ(h.unreadCounts(), (std::vector<int>{1, 2, 0}));
    EXPECT_EQ(h.w().unread(), 0);
}

TEST(Widget, OpenAndCloseEvents) {
    Harness h;
    h.w().setOpen(true);
    h.w().setOpen(true); // already open: nothing new
    EXPECT_TRUE(h.w().isOpen());
    bool clear = true;
    Intents in;
    in.close = true;
    h.w().apply(in, "", clear);
    EXPECT_FALSE(clear);
    EXPECT_FALSE(h.w().isOpen());
    std::vector<std::string> names;
    for (const auto& e : h.events)
        if (e.first == "open" || e.first == "close") names.push_back(e.first);
    EXPECT_EQ(names, (std::vector<std::string>{"open", "close"}));
    EXPECT_EQ(h.state()["open"], false);
}

TEST(Widget, AttentionForAgentMessagesTheVisitorHasNotSeen) {
    Harness h;
    FakeConnection& c = h.online();
    h.agentSays("a1", 1, "closed panel");
    EXPECT_EQ(h.attention, std::vector<int>{1});
    h.agentSays("a2", 2, "still closed");
    EXPECT_EQ(h.attention, (std::vector<int>{1, 2}));

    h.w().setOpen(true);
    h.agentSays("a3", 3, "open and focused");
    EXPECT_EQ(h.attention, (std::vector<int>{1, 2}));
    // The visitor's own message from another tab never asks for attention.
    c.receive(serverFrame("message", messageJson("m_tab2", 4, "visitor", "from tab 2", h.clock.nowMs())));
    EXPECT_EQ(h.attention, (std::vector<int>{1, 2}));
}

TEST(Widget, OpenButUnfocusedPageKeepsMessagesUnreadUntilFocused) {
    Harness h;
    FakeConnection& c = h.online();
    h.w().setOpen(true);
    h.w().setPageFocused(false);
    h.agentSays("a1", 1, "are you there?");
    EXPECT_EQ(h.attention, std::vector<int>{1});
    EXPECT_EQ(h.w().unread(), 1);
    EXPECT_TRUE(framesOf(c, "read").empty()); // the agent must not see it as read yet

    h.w().setPageFocused(true);
    EXPECT_EQ(h.w().unread(), 0);
    EXPECT_EQ(h.unreadCounts(), (std::vector<int>{1, 0}));
    ASSERT_EQ(framesOf(c, "read").size(), 1u);
    EXPECT_EQ(framesOf(c, "read")[0]["data"]["seq"], 1);
}

// ---- sending ----

TEST(Widget, SendShowsPendingUntilAcknowledged) {
    Harness h;
    FakeConnection& c = h.online();
    h.w().setOpen(true);
    const SendOutcome o = h.w().send("  hello  ");
    ASSERT_TRUE(o.ok);
    EXPECT_FALSE(o.id.empty());
    EXPECT_TRUE(o.errorCode.empty());

    auto msgs = h.eventsNamed("message");
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0]["id"], o.id);
    EXPECT_EQ(msgs[0]["from"], "visitor");
    EXPECT_EQ(msgs[0]["text"], "hello");
    EXPECT_EQ(msgs[0]["status"], "pending");

    const ViewModel& v = h.w().view();
    ASSERT_EQ(v.messages.size(), 1u);
    EXPECT_EQ(v.messages[0].id, o.id);
    EXPECT_EQ(v.messages[0].from, 0);
    EXPECT_EQ(v.messages[0].text, "hello");
    EXPECT_TRUE(v.messages[0].pending);
    EXPECT_EQ(h.state()["pending"], 1);
    EXPECT_TRUE(h.eventsNamed("sent").empty());

    c.receive(serverFrame("ack", {{"id", o.id}, {"seq", 7}, {"time", h.clock.nowMs()}}));
    const auto sent = h.eventsNamed("sent");
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0], (json{{"id", o.id}, {"seq", 7}}));
    EXPECT_FALSE(h.w().view().messages[0].pending);
    EXPECT_EQ(h.state()["pending"], 0);
    EXPECT_EQ(json::parse(h.w().messagesJson()).at(0)["status"], "sent");
}

TEST(Widget, TooLongIsRefusedWithAVisibleNotice) {
    Harness h;
    FakeConnection& c = h.online();
    const SendOutcome o = h.w().send(longText(2001));
    EXPECT_FALSE(o.ok);
    EXPECT_EQ(o.errorCode, "too_long");
    EXPECT_EQ(o.message, "Message too long (2000 characters max)");
    EXPECT_TRUE(o.id.empty());
    EXPECT_EQ(h.w().view().notice, "Message too long (2000 characters max)");
    EXPECT_TRUE(h.w().view().messages.empty());
    EXPECT_TRUE(framesOf(c, "message").empty());
    EXPECT_TRUE(h.eventsNamed("message").empty());

    // The notice goes away on its own.
    h.advance(5900);
    EXPECT_FALSE(h.w().view().notice.empty());
    h.advance(200);
    EXPECT_EQ(h.w().view().notice, "");

    EXPECT_TRUE(h.w().send(longText(2000)).ok);
}

TEST(Widget, WhitespaceOnlyIsRefused) {
    Harness h;
    FakeConnection& c = h.online();
    const SendOutcome o = h.w().send(" \n\t\u3000 ");
    EXPECT_FALSE(o.ok);
    EXPECT_EQ(o.errorCode, "bad_request");
    EXPECT_EQ(h.w().view().notice, "Can't send an empty message");
    EXPECT_TRUE(framesOf(c, "message").empty());
    EXPECT_EQ(h.state()["messages"], 0);
}

TEST(Widget, ServerRefusalFailsTheMessageVisibly) {
    Harness h;
    FakeConnection& c = h.online();
    const std::string id = h.w().send("spam").id;
    c.receive(serverFrame("error", {{"code", "conflict"}, {"message", "id already used"}, {"id", id}}));
    const auto failed = h.eventsNamed("sendfailed");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0]["id"], id);
    EXPECT_EQ(failed[0]["error"], "conflict");
    EXPECT_EQ(failed[0]["message"], "id already used");
    EXPECT_TRUE(h.eventsNamed("sent").empty());

    const ViewModel& v = h.w().view();
    EXPECT_EQ(v.notice, "Not sent");
    ASSERT_EQ(v.messages.size(), 1u);
    EXPECT_TRUE(v.messages[0].failed);
    EXPECT_FALSE(v.messages[0].pending);
    EXPECT_EQ(v.messages[0].error, "Not sent");
    EXPECT_EQ(json::parse(h.w().messagesJson()).at(0)["status"], "failed");
}

TEST(Widget, ServerRefusalWithoutAMessageUsesTheLocalizedReason) {
    Harness h;
    FakeConnection& c = h.online();
    const std::string id = h.w().send("x").id;
    c.receive(serverFrame("error", {{"code", "too_long"}, {"id", id}}));
    const auto failed = h.eventsNamed("sendfailed");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0]["error"], "too_long");
    EXPECT_EQ(failed[0]["message"], "Message too long (2000 characters max)");
}

TEST(Widget, ComposerSendThroughIntents) {
    Harness h;
    FakeConnection& c = h.online();
    h.w().composerChanged("hi");
    EXPECT_FALSE(h.w().view().composerEmpty);
    EXPECT_EQ(framesOf(c, "typing").at(0)["data"]["on"], true);

    Intents in;
    in.send = true;
    bool clear = false;
    h.w().apply(in, "hi", clear);
    EXPECT_TRUE(clear);
    EXPECT_TRUE(h.w().view().composerEmpty);
    ASSERT_EQ(framesOf(c, "message").size(), 1u);
    EXPECT_EQ(framesOf(c, "message")[0]["data"]["text"], "hi");
    EXPECT_EQ(framesOf(c, "typing").back()["data"]["on"], false);

    h.w().apply(in, "   ", clear);
    EXPECT_FALSE(clear); // refused: the text stays for the visitor to fix
    EXPECT_EQ(framesOf(c, "message").size(), 1u);
}

// ---- the view ----

TEST(Widget, TitleAndSubtitleFollowTheAgent) {
    Harness h;
    EXPECT_EQ(h.w().view().title, "Customer service");
    EXPECT_EQ(h.w().view().subtitle, "Connecting…");
    EXPECT_EQ(h.w().view().welcome, "Hi! How can we help you?");
    FakeConnection& c = h.online();
    const ViewModel& v = h.w().view();
    EXPECT_EQ(v.title, "小美");
    EXPECT_EQ(v.welcome, "Hi there");
    EXPECT_EQ(v.subtitle, "Online");
    EXPECT_TRUE(v.agentOnline);
    EXPECT_EQ(v.connection, 0);

    c.receive(serverFrame("status", {{"online", false}}));
    EXPECT_EQ(h.w().view().subtitle, "We're away right now. Leave a message and we'll reply soon.");
    EXPECT_FALSE(h.w().view().agentOnline);
    EXPECT_EQ(h.state()["agentOnline"], false);
    c.receive(serverFrame("status", {{"online", true}}));
    EXPECT_EQ(h.w().view().subtitle, "Online");
}

TEST(Widget, OfflineShowsAReasonAboveTheComposer) {
    Harness h(Harness::newVisitor());
    h.w().start();
    h.w().setOpen(true);
    h.http.reply("POST", "/api/visitors", 403, R"({"error":{"code":"forbidden","message":"no"}})");
    EXPECT_EQ(h.state()["connection"], "offline");
    EXPECT_EQ(h.w().view().subtitle, "Offline");
    EXPECT_EQ(h.w().view().connection, 2);
    EXPECT_EQ(h.w().view().notice, "Can't reach the support service");
    EXPECT_FALSE(h.warnings.empty());
}

TEST(Widget, MessagesAreGroupedWithTimeSeparators) {
    Harness h;
    FakeConnection& c = h.online();
    const std::int64_t now = h.clock.nowMs();
    const std::int64_t yesterday = now - 24 * 3600 * 1000;
    c.receive(serverFrame("message", messageJson("a0", 1, "agent", "old", yesterday)));
    c.receive(serverFrame("message", messageJson("a1", 2, "agent", "first", now - 10 * 60 * 1000)));
    c.receive(serverFrame("message", messageJson("a2", 3, "agent", "second", now - 9 * 60 * 1000)));
    c.receive(serverFrame("message", messageJson("m1", 4, "visitor", "mine", now - 9 * 60 * 1000 + 5000)));
    c.receive(serverFrame("message", messageJson("a3", 5, "agent", "later", now)));

    const ViewModel& v = h.w().view();
    ASSERT_EQ(v.messages.size(), 5u);
    EXPECT_EQ(v.messages[0].separator, "Yesterday " + formatTime(yesterday, 0));
    EXPECT_FALSE(v.messages[0].grouped);
    EXPECT_EQ(v.messages[1].separator, formatTime(now - 10 * 60 * 1000, 0));
    EXPECT_FALSE(v.messages[1].grouped);
    EXPECT_EQ(v.messages[2].separator, ""); // a minute later, same agent
    EXPECT_TRUE(v.messages[2].grouped);
    EXPECT_EQ(v.messages[3].separator, "");
    EXPECT_FALSE(v.messages[3].grouped); // another sender
    EXPECT_EQ(v.messages[3].from, 0);
    EXPECT_EQ(v.messages[4].separator, formatTime(now, 0)); // nine minutes later
    EXPECT_FALSE(v.messages[4].grouped);
    EXPECT_EQ(v.messages[4].time, formatTime(now, 0));
    EXPECT_EQ(v.messages[4].from, 1);
}

TEST(Widget, TimesFollowTheVisitorsTimeZone) {
    WidgetSettings s = Harness::defaults();
    s.tzOffsetMin = 480;
    Harness h(s);
    h.online();
    h.agentSays("a1", 1, "hi");
    EXPECT_EQ(h.w().view().messages.at(0).time, formatTime(h.clock.nowMs(), 480));
    EXPECT_NE(formatTime(h.clock.nowMs(), 480), formatTime(h.clock.nowMs(), 0));
}

TEST(Widget, CallRecordsReadAsACallLine) {
    Harness h;
    FakeConnection& c = h.online();
    c.receive(callRecord("call_c_1", 1, false, 151, "completed", h.clock.nowMs()));
    c.receive(callRecord("call_c_2", 2, true, 0, "missed", h.clock.nowMs()));
    const ViewModel& v = h.w().view();
    ASSERT_EQ(v.messages.size(), 2u);
    EXPECT_EQ(v.messages[0].from, 2);
    EXPECT_EQ(v.messages[0].text, "Voice call 02:31");
    EXPECT_EQ(v.messages[1].text, "Video call · Missed call");
    EXPECT_FALSE(v.messages[1].grouped); // call records never group

    const auto msgs = h.eventsNamed("message");
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_EQ(msgs[0]["from"], "system");
    EXPECT_EQ(msgs[0]["text"], "Voice call 02:31");
    EXPECT_EQ(msgs[0]["call"], json::parse(R"({"video":false,"duration":151,"outcome":"completed"})"));

    h.w().setLocale("zh-CN");
    EXPECT_EQ(h.w().view().messages[0].text, "语音通话 02:31");
    EXPECT_EQ(h.w().view().messages[1].text, "视频通话 · 未接通");
    EXPECT_EQ(json::parse(h.w().messagesJson()).at(1)["text"], "视频通话 · 未接通");
}

TEST(Widget, ViewIsRebuiltOnlyWhenSomethingChanged) {
    Harness h;
    h.online();
    const ViewModel& first = h.w().view();
    const std::uint64_t rev = h.w().revision();
    EXPECT_EQ(first.revision, rev);
    const ViewModel& again = h.w().view();
    EXPECT_EQ(&again, &first);
    EXPECT_EQ(again.revision, rev);
    h.w().setPageFocused(true); // nothing visible
    EXPECT_EQ(h.w().revision(), rev);

    const int changesBefore = h.changes;
    h.agentSays("a1", 1, "new");
    EXPECT_GT(h.w().revision(), rev);
    EXPECT_GT(h.changes, changesBefore);
    EXPECT_EQ(h.w().view().revision, h.w().revision());
    EXPECT_EQ(h.w().view().messages.size(), 1u);
    EXPECT_EQ(h.state()["revision"], h.w().revision());
}

TEST(Widget, LayoutFollowsTheViewport) {
    WidgetSettings s = Harness::defaults();
    s.side = Side::Left;
    Harness h(s);
    const std::uint64_t rev = h.w().revision();
    h.w().setViewport(1280, 800);
    EXPECT_GT(h.w().revision(), rev);
    EXPECT_FALSE(h.w().view().fullscreen);
    EXPECT_LT(h.w().layout().launcher.x, 640.0f); // bottom-left corner
    h.w().setViewport(375, 667);
    EXPECT_TRUE(h.w().view().fullscreen);
}

TEST(Widget, LocaleSwitchesTheLabels) {
    Harness h;
    EXPECT_EQ(h.w().view().sendLabel, "Send");
    EXPECT_EQ(h.w().view().placeholder, "Type a message…");
    EXPECT_EQ(h.w().view().voiceLabel, "Voice");
    EXPECT_EQ(h.w().view().emojiLabel, "Emoji");
    const std::uint64_t rev = h.w().revision();
    h.w().setLocale("zh-CN");
    EXPECT_GT(h.w().revision(), rev);
    const ViewModel& v = h.w().view();
    EXPECT_EQ(v.sendLabel, "发送");
    EXPECT_EQ(v.placeholder, "输入消息…");
    EXPECT_EQ(v.voiceLabel, "语音");
    EXPECT_EQ(v.videoLabel, "视频");
    EXPECT_EQ(v.hangupLabel, "挂断");
    EXPECT_EQ(v.emojiLabel, "表情");
    EXPECT_EQ(v.title, "在线客服");
    EXPECT_EQ(v.subtitle, "连接中…");
    EXPECT_EQ(v.welcome, "您好，有什么可以帮您？");

    // Refusals come in the visitor's language too.
    EXPECT_EQ(h.w().send(" ").message, "不能发送空白消息");
    EXPECT_EQ(h.w().view().notice, "不能发送空白消息");
}

TEST(Widget, ChineseSettingsFromTheStart) {
    WidgetSettings s = Harness::newVisitor();
    s.lang = "zh-CN";
    Harness h(s);
    h.w().start();
    h.w().setOpen(true);
    EXPECT_EQ(json::parse(h.http.find("POST", "/api/visitors")->body)["lang"], "zh-CN");
    EXPECT_EQ(h.w().view().sendLabel, "发送");
}

TEST(Widget, StateJson) {
    Harness h(Harness::newVisitor());
    json s = h.state();
    for (const char* key : {"ready", "open", "connected", "unread", "visitorId", "call"})
        EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_EQ(s["ready"], true);
    EXPECT_EQ(s["open"], false);
    EXPECT_EQ(s["connected"], false);
    EXPECT_EQ(s["unread"], 0);
    EXPECT_TRUE(s["visitorId"].is_null());
    EXPECT_EQ(s["call"], "idle");

    h.w().setOpen(true);
    h.w().start();
    ASSERT_TRUE(h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_1","token":"tok1"})"));
    h.chat().accept();
    h.chat().receive(hello());
    h.w().setOpen(false);
    h.agentSays("a1", 1, "hi");
    h.w().setOpen(true);
    h.w().setOpen(false);
    h.agentSays("a2", 2, "again");
    s = h.state();
    EXPECT_EQ(s["open"], false);
    EXPECT_EQ(s["connected"], true);
    EXPECT_EQ(s["connection"], "online");
    EXPECT_EQ(s["unread"], 1);
    EXPECT_EQ(s["visitorId"], "v_1");
    EXPECT_EQ(s["messages"], 2);
}

// ---- calls ----

TEST(Widget, OpeningThePanelRegistersForCallsAhead) {
    Harness h;
    h.online();
    EXPECT_EQ(h.peerSocketCount(), 0u); // closed panel: no call is likely yet
    h.w().setOpen(true);
    ASSERT_EQ(h.peerSocketCount(), 1u);
    EXPECT_EQ(h.peer()->url.rfind("ws://peer.example.com:9000/peerjs/peerjs?key=peerjs&id=kefu", 0), 0u);
    h.w().setOpen(false);
    h.w().setOpen(true);
    EXPECT_EQ(h.peerSocketCount(), 1u); // once
}

TEST(Widget, PanelOpenedBeforeTheConfigRegistersOnceItArrives) {
    Harness h;
    h.w().setOpen(true);
    h.w().start();
    EXPECT_EQ(h.peerSocketCount(), 0u);
    h.http.reply("GET", "/api/config", 200, kConfigBody);
    EXPECT_EQ(h.peerSocketCount(), 1u);
}

TEST(Widget, NoRegistrationWithoutMediaDevices) {
    WidgetSettings s = Harness::defaults();
    s.hasMedia = false;
    Harness h(s);
    h.online();
    h.w().setOpen(true);
    EXPECT_EQ(h.peerSocketCount(), 0u);
}

TEST(Widget, CallReachesTheAgentAndTheAcceptFrameConnectsIt) {
    Harness h;
    h.online();
    h.toRinging(false);
    FakeRequest* callpeer = nullptr;
    for (auto& r : h.http.requests)
        if (r->url == "https://chat.example.com/2/callKefu") callpeer = r.get();
    ASSERT_NE(callpeer, nullptr);
    EXPECT_EQ(callpeer->bearer, "tok1");
    const json body = json::parse(callpeer->body);
    EXPECT_EQ(body["action"], "callpeer");
    EXPECT_EQ(body["kefu_id"], "kefu1");
    EXPECT_EQ(body["visitor_id"], "v_1");
    EXPECT_EQ(body["video"], false);
    EXPECT_EQ(h.w().view().call.state, "ringing");
    EXPECT_EQ(h.w().view().call.status, "Calling support… 00:00");
    EXPECT_TRUE(h.w().view().call.active);

    h.chat().receive(serverFrame("accept", kAgentPeer));
    EXPECT_EQ(h.w().call().state(), CallState::Connecting);
    EXPECT_EQ(h.w().view().call.status, "Connecting…");
    EXPECT_EQ(h.state()["call"], "connecting");
    EXPECT_EQ(h.rtc.size(), 1u);
    EXPECT_EQ(h.rtc.last().iceServers, R"([{"urls":"stun:stun.example.com"}])");

    const auto calls = h.eventsNamed("call");
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[0], json::parse(R"({"state":"requesting","reason":"none"})"));
    EXPECT_EQ(calls[1], json::parse(R"({"state":"ringing","reason":"none"})"));
    EXPECT_EQ(calls[2], json::parse(R"({"state":"connecting","reason":"none"})"));
}

TEST(Widget, SecondCallWhileOneIsActiveIsBusy) {
    Harness h;
    h.online();
    std::string err;
    ASSERT_TRUE(h.w().startCall(false, err));
    EXPECT_EQ(h.w().view().call.status, "Requesting microphone/camera access…");
    EXPECT_FALSE(h.w().startCall(false, err));
    EXPECT_EQ(err, "busy");
    err.clear();
    EXPECT_FALSE(h.w().startCall(true, err));
    EXPECT_EQ(err, "busy");
    EXPECT_EQ(h.devices.requests.size(), 1u);
    EXPECT_FALSE(h.w().call().isVideo());
}

TEST(Widget, RingingShowsHowLongItHasRung) {
    Harness h;
    h.online();
    h.toRinging(false);
    h.advance(7000);
    EXPECT_EQ(h.w().view().call.status, "Calling support… 00:07");
    EXPECT_EQ(h.state()["callStatus"], "Calling support… 00:07");
}

TEST(Widget, CallQualityShowsTheLevelAndAPoorConnectionNotice) {
    Harness h;
    h.online();
    EXPECT_EQ(h.w().callStats(CallStats{900, 30, 90}), CallQuality::Unknown); // no call: nothing to measure
    h.toInCall(false);
    EXPECT_EQ(h.state()["callQuality"], "unknown");
    EXPECT_EQ(h.w().view().call.quality, 0);
    std::uint64_t rev = h.w().revision();
    EXPECT_EQ(h.w().callStats(CallStats{20, 0, 3}), CallQuality::Good);
    EXPECT_GT(h.w().revision(), rev);
    rev = h.w().revision();
    EXPECT_EQ(h.w().callStats(CallStats{22, 0, 4}), CallQuality::Good);
    EXPECT_EQ(h.w().revision(), rev) << "the same level draws nothing";
    EXPECT_EQ(h.w().view().call.quality, 1);
    EXPECT_EQ(h.w().view().notice, "");
    EXPECT_EQ(h.w().callStats(CallStats{700, 12, 10}), CallQuality::Poor);
    EXPECT_EQ(h.w().view().call.quality, 3);
    EXPECT_EQ(h.w().view().notice, "Poor connection: the call may break up.");
    EXPECT_EQ(h.state()["callQuality"], "poor");
    h.w().hangup();
    EXPECT_EQ(h.state()["callQuality"], "unknown");
    EXPECT_EQ(h.w().view().notice, "");
}

TEST(Widget, MutingTellsTheServerForTheConsole) {
    Harness h;
    h.online();
    h.toInCall(false);
    auto mutes = [&] {
        std::vector<json> out;
        for (auto& r : h.http.requests) {
            const json b = json::parse(r->body, nullptr, false);
            if (b.is_object() && b.value("action", "") == "mute") out.push_back(b);
        }
        return out;
    };
    h.w().call().setMuted(true);
    h.w().call().setMuted(false);
    const auto sent = mutes();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0], json::parse(R"({"action":"mute","call_id":"c_1","muted":true})"));
    EXPECT_EQ(sent[1]["muted"], false);
}

TEST(Widget, InCallTheElapsedTimeTicksAndStopsAfterTheEnd) {
    Harness h;
    h.online();
    h.toInCall(false);
    ASSERT_EQ(h.w().call().state(), CallState::InCall);
    EXPECT_EQ(h.w().view().call.status, "In call 00:00");
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"in-call","reason":"none"})"));

    std::uint64_t rev = h.w().revision();
    for (int s = 1; s <= 3; ++s) {
        h.advance(1000);
        EXPECT_GT(h.w().revision(), rev) << s;
        rev = h.w().revision();
        EXPECT_EQ(h.w().view().call.status, "In call 00:0" + std::to_string(s));
    }

    h.w().hangup();
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"ended","reason":"hangup-local"})"));
    EXPECT_FALSE(h.w().view().call.active);
    EXPECT_EQ(h.w().view().call.status, "Call ended 00:03");
    EXPECT_EQ(h.state()["callReason"], "hangup-local");

    // The outcome stays in the call bar for a while, then the bar is quiet for good.
    h.advance(7900);
    EXPECT_EQ(h.w().view().call.status, "Call ended 00:03");
    h.advance(100);
    EXPECT_EQ(h.w().view().call.status, "");
    EXPECT_EQ(h.w().view().call.state, "ended");

    const std::uint64_t idleRev = h.w().revision();
    const int idleChanges = h.changes;
    h.advance(60'000);
    EXPECT_EQ(h.w().revision(), idleRev);
    EXPECT_EQ(h.changes, idleChanges);
    EXPECT_EQ(h.state()["connected"], true);
}

TEST(Widget, ACancelledCallLeavesNoTimerBehind) {
    Harness h;
    h.online();
    h.toRinging(false);
    h.w().hangup();
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"ended","reason":"cancelled"})"));
    EXPECT_EQ(h.w().view().call.status, "Cancelled");
    h.advance(8000);
    EXPECT_EQ(h.w().view().call.status, "");
    const int changes = h.changes;
    h.advance(3'600'000); // an hour with the chat connected and nothing happening
    EXPECT_EQ(h.changes, changes);
    EXPECT_EQ(h.state()["connection"], "online");
}

TEST(Widget, CallFailureStaysVisibleThenClears) {
    Harness h;
    h.online();
    h.toRinging(false);
    h.chat().receive(serverFrame("reject", {{"reason", "rejected"}}));
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"failed","reason":"rejected"})"));
    EXPECT_EQ(h.w().view().call.status, "The agent declined the call");
    EXPECT_EQ(h.state()["call"], "failed");
    h.advance(8000);
    EXPECT_EQ(h.w().view().call.status, "");

    // The next call starts fresh.
    std::string err;
    EXPECT_TRUE(h.w().startCall(false, err));
    EXPECT_EQ(h.w().view().call.status, "Requesting microphone/camera access…");
}

TEST(Widget, RemoteHangupFrameEndsTheCall) {
    Harness h;
    h.online();
    h.toInCall(false);
    h.advance(2000);
    h.chat().receive(serverFrame("hangup", {{"reason", "agent"}}));
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"ended","reason":"hangup-remote"})"));
    EXPECT_EQ(h.w().view().call.status, "Call ended 00:02");
    EXPECT_TRUE(h.devices.live.empty()); // microphone released
}

TEST(Widget, VideoWithoutACameraOffersVoiceInstead) {
    Harness h;
    h.online();
    std::string err;
    ASSERT_TRUE(h.w().startCall(true, err));
    h.devices.deny("NotFoundError");
    const CallView& c = h.w().view().call;
    EXPECT_EQ(c.state, "failed");
    EXPECT_TRUE(c.offerVoice);
    EXPECT_EQ(c.status, "No camera found. You can make a voice call instead.");
    EXPECT_EQ(h.w().view().voiceInsteadLabel, "Use voice instead");

    Intents in;
    in.startVoice = true;
    bool clear = false;
    h.w().apply(in, "", clear);
    EXPECT_EQ(h.w().call().state(), CallState::Requesting);
    EXPECT_FALSE(h.w().call().isVideo());
    EXPECT_FALSE(h.w().view().call.offerVoice);
}

TEST(Widget, RingTimeoutFromTheSettings) {
    WidgetSettings s = Harness::defaults();
    s.ringTimeoutS = 5;
    Harness h(s);
    h.online();
    h.toRinging(false);
    h.advance(4900);
    EXPECT_EQ(h.w().call().state(), CallState::Ringing);
    h.advance(100);
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"failed","reason":"no-answer"})"));
    EXPECT_EQ(h.w().view().call.status, "No answer");
}

TEST(Widget, SiteOverridesWinOverTheServerConfig) {
    WidgetSettings s = Harness::defaults();
    s.kefu = "kefu7";
    s.peerHost = "peer.example.org";
    s.peerPort = 443;
    s.peerSecure = 1;
    s.peerPath = "/rtc";
    s.peerKey = "k2";
    s.iceServersJson = R"([{"urls":"turn:turn.example.org"}])";
    Harness h(s);
    h.online();
    h.toRinging(false);
    ASSERT_NE(h.peer(), nullptr);
    EXPECT_EQ(h.peer()->url.rfind("wss://peer.example.org:443/rtc/peerjs?key=k2&id=kefu", 0), 0u) << h.peer()->url;
    FakeRequest* callpeer = nullptr;
    for (auto& r : h.http.requests)
        if (r->url.find("/2/callKefu") != std::string::npos) callpeer = r.get();
    ASSERT_NE(callpeer, nullptr);
    EXPECT_EQ(json::parse(callpeer->body)["kefu_id"], "kefu7");
    h.chat().receive(serverFrame("accept", kAgentPeer));
    ASSERT_EQ(h.rtc.size(), 1u);
    EXPECT_EQ(h.rtc.last().iceServers, R"([{"urls":"turn:turn.example.org"}])");
}

TEST(Widget, MuteAndMediaAttachments) {
    Harness h;
    h.online();
    h.toInCall(false);
    EXPECT_EQ(h.attached["audio"], 90);
    EXPECT_EQ(h.attached["remote"], -1);
    EXPECT_EQ(h.attached["local"], -1);
    EXPECT_FALSE(h.w().view().call.showRemoteVideo);

    Intents in;
    in.toggleMute = true;
    bool clear = false;
    h.w().apply(in, "", clear);
    EXPECT_TRUE(h.w().view().call.muted);
    h.w().apply(in, "", clear);
    EXPECT_FALSE(h.w().view().call.muted);

    Intents hang;
    hang.hangup = true;
    h.w().apply(hang, "", clear);
    EXPECT_EQ(h.w().call().state(), CallState::Ended);
    EXPECT_EQ(h.attached["audio"], -1);
}

TEST(Widget, VideoCallShowsBothVideos) {
    Harness h;
    h.online();
    h.toInCall(true);
    const CallView& c = h.w().view().call;
    EXPECT_TRUE(c.video);
    EXPECT_TRUE(c.showRemoteVideo);
    EXPECT_TRUE(c.showLocalVideo);
    EXPECT_EQ(h.attached["remote"], 90);
    EXPECT_EQ(h.attached["audio"], -1);
    EXPECT_EQ(h.attached["local"], h.w().call().localStream());
    EXPECT_GE(h.attached["local"], 0);

    Intents in;
    in.toggleCamera = true;
    bool clear = false;
    h.w().apply(in, "", clear);
    EXPECT_TRUE(h.w().view().call.cameraOff);
}

// A call not yet answered is not handed to the next page (APageLeftMidCallStoresTheCall...): it is cancelled.
TEST(Widget, ShutdownEndsTheCallOnTheAgentsSideToo) {
    Harness h;
    h.online();
    h.toRinging(false);
    h.w().shutdown();
    EXPECT_EQ(h.w().call().state(), CallState::Ended);
    bool cancelled = false;
    for (auto& r : h.http.requests)
        if (r->url.find("/2/callKefu") != std::string::npos && json::parse(r->body).value("action", "") == "cancel")
            cancelled = true;
    EXPECT_TRUE(cancelled);
    EXPECT_TRUE(h.stored["https://chat.example.com:call"].empty());
    EXPECT_TRUE(h.peer()->closedByClient);
    EXPECT_TRUE(h.devices.live.empty());
}

TEST(Widget, DestroyedMidCallLeavesNothingScheduled) {
    Harness h;
    h.online();
    h.toInCall(false);
    h.w().send(" "); // a notice timer too
    h.widget.reset();
    EXPECT_TRUE(h.devices.live.empty());
    h.clock.advance(60'000); // nothing of the widget runs any more
    EXPECT_EQ(h.clock.pending(), 0u);
}

// ---- a call before the backend's first answer ----

TEST(Widget, ACallBeforeTheConfigWaitsForItThenRings) {
    Harness h(Harness::newVisitor());
    h.w().start();
    std::string err;
    ASSERT_TRUE(h.w().startCall(false, err));
    EXPECT_EQ(h.state()["call"], "requesting");
    EXPECT_EQ(h.callStates(), std::vector<std::string>{"requesting"});
    EXPECT_EQ(h.peerSocketCount(), 0u); // no PeerJS address yet: nothing dialled
    EXPECT_FALSE(h.w().startCall(true, err));
    EXPECT_EQ(err, "busy");
    ASSERT_TRUE(h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_9","token":"tok9"})"));
    ASSERT_TRUE(h.http.reply("GET", "/api/config", 200, kConfigBody));
    ASSERT_NE(h.peer(), nullptr); // the call went ahead with the server's PeerJS settings
    EXPECT_EQ(h.peer()->url.rfind("ws://peer.example.com:9000/peerjs/peerjs?", 0), 0u) << h.peer()->url;
    h.devices.grant(true, false);
    h.registerPeer();
    FakeRequest* ring = h.http.find("POST", "/2/callKefu");
    ASSERT_NE(ring, nullptr);
    EXPECT_EQ(ring->bearer, "tok9");
    EXPECT_EQ(json::parse(ring->body)["action"], "callpeer");
    ASSERT_TRUE(h.http.reply("POST", "/2/callKefu", 200, R"({"ok":true,"callId":"c_1"})"));
    EXPECT_EQ(h.state()["call"], "ringing");
}

TEST(Widget, ACallWaitingForAnUnansweringBackendFailsClearly) {
    Harness h(Harness::newVisitor());
    h.w().start();
    std::string err;
    ASSERT_TRUE(h.w().startCall(true, err));
    h.clock.advance(15'000);
    const json last = h.eventsNamed("call").back();
    EXPECT_EQ(last["state"], "failed");
    EXPECT_EQ(last["reason"], "server-unreachable");
    EXPECT_EQ(h.state()["call"], "idle");
}

TEST(Widget, HangingUpAWaitingCallCancelsIt) {
    Harness h(Harness::newVisitor());
    h.w().start();
    std::string err;
    ASSERT_TRUE(h.w().startCall(false, err));
    h.w().hangup();
    EXPECT_EQ(h.eventsNamed("call").back()["state"], "ended");
    EXPECT_EQ(h.eventsNamed("call").back()["reason"], "cancelled");
    ASSERT_TRUE(h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_9","token":"tok9"})"));
    ASSERT_TRUE(h.http.reply("GET", "/api/config", 200, kConfigBody));
    EXPECT_EQ(h.peerSocketCount(), 1u); // registered on open, but no call placed
    EXPECT_EQ(h.http.countOf("POST", "/2/callKefu"), 0u);
}

// ---- undelivered messages survive a reload ----

TEST(Widget, UndeliveredMessagesAreSavedAndClearedOnceAcknowledged) {
    Harness h;
    h.w().start();
    const SendOutcome o = h.w().send("路上没信号");
    ASSERT_TRUE(o.ok);
    const json saved = json::parse(h.stored.at("https://chat.example.com:outbox"));
    ASSERT_EQ(saved.size(), 1u);
    EXPECT_EQ(saved[0]["id"], o.id);
    EXPECT_EQ(saved[0]["text"], "路上没信号");
    FakeConnection& c = h.online();
    c.receive(serverFrame("ack", {{"id", o.id}, {"seq", 7}, {"time", 1}}));
    EXPECT_EQ(h.stored.at("https://chat.example.com:outbox"), ""); // removed
}

TEST(Widget, AReloadedPageSendsWhatTheLastOneCouldNotUnderItsOriginalId) {
    WidgetSettings s = Harness::defaults();
    s.outboxJson = R"([{"id":"m_old1","text":"离线时写的","time":1000},{"id":"m_old2","text":"第二条","time":2000},
                       {"bad":1},"junk"])";
    Harness h(s);
    FakeConnection& c = h.online();
    const auto sent = framesOf(c, "message");
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0]["data"]["id"], "m_old1");
    EXPECT_EQ(sent[1]["data"]["id"], "m_old2");
    EXPECT_EQ(sent[1]["data"]["text"], "第二条");
    EXPECT_TRUE(h.w().view().messages.at(0).pending);
}

TEST(Widget, SwitchingAVoiceCallToVideoAndBack) {
    Harness h;
    h.online();
    h.toInCall(false);
    EXPECT_TRUE(h.w().view().call.canSwitch);
    EXPECT_EQ(h.w().view().toVideoLabel, "Video");
    Intents in;
    in.switchKind = true;
    bool clear = false;
    h.w().apply(in, "", clear);
    EXPECT_TRUE(h.w().call().switching());
    EXPECT_FALSE(h.w().view().call.canSwitch); // one switch at a time
    EXPECT_EQ(h.w().view().call.status, "Switching…");
    ASSERT_EQ(h.devices.requests.size(), 2u);
    EXPECT_TRUE(h.devices.requests.back().video);
    h.devices.grant(true, true);
    kefu::calltest::PcRecord& pc = h.rtc.last();
    pc.negotiate();
    h.peer()->receive(json{{"type", "ANSWER"},
                           {"src", kAgentPeer},
                           {"dst", "me"},
                           {"payload",
                            {{"sdp", {{"type", "answer"}, {"sdp", "v=0 answer"}}},
                             {"type", "media"},
                             {"connectionId", framesOf(*h.peer(), "OFFER").back()["payload"]["connectionId"]}}}}
                          .dump());
    pc.resolveRemote();
    pc.pc->emitRemoteTrack(MediaKind::Audio, 91);
    pc.pc->emitRemoteTrack(MediaKind::Video, 91);
    pc.pc->emitIceConnectionState("connected");
    const CallView& c = h.w().view().call;
    EXPECT_TRUE(c.video);
    EXPECT_TRUE(c.showRemoteVideo);
    EXPECT_EQ(h.attached["remote"], 91);
    EXPECT_EQ(h.attached["audio"], -1);
    const auto ev = h.eventsNamed("callswitch");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0]["ok"], true);
    EXPECT_EQ(ev[0]["video"], true);
    EXPECT_EQ(json::parse(h.w().stateJson())["callVideo"], true);
    EXPECT_EQ(h.w().view().toVoiceLabel, "Voice");
}

TEST(Widget, ASwitchWithoutACameraSaysSoAndTheCallGoesOn) {
    Harness h;
    h.online();
    h.toInCall(false);
    std::string err;
    EXPECT_TRUE(h.w().switchCall(true, err));
    h.devices.deny("NotFoundError");
    EXPECT_EQ(h.w().call().state(), CallState::InCall);
    EXPECT_EQ(h.w().view().notice, "No camera found. The call stays voice only.");
    const auto ev = h.eventsNamed("callswitch");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0]["ok"], false);
    EXPECT_EQ(ev[0]["reason"], "no-camera");
}

TEST(Widget, SwitchOutsideACallIsRefused) {
    Harness h;
    h.online();
    std::string err;
    EXPECT_FALSE(h.w().switchCall(true, err));
    EXPECT_EQ(err, "not-in-call");
    h.toInCall(true);
    EXPECT_TRUE(h.w().switchCall(true, err)); // already video: nothing to do
    EXPECT_FALSE(h.w().call().switching());
}

TEST(Widget, TheAgentDecliningVideoIsShownAndTheCallGoesOn) {
    Harness h;
    h.online();
    h.toInCall(false);
    std::string err;
    ASSERT_TRUE(h.w().switchCall(true, err));
    h.devices.grant(true, true);
    h.chat().receive(R"({"type":"switch","data":{"accepted":false}})");
    EXPECT_EQ(h.w().call().state(), CallState::InCall);
    EXPECT_FALSE(h.w().call().switching());
    EXPECT_EQ(h.w().view().notice, "The agent declined video. The call stays voice only.");
    EXPECT_EQ(h.eventsNamed("callswitch").back()["reason"], "rejected");
}

TEST(Widget, TheAnnouncedStandingPeerGetsTheOfferWithTheRing) {
    Harness h;
    h.online();
    h.chat().receive(R"({"type":"status","data":{"online":true,"peer":"agent1"}})");
    std::string err;
    ASSERT_TRUE(h.w().startCall(false, err)) << err;
    h.devices.grant(true, false);
    h.registerPeer();
    h.rtc.last().negotiate();
    const auto offers = framesOf(*h.peer(), "OFFER");
    ASSERT_EQ(offers.size(), 1u); // before the server answered POST callpeer
    EXPECT_EQ(offers[0]["dst"], "agent1");
    h.chat().receive(R"({"type":"status","data":{"online":true,"peer":null}})");
    EXPECT_EQ(h.w().call().state(), CallState::Requesting);
}

TEST(Widget, ALostCallPathShowsReconnectingAndTheCallGoesOn) {
    Harness h;
    h.online();
    h.toInCall(false);
    h.advance(2000);
    h.rtc.last().pc->emitIceConnectionState("disconnected");
    EXPECT_EQ(h.w().view().call.status, "Reconnecting…");
    EXPECT_EQ(h.w().view().call.statusShort, "Reconnecting…");
    EXPECT_FALSE(h.w().view().call.canSwitch);
    EXPECT_EQ(h.state()["callReconnecting"], true);
    EXPECT_EQ(h.state()["call"], "in-call");
    h.rtc.records[0]->pc->emitIceConnectionState("connected"); // the old path came back
    EXPECT_EQ(h.w().view().call.status, "In call 00:02");
    EXPECT_EQ(h.state()["callReconnecting"], false);
}

TEST(Widget, APageLeftMidCallStoresTheCallInsteadOfHangingUp) {
    Harness h;
    h.online();
    h.toInCall(false);
    h.advance(3000);
    const std::size_t posts = h.http.requests.size();
    h.w().shutdown();
    const std::string record = h.stored["https://chat.example.com:call"];
    kefu::ResumeInfo info;
    ASSERT_TRUE(kefu::parseResumeRecord(record, h.clock.nowMs(), info)) << record;
    EXPECT_EQ(info.callId, "c_1");
    EXPECT_EQ(h.http.requests.size(), posts); // no hang-up report: the next page goes on with the call
    for (const auto& f : framesOf(*h.peer(), "LEAVE")) ADD_FAILURE() << f.dump();
    EXPECT_TRUE(h.devices.live.empty()); // the microphone is released all the same
}
