// The fast ring: the agent is rung while getUserMedia starts, or while the browser asks the visitor (the
// ring then says so, and the grant is reported), and the tracks fill the offer's slots when they arrive.
// Only a permission already refused keeps the ring back.
#include "call_fakes.hpp"

#include <gtest/gtest.h>
#include "json_eq.hpp"

using kefu::test::J;

using namespace kefu;
using namespace kefu::calltest;

namespace {

constexpr const char* kWithPeer = R"({"ok":true,"callId":"c_1","peer":"agent1"})";

class FastRingTest : public ::testing::Test {
  protected:
    FastRingTest() { h.devices.micAllowed = true; }
    std::size_t offersSent() const { return h.sentOfType("OFFER").size(); }
    void answer() { h.answerOffer(h.pc()); }
    bool posted(const std::string& body) const { return h.posted(body); }
    // A click on 语音 (or 视频) with the PeerJS registration already up.
    bool click(bool video = false) {
        call.prepare();
        h.registerPeer();
        return call.start(video);
    }
    // The ring answered, the console's answer set and connected, then the agent's accept.
    void agentTakesIt() {
        h.pc().negotiate();
        h.answerCallpeer(200, kWithPeer);
        answer();
        h.pc().pc->emitIceConnectionState("connected");
        call.onAccept("agent1");
    }

    CallHarness h;
    CallController& call = h.call;
};

} // namespace

TEST_F(FastRingTest, TheAgentIsRungWhileTheMicrophoneStarts) {
    ASSERT_TRUE(click());
    EXPECT_EQ(h.callpeerIndex(), 0); // before getUserMedia answered
    EXPECT_EQ(call.state(), CallState::Requesting);
    ASSERT_EQ(h.rtc.size(), 1u);
    h.pc().negotiate();
    h.answerCallpeer(200, kWithPeer);
    EXPECT_EQ(call.state(), CallState::Ringing);
    EXPECT_EQ(offersSent(), 1u); // the tracks are not needed for the offer
    const int mic = h.devices.grant();
    EXPECT_FALSE(h.pc().has("fillSendSlots:" + std::to_string(mic))); // not before the accept
    answer();
    h.pc().pc->emitIceConnectionState("connected");
    call.onAccept("agent1");
    EXPECT_EQ(h.pc().ops.back(), "fillSendSlots:" + std::to_string(mic));
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_EQ(call.localStream(), mic);
}

TEST_F(FastRingTest, WhileTheBrowserAsksTheRingGoesAndSaysSoAndTheGrantIsReported) {
    h.devices.micAllowed = false; // "prompt"
    click();
    ASSERT_EQ(h.callpeerIndex(), 0); // not waiting for the visitor's answer to the prompt
    EXPECT_EQ(J(h.http.requests[0].body)["mic"], "asking");
    h.answerCallpeer(200, kWithPeer);
    EXPECT_FALSE(posted(R"({"action":"mic","call_id":"c_1"})")); // still asking
    h.devices.grant();
    EXPECT_TRUE(posted(R"({"action":"mic","call_id":"c_1"})"));
    answer();
    h.pc().pc->emitIceConnectionState("connected");
    call.onAccept("agent1");
    call.setMuted(true);
    call.hangup();
    std::size_t mics = 0;
    for (const std::string& b : h.postedBodies()) mics += b.find(R"("action":"mic")") != std::string::npos;
    EXPECT_EQ(mics, 1u) << "said once, through the whole call";
}

TEST_F(FastRingTest, ARefusalAfterTheAgentAnsweredEndsTheCallAndSaysWhy) {
    h.devices.micAllowed = false;
    click();
    agentTakesIt();
    h.devices.deny("NotAllowedError");
    EXPECT_EQ(call.reason(), CallEndReason::PermissionDenied);
    const auto bodies = h.postedBodies();
    ASSERT_FALSE(bodies.empty());
    const auto end = J(bodies.back());
    EXPECT_EQ(end["action"], "end");
    EXPECT_EQ(end["outcome"], "failed");
    EXPECT_EQ(end["reason"], "permission-denied");
}

TEST_F(FastRingTest, AGrantBeforeTheCallIdIsKnownIsReportedWithIt) {
    h.devices.micAllowed = false;
    click();
    h.devices.grant();
    EXPECT_FALSE(posted(R"({"action":"mic","call_id":"c_1"})"));
    h.answerCallpeer(200, kWithPeer);
    EXPECT_TRUE(posted(R"({"action":"mic","call_id":"c_1"})"));
}

TEST_F(FastRingTest, AnAllowedMicrophoneIsNotAskedFor) {
    click();
    ASSERT_EQ(h.callpeerIndex(), 0);
    EXPECT_FALSE(J(h.http.requests[0].body).contains("mic"));
    h.answerCallpeer(200, kWithPeer);
    h.devices.grant();
    for (const std::string& b : h.postedBodies()) EXPECT_EQ(b.find(R"("mic")"), std::string::npos) << b;
}

TEST_F(FastRingTest, ARefusalAtThePromptTakesTheRingBackAndSaysWhy) {
    h.devices.micAllowed = false;
    click();
    h.answerCallpeer(200, kWithPeer);
    h.devices.deny("NotAllowedError");
    EXPECT_EQ(call.reason(), CallEndReason::PermissionDenied);
    EXPECT_TRUE(posted(R"({"action":"cancel","call_id":"c_1","reason":"permission-denied"})"));
    EXPECT_TRUE(h.released());
}

TEST_F(FastRingTest, APermissionAlreadyRefusedRingsNobody) {
    h.devices.micAllowed = false;
    h.devices.micDenied = true;
    click();
    EXPECT_EQ(h.callpeerIndex(), -1);
    h.devices.deny("NotAllowedError");
    EXPECT_EQ(call.reason(), CallEndReason::PermissionDenied);
    EXPECT_EQ(h.callpeerIndex(), -1) << "the agent is never rung";
}

TEST_F(FastRingTest, AVideoCallAsksForTheCameraTooAndARefusedCameraRingsNobody) {
    click(true); // the microphone is allowed, the camera not yet
    ASSERT_EQ(h.callpeerIndex(), 0);
    EXPECT_EQ(J(h.http.requests[0].body)["mic"], "asking");
    EXPECT_EQ(h.rtc.last().ops.front(), "addSendSlots:audio+video");
    call.hangup();
    h.devices.cameraAllowed = true;
    call.start(true);
    EXPECT_FALSE(J(h.http.requests.back().body).contains("mic"));
    call.hangup();
    h.devices.cameraAllowed = false;
    h.devices.cameraDenied = true;
    const std::size_t rings = h.sentOfType("OFFER").size();
    const std::size_t n = h.http.requests.size();
    call.start(true);
    EXPECT_EQ(h.http.requests.size(), n);
    EXPECT_EQ(h.sentOfType("OFFER").size(), rings);
}

TEST_F(FastRingTest, AMicrophoneThatWillNotStartTakesTheRingBack) {
    click();
    h.answerCallpeer(200, kWithPeer);
    h.devices.deny("NotReadableError");
    EXPECT_EQ(call.state(), CallState::Failed);
    EXPECT_EQ(call.reason(), CallEndReason::DeviceBusy);
    EXPECT_TRUE(posted(R"({"action":"cancel","call_id":"c_1","reason":"device-busy"})"));
    EXPECT_TRUE(h.released());
}

TEST_F(FastRingTest, AFailureWhileTheRingIsInFlightCancelsItOnArrival) {
    click();
    h.devices.deny("NotAllowedError"); // the permission was revoked meanwhile
    EXPECT_EQ(call.reason(), CallEndReason::PermissionDenied);
    h.answerCallpeer(200, kWithPeer);
    EXPECT_TRUE(posted(R"({"action":"cancel","call_id":"c_1","reason":"permission-denied"})"));
}

TEST_F(FastRingTest, TheAgentMayAnswerBeforeTheMicrophoneIsUp) {
    click();
    agentTakesIt();
    EXPECT_EQ(call.state(), CallState::InCall);
    const int mic = h.devices.grant();
    EXPECT_EQ(call.localStream(), mic);
    EXPECT_EQ(h.pc().ops.back(), "fillSendSlots:" + std::to_string(mic));
    h.devices.requests.back().answered = true;
    call.hangup();
    EXPECT_TRUE(h.released());
}

TEST_F(FastRingTest, ANoCameraAfterTheRingEndsItAndOffersVoice) {
    h.devices.cameraAllowed = true;
    click(true);
    h.answerCallpeer(200, kWithPeer);
    call.onAccept("agent1");
    h.devices.grant(true, false);
    EXPECT_EQ(call.reason(), CallEndReason::NoCamera);
    EXPECT_TRUE(call.canFallbackToVoice());
    EXPECT_NE(h.postedBodies().back().find(R"("action":"end")"), std::string::npos);
    EXPECT_TRUE(h.released());
}

TEST_F(FastRingTest, MuteBeforeTheGrantIsApplied) {
    click();
    call.setMuted(true);
    const int mic = h.devices.grant();
    EXPECT_EQ(h.devices.toggles.back(), std::to_string(mic) + ":audio:off");
}
