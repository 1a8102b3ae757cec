#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/chat_session.hpp"
#include "fakes.hpp"

using namespace kefu;
using namespace kefu::test;
using json = nlohmann::json;

namespace {

const char* kConfigBody =
    R"({"kefu":{"id":"kefu1","name":"小美"},"welcome":{"zh-CN":"您好,有什么可以帮您?","en":"Hi there"},
        "peer":{"host":"chat.example.com","port":443,"path":"/peerjs","key":"peerjs","secure":true},
        "iceServers":[{"urls":"stun:stun.example.com"}],"limits":{"maxMessageChars":2000}})";

std::string hello(std::int64_t lastSeq = 0, bool online = true, std::int64_t visitorReadSeq = 0) {
    return json{{"type", "hello"},
                {"data",
                 {{"visitorId", "v_1"},
                  {"kefu", {{"id", "kefu1"}, {"name", "小美"}, {"online", online}}},
                  {"lastSeq", lastSeq},
                  {"visitorReadSeq", visitorReadSeq},
                  {"agentReadSeq", 0}}}}
        .dump();
}

json messageJson(const std::string& id, std::int64_t seq, const std::string& from, const std::string& text) {
    json m = {{"id", id}, {"seq", seq}, {"from", from}, {"text", text}, {"time", 1700000000000 + seq}};
    if (from == "agent") m["agent"] = "小美";
    return m;
}

std::string messageFrame(const std::string& id, std::int64_t seq, const std::string& from = "agent",
                         const std::string& text = "hi") {
    return json{{"type", "message"}, {"data", messageJson(id, seq, from, text)}}.dump();
}

std::string ack(const std::string& id, std::int64_t seq) {
    return json{{"type", "ack"}, {"data", {{"id", id}, {"seq", seq}, {"time", 1700000000000 + seq}}}}.dump();
}

std::string pageBody(std::vector<json> messages, bool hasMore) {
    return json{{"messages", messages}, {"hasMore", hasMore}}.dump();
}

std::vector<json> framesOf(const FakeConnection& c, const std::string& type = "") {
    std::vector<json> out;
    for (const auto& f : c.sent) {
        json j = json::parse(f);
        if (type.empty() || j["type"] == type) out.push_back(j);
    }
    return out;
}

std::vector<std::string> messageIdsSent(const FakeConnection& c) {
    std::vector<std::string> ids;
    for (const auto& f : framesOf(c, "message")) ids.push_back(f["data"]["id"]);
    return ids;
}

struct Harness {
    FakeScheduler clock;
    FakeSocketHub sockets;
    FakeHttp http;
    std::unique_ptr<ChatSession> session;

    std::vector<ConnectionState> states;
    std::vector<std::pair<std::string, std::string>> tokens;
    std::vector<Message> incoming;
    std::vector<std::pair<std::string, std::int64_t>> acks;
    std::vector<std::pair<std::string, std::string>> failures; // id, code
    std::vector<int> unreads;
    std::vector<std::int64_t> readMarks;
    std::vector<CallFrame> callFrames;
    std::vector<std::string> warnings;
    int changes = 0;

    static SessionConfig defaults() {
        SessionConfig c;
        c.serverUrl = "https://chat.example.com/";
        c.locale = "zh-CN";
        return c;
    }

    explicit Harness(SessionConfig config = defaults()) {
        session = std::make_unique<ChatSession>(config, sockets.factory(), http.fn(), clock, sequenceRandom());
        ChatSession& s = *session;
        s.onConnection([this](ConnectionState st) { states.push_back(st); });
        s.onToken([this](const std::string& id, const std::string& t) { tokens.emplace_back(id, t); });
        s.onMessage([this](const Message& m) { incoming.push_back(m); });
        s.onAck([this](const std::string& id, std::int64_t seq) { acks.emplace_back(id, seq); });
        s.onSendFailed([this](const std::string& id, const std::string& code, const std::string&) {
            failures.emplace_back(id, code);
        });
        s.onUnread([this](int n) { unreads.push_back(n); });
        s.onReadMark([this](std::int64_t seq) { readMarks.push_back(seq); });
        s.onCallFrame([this](const CallFrame& f) { callFrames.push_back(f); });
        s.onWarning([this](const std::string& w) { warnings.push_back(w); });
        s.onChange([this] { ++changes; });
    }

    static SessionConfig withToken(std::string token = "tok0") {
        SessionConfig c = defaults();
        c.token = std::move(token);
        c.visitorId = "v_0";
        return c;
    }

    // Start with a stored token and get online; lastSeq 0 means a new conversation (no history fetch).
    FakeConnection& online(std::int64_t lastSeq = 0) {
        session->start();
        FakeConnection& c = sockets.last();
        c.accept();
        c.receive(hello(lastSeq));
        return c;
    }

    ChatSession& s() { return *session; }
};

} // namespace

TEST(ChatSessionUrl, DerivesTheSocketUrlFromTheServerUrl) {
    EXPECT_EQ(visitorSocketUrl("https://chat.example.com"), "wss://chat.example.com/ws/visitor");
    EXPECT_EQ(visitorSocketUrl("http://127.0.0.1:8080/"), "ws://127.0.0.1:8080/ws/visitor");
    EXPECT_EQ(visitorSocketUrl("https://example.com/kefu"), "wss://example.com/kefu/ws/visitor");
}

// ---- identity and connection ----

TEST(ChatSession, FirstContactCreatesAVisitorThenAuthenticatesFirst) {
    SessionConfig c = Harness::defaults();
    c.userJson = R"({"name":"张三"})";
    Harness h(c);
    h.s().start();
    EXPECT_EQ(h.s().state(), ConnectionState::Connecting);
    EXPECT_EQ(h.sockets.count(), 0u); // no socket before there is a token

    FakeRequest* create = h.http.find("POST", "https://chat.example.com/api/visitors");
    ASSERT_NE(create, nullptr);
    EXPECT_EQ(create->bearer, "");
    EXPECT_EQ(json::parse(create->body), json::parse(R"({"lang":"zh-CN","name":"张三"})"));
    ASSERT_TRUE(h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_9","token":"tok9"})"));

    ASSERT_EQ(h.tokens.size(), 1u);
    EXPECT_EQ(h.tokens[0], std::make_pair(std::string("v_9"), std::string("tok9")));
    EXPECT_EQ(h.s().token(), "tok9");

    ASSERT_EQ(h.sockets.count(), 1u);
    FakeConnection& conn = h.sockets.last();
    EXPECT_EQ(conn.url, "wss://chat.example.com/ws/visitor");
    EXPECT_TRUE(conn.sent.empty());
    conn.accept();
    ASSERT_EQ(conn.sent.size(), 1u);
    EXPECT_EQ(json::parse(conn.sent[0]), json::parse(R"({"type":"auth","data":{"token":"tok9"}})"));

    conn.receive(hello());
    EXPECT_EQ(h.s().state(), ConnectionState::Online);
    EXPECT_EQ(h.states, (std::vector<ConnectionState>{ConnectionState::Connecting, ConnectionState::Online}));
    EXPECT_TRUE(h.s().agentOnline());
    EXPECT_EQ(h.s().kefuName(), "小美");
}

TEST(ChatSession, StoredTokenConnectsWithoutCreatingAVisitor) {
    Harness h(Harness::withToken());
    h.s().start();
    EXPECT_EQ(h.http.countOf("POST", "/api/visitors"), 0u);
    ASSERT_EQ(h.sockets.count(), 1u);
    h.sockets.last().accept();
    EXPECT_EQ(framesOf(h.sockets.last())[0]["data"]["token"], "tok0");
}

TEST(ChatSession, LoadsTheConfigForWelcomeAndCalls) {
    Harness h(Harness::withToken());
    int configs = 0;
    h.s().onConfig([&](const ServerConfig& c) {
        ++configs;
        EXPECT_EQ(c.peer.path, "/peerjs");
    });
    h.s().start();
    EXPECT_EQ(h.s().welcome(Locale::ZhCN), tr(Locale::ZhCN, Key::WelcomeFallback)); // not loaded yet
    FakeRequest* r = h.http.find("GET", "/api/config");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->bearer, "");
    h.http.reply("GET", "/api/config", 200, kConfigBody);
    EXPECT_EQ(configs, 1);
    EXPECT_TRUE(h.s().hasServerConfig());
    EXPECT_EQ(h.s().welcome(Locale::ZhCN), "您好,有什么可以帮您?");
    EXPECT_EQ(h.s().welcome(Locale::En), "Hi there");
    EXPECT_EQ(h.s().kefuName(), "小美");
}

TEST(ChatSession, HelloFetchesTheNewestHistoryPage) {
    Harness h(Harness::withToken());
    h.online(3);
    FakeRequest* r = h.http.find("GET", "/api/messages");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->url, "https://chat.example.com/api/messages?limit=50");
    EXPECT_EQ(r->bearer, "tok0");
    EXPECT_TRUE(h.s().loadingOlder());
    h.http.reply("GET", "/api/messages", 200,
                 pageBody({messageJson("a1", 2, "agent", "您好"), messageJson("a2", 3, "agent", "在吗")}, true));
    EXPECT_EQ(h.s().store().size(), 2u);
    EXPECT_TRUE(h.s().store().hasMoreHistory());
    EXPECT_FALSE(h.s().loadingOlder());
    EXPECT_TRUE(h.incoming.empty()); // history is not "new"
    EXPECT_EQ(h.s().unread(), 2);
    EXPECT_EQ(h.unreads.back(), 2);
}

TEST(ChatSession, ANewConversationNeedsNoHistoryRequest) {
    Harness h(Harness::withToken());
    h.online(0);
    EXPECT_EQ(h.http.countOf("GET", "/api/messages"), 0u);
    EXPECT_TRUE(h.s().store().historyLoaded());
    EXPECT_FALSE(h.s().store().hasMoreHistory());
}

TEST(ChatSession, LoadOlderAsksForThePageBeforeTheOldestMessage) {
    Harness h(Harness::withToken());
    h.online(60);
    std::vector<json> newest;
    for (int seq = 11; seq <= 60; ++seq) newest.push_back(messageJson("a" + std::to_string(seq), seq, "agent", "x"));
    h.http.reply("GET", "/api/messages", 200, pageBody(newest, true));
    EXPECT_TRUE(h.s().loadOlder());
    EXPECT_FALSE(h.s().loadOlder()); // one at a time
    FakeRequest* r = h.http.find("GET", "/api/messages");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->url, "https://chat.example.com/api/messages?limit=50&before=11");
    std::vector<json> older;
    for (int seq = 1; seq <= 10; ++seq) older.push_back(messageJson("a" + std::to_string(seq), seq, "agent", "x"));
    h.http.reply("GET", "/api/messages", 200, pageBody(older, false));
    EXPECT_EQ(h.s().store().size(), 60u);
    EXPECT_EQ(h.s().store().oldestSeq(), 1);
    EXPECT_FALSE(h.s().store().hasMoreHistory());
    EXPECT_FALSE(h.s().loadOlder());
}

// ---- sending ----

TEST(ChatSession, SendWhileOnlineIsAcknowledged) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    const SendResult r = h.s().send("  你好  ");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.id.rfind("m_", 0), 0u);
    auto frames = framesOf(c, "message");
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0]["data"]["id"], r.id);
    EXPECT_EQ(frames[0]["data"]["text"], "你好");
    EXPECT_EQ(h.s().store().find(r.id)->delivery, Delivery::Pending);
    EXPECT_TRUE(h.acks.empty()); // never from inside send()

    c.receive(ack(r.id, 1));
    ASSERT_EQ(h.acks.size(), 1u);
    EXPECT_EQ(h.acks[0], std::make_pair(r.id, std::int64_t(1)));
    EXPECT_EQ(h.s().store().find(r.id)->delivery, Delivery::Sent);
    EXPECT_TRUE(h.s().outbox().empty());
}

TEST(ChatSession, InvalidTextIsRefusedWithAVisibleReason) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    const auto before = h.s().revision();
    SendResult r = h.s().send(" \u3000\n");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.errorCode, "bad_request");
    std::string long2001;
    for (int i = 0; i < 2001; ++i) long2001 += "字";
    r = h.s().send(long2001);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.errorCode, "too_long");
    EXPECT_TRUE(framesOf(c, "message").empty());
    EXPECT_TRUE(h.s().store().empty());
    EXPECT_EQ(h.s().revision(), before);
    EXPECT_TRUE(h.s().send(long2001.substr(3)).ok); // 2000 characters
}

TEST(ChatSession, OutboxIsExactlyOnceAndInOrderAcrossADrop) {
    Harness h(Harness::withToken());
    FakeConnection& first = h.online();
    h.http.reply("GET", "/api/config", 200, kConfigBody); // the rate is known: no pacing for three messages
    const std::string a = h.s().send("a").id;
    first.drop(1006); // before the ack
    EXPECT_EQ(h.s().state(), ConnectionState::Reconnecting);
    const std::string b = h.s().send("b").id;
    const std::string c = h.s().send("c").id;
    EXPECT_EQ(messageIdsSent(first), std::vector<std::string>{a});

    h.clock.advance(300); // first backoff step is 250 ms ± 20 %
    ASSERT_EQ(h.sockets.count(), 2u);
    FakeConnection& second = h.sockets.last();
    second.accept();
    EXPECT_EQ(framesOf(second).size(), 1u); // only auth until hello
    second.receive(hello(1));
    EXPECT_EQ(framesOf(second)[0]["type"], "auth");
    EXPECT_EQ(messageIdsSent(second), (std::vector<std::string>{a, b, c}));

    second.receive(ack(a, 1));
    second.receive(ack(b, 2));
    second.receive(ack(c, 3));
    second.receive(ack(a, 1)); // a repeated ack changes nothing
    EXPECT_EQ(h.acks.size(), 3u);
    EXPECT_TRUE(h.s().outbox().empty());
    ASSERT_EQ(h.s().store().size(), 3u);
    EXPECT_EQ(h.s().store().messages()[0].id, a);
    EXPECT_EQ(h.s().store().messages()[2].id, c);

    // The catch-up request after the reconnect returns the same messages: still shown once.
    h.http.reply("GET", "/api/messages", 200,
                 pageBody({messageJson(a, 1, "visitor", "a"), messageJson(b, 2, "visitor", "b"),
                           messageJson(c, 3, "visitor", "c")},
                          false));
    EXPECT_EQ(h.s().store().size(), 3u);
    EXPECT_EQ(messageIdsSent(second).size(), 3u);
}

TEST(ChatSession, MessagesQueuedBeforeStartGoOutAfterHello) {
    Harness h(Harness::withToken());
    const std::string id = h.s().send("early").id;
    EXPECT_EQ(h.s().store().find(id)->delivery, Delivery::Pending);
    FakeConnection& c = h.online();
    EXPECT_EQ(messageIdsSent(c), std::vector<std::string>{id});
}

TEST(ChatSession, ServerRefusalFailsTheMessageWithItsReason) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    const std::string id = h.s().send("spam").id;
    c.receive(json{{"type", "error"}, {"data", {{"code", "too_long"}, {"message", "too long"}, {"id", id}}}}.dump());
    ASSERT_EQ(h.failures.size(), 1u);
    EXPECT_EQ(h.failures[0], std::make_pair(id, std::string("too_long")));
    const Message* m = h.s().store().find(id);
    EXPECT_EQ(m->delivery, Delivery::Failed);
    EXPECT_EQ(m->errorCode, "too_long");
    EXPECT_EQ(m->error, "too long");

    // Not resent by itself after a reconnect…
    c.drop();
    h.clock.advance(300);
    FakeConnection& c2 = h.sockets.last();
    c2.accept();
    c2.receive(hello(0));
    EXPECT_TRUE(messageIdsSent(c2).empty());
    // …only when the visitor retries, with the same id.
    EXPECT_TRUE(h.s().retry(id));
    EXPECT_EQ(messageIdsSent(c2), std::vector<std::string>{id});
    EXPECT_EQ(h.s().store().find(id)->delivery, Delivery::Pending);
    c2.receive(ack(id, 1));
    EXPECT_EQ(h.s().store().find(id)->delivery, Delivery::Sent);
}

TEST(ChatSession, DiscardRemovesAFailedMessage) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    const std::string id = h.s().send("x").id;
    EXPECT_FALSE(h.s().discard(id)); // only failed ones
    c.receive(json{{"type", "error"}, {"data", {{"code", "too_long"}, {"id", id}}}}.dump());
    EXPECT_TRUE(h.s().discard(id));
    EXPECT_TRUE(h.s().store().empty());
    EXPECT_TRUE(h.s().outbox().empty());
}

TEST(ChatSession, UnacknowledgedMessagesFailAfterTheTimeoutOnALiveSocket) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    const std::string id = h.s().send("into the void").id;
    EXPECT_EQ(messageIdsSent(c), std::vector<std::string>{id});
    // The socket stays up (pongs arrive) but the message is never acknowledged.
    for (int i = 0; i < 59; ++i) {
        h.clock.advance(1000);
        c.receive(R"({"type":"pong","data":{}})");
    }
    EXPECT_TRUE(h.failures.empty());
    h.clock.advance(1000);
    ASSERT_EQ(h.failures.size(), 1u);
    EXPECT_EQ(h.failures[0], std::make_pair(id, std::string("timeout")));
    EXPECT_EQ(h.s().store().find(id)->delivery, Delivery::Failed);
    EXPECT_EQ(h.s().state(), ConnectionState::Online);
}

TEST(ChatSession, OwnMessageFromAnotherTabAppearsOnce) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    c.receive(messageFrame("m_other_tab", 1, "visitor", "from tab 2"));
    c.receive(messageFrame("m_other_tab", 1, "visitor", "from tab 2"));
    ASSERT_EQ(h.incoming.size(), 1u);
    EXPECT_EQ(h.incoming[0].from, Sender::Visitor);
    EXPECT_EQ(h.s().store().size(), 1u);
    EXPECT_EQ(h.s().unread(), 0);
}

// ---- token recovery ----

TEST(ChatSession, RejectedTokenCreatesANewVisitorOnlyOnce) {
    Harness h(Harness::withToken("stale"));
    h.s().start();
    FakeConnection& c = h.sockets.last();
    c.accept();
    c.drop(4001);
    EXPECT_EQ(h.s().token(), "");
    ASSERT_EQ(h.http.countOf("POST", "/api/visitors"), 1u);
    h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_2","token":"fresh"})");
    ASSERT_EQ(h.tokens.size(), 1u);
    EXPECT_EQ(h.tokens[0].second, "fresh");
    FakeConnection& c2 = h.sockets.last();
    ASSERT_NE(&c, &c2);
    c2.accept();
    EXPECT_EQ(framesOf(c2)[0]["data"]["token"], "fresh");

    // The new token is refused too: give up instead of looping.
    const std::string id = h.s().send("hello?").id;
    c2.drop(4001);
    EXPECT_EQ(h.http.countOf("POST", "/api/visitors"), 1u);
    EXPECT_EQ(h.s().state(), ConnectionState::Offline);
    h.clock.advance(60000);
    EXPECT_EQ(h.sockets.count(), 2u);
    EXPECT_EQ(h.http.countOf("POST", "/api/visitors"), 1u);
    ASSERT_EQ(h.failures.size(), 1u);
    EXPECT_EQ(h.failures[0], std::make_pair(id, std::string("offline")));
}

TEST(ChatSession, UnauthorizedHistoryRequestAlsoRecreatesTheVisitor) {
    Harness h(Harness::withToken("stale"));
    h.online(5);
    h.http.reply("GET", "/api/messages", 401, R"({"error":{"code":"unauthorized","message":"bad token"}})");
    EXPECT_EQ(h.s().state(), ConnectionState::Reconnecting);
    EXPECT_EQ(h.http.countOf("POST", "/api/visitors"), 1u);
    EXPECT_TRUE(h.sockets.connections[0]->closedByClient);
}

TEST(ChatSession, RefusedVisitorCreationGoesOffline) {
    Harness h;
    h.s().start();
    h.http.reply("POST", "/api/visitors", 403, R"({"error":{"code":"forbidden","message":"blocked"}})");
    EXPECT_EQ(h.s().state(), ConnectionState::Offline);
    EXPECT_FALSE(h.warnings.empty());
}

TEST(ChatSession, UnreachableServerIsRetriedWithGrowingDelays) {
    Harness h;
    h.s().start();
    h.http.reply("POST", "/api/visitors", 0, "");
    EXPECT_EQ(h.s().state(), ConnectionState::Reconnecting);
    std::vector<std::int64_t> delays;
    for (int i = 0; i < 8; ++i) {
        const std::int64_t wait = h.clock.nextDueIn();
        ASSERT_GT(wait, 0);
        delays.push_back(wait);
        h.clock.advance(wait);
        ASSERT_TRUE(h.http.reply("POST", "/api/visitors", 503, "down"));
    }
    for (std::size_t i = 1; i < delays.size(); ++i)
        EXPECT_GE(delays[i], delays[i - 1] * 8 / 10) << i; // grows (modulo jitter)…
    EXPECT_GT(delays[5], delays[0] * 10);
    EXPECT_LE(delays.back(), 10000); // …up to the cap
}

TEST(ChatSession, BackoffStartsOverAfterASuccessfulHello) {
    Harness h(Harness::withToken());
    h.online();
    for (int i = 0; i < 5; ++i) {
        h.sockets.last().drop();
        h.clock.advance(10000);
    }
    ASSERT_EQ(h.sockets.count(), 6u);
    FakeConnection& c = h.sockets.last();
    c.accept();
    c.receive(hello());
    c.drop();
    h.clock.advance(300); // back to the first step
    EXPECT_EQ(h.sockets.count(), 7u);
}

TEST(ChatSession, SynchronousConnectFailureIsRetried) {
    Harness h(Harness::withToken());
    h.sockets.onConnect = [](FakeConnection& c) { c.drop(1006); };
    h.s().start();
    EXPECT_EQ(h.s().state(), ConnectionState::Reconnecting);
    h.sockets.onConnect = nullptr;
    h.clock.advance(300);
    EXPECT_EQ(h.sockets.count(), 2u);
    h.sockets.last().accept();
    h.sockets.last().receive(hello());
    EXPECT_EQ(h.s().state(), ConnectionState::Online);
}

TEST(ChatSession, NoHelloInTimeMeansReconnect) {
    Harness h(Harness::withToken());
    h.s().start();
    h.sockets.last().accept();
    h.clock.advance(15000);
    EXPECT_TRUE(h.sockets.connections[0]->closedByClient);
    EXPECT_EQ(h.s().state(), ConnectionState::Reconnecting);
}

// ---- liveness ----

TEST(ChatSession, PingEvery25SecondsAndPongKeepsTheSocket) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    h.clock.advance(24999);
    EXPECT_TRUE(framesOf(c, "ping").empty());
    h.clock.advance(1);
    ASSERT_EQ(framesOf(c, "ping").size(), 1u);
    c.receive(R"({"type":"pong","data":{}})");
    h.clock.advance(10000);
    EXPECT_EQ(h.s().state(), ConnectionState::Online);
    EXPECT_FALSE(c.closedByClient);
    EXPECT_EQ(h.sockets.count(), 1u);
}

TEST(ChatSession, SilenceAfterAPingMeansADeadSocket) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    h.clock.advance(25000);
    h.clock.advance(9999);
    EXPECT_EQ(h.s().state(), ConnectionState::Online);
    h.clock.advance(1);
    EXPECT_TRUE(c.closedByClient);
    EXPECT_EQ(h.s().state(), ConnectionState::Reconnecting);
    h.clock.advance(300);
    EXPECT_EQ(h.sockets.count(), 2u);
}

TEST(ChatSession, AnyFrameCountsAsALifeSign) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    h.clock.advance(25000);
    c.receive(R"({"type":"status","data":{"online":false}})");
    h.clock.advance(10000);
    EXPECT_EQ(h.s().state(), ConnectionState::Online);
    EXPECT_FALSE(h.s().agentOnline());
}

// ---- typing ----

TEST(ChatSession, TypingIsThrottledAndStopsWhenIdle) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    h.s().setTyping(true);
    ASSERT_EQ(framesOf(c, "typing").size(), 1u);
    EXPECT_EQ(framesOf(c, "typing")[0]["data"]["on"], true);
    h.clock.advance(1000);
    h.s().setTyping(true);
    h.clock.advance(1000);
    h.s().setTyping(true);
    EXPECT_EQ(framesOf(c, "typing").size(), 1u); // at most every 3 s
    h.clock.advance(1000);
    h.s().setTyping(true);
    EXPECT_EQ(framesOf(c, "typing").size(), 2u);
    h.clock.advance(4999);
    EXPECT_EQ(framesOf(c, "typing").size(), 2u);
    h.clock.advance(1);
    ASSERT_EQ(framesOf(c, "typing").size(), 3u);
    EXPECT_EQ(framesOf(c, "typing")[2]["data"]["on"], false); // 5 s idle
    h.clock.advance(60000);
    EXPECT_EQ(framesOf(c, "typing").size(), 3u);
}

TEST(ChatSession, SendingEndsTyping) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    h.s().setTyping(true);
    h.s().send("done");
    auto frames = framesOf(c);
    ASSERT_GE(frames.size(), 4u);
    EXPECT_EQ(frames[frames.size() - 2]["type"], "typing");
    EXPECT_EQ(frames[frames.size() - 2]["data"]["on"], false);
    EXPECT_EQ(frames.back()["type"], "message");
    h.s().setTyping(false); // already off: nothing more
    EXPECT_EQ(framesOf(c, "typing").size(), 2u);
}

TEST(ChatSession, TypingWhileOfflineSendsNothing) {
    Harness h(Harness::withToken());
    h.s().start();
    h.sockets.last().accept();
    h.s().setTyping(true);
    EXPECT_TRUE(framesOf(h.sockets.last(), "typing").empty());
}

TEST(ChatSession, AgentTypingEndsOnOffOrAfterEightSeconds) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    c.receive(R"({"type":"typing","data":{"on":true}})");
    EXPECT_TRUE(h.s().agentTyping());
    h.clock.advance(7999);
    EXPECT_TRUE(h.s().agentTyping());
    h.clock.advance(1);
    EXPECT_FALSE(h.s().agentTyping());

    c.receive(R"({"type":"typing","data":{"on":true}})");
    c.receive(R"({"type":"typing","data":{"on":false}})");
    EXPECT_FALSE(h.s().agentTyping());

    c.receive(R"({"type":"typing","data":{"on":true}})");
    c.receive(messageFrame("a1", 1));
    EXPECT_FALSE(h.s().agentTyping()); // the message arrived
}

// ---- incoming, unread, read ----

TEST(ChatSession, AgentMessagesCountAsUnreadUntilRead) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    c.receive(messageFrame("a1", 1, "agent", "您好"));
    c.receive(messageFrame("a2", 2, "agent", "请问有什么可以帮您?"));
    ASSERT_EQ(h.incoming.size(), 2u);
    EXPECT_EQ(h.incoming[1].text, "请问有什么可以帮您?");
    EXPECT_EQ(h.s().unread(), 2);
    EXPECT_EQ(h.unreads, (std::vector<int>{1, 2}));
    h.s().markRead();
    EXPECT_EQ(h.s().unread(), 0);
    EXPECT_EQ(h.unreads.back(), 0);
    auto reads = framesOf(c, "read");
    ASSERT_EQ(reads.size(), 1u);
    EXPECT_EQ(reads[0]["data"]["seq"], 2);
    EXPECT_EQ(h.readMarks, std::vector<std::int64_t>{2});
    h.s().markRead(); // nothing new: no second frame
    EXPECT_EQ(framesOf(c, "read").size(), 1u);
}

TEST(ChatSession, ReadInAnotherTabClearsTheBadgeHere) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    c.receive(messageFrame("a1", 1));
    EXPECT_EQ(h.s().unread(), 1);
    c.receive(R"({"type":"read","data":{"by":"visitor","seq":1}})");
    EXPECT_EQ(h.s().unread(), 0);
    EXPECT_TRUE(framesOf(c, "read").empty());
    c.receive(R"({"type":"read","data":{"by":"agent","seq":1}})");
    EXPECT_EQ(h.s().agentReadSeq(), 1);
}

TEST(ChatSession, HelloCarriesTheServerReadMark) {
    Harness h(Harness::withToken());
    h.s().start();
    h.sockets.last().accept();
    h.sockets.last().receive(hello(3, true, 2));
    h.http.reply("GET", "/api/messages", 200,
                 pageBody({messageJson("a1", 1, "agent", "x"), messageJson("a2", 2, "agent", "y"),
                           messageJson("a3", 3, "agent", "z")},
                          false));
    EXPECT_EQ(h.s().unread(), 1);
}

TEST(ChatSession, MessagesMissedWhileOfflineAreCaughtUp) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online(0);
    c.receive(messageFrame("a1", 1));
    c.drop();
    h.clock.advance(300);
    FakeConnection& c2 = h.sockets.last();
    c2.accept();
    c2.receive(hello(3));
    FakeRequest* r = h.http.find("GET", "/api/messages");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->url, "https://chat.example.com/api/messages?limit=50");
    h.http.reply("GET", "/api/messages", 200,
                 pageBody({messageJson("a1", 1, "agent", "x"), messageJson("a2", 2, "agent", "y"),
                           messageJson("a3", 3, "agent", "z")},
                          false));
    ASSERT_EQ(h.incoming.size(), 3u); // a1 live, then a2 and a3 from the catch-up
    EXPECT_EQ(h.incoming[1].id, "a2");
    EXPECT_EQ(h.incoming[2].id, "a3");
    EXPECT_EQ(h.s().store().size(), 3u);
}

TEST(ChatSession, CatchUpFillsALongGapPageByPage) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online(0);
    c.receive(messageFrame("a1", 1));
    c.drop();
    h.clock.advance(300);
    h.sockets.last().accept();
    h.sockets.last().receive(hello(4));
    h.http.reply("GET", "/api/messages", 200,
                 pageBody({messageJson("a3", 3, "agent", "x"), messageJson("a4", 4, "agent", "y")}, true));
    FakeRequest* r = h.http.find("GET", "/api/messages");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->url, "https://chat.example.com/api/messages?limit=50&before=3");
    h.http.reply("GET", "/api/messages", 200, pageBody({messageJson("a2", 2, "agent", "w")}, true));
    EXPECT_EQ(h.s().store().size(), 4u);
    EXPECT_EQ(h.http.countOf("GET", "/api/messages"), 2u);
}

// ---- robustness ----

TEST(ChatSession, MalformedAndUnknownFramesChangeNothing) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    const auto revision = h.s().revision();
    const auto state = h.s().state();
    for (const char* f : {"not json", "[]", "{}", R"({"type":42})", R"({"type":"ack","data":{"id":1}})",
                          R"({"type":"accept","data":{"peer":"x"}})", R"({"type":"message","data":{"seq":"x"}})",
                          R"({"type":"fireworks","data":{}})", "{\"type\":\"message\",\"data\":{\"text\":\"\xFF\"}}"})
        c.receive(f);
    EXPECT_EQ(h.warnings.size(), 9u);
    EXPECT_EQ(h.s().revision(), revision);
    EXPECT_EQ(h.s().state(), state);
    EXPECT_TRUE(h.callFrames.empty());
    EXPECT_TRUE(h.s().store().empty());
    EXPECT_FALSE(c.closedByClient);
}

TEST(ChatSession, CallFramesAreForwarded) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    c.receive(R"({"type":"accept","data":"agent-peer"})");
    c.receive(R"({"type":"reject","data":{"reason":"busy"}})");
    c.receive(R"({"type":"hangup","data":{"reason":"agent"}})");
    ASSERT_EQ(h.callFrames.size(), 3u);
    EXPECT_EQ(std::get<frame::Accept>(h.callFrames[0]).peerId, "agent-peer");
    EXPECT_EQ(std::get<frame::Reject>(h.callFrames[1]).reason, "busy");
    EXPECT_EQ(std::get<frame::Hangup>(h.callFrames[2]).reason, "agent");
}

TEST(ChatSession, ServerErrorsWithoutAMessageAreWarnings) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    c.receive(R"({"type":"error","data":{"code":"bad_request","message":"Frames are JSON objects"}})");
    EXPECT_EQ(h.warnings.size(), 1u);
    EXPECT_EQ(h.s().state(), ConnectionState::Online);
}

TEST(ChatSession, SetUserPatchesTheProfile) {
    Harness h(Harness::withToken());
    h.online();
    EXPECT_FALSE(h.s().setUser("[1,2]"));
    EXPECT_TRUE(h.s().setUser(R"({"name":"李四","email":"l@example.com"})"));
    FakeRequest* r = h.http.find("PATCH", "https://chat.example.com/api/visitors/me");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->bearer, "tok0");
    EXPECT_EQ(json::parse(r->body), json::parse(R"({"name":"李四","email":"l@example.com"})"));
    h.http.reply("PATCH", "/api/visitors/me", 200, R"({"visitorId":"v_0","name":"李四"})");
    EXPECT_EQ(h.http.pendingCount(), 1u); // only the config request is left
}

TEST(ChatSession, ChangesAreSignalledForRedraw) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    const int before = h.changes;
    const auto revision = h.s().revision();
    c.receive(messageFrame("a1", 1));
    EXPECT_GT(h.changes, before);
    EXPECT_GT(h.s().revision(), revision);
}

TEST(ChatSession, StopClosesAndStartResumes) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online();
    h.s().stop();
    EXPECT_TRUE(c.closedByClient);
    EXPECT_EQ(h.s().state(), ConnectionState::Idle);
    h.clock.advance(60000);
    EXPECT_EQ(h.sockets.count(), 1u);
    h.s().start();
    EXPECT_EQ(h.sockets.count(), 2u);
}

TEST(ChatSession, LateRepliesAfterDestructionAreHarmless) {
    auto h = std::make_unique<Harness>();
    h->s().start();
    FakeHttp http = h->http; // keep the pending requests
    h->session.reset();
    EXPECT_TRUE(http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v","token":"t"})"));
    EXPECT_TRUE(http.reply("GET", "/api/config", 200, kConfigBody));
    h->clock.advance(100000);
}

TEST(ChatSession, AnEmptyConversationThatGrewWhileOfflineLoadsLikeTheFirstTime) {
    Harness h(Harness::withToken());
    FakeConnection& c = h.online(0);
    c.drop();
    h.clock.advance(300);
    h.sockets.last().accept();
    h.sockets.last().receive(hello(120));
    h.http.reply("GET", "/api/messages", 200, pageBody({messageJson("a120", 120, "agent", "x")}, true));
    EXPECT_TRUE(h.s().store().hasMoreHistory()); // older pages stay available through loadOlder
    EXPECT_EQ(h.http.countOf("GET", "/api/messages"), 1u);
}

TEST(ChatSession, QueuedMessagesWaitThroughAStopAndStartUntilTheyAreWritten) {
    Harness h(Harness::withToken());
    const std::string id = h.s().send("queued").id;
    h.s().stop();
    h.s().start(); // the server never answers the connection attempt
    h.clock.advance(600000);
    EXPECT_TRUE(h.failures.empty());
    EXPECT_EQ(h.s().store().find(id)->delivery, Delivery::Pending);
}
