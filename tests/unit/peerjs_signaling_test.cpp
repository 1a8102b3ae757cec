#include "call_fakes.hpp"
#include "core/peerjs/messages.hpp"
#include "core/peerjs/socket.hpp"

#include <gtest/gtest.h>
#include "json_eq.hpp"

using kefu::test::J;

using namespace kefu;
using namespace kefu::calltest;
using kefu::peerjs::Signaling;

namespace {

class PeerjsSignalingTest : public ::testing::Test {
  protected:
    PeerjsSignalingTest() : signaling(options(), scheduler, sockets.factory(), http.fn()) {
        signaling.onStateChange([this](Signaling::State s) { states.push_back(s); });
        signaling.onError(
            [this](const std::string& type, const std::string& msg) { errors.push_back(type + ": " + msg); });
    }

    static peerjs::Options options() {
        peerjs::Options o;
        o.host = "peer.test";
        o.port = 9000;
        o.path = "/myapp";
        return o;
    }

    void openAndRegister() {
        signaling.open();
        sockets.last().open();
        sockets.last().receive(R"({"type":"OPEN"})");
        ASSERT_EQ(signaling.state(), Signaling::State::Open);
    }

    FakeScheduler scheduler;
    FakeSockets sockets;
    FakeHttp http;
    Signaling signaling;
    std::vector<Signaling::State> states;
    std::vector<std::string> errors;
};

std::string heartbeat() {
    return peerjs::encodeHeartbeat();
}

} // namespace

TEST_F(PeerjsSignalingTest, OpensWithOwnIdWithoutHttp) {
    signaling.open();
    EXPECT_EQ(signaling.state(), Signaling::State::Connecting);
    ASSERT_EQ(sockets.size(), 1u);
    EXPECT_TRUE(http.requests.empty());
    const std::string& id = signaling.id();
    EXPECT_EQ(id.rfind("kefu", 0), 0u);
    EXPECT_TRUE(peerjs::isValidId(id));
    EXPECT_EQ(sockets.last().url, "ws://peer.test:9000/myapp/peerjs?key=peerjs&id=" + id +
                                      "&token=" + signaling.token() + "&version=1.5.5");
    sockets.last().open();
    EXPECT_EQ(signaling.state(), Signaling::State::Connecting); // waits for OPEN, not for the socket
    sockets.last().receive(R"({"type":"OPEN"})");
    EXPECT_EQ(signaling.state(), Signaling::State::Open);
    EXPECT_EQ(states, (std::vector<Signaling::State>{Signaling::State::Connecting, Signaling::State::Open}));
}

TEST_F(PeerjsSignalingTest, OpenIsIdempotentWhileActive) {
    openAndRegister();
    signaling.open();
    EXPECT_EQ(sockets.size(), 1u);
}

TEST_F(PeerjsSignalingTest, FetchesIdWhenConfigured) {
    auto o = options();
    o.fetchId = true;
    signaling.setOptions(o);
    signaling.open();
    EXPECT_EQ(signaling.state(), Signaling::State::FetchingId);
    ASSERT_EQ(http.requests.size(), 1u);
    EXPECT_EQ(http.requests[0].method, "GET");
    EXPECT_EQ(http.requests[0].url.rfind("http://peer.test:9000/myapp/peerjs/id?ts=", 0), 0u);
    http.respond(0, 200, "116d910d-acb8-467f-bcb8-2dfb4176703b\n");
    EXPECT_EQ(signaling.id(), "116d910d-acb8-467f-bcb8-2dfb4176703b");
    ASSERT_EQ(sockets.size(), 1u);
    EXPECT_NE(sockets.last().url.find("&id=116d910d-acb8-467f-bcb8-2dfb4176703b&"), std::string::npos);
}

TEST_F(PeerjsSignalingTest, FailedIdFetchIsServerError) {
    auto o = options();
    o.fetchId = true;
    signaling.setOptions(o);
    signaling.open();
    http.respond(0, 0);
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    EXPECT_EQ(signaling.errorType(), "server-error");
    EXPECT_EQ(sockets.size(), 0u);
}

TEST_F(PeerjsSignalingTest, HeartbeatEveryFiveSecondsFromSocketOpen) {
    signaling.open();
    auto& s = sockets.last();
    scheduler.advance(3000); // not yet open: no heartbeat chain
    s.open();
    s.receive(R"({"type":"OPEN"})");
    scheduler.advance(4999);
    EXPECT_EQ(s.count(heartbeat()), 0u);
    scheduler.advance(1);
    EXPECT_EQ(s.count(heartbeat()), 1u);
    scheduler.advance(5000);
    EXPECT_EQ(s.count(heartbeat()), 2u);
    scheduler.advance(4999);
    EXPECT_EQ(s.count(heartbeat()), 2u);
    scheduler.advance(1);
    EXPECT_EQ(s.count(heartbeat()), 3u);
    scheduler.advance(60000);
    EXPECT_EQ(s.count(heartbeat()), 15u);
    EXPECT_EQ(s.sent.size(), 15u); // nothing but heartbeats
}

TEST_F(PeerjsSignalingTest, HeartbeatStopsAfterClose) {
    openAndRegister();
    auto rec = sockets.records.back();
    scheduler.advance(10000);
    EXPECT_EQ(rec->count(heartbeat()), 2u);
    signaling.close();
    EXPECT_EQ(signaling.state(), Signaling::State::Closed);
    EXPECT_TRUE(rec->closedByClient);
    scheduler.advance(60000);
    EXPECT_EQ(rec->count(heartbeat()), 2u);
    EXPECT_TRUE(rec->destroyed);
    EXPECT_EQ(scheduler.pendingTimers(), 0u);
}

TEST_F(PeerjsSignalingTest, HeartbeatStopsAfterServerClose) {
    openAndRegister();
    auto rec = sockets.records.back();
    rec->serverClose(1006);
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    EXPECT_EQ(signaling.errorType(), "network");
    scheduler.advance(30000);
    EXPECT_EQ(rec->count(heartbeat()), 0u);
}

TEST_F(PeerjsSignalingTest, ErrorIsServerErrorWithMessage) {
    signaling.open();
    sockets.last().open();
    sockets.last().receive(R"({"type":"ERROR","payload":{"msg":"Invalid key provided"}})");
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    EXPECT_EQ(signaling.errorType(), "server-error");
    EXPECT_EQ(signaling.errorMessage(), "Invalid key provided");
    EXPECT_EQ(errors, std::vector<std::string>{"server-error: Invalid key provided"});
    EXPECT_TRUE(sockets.last().closedByClient);
}

TEST_F(PeerjsSignalingTest, IdTakenRetriesOnceWithNewIdThenFails) {
    signaling.open();
    const std::string first = signaling.id();
    const std::string firstToken = signaling.token();
    sockets.last().open();
    sockets.last().receive(R"({"type":"ID-TAKEN","payload":{"msg":"ID is taken"}})");
    EXPECT_EQ(signaling.state(), Signaling::State::Connecting);
    ASSERT_EQ(sockets.size(), 2u);
    EXPECT_TRUE(sockets.at(0).closedByClient);
    EXPECT_NE(signaling.id(), first);
    EXPECT_NE(signaling.token(), firstToken);
    EXPECT_NE(sockets.at(1).url.find("id=" + signaling.id() + "&"), std::string::npos);
    EXPECT_TRUE(errors.empty());

    sockets.last().open();
    sockets.last().receive(R"({"type":"ID-TAKEN","payload":{"msg":"ID is taken"}})");
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    EXPECT_EQ(signaling.errorType(), "unavailable-id");
    EXPECT_EQ(sockets.size(), 2u);
}

TEST_F(PeerjsSignalingTest, IdTakenRetrySucceeds) {
    signaling.open();
    sockets.last().open();
    sockets.last().receive(R"({"type":"ID-TAKEN","payload":{"msg":"ID is taken"}})");
    sockets.last().open();
    sockets.last().receive(R"({"type":"OPEN"})");
    EXPECT_EQ(signaling.state(), Signaling::State::Open);
}

TEST_F(PeerjsSignalingTest, UnreachableServerIsNetworkError) {
    signaling.open();
    sockets.last().serverClose(1006);
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    EXPECT_EQ(signaling.errorType(), "network");

    sockets.refuse = true; // the factory cannot even create a socket
    signaling.open();
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    EXPECT_EQ(signaling.errorType(), "network");
}

TEST_F(PeerjsSignalingTest, NoOpenWithinTimeoutFails) {
    signaling.open();
    sockets.last().open();
    scheduler.advance(Signaling::kOpenTimeoutMs);
    EXPECT_EQ(signaling.state(), Signaling::State::Failed);
    EXPECT_EQ(signaling.errorType(), "network");
    EXPECT_TRUE(sockets.last().closedByClient);
}

TEST_F(PeerjsSignalingTest, ReopenAfterFailureUsesFreshId) {
    openAndRegister();
    const std::string first = signaling.id();
    sockets.last().serverClose();
    signaling.open();
    EXPECT_NE(signaling.id(), first);
    sockets.last().open();
    sockets.last().receive(R"({"type":"OPEN"})");
    EXPECT_EQ(signaling.state(), Signaling::State::Open);
}

TEST_F(PeerjsSignalingTest, SendOnlyWhenOpen) {
    EXPECT_FALSE(signaling.send(R"({"type":"X"})"));
    signaling.open();
    EXPECT_FALSE(signaling.send(R"({"type":"X"})"));
    sockets.last().open();
    sockets.last().receive(R"({"type":"OPEN"})");
    EXPECT_TRUE(signaling.send(R"({"type":"X"})"));
    EXPECT_FALSE(signaling.send(""));
    EXPECT_EQ(sockets.last().sent, std::vector<std::string>{R"({"type":"X"})"});
}

TEST_F(PeerjsSignalingTest, RoutesBySourceAndConnectionId) {
    openAndRegister();
    std::vector<std::string> a, b;
    signaling.attach("agent1", "mc_a", [&](const peerjs::ServerMessage& m) { a.push_back(peerjs::toString(m.type)); });
    signaling.attach("agent2", "mc_b", [&](const peerjs::ServerMessage& m) { b.push_back(peerjs::toString(m.type)); });
    std::vector<std::string> unrouted;
    signaling.onUnrouted([&](const peerjs::ServerMessage& m) { unrouted.push_back(m.src + "/" + m.connectionId); });

    auto& s = sockets.last();
    s.receive(
        R"({"type":"ANSWER","src":"agent1","dst":"me","payload":{"sdp":{"type":"answer","sdp":"x"},"type":"media","connectionId":"mc_a"}})");
    s.receive(
        R"({"type":"ANSWER","src":"agent2","dst":"me","payload":{"sdp":{"type":"answer","sdp":"x"},"type":"media","connectionId":"mc_a"}})");
    s.receive(
        R"({"type":"CANDIDATE","src":"agent2","dst":"me","payload":{"candidate":{"candidate":"c","sdpMid":"0"},"type":"media","connectionId":"mc_b"}})");
    s.receive(R"({"type":"LEAVE","src":"agent1","dst":"me"})");
    s.receive(R"({"type":"EXPIRE","src":"agent2","dst":"me"})");
    s.receive(
        R"({"type":"OFFER","src":"agent3","dst":"me","payload":{"sdp":{"type":"offer","sdp":"x"},"type":"media","connectionId":"mc_z"}})");
    EXPECT_EQ(a, (std::vector<std::string>{"ANSWER", "LEAVE"}));
    EXPECT_EQ(b, (std::vector<std::string>{"CANDIDATE", "EXPIRE"}));
    EXPECT_EQ(unrouted, (std::vector<std::string>{"agent2/mc_a", "agent3/mc_z"}));
}

TEST_F(PeerjsSignalingTest, HandlerMayDetachDuringDispatch) {
    openAndRegister();
    int k2 = 0;
    int calls1 = 0, calls2 = 0;
    signaling.attach("agent1", "mc_a", [&](const peerjs::ServerMessage&) {
        ++calls1;
        signaling.detach(k2);
    });
    k2 = signaling.attach("agent1", "mc_b", [&](const peerjs::ServerMessage&) { ++calls2; });
    sockets.last().receive(R"({"type":"LEAVE","src":"agent1","dst":"me"})");
    EXPECT_EQ(calls1, 1);
    EXPECT_EQ(calls2, 0);
}

TEST_F(PeerjsSignalingTest, MalformedAndUnknownFramesAreIgnored) {
    openAndRegister();
    int routed = 0;
    signaling.attach("agent1", "mc_a", [&](const peerjs::ServerMessage&) { ++routed; });
    auto& s = sockets.last();
    for (const char* text : {"", "garbage", "[]", R"({"type":7})", R"({"type":"FOO"})", R"({"type":"INVALID-KEY"})",
                             R"({"type":"ANSWER","src":"agent1","payload":{"connectionId":"mc_a"}})",
                             R"({"type":"LEAVE"})", R"({"type":"OPEN"})"})
        s.receive(text);
    EXPECT_EQ(signaling.state(), Signaling::State::Open);
    EXPECT_EQ(routed, 0);
    EXPECT_TRUE(s.sent.empty());
}

TEST_F(PeerjsSignalingTest, CloseSendsLeaveWithDstToEveryAttachedPeer) {
    openAndRegister();
    signaling.attach("agent1", "mc_a", [](const peerjs::ServerMessage&) {});
    signaling.attach("agent1", "mc_c", [](const peerjs::ServerMessage&) {}); // one LEAVE per peer
    signaling.attach("agent2", "mc_b", [](const peerjs::ServerMessage&) {});
    const int k = signaling.attach("agent3", "mc_d", [](const peerjs::ServerMessage&) {});
    signaling.detach(k); // finished: no goodbye needed
    auto rec = sockets.records.back();
    signaling.close();
    EXPECT_EQ(J(rec->sent),
              J(std::vector<std::string>{R"({"type":"LEAVE","dst":"agent1"})", R"({"type":"LEAVE","dst":"agent2"})"}));
    for (const auto& f : rec->sent) EXPECT_NE(f.find("\"dst\":\""), std::string::npos);
}

TEST_F(PeerjsSignalingTest, CloseWithoutPeersSendsNothing) {
    openAndRegister();
    auto rec = sockets.records.back();
    signaling.close();
    EXPECT_TRUE(rec->sent.empty()); // never a bare LEAVE: it would de-register us
}

TEST_F(PeerjsSignalingTest, DestroyingWhileOpenIsSafe) {
    auto sig = std::make_unique<Signaling>(options(), scheduler, sockets.factory(), http.fn());
    sig->open();
    sockets.last().open();
    sig.reset();
    EXPECT_TRUE(sockets.last().destroyed);
    scheduler.advance(60000); // no timer may touch the dead object
}
