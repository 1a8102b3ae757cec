// A call from the widget: registering ahead, ringing, connecting, the call bar while in a call, its end
// in every way, media attachments and the site's overrides.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "widget_harness.hpp"

using namespace kefu;
using namespace kefu::widgettest;
using json = nlohmann::json;

// ---- calls ----

TEST(Widget, OpeningThePanelRegistersForCallsAhead) {
    Harness h;
    h.online();
    EXPECT_EQ(h.peerSocketCount(), 0u); // closed panel: no call is likely yet
    h.w().setOpen(true);
    ASSERT_EQ(h.peerSocketCount(), 1u);
    EXPECT_EQ(h.peer()->url.rfind("ws://peer.example.com:9000/peerjs/peerjs?key=peerjs&id=kefu", 0), 0u);
    h.w().setOpen(false);
    h.w().setOpen(true);
    EXPECT_EQ(h.peerSocketCount(), 1u); // once
}

TEST(Widget, PanelOpenedBeforeTheConfigRegistersOnceItArrives) {
    Harness h;
    h.w().setOpen(true);
    h.w().start();
    EXPECT_EQ(h.peerSocketCount(), 0u);
    h.http.reply("GET", "/api/config", 200, kConfigBody);
    EXPECT_EQ(h.peerSocketCount(), 1u);
}

TEST(Widget, NoRegistrationWithoutMediaDevices) {
    WidgetSettings s = Harness::defaults();
    s.hasMedia = false;
    Harness h(s);
    h.online();
    h.w().setOpen(true);
    EXPECT_EQ(h.peerSocketCount(), 0u);
}

TEST(Widget, CallReachesTheAgentAndTheAcceptFrameConnectsIt) {
    Harness h;
    h.online();
    h.toRinging(false);
    FakeRequest* callpeer = nullptr;
    for (auto& r : h.http.requests)
        if (r->url == "https://chat.example.com/2/callKefu") callpeer = r.get();
    ASSERT_NE(callpeer, nullptr);
    EXPECT_EQ(callpeer->bearer, "tok1");
    const json body = json::parse(callpeer->body);
    EXPECT_EQ(body["action"], "callpeer");
    EXPECT_EQ(body["kefu_id"], "kefu1");
    EXPECT_EQ(body["visitor_id"], "v_1");
    EXPECT_EQ(body["video"], false);
    EXPECT_EQ(h.w().view().call.state, "ringing");
    EXPECT_EQ(h.w().view().call.status, "Calling support… 00:00");
    EXPECT_TRUE(h.w().view().call.active);

    h.chat().receive(serverFrame("accept", kAgentPeer));
    EXPECT_EQ(h.w().call().state(), CallState::Connecting);
    EXPECT_EQ(h.w().view().call.status, "Connecting…");
    EXPECT_EQ(h.state()["call"], "connecting");
    EXPECT_EQ(h.rtc.size(), 1u);
    EXPECT_EQ(h.rtc.last().iceServers, R"([{"urls":"stun:stun.example.com"}])");

    const auto calls = h.eventsNamed("call");
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[0], json::parse(R"({"state":"requesting","reason":"none"})"));
    EXPECT_EQ(calls[1], json::parse(R"({"state":"ringing","reason":"none"})"));
    EXPECT_EQ(calls[2], json::parse(R"({"state":"connecting","reason":"none"})"));
}

TEST(Widget, SecondCallWhileOneIsActiveIsBusy) {
    Harness h;
    h.online();
    std::string err;
    ASSERT_TRUE(h.w().startCall(false, err));
    EXPECT_EQ(h.w().view().call.status, "Requesting microphone/camera access…");
    EXPECT_FALSE(h.w().startCall(false, err));
    EXPECT_EQ(err, "busy");
    err.clear();
    EXPECT_FALSE(h.w().startCall(true, err));
    EXPECT_EQ(err, "busy");
    EXPECT_EQ(h.devices.requests.size(), 1u);
    EXPECT_FALSE(h.w().call().isVideo());
}

TEST(Widget, RingingShowsHowLongItHasRung) {
    Harness h;
    h.online();
    h.toRinging(false);
    h.advance(7000);
    EXPECT_EQ(h.w().view().call.status, "Calling support… 00:07");
    EXPECT_EQ(h.state()["callStatus"], "Calling support… 00:07");
}

TEST(Widget, CallQualityShowsTheLevelAndAPoorConnectionNotice) {
    Harness h;
    h.online();
    EXPECT_EQ(h.w().callStats(CallStats{900, 30, 90}), CallQuality::Unknown); // no call: nothing to measure
    h.toInCall(false);
    EXPECT_EQ(h.state()["callQuality"], "unknown");
    EXPECT_EQ(h.w().view().call.quality, 0);
    std::uint64_t rev = h.w().revision();
    EXPECT_EQ(h.w().callStats(CallStats{20, 0, 3}), CallQuality::Good);
    EXPECT_GT(h.w().revision(), rev);
    rev = h.w().revision();
    EXPECT_EQ(h.w().callStats(CallStats{22, 0, 4}), CallQuality::Good);
    EXPECT_EQ(h.w().revision(), rev) << "the same level draws nothing";
    EXPECT_EQ(h.w().view().call.quality, 1);
    EXPECT_EQ(h.w().view().notice, "");
    EXPECT_EQ(h.w().callStats(CallStats{700, 12, 10}), CallQuality::Poor);
    EXPECT_EQ(h.w().view().call.quality, 3);
    EXPECT_EQ(h.w().view().notice, "Poor connection: the call may break up.");
    EXPECT_EQ(h.state()["callQuality"], "poor");
    h.w().hangup();
    EXPECT_EQ(h.state()["callQuality"], "unknown");
    EXPECT_EQ(h.w().view().notice, "");
}

TEST(Widget, MutingTellsTheServerForTheConsole) {
    Harness h;
    h.online();
    h.toInCall(false);
    auto mutes = [&] {
        std::vector<json> out;
        for (auto& r : h.http.requests) {
            const json b = json::parse(r->body, nullptr, false);
            if (b.is_object() && b.value("action", "") == "mute") out.push_back(b);
        }
        return out;
    };
    h.w().call().setMuted(true);
    h.w().call().setMuted(false);
    const auto sent = mutes();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0], json::parse(R"({"action":"mute","call_id":"c_1","muted":true})"));
    EXPECT_EQ(sent[1]["muted"], false);
}

TEST(Widget, InCallTheElapsedTimeTicksAndStopsAfterTheEnd) {
    Harness h;
    h.online();
    h.toInCall(false);
    ASSERT_EQ(h.w().call().state(), CallState::InCall);
    EXPECT_EQ(h.w().view().call.status, "In call 00:00");
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"in-call","reason":"none"})"));

    std::uint64_t rev = h.w().revision();
    for (int s = 1; s <= 3; ++s) {
        h.advance(1000);
        EXPECT_GT(h.w().revision(), rev) << s;
        rev = h.w().revision();
        EXPECT_EQ(h.w().view().call.status, "In call 00:0" + std::to_string(s));
    }

    h.w().hangup();
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"ended","reason":"hangup-local"})"));
    EXPECT_FALSE(h.w().view().call.active);
    EXPECT_EQ(h.w().view().call.status, "Call ended 00:03");
    EXPECT_EQ(h.state()["callReason"], "hangup-local");

    // The outcome stays in the call bar for a while, then the bar is quiet for good.
    h.advance(7900);
    EXPECT_EQ(h.w().view().call.status, "Call ended 00:03");
    h.advance(100);
    EXPECT_EQ(h.w().view().call.status, "");
    EXPECT_EQ(h.w().view().call.state, "ended");

    const std::uint64_t idleRev = h.w().revision();
    const int idleChanges = h.changes;
    h.advance(60'000);
    EXPECT_EQ(h.w().revision(), idleRev);
    EXPECT_EQ(h.changes, idleChanges);
    EXPECT_EQ(h.state()["connected"], true);
}

TEST(Widget, ACancelledCallLeavesNoTimerBehind) {
    Harness h;
    h.online();
    h.toRinging(false);
    h.w().hangup();
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"ended","reason":"cancelled"})"));
    EXPECT_EQ(h.w().view().call.status, "Cancelled");
    h.advance(8000);
    EXPECT_EQ(h.w().view().call.status, "");
    const int changes = h.changes;
    h.advance(3'600'000); // an hour with the chat connected and nothing happening
    EXPECT_EQ(h.changes, changes);
    EXPECT_EQ(h.state()["connection"], "online");
}

TEST(Widget, CallFailureStaysVisibleThenClears) {
    Harness h;
    h.online();
    h.toRinging(false);
    h.chat().receive(serverFrame("reject", {{"reason", "rejected"}}));
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"failed","reason":"rejected"})"));
    EXPECT_EQ(h.w().view().call.status, "The agent declined the call");
    EXPECT_EQ(h.state()["call"], "failed");
    h.advance(8000);
    EXPECT_EQ(h.w().view().call.status, "");

    // The next call starts fresh.
    std::string err;
    EXPECT_TRUE(h.w().startCall(false, err));
    EXPECT_EQ(h.w().view().call.status, "Requesting microphone/camera access…");
}

TEST(Widget, RemoteHangupFrameEndsTheCall) {
    Harness h;
    h.online();
    h.toInCall(false);
    h.advance(2000);
    h.chat().receive(serverFrame("hangup", {{"reason", "agent"}}));
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"ended","reason":"hangup-remote"})"));
    EXPECT_EQ(h.w().view().call.status, "Call ended 00:02");
    EXPECT_TRUE(h.devices.live.empty()); // microphone released
}

TEST(Widget, VideoWithoutACameraOffersVoiceInstead) {
    Harness h;
    h.online();
    std::string err;
    ASSERT_TRUE(h.w().startCall(true, err));
    h.devices.deny("NotFoundError");
    const CallView& c = h.w().view().call;
    EXPECT_EQ(c.state, "failed");
    EXPECT_TRUE(c.offerVoice);
    EXPECT_EQ(c.status, "No camera found. You can make a voice call instead.");
    EXPECT_EQ(h.w().view().voiceInsteadLabel, "Use voice instead");

    Intents in;
    in.startVoice = true;
    bool clear = false;
    h.w().apply(in, "", clear);
    EXPECT_EQ(h.w().call().state(), CallState::Requesting);
    EXPECT_FALSE(h.w().call().isVideo());
    EXPECT_FALSE(h.w().view().call.offerVoice);
}

TEST(Widget, RingTimeoutFromTheSettings) {
    WidgetSettings s = Harness::defaults();
    s.ringTimeoutS = 5;
    Harness h(s);
    h.online();
    h.toRinging(false);
    h.advance(4900);
    EXPECT_EQ(h.w().call().state(), CallState::Ringing);
    h.advance(100);
    EXPECT_EQ(h.eventsNamed("call").back(), json::parse(R"({"state":"failed","reason":"no-answer"})"));
    EXPECT_EQ(h.w().view().call.status, "No answer");
}

TEST(Widget, SiteOverridesWinOverTheServerConfig) {
    WidgetSettings s = Harness::defaults();
    s.kefu = "kefu7";
    s.peerHost = "peer.example.org";
    s.peerPort = 443;
    s.peerSecure = 1;
    s.peerPath = "/rtc";
    s.peerKey = "k2";
    s.iceServersJson = R"([{"urls":"turn:turn.example.org"}])";
    Harness h(s);
    h.online();
    h.toRinging(false);
    ASSERT_NE(h.peer(), nullptr);
    EXPECT_EQ(h.peer()->url.rfind("wss://peer.example.org:443/rtc/peerjs?key=k2&id=kefu", 0), 0u) << h.peer()->url;
    FakeRequest* callpeer = nullptr;
    for (auto& r : h.http.requests)
        if (r->url.find("/2/callKefu") != std::string::npos) callpeer = r.get();
    ASSERT_NE(callpeer, nullptr);
    EXPECT_EQ(json::parse(callpeer->body)["kefu_id"], "kefu7");
    h.chat().receive(serverFrame("accept", kAgentPeer));
    ASSERT_EQ(h.rtc.size(), 1u);
    EXPECT_EQ(h.rtc.last().iceServers, R"([{"urls":"turn:turn.example.org"}])");
}

TEST(Widget, MuteAndMediaAttachments) {
    Harness h;
    h.online();
    h.toInCall(false);
    EXPECT_EQ(h.attached["audio"], 90);
    EXPECT_EQ(h.attached["remote"], -1);
    EXPECT_EQ(h.attached["local"], -1);
    EXPECT_FALSE(h.w().view().call.showRemoteVideo);

    Intents in;
    in.toggleMute = true;
    bool clear = false;
    h.w().apply(in, "", clear);
    EXPECT_TRUE(h.w().view().call.muted);
    h.w().apply(in, "", clear);
    EXPECT_FALSE(h.w().view().call.muted);

    Intents hang;
    hang.hangup = true;
    h.w().apply(hang, "", clear);
    EXPECT_EQ(h.w().call().state(), CallState::Ended);
    EXPECT_EQ(h.attached["audio"], -1);
}

TEST(Widget, VideoCallShowsBothVideos) {
    Harness h;
    h.online();
    h.toInCall(true);
    const CallView& c = h.w().view().call;
    EXPECT_TRUE(c.video);
    EXPECT_TRUE(c.showRemoteVideo);
    EXPECT_TRUE(c.showLocalVideo);
    EXPECT_EQ(h.attached["remote"], 90);
    EXPECT_EQ(h.attached["audio"], -1);
    EXPECT_EQ(h.attached["local"], h.w().call().localStream());
    EXPECT_GE(h.attached["local"], 0);

    Intents in;
    in.toggleCamera = true;
    bool clear = false;
    h.w().apply(in, "", clear);
    EXPECT_TRUE(h.w().view().call.cameraOff);
}

// A call not yet answered is not handed to the next page (APageLeftMidCallStoresTheCall...): it is cancelled.
TEST(Widget, ShutdownEndsTheCallOnTheAgentsSideToo) {
    Harness h;
    h.online();
    h.toRinging(false);
    h.w().shutdown();
    EXPECT_EQ(h.w().call().state(), CallState::Ended);
    bool cancelled = false;
    for (auto& r : h.http.requests)
        if (r->url.find("/2/callKefu") != std::string::npos && json::parse(r->body).value("action", "") == "cancel")
            cancelled = true;
    EXPECT_TRUE(cancelled);
    EXPECT_TRUE(h.stored["https://chat.example.com:call"].empty());
    EXPECT_TRUE(h.peer()->closedByClient);
    EXPECT_TRUE(h.devices.live.empty());
}

TEST(Widget, DestroyedMidCallLeavesNothingScheduled) {
    Harness h;
    h.online();
    h.toInCall(false);
    h.w().send(" "); // a notice timer too
    h.widget.reset();
    EXPECT_TRUE(h.devices.live.empty());
    h.clock.advance(60'000); // nothing of the widget runs any more
    EXPECT_EQ(h.clock.pending(), 0u);
}
