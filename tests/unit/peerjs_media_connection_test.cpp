#include "call_fakes.hpp"
#include "core/peerjs/media_connection.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include "json_eq.hpp"

using kefu::test::J;

using namespace kefu;
using namespace kefu::calltest;
using kefu::peerjs::MediaConnection;
using State = MediaConnection::State;
using Reason = MediaConnection::Reason;

namespace {

const char* kCand1 =
    R"({"candidate":"candidate:1 1 udp 1 10.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"uf"})";
const char* kCand2 =
    R"({"candidate":"candidate:2 1 udp 1 10.0.0.2 5001 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"uf"})";

class PeerjsMediaConnectionTest : public ::testing::Test {
  protected:
    PeerjsMediaConnectionTest() : signaling(peerjs::Options{}, scheduler, sockets.factory()) {
        signaling.open();
        sockets.last().open();
        sockets.last().receive(R"({"type":"OPEN"})");
        mc = std::make_unique<MediaConnection>(signaling, scheduler, rtc.make());
        mc->onStateChange([this](State s, Reason r) {
            states.push_back(s);
            reasons.push_back(r);
        });
    }

    SocketRecord& server() { return sockets.last(); }
    PcRecord& pc() { return rtc.last(); }

    void startCall(bool video = false) {
        MediaConnection::Media m;
        m.localStream = 7;
        m.sendAudio = true;
        m.sendVideo = video;
        m.receiveVideo = video;
        ASSERT_TRUE(mc->call("agent1", m, R"({"video":false,"visitorId":"v_1","name":"Ann"})"));
    }

    // Frames sent since the registration, without heartbeats.
    std::vector<nlohmann::json> frames() const {
        std::vector<nlohmann::json> out;
        for (const auto& f : sockets.records.back()->sent) {
            auto j = nlohmann::json::parse(f);
            if (j["type"] != "HEARTBEAT") out.push_back(j);
        }
        return out;
    }

    std::string answerFrame(const std::string& src = "agent1", std::string cid = "") const {
        if (cid.empty()) cid = mc->connectionId();
        return R"({"type":"ANSWER","src":")" + src +
               R"(","dst":"me","payload":{"sdp":{"type":"answer","sdp":"v=0 answer"},"type":"media","connectionId":")" +
               cid + R"("}})";
    }
    std::string candidateFrame(const std::string& cand, const std::string& src = "agent1") const {
        return R"({"type":"CANDIDATE","src":")" + src + R"(","dst":"me","payload":{"candidate":)" + cand +
               R"(,"type":"media","connectionId":")" + mc->connectionId() + R"("}})";
    }

    void answerAndConnect() {
        pc().negotiate();
        server().receive(answerFrame());
        pc().resolveRemote();
        pc().pc->emitIceConnectionState("checking");
        pc().pc->emitIceConnectionState("connected");
        ASSERT_EQ(mc->state(), State::Connected);
    }

    FakeScheduler scheduler;
    FakeSockets sockets;
    FakeRtc rtc;
    peerjs::Signaling signaling;
    std::unique_ptr<MediaConnection> mc;
    std::vector<State> states;
    std::vector<Reason> reasons;
};

} // namespace

TEST_F(PeerjsMediaConnectionTest, ConnectionIdLooksLikePeerjs) {
    const std::string& id = mc->connectionId();
    ASSERT_GT(id.size(), 5u);
    EXPECT_EQ(id.substr(0, 3), "mc_");
    EXPECT_EQ(id.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz", 3), std::string::npos);
    MediaConnection other(signaling, scheduler, rtc.make());
    EXPECT_NE(other.connectionId(), id);
}

TEST_F(PeerjsMediaConnectionTest, BuildsPeerConnectionLikePeerjs) {
    startCall(false);
    EXPECT_EQ(pc().ops, (std::vector<std::string>{"addSendSlots:audio", "createDataChannel:kefu:unordered",
                                                  "createOffer", "fillSendSlots:7"}));
    EXPECT_EQ(mc->state(), State::Offering);
}

TEST_F(PeerjsMediaConnectionTest, VideoCallSendsBothKindsAndRecvOnlyFillsGaps) {
    startCall(true);
    EXPECT_EQ(pc().ops, (std::vector<std::string>{"addSendSlots:audio+video", "createDataChannel:kefu:unordered",
                                                  "createOffer", "fillSendSlots:7"}));

    MediaConnection receiveOnly(signaling, scheduler, rtc.make());
    MediaConnection::Media m; // no local stream, wants audio and video
    m.receiveVideo = true;
    ASSERT_TRUE(receiveOnly.call("agent1", m));
    EXPECT_EQ(rtc.last().ops, (std::vector<std::string>{"addRecvOnly:audio", "addRecvOnly:video",
                                                        "createDataChannel:kefu:unordered", "createOffer"}));
}

TEST_F(PeerjsMediaConnectionTest, OfferShapeIsStockPeerjs) {
    startCall();
    pc().resolveOffer("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
    EXPECT_EQ(pc().ops.back(), "setLocalDescription:offer");
    // The SDP is final once made: it goes while setLocalDescription runs, not a task later.
    ASSERT_EQ(server().sent.size(), 1u);
    pc().resolveLocal();
    ASSERT_EQ(server().sent.size(), 1u);
    EXPECT_EQ(J(server().sent[0]),
              J(R"({"type":"OFFER","payload":{"sdp":{"type":"offer","sdp":"v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"},)"
                R"("type":"media","connectionId":")" +
                mc->connectionId() + R"(","metadata":{"video":false,"visitorId":"v_1","name":"Ann"}},"dst":"agent1"})"));
}

TEST_F(PeerjsMediaConnectionTest, LocalCandidatesWaitForTheOffer) {
    startCall();
    pc().pc->emitLocalCandidate(kCand1);
    EXPECT_TRUE(frames().empty()); // no OFFER yet: the agent would have nothing to add it to
    pc().resolveOffer();
    pc().pc->emitLocalCandidate(kCand2);
    pc().pc->emitLocalCandidate(R"({"candidate":"","sdpMid":"0","sdpMLineIndex":0})"); // skipped
    pc().resolveLocal();
    auto f = frames();
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f[0]["type"], "OFFER");
    EXPECT_EQ(f[1]["type"], "CANDIDATE");
    EXPECT_EQ(f[1]["payload"]["candidate"]["candidate"], "candidate:1 1 udp 1 10.0.0.1 5000 typ host");
    EXPECT_EQ(f[2]["payload"]["candidate"]["candidate"], "candidate:2 1 udp 1 10.0.0.2 5001 typ host");

    pc().pc->emitLocalCandidate(kCand1); // after the offer: sent at once
    ASSERT_EQ(frames().size(), 4u);
    EXPECT_EQ(J(server().sent.back()),
              J(R"({"type":"CANDIDATE","payload":{"candidate":{"candidate":"candidate:1 1 udp 1 10.0.0.1 5000 typ host",)"
                R"("sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"uf"},"type":"media","connectionId":")" +
                mc->connectionId() + R"("},"dst":"agent1"})"));
}

// The OFFER leaves before its own setLocalDescription has finished: an ANSWER that comes back meanwhile is
// set only once it has, and a setLocalDescription that fails takes the offer back.
TEST_F(PeerjsMediaConnectionTest, AnAnswerBeforeOurLocalDescriptionWaitsForIt) {
    startCall();
    pc().resolveOffer();
    ASSERT_EQ(frames().size(), 1u);
    server().receive(answerFrame());
    EXPECT_EQ(pc().ops.back(), "setLocalDescription:offer");
    EXPECT_EQ(mc->state(), State::Offering);
    pc().resolveLocal();
    EXPECT_EQ(pc().ops.back(), "setRemoteDescription:answer:v=0 answer");
    pc().resolveRemote();
    EXPECT_EQ(mc->state(), State::Answered);
}

TEST_F(PeerjsMediaConnectionTest, ALocalDescriptionThatFailsAfterTheOfferLeftSendsLeave) {
    startCall();
    pc().resolveOffer();
    server().receive(answerFrame());
    pc().resolveLocal(false);
    EXPECT_EQ(mc->state(), State::Failed);
    EXPECT_EQ(frames().back()["type"], "LEAVE");
    EXPECT_NE(pc().ops.back(), "setRemoteDescription:answer:v=0 answer");
}

TEST_F(PeerjsMediaConnectionTest, AnswerSetsRemoteDescriptionThenFlushesQueuedCandidatesInOrder) {
    startCall();
    pc().negotiate();
    server().receive(candidateFrame(kCand1)); // overtook nothing in practice, but must not reach the pc early
    server().receive(answerFrame());
    server().receive(candidateFrame(kCand2));
    EXPECT_EQ(pc().ops.back(), "setRemoteDescription:answer:v=0 answer");
    EXPECT_TRUE(pc().candidates.empty());
    EXPECT_EQ(mc->state(), State::Offering);

    pc().resolveRemote();
    EXPECT_EQ(mc->state(), State::Answered);
    const auto added = pc().addedCandidates();
    ASSERT_EQ(added.size(), 2u);
    EXPECT_NE(added[0].find("candidate:1 "), std::string::npos);
    EXPECT_NE(added[1].find("candidate:2 "), std::string::npos);

    server().receive(candidateFrame(kCand1)); // afterwards: straight through
    EXPECT_EQ(pc().candidates.size(), 3u);
}

TEST_F(PeerjsMediaConnectionTest, IgnoresAnswersForOtherConnectionsOrPeers) {
    startCall();
    pc().negotiate();
    server().receive(answerFrame("agent2"));
    server().receive(answerFrame("agent1", "mc_other"));
    EXPECT_FALSE(pc().has("setRemoteDescription:answer:v=0 answer"));
    server().receive(answerFrame());
    server().receive(answerFrame()); // a duplicate is ignored
    EXPECT_EQ(std::count(pc().ops.begin(), pc().ops.end(), "setRemoteDescription:answer:v=0 answer"), 1);
}

TEST_F(PeerjsMediaConnectionTest, IceConnectedMeansConnected) {
    startCall();
    answerAndConnect();
    EXPECT_EQ(states, (std::vector<State>{State::Offering, State::Answered, State::Connected}));
}

TEST_F(PeerjsMediaConnectionTest, CompletedAlsoCounts) {
    startCall();
    pc().negotiate();
    server().receive(answerFrame());
    pc().resolveRemote();
    pc().pc->emitIceConnectionState("completed");
    EXPECT_EQ(mc->state(), State::Connected);
}

TEST_F(PeerjsMediaConnectionTest, RemoteTrackIsReported) {
    std::vector<std::string> tracks;
    mc->onRemoteTrack(
        [&](MediaKind k, int h) { tracks.push_back(std::string(toString(k)) + ":" + std::to_string(h)); });
    startCall(true);
    pc().negotiate();
    server().receive(answerFrame());
    pc().pc->emitRemoteTrack(MediaKind::Audio, 40);
    pc().pc->emitRemoteTrack(MediaKind::Video, 40);
    EXPECT_EQ(tracks, (std::vector<std::string>{"audio:40", "video:40"}));
    EXPECT_EQ(mc->remoteStream(), 40);
}

TEST_F(PeerjsMediaConnectionTest, ExpireFromAgentIsPeerUnavailable) {
    startCall();
    pc().negotiate();
    server().receive(R"({"type":"EXPIRE","src":"someoneelse","dst":"me"})");
    EXPECT_EQ(mc->state(), State::Offering);
    server().receive(R"({"type":"EXPIRE","src":"agent1","dst":"me"})");
    EXPECT_EQ(mc->state(), State::Failed);
    EXPECT_EQ(mc->reason(), Reason::PeerUnavailable);
    EXPECT_STREQ(peerjs::toString(mc->reason()), "peer-unavailable");
    EXPECT_TRUE(pc().closed);
    for (const auto& f : frames()) EXPECT_NE(f["type"], "LEAVE"); // nobody there to tell
}

TEST_F(PeerjsMediaConnectionTest, LeaveFromAgentIsRemoteHangup) {
    startCall();
    answerAndConnect();
    const auto before = server().sent.size();
    server().receive(R"({"type":"LEAVE","src":"agent1","dst":"me"})");
    EXPECT_EQ(mc->state(), State::Closed);
    EXPECT_EQ(mc->reason(), Reason::RemoteLeave);
    EXPECT_TRUE(pc().closed);
    EXPECT_EQ(server().sent.size(), before); // no LEAVE echoed back
}

TEST_F(PeerjsMediaConnectionTest, DataChannelCloseAfterOpenIsRemoteHangup) {
    startCall();
    pc().pc->emitDataChannelClose(); // never opened: meaningless
    EXPECT_EQ(mc->state(), State::Offering);
    answerAndConnect();
    pc().pc->emitDataChannelOpen();
    pc().pc->emitDataChannelClose();
    EXPECT_EQ(mc->state(), State::Closed);
    EXPECT_EQ(mc->reason(), Reason::RemoteClose);
    EXPECT_TRUE(pc().closed);
}

TEST_F(PeerjsMediaConnectionTest, IceFailedEndsTheCallAndTellsTheAgent) {
    startCall();
    answerAndConnect();
    pc().pc->emitIceConnectionState("failed");
    EXPECT_EQ(mc->state(), State::Failed);
    EXPECT_EQ(mc->reason(), Reason::ConnectionLost);
    EXPECT_TRUE(pc().closed);
    EXPECT_EQ(J(server().sent.back()), J(R"({"type":"LEAVE","dst":"agent1"})"));
}

TEST_F(PeerjsMediaConnectionTest, ConnectionStateFailedAlsoEnds) {
    startCall();
    answerAndConnect();
    pc().pc->emitConnectionState("failed");
    EXPECT_EQ(mc->reason(), Reason::ConnectionLost);
}

// Four seconds: a recovery (call_recover.cpp) that this fallback starts still has audio back within the
// 5 s a moved network is given, while a 3 s outage heals before it.
TEST_F(PeerjsMediaConnectionTest, DisconnectedIsToleratedForFourSeconds) {
    startCall();
    answerAndConnect();
    pc().pc->emitIceConnectionState("disconnected");
    scheduler.advance(3000);
    pc().pc->emitIceConnectionState("connected"); // healed
    scheduler.advance(10000);
    EXPECT_EQ(mc->state(), State::Connected);

    pc().pc->emitIceConnectionState("disconnected");
    scheduler.advance(3999);
    EXPECT_EQ(mc->state(), State::Connected);
    scheduler.advance(1);
    EXPECT_EQ(mc->state(), State::Failed);
    EXPECT_EQ(mc->reason(), Reason::ConnectionLost);
}

TEST_F(PeerjsMediaConnectionTest, NegotiationFailures) {
    startCall();
    pc().rejectOffer();
    EXPECT_EQ(mc->reason(), Reason::NegotiationFailed);
    EXPECT_TRUE(pc().closed);

    MediaConnection second(signaling, scheduler, rtc.make());
    ASSERT_TRUE(second.call("agent1", MediaConnection::Media{}));
    rtc.last().resolveOffer();
    rtc.last().resolveLocal(false);
    EXPECT_EQ(second.reason(), Reason::NegotiationFailed);

    MediaConnection third(signaling, scheduler, rtc.make());
    ASSERT_TRUE(third.call("agent1", MediaConnection::Media{}));
    rtc.last().negotiate();
    server().receive(
        R"({"type":"ANSWER","src":"agent1","dst":"me","payload":{"sdp":{"type":"answer","sdp":"bad"},"type":"media","connectionId":")" +
        third.connectionId() + R"("}})");
    rtc.last().resolveRemote(false);
    EXPECT_EQ(third.reason(), Reason::NegotiationFailed);
}

TEST_F(PeerjsMediaConnectionTest, OfferWithoutSignalingFails) {
    startCall();
    server().serverClose();
    pc().negotiate();
    EXPECT_EQ(mc->state(), State::Failed);
    EXPECT_EQ(mc->reason(), Reason::SignalingLost);
}

TEST_F(PeerjsMediaConnectionTest, HangupSendsLeaveWithDstAndCloses) {
    startCall();
    answerAndConnect();
    mc->hangup();
    EXPECT_EQ(mc->state(), State::Closed);
    EXPECT_EQ(mc->reason(), Reason::LocalHangup);
    EXPECT_EQ(J(server().sent.back()), J(R"({"type":"LEAVE","dst":"agent1"})"));
    EXPECT_TRUE(pc().closed);
    // Nothing more after the end: messages are no longer routed to us.
    server().receive(R"({"type":"LEAVE","src":"agent1","dst":"me"})");
    EXPECT_EQ(states.back(), State::Closed);
    EXPECT_EQ(states.size(), 4u);
    mc->hangup(); // idempotent
    EXPECT_EQ(kefu::test::countJson(server().sent, R"({"type":"LEAVE","dst":"agent1"})"), 1u);
}

TEST_F(PeerjsMediaConnectionTest, CloseEndsThisConnectionWithoutALeave) {
    startCall();
    answerAndConnect();
    const std::size_t sent = server().sent.size();
    mc->close();
    EXPECT_EQ(mc->state(), State::Closed);
    EXPECT_TRUE(pc().closed);
    EXPECT_EQ(server().sent.size(), sent); // a LEAVE would close the peer's other connections with us too
}

TEST_F(PeerjsMediaConnectionTest, HangupBeforeOfferSentSendsNothing) {
    startCall();
    mc->hangup();
    EXPECT_TRUE(frames().empty());
    EXPECT_TRUE(pc().closed);
    pc().negotiate(); // late promise results are ignored
    EXPECT_TRUE(frames().empty());
}

TEST_F(PeerjsMediaConnectionTest, LateCallbacksAfterDestructionAreHarmless) {
    startCall();
    auto rec = rtc.records.back();
    mc.reset();
    EXPECT_TRUE(rec->closed);
    rec->negotiate(); // the bridge resolving a promise for a dead connection
    EXPECT_TRUE(frames().empty());
}

TEST_F(PeerjsMediaConnectionTest, CallTwiceIsRefused) {
    startCall();
    EXPECT_FALSE(mc->call("agent1", MediaConnection::Media{}));
    MediaConnection noPc(signaling, scheduler, nullptr);
    EXPECT_FALSE(noPc.call("agent1", MediaConnection::Media{}));
}
