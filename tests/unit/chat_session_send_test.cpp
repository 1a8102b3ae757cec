// Sending from the chat session: pending until acknowledged, refusals, resending after a drop, and a
// token the server no longer knows.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "chat_session_harness.hpp"

using namespace kefu;
using namespace kefu::test;
using namespace kefu::sessiontest;
using json = nlohmann::json;

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
