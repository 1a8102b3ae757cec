#include "call_fakes.hpp"

#include <gtest/gtest.h>
#include "json_eq.hpp"

using kefu::test::J;

using namespace kefu;
using namespace kefu::calltest;

namespace {

class CallFlowTest : public ::testing::Test {
  protected:
    CallHarness h;
    CallController& call = h.call;
};

using Strings = std::vector<std::string>;

} // namespace

TEST(CallNames, StatesAndReasons) {
    EXPECT_STREQ(toString(CallState::Idle), "idle");
    EXPECT_STREQ(toString(CallState::Requesting), "requesting");
    EXPECT_STREQ(toString(CallState::Ringing), "ringing");
    EXPECT_STREQ(toString(CallState::Connecting), "connecting");
    EXPECT_STREQ(toString(CallState::InCall), "in-call");
    EXPECT_STREQ(toString(CallState::Ended), "ended");
    EXPECT_STREQ(toString(CallState::Failed), "failed");
    EXPECT_STREQ(toString(CallEndReason::PermissionDenied), "permission-denied");
    EXPECT_STREQ(toString(CallEndReason::NoCamera), "no-camera");
    EXPECT_STREQ(toString(CallEndReason::AgentOffline), "agent-offline");
    EXPECT_STREQ(toString(CallEndReason::ConnectionLost), "connection-lost");
    EXPECT_STREQ(toString(CallEndReason::HungUpRemote), "hangup-remote");
}

TEST_F(CallFlowTest, VoiceHappyPath) {
    EXPECT_EQ(call.state(), CallState::Idle);
    ASSERT_TRUE(call.start(false));
    EXPECT_EQ(call.state(), CallState::Requesting);
    ASSERT_EQ(h.devices.requests.size(), 1u);
    EXPECT_TRUE(h.devices.requests[0].audio);
    EXPECT_FALSE(h.devices.requests[0].video);
    ASSERT_EQ(h.sockets.size(), 1u); // registration runs in parallel with the prompt
    EXPECT_EQ(h.peerServer().url.rfind("ws://peer.test:9000/peerjs/peerjs?key=peerjs&id=kefu", 0), 0u);

    const int local = h.devices.grant(true, false);
    EXPECT_EQ(call.localStream(), local);
    EXPECT_TRUE(h.http.requests.empty()); // waits for OPEN
    h.registerPeer();
    ASSERT_EQ(h.http.requests.size(), 1u);
    const auto& req = h.http.requests[0];
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.url, "https://kefu.test/2/callKefu");
    EXPECT_EQ(req.bearer, "vtok");
    EXPECT_EQ(J(req.body), J(R"({"action":"callpeer","kefu_id":"kefu1","visitor_id":"v_1","video":false,"peer_id":")" +
                             call.signaling().id() + R"("})"));

    h.answerCallpeer();
    EXPECT_EQ(call.state(), CallState::Ringing);
    EXPECT_EQ(call.callId(), "c_1");

    call.onAccept("agent1");
    EXPECT_EQ(call.state(), CallState::Connecting);
    ASSERT_EQ(h.rtc.size(), 1u);
    EXPECT_EQ(h.pc().iceServers, R"([{"urls":"stun:stun.test:3478"}])");
    EXPECT_EQ(h.pc().ops, (Strings{"addSendSlots:audio", "createDataChannel:kefu:unordered", "createOffer",
                                   "fillSendSlots:" + std::to_string(local)}));
    h.agentAnswers();
    const auto offer = nlohmann::json::parse(h.peerServer().sent.at(0));
    EXPECT_EQ(offer["type"], "OFFER");
    EXPECT_EQ(offer["dst"], "agent1");
    EXPECT_EQ(offer["payload"]["metadata"],
              nlohmann::json::parse(R"({"video":false,"visitorId":"v_1","name":"Ann","callId":"c_1","resumes":true})"));
    EXPECT_EQ(call.state(), CallState::Connecting); // answered is not yet connected

    h.pc().pc->emitRemoteTrack(MediaKind::Audio, 90);
    EXPECT_EQ(call.remoteStream(), 90);
    EXPECT_FALSE(call.remoteHasVideo());
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_EQ(call.elapsedSeconds(), 0);
    h.scheduler.advance(65'400);
    EXPECT_EQ(call.elapsedSeconds(), 65);

    call.hangup();
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(call.reason(), CallEndReason::HungUpLocal);
    EXPECT_EQ(h.states, (Strings{"requesting", "ringing", "connecting", "in-call", "ended"}));
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"hangup","call_id":"c_1","duration":65})"));
    EXPECT_EQ(J(h.peerServer().sent.back()), J(R"({"type":"LEAVE","dst":"agent1"})"));
    EXPECT_EQ(h.devices.stopped, std::vector<int>{local});
    EXPECT_TRUE(h.released());
    EXPECT_EQ(call.localStream(), -1);
    EXPECT_EQ(call.remoteStream(), -1);
    h.scheduler.advance(10'000);
    EXPECT_EQ(call.elapsedSeconds(), 65); // frozen
}

TEST_F(CallFlowTest, VideoHappyPath) {
    std::vector<std::pair<int, bool>> remote;
    call.onRemoteStream([&](int handle, bool video) { remote.emplace_back(handle, video); });
    ASSERT_TRUE(call.start(true));
    EXPECT_TRUE(call.isVideo());
    EXPECT_TRUE(h.devices.requests[0].video);
    const int local = h.devices.grant(true, true);
    h.registerPeer();
    EXPECT_NE(h.http.requests[0].body.find(R"("video":true)"), std::string::npos);
    h.answerCallpeer();
    call.onAccept("agent1");
    // Audio and video tracks go out with their stream; nothing needs a recvonly transceiver.
    EXPECT_EQ(h.pc().ops, (Strings{"addSendSlots:audio+video", "createDataChannel:kefu:unordered", "createOffer",
                                   "fillSendSlots:" + std::to_string(local)}));
    h.agentAnswers();
    h.pc().pc->emitRemoteTrack(MediaKind::Audio, 91);
    h.pc().pc->emitRemoteTrack(MediaKind::Video, 91);
    EXPECT_EQ(remote, (std::vector<std::pair<int, bool>>{{91, false}, {91, true}}));
    EXPECT_TRUE(call.remoteHasVideo());
    h.pc().pc->emitIceConnectionState("completed");
    EXPECT_EQ(call.state(), CallState::InCall);

    call.onRemoteHangup("agent");
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(call.reason(), CallEndReason::HungUpRemote);
    EXPECT_EQ(h.states, (Strings{"requesting", "ringing", "connecting", "in-call", "ended"}));
    EXPECT_TRUE(h.released());
}

TEST_F(CallFlowTest, PreRegisteredSignalingIsReusedAcrossCalls) {
    call.prepare();
    h.registerPeer();
    const std::string id = call.signaling().id();
    ASSERT_TRUE(call.start(false));
    h.devices.grant();
    EXPECT_EQ(h.callpeerIndex(), 0); // no wait for the PeerJS server
    h.answerCallpeer();
    call.hangup();
    EXPECT_EQ(call.reason(), CallEndReason::Cancelled);

    ASSERT_TRUE(call.start(true));
    h.devices.grant(true, true);
    EXPECT_EQ(h.sockets.size(), 1u);
    EXPECT_EQ(call.signaling().id(), id);
    EXPECT_EQ(h.http.requests.back().body.find(R"("action":"callpeer")") != std::string::npos, true);
    EXPECT_EQ(call.state(), CallState::Requesting);
}

TEST_F(CallFlowTest, SecondStartDuringACallIsANoOp) {
    h.toInCall(false);
    const auto gumRequests = h.devices.requests.size();
    const auto posts = h.http.requests.size();
    EXPECT_FALSE(call.start(true));
    EXPECT_FALSE(call.start(false));
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_FALSE(call.isVideo());
    EXPECT_EQ(h.devices.requests.size(), gumRequests);
    EXPECT_EQ(h.http.requests.size(), posts);
    EXPECT_EQ(h.rtc.size(), 1u);
    EXPECT_FALSE(h.pc().closed);
}

TEST_F(CallFlowTest, SecondStartIsANoOpInEveryActiveState) {
    call.start(false);
    EXPECT_FALSE(call.start(false)); // requesting
    h.devices.grant();
    h.registerPeer();
    h.answerCallpeer();
    EXPECT_FALSE(call.start(true)); // ringing
    call.onAccept("agent1");
    EXPECT_FALSE(call.start(true)); // connecting
    EXPECT_EQ(h.devices.requests.size(), 1u);
    EXPECT_EQ(h.rtc.size(), 1u);
}

TEST_F(CallFlowTest, CallAgainAfterTheEnd) {
    h.toInCall(false);
    call.hangup();
    ASSERT_TRUE(call.start(false));
    EXPECT_EQ(call.state(), CallState::Requesting);
    EXPECT_EQ(call.callId(), "");
    EXPECT_EQ(call.elapsedSeconds(), 0);
}

TEST_F(CallFlowTest, AcceptMayOvertakeTheCallpeerResponse) {
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    call.onAccept("agent1"); // chat socket faster than the HTTP answer
    EXPECT_EQ(call.state(), CallState::Requesting);
    h.answerCallpeer();
    EXPECT_EQ(call.state(), CallState::Connecting);
    EXPECT_EQ(h.states, (Strings{"requesting", "ringing", "connecting"}));
    EXPECT_EQ(h.rtc.size(), 1u);
}

TEST_F(CallFlowTest, AcceptOutsideACallIsIgnored) {
    call.onAccept("agent1");
    call.onReject("rejected");
    call.onRemoteHangup("agent");
    EXPECT_EQ(call.state(), CallState::Idle);
    EXPECT_TRUE(h.states.empty());
    call.start(false); // prompt still open: nothing was requested from the backend yet
    call.onAccept("agent1");
    call.onRemoteHangup("agent");
    EXPECT_EQ(call.state(), CallState::Requesting);
}

TEST_F(CallFlowTest, MuteAndCameraReachTheDevices) {
    EXPECT_FALSE(call.setMuted(true)); // no call
    h.toInCall(true);
    const int local = call.localStream();
    const std::string l = std::to_string(local);
    EXPECT_TRUE(call.setMuted(true));
    EXPECT_TRUE(call.muted());
    EXPECT_TRUE(call.setCameraEnabled(false));
    EXPECT_FALSE(call.cameraEnabled());
    EXPECT_TRUE(call.setMuted(false));
    EXPECT_TRUE(call.setCameraEnabled(true));
    EXPECT_EQ(h.devices.toggles, (Strings{l + ":audio:off", l + ":video:off", l + ":audio:on", l + ":video:on"}));
}

TEST_F(CallFlowTest, CameraToggleIsRefusedInVoiceCalls) {
    h.toInCall(false);
    EXPECT_FALSE(call.setCameraEnabled(false));
    EXPECT_TRUE(h.devices.toggles.empty());
}

TEST_F(CallFlowTest, MuteBeforeTheStreamArrivesIsApplied) {
    call.start(false);
    EXPECT_TRUE(call.setMuted(true));
    EXPECT_TRUE(h.devices.toggles.empty());
    const int local = h.devices.grant();
    EXPECT_EQ(h.devices.toggles, Strings{std::to_string(local) + ":audio:off"});
}

TEST_F(CallFlowTest, CancelWhileThePromptIsOpenReleasesTheLateStream) {
    call.start(true);
    call.hangup();
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(call.reason(), CallEndReason::Cancelled);
    const int late = h.devices.grant(true, true);
    EXPECT_EQ(h.devices.stopped, std::vector<int>{late});
    EXPECT_TRUE(h.released());
    h.registerPeer();
    EXPECT_TRUE(h.http.requests.empty()); // never asked the backend
}

TEST_F(CallFlowTest, CancelWhileRinging) {
    h.toRinging(false);
    call.hangup();
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(call.reason(), CallEndReason::Cancelled);
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"cancel","call_id":"c_1"})"));
    EXPECT_TRUE(h.released());
    ASSERT_EQ(h.rtc.size(), 1u); // prepared while ringing, closed with the call
    EXPECT_TRUE(h.pc().closed);
    h.scheduler.advance(60'000); // the ring timer is gone
    EXPECT_EQ(h.postedBodies().size(), 2u);
}

TEST_F(CallFlowTest, CancelWhileCallpeerIsInFlightCancelsOnTheServerToo) {
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    call.hangup();
    EXPECT_EQ(call.reason(), CallEndReason::Cancelled);
    EXPECT_EQ(h.postedBodies().size(), 1u);
    h.answerCallpeer(); // the agents are ringing now
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"cancel","call_id":"c_1"})"));
    EXPECT_EQ(call.state(), CallState::Ended);
}

TEST_F(CallFlowTest, HangupWhileConnecting) {
    h.toConnecting(false);
    h.pc().negotiate(); // offer out
    call.hangup();
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(call.reason(), CallEndReason::HungUpLocal);
    EXPECT_EQ(J(h.peerServer().sent.back()), J(R"({"type":"LEAVE","dst":"agent1"})"));
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"hangup","call_id":"c_1","duration":0})"));
    EXPECT_TRUE(h.released());
}

TEST_F(CallFlowTest, ShutdownEndsTheCallEverywhere) {
    h.toInCall(true);
    h.scheduler.advance(3000);
    call.shutdown();
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"hangup","call_id":"c_1","duration":3})"));
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u); // once, from the hang-up
    EXPECT_EQ(call.signaling().state(), peerjs::Signaling::State::Closed);
    EXPECT_TRUE(h.peerServer().closedByClient);
    EXPECT_TRUE(h.released());
}

TEST_F(CallFlowTest, ShutdownWhileIdleJustLeaves) {
    call.prepare();
    h.registerPeer();
    call.shutdown();
    EXPECT_EQ(call.state(), CallState::Idle);
    EXPECT_TRUE(h.http.requests.empty());
    EXPECT_TRUE(h.peerServer().closedByClient);
}

TEST_F(CallFlowTest, SignalingLossWhileRingingReRegisters) {
    h.toRinging(false);
    h.peerServer().serverClose();
    EXPECT_EQ(call.state(), CallState::Ringing);
    ASSERT_EQ(h.sockets.size(), 2u);
    call.onAccept("agent1"); // arrives while the new registration is pending
    EXPECT_EQ(call.state(), CallState::Connecting);
    h.pc().negotiate(); // the offer made while ringing is ready, but has nowhere to go yet
    EXPECT_TRUE(h.peerServer().sent.empty());
    h.registerPeer();
    ASSERT_EQ(h.rtc.size(), 1u); // the prepared connection is the one dialled
    h.agentAnswers();
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(CallFlowTest, SignalingLossInCallDoesNotEndIt) {
    h.toInCall(false);
    h.peerServer().serverClose();
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_FALSE(h.pc().closed);
}

TEST_F(CallFlowTest, StateCallbackMayStartAnotherCall) {
    // The UI may offer "voice instead" right from the failure callback.
    bool retried = false;
    call.onStateChange([&](CallState s, CallEndReason r) {
        if (s == CallState::Failed && r == CallEndReason::NoCamera && !retried) {
            retried = true;
            EXPECT_TRUE(call.start(false));
        }
    });
    call.start(true);
    h.devices.deny("NotFoundError");
    EXPECT_TRUE(retried);
    EXPECT_EQ(call.state(), CallState::Requesting);
    EXPECT_FALSE(call.isVideo());
    EXPECT_EQ(h.devices.requests.size(), 2u);
}

TEST_F(CallFlowTest, DestroyingMidCallReleasesEverything) {
    auto c = std::make_unique<CallController>(CallHarness::config(), h.scheduler, h.sockets.factory(), h.http.fn(),
                                              h.devices, h.rtc.factory());
    c->start(true);
    h.devices.grant(true, true);
    h.registerPeer();
    h.http.respondLast(200, R"({"ok":true,"callId":"c_9"})");
    c->onAccept("agent1");
    c.reset();
    EXPECT_TRUE(h.released());
    h.pc().negotiate(); // late browser callbacks
    h.scheduler.advance(60'000);
}

TEST_F(CallFlowTest, TheOfferIsMadeWhileRingingAndSentTheMomentTheAgentAccepts) {
    h.toRinging(false);
    ASSERT_EQ(h.rtc.size(), 1u);
    h.pc().negotiate(); // createOffer + setLocalDescription finish while the agent's phone rings
    h.pc().pc->emitLocalCandidate(
        R"({"candidate":"candidate:1 1 udp 1 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0})");
    EXPECT_TRUE(h.peerServer().sent.empty()); // nobody to send it to yet
    call.onAccept("agent1");
    ASSERT_GE(h.peerServer().sent.size(), 2u); // no round trip to the browser: OFFER, then the early candidate
    const auto offer = nlohmann::json::parse(h.peerServer().sent.at(0));
    EXPECT_EQ(offer["type"], "OFFER");
    EXPECT_EQ(offer["dst"], "agent1");
    EXPECT_EQ(offer["payload"]["metadata"]["callId"], "c_1");
    EXPECT_EQ(nlohmann::json::parse(h.peerServer().sent.at(1))["type"], "CANDIDATE");
}
