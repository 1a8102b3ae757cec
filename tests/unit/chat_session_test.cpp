// The visitor's chat session (src/core/chat_session.cpp): its socket url, identity and connection,
// liveness, and hostile or broken server input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "chat_session_harness.hpp"

using namespace kefu;
using namespace kefu::test;
using namespace kefu::sessiontest;
using json = nlohmann::json;

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
