// The offer that goes with the ring holds its media (metadata holdsMedia:true): the console may answer it
// while it rings, so ICE and DTLS are done by the accept, but until the chat `accept` the visitor sends
// nothing on it (its send slots stay empty) and plays nothing from it (the agent's stream is not handed out).
#include "call_fakes.hpp"

#include <gtest/gtest.h>

using namespace kefu;
using namespace kefu::calltest;

namespace {

constexpr const char* kWithPeer = R"({"ok":true,"callId":"c_1","peer":"agent1"})";

bool fills(const PcRecord& pc) {
    for (const auto& op : pc.ops)
        if (op.rfind("fillSendSlots:", 0) == 0) return true;
    return false;
}

class HeldMediaTest : public ::testing::Test {
  protected:
    HeldMediaTest() {
        call.onRemoteStream([this](int handle, bool) { remotes.push_back(handle); });
    }
    // Ringing, the early offer out, answered by the console and connected while it still rings.
    void toConnectedRing() {
        call.start(false);
        mic = h.devices.grant();
        h.registerPeer();
        h.answerCallpeer(200, kWithPeer);
        ASSERT_EQ(call.state(), CallState::Ringing);
        h.pc().negotiate();
        h.answerOffer(h.pc());
        h.pc().pc->emitRemoteTrack(MediaKind::Audio, 90);
        h.pc().pc->emitIceConnectionState("connected");
        ASSERT_EQ(call.state(), CallState::Ringing);
    }

    CallHarness h;
    CallController& call = h.call;
    std::vector<int> remotes;
    int mic = -1;
};

} // namespace

TEST_F(HeldMediaTest, TheOfferWithTheRingSaysItHoldsItsMedia) {
    toConnectedRing();
    const auto offers = h.sentOfType("OFFER");
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_EQ(offers[0]["payload"]["metadata"]["holdsMedia"], true);
}

TEST_F(HeldMediaTest, NothingIsSentNorPlayedUntilTheAcceptThenBoth) {
    toConnectedRing();
    EXPECT_FALSE(fills(h.pc())) << "the microphone went into a connection before the accept";
    EXPECT_TRUE(remotes.empty());
    EXPECT_EQ(call.remoteStream(), -1);
    EXPECT_EQ(call.elapsedSeconds(), 0);

    h.scheduler.advance(5'000); // a long ring: the duration counts from the accept
    call.onAccept("agent1");
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_TRUE(h.pc().has("fillSendSlots:" + std::to_string(mic)));
    EXPECT_EQ(remotes, (std::vector<int>{90}));
    EXPECT_EQ(call.remoteStream(), 90);
    h.scheduler.advance(2'000);
    EXPECT_EQ(call.elapsedSeconds(), 2);
}

TEST_F(HeldMediaTest, AMicrophoneGrantedWhileItRingsWaitsForTheAccept) {
    h.devices.micAllowed = true; // fast ring: the ring and the offer go before the grant
    call.start(false);
    h.registerPeer();
    h.answerCallpeer(200, kWithPeer);
    h.pc().negotiate();
    h.answerOffer(h.pc(), "agent1", /*connect=*/true);
    mic = h.devices.grant();
    ASSERT_EQ(call.state(), CallState::Ringing);
    EXPECT_FALSE(fills(h.pc()));
    call.onAccept("agent1");
    EXPECT_TRUE(h.pc().has("fillSendSlots:" + std::to_string(mic)));
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(HeldMediaTest, AcceptBeforeConnectedBeginsTheCallWhenThePathIsUp) {
    call.start(false);
    mic = h.devices.grant();
    h.registerPeer();
    h.answerCallpeer(200, kWithPeer);
    h.pc().negotiate();
    h.answerOffer(h.pc());
    call.onAccept("agent1");
    EXPECT_EQ(call.state(), CallState::Connecting);
    EXPECT_TRUE(h.pc().has("fillSendSlots:" + std::to_string(mic)));
    h.pc().pc->emitRemoteTrack(MediaKind::Audio, 91);
    EXPECT_EQ(remotes, (std::vector<int>{91}));
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(HeldMediaTest, AnOfferMadeAfterTheAcceptSendsAtOnce) {
    h.toConnecting(false); // no standing peer known: the seed's order
    h.pc().negotiate();
    const auto offers = h.sentOfType("OFFER");
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_FALSE(offers[0]["payload"]["metadata"].contains("holdsMedia"));
    EXPECT_TRUE(fills(h.pc()));
}

TEST_F(HeldMediaTest, ARejectedRingClosesTheConnectedOffer) {
    toConnectedRing();
    call.onReject("rejected");
    EXPECT_EQ(call.reason(), CallEndReason::Rejected);
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u);
    EXPECT_TRUE(h.released());
    EXPECT_TRUE(remotes.empty());
}

TEST_F(HeldMediaTest, ARingNobodyTakesClosesTheConnectedOffer) {
    toConnectedRing();
    h.scheduler.advance(30'000);
    EXPECT_EQ(call.reason(), CallEndReason::NoAnswer);
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u);
    EXPECT_TRUE(h.released());
}

TEST_F(HeldMediaTest, CancellingClosesTheConnectedOffer) {
    toConnectedRing();
    call.hangup();
    EXPECT_EQ(call.reason(), CallEndReason::Cancelled);
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u);
    EXPECT_TRUE(h.released());
}

TEST_F(HeldMediaTest, AnotherConsoleTakingTheCallClosesTheConnectedOffer) {
    toConnectedRing(); // a transfer, or a team member who picked up first
    PcRecord& first = h.pc();
    call.onAccept("agent2");
    EXPECT_TRUE(first.closed);
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u);
    EXPECT_TRUE(remotes.empty()); // nothing of the first console was played
    ASSERT_EQ(h.rtc.size(), 2u);
    h.pc().negotiate();
    EXPECT_TRUE(fills(h.pc()));
    h.answerOffer(h.pc(), "agent2", /*connect=*/true);
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(HeldMediaTest, TheConsoleClosingTheConnectionWhileItRingsKeepsTheRing) {
    toConnectedRing();
    h.pc().pc->emitDataChannelOpen();
    h.pc().pc->emitDataChannelClose(); // the console dropped its early answer
    EXPECT_EQ(call.state(), CallState::Ringing);
    call.onAccept("agent1"); // and accepts later: a fresh offer goes out, sent at once
    ASSERT_EQ(h.rtc.size(), 2u);
    h.pc().negotiate();
    EXPECT_EQ(h.sentOfType("OFFER").size(), 2u);
    EXPECT_TRUE(fills(h.pc()));
}
