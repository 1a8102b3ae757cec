// The connection made ahead: after prepare(), the next voice call's RTCPeerConnection and its offer exist
// before the click, without any network activity, and the click only sets the offer and fills in the
// microphone.
#include "call_fakes.hpp"

#include <gtest/gtest.h>

using namespace kefu;
using namespace kefu::calltest;

namespace {

using Strings = std::vector<std::string>;

class CallWarmTest : public ::testing::Test {
  protected:
    void prepared() {
        call.prepare();
        h.registerPeer();
        h.scheduler.advance(250);
        ASSERT_EQ(h.rtc.size(), 1u);
        h.pc().resolveOffer();
    }
    std::size_t offersSent() const { return h.sentOfType("OFFER").size(); }

    CallHarness h;
    CallController& call = h.call;
};

} // namespace

TEST_F(CallWarmTest, TheOfferIsMadeBeforeTheClickButNotSet) {
    call.prepare();
    EXPECT_EQ(h.rtc.size(), 0u); // not during the panel's first frames
    h.scheduler.advance(250);
    ASSERT_EQ(h.rtc.size(), 1u);
    EXPECT_EQ(h.pc().ops, (Strings{"addSendSlots:audio", "createDataChannel:kefu:unordered", "createOffer"}));
    h.pc().resolveOffer();
    EXPECT_FALSE(h.pc().has("setLocalDescription:offer")); // no ICE gathering before the visitor asks
    EXPECT_EQ(call.state(), CallState::Idle);
}

TEST_F(CallWarmTest, TheClickSetsTheOfferAndTheAcceptFillsTheSlot) {
    prepared();
    ASSERT_TRUE(call.start(false));
    EXPECT_EQ(h.pc().ops.back(), "setLocalDescription:offer"); // with the ring, which goes during the prompt
    const int mic = h.devices.grant();
    EXPECT_FALSE(h.pc().has("fillSendSlots:" + std::to_string(mic))); // nothing sent before the accept
    h.pc().resolveLocal();
    EXPECT_EQ(h.rtc.size(), 1u);
    h.answerCallpeer(200, R"({"ok":true,"callId":"c_1","peer":"agent1"})");
    EXPECT_EQ(offersSent(), 1u); // at once: nothing left to build
    h.peerServer().receive(
        R"({"type":"ANSWER","src":"agent1","dst":"me","payload":{"sdp":{"type":"answer","sdp":"v=0 answer"},"type":"media","connectionId":")" +
        h.connectionId() + R"("}})");
    h.pc().resolveRemote();
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_EQ(call.state(), CallState::Ringing);
    call.onAccept("agent1");
    EXPECT_TRUE(h.pc().has("fillSendSlots:" + std::to_string(mic)));
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(CallWarmTest, AVideoCallBuildsItsOwnAndKeepsTheWarmOne) {
    prepared();
    ASSERT_TRUE(call.start(true));
    h.devices.grant(true, true);
    ASSERT_EQ(h.rtc.size(), 2u);
    EXPECT_EQ(h.pc().ops.front(), "addSendSlots:audio+video");
    EXPECT_FALSE(h.rtc.records[0]->closed);
    call.hangup();
    EXPECT_FALSE(h.rtc.records[0]->closed); // still ready for a voice call
    ASSERT_TRUE(call.start(false));
    h.devices.grant();
    EXPECT_TRUE(h.rtc.records[0]->has("setLocalDescription:offer"));
}

TEST_F(CallWarmTest, ADeniedMicrophoneClosesItAndANewOneIsMadeForNextTime) {
    prepared();
    ASSERT_TRUE(call.start(false));
    h.devices.deny("NotAllowedError");
    EXPECT_EQ(call.reason(), CallEndReason::PermissionDenied);
    EXPECT_TRUE(h.released());
    h.scheduler.advance(1000);
    ASSERT_EQ(h.rtc.size(), 2u);
    EXPECT_FALSE(h.pc().closed);
    EXPECT_FALSE(h.pc().has("setLocalDescription:offer"));
}

TEST_F(CallWarmTest, NewIceServersReplaceIt) {
    prepared();
    CallConfig c = CallHarness::config();
    c.iceServersJson = R"([{"urls":"turn:turn.test:3478","username":"u","credential":"p"}])";
    call.setConfig(c);
    h.scheduler.runPending();
    EXPECT_TRUE(h.rtc.records[0]->closed);
    h.scheduler.advance(250);
    ASSERT_EQ(h.rtc.size(), 2u);
    EXPECT_EQ(h.pc().iceServers, c.iceServersJson);
}

TEST_F(CallWarmTest, WithoutPrepareNothingIsMadeAhead) {
    h.scheduler.advance(10'000);
    EXPECT_EQ(h.rtc.size(), 0u);
    h.toInCall(false);
    call.hangup();
    h.scheduler.advance(10'000);
    EXPECT_EQ(h.rtc.size(), 1u);
}

TEST_F(CallWarmTest, AFailedWarmOfferFallsBackToANewConnection) {
    call.prepare();
    h.registerPeer();
    h.scheduler.advance(250);
    h.pc().rejectOffer();
    ASSERT_TRUE(call.start(false));
    h.devices.grant();
    ASSERT_EQ(h.rtc.size(), 2u); // the broken one is not used
    h.pc().negotiate();
    h.answerCallpeer(200, R"({"ok":true,"callId":"c_1","peer":"agent1"})");
    EXPECT_EQ(offersSent(), 1u);
}

// ---- primed by the pointer on 语音: the offer is set (ICE gathers) before the click ----

TEST_F(CallWarmTest, HoveringSetsTheOfferAndTheClickSendsItWithTheRing) {
    prepared();
    call.setStandingPeer("agent1");
    h.devices.micAllowed = true;
    call.primeVoice();
    EXPECT_EQ(h.pc().ops.back(), "setLocalDescription:offer");
    h.pc().resolveLocal();
    const std::string cand =
        R"({"candidate":"candidate:1 1 udp 1 10.0.0.2 5000 typ host","sdpMid":"0","sdpMLineIndex":0})";
    h.pc().pc->emitLocalCandidate(cand);
    EXPECT_EQ(offersSent(), 0u); // nothing leaves before the click
    EXPECT_TRUE(h.sentOfType("CANDIDATE").empty());
    EXPECT_EQ(call.state(), CallState::Idle);
    ASSERT_TRUE(call.start(false));
    ASSERT_EQ(h.callpeerIndex(), 0);
    ASSERT_EQ(offersSent(), 1u); // with the ring, before the microphone is granted
    EXPECT_EQ(h.sentOfType("OFFER")[0]["dst"], "agent1");
    ASSERT_EQ(h.sentOfType("CANDIDATE").size(), 1u); // the gathered candidate right after its offer
    EXPECT_EQ(h.rtc.size(), 1u);
    const int mic = h.devices.grant();
    EXPECT_FALSE(h.pc().has("fillSendSlots:" + std::to_string(mic)));
    h.answerCallpeer(200, R"({"ok":true,"callId":"c_1","peer":"agent1"})");
    call.onAccept("agent1");
    EXPECT_TRUE(h.pc().has("fillSendSlots:" + std::to_string(mic)));
}

TEST_F(CallWarmTest, AHoverWithoutAClickIsReplacedByAFreshConnection) {
    prepared();
    call.primeVoice();
    h.pc().resolveLocal();
    call.primeVoice(); // hovered again: still the same connection
    h.scheduler.advance(9'999);
    EXPECT_FALSE(h.rtc.records[0]->closed);
    h.scheduler.advance(1);
    EXPECT_TRUE(h.rtc.records[0]->closed);
    EXPECT_TRUE(h.sentOfType("OFFER").empty());
    h.scheduler.advance(1000);
    ASSERT_EQ(h.rtc.size(), 2u);
    EXPECT_FALSE(h.pc().has("setLocalDescription:offer"));
}
