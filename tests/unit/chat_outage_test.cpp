// The visitor keeps typing through a long outage: what the outbox promises when the connection returns.
// Nothing times out while offline, the queue drains at the server's announced rate, a refusal for the rate
// is written again after the window instead of failing, and order and exactly-once hold throughout.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/chat_session.hpp"
#include "fakes.hpp"

using namespace kefu;
using namespace kefu::test;
using json = nlohmann::json;

namespace {

std::string configBody(int perWindow, int windowMs) {
    return json{{"kefu", {{"id", "kefu1"}, {"name", "小美"}}},
                {"limits", {{"maxMessageChars", 2000}, {"messagesPerWindow", perWindow}, {"rateWindowMs", windowMs}}}}
        .dump();
}

std::string hello() {
    return json{{"type", "hello"},
                {"data", {{"visitorId", "v_0"}, {"kefu", {{"id", "kefu1"}, {"online", true}}}, {"lastSeq", 0}}}}
        .dump();
}

std::string ack(const std::string& id, std::int64_t seq) {
    return json{{"type", "ack"}, {"data", {{"id", id}, {"seq", seq}, {"time", 1}}}}.dump();
}

std::string rateRefusal(const std::string& id) {
    return json{{"type", "error"}, {"data", {{"code", "rate_limited"}, {"message", "slow down"}, {"id", id}}}}.dump();
}

std::vector<std::string> messageIdsSent(const FakeConnection& c) {
    std::vector<std::string> ids;
    for (const auto& f : c.sent) {
        const json j = json::parse(f);
        if (j["type"] == "message") ids.push_back(j["data"]["id"]);
    }
    return ids;
}

struct Visitor {
    FakeScheduler clock;
    FakeSocketHub sockets;
    FakeHttp http;
    std::unique_ptr<ChatSession> session;
    std::vector<std::pair<std::string, std::string>> failures;
    std::vector<std::string> acked;

    explicit Visitor(int sendTimeoutMs = 60000) {
        SessionConfig c;
        c.serverUrl = "https://chat.example.com";
        c.token = "tok0";
        c.visitorId = "v_0";
        c.sendTimeoutMs = sendTimeoutMs;
        session = std::make_unique<ChatSession>(c, sockets.factory(), http.fn(), clock, sequenceRandom());
        session->onSendFailed([this](const std::string& id, const std::string& code, const std::string&) {
            failures.emplace_back(id, code);
        });
        session->onAck([this](const std::string& id, std::int64_t) { acked.push_back(id); });
    }
    FakeConnection& online(int perWindow = 20, int windowMs = 10000) {
        session->start();
        http.reply("GET", "/api/config", 200, configBody(perWindow, windowMs));
        FakeConnection& c = sockets.last();
        c.accept();
        c.receive(hello());
        return c;
    }
    // The server is unreachable from now on: every new socket fails at once.
    void cut() {
        sockets.onConnect = [](FakeConnection& conn) { conn.drop(1006); };
        sockets.last().drop(1006);
    }
    // Time passes on a live socket that answers every ping.
    void live(FakeConnection& c, int ms) {
        for (int t = 0; t < ms; t += 1000) {
            clock.advance(1000);
            c.receive(R"({"type":"pong","data":{}})");
        }
    }
    // The next connection attempt succeeds.
    FakeConnection& restore() {
        sockets.onConnect = nullptr;
        const std::size_t before = sockets.count();
        for (int i = 0; i < 200 && sockets.count() == before; ++i) clock.advance(100);
        FakeConnection& c = sockets.last();
        c.accept();
        c.receive(hello());
        return c;
    }
};

} // namespace

TEST(ChatOutage, MessagesTypedDuringANinetySecondOutageNeverTimeOut) {
    Visitor v;
    FakeConnection& before = v.online();
    v.cut();
    std::vector<std::string> ids;
    for (int i = 0; i < 30; ++i) { // one every 3 s, 90 s in all
        ids.push_back(v.session->send("offline " + std::to_string(i)).id);
        v.clock.advance(3000);
    }
    EXPECT_TRUE(v.failures.empty());
    for (const auto& id : ids) EXPECT_EQ(v.session->store().find(id)->delivery, Delivery::Pending);
    EXPECT_TRUE(messageIdsSent(before).empty());

    FakeConnection& after = v.restore();
    std::int64_t seq = 0;
    for (int round = 0; round < 5 && v.acked.size() < ids.size(); ++round) {
        for (const auto& id : messageIdsSent(after))
            if (std::find(v.acked.begin(), v.acked.end(), id) == v.acked.end()) after.receive(ack(id, ++seq));
        v.clock.advance(12000);
    }
    EXPECT_EQ(v.acked, ids); // all of them, once each, in the order typed
    EXPECT_EQ(messageIdsSent(after), ids);
    EXPECT_TRUE(v.failures.empty());
    EXPECT_TRUE(v.session->outbox().empty());
}

TEST(ChatOutage, TheTimeoutCountsOnlyTimeOnALiveConnection) {
    Visitor v;
    FakeConnection& c = v.online();
    const std::string id = v.session->send("written").id;
    ASSERT_EQ(messageIdsSent(c), std::vector<std::string>{id});
    v.live(c, 40000); // 40 s unacknowledged on this socket…
    v.cut();
    v.clock.advance(300000); // …then five minutes offline…
    EXPECT_TRUE(v.failures.empty());
    FakeConnection& again = v.restore();
    EXPECT_EQ(messageIdsSent(again), std::vector<std::string>{id}); // …written again, its clock restarted
    v.live(again, 59000);
    EXPECT_TRUE(v.failures.empty());
    v.live(again, 1000);
    EXPECT_EQ(v.failures, (std::vector<std::pair<std::string, std::string>>{{id, "timeout"}}));
}

TEST(ChatOutage, AReconnectDrainsTheOutboxAtTheAnnouncedRate) {
    Visitor v;
    v.online(20, 10000);
    v.cut();
    std::vector<std::string> ids;
    for (int i = 0; i < 30; ++i) {
        ids.push_back(v.session->send("m" + std::to_string(i)).id);
        v.clock.advance(1500);
    }
    FakeConnection& c = v.restore();
    // Twenty at once: the window's worth, and no more while it lasts.
    EXPECT_EQ(messageIdsSent(c), std::vector<std::string>(ids.begin(), ids.begin() + 20));
    v.clock.advance(10000);
    EXPECT_EQ(messageIdsSent(c).size(), 20u);
    v.clock.advance(1500); // the window plus the pacer's slack
    EXPECT_EQ(messageIdsSent(c), ids);
    EXPECT_TRUE(v.failures.empty());
}

TEST(ChatOutage, APageLoadedOfflineWritesOneASecondUntilTheConfigArrives) {
    Visitor v;
    v.sockets.onConnect = [](FakeConnection& conn) { conn.drop(1006); };
    v.session->start();
    v.http.reply("GET", "/api/config", 0, ""); // unreachable
    std::vector<std::string> ids;
    for (int i = 0; i < 8; ++i) ids.push_back(v.session->send("m" + std::to_string(i)).id);
    FakeConnection& c = v.restore(); // hello before any config: the server's rate is unknown
    EXPECT_EQ(messageIdsSent(c).size(), 1u);
    v.clock.advance(1000);
    EXPECT_EQ(messageIdsSent(c).size(), 2u);
    // The config (asked for again after hello) allows 3 per window.
    ASSERT_TRUE(v.http.reply("GET", "/api/config", 200, configBody(3, 10000)));
    EXPECT_EQ(messageIdsSent(c).size(), 3u);
    v.clock.advance(11300);
    EXPECT_EQ(messageIdsSent(c).size(), 6u);
    v.clock.advance(11300);
    EXPECT_EQ(messageIdsSent(c), ids);
}

TEST(ChatOutage, ARateRefusalIsWrittenAgainAfterTheWindowAndKeepsTheOrder) {
    Visitor v;
    FakeConnection& c = v.online(20, 10000);
    const std::string a = v.session->send("a").id;
    const std::string b = v.session->send("b").id;
    const std::string d = v.session->send("d").id;
    c.receive(ack(a, 1));
    // Another tab used up the window: "b" and "d" are refused for the rate.
    c.receive(rateRefusal(b));
    c.receive(rateRefusal(d));
    EXPECT_TRUE(v.failures.empty());
    EXPECT_EQ(v.session->store().find(b)->delivery, Delivery::Pending);
    const std::string e = v.session->send("e").id; // typed during the pause: waits behind them
    EXPECT_EQ(messageIdsSent(c), (std::vector<std::string>{a, b, d}));
    v.clock.advance(9999);
    EXPECT_EQ(messageIdsSent(c).size(), 3u);
    v.clock.advance(1);
    EXPECT_EQ(messageIdsSent(c), (std::vector<std::string>{a, b, d, b, d, e}));
    c.receive(ack(b, 2));
    c.receive(ack(d, 3));
    c.receive(ack(e, 4));
    EXPECT_EQ(v.acked, (std::vector<std::string>{a, b, d, e}));
    EXPECT_TRUE(v.failures.empty());
}

TEST(ChatOutage, AFailedMessageRestoredFromAnEarlierPageWaitsForTheVisitor) {
    Visitor v;
    ASSERT_TRUE(v.session->restoreFailed("m_old", "没发出去", 1000, "timeout", "not acknowledged in time"));
    FakeConnection& c = v.online();
    EXPECT_TRUE(messageIdsSent(c).empty()); // not sent on its own
    const Message* m = v.session->store().find("m_old");
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->delivery, Delivery::Failed);
    EXPECT_EQ(m->errorCode, "timeout");
    EXPECT_TRUE(v.failures.empty()); // nobody on this page is waiting for its outcome
    EXPECT_TRUE(v.session->retry("m_old"));
    EXPECT_EQ(messageIdsSent(c), std::vector<std::string>{"m_old"});
    c.receive(ack("m_old", 5));
    EXPECT_EQ(v.session->store().find("m_old")->delivery, Delivery::Sent);
    // Restoring needs a reason and a usable text.
    EXPECT_FALSE(v.session->restoreFailed("m_x", "x", 0, "", ""));
    EXPECT_FALSE(v.session->restoreFailed("m_y", "   ", 0, "timeout", ""));
}

// ---- a socket left behind by a network that moved ----

int pingsSent(const FakeConnection& c) {
    int n = 0;
    for (const auto& f : c.sent) n += json::parse(f)["type"] == "ping";
    return n;
}

TEST(ChatOutage, AProbeGivesUpASilentSocketWithinThreeSecondsAndConnectsAgain) {
    // The visitor's address changed: its socket neither answers nor closes. The server's own keep-alive
    // would drop it within 20-40 s and then end the visitor's call; the widget must not wait for its
    // own 25 s ping.
    Visitor v;
    FakeConnection& c = v.online();
    v.clock.advance(5000);
    v.session->probe();
    EXPECT_EQ(pingsSent(c), 1);
    v.clock.advance(2999);
    EXPECT_EQ(v.session->state(), ConnectionState::Online);
    v.clock.advance(1);
    EXPECT_TRUE(c.closedByClient);
    EXPECT_EQ(v.session->state(), ConnectionState::Reconnecting);
    v.restore();
    EXPECT_EQ(v.session->state(), ConnectionState::Online);
}

TEST(ChatOutage, AProbeAnsweredKeepsTheSocketAndOnlyShortensTheWait) {
    Visitor v;
    FakeConnection& c = v.online();
    v.session->probe();
    c.receive(R"({"type":"pong","data":{}})");
    v.clock.advance(10000);
    EXPECT_FALSE(c.closedByClient);
    EXPECT_EQ(v.sockets.count(), 1u);
    v.clock.advance(15000); // the regular ping, then a probe during its 10 s wait: 3 s from the probe
    ASSERT_EQ(pingsSent(c), 2);
    v.clock.advance(1000);
    v.session->probe();
    v.clock.advance(3000);
    EXPECT_TRUE(c.closedByClient);
}
