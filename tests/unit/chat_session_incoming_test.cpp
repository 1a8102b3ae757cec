// What the chat session receives: typing both ways, agent messages, unread counts and read marks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "chat_session_harness.hpp"

using namespace kefu;
using namespace kefu::test;
using namespace kefu::sessiontest;
using json = nlohmann::json;

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
