// A call that has to wait or change under way: clicked before the backend answered, switched between
// voice and video, its path lost and found again, its page left mid-call.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "widget_harness.hpp"

using namespace kefu;
using namespace kefu::widgettest;
using json = nlohmann::json;

// ---- a call before the backend's first answer ----

TEST(Widget, ACallBeforeTheConfigWaitsForItThenRings) {
    Harness h(Harness::newVisitor());
    h.w().start();
    std::string err;
    ASSERT_TRUE(h.w().startCall(false, err));
    EXPECT_EQ(h.state()["call"], "requesting");
    EXPECT_EQ(h.callStates(), std::vector<std::string>{"requesting"});
    EXPECT_EQ(h.peerSocketCount(), 0u); // no PeerJS address yet: nothing dialled
    EXPECT_FALSE(h.w().startCall(true, err));
    EXPECT_EQ(err, "busy");
    ASSERT_TRUE(h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_9","token":"tok9"})"));
    ASSERT_TRUE(h.http.reply("GET", "/api/config", 200, kConfigBody));
    ASSERT_NE(h.peer(), nullptr); // the call went ahead with the server's PeerJS settings
    EXPECT_EQ(h.peer()->url.rfind("ws://peer.example.com:9000/peerjs/peerjs?", 0), 0u) << h.peer()->url;
    h.devices.grant(true, false);
    h.registerPeer();
    FakeRequest* ring = h.http.find("POST", "/2/callKefu");
    ASSERT_NE(ring, nullptr);
    EXPECT_EQ(ring->bearer, "tok9");
    EXPECT_EQ(json::parse(ring->body)["action"], "callpeer");
    ASSERT_TRUE(h.http.reply("POST", "/2/callKefu", 200, R"({"ok":true,"callId":"c_1"})"));
    EXPECT_EQ(h.state()["call"], "ringing");
}

TEST(Widget, ACallWaitingForAnUnansweringBackendFailsClearly) {
    Harness h(Harness::newVisitor());
    h.w().start();
    std::string err;
    ASSERT_TRUE(h.w().startCall(true, err));
    h.clock.advance(15'000);
    const json last = h.eventsNamed("call").back();
    EXPECT_EQ(last["state"], "failed");
    EXPECT_EQ(last["reason"], "server-unreachable");
    EXPECT_EQ(h.state()["call"], "idle");
}

TEST(Widget, HangingUpAWaitingCallCancelsIt) {
    Harness h(Harness::newVisitor());
    h.w().start();
    std::string err;
    ASSERT_TRUE(h.w().startCall(false, err));
    h.w().hangup();
    EXPECT_EQ(h.eventsNamed("call").back()["state"], "ended");
    EXPECT_EQ(h.eventsNamed("call").back()["reason"], "cancelled");
    ASSERT_TRUE(h.http.reply("POST", "/api/visitors", 201, R"({"visitorId":"v_9","token":"tok9"})"));
    ASSERT_TRUE(h.http.reply("GET", "/api/config", 200, kConfigBody));
    EXPECT_EQ(h.peerSocketCount(), 1u); // registered on open, but no call placed
    EXPECT_EQ(h.http.countOf("POST", "/2/callKefu"), 0u);
}

// ---- changes under way ----
TEST(Widget, SwitchingAVoiceCallToVideoAndBack) {
    Harness h;
    h.online();
    h.toInCall(false);
    EXPECT_TRUE(h.w().view().call.canSwitch);
    EXPECT_EQ(h.w().view().toVideoLabel, "Video");
    Intents in;
    in.switchKind = true;
    bool clear = false;
    h.w().apply(in, "", clear);
    EXPECT_TRUE(h.w().call().switching());
    EXPECT_FALSE(h.w().view().call.canSwitch); // one switch at a time
    EXPECT_EQ(h.w().view().call.status, "Switching…");
    ASSERT_EQ(h.devices.requests.size(), 2u);
    EXPECT_TRUE(h.devices.requests.back().video);
    h.devices.grant(true, true);
    kefu::calltest::PcRecord& pc = h.rtc.last();
    pc.negotiate();
    h.peer()->receive(json{{"type", "ANSWER"},
                           {"src", kAgentPeer},
                           {"dst", "me"},
                           {"payload",
                            {{"sdp", {{"type", "answer"}, {"sdp", "v=0 answer"}}},
                             {"type", "media"},
                             {"connectionId", framesOf(*h.peer(), "OFFER").back()["payload"]["connectionId"]}}}}
                          .dump());
    pc.resolveRemote();
    pc.pc->emitRemoteTrack(MediaKind::Audio, 91);
    pc.pc->emitRemoteTrack(MediaKind::Video, 91);
    pc.pc->emitIceConnectionState("connected");
    const CallView& c = h.w().view().call;
    EXPECT_TRUE(c.video);
    EXPECT_TRUE(c.showRemoteVideo);
    EXPECT_EQ(h.attached["remote"], 91);
    EXPECT_EQ(h.attached["audio"], -1);
    const auto ev = h.eventsNamed("callswitch");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0]["ok"], true);
    EXPECT_EQ(ev[0]["video"], true);
    EXPECT_EQ(json::parse(h.w().stateJson())["callVideo"], true);
    EXPECT_EQ(h.w().view().toVoiceLabel, "Voice");
}

TEST(Widget, ASwitchWithoutACameraSaysSoAndTheCallGoesOn) {
    Harness h;
    h.online();
    h.toInCall(false);
    std::string err;
    EXPECT_TRUE(h.w().switchCall(true, err));
    h.devices.deny("NotFoundError");
    EXPECT_EQ(h.w().call().state(), CallState::InCall);
    EXPECT_EQ(h.w().view().notice, "No camera found. The call stays voice only.");
    const auto ev = h.eventsNamed("callswitch");
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0]["ok"], false);
    EXPECT_EQ(ev[0]["reason"], "no-camera");
}

TEST(Widget, SwitchOutsideACallIsRefused) {
    Harness h;
    h.online();
    std::string err;
    EXPECT_FALSE(h.w().switchCall(true, err));
    EXPECT_EQ(err, "not-in-call");
    h.toInCall(true);
    EXPECT_TRUE(h.w().switchCall(true, err)); // already video: nothing to do
    EXPECT_FALSE(h.w().call().switching());
}

TEST(Widget, TheAgentDecliningVideoIsShownAndTheCallGoesOn) {
    Harness h;
    h.online();
    h.toInCall(false);
    std::string err;
    ASSERT_TRUE(h.w().switchCall(true, err));
    h.devices.grant(true, true);
    h.chat().receive(R"({"type":"switch","data":{"accepted":false}})");
    EXPECT_EQ(h.w().call().state(), CallState::InCall);
    EXPECT_FALSE(h.w().call().switching());
    EXPECT_EQ(h.w().view().notice, "The agent declined video. The call stays voice only.");
    EXPECT_EQ(h.eventsNamed("callswitch").back()["reason"], "rejected");
}

TEST(Widget, TheAnnouncedStandingPeerGetsTheOfferWithTheRing) {
    Harness h;
    h.online();
    h.chat().receive(R"({"type":"status","data":{"online":true,"peer":"agent1"}})");
    std::string err;
    ASSERT_TRUE(h.w().startCall(false, err)) << err;
    h.devices.grant(true, false);
    h.registerPeer();
    h.rtc.last().negotiate();
    const auto offers = framesOf(*h.peer(), "OFFER");
    ASSERT_EQ(offers.size(), 1u); // before the server answered POST callpeer
    EXPECT_EQ(offers[0]["dst"], "agent1");
    h.chat().receive(R"({"type":"status","data":{"online":true,"peer":null}})");
    EXPECT_EQ(h.w().call().state(), CallState::Requesting);
}

TEST(Widget, ALostCallPathShowsReconnectingAndTheCallGoesOn) {
    Harness h;
    h.online();
    h.toInCall(false);
    h.advance(2000);
    h.rtc.last().pc->emitIceConnectionState("disconnected");
    EXPECT_EQ(h.w().view().call.status, "Reconnecting…");
    EXPECT_EQ(h.w().view().call.statusShort, "Reconnecting…");
    EXPECT_FALSE(h.w().view().call.canSwitch);
    EXPECT_EQ(h.state()["callReconnecting"], true);
    EXPECT_EQ(h.state()["call"], "in-call");
    h.rtc.records[0]->pc->emitIceConnectionState("connected"); // the old path came back
    EXPECT_EQ(h.w().view().call.status, "In call 00:02");
    EXPECT_EQ(h.state()["callReconnecting"], false);
}

TEST(Widget, APageLeftMidCallStoresTheCallInsteadOfHangingUp) {
    Harness h;
    h.online();
    h.toInCall(false);
    h.advance(3000);
    const std::size_t posts = h.http.requests.size();
    h.w().shutdown();
    const std::string record = h.stored["https://chat.example.com:call"];
    kefu::ResumeInfo info;
    ASSERT_TRUE(kefu::parseResumeRecord(record, h.clock.nowMs(), info)) << record;
    EXPECT_EQ(info.callId, "c_1");
    EXPECT_EQ(h.http.requests.size(), posts); // no hang-up report: the next page goes on with the call
    for (const auto& f : framesOf(*h.peer(), "LEAVE")) ADD_FAILURE() << f.dump();
    EXPECT_TRUE(h.devices.live.empty()); // the microphone is released all the same
}
