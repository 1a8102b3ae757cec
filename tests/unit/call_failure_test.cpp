#include "call_fakes.hpp"

#include <gtest/gtest.h>
#include "json_eq.hpp"

using kefu::test::J;

using namespace kefu;
using namespace kefu::calltest;

namespace {

class CallFailureTest : public ::testing::Test {
  protected:
    void expectFailed(CallEndReason reason) {
        EXPECT_EQ(call.state(), CallState::Failed);
        EXPECT_EQ(call.reason(), reason) << toString(call.reason());
        EXPECT_TRUE(h.released());
        EXPECT_EQ(call.localStream(), -1);
        EXPECT_EQ(call.remoteStream(), -1);
        EXPECT_EQ(h.states.back(), "failed");
    }
    void deny(bool video, const std::string& error) {
        ASSERT_TRUE(call.start(video));
        h.registerPeer();
        h.devices.deny(error);
    }

    CallHarness h;
    CallController& call = h.call;
};

using Strings = std::vector<std::string>;

} // namespace

TEST_F(CallFailureTest, PermissionDenied) {
    h.devices.micDenied = true; // the Permissions API says so: nobody is rung for it
    deny(false, "NotAllowedError");
    expectFailed(CallEndReason::PermissionDenied);
    EXPECT_FALSE(call.canFallbackToVoice());
    EXPECT_TRUE(h.http.requests.empty());
    EXPECT_EQ(h.rtc.size(), 0u);
    EXPECT_EQ(h.states, (Strings{"requesting", "failed"}));
}

TEST_F(CallFailureTest, SecurityErrorIsPermissionDenied) {
    deny(true, "SecurityError");
    expectFailed(CallEndReason::PermissionDenied);
}

TEST_F(CallFailureTest, NoCameraOffersVoiceFallback) {
    deny(true, "NotFoundError");
    expectFailed(CallEndReason::NoCamera);
    EXPECT_TRUE(call.canFallbackToVoice());
    ASSERT_TRUE(call.start(false)); // the fallback
    EXPECT_FALSE(call.canFallbackToVoice());
    EXPECT_FALSE(h.devices.requests.back().video);
}

TEST_F(CallFailureTest, StreamWithoutVideoInAVideoCallIsNoCamera) {
    call.start(true);
    const int s = h.devices.grant(true, false);
    expectFailed(CallEndReason::NoCamera);
    EXPECT_TRUE(call.canFallbackToVoice());
    EXPECT_EQ(h.devices.stopped, std::vector<int>{s});
}

TEST_F(CallFailureTest, NoMicrophone) {
    deny(false, "NotFoundError");
    expectFailed(CallEndReason::NoMicrophone);
    EXPECT_FALSE(call.canFallbackToVoice());
}

TEST_F(CallFailureTest, StreamWithoutAudioIsNoMicrophone) {
    call.start(false);
    h.devices.grant(false, false);
    expectFailed(CallEndReason::NoMicrophone);
}

TEST_F(CallFailureTest, InsecureContext) {
    deny(false, "Unsupported");
    expectFailed(CallEndReason::InsecureContext);
}

TEST_F(CallFailureTest, DeviceBusy) {
    deny(true, "NotReadableError");
    expectFailed(CallEndReason::DeviceBusy);
}

TEST_F(CallFailureTest, PeerServerUnreachable) {
    call.start(false);
    h.peerServer().serverClose(1006);
    expectFailed(CallEndReason::ServerUnreachable);
    const int late = h.devices.grant(); // the prompt answered after the failure
    EXPECT_EQ(h.devices.stopped, std::vector<int>{late});
    EXPECT_TRUE(h.released());
    EXPECT_TRUE(h.http.requests.empty());
}

TEST_F(CallFailureTest, PeerServerUnreachableAfterTheStream) {
    call.start(false);
    const int s = h.devices.grant();
    h.scheduler.advance(peerjs::Signaling::kOpenTimeoutMs); // no OPEN ever
    expectFailed(CallEndReason::ServerUnreachable);
    EXPECT_EQ(h.devices.stopped, std::vector<int>{s});
}

TEST_F(CallFailureTest, PeerServerError) {
    call.start(false);
    h.peerServer().open();
    h.peerServer().receive(R"({"type":"ERROR","payload":{"msg":"Invalid key provided"}})");
    expectFailed(CallEndReason::ServerUnreachable);
}

TEST_F(CallFailureTest, BackendUnreachable) {
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    h.answerCallpeer(0, "");
    expectFailed(CallEndReason::ServerUnreachable);
}

TEST_F(CallFailureTest, IdTakenTwice) {
    call.start(false);
    h.devices.grant();
    h.peerServer().open();
    h.peerServer().receive(R"({"type":"ID-TAKEN","payload":{"msg":"ID is taken"}})");
    EXPECT_EQ(call.state(), CallState::Requesting); // one retry with a new id
    h.peerServer().open();
    h.peerServer().receive(R"({"type":"ID-TAKEN","payload":{"msg":"ID is taken"}})");
    expectFailed(CallEndReason::IdTaken);
}

TEST_F(CallFailureTest, AgentOffline) {
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    h.answerCallpeer(503, R"({"error":{"code":"offline","message":"no agent online"}})");
    expectFailed(CallEndReason::AgentOffline);
}

TEST_F(CallFailureTest, Busy) {
    call.start(true);
    h.devices.grant(true, true);
    h.registerPeer();
    h.answerCallpeer(409, R"({"error":{"code":"conflict","message":"call in progress"}})");
    expectFailed(CallEndReason::Busy);
}

TEST_F(CallFailureTest, NoAnswerAfterThirtySeconds) {
    h.toRinging(false);
    h.scheduler.advance(29'999);
    EXPECT_EQ(call.state(), CallState::Ringing);
    h.scheduler.advance(1);
    expectFailed(CallEndReason::NoAnswer);
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"end","call_id":"c_1","outcome":"missed"})"));
}

TEST_F(CallFailureTest, ServerRingTimeoutFrame) {
    h.toRinging(false);
    call.onRemoteHangup("timeout");
    expectFailed(CallEndReason::NoAnswer);
}

TEST_F(CallFailureTest, Rejected) {
    h.toRinging(true);
    call.onReject("rejected");
    expectFailed(CallEndReason::Rejected);
    EXPECT_EQ(h.states, (Strings{"requesting", "ringing", "failed"}));
}

TEST_F(CallFailureTest, RejectedBecauseBusyOrOffline) {
    h.toRinging(false);
    call.onReject("busy");
    expectFailed(CallEndReason::Busy);
    call.start(false);
    h.devices.grant();
    h.answerCallpeer(); // first request already answered: this answers the first one again (no-op)
    h.http.respondLast(200, R"({"ok":true,"callId":"c_2"})");
    call.onReject("offline");
    expectFailed(CallEndReason::AgentOffline);
}

TEST_F(CallFailureTest, AgentUnreachableThroughExpire) {
    h.toConnecting(false);
    h.pc().negotiate();
    h.scheduler.advance(5000);
    h.peerServer().receive(R"({"type":"EXPIRE","src":"agent1","dst":"me"})");
    expectFailed(CallEndReason::AgentUnreachable);
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"end","call_id":"c_1","outcome":"failed"})"));
}

TEST_F(CallFailureTest, InvalidAgentPeerIdIsUnreachable) {
    h.toRinging(false);
    call.onAccept("not a/valid id");
    expectFailed(CallEndReason::AgentUnreachable);
    // The connection prepared while ringing is closed, and nothing was offered to anyone.
    ASSERT_EQ(h.rtc.size(), 1u);
    EXPECT_TRUE(h.pc().closed);
    for (const auto& frame : h.peerServer().sent) EXPECT_EQ(frame.find("OFFER"), std::string::npos);
}

TEST_F(CallFailureTest, IceFailedInCallIsConnectionLostOnceRecoveryGivesUp) {
    h.toInCall(false);
    h.scheduler.advance(42'000);
    h.pc().pc->emitIceConnectionState("failed");
    EXPECT_EQ(call.state(), CallState::InCall); // re-dialling (call_recover_test.cpp)
    EXPECT_TRUE(call.reconnecting());
    h.scheduler.advance(29'999);
    EXPECT_EQ(call.state(), CallState::InCall);
    h.scheduler.advance(1);
    expectFailed(CallEndReason::ConnectionLost);
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"end","call_id":"c_1","outcome":"failed","duration":72})"));
    EXPECT_EQ(call.elapsedSeconds(), 72);
}

TEST_F(CallFailureTest, DisconnectedTooLongIsConnectionLost) {
    h.toInCall(true);
    h.pc().pc->emitIceConnectionState("disconnected");
    h.scheduler.advance(29'000);
    EXPECT_EQ(call.state(), CallState::InCall);
    h.scheduler.advance(1'000);
    expectFailed(CallEndReason::ConnectionLost);
}

TEST_F(CallFailureTest, NeverConnectingTimesOut) {
    h.toConnecting(false);
    h.agentAnswers();
    h.pc().pc->emitIceConnectionState("checking");
    h.scheduler.advance(19'999);
    EXPECT_EQ(call.state(), CallState::Connecting);
    h.scheduler.advance(1);
    expectFailed(CallEndReason::ConnectionLost);
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"end","call_id":"c_1","outcome":"failed"})"));
}

TEST_F(CallFailureTest, NoWebRtcInTheBrowser) {
    h.rtc.unavailable = true;
    h.toConnecting(false);
    expectFailed(CallEndReason::ConnectionLost);
}

TEST_F(CallFailureTest, RemoteHangupThroughLeave) {
    h.toInCall(false);
    h.peerServer().receive(R"({"type":"LEAVE","src":"agent1","dst":"me"})");
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(call.reason(), CallEndReason::HungUpRemote);
    EXPECT_TRUE(h.released());
}

TEST_F(CallFailureTest, RemoteHangupThroughDataChannel) {
    h.toInCall(false);
    h.pc().pc->emitDataChannelOpen();
    h.pc().pc->emitDataChannelClose();
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(call.reason(), CallEndReason::HungUpRemote);
    EXPECT_TRUE(h.released());
}

// A stock-peerjs agent ends a call by closing its media connection, without the chat `hangup` frame:
// the server must hear of it, or it keeps the call running and every later call is `busy`.
TEST_F(CallFailureTest, RemoteCloseIsReportedToTheServer) {
    h.toInCall(false);
    h.scheduler.advance(5000);
    h.pc().pc->emitDataChannelOpen();
    h.pc().pc->emitDataChannelClose();
    EXPECT_EQ(call.reason(), CallEndReason::HungUpRemote);
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"hangup","call_id":"c_1","duration":5})"));
}

TEST_F(CallFailureTest, RemoteLeaveIsReportedToTheServer) {
    h.toInCall(false);
    h.peerServer().receive(R"({"type":"LEAVE","src":"agent1","dst":"me"})");
    EXPECT_EQ(call.reason(), CallEndReason::HungUpRemote);
    EXPECT_TRUE(h.posted(R"({"action":"hangup","call_id":"c_1","duration":0})"));
}

TEST_F(CallFailureTest, RemoteHangupThroughChatFrame) {
    h.toInCall(true);
    call.onRemoteHangup("agent");
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(call.reason(), CallEndReason::HungUpRemote);
    EXPECT_TRUE(h.released());
    EXPECT_EQ(J(h.peerServer().sent.back()), J(R"({"type":"LEAVE","dst":"agent1"})"));
}

TEST_F(CallFailureTest, SignalingLostBeforeTheAnswer) {
    h.toConnecting(false);
    h.pc().negotiate();
    h.peerServer().serverClose(); // first loss: register again and offer again
    EXPECT_EQ(call.state(), CallState::Connecting);
    EXPECT_TRUE(h.rtc.records[0]->closed);
    h.registerPeer();
    ASSERT_EQ(h.rtc.size(), 2u);
    h.pc().negotiate();
    h.peerServer().serverClose(); // second loss: give up
    expectFailed(CallEndReason::ServerUnreachable);
}

TEST_F(CallFailureTest, EveryTerminalPathLeavesNothingBehind) {
    // A sample of exits from each state; the fixture checks the devices and the peer connections.
    struct Case {
        const char* name;
        std::function<void(CallHarness&)> run;
    };
    const std::vector<Case> cases = {
        {"cancel-requesting",
         [](CallHarness& x) {
             x.call.start(true);
             x.devices.grant(true, true);
             x.call.hangup();
         }},
        {"reject",
         [](CallHarness& x) {
             x.toRinging(true);
             x.call.onReject();
         }},
        {"no-answer",
         [](CallHarness& x) {
             x.toRinging(true);
             x.scheduler.advance(30'000);
         }},
        {"expire",
         [](CallHarness& x) {
             x.toConnecting(true);
             x.pc().negotiate();
             x.peerServer().receive(R"({"type":"EXPIRE","src":"agent1","dst":"me"})");
         }},
        {"connect-timeout",
         [](CallHarness& x) {
             x.toConnecting(true);
             x.scheduler.advance(20'000);
         }},
        {"hangup-in-call",
         [](CallHarness& x) {
             x.toInCall(true);
             x.call.hangup();
         }},
        {"ice-failed",
         [](CallHarness& x) {
             x.toInCall(true);
             x.pc().pc->emitIceConnectionState("failed");
             x.scheduler.advance(30'000); // recovery gives up
         }},
        {"remote-leave",
         [](CallHarness& x) {
             x.toInCall(true);
             x.peerServer().receive(R"({"type":"LEAVE","src":"agent1","dst":"me"})");
         }},
        {"shutdown",
         [](CallHarness& x) {
             x.toInCall(true);
             x.call.shutdown();
         }},
    };
    for (const auto& c : cases) {
        CallHarness x;
        c.run(x);
        EXPECT_FALSE(x.call.isActive()) << c.name;
        EXPECT_TRUE(x.released()) << c.name;
        EXPECT_FALSE(x.devices.stopped.empty()) << c.name;
        x.scheduler.advance(120'000); // no stray timer changes the outcome
        EXPECT_FALSE(x.call.isActive()) << c.name;
    }
}
