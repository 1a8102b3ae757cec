// Switching a call in progress between voice and video: a second connection to the same agent peer, the
// first one kept until the second is connected, then dropped without a LEAVE.
#include "call_fakes.hpp"

#include <gtest/gtest.h>

using namespace kefu;
using namespace kefu::calltest;

namespace {

class CallSwitchTest : public ::testing::Test {
  protected:
    // The agent answers the newest offer; its connection then connects.
    void answerNewest(bool connect = true) {
        h.pc().negotiate();
        h.answerOffer(h.pc(), CallHarness::kAgentPeer, connect);
    }
    std::vector<nlohmann::json> offers() const { return h.sentOfType("OFFER"); }
    std::size_t leaves() const { return h.countSent(R"({"type":"LEAVE","dst":"agent1"})"); }

    CallHarness h;
    CallController& call = h.call;
    std::vector<std::pair<int, bool>> remotes;
};

} // namespace

TEST_F(CallSwitchTest, VoiceToVideoAndBack) {
    call.onRemoteStream([&](int handle, bool video) { remotes.emplace_back(handle, video); });
    h.toInCall(false);
    const int voiceStream = call.localStream();
    h.scheduler.advance(12'000);
    ASSERT_TRUE(call.switchMedia(true));
    EXPECT_TRUE(call.switching());
    EXPECT_FALSE(call.switchMedia(true)); // one at a time
    ASSERT_EQ(h.devices.requests.size(), 2u);
    EXPECT_TRUE(h.devices.requests[1].video);
    const int videoStream = h.devices.grant(true, true);
    ASSERT_EQ(h.rtc.size(), 2u);
    PcRecord& first = *h.rtc.records[0];
    h.pc().negotiate();
    const auto o = offers();
    ASSERT_EQ(o.size(), 2u);
    EXPECT_EQ(o[1]["dst"], "agent1");
    EXPECT_EQ(o[1]["payload"]["metadata"]["callId"], "c_1");
    EXPECT_EQ(o[1]["payload"]["metadata"]["video"], true);
    EXPECT_FALSE(call.isVideo()); // still a voice call until the new connection is up
    EXPECT_FALSE(first.closed);

    answerNewest(false);
    h.pc().pc->emitRemoteTrack(MediaKind::Audio, 95);
    h.pc().pc->emitRemoteTrack(MediaKind::Video, 95);
    EXPECT_FALSE(first.closed);
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_FALSE(call.switching());
    EXPECT_TRUE(call.isVideo());
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_EQ(call.localStream(), videoStream);
    EXPECT_EQ(call.remoteStream(), 95);
    EXPECT_TRUE(call.remoteHasVideo());
    EXPECT_EQ(remotes.back(), std::make_pair(95, true));
    h.scheduler.runPending();
    EXPECT_TRUE(first.closed);
    EXPECT_EQ(leaves(), 0u); // a LEAVE would have closed the new connection at the agent too
    EXPECT_EQ(h.devices.stopped, std::vector<int>{voiceStream});
    EXPECT_EQ(h.postedBodies().back(), R"({"action":"switch","call_id":"c_1","video":true})");
    EXPECT_EQ(call.elapsedSeconds(), 12); // the same call, the same clock
    EXPECT_TRUE(call.setCameraEnabled(false));

    ASSERT_TRUE(call.switchMedia(false));
    EXPECT_FALSE(h.devices.requests.back().video);
    h.devices.grant(true, false);
    h.pc().negotiate();
    EXPECT_EQ(offers().back()["payload"]["metadata"]["video"], false);
    answerNewest(false);
    h.pc().pc->emitRemoteTrack(MediaKind::Audio, 96);
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_FALSE(call.isVideo());
    EXPECT_FALSE(call.remoteHasVideo());
    EXPECT_TRUE(call.cameraEnabled());
    EXPECT_EQ(remotes.back(), std::make_pair(96, false));
    EXPECT_EQ(h.states, (std::vector<std::string>{"requesting", "ringing", "connecting", "in-call"}));

    call.hangup();
    EXPECT_TRUE(h.released());
}

TEST_F(CallSwitchTest, RefusedOutsideACallOrToTheSameKind) {
    EXPECT_FALSE(call.switchMedia(true));
    h.toRinging(false);
    EXPECT_FALSE(call.switchMedia(true));
    call.onAccept("agent1");
    h.agentAnswers();
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_FALSE(call.switchMedia(false));
    EXPECT_TRUE(call.switchMedia(true));
}

TEST_F(CallSwitchTest, NoCameraKeepsTheVoiceCall) {
    h.toInCall(false);
    ASSERT_TRUE(call.switchMedia(true));
    h.devices.deny("NotFoundError");
    EXPECT_FALSE(call.switching());
    EXPECT_EQ(call.switchError(), CallEndReason::NoCamera);
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_FALSE(call.isVideo());
    EXPECT_EQ(h.rtc.size(), 1u);
}

TEST_F(CallSwitchTest, AStreamWithoutCameraIsReleased) {
    h.toInCall(false);
    ASSERT_TRUE(call.switchMedia(true));
    const int s = h.devices.grant(true, false);
    EXPECT_EQ(call.switchError(), CallEndReason::NoCamera);
    EXPECT_EQ(h.devices.live.count(s), 0u);
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(CallSwitchTest, PermissionDeniedKeepsTheCall) {
    h.toInCall(false);
    ASSERT_TRUE(call.switchMedia(true));
    h.devices.deny("NotAllowedError");
    EXPECT_EQ(call.switchError(), CallEndReason::PermissionDenied);
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(CallSwitchTest, ANewConnectionThatNeverConnectsIsDroppedAndTheCallGoesOn) {
    h.toInCall(false);
    PcRecord& first = h.pc();
    ASSERT_TRUE(call.switchMedia(true));
    const int s = h.devices.grant(true, true);
    h.pc().negotiate();
    h.scheduler.advance(29'000);
    EXPECT_TRUE(call.switching()); // the agent has as long as a ring to agree to video
    h.scheduler.advance(1'000);
    EXPECT_FALSE(call.switching());
    EXPECT_EQ(call.switchError(), CallEndReason::ConnectionLost);
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_FALSE(first.closed);
    h.scheduler.runPending();
    EXPECT_TRUE(h.rtc.last().closed);
    EXPECT_EQ(h.devices.live.count(s), 0u);
    EXPECT_EQ(leaves(), 0u);
}

TEST_F(CallSwitchTest, TheOldConnectionClosingFirstIsNotTheEnd) {
    h.toInCall(false);
    PcRecord& first = h.pc();
    ASSERT_TRUE(call.switchMedia(true));
    h.devices.grant(true, true);
    answerNewest(false);
    first.pc->emitDataChannelOpen();
    first.pc->emitDataChannelClose(); // the console dropped the old connection once the new one answered
    EXPECT_EQ(call.state(), CallState::InCall);
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_TRUE(call.isVideo());
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(CallSwitchTest, BothConnectionsLostEndsTheCall) {
    h.toInCall(false);
    PcRecord& first = h.pc();
    ASSERT_TRUE(call.switchMedia(true));
    h.devices.grant(true, true);
    h.pc().negotiate();
    first.pc->emitIceConnectionState("failed");
    EXPECT_EQ(call.state(), CallState::InCall);
    h.peerServer().receive(R"({"type":"EXPIRE","src":"agent1","dst":"me"})");
    EXPECT_EQ(call.state(), CallState::Failed);
    EXPECT_EQ(call.reason(), CallEndReason::ConnectionLost);
    EXPECT_TRUE(h.released());
}

TEST_F(CallSwitchTest, HangingUpMidSwitchReleasesBothStreams) {
    h.toInCall(false);
    ASSERT_TRUE(call.switchMedia(true));
    h.devices.grant(true, true);
    h.pc().negotiate();
    call.hangup();
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_TRUE(h.released());
    EXPECT_GE(leaves(), 1u);
}

TEST_F(CallSwitchTest, AStreamArrivingAfterTheCallEndedIsStopped) {
    h.toInCall(false);
    ASSERT_TRUE(call.switchMedia(true));
    call.onRemoteHangup("agent");
    const int s = h.devices.grant(true, true);
    EXPECT_EQ(h.devices.live.count(s), 0u);
    EXPECT_TRUE(h.released());
}

TEST_F(CallSwitchTest, MuteCarriesOverToTheNewStream) {
    h.toInCall(false);
    call.setMuted(true);
    ASSERT_TRUE(call.switchMedia(true));
    const int s = h.devices.grant(true, true);
    EXPECT_EQ(h.devices.toggles.back(), std::to_string(s) + ":audio:off");
}

TEST_F(CallSwitchTest, TheAgentDecliningVideoKeepsTheVoiceCall) {
    h.toInCall(false);
    PcRecord& first = h.pc();
    ASSERT_TRUE(call.switchMedia(true));
    const int s = h.devices.grant(true, true);
    h.pc().negotiate();
    call.onSwitchDeclined();
    EXPECT_FALSE(call.switching());
    EXPECT_EQ(call.switchError(), CallEndReason::Rejected);
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_FALSE(call.isVideo());
    EXPECT_FALSE(first.closed);
    EXPECT_EQ(h.devices.live.count(s), 0u); // the visitor's camera is off again
    EXPECT_EQ(leaves(), 0u);
    call.onSwitchDeclined(); // a late second word changes nothing
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(CallSwitchTest, BackToVoiceGivesUpAfterTheConnectTimeout) {
    h.toInCall(true);
    ASSERT_TRUE(call.switchMedia(false));
    h.devices.grant(true, false);
    h.pc().negotiate();
    h.scheduler.advance(20'000);
    EXPECT_FALSE(call.switching());
    EXPECT_TRUE(call.isVideo());
    EXPECT_EQ(call.state(), CallState::InCall);
}

// ---- two connections with one peer: nothing may take the live one down ----

TEST_F(CallSwitchTest, AFailingNewConnectionSendsNoLeaveAndTheCallGoesOn) {
    h.toInCall(false);
    PcRecord& first = h.pc();
    ASSERT_TRUE(call.switchMedia(true));
    h.devices.grant(true, true);
    answerNewest(false);
    h.pc().pc->emitIceConnectionState("failed"); // the new path fails; the old one is fine
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_EQ(call.switchError(), CallEndReason::ConnectionLost);
    EXPECT_FALSE(first.closed);
    EXPECT_EQ(leaves(), 0u); // a LEAVE would make the console close the running call too

    h.pc().pc->emitIceConnectionState("disconnected"); // late events of the dropped one change nothing
    h.scheduler.advance(5'000);
    EXPECT_EQ(leaves(), 0u);
    first.pc->emitIceConnectionState("failed"); // the call's own connection failing: recovery, no LEAVE
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_TRUE(call.reconnecting());
    EXPECT_EQ(leaves(), 0u);
}

TEST_F(CallSwitchTest, ANewConnectionDisconnectedTooLongSendsNoLeave) {
    h.toInCall(false);
    ASSERT_TRUE(call.switchMedia(true));
    h.devices.grant(true, true);
    answerNewest(false);
    h.pc().pc->emitIceConnectionState("disconnected");
    h.scheduler.advance(5'000);
    EXPECT_EQ(leaves(), 0u);
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(CallSwitchTest, MutePressedDuringTheSwitchReachesTheNewMicrophone) {
    h.toInCall(false);
    ASSERT_TRUE(call.switchMedia(true));
    const int s = h.devices.grant(true, true);
    ASSERT_TRUE(call.setMuted(true)); // pressed while the bar says "switching…"
    answerNewest(true);
    ASSERT_EQ(call.localStream(), s);
    EXPECT_EQ(h.devices.toggles.back(), std::to_string(s) + ":audio:off");
}

TEST_F(CallSwitchTest, NotBeforeTheMicrophoneIsGranted) {
    h.devices.micAllowed = true; // fast ring: the agent may answer before the grant
    call.prepare();
    h.registerPeer();
    call.start(false);
    h.pc().negotiate();
    h.answerCallpeer(200, R"({"ok":true,"callId":"c_1","peer":"agent1"})");
    answerNewest(true);
    call.onAccept("agent1");
    ASSERT_EQ(call.state(), CallState::InCall);
    EXPECT_FALSE(call.switchMedia(true));
    h.devices.grant();
    EXPECT_TRUE(call.switchMedia(true));
}
