// Recovery of a running call whose path was lost: the agent's peer is dialled again for the same call,
// the new connection takes over, and the call goes on with its clock; and its hand-over to the next page.
#include "call_fakes.hpp"

#include "json_eq.hpp"
#include <gtest/gtest.h>

using kefu::test::J;

using namespace kefu;
using namespace kefu::calltest;

namespace {

class CallRecoverTest : public ::testing::Test {
  protected:
    std::vector<nlohmann::json> offers() const { return h.sentOfType("OFFER"); }
    std::size_t leaves() const { return h.countSent(R"({"type":"LEAVE","dst":"agent1"})"); }
    // The console answers the newest offer; its connection connects.
    void consoleAnswers() {
        h.pc().negotiate();
        h.answerOffer(h.pc(), CallHarness::kAgentPeer, false);
        h.pc().pc->emitRemoteTrack(MediaKind::Audio, 97);
        h.pc().pc->emitIceConnectionState("connected");
    }
    int rebinds() const {
        int n = 0;
        for (const auto& b : h.postedBodies()) n += b.find(R"("action":"rebind")") != std::string::npos;
        return n;
    }

    CallHarness h;
    CallController& call = h.call;
};

} // namespace

TEST_F(CallRecoverTest, ADisconnectedPathIsRedialledAndTheNewConnectionTakesTheCallOver) {
    std::vector<int> remotes;
    call.onRemoteStream([&](int handle, bool) { remotes.push_back(handle); });
    h.toInCall(false);
    PcRecord& first = h.pc();
    h.scheduler.advance(10'000);
    first.pc->emitIceConnectionState("disconnected");
    EXPECT_TRUE(call.reconnecting());
    EXPECT_EQ(call.state(), CallState::InCall);
    ASSERT_EQ(h.rtc.size(), 2u);
    h.pc().negotiate();
    const auto o = offers();
    ASSERT_EQ(o.size(), 2u);
    EXPECT_EQ(o[1]["dst"], "agent1");
    EXPECT_EQ(o[1]["payload"]["metadata"]["callId"], "c_1");
    EXPECT_EQ(o[1]["payload"]["metadata"]["recover"], true);
    EXPECT_EQ(o[1]["payload"]["metadata"]["video"], false);
    EXPECT_EQ(rebinds(), 0); // the same registration: the server's binding holds

    h.scheduler.advance(1'000); // the console answers within kAnswerMs
    consoleAnswers();
    EXPECT_FALSE(call.reconnecting());
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_EQ(call.remoteStream(), 97);
    EXPECT_EQ(remotes.back(), 97);
    h.scheduler.runPending();
    EXPECT_TRUE(first.closed);
    EXPECT_EQ(leaves(), 0u);              // a LEAVE would close the new connection at the agent too
    EXPECT_EQ(call.elapsedSeconds(), 11); // one call, one clock
    EXPECT_EQ(h.states, (std::vector<std::string>{"requesting", "ringing", "connecting", "in-call"}));
    h.scheduler.advance(60'000); // no timer of the recovery is left to end it
    EXPECT_EQ(call.state(), CallState::InCall);
    call.hangup();
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"hangup","call_id":"c_1","duration":71})"));
    EXPECT_TRUE(h.released());
}

TEST_F(CallRecoverTest, ALostPathIsToldOnceSoThePageCanCheckItsOtherSockets) {
    int lost = 0;
    call.onPathLost([&] { ++lost; });
    h.toInCall(false);
    h.pc().pc->emitIceConnectionState("disconnected");
    h.pc().pc->emitIceConnectionState("failed"); // the first attempt fails: still the same loss
    h.scheduler.advance(2'000);
    EXPECT_EQ(lost, 1);
    EXPECT_TRUE(call.reconnecting());
}

TEST_F(CallRecoverTest, AnOldPathThatHealsFirstKeepsTheCallAndDropsTheNewOffer) {
    h.toInCall(true);
    PcRecord& first = h.pc();
    first.pc->emitIceConnectionState("disconnected");
    ASSERT_EQ(h.rtc.size(), 2u);
    PcRecord& second = h.pc();
    second.negotiate();
    first.pc->emitIceConnectionState("connected");
    EXPECT_FALSE(call.reconnecting());
    h.scheduler.runPending();
    EXPECT_TRUE(second.closed);
    EXPECT_FALSE(first.closed);
    EXPECT_EQ(leaves(), 0u);
    for (const auto& r : h.sockets.records)
        for (const auto& f : r->sent)
            if (f.find("LEAVE") != std::string::npos) ADD_FAILURE() << f;
    h.scheduler.advance(60'000);
    EXPECT_EQ(call.state(), CallState::InCall);
    EXPECT_EQ(h.rtc.size(), 2u);
}

TEST_F(CallRecoverTest, AttemptsBackOffAndGiveUpAfterTheRecoveryTime) {
    h.toInCall(false);
    h.pc().pc->emitIceConnectionState("failed"); // straight to failed: no `disconnected` before
    EXPECT_TRUE(call.reconnecting());
    std::vector<std::int64_t> at;
    std::size_t seen = 0;
    for (int ms = 0; ms < 29'900; ms += 100) {
        if (h.rtc.size() != seen) {
            seen = h.rtc.size();
            at.push_back(ms);
            h.pc().negotiate();
            h.answerOffer(h.pc()); // answered, but the path does not come up
        }
        h.scheduler.advance(100);
    }
    // One right away, then after 2, 3 and every 4 s: a network back within the window is used within 4 s.
    EXPECT_EQ(at, (std::vector<std::int64_t>{0, 2000, 5000, 9000, 13000, 17000, 21000, 25000, 29000}));
    EXPECT_EQ(call.state(), CallState::InCall);
    h.scheduler.advance(100);
    EXPECT_EQ(call.state(), CallState::Failed);
    EXPECT_EQ(call.reason(), CallEndReason::ConnectionLost);
    EXPECT_EQ(J(h.postedBodies().back()), J(R"({"action":"end","call_id":"c_1","outcome":"failed","duration":30})"));
    EXPECT_TRUE(h.released());
}

TEST_F(CallRecoverTest, ALostRegistrationIsRenewedAndRebound) {
    h.toInCall(false);
    const std::size_t sockets = h.sockets.records.size();
    h.pc().pc->emitIceConnectionState("disconnected");
    h.peerServer().serverClose();                // the signalling socket went with the network
    h.pc().pc->emitIceConnectionState("failed"); // the attempt sent nothing useful
    h.scheduler.advance(2'000);
    ASSERT_GT(h.sockets.records.size(), sockets);
    const std::size_t offersBefore = offers().size();
    h.registerPeer(); // a new id (no credentials mode here)
    ASSERT_EQ(rebinds(), 1);
    const auto body = nlohmann::json::parse(h.postedBodies().back());
    EXPECT_EQ(body["call_id"], "c_1");
    EXPECT_EQ(body["peer_id"], call.signaling().id());
    h.pc().negotiate();
    EXPECT_EQ(offers().size(), offersBefore); // not before the server bound the new id
    h.http.respondLast(200, R"({"ok":true,"callId":"c_1"})");
    h.pc().negotiate();
    ASSERT_EQ(offers().size(), offersBefore + 1);
    consoleAnswers();
    EXPECT_FALSE(call.reconnecting());
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(CallRecoverTest, ARegistrationThatNeverOpensIsStartedOverAtTheNextAttempt) {
    // A connect begun from an address that then went away never completes (its handshake has nowhere to
    // come back to): the next attempt does not wait for the socket's own 10 s timeout.
    h.toInCall(false);
    h.pc().pc->emitIceConnectionState("disconnected");
    h.peerServer().serverClose();
    h.scheduler.advance(2'000);
    const std::size_t stuck = h.sockets.records.size(); // a new connect is under way and never opens
    h.scheduler.advance(3'000);
    ASSERT_GT(h.sockets.records.size(), stuck);
    h.registerPeer();
    ASSERT_EQ(rebinds(), 1);
    h.http.respondLast(200, R"({"ok":true,"callId":"c_1"})");
    h.pc().negotiate();
    consoleAnswers();
    EXPECT_FALSE(call.reconnecting());
    EXPECT_EQ(call.state(), CallState::InCall);
}

TEST_F(CallRecoverTest, ARefusedRebindEndsTheCall) {
    h.toInCall(false);
    h.pc().pc->emitIceConnectionState("disconnected");
    h.peerServer().serverClose();
    h.scheduler.advance(2'000);
    h.registerPeer();
    ASSERT_EQ(rebinds(), 1);
    h.http.respondLast(409, R"({"error":{"code":"conflict"}})");
    EXPECT_EQ(call.state(), CallState::Failed);
    EXPECT_TRUE(h.released());
}

TEST_F(CallRecoverTest, TheAgentHangingUpDuringRecoveryEndsTheCall) {
    h.toInCall(false);
    h.pc().pc->emitIceConnectionState("disconnected");
    h.peerServer().receive(R"({"type":"LEAVE","src":"agent1","dst":"me"})");
    EXPECT_EQ(call.state(), CallState::Ended);
    EXPECT_EQ(call.reason(), CallEndReason::HungUpRemote);
    h.scheduler.advance(60'000);
    EXPECT_TRUE(h.released());
}

TEST_F(CallRecoverTest, AnUnansweredOfferRenewsTheSocketAndIsSentAgain) {
    h.toInCall(false);
    const std::size_t sockets = h.sockets.records.size();
    h.pc().pc->emitIceConnectionState("failed");
    h.pc().negotiate();
    ASSERT_EQ(offers().size(), 2u);
    h.scheduler.advance(1'100);
    EXPECT_EQ(h.sockets.records.size(), sockets); // the console may still answer
    h.scheduler.advance(100);
    ASSERT_EQ(h.sockets.records.size(), sockets + 1); // a socket dead without knowing it is replaced
    EXPECT_EQ(leaves(), 0u);
    h.registerPeer(); // a new id here (no credentials mode): rebound, then offered again
    h.http.respondLast(200, R"({"ok":true,"callId":"c_1"})");
    h.pc().negotiate();
    EXPECT_EQ(offers().size(), 3u);
    consoleAnswers();
    EXPECT_FALSE(call.reconnecting());
}

TEST_F(CallRecoverTest, TheNextPageTakesTheCallUp) {
    h.toInCall(true);
    h.scheduler.advance(20'000);
    const std::string record = call.resumeRecord();
    ASSERT_FALSE(record.empty());

    CallHarness next; // the next page: a new controller, a new registration
    next.scheduler.advance(h.scheduler.nowMs() - next.scheduler.nowMs() + 800);
    ResumeInfo info;
    ASSERT_TRUE(parseResumeRecord(record, next.scheduler.nowMs(), info));
    EXPECT_EQ(info.callId, "c_1");
    EXPECT_EQ(info.agentPeer, "agent1");
    EXPECT_TRUE(info.video);
    ASSERT_TRUE(next.call.resume(info));
    EXPECT_EQ(next.call.state(), CallState::InCall);
    EXPECT_TRUE(next.call.reconnecting());
    EXPECT_EQ(next.call.callId(), "c_1");
    next.devices.grant(true, true);
    next.registerPeer();
    const auto body = nlohmann::json::parse(next.postedBodies().back());
    EXPECT_EQ(body["action"], "rebind");
    EXPECT_EQ(body["peer_id"], next.call.signaling().id());
    next.http.respondLast(200, R"({"ok":true})");
    next.pc().negotiate();
    const auto o = next.sentOfType("OFFER");
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(o[0]["payload"]["metadata"]["recover"], true);
    EXPECT_EQ(o[0]["payload"]["metadata"]["video"], true);
    next.answerOffer(next.pc(), CallHarness::kAgentPeer, true);
    EXPECT_FALSE(next.call.reconnecting());
    EXPECT_EQ(next.call.elapsedSeconds(), 20); // the call's clock, not the page's
    next.call.hangup();
    EXPECT_EQ(nlohmann::json::parse(next.postedBodies().back())["action"], "hangup");
    EXPECT_TRUE(next.released());
}

TEST_F(CallRecoverTest, AStoredCallIsCheckedStrictly) {
    const std::int64_t now = 1'800'000'000'000;
    const std::string ok =
        R"({"v":1,"callId":"c_1","agentPeer":"agent1","video":false,"startedMs":1799999990000,"savedMs":1799999999000})";
    ResumeInfo info;
    EXPECT_TRUE(parseResumeRecord(ok, now, info));
    const std::vector<std::string> bad = {
        "",
        "null",
        "[]",
        "{not json",
        R"({"v":2,"callId":"c_1","agentPeer":"agent1","video":false,"startedMs":1799999990000,"savedMs":1799999999000})",
        R"({"v":1,"callId":"x1","agentPeer":"agent1","video":false,"startedMs":1799999990000,"savedMs":1799999999000})",
        R"({"v":1,"callId":"c_<b>","agentPeer":"agent1","video":false,"startedMs":1799999990000,"savedMs":1799999999000})",
        R"({"v":1,"callId":"c_1","agentPeer":"a<b","video":false,"startedMs":1799999990000,"savedMs":1799999999000})",
        R"({"v":1,"callId":"c_1","agentPeer":"agent1","video":"yes","startedMs":1799999990000,"savedMs":1799999999000})",
        R"({"v":1,"callId":"c_1","agentPeer":"agent1","video":false,"startedMs":"1","savedMs":1799999999000})",
        R"({"v":1,"callId":"c_1","agentPeer":"agent1","video":false,"startedMs":1799999990000,"savedMs":1799999980000})", // too old
        R"({"v":1,"callId":"c_1","agentPeer":"agent1","video":false,"startedMs":1799999990000,"savedMs":1800000009000})", // future
        R"({"v":1,"callId":"c_1","agentPeer":"agent1","video":false,"startedMs":1799999999500,"savedMs":1799999999000})", // after save
        R"({"v":1,"callId":"c_1","agentPeer":"agent1","video":false,"startedMs":0,"savedMs":1799999999000})",
        R"({"v":1,"callId":"c_1","agentPeer":"agent1","video":false,"startedMs":1799999990000,"savedMs":1799999999000,"x":1})",
        std::string(2000, ' '),
    };
    for (const auto& b : bad) EXPECT_FALSE(parseResumeRecord(b, now, info)) << b;
}

TEST_F(CallRecoverTest, NoRecordOutsideARunningCallAndNoResumeDuringOne) {
    EXPECT_EQ(call.resumeRecord(), "");
    h.toRinging(false);
    EXPECT_EQ(call.resumeRecord(), "");
    ResumeInfo info{"c_9", "agent1", false, 1};
    EXPECT_FALSE(call.resume(info));
}
