// The early offer: when the callpeer response names the agent console's standing peer, the visitor's offer
// goes out while the console still rings; the call begins at the chat `accept` (call_held_media_test.cpp).
#include "call_fakes.hpp"

#include <gtest/gtest.h>

using namespace kefu;
using namespace kefu::calltest;

namespace {

using Strings = std::vector<std::string>;
constexpr const char* kWithPeer = R"({"ok":true,"callId":"c_1","peer":"agent1"})";

class EarlyOfferTest : public ::testing::Test {
  protected:
    // Ringing, with the early offer created and handed to the PeerJS server.
    void toEarlyOffer(bool video = false) {
        call.start(video);
        h.devices.grant(true, video);
        h.registerPeer();
        h.answerCallpeer(200, kWithPeer);
        ASSERT_EQ(call.state(), CallState::Ringing);
        ASSERT_EQ(h.rtc.size(), 1u);
        h.pc().negotiate();
    }
    std::vector<nlohmann::json> sentOfType(const std::string& type) const { return h.sentOfType(type); }
    void answer(PcRecord& pc, const std::string& from = "agent1") { h.answerOffer(pc, from); }
    // Ringing is under way, and the offer went to the standing peer the chat socket announced.
    void toOfferWithTheRing() {
        call.setStandingPeer("agent1");
        call.start(false);
        h.devices.grant();
        h.registerPeer();
        h.pc().negotiate();
    }

    CallHarness h;
    CallController& call = h.call;
};

} // namespace

TEST_F(EarlyOfferTest, TheOfferGoesOutWhileTheConsoleRings) {
    toEarlyOffer();
    const auto offers = sentOfType("OFFER");
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_EQ(offers[0]["dst"], "agent1");
    EXPECT_EQ(offers[0]["payload"]["metadata"]["callId"], "c_1");
    EXPECT_EQ(call.state(), CallState::Ringing); // the human has not picked up
}

TEST_F(EarlyOfferTest, TheAgentsAnswerWhileItRingsIsNotTheAccept) {
    toEarlyOffer();
    answer(h.pc());
    h.pc().pc->emitRemoteTrack(MediaKind::Audio, 90);
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_EQ(call.state(), CallState::Ringing); // connected ahead: the agent has not picked up

    call.onAccept("agent1"); // the chat socket's word begins the call on the connection already up
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_EQ(call.agentPeerId(), "agent1");
    EXPECT_EQ(sentOfType("OFFER").size(), 1u);
    EXPECT_EQ(h.rtc.size(), 1u);
    EXPECT_EQ(h.states, (Strings{"requesting", "ringing", "connecting", "in-call"}));

    h.scheduler.advance(31'000); // the ring timer is gone with the accept
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(EarlyOfferTest, AcceptBeforeTheAnswerDoesNotOfferTwice) {
    toEarlyOffer();
    call.onAccept("agent1");
    EXPECT_EQ(call.state(), CallState::Connecting);
    EXPECT_EQ(sentOfType("OFFER").size(), 1u);
    answer(h.pc());
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_EQ(h.states, (Strings{"requesting", "ringing", "connecting", "in-call"}));
}

TEST_F(EarlyOfferTest, TheOfferWaitsForItsSdpButNotForTheAccept) {
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    h.answerCallpeer(200, kWithPeer);
    EXPECT_TRUE(sentOfType("OFFER").empty()); // createOffer still running
    h.pc().negotiate();
    EXPECT_EQ(sentOfType("OFFER").size(), 1u);
}

TEST_F(EarlyOfferTest, AnotherConsoleAcceptingGetsAFreshOffer) {
    toEarlyOffer();
    PcRecord& first = h.pc();
    call.onAccept("agent2");
    EXPECT_EQ(call.state(), CallState::Connecting);
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u); // the held offer is withdrawn
    EXPECT_TRUE(first.closed);
    ASSERT_EQ(h.rtc.size(), 2u);
    h.pc().negotiate();
    const auto offers = sentOfType("OFFER");
    ASSERT_EQ(offers.size(), 2u);
    EXPECT_EQ(offers[1]["dst"], "agent2");
    answer(h.pc(), "agent2");
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_EQ(call.agentPeerId(), "agent2");
}

TEST_F(EarlyOfferTest, AnUnreachableStandingPeerFallsBackToTheAccept) {
    toEarlyOffer();
    h.peerServer().receive(R"({"type":"EXPIRE","src":"agent1","dst":"me"})");
    EXPECT_EQ(call.state(), CallState::Ringing); // not a failure: the console may still accept
    EXPECT_TRUE(h.rtc.last().closed);
    call.onAccept("agent9");
    ASSERT_EQ(h.rtc.size(), 2u);
    h.pc().negotiate();
    const auto offers = sentOfType("OFFER");
    ASSERT_EQ(offers.size(), 2u);
    EXPECT_EQ(offers[1]["dst"], "agent9");
}

TEST_F(EarlyOfferTest, AnInvalidPeerInTheResponseIsIgnored) {
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    h.answerCallpeer(200, R"({"ok":true,"callId":"c_1","peer":"no spaces allowed!"})");
    h.pc().negotiate();
    EXPECT_TRUE(sentOfType("OFFER").empty());
    call.onAccept("agent1");
    EXPECT_EQ(sentOfType("OFFER").size(), 1u);
}

TEST_F(EarlyOfferTest, NoAnswerWithdrawsTheHeldOffer) {
    toEarlyOffer();
    h.scheduler.advance(30'000);
    EXPECT_EQ(call.state(), CallState::Failed);
    EXPECT_EQ(call.reason(), CallEndReason::NoAnswer);
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u);
    EXPECT_TRUE(h.released());
}

TEST_F(EarlyOfferTest, CancelWithdrawsTheHeldOffer) {
    toEarlyOffer();
    call.hangup();
    EXPECT_EQ(call.reason(), CallEndReason::Cancelled);
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u);
    EXPECT_EQ(h.postedBodies().back(), R"({"action":"cancel","call_id":"c_1"})");
    EXPECT_TRUE(h.released());
}

TEST_F(EarlyOfferTest, ARejectEndsTheCallAndItsOffer) {
    toEarlyOffer();
    call.onReject("rejected");
    EXPECT_EQ(call.reason(), CallEndReason::Rejected);
    EXPECT_TRUE(h.released());
}

TEST_F(EarlyOfferTest, SignalingLossWhileRingingOffersAgainFromTheNewRegistration) {
    toEarlyOffer();
    h.peerServer().serverClose();
    EXPECT_EQ(call.state(), CallState::Ringing);
    EXPECT_TRUE(h.rtc.last().closed);
    ASSERT_EQ(h.sockets.size(), 2u);
    h.registerPeer();
    ASSERT_EQ(h.rtc.size(), 2u);
    h.pc().negotiate();
    ASSERT_EQ(h.peerServer().sent.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(h.peerServer().sent[0])["dst"], "agent1");
    answer(h.pc());
    h.pc().pc->emitIceConnectionState("connected");
    call.onAccept("agent1");
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(EarlyOfferTest, AVideoCallOffersItsCameraEarlyToo) {
    toEarlyOffer(true);
    const auto offers = sentOfType("OFFER");
    ASSERT_EQ(offers.size(), 1u);
    EXPECT_EQ(offers[0]["payload"]["metadata"]["video"], true);
}

TEST_F(EarlyOfferTest, TheConnectionIsBuiltWhileTheRingRequestTravels) {
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    ASSERT_EQ(h.callpeerIndex(), 0);
    ASSERT_EQ(h.rtc.size(), 1u); // no wait for the server's answer
    h.pc().negotiate();
    EXPECT_TRUE(sentOfType("OFFER").empty()); // nobody to send it to yet
    h.answerCallpeer(200, kWithPeer);
    EXPECT_EQ(sentOfType("OFFER").size(), 1u); // out with the response, no browser round trip
}

TEST_F(EarlyOfferTest, ARefusedRingReleasesTheConnectionBuiltMeanwhile) {
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    ASSERT_EQ(h.rtc.size(), 1u);
    h.answerCallpeer(503, R"({"error":{"code":"offline","message":"No agent is online"}})");
    EXPECT_EQ(call.reason(), CallEndReason::AgentOffline);
    EXPECT_TRUE(h.released());
}

// ---- the offer sent with the ring: the chat socket announced the console's standing peer ----

TEST_F(EarlyOfferTest, AnAnnouncedPeerGetsTheOfferWithTheRing) {
    call.setStandingPeer("agent1");
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    ASSERT_EQ(h.callpeerIndex(), 0);
    h.pc().negotiate();
    const auto offers = sentOfType("OFFER");
    ASSERT_EQ(offers.size(), 1u); // before the server answered the ring
    EXPECT_EQ(offers[0]["dst"], "agent1");
    EXPECT_FALSE(offers[0]["payload"]["metadata"].contains("callId")); // matched by our peer id
    EXPECT_EQ(call.state(), CallState::Requesting);
    h.answerCallpeer(200, kWithPeer);
    EXPECT_EQ(call.state(), CallState::Ringing);
    EXPECT_EQ(sentOfType("OFFER").size(), 1u);
    answer(h.pc());
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_EQ(call.state(), CallState::Ringing);
    call.onAccept("agent1");
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(EarlyOfferTest, TheAnswerAndTheAcceptMayComeBeforeTheServersReply) {
    toOfferWithTheRing();
    answer(h.pc());
    call.onAccept("agent1");
    EXPECT_EQ(call.state(), CallState::Requesting); // the accept waits for the ring's reply
    h.answerCallpeer(200, kWithPeer);
    EXPECT_EQ(call.state(), CallState::Connecting);
    EXPECT_EQ(call.callId(), "c_1"); // known for the hang-up report
    h.pc().pc->emitIceConnectionState("connected");
    EXPECT_EQ(call.state(), CallState::InCall);
    call.hangup();
    EXPECT_EQ(h.postedBodies().back(), R"({"action":"hangup","call_id":"c_1","duration":0})");
}

TEST_F(EarlyOfferTest, TheServerNamingAnotherPeerVoidsTheOfferSentWithTheRing) {
    toOfferWithTheRing();
    h.answerCallpeer(200, R"({"ok":true,"callId":"c_1","peer":"agent2"})");
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u);
    ASSERT_EQ(h.rtc.size(), 2u);
    h.pc().negotiate();
    const auto offers = sentOfType("OFFER");
    ASSERT_EQ(offers.size(), 2u);
    EXPECT_EQ(offers[1]["dst"], "agent2");
    EXPECT_EQ(offers[1]["payload"]["metadata"]["callId"], "c_1");
}

TEST_F(EarlyOfferTest, ARefusedRingWithdrawsTheOfferSentWithIt) {
    toOfferWithTheRing();
    h.answerCallpeer(409, R"({"error":{"code":"conflict","message":"busy"}})");
    EXPECT_EQ(call.reason(), CallEndReason::Busy);
    EXPECT_EQ(h.countSent(R"({"type":"LEAVE","dst":"agent1"})"), 1u);
    EXPECT_TRUE(h.released());
}

TEST_F(EarlyOfferTest, AnInvalidAnnouncedPeerIsIgnored) {
    call.setStandingPeer("not a peer!");
    call.start(false);
    h.devices.grant();
    h.registerPeer();
    h.pc().negotiate();
    EXPECT_TRUE(sentOfType("OFFER").empty());
}

TEST_F(EarlyOfferTest, AHangUpBeforeTheServersReplyIsReportedWhenItArrives) {
    toOfferWithTheRing();
    answer(h.pc()); // answered while it rings: not yet a call
    call.hangup();
    EXPECT_EQ(call.reason(), CallEndReason::Cancelled);
    h.answerCallpeer(200, kWithPeer); // the late reply
    EXPECT_EQ(h.postedBodies().back(), R"({"action":"cancel","call_id":"c_1"})");
}
