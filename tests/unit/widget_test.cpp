// The widget as the page sees it: identity, the connection, the public events, sending, and undelivered
// messages across a reload, driven through the chat fakes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "widget_harness.hpp"

using namespace kefu;
using namespace kefu::widgettest;
using json = nlohmann::json;

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
